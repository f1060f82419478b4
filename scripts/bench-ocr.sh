#!/usr/bin/env bash
# Runs scripts/bench_ocr.py (RapidOCR vs Tesseract vs pingshen, one core) with what it needs:
# a venv in target/bench-venv holding the pinned rapidocr and onnxruntime (the versions that
# scripts/install-ocr.sh takes the models and library from) and the OCR assets themselves.
#
#   scripts/bench-ocr.sh [bench_ocr.py options...]   e.g. --scans fixtures/scans --repeat 5
#
# Build pingshen first (cargo build --release) for its column; without it the column says n/a.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/target/bench-venv
pins=(rapidocr==3.10.0 onnxruntime==1.32.0)

if ! "$venv/bin/python" - "${pins[@]}" >/dev/null 2>&1 <<'PY'
import sys
from importlib.metadata import version
for pin in sys.argv[1:]:
    name, want = pin.split("==")
    if version(name) != want:
        sys.exit(1)
PY
then
  echo "bench-ocr: setting up $venv (${pins[*]})"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" </dev/null
fi

bash "$root/scripts/install-ocr.sh" </dev/null
exec "$venv/bin/python" "$root/scripts/bench_ocr.py" --python "$venv/bin/python" "$@"
