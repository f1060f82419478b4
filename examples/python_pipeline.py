#!/usr/bin/env python3
"""What a reviewing office would script instead of pingshen: read every package with the fastest
native-backed Python libraries, the way a typical script does, and nothing more (no checks, no
verdicts). For the comparison in examples/BENCHMARKS.md.

    python3 -m venv /tmp/pyb && /tmp/pyb/bin/pip install pymupdf python-calamine python-docx
    /tmp/pyb/bin/python examples/python_pipeline.py DIR [-j 2]

For every .zip under DIR (sorted), in a multiprocessing.Pool of J processes (default 2): open the
archive in memory and, for each entry by extension,
  .pdf  -> PyMuPDF (MuPDF, C): the text of every page (--pdf-first-page: page 1 only);
  .xlsx -> python-calamine (calamine, Rust): every cell of every sheet;
  .docx -> python-docx (lxml, C): every paragraph, and every cell of every table.
Other entries are only inflated. An entry a library cannot read counts as an error and the
package goes on. Prints packages/s and MB/s (archive bytes) like bench_batch.
"""

import argparse
import io
import os
import sys
import time
import warnings
import zipfile
from multiprocessing import Pool

warnings.filterwarnings("ignore")

import docx  # python-docx
import pymupdf
from python_calamine import CalamineWorkbook

pymupdf.TOOLS.mupdf_display_errors(False)


PDF_PAGES = None  # None: every page; 1: the first page only (--pdf-first-page)


def read_pdf(data):
    chars = 0
    with pymupdf.open(stream=data, filetype="pdf") as doc:
        for k, page in enumerate(doc):
            if PDF_PAGES is not None and k >= PDF_PAGES:
                break
            chars += len(page.get_text())
    return chars


def read_xlsx(data):
    chars = 0
    wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
    for name in wb.sheet_names:
        for row in wb.get_sheet_by_name(name).to_python():
            for cell in row:
                chars += len(str(cell))
    return chars


def read_docx(data):
    chars = 0
    d = docx.Document(io.BytesIO(data))
    for p in d.paragraphs:
        chars += len(p.text)
    for t in d.tables:
        for row in t.rows:
            for cell in row.cells:
                chars += len(cell.text)
    return chars


READERS = {".pdf": read_pdf, ".xlsx": read_xlsx, ".docx": read_docx}


def read_package(path):
    chars = errors = 0
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.is_dir():
                    continue
                data = z.read(info)
                reader = READERS.get(os.path.splitext(info.filename)[1].lower())
                if reader is None:
                    continue
                try:
                    chars += reader(data)
                except Exception:
                    errors += 1
    except Exception:
        errors += 1
    return os.path.getsize(path), chars, errors


def _init(pdf_pages):
    global PDF_PAGES
    PDF_PAGES = pdf_pages


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dir")
    ap.add_argument("-j", "--jobs", type=int, default=2)
    ap.add_argument(
        "--pdf-first-page",
        action="store_true",
        help="read only page 1 of each PDF (a lower bound, not what a typical script does)",
    )
    args = ap.parse_args()
    global PDF_PAGES
    if args.pdf_first_page:
        PDF_PAGES = 1
    paths = sorted(
        os.path.join(root, f)
        for root, _, files in os.walk(args.dir)
        for f in files
        if f.lower().endswith(".zip")
    )
    start = time.perf_counter()
    with Pool(args.jobs, initializer=_init, initargs=(PDF_PAGES,)) as pool:
        results = pool.map(read_package, paths, chunksize=1)
    wall = time.perf_counter() - start
    total = sum(r[0] for r in results)
    chars = sum(r[1] for r in results)
    errors = sum(r[2] for r in results)
    n = len(paths)
    print(
        f"python ({args.jobs} processes{', PDF page 1 only' if PDF_PAGES else ''}): {n} packages, {total / 1e6:.1f} MB in {wall:.3f} s: "
        f"{n / wall:.1f} packages/s, {total / 1e6 / wall:.1f} MB/s; "
        f"{chars} characters read, {errors} errors"
    )
    if errors:
        sys.exit(1)


if __name__ == "__main__":
    main()
