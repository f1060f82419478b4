//! Replays every fuzz seed (`fuzz/seeds/<target>/`) and every input the fuzzers found a bug with
//! (`fixtures/fuzz/<target>/`) through its entry point in `pingshen::fuzz`, on stable Rust and in
//! `cargo test`: none may panic, and each must return within a few seconds even in a debug build.
//! A folder whose name is no target fails the test, so a renamed target is never skipped
//! silently.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use pingshen::fuzz::{Target, TARGETS};

/// Per input, in a debug build (the fuzzers' own limit is 10 s on an optimised build).
const MAX_PER_INPUT: Duration = Duration::from_secs(5);

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(rd) = std::fs::read_dir(&d) else { continue };
        for entry in rd.flatten() {
            let p = entry.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// (target name, its entry point, its inputs) for every target folder under `root`.
fn corpus(root: &Path) -> Vec<(String, Target, Vec<PathBuf>)> {
    let Ok(rd) = std::fs::read_dir(root) else {
        return Vec::new();
    };
    let mut dirs: Vec<PathBuf> = rd.flatten().map(|e| e.path()).filter(|p| p.is_dir()).collect();
    dirs.sort();
    dirs.into_iter()
        .map(|dir| {
            let name = dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let Some(&(_, run)) = TARGETS.iter().find(|(t, _)| *t == name) else {
                let known: Vec<&str> = TARGETS.iter().map(|(t, _)| *t).collect();
                panic!(
                    "{}: no fuzz target is named {name:?} (targets: {known:?})",
                    dir.display()
                );
            };
            (name, run, files_under(&dir))
        })
        .collect()
}

fn replay(root: &Path) -> usize {
    let mut count = 0;
    for (target, run, files) in corpus(root) {
        for file in files {
            let data = std::fs::read(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
            // Printed before the run so that a panic's output names the input.
            eprintln!("{target}: {}", file.display());
            let start = Instant::now();
            run(&data);
            let took = start.elapsed();
            assert!(
                took < MAX_PER_INPUT,
                "{target}: {} took {took:?} (limit {MAX_PER_INPUT:?})",
                file.display()
            );
            count += 1;
        }
    }
    count
}

#[test]
fn every_seed_and_every_reproducer_returns_quickly() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let seeds = replay(&root.join("fuzz/seeds"));
    assert!(seeds > 0, "no seeds under fuzz/seeds");
    replay(&root.join("fixtures/fuzz"));
}

#[test]
fn every_target_has_a_fuzz_target_file_and_seeds() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (name, _) in TARGETS {
        let target = root.join("fuzz/fuzz_targets").join(format!("{name}.rs"));
        assert!(target.is_file(), "{} is missing", target.display());
        let seeds = files_under(&root.join("fuzz/seeds").join(name));
        assert!(!seeds.is_empty(), "fuzz/seeds/{name} holds no seed");
    }
}

#[test]
fn a_folder_named_after_no_target_is_refused() {
    let dir = std::env::temp_dir().join(format!("pingshen-fuzz-replay-{}", std::process::id()));
    std::fs::create_dir_all(dir.join("no_such_target")).unwrap_or_else(|e| panic!("{e}"));
    let refused = std::panic::catch_unwind(|| corpus(&dir)).is_err();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(refused);
}
