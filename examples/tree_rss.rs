//! Runs a command and reports its wall time and the peak resident memory of the command and all
//! its descendants together (sampled every 5 ms from /proc; Linux): a `pingshen batch` with its
//! worker processes is measured as one, which `/usr/bin/time` cannot do.
//!
//! `cargo run --release --example tree_rss -- target/release/pingshen batch DIR --out OUT -q`

#[path = "../tests/support/procs.rs"]
mod procs;

use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let mut args = std::env::args_os().skip(1);
    let Some(program) = args.next() else {
        eprintln!("usage: tree_rss COMMAND [ARGS...]");
        return ExitCode::from(2);
    };
    let start = Instant::now();
    let mut child = match Command::new(&program).args(args).spawn() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("tree_rss: cannot start {}: {e}", program.to_string_lossy());
            return ExitCode::from(2);
        }
    };
    let watcher = procs::PeakWatcher::start(child.id(), Duration::from_millis(5));
    let status = child.wait();
    let peak = watcher.stop();
    eprintln!(
        "tree_rss: {:.2} s, peak RSS of the process tree {:.1} MiB, {}",
        start.elapsed().as_secs_f64(),
        peak as f64 / 1024.0,
        match &status {
            Ok(s) => s.to_string(),
            Err(e) => e.to_string(),
        }
    );
    match status.ok().and_then(|s| s.code()) {
        Some(c) => ExitCode::from(c.clamp(0, 255) as u8),
        None => ExitCode::from(1),
    }
}
