//! The resident memory of a process and all its descendants (Linux `/proc`), sampled while it
//! runs: a supervisor with its worker processes is measured as one.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// (pid → (parent pid, resident KiB)) of every process now.
fn processes() -> BTreeMap<u32, (u32, u64)> {
    let mut out = BTreeMap::new();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return out;
    };
    for e in dir.flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else {
            continue;
        };
        let Ok(status) = std::fs::read_to_string(e.path().join("status")) else {
            continue;
        };
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.split_whitespace().next())
                .and_then(|v| v.parse::<u64>().ok())
        };
        if let Some(ppid) = field("PPid:") {
            out.insert(pid, (ppid as u32, field("VmRSS:").unwrap_or(0)));
        }
    }
    out
}

/// Resident KiB of `root` and its descendants.
pub fn tree_rss_kib(root: u32) -> u64 {
    let procs = processes();
    let mut total = 0;
    let mut stack = vec![root];
    while let Some(p) = stack.pop() {
        if let Some((_, rss)) = procs.get(&p) {
            total += rss;
        }
        stack.extend(procs.iter().filter(|(_, (pp, _))| *pp == p).map(|(c, _)| *c));
    }
    total
}

/// Samples [`tree_rss_kib`] every `every` until stopped; [`PeakWatcher::stop`] gives the peak.
pub struct PeakWatcher {
    stop: Arc<AtomicBool>,
    handle: JoinHandle<u64>,
}

impl PeakWatcher {
    pub fn start(root: u32, every: Duration) -> PeakWatcher {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let handle = std::thread::spawn(move || {
            let mut peak = 0;
            while !flag.load(Ordering::Relaxed) {
                peak = peak.max(tree_rss_kib(root));
                std::thread::sleep(every);
            }
            peak
        });
        PeakWatcher { stop, handle }
    }

    /// The highest sum seen, in KiB.
    pub fn stop(self) -> u64 {
        self.stop.store(true, Ordering::Relaxed);
        self.handle.join().unwrap_or(0)
    }
}
