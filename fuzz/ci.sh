#!/usr/bin/env bash
# CI for the fuzz targets: builds every target with libFuzzer and runs each once over its seeds
# (fuzz/seeds/<target>/) and the inputs that once broke it (fixtures/fuzz/<target>/). This does
# not fuzz (see README.md for that); it proves the targets build and that no known input crashes,
# times out or runs out of memory in an optimised, instrumented build. Without a nightly
# toolchain it does nothing: tests/fuzz_replay.rs replays the same inputs on stable in
# `cargo test`.
set -euo pipefail
cd "$(dirname "$0")"
# The fuzz crate keeps its own target folder (its flags differ from the project's), even when
# the caller points CARGO_TARGET_DIR at the project's: the binaries are looked for there.
export CARGO_TARGET_DIR="$PWD/target"
mkdir -p target

if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
  echo "fuzz: no nightly toolchain, replay harness only (tests/fuzz_replay.rs)"
  exit 0
fi

triple=$(rustc +nightly -vV | sed -n 's/^host: //p')
if cargo +nightly fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo fuzz build -s none"
  cargo +nightly fuzz build -s none
else
  # What `cargo fuzz build -s none` runs: the targets in release mode with debug assertions,
  # instrumented for libFuzzer. --target keeps the flags off build scripts and proc macros.
  echo "fuzz: cargo-fuzz not installed, cargo build with its flags"
  RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Ccodegen-units=1 ${RUSTFLAGS:-}" \
    cargo +nightly build --manifest-path Cargo.toml --release --bins --target "$triple"
fi

bin_dir="target/$triple/release"
failed=0
for src in fuzz_targets/*.rs; do
  target=$(basename "$src" .rs)
  inputs=()
  for dir in "seeds/$target" "../fixtures/fuzz/$target"; do
    [ -d "$dir" ] && while IFS= read -r -d '' f; do inputs+=("$f"); done < <(find "$dir" -type f -print0 | sort -z)
  done
  if [ ${#inputs[@]} -eq 0 ]; then
    echo "fuzz: $target: no inputs"
    failed=1
    continue
  fi
  # Given files (not folders) libFuzzer runs each once and writes nothing.
  if "$bin_dir/$target" -rss_limit_mb=2048 -timeout=10 "${inputs[@]}" >"target/replay-$target.log" 2>&1; then
    echo "fuzz: $target: ${#inputs[@]} inputs ok"
  else
    echo "fuzz: $target: FAILED (log follows)"
    tail -n 40 "target/replay-$target.log"
    failed=1
  fi
done
exit $failed
