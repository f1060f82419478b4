#!/usr/bin/env bash
# Lays out the real third-party corpus listed in fixtures/real/MANIFEST.tsv: each file is taken,
# unchanged, from a local snapshot of the public repository the manifest names (repository, path
# and commit) and written to DEST/pdf/ (default target/real-corpus). The files themselves are not
# part of this repository; tests/real_pdfs.rs reads them from there.
#
#   scripts/real-corpus.sh [DEST]
#
# Snapshots are git directories at $PINGSHEN_MIRROR/<owner>+<name>/repo (default: ../.mirror
# beside the checkout). Without them the corpus is not laid out, and the test says it skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/target/real-corpus}
mirror=${PINGSHEN_MIRROR:-$root/../.mirror}
manifest=$root/fixtures/real/MANIFEST.tsv

if [ ! -d "$mirror" ]; then
  echo "real corpus: no repository snapshots at $mirror; not laid out"
  exit 0
fi
mkdir -p "$dest/pdf"
have=0; missing=0
while IFS=$'\t' read -r file source _; do
  [ "$file" = file ] && continue
  repo=${source%%:*}; rest=${source#*:}; path=${rest%@*}; commit=${rest##*@}
  git_dir=$mirror/${repo/\//+}/repo
  if [ -d "$git_dir" ] && git --git-dir="$git_dir" show "$commit:$path" >"$dest/pdf/$file.tmp" 2>/dev/null; then
    mv "$dest/pdf/$file.tmp" "$dest/pdf/$file"
    have=$((have + 1))
  else
    rm -f "$dest/pdf/$file.tmp"
    echo "real corpus: $file not found in $git_dir at $commit" >&2
    missing=$((missing + 1))
  fi
done <"$manifest"
echo "real corpus: $have files laid out in $dest/pdf, $missing missing"
