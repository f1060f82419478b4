#!/usr/bin/env python3
"""Side-by-side OCR throughput on one core: RapidOCR (Python, PP-OCRv6 via ONNX Runtime),
Tesseract (chi_sim) and `pingshen text --ocr require`, on a folder of image-only PDFs.

    python3 scripts/bench_ocr.py [--scans fixtures/scans] [--pingshen target/release/pingshen]
                                 [--python target/bench-venv/bin/python] [--models DIR]

scripts/bench-ocr.sh sets up the pinned venv (rapidocr 3.10.0, onnxruntime 1.32.0) and the OCR
assets, then runs this. The script itself needs only the standard library and poppler-utils
(pdfimages, pdftoppm); RapidOCR runs in a worker process started with --python.

Each PDF's page images are extracted once (`pdfimages -png`, or `pdftoppm -r <native dpi>` when
a page is not exactly one image). Every engine then runs pinned to one core (`taskset -c CORE`;
ONNX Runtime intra_op_num_threads=1 and inter_op_num_threads=1 for RapidOCR; OMP_THREAD_LIMIT=1
for Tesseract), REPEAT times, and the median is reported:

- rapidocr: seconds per page inside one process, after the models are loaded and one warm-up
  run; the load time is printed apart.
- tesseract: wall time of `tesseract IMG stdout -l chi_sim --psm 1` per page (its model load
  included, as pingshen pays it too when it shells out).
- pingshen: wall time of `pingshen text --ocr require --format json FILE` per file less the
  start-up and engine load (the median of `pingshen doctor`), divided by the pages it read by
  OCR. n/a when the binary is absent or reads no page by OCR.
- pingshen warm: the same page read after another in the same process (a zip holding the PDF
  twice less a zip holding it once, runs interleaved), as RapidOCR is timed.

When SCANS/expected.json exists ({"file.pdf": {"must_read": [...]}} or {"file.pdf": [...]}),
the table also says how many must_read strings each engine's text holds (compared after NFKC
and with white space removed).
"""

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODEL_FILES = {
    "det": "PP-OCRv6_det_small.onnx",
    "rec": "PP-OCRv6_rec_small.onnx",
    "cls": "ch_ppocr_mobile_v2.0_cls_mobile.onnx",
}


def default_ocr_dir() -> Path:
    env = os.environ.get("PINGSHEN_OCR_DIR")
    if env:
        return Path(env)
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "pingshen" / "ocr"


def pin_cmd(core, cmd):
    """cmd run on one core: through taskset when there is one."""
    if shutil.which("taskset"):
        return ["taskset", "-c", str(core)] + cmd
    return cmd


def pin_preexec(core):
    if shutil.which("taskset") or not hasattr(os, "sched_setaffinity"):
        return None
    return lambda: os.sched_setaffinity(0, {core})


# ---------------------------------------------------------------------------------------------
# RapidOCR worker: runs inside the venv, prints one JSON object on stdout.


def rapidocr_worker(args) -> int:
    try:
        import cv2

        cv2.setNumThreads(1)
    except Exception:  # noqa: BLE001 - OpenCV's own threads only; not essential
        pass
    from rapidocr import RapidOCR

    params = {
        "Global.log_level": "error",
        "EngineConfig.onnxruntime.intra_op_num_threads": 1,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
    }
    if args.models:
        for task, name in MODEL_FILES.items():
            params[f"{task.capitalize()}.model_path"] = str(Path(args.models) / name)
    t0 = time.perf_counter()
    engine = RapidOCR(params=params)
    # RapidOCR loads each model on first use; load them now so that no page pays for it.
    for loader in ("_load_det_model", "_load_cls_model", "_load_rec_model"):
        if hasattr(engine, loader):
            getattr(engine, loader)()
    load_s = time.perf_counter() - t0

    out = {"load_s": load_s, "pages": []}
    warmed = False
    for img in args.images:
        if not warmed:
            engine(img)
            warmed = True
        times, result = [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = engine(img)
            times.append(time.perf_counter() - t)
        lines = list(result.txts or ()) if result is not None else []
        scores = [float(s) for s in (result.scores or ())] if result is not None else []
        out["pages"].append({"image": img, "times": times, "lines": lines, "scores": scores})
    json.dump(out, sys.stdout, ensure_ascii=False)
    return 0


# ---------------------------------------------------------------------------------------------
# Orchestrator.


def png_size(path: Path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def pdf_pages(pdf: Path) -> int:
    out = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 1


def extract_pages(pdf: Path, workdir: Path):
    """One PNG per page: [(path, dpi)]."""
    listing = subprocess.run(
        ["pdfimages", "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    rows = [r.split() for r in listing if r.strip()]
    images = [r for r in rows if len(r) > 13 and r[2] == "image"]
    npages = pdf_pages(pdf)
    per_page = {}
    for r in images:
        per_page.setdefault(int(r[0]), []).append(r)
    dpis = [int(round(float(r[12]))) for r in images] or [300]
    stem = workdir / pdf.stem
    stem.mkdir(parents=True, exist_ok=True)
    if len(per_page) == npages and all(len(v) == 1 for v in per_page.values()) and len(rows) == npages:
        subprocess.run(["pdfimages", "-png", str(pdf), str(stem / "p")], check=True)
        files = sorted(stem.glob("p-*.png"))
        page_dpis = [int(round(float(per_page[p][0][12]))) for p in sorted(per_page)]
        return list(zip(files, page_dpis))
    # Several images (or masks, or none) on a page: render the page at the scan's resolution.
    dpi = max(dpis)
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(stem / "r")], check=True)
    return [(f, dpi) for f in sorted(stem.glob("r-*.png"))]


def norm(s: str) -> str:
    return "".join(unicodedata.normalize("NFKC", s).split())


def count_found(text: str, must):
    t = norm(text)
    return sum(1 for m in must if norm(m) in t)


def load_expected(scans: Path):
    p = scans / "expected.json"
    if not p.is_file():
        return None
    data = json.loads(p.read_text(encoding="utf-8"))
    if isinstance(data, dict) and isinstance(data.get("files"), (dict, list)):
        data = data["files"]
    exp = {}
    items = data.items() if isinstance(data, dict) else ((d.get("file"), d) for d in data)
    for name, v in items:
        if not name:
            continue
        must = v.get("must_read", []) if isinstance(v, dict) else v
        exp[Path(name).name] = [str(m) for m in must]
    return exp


def run_rapidocr(args, images):
    py = args.python
    if not py:
        return None, "no python with rapidocr (run scripts/bench-ocr.sh, or give --python)"
    models = args.models
    cmd = [py, str(Path(__file__).resolve()), "--rapidocr-worker", "--repeat", str(args.repeat)]
    if models:
        cmd += ["--models", str(models)]
    cmd += [str(i) for i in images]
    env = dict(os.environ, OMP_NUM_THREADS="1", OMP_THREAD_LIMIT="1")
    p = subprocess.run(
        pin_cmd(args.core, cmd), capture_output=True, text=True, env=env,
        preexec_fn=pin_preexec(args.core),
    )
    if p.returncode != 0:
        return None, f"rapidocr worker failed ({p.returncode}): {p.stderr.strip()[-400:]}"
    return json.loads(p.stdout), None


def timed_runs(args, cmd, env):
    """Runs `cmd` on the pinned core `args.repeat` times: ([wall seconds], [stdout]), or None
    when a run fails."""
    walls, outs = [], []
    for _ in range(args.repeat):
        t = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                           preexec_fn=pin_preexec(args.core))
        walls.append(time.perf_counter() - t)
        if p.returncode != 0:
            return None
        outs.append(p.stdout)
    return walls, outs


def run_tesseract(args, image: Path):
    if not shutil.which("tesseract"):
        return None, None
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    cmd = pin_cmd(args.core, ["tesseract", str(image), "stdout", "-l", "chi_sim", "--psm", "1"])
    runs = timed_runs(args, cmd, env)
    if runs is None:
        return None, None
    return statistics.median(runs[0]), runs[1][-1]


# The engine load time, measured once per run.
_LOAD = {}


def pingshen_load(args):
    """Median wall time of `pingshen doctor`, which starts the process and loads the engine
    (ONNX Runtime and the three models) and reads nothing: the fixed cost of a pingshen run,
    taken off its per-page time. None when doctor fails (no engine)."""
    if "s" in _LOAD:
        return _LOAD["s"]
    cmd = pin_cmd(args.core, [str(args.pingshen), "doctor"])
    env = dict(os.environ)
    if args.models:
        env["PINGSHEN_OCR_DIR"] = str(args.models)
    runs = timed_runs(args, cmd, env)
    _LOAD["s"] = statistics.median(runs[0]) if runs else None
    return _LOAD["s"]


def run_pingshen(args, pdf: Path):
    """(s/page median with the engine load taken off, wall s/page with it, text) or None when
    pingshen cannot OCR."""
    binary = args.pingshen
    if not binary or not os.access(binary, os.X_OK):
        return None
    cmd = pin_cmd(args.core, [str(binary), "text", "--ocr", "require", "--format", "json", str(pdf)])
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    if args.models:
        env["PINGSHEN_OCR_DIR"] = str(args.models)
    runs = timed_runs(args, cmd, env)
    if runs is None:
        return None
    walls, stdouts = runs
    text, ocr_pages = "", 0
    for stdout in stdouts:
        pages, lines = [], []
        for line in stdout.splitlines():
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError:
                return None
            pages += [pg for pg in obj.get("pages", []) if pg.get("read_by") == "ocr"]
        for pg in pages:
            lines += pg.get("lines", [])
        ocr_pages = len(pages)
        if ocr_pages == 0:
            return None
        text = "\n".join(lines)
    load = pingshen_load(args) or 0.0
    wall = statistics.median(walls)
    return max(wall - load, 0.0) / ocr_pages, wall / ocr_pages, text


def run_pingshen_warm(args, pdf: Path, work: Path):
    """Seconds per page once the engine is loaded and has read a page: `pingshen text` on a zip
    holding the PDF twice less the same on a zip holding it once, the runs interleaved (once,
    twice, once, twice, ...) so that a drift of the machine's speed falls on both; the median of
    each, divided by the PDF's pages read by OCR. This is how RapidOCR is timed (after its load
    and a warm-up page) and what a batch of many packages pays a page. None when pingshen cannot
    OCR."""
    import zipfile
    binary = args.pingshen
    if not binary or not os.access(binary, os.X_OK):
        return None
    zips = []
    for n in (1, 2):
        z = work / f"warm-{pdf.stem}-{n}.zip"
        with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
            for i in range(n):
                zf.write(pdf, f"{i}-{pdf.name}")
        zips.append(z)
    env = dict(os.environ, OMP_THREAD_LIMIT="1", OMP_NUM_THREADS="1")
    if args.models:
        env["PINGSHEN_OCR_DIR"] = str(args.models)
    walls = {1: [], 2: []}
    pages = 0
    for _ in range(args.repeat):
        for n, z in zip((1, 2), zips):
            cmd = pin_cmd(args.core, [str(binary), "text", "--ocr", "require", "--format", "json", str(z)])
            t = time.perf_counter()
            p = subprocess.run(cmd, capture_output=True, text=True, env=env,
                               preexec_fn=pin_preexec(args.core))
            walls[n].append(time.perf_counter() - t)
            if p.returncode != 0:
                return None
            if n == 1:
                pages = sum(1 for line in p.stdout.splitlines() if line.strip()
                            for pg in json.loads(line).get("pages", []) if pg.get("read_by") == "ocr")
    if pages == 0:
        return None
    return max(statistics.median(walls[2]) - statistics.median(walls[1]), 0.0) / pages


def core_ticks(core):
    """(busy, total) clock ticks of one core so far, from /proc/stat; None elsewhere."""
    try:
        with open("/proc/stat") as f:
            for line in f:
                if line.startswith(f"cpu{core} "):
                    v = [int(x) for x in line.split()[1:]]
                    idle = v[3] + (v[4] if len(v) > 4 else 0)
                    return sum(v[:8]) - idle, sum(v[:8])
    except OSError:
        pass
    return None


def fmt(v):
    return "n/a" if v is None else f"{v:.3f}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--scans", type=Path, default=ROOT / "fixtures" / "scans")
    ap.add_argument("--pingshen", type=Path, default=ROOT / "target" / "release" / "pingshen")
    ap.add_argument("--python", help="python with rapidocr (default target/bench-venv/bin/python)")
    ap.add_argument("--models", type=Path, help="folder with the .onnx models (default: "
                    "PINGSHEN_OCR_DIR or pingshen's default folder when installed; else "
                    "rapidocr's own copies, the same files)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--core", type=int, default=0)
    ap.add_argument("--text-out", type=Path, help="write each engine's text here, to compare")
    ap.add_argument("--rapidocr-worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("images", nargs="*", help=argparse.SUPPRESS)
    args = ap.parse_args()

    if args.rapidocr_worker:
        return rapidocr_worker(args)

    if args.python is None:
        venv = ROOT / "target" / "bench-venv" / "bin" / "python"
        args.python = str(venv) if venv.exists() else None
    if args.models is None:
        d = default_ocr_dir()
        if (d / "MANIFEST.tsv").is_file():
            args.models = d
    if args.models is not None:
        missing = [n for n in MODEL_FILES.values() if not (args.models / n).is_file()]
        if missing:
            print(f"models missing in {args.models}: {', '.join(missing)}", file=sys.stderr)
            return 2

    pdfs = sorted(args.scans.glob("*.pdf"))
    if not pdfs:
        print(f"no PDFs in {args.scans}", file=sys.stderr)
        return 2
    expected = load_expected(args.scans)

    work = Path(tempfile.mkdtemp(prefix="bench-ocr-"))
    ticks0, own0 = core_ticks(args.core), resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        pages = {pdf: extract_pages(pdf, work) for pdf in pdfs}
        all_images = [img for pdf in pdfs for img, _ in pages[pdf]]
        rapid, rapid_err = run_rapidocr(args, all_images)
        rapid_by_image = {}
        if rapid:
            rapid_by_image = {Path(pg["image"]): pg for pg in rapid["pages"]}

        rows, notes = [], []
        for pdf in pdfs:
            imgs = pages[pdf]
            pixels = ", ".join("%dx%d" % png_size(i) for i, _ in imgs)
            dpi = ", ".join(sorted({str(d) for _, d in imgs}))

            r_times, r_text = [], []
            for img, _ in imgs:
                pg = rapid_by_image.get(img)
                if pg:
                    r_times.append(statistics.median(pg["times"]))
                    r_text.append("\n".join(pg["lines"]))
            r_s = sum(r_times) / len(r_times) if r_times and len(r_times) == len(imgs) else None

            t_times, t_text = [], []
            for img, _ in imgs:
                s, text = run_tesseract(args, img)
                if s is None:
                    t_times = None
                    break
                t_times.append(s)
                t_text.append(text)
            t_s = sum(t_times) / len(t_times) if t_times else None

            ps = run_pingshen(args, pdf)
            p_s = ps[0] if ps else None
            p_warm = run_pingshen_warm(args, pdf, work) if ps else None
            if ps:
                notes.append(f"{pdf.name}: pingshen {ps[0]:.3f} s/page, {ps[1]:.3f} s/page with "
                             "process start and engine load")

            texts = {"rapidocr": "\n".join(r_text) if r_s is not None else None,
                     "tesseract": "".join(t_text) if t_s is not None else None,
                     "pingshen": ps[2] if ps else None}
            if args.text_out:
                args.text_out.mkdir(parents=True, exist_ok=True)
                for eng, txt in texts.items():
                    if txt is not None:
                        (args.text_out / f"{pdf.stem}.{eng}.txt").write_text(txt, encoding="utf-8")

            row = [pdf.name, pixels, dpi, fmt(r_s), fmt(t_s), fmt(p_s), fmt(p_warm)]
            if expected is not None:
                must = expected.get(pdf.name)
                for eng in ("rapidocr", "tesseract", "pingshen"):
                    if must is None:
                        row.append("–")
                    elif texts[eng] is None:
                        row.append("n/a")
                    else:
                        row.append(f"{count_found(texts[eng], must)}/{len(must)}")
            rows.append(row)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    ticks1, own1 = core_ticks(args.core), resource.getrusage(resource.RUSAGE_CHILDREN)

    head = ["file", "pixels", "dpi", "rapidocr s/page", "tesseract s/page", "pingshen s/page",
            "pingshen warm s/page"]
    if expected is not None:
        head += ["must_read rapidocr", "must_read tesseract", "must_read pingshen"]
    print("| " + " | ".join(head) + " |")
    print("|" + "|".join("---" for _ in head) + "|")
    for r in rows:
        print("| " + " | ".join(r) + " |")
    print()
    pin = f"taskset -c {args.core}" if shutil.which("taskset") else f"sched_setaffinity core {args.core}"
    print(f"One core ({pin}), median of {args.repeat} runs.")
    if rapid:
        print(f"rapidocr: models from {args.models or 'its own package'}, loaded in "
              f"{rapid['load_s']:.2f} s (not counted), one warm-up page; ORT 1 intra/1 inter thread.")
    else:
        print(f"rapidocr: n/a ({rapid_err})")
    print("tesseract: wall time per page, chi_sim, --psm 1, OMP_THREAD_LIMIT=1"
          + ("" if shutil.which("tesseract") else " (n/a: not installed)"))
    if args.pingshen and os.access(args.pingshen, os.X_OK):
        load = pingshen_load(args)
        print(f"pingshen: {args.pingshen} text --ocr require, wall time per file less the start-up "
              f"and engine load ({'n/a' if load is None else f'{load:.2f} s'}: the median of "
              "`pingshen doctor`, which loads the engine and reads nothing) / pages read by OCR; "
              "n/a where it read no page by OCR.")
        print("pingshen warm: a page read after another in the same process (the PDF twice in "
              "one zip less once, interleaved runs), as RapidOCR is timed.")
    else:
        print(f"pingshen: n/a ({args.pingshen} not built)")
    for n in notes:
        print(n)
    if ticks0 and ticks1 and ticks1[1] > ticks0[1]:
        hz = os.sysconf("SC_CLK_TCK")
        own = (own1.ru_utime + own1.ru_stime - own0.ru_utime - own0.ru_stime) * hz
        other = max(0.0, (ticks1[0] - ticks0[0]) - own) / (ticks1[1] - ticks0[1])
        print(f"Core {args.core} was busy with other processes {other:.0%} of the run"
              + (": the timings are inflated by that contention." if other > 0.05 else "."))
    return 0


if __name__ == "__main__":
    sys.exit(main())
