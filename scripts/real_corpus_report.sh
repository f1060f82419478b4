#!/usr/bin/env bash
# Prints, for every PDF of a folder, how the CJK characters pingshen reads compare with those of
# poppler's `pdftotext`: F1 over the multiset of CJK characters (2·common / (ours + poppler)),
# with both counts. The same table as tests/real_pdfs.rs prints for the real corpus (scripts/real-corpus.sh).
#
#   scripts/real_corpus_report.sh FOLDER
#
# pingshen's text comes from `pingshen text FILE` when the binary on PATH (or $PINGSHEN) has that
# command; otherwise, inside a checkout with cargo, from the `folder_report` test of
# tests/real_pdfs.rs; otherwise the report is skipped.
set -euo pipefail

dir=${1:?usage: $0 FOLDER}
[ -d "$dir" ] || { echo "$dir is not a folder" >&2; exit 2; }

if ! command -v pdftotext >/dev/null 2>&1; then
  echo "pdftotext (poppler-utils) is not on PATH: report skipped"
  exit 0
fi

pingshen=${PINGSHEN:-pingshen}
if command -v "$pingshen" >/dev/null 2>&1 && "$pingshen" text --help >/dev/null 2>&1; then
  export LC_ALL=C.UTF-8
  # The ranges of pingshen::extract::is_cjk.
  cjk='[\x{1100}-\x{115F}\x{2E80}-\x{4DBF}\x{4E00}-\x{9FFF}\x{A960}-\x{A97F}\x{AC00}-\x{D7AF}\x{F900}-\x{FAFF}\x{FE30}-\x{FE4F}\x{FF00}-\x{FFEF}\x{20000}-\x{3FFFF}]'
  counts() { grep -oP "$cjk" | sort | uniq -c || true; }
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  printf '%-44s %6s %7s %7s %7s\n' file F1 ours poppler common
  find "$dir" -maxdepth 1 -type f -iname '*.pdf' -print0 | sort -z | while IFS= read -r -d '' f; do
    ("$pingshen" text "$f" 2>/dev/null || true) | counts >"$tmp/ours"
    (pdftotext -enc UTF-8 "$f" - 2>/dev/null || true) | counts >"$tmp/theirs"
    awk -v name="$(basename "$f")" '
      FNR == NR { a[$2] = $1; ours += $1; next }
      { theirs += $1; if ($2 in a) common += (a[$2] < $1 ? a[$2] : $1) }
      END {
        f1 = (ours + theirs == 0) ? 1 : 2 * common / (ours + theirs)
        printf "%-44s %6.3f %7d %7d %7d\n", name, f1, ours, theirs, common
      }' "$tmp/ours" "$tmp/theirs"
  done
elif command -v cargo >/dev/null 2>&1 && [ -f "$(dirname "$0")/../tests/real_pdfs.rs" ]; then
  cd "$(dirname "$0")/.."
  abs=$(cd "$OLDPWD" && cd "$dir" && pwd)
  PINGSHEN_REAL_PDFS_DIR="$abs" cargo test --locked --test real_pdfs folder_report -- --nocapture \
    | awk '/^file / && !done { p = 1 } p && (/^$/ || /^test /) { p = 0; done = 1 } p'
else
  echo "no \`pingshen text\` and no checkout to run tests/real_pdfs.rs in: report skipped"
fi
