//! Throughput of the whole pipeline over a corpus folder, next to the physical floor of the same
//! work: decompressing every byte the packages hold.
//!
//! ```text
//! cargo run --release --example bench_batch -- DIR [-j N] [--only pipeline|floor] [--repeat R] [--out PARENT]
//! ```
//!
//! - **pipeline**: `pingshen::batch::run` over every `.zip` under DIR, in this process, N threads
//!   (default 2), verdicts written to a new folder under PARENT (default: the system's temporary
//!   folder; `/dev/shm` takes the file system out of the measurement), removed afterwards — what
//!   `pingshen batch DIR --out TMP -j N` does, without process start-up.
//! - **floor**: with a rayon pool of the same N threads, read each archive and inflate every entry,
//!   every part of each entry that is itself a zip (xlsx, docx, OFD, an inner zip; two levels
//!   deep), and every `/FlateDecode` stream of each PDF entry (found by scanning for
//!   `stream … endstream`, the dictionary's direct `/Length` when there is one). Nothing is parsed,
//!   nothing is kept: no reader can do less and still see every byte.
//! - **peak RSS**: `VmHWM` of this process at the end. Both runs share the process, so the peak
//!   is the larger of the two; `--only` measures one of them alone.
//!
//! With `--repeat R` each run is done R times and the fastest wall time is reported (the first
//! run also warms the page cache).

use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::time::Instant;

use pingshen::batch::{self, BatchOptions, Output};
use pingshen::{Options, Reviewer};
use rayon::prelude::*;
use regex::bytes::Regex;

const USAGE: &str = "usage: bench_batch DIR [-j N] [--only pipeline|floor] [--repeat R] [--out PARENT]";

/// What the floor did.
#[derive(Debug, Default, Clone, Copy)]
struct Floor {
    packages: u64,
    archive_bytes: u64,
    /// Bytes produced by inflating (entries, parts and PDF streams).
    inflated: u64,
    entries: u64,
    parts: u64,
    pdf_streams: u64,
    errors: u64,
}

impl Floor {
    fn add(mut self, o: Floor) -> Floor {
        self.packages += o.packages;
        self.archive_bytes += o.archive_bytes;
        self.inflated += o.inflated;
        self.entries += o.entries;
        self.parts += o.parts;
        self.pdf_streams += o.pdf_streams;
        self.errors += o.errors;
        self
    }
}

struct Scanner {
    stream: Regex,
    endstream: Regex,
    length: Regex,
}

impl Scanner {
    fn new() -> Scanner {
        Scanner {
            stream: Regex::new(r"(?-u)stream(?:\r\n|\n|\r)").expect("valid regex"),
            endstream: Regex::new(r"(?-u)endstream").expect("valid regex"),
            length: Regex::new(r"(?-u)/Length\s+(\d+)(\s+\d+\s+R)?").expect("valid regex"),
        }
    }
}

/// Inflates every entry of the zip `data`, recursing into entries that are zips themselves (up to
/// two levels) and into the Flate streams of PDF entries.
fn inflate_zip(data: &[u8], depth: u32, sc: &Scanner, st: &mut Floor) {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(data)) else {
        st.errors += 1;
        return;
    };
    for i in 0..zip.len() {
        let mut out = Vec::new();
        {
            let Ok(mut entry) = zip.by_index(i) else {
                st.errors += 1;
                continue;
            };
            if entry.is_dir() {
                continue;
            }
            out.reserve(entry.size().min(1 << 30) as usize);
            if entry.read_to_end(&mut out).is_err() {
                st.errors += 1;
                continue;
            }
        }
        st.inflated += out.len() as u64;
        if depth == 0 {
            st.entries += 1;
        } else {
            st.parts += 1;
        }
        if out.starts_with(b"PK\x03\x04") && depth < 2 {
            inflate_zip(&out, depth + 1, sc, st);
        } else if out
            .get(..1024.min(out.len()))
            .is_some_and(|h| h.windows(5).any(|w| w == b"%PDF-"))
        {
            inflate_pdf_streams(&out, sc, st);
        }
    }
}

/// Inflates every `/FlateDecode` stream of a PDF.
fn inflate_pdf_streams(pdf: &[u8], sc: &Scanner, st: &mut Floor) {
    let mut buf = Vec::new();
    let mut pos = 0;
    while let Some(m) = sc.stream.find_at(pdf, pos) {
        if m.start() >= 3 && &pdf[m.start() - 3..m.start()] == b"end" {
            pos = m.end();
            continue;
        }
        let data_start = m.end();
        // The dictionary: from the object's `obj` keyword to `stream`.
        let lo = m.start().saturating_sub(4096);
        let dict_start = pdf[lo..m.start()]
            .windows(3)
            .rposition(|w| w == b"obj")
            .map_or(lo, |p| lo + p);
        let dict = &pdf[dict_start..m.start()];
        let direct_len = sc.length.captures(dict).and_then(|c| {
            if c.get(2).is_some() {
                return None;
            }
            std::str::from_utf8(c.get(1)?.as_bytes()).ok()?.parse::<usize>().ok()
        });
        let data_end = match direct_len {
            Some(n) if data_start + n <= pdf.len() => data_start + n,
            _ => match sc.endstream.find_at(pdf, data_start) {
                Some(e) => e.start(),
                None => pdf.len(),
            },
        };
        if dict.windows(12).any(|w| w == b"/FlateDecode") {
            buf.clear();
            let _ = flate2::read::ZlibDecoder::new(&pdf[data_start..data_end]).read_to_end(&mut buf);
            st.inflated += buf.len() as u64;
            st.pdf_streams += 1;
        }
        pos = data_end;
    }
}

fn floor_one(path: &Path, sc: &Scanner) -> Floor {
    let mut st = Floor {
        packages: 1,
        ..Floor::default()
    };
    match std::fs::read(path) {
        Ok(bytes) => {
            st.archive_bytes = bytes.len() as u64;
            inflate_zip(&bytes, 0, sc, &mut st);
        }
        Err(_) => st.errors += 1,
    }
    st
}

fn run_floor(inputs: &[PathBuf], jobs: usize) -> Result<(f64, Floor), Box<dyn std::error::Error>> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs).build()?;
    let sc = Scanner::new();
    let start = Instant::now();
    let st = pool.install(|| {
        inputs
            .par_iter()
            .map(|p| floor_one(p, &sc))
            .reduce(Floor::default, Floor::add)
    });
    Ok((start.elapsed().as_secs_f64(), st))
}

fn run_pipeline(
    inputs: &[PathBuf],
    jobs: usize,
    reviewer: &Reviewer,
    parent: &Path,
) -> Result<(f64, batch::Summary), Box<dyn std::error::Error>> {
    let out = parent.join(format!("bench_batch_out_{}", std::process::id()));
    let opts = BatchOptions {
        output: Output::Dir(out.clone()),
        jobs,
        resume: false,
        // The review itself; the CLI's worker processes add their own (small) cost, measured
        // with the command in examples/BENCHMARKS.md.
        isolation: batch::Isolation::InProcess,
        html: false,
        interrupt: None,
    };
    let start = Instant::now();
    let summary = batch::run(inputs, reviewer, &Options::default(), &opts, &|_: batch::Progress| {})?;
    let wall = start.elapsed().as_secs_f64();
    std::fs::remove_dir_all(&out)?;
    Ok((wall, summary))
}

/// A line of `/proc/self/status` (`VmHWM`, `VmRSS`) in MB.
fn status_mb(key: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// User + system CPU seconds of this process so far (all threads), from `/proc/self/stat`.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses and may hold spaces).
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after the name.
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
}

fn best_of<T>(
    repeat: usize,
    mut run: impl FnMut() -> Result<(f64, T), Box<dyn std::error::Error>>,
) -> Result<(f64, f64, T), Box<dyn std::error::Error>> {
    let mut best: Option<(f64, f64, T)> = None;
    for _ in 0..repeat.max(1) {
        let cpu0 = cpu_seconds();
        let (wall, t) = run()?;
        let cpu = cpu_seconds() - cpu0;
        if best.as_ref().is_none_or(|(w, _, _)| wall < *w) {
            best = Some((wall, cpu, t));
        }
    }
    best.ok_or_else(|| "no run".into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut dir: Option<PathBuf> = None;
    let mut jobs = 2usize;
    let mut only: Option<String> = None;
    let mut repeat = 1usize;
    let mut parent = std::env::temp_dir();
    while let Some(a) = args.next() {
        match a.as_str() {
            "-j" | "--jobs" => jobs = args.next().ok_or(USAGE)?.parse()?,
            "--only" => only = Some(args.next().ok_or(USAGE)?),
            "--repeat" => repeat = args.next().ok_or(USAGE)?.parse()?,
            "--out" => parent = PathBuf::from(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return Ok(());
            }
            _ if dir.is_none() => dir = Some(PathBuf::from(a)),
            _ => return Err(USAGE.into()),
        }
    }
    let dir = dir.ok_or(USAGE)?;
    let (do_pipeline, do_floor) = match only.as_deref() {
        None => (true, true),
        Some("pipeline") => (true, false),
        Some("floor") => (false, true),
        Some(other) => return Err(format!("--only {other}: pipeline or floor\n{USAGE}").into()),
    };
    let inputs = batch::collect_inputs(std::slice::from_ref(&dir))?;
    let bytes: u64 = inputs.iter().map(|p| std::fs::metadata(p).map_or(0, |m| m.len())).sum();
    let mb = bytes as f64 / 1e6;
    let n = inputs.len() as f64;
    println!(
        "corpus {}: {} packages, {:.1} MB of archives; {jobs} thread(s); best of {repeat}{}",
        dir.display(),
        inputs.len(),
        mb,
        if do_pipeline {
            format!("; verdicts under {}", parent.display())
        } else {
            String::new()
        }
    );
    println!(
        "{:<9} {:>8} {:>7} {:>11} {:>8}  notes",
        "run", "wall s", "CPU %", "packages/s", "MB/s"
    );
    let row = |name: &str, wall: f64, cpu: f64, notes: &str| {
        println!(
            "{name:<9} {wall:>8.3} {:>7.0} {:>11.1} {:>8.1}  {notes}",
            100.0 * cpu / wall,
            n / wall,
            mb / wall
        );
    };

    let mut pipeline_wall = None;
    if do_pipeline {
        let reviewer = Reviewer::embedded()?;
        let (wall, cpu, summary) = best_of(repeat, || run_pipeline(&inputs, jobs, &reviewer, &parent))?;
        let verdicts: Vec<String> = summary.by_verdict.iter().map(|(k, v)| format!("{k} {v}")).collect();
        row("pipeline", wall, cpu, &verdicts.join(", "));
        pipeline_wall = Some(wall);
    }
    let mut floor_wall = None;
    if do_floor {
        let (wall, cpu, st) = best_of(repeat, || run_floor(&inputs, jobs))?;
        row(
            "floor",
            wall,
            cpu,
            &format!(
                "inflated {:.1} MB: {} entries, {} parts of zipped entries, {} PDF Flate streams; {} errors",
                st.inflated as f64 / 1e6,
                st.entries,
                st.parts,
                st.pdf_streams,
                st.errors
            ),
        );
        floor_wall = Some(wall);
    }
    if let (Some(p), Some(f)) = (pipeline_wall, floor_wall) {
        println!("pipeline / floor: {:.2}x", p / f);
    }
    println!(
        "peak RSS (VmHWM): {:.1} MB{}",
        status_mb("VmHWM:").unwrap_or(f64::NAN),
        if do_pipeline && do_floor {
            " (pipeline and floor in one process: use --only to separate)"
        } else {
            ""
        }
    );
    Ok(())
}
