//! Throughput of the PDF text reader, next to `pdftotext` (poppler-utils) on the same files.
//!
//! ```text
//! cargo run --release --example bench_pdf -- [--seconds S] FILES...
//! cargo run --release --example bench_pdf -- --text FILE      # print the lines read
//! cargo run --release --example bench_pdf -- --fuzz N FILES    # N mutations of each file
//! ```
//! Each reader runs over all files repeatedly until S seconds (default 2) have passed; the MB/s
//! count input bytes, the pages/s the pages read. `pdftotext` is skipped when it is not on PATH.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use pingshen::extract::pdf::read_pdf;
use pingshen::extract::ReadOptions;

fn main() {
    let mut args = std::env::args().skip(1).peekable();
    let mut seconds = 2.0f64;
    let mut text = false;
    let mut fuzz = 0u64;
    let mut files: Vec<PathBuf> = Vec::new();
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seconds" => seconds = args.next().and_then(|s| s.parse().ok()).unwrap_or(seconds),
            "--text" => text = true,
            "--fuzz" => fuzz = args.next().and_then(|s| s.parse().ok()).unwrap_or(1000),
            _ => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        eprintln!("usage: bench_pdf [--seconds S] [--text] FILES...");
        std::process::exit(2);
    }
    let inputs: Vec<(PathBuf, Vec<u8>)> = files
        .into_iter()
        .filter_map(|p| match std::fs::read(&p) {
            Ok(b) => Some((p, b)),
            Err(e) => {
                eprintln!("{}: {e}", p.display());
                None
            }
        })
        .collect();

    if fuzz > 0 {
        run_fuzz(&inputs, fuzz);
        return;
    }

    if text {
        // Write errors (a closed pipe) end the listing quietly.
        let mut out = std::io::stdout().lock();
        for (p, b) in &inputs {
            let _ = writeln!(out, "== {}", p.display());
            match read_pdf(b, ReadOptions::ALL) {
                Ok(d) => {
                    let _ = writeln!(out, "pages {} read {}", d.page_count, d.pages_read);
                    for l in &d.lines {
                        if writeln!(out, "[{}] {}", l.page.unwrap_or(0), l.text).is_err() {
                            return;
                        }
                    }
                }
                Err(e) => {
                    let _ = writeln!(out, "error: {e}");
                }
            }
        }
        return;
    }

    let total_bytes: usize = inputs.iter().map(|(_, b)| b.len()).sum();
    let budget = Duration::from_secs_f64(seconds);

    // pingshen
    let mut rounds = 0u64;
    let mut pages = 0u64;
    let mut errors = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget || rounds == 0 {
        for (_, b) in &inputs {
            match read_pdf(b, ReadOptions::ALL) {
                Ok(d) => pages += u64::from(d.pages_read),
                Err(_) => errors += 1,
            }
        }
        rounds += 1;
    }
    let el = start.elapsed().as_secs_f64();
    report(
        "pingshen read_pdf",
        rounds,
        total_bytes,
        pages,
        errors / rounds.max(1),
        el,
    );

    // pdftotext, one process per file as a pipeline would run it.
    let available = Command::new("pdftotext")
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    if !available {
        println!("pdftotext: not on PATH, skipped");
        return;
    }
    let mut rounds = 0u64;
    let mut pages = 0u64;
    let mut errors = 0u64;
    let start = Instant::now();
    while start.elapsed() < budget || rounds == 0 {
        for (p, _) in &inputs {
            let out = Command::new("pdftotext")
                .arg("-q")
                .arg(p)
                .arg("-")
                .stderr(Stdio::null())
                .output();
            match out {
                Ok(o) if o.status.success() => {
                    pages += o.stdout.iter().filter(|&&b| b == 0x0c).count() as u64;
                }
                _ => errors += 1,
            }
        }
        rounds += 1;
    }
    let el = start.elapsed().as_secs_f64();
    report(
        "pdftotext (process per file)",
        rounds,
        total_bytes,
        pages,
        errors / rounds.max(1),
        el,
    );
}

fn report(name: &str, rounds: u64, bytes: usize, pages: u64, errors: u64, secs: f64) {
    let mb = bytes as f64 * rounds as f64 / 1e6;
    println!(
        "{name:<30} {rounds:>6} rounds in {secs:.2} s: {:>9.2} MB/s {:>10.1} pages/s {:>9.2} ms/round (files with an error, scans included: {errors})",
        mb / secs,
        pages as f64 / secs,
        secs * 1000.0 / rounds as f64,
    );
}

/// Mutates each input `n` times (xorshift: byte flips, truncation, deleted and repeated ranges)
/// and reports the outcomes, internal errors and the slowest case.
fn run_fuzz(inputs: &[(PathBuf, Vec<u8>)], n: u64) {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut rand = move |m: usize| -> usize {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % (m.max(1) as u64)) as usize
    };
    let (mut ok, mut errors, mut internal) = (0u64, 0u64, 0u64);
    let mut slowest = (Duration::ZERO, String::new());
    for (p, base) in inputs {
        for round in 0..n {
            let mut b = base.clone();
            for _ in 0..1 + rand(3) {
                if b.is_empty() {
                    break;
                }
                match rand(4) {
                    0 => {
                        let i = rand(b.len());
                        b[i] = rand(256) as u8;
                    }
                    1 => b.truncate(rand(b.len())),
                    2 => {
                        let i = rand(b.len());
                        let j = (i + rand(256)).min(b.len());
                        b.drain(i..j);
                    }
                    _ => {
                        let i = rand(b.len());
                        let j = (i + rand(512)).min(b.len());
                        let piece = b[i..j].to_vec();
                        let at = rand(b.len());
                        b.splice(at..at, piece);
                    }
                }
            }
            let start = Instant::now();
            let r = read_pdf(&b, ReadOptions::ALL);
            let el = start.elapsed();
            if el > slowest.0 {
                slowest = (el, format!("{} round {round}", p.display()));
            }
            match r {
                Ok(_) => ok += 1,
                Err(e) => {
                    if e.to_string().contains("internal error") {
                        internal += 1;
                        println!("{} round {round}: {e}", p.display());
                    }
                    errors += 1;
                }
            }
        }
    }
    println!(
        "fuzz: {ok} ok, {errors} errors ({internal} internal), slowest {:.1} ms ({})",
        slowest.0.as_secs_f64() * 1000.0,
        slowest.1
    );
}
