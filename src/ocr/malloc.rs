//! The C library's allocator, tuned for the OCR runtime.
//!
//! ONNX Runtime and Tesseract allocate through the C library's `malloc`, not the binary's
//! allocator. With glibc's defaults a block of more than 128 KiB (a tensor) is a fresh `mmap`
//! given back when freed, so every inference faults its activations in again, 4 KiB at a time,
//! each page zeroed by the kernel. Three glibc tunables end that:
//!
//! - `glibc.malloc.mmap_threshold=33554432` (32 MiB, the most the tunable takes): tensors come
//!   from the heap and are reused from one run to the next;
//! - `glibc.malloc.trim_threshold=67108864`: up to 64 MiB freed at the heap's top stays for the
//!   next page instead of going back to the kernel;
//! - `glibc.malloc.hugetlb=1`: malloc's memory is marked for transparent huge pages (a 2 MiB
//!   page faults in once where 512 small ones did, and the convolutions miss the TLB less).
//!
//! Measured on `fixtures/scans/opinion-sealed-200dpi.pdf`, one core (BENCHMARKS.md): the whole
//! command 1.13 → 0.95–1.00 s, a page read after the first 0.95 → 0.85 s; peak memory 230 →
//! 241 MB. ONNX Runtime's own arena does part of the first (1.09 s) but keeps its peak per
//! session and grows in powers of two, which a worker under its address-space ceiling pays.
//!
//! Tunables are read only when a process starts, so the binary starts itself again with them
//! ([`restart_tuned`]: `exec`, the same process, arguments and streams) before anything else
//! runs. A process whose `GLIBC_TUNABLES` already names `glibc.malloc.hugetlb` — the second
//! start, a worker (it inherits the variable), or a user's own choice — runs as it is.

/// The tunables pingshen adds, in glibc's `name=value:name=value` form.
pub const TUNABLES: &str =
    "glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864";

/// The tunable whose presence says the allocator was already chosen for this process.
const MARKER: &str = "glibc.malloc.hugetlb";

/// `GLIBC_TUNABLES` as the process should run with it, or `None` when it is already so.
/// The user's own tunables come after pingshen's: glibc applies them in order, so theirs win.
pub fn tuned_value(current: Option<&str>) -> Option<String> {
    match current.map(str::trim) {
        None | Some("") => Some(TUNABLES.to_string()),
        Some(c) if c.split(':').any(|t| t.split('=').next() == Some(MARKER)) => None,
        Some(c) => Some(format!("{TUNABLES}:{c}")),
    }
}

/// The tunables this process runs with, when they are pingshen's (for `pingshen doctor`).
pub fn active() -> Option<String> {
    let current = std::env::var("GLIBC_TUNABLES").ok()?;
    current.contains(TUNABLES).then_some(current)
}

/// On Linux with glibc: when the process does not run with [`TUNABLES`] yet, replaces it with
/// the same binary, arguments and streams, and the tunables added. Must run first in `main`,
/// before any thread or output. If the binary cannot be started again the process simply goes
/// on untuned: the tunables change speed, never a result.
pub fn restart_tuned() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::unix::process::CommandExt;
        let current = std::env::var_os("GLIBC_TUNABLES");
        let Some(value) = tuned_value(current.as_ref().and_then(|c| c.to_str())) else {
            return;
        };
        if current.as_ref().is_some_and(|c| c.to_str().is_none()) {
            return; // not UTF-8: not ours to rewrite
        }
        let Ok(exe) = std::env::current_exe() else {
            return;
        };
        let mut args = std::env::args_os();
        let mut cmd = std::process::Command::new(exe);
        if let Some(arg0) = args.next() {
            cmd.arg0(arg0);
        }
        // Returns only if the binary could not be started again.
        let _ = cmd.args(args).env("GLIBC_TUNABLES", value).exec();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_without_tunables_gets_pingshens() {
        assert_eq!(tuned_value(None).as_deref(), Some(TUNABLES));
        assert_eq!(tuned_value(Some("")).as_deref(), Some(TUNABLES));
    }

    #[test]
    fn a_users_other_tunables_are_kept_after_pingshens_so_theirs_win() {
        assert_eq!(
            tuned_value(Some("glibc.malloc.arena_max=2")),
            Some(format!("{TUNABLES}:glibc.malloc.arena_max=2"))
        );
        assert_eq!(
            tuned_value(Some("glibc.malloc.mmap_threshold=1048576")),
            Some(format!("{TUNABLES}:glibc.malloc.mmap_threshold=1048576"))
        );
    }

    #[test]
    fn a_process_that_already_chose_huge_pages_is_not_started_again() {
        assert_eq!(tuned_value(Some(TUNABLES)), None);
        assert_eq!(tuned_value(Some("glibc.malloc.hugetlb=0")), None);
        assert_eq!(
            tuned_value(Some("glibc.malloc.arena_max=2:glibc.malloc.hugetlb=0")),
            None
        );
        // A tunable whose name merely starts the same is not the marker.
        assert!(tuned_value(Some("glibc.malloc.hugetlbx=1")).is_some());
    }
}
