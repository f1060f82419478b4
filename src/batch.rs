//! Bulk review: every `.zip` under the given paths, in parallel (rayon), one verdict each.
//!
//! Memory stays flat in the number of packages: only the list of paths is held; each worker reads,
//! reviews and writes one archive at a time, and only counters are kept.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use rayon::prelude::*;

use crate::verdict::VerdictKind;
use crate::{review_path, to_json, to_json_line, Options, Reviewer};

/// Where verdicts go.
#[derive(Debug, Clone)]
pub enum Output {
    /// `DIR/<archive file name>.json`, one file per package.
    Dir(PathBuf),
    /// One JSON line per package on stdout, in input order.
    JsonLines,
}

/// What a batch did.
#[derive(Debug, Clone, Default)]
pub struct Summary {
    pub packages: usize,
    /// Count per verdict (`pass`, `error`, …), sorted.
    pub by_verdict: BTreeMap<&'static str, usize>,
    pub bytes: u64,
    pub seconds: f64,
    /// Verdicts that could not be written (path, error).
    pub write_errors: Vec<(PathBuf, String)>,
}

/// Every `.zip` (any case) under `paths`, recursively, sorted and de-duplicated. A file named
/// directly is taken whatever its extension. Symlinked folders are not followed.
pub fn collect_inputs(paths: &[PathBuf]) -> io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", p.display())))?;
        if meta.is_dir() {
            walk(p, &mut out)?;
        } else {
            out.push(p.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?
        .collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let ty = e.file_type()?;
        let path = e.path();
        if ty.is_dir() {
            walk(&path, out)?;
        } else if path.extension().is_some_and(|x| x.eq_ignore_ascii_case("zip")) {
            out.push(path);
        }
    }
    Ok(())
}

/// The output file name of each input: `<archive file name>.json`; when two inputs share a file
/// name, the later ones (in path order) get `<name>.2.json`, `<name>.3.json`, ….
pub fn output_names(inputs: &[PathBuf]) -> Vec<String> {
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    inputs
        .iter()
        .map(|p| {
            let name = p
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "package".into());
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            if *n == 1 {
                format!("{name}.json")
            } else {
                format!("{name}.{n}.json")
            }
        })
        .collect()
}

/// Writes `text` to `path` atomically: a temporary file in the same folder, then a rename, so a
/// killed batch never leaves half a verdict.
pub fn write_atomic(path: &Path, text: &str) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.tmp{}", std::process::id()));
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Reviews `inputs` with `jobs` threads (0 = one per core). `progress` is called after each
/// package with the number done.
pub fn run(
    inputs: &[PathBuf],
    reviewer: &Reviewer,
    opts: &Options,
    output: &Output,
    jobs: usize,
    progress: &(dyn Fn(usize) + Sync),
) -> io::Result<Summary> {
    let start = Instant::now();
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .build()
        .map_err(|e| io::Error::other(e.to_string()))?;
    let counts: Vec<AtomicUsize> = (0..6).map(|_| AtomicUsize::new(0)).collect();
    let bytes = AtomicU64::new(0);
    let done = AtomicUsize::new(0);
    let errors = Mutex::new(Vec::new());
    let tally = |kind: VerdictKind, size: u64| {
        if let Some(c) = counts.get(kind as usize) {
            c.fetch_add(1, Ordering::Relaxed);
        }
        bytes.fetch_add(size, Ordering::Relaxed);
        progress(done.fetch_add(1, Ordering::Relaxed) + 1);
    };
    match output {
        Output::Dir(dir) => {
            std::fs::create_dir_all(dir).map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", dir.display())))?;
            let names = output_names(inputs);
            pool.install(|| {
                inputs.par_iter().zip(names.par_iter()).for_each(|(path, name)| {
                    let v = review_path(path, reviewer, opts);
                    let target = dir.join(name);
                    if let Err(e) = write_atomic(&target, &to_json(&v)) {
                        if let Ok(mut errs) = errors.lock() {
                            errs.push((target, e.to_string()));
                        }
                    }
                    tally(v.verdict, v.package.bytes);
                });
            });
        }
        Output::JsonLines => {
            // Ordered output with bounded memory: chunks are reviewed in parallel and printed in
            // input order.
            let chunk = (pool.current_num_threads() * 8).max(16);
            let stdout = io::stdout();
            for part in inputs.chunks(chunk) {
                let lines: Vec<(String, VerdictKind, u64)> = pool.install(|| {
                    part.par_iter()
                        .map(|p| {
                            let v = review_path(p, reviewer, opts);
                            (to_json_line(&v), v.verdict, v.package.bytes)
                        })
                        .collect()
                });
                let mut lock = stdout.lock();
                for (line, kind, size) in lines {
                    lock.write_all(line.as_bytes())?;
                    tally(kind, size);
                }
                lock.flush()?;
            }
        }
    }
    let mut by_verdict = BTreeMap::new();
    for kind in [
        VerdictKind::Error,
        VerdictKind::Fail,
        VerdictKind::Incomplete,
        VerdictKind::NeedsReview,
        VerdictKind::Partial,
        VerdictKind::Pass,
    ] {
        let n = counts.get(kind as usize).map_or(0, |c| c.load(Ordering::Relaxed));
        if n > 0 {
            by_verdict.insert(kind.as_str(), n);
        }
    }
    Ok(Summary {
        packages: inputs.len(),
        by_verdict,
        bytes: bytes.load(Ordering::Relaxed),
        seconds: start.elapsed().as_secs_f64(),
        write_errors: errors.into_inner().unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_file_names_get_numbered_outputs() {
        let names = output_names(&[
            PathBuf::from("a/x.zip"),
            PathBuf::from("b/x.zip"),
            PathBuf::from("b/y.zip"),
        ]);
        assert_eq!(names, ["x.zip.json", "x.zip.2.json", "y.zip.json"]);
    }
}
