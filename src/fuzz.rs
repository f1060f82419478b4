//! Entry points shared by the cargo-fuzz targets (`fuzz/`) and the stable replay test
//! (`tests/fuzz_replay.rs`): each takes arbitrary bytes, runs one reader, and must return without
//! panicking, within bounded time and memory, whatever the bytes are.
