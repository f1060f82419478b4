#!/usr/bin/env bash
# Lays out the real third-party corpus listed in fixtures/real/MANIFEST.tsv (PDFs) and
# fixtures/real/OFD_MANIFEST.tsv (OFDs): each file is taken, unchanged, from a local snapshot of
# the public repository its manifest names (repository, path and commit) and written to
# DEST/pdf/ or DEST/ofd/ (default DEST: target/real-corpus). The files themselves are not
# part of this repository; tests/real_pdfs.rs and tests/ofd_real.rs read them
# from there.
#
#   scripts/real-corpus.sh [DEST]
#
# Snapshots are git directories at $PINGSHEN_MIRROR/<owner>+<name>/repo (default: ../.mirror
# beside the checkout). Without them the corpus is not laid out, and the test says it skipped.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:-$root/target/real-corpus}
mirror=${PINGSHEN_MIRROR:-$root/../.mirror}

if [ ! -d "$mirror" ]; then
  echo "real corpus: no repository snapshots at $mirror; not laid out"
  exit 0
fi
have=0
# lay MANIFEST KIND: every row's file into $dest/KIND/, all or nothing. The tests hold a laid-out
# corpus to its whole manifest, so a kind with any file missing (a snapshot absent, or one that
# lacks the commit) is not laid out at all, and its tests say they skipped.
lay() {
  local manifest=$1 kind=$2 missing=0 count=0
  local tmp=$dest/.$kind.partial
  rm -rf "$tmp" "$dest/$kind"
  mkdir -p "$tmp"
  while IFS=$'\t' read -r file source _; do
    [ "$file" = file ] && continue
    local repo=${source%%:*} rest=${source#*:}
    local path=${rest%@*} commit=${rest##*@}
    local git_dir=$mirror/${repo/\//+}/repo
    if [ -d "$git_dir" ] && git --git-dir="$git_dir" show "$commit:$path" >"$tmp/$file" 2>/dev/null; then
      count=$((count + 1))
    else
      echo "real corpus: $file not found in $git_dir at $commit" >&2
      missing=$((missing + 1))
    fi
  done <"$manifest"
  if [ "$missing" -eq 0 ]; then
    mv "$tmp" "$dest/$kind"
    have=$((have + count))
  else
    rm -rf "$tmp"
    echo "real corpus: $kind/ not laid out ($missing of $((count + missing)) files missing); its tests skip"
  fi
}
lay "$root/fixtures/real/MANIFEST.tsv" pdf
lay "$root/fixtures/real/OFD_MANIFEST.tsv" ofd
echo "real corpus: $have files laid out in $dest"
