//! A batch tried as an operator meets faults: two runs on one folder, a full disk, a signal, a
//! closed stderr or stdout, an archive over a limit on resume. No verdict is lost or torn, the
//! operator is told what happened and how to continue, and the exit status says it.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

#[path = "support/procs.rs"]
mod procs;
mod support;

use support::tmpdir;

const FAULTS: &str = "PINGSHEN_WORKER_FAULT";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pingshen"));
    c.env_remove(FAULTS);
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// `n` copies of the plan fixture (`p00.zip` …) and, when `hang`, one `x-hang.zip`.
fn inputs(dir: &Path, n: usize, hang: bool) -> PathBuf {
    let inp = dir.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    for i in 0..n {
        std::fs::copy(fixture("plan-complete.zip"), inp.join(format!("p{i:02}.zip"))).unwrap();
    }
    if hang {
        std::fs::copy(fixture("plan-complete.zip"), inp.join("x-hang.zip")).unwrap();
    }
    inp
}

fn wait_for(child: &mut Child, limit: Duration) -> std::process::ExitStatus {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(s) = child.try_wait().unwrap() {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the batch did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn verdicts(out: &Path) -> Vec<String> {
    let Ok(dir) = std::fs::read_dir(out) else {
        return Vec::new();
    };
    let mut v: Vec<String> = dir
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".zip.json"))
        .collect();
    v.sort();
    v
}

fn leftovers(out: &Path) -> Vec<String> {
    std::fs::read_dir(out)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect()
}

#[test]
fn a_second_batch_on_a_folder_in_use_exits_2_at_once_naming_the_holder() {
    let d = tmpdir("lock");
    let inp = inputs(&d, 3, true);
    let out = d.join("out");
    let mut first = bin()
        .env(FAULTS, "hang=x-hang")
        .args(["batch", "-q", "-j", "1", "--timeout", "3", "--ocr", "off", "--out"])
        .arg(&out)
        .arg(&inp)
        .spawn()
        .unwrap();
    // Wait until the first run holds the folder.
    let deadline = Instant::now() + Duration::from_secs(10);
    while !out.join(".pingshen.lock").exists() {
        assert!(Instant::now() < deadline);
        std::thread::sleep(Duration::from_millis(10));
    }
    std::thread::sleep(Duration::from_millis(200));
    let started = Instant::now();
    let second = bin()
        .args(["batch", "-q", "--ocr", "off", "--out"])
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(2), "the second run waited");
    assert_eq!(second.status.code(), Some(2));
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(err.contains(&format!("pid {}", first.id())), "{err}");
    // The first run is untouched: every verdict, its summary, no temp file.
    assert_eq!(wait_for(&mut first, Duration::from_secs(60)).code(), Some(0));
    assert_eq!(verdicts(&out).len(), 4);
    assert!(out.join("summary.json").exists());
    assert!(leftovers(&out).is_empty());
    // Once it is done the folder is free again.
    let third = bin()
        .args(["batch", "-q", "--ocr", "off", "--resume", "--out"])
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(
        third.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&third.stderr)
    );
}

#[test]
fn sigterm_and_sigint_stop_the_batch_with_a_summary_and_resume_continues() {
    for (signal, code) in [("TERM", 143), ("INT", 130)] {
        let d = tmpdir(&format!("signal-{signal}"));
        let inp = inputs(&d, 4, true);
        let out = d.join("out");
        let mut child = bin()
            .env(FAULTS, "hang=x-hang")
            .args(["batch", "-j", "1", "--timeout", "60", "--ocr", "off", "--out"])
            .arg(&out)
            .arg(&inp)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The packages before x-hang.zip are done; x-hang.zip is being reviewed, forever.
        let deadline = Instant::now() + Duration::from_secs(20);
        while verdicts(&out).len() < 4 {
            assert!(Instant::now() < deadline, "the first packages were not reviewed");
            std::thread::sleep(Duration::from_millis(20));
        }
        std::thread::sleep(Duration::from_millis(300));
        let sent = Instant::now();
        assert!(Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap()
            .success());
        let status = wait_for(&mut child, Duration::from_secs(10));
        assert!(
            sent.elapsed() < Duration::from_secs(4),
            "stopping took {:?}",
            sent.elapsed()
        );
        assert_eq!(status.code(), Some(code), "SIG{signal}");
        let mut err = String::new();
        child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
        assert!(err.contains(&format!("stopped by SIG{signal}")), "{err}");
        assert!(err.contains("--resume"), "{err}");
        // No verdict for the abandoned package, a summary of what was done, no temp file.
        assert!(!out.join("x-hang.zip.json").exists());
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["interrupted_by"], format!("SIG{signal}"));
        assert_eq!(summary["packages"], 4);
        assert_eq!(summary["not_reviewed"], 1);
        assert!(leftovers(&out).is_empty());
        // --resume reviews only what is missing.
        let again = bin()
            .args(["batch", "--resume", "--ocr", "off", "--out"])
            .arg(&out)
            .arg(&inp)
            .output()
            .unwrap();
        assert_eq!(again.status.code(), Some(0));
        assert_eq!(verdicts(&out).len(), 5);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        assert_eq!(summary["resumed"], 4);
        assert!(summary.get("interrupted_by").is_none());
    }
}

#[test]
fn a_full_disk_stops_the_batch_reports_the_loss_and_leaves_no_temp_file() {
    // A 160 KiB tmpfs holds a few verdicts and not all of them. Mounting needs root.
    let d = tmpdir("full");
    let out = d.join("out");
    std::fs::create_dir_all(&out).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=160k", "tmpfs"])
        .arg(&out)
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        assert!(
            std::env::var("CI").as_deref() != Ok("true"),
            "CI runs as root and must mount the small tmpfs"
        );
        println!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&out);
    let inp = inputs(&d, 40, false);
    let o = bin()
        .args(["batch", "-j", "1", "--ocr", "off", "--out"])
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("could not be written"), "{err}");
    assert!(err.contains("--resume"), "{err}");
    assert!(err.contains("No space left"), "{err}");
    assert!(leftovers(&out).is_empty(), "{:?}", leftovers(&out));
    // Every verdict file that exists is whole.
    for v in verdicts(&out) {
        let text = std::fs::read_to_string(out.join(&v)).unwrap();
        assert!(serde_json::from_str::<serde_json::Value>(&text).is_ok(), "{v} is torn");
    }
    assert!(verdicts(&out).len() < 40);

    // A folder that cannot be written at all is refused before anything is reviewed.
    let ro = d.join("ro");
    std::fs::create_dir_all(&ro).unwrap();
    let ro_mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k,ro", "tmpfs"])
        .arg(&ro)
        .status()
        .is_ok_and(|s| s.success());
    assert!(ro_mounted);
    let _unmount_ro = Unmount(&ro);
    let started = Instant::now();
    let o = bin()
        .args(["batch", "--ocr", "off", "--out"])
        .arg(&ro)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("cannot"));
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[test]
fn a_closed_stderr_costs_nothing_and_a_closed_stdout_ends_quietly() {
    let d = tmpdir("pipes");
    let inp = inputs(&d, 3, false);
    let out = d.join("out");
    // batch … 2>&1 | true: stderr's reader is gone before the summary is printed.
    let mut child = bin()
        .args(["batch", "--ocr", "off", "--out"])
        .arg(&out)
        .arg(&inp)
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = wait_for(&mut child, Duration::from_secs(60));
    assert_eq!(status.code(), Some(0));
    assert!(out.join("summary.json").exists());
    assert_eq!(verdicts(&out).len(), 3);
    // batch --jsonl | head -0: stdout's reader is gone.
    let mut child = bin()
        .args(["batch", "--ocr", "off", "--jsonl"])
        .arg(&inp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let status = wait_for(&mut child, Duration::from_secs(60));
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    assert_eq!(status.code(), Some(141), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn an_archive_over_a_limit_keeps_its_sha256_and_is_resumed() {
    let d = tmpdir("limit");
    let inp = inputs(&d, 1, false);
    let schemas = limits_changed(&d, "\"max_archive_bytes\": 2147483648", "\"max_archive_bytes\": 1000");
    let out = d.join("out");
    let run = || {
        bin()
            .args(["batch", "-q", "--resume", "--ocr", "off", "--schemas"])
            .arg(&schemas)
            .arg("--out")
            .arg(&out)
            .arg(&inp)
            .output()
            .unwrap()
    };
    assert_eq!(run().status.code(), Some(0));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("p00.zip.json")).unwrap()).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"package.limit_exceeded"), "{codes:?}");
    assert_eq!(v["package"]["sha256"].as_str().unwrap().len(), 64, "{}", v["package"]);
    assert_eq!(run().status.code(), Some(0));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["resumed"], 1);
}

#[test]
fn a_signal_stops_a_jsonl_batch_too() {
    let d = tmpdir("jsonl-signal");
    let inp = inputs(&d, 2, true);
    let mut child = bin()
        .env(FAULTS, "hang=x-hang")
        .args(["batch", "-j", "1", "--timeout", "60", "--ocr", "off", "--jsonl"])
        .arg(&inp)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    assert!(Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    let status = wait_for(&mut child, Duration::from_secs(10));
    assert_eq!(status.code(), Some(130));
    let mut out = String::new();
    child.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    // The abandoned package prints no line; every printed line is a whole verdict.
    for line in out.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_ne!(v["package"]["file"], "x-hang.zip");
    }
}

#[test]
fn check_names_why_a_path_is_not_a_package() {
    let d = tmpdir("paths");
    let folder = d.join("x.zip");
    std::fs::create_dir_all(&folder).unwrap();
    let o = bin().args(["check"]).arg(&folder).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("is a folder") && err.contains("pingshen batch"), "{err}");
    let looped = d.join("loop.zip");
    std::os::unix::fs::symlink(&looped, &looped).unwrap();
    let o = bin().args(["check"]).arg(&looped).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("symbolic links"), "{err}");
}

#[test]
fn names_that_are_not_utf8_stay_apart_in_verdicts_and_output_files() {
    use std::os::unix::ffi::OsStrExt;
    let d = tmpdir("non-utf8");
    let inp = d.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    for raw in [&b"x\xff.zip"[..], &b"x\xfe.zip"[..]] {
        let name = std::ffi::OsStr::from_bytes(raw);
        std::fs::copy(fixture("plan-complete.zip"), inp.join(name)).unwrap();
    }
    let out = d.join("out");
    let o = bin()
        .args(["batch", "-q", "--ocr", "off", "--out"])
        .arg(&out)
        .arg(&inp)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(verdicts(&out), ["x%FE.zip.json", "x%FF.zip.json"]);
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("x%FF.zip.json")).unwrap()).unwrap();
    assert_eq!(v["package"]["file"], "x%FF.zip");
}

#[test]
fn an_archive_over_the_entry_limit_still_says_how_many_entries_it_has() {
    let d = tmpdir("entries");
    let schemas = limits_changed(&d, "\"max_entries\": 10000", "\"max_entries\": 2");
    let o = bin()
        .args(["check", "--format", "json", "--ocr", "off", "--schemas"])
        .arg(&schemas)
        .arg(fixture("plan-complete.zip"))
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"package.limit_exceeded"), "{codes:?}");
    assert!(v["package"]["entries"].as_u64().unwrap() > 2, "{}", v["package"]);
}

/// A schemas folder whose package.json has one limit changed (`from` → `to`, as text).
fn limits_changed(d: &Path, from: &str, to: &str) -> PathBuf {
    let schemas = d.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let package = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/package.json")).unwrap();
    assert!(package.contains(from), "{from} is not in package.json");
    std::fs::write(schemas.join("package.json"), package.replace(from, to)).unwrap();
    schemas
}

/// Runs a pingshen command and returns its output and the peak resident memory of its process
/// tree (supervisor and workers), in MiB.
fn peak_rss(args: &[&std::ffi::OsStr]) -> (std::process::Output, f64) {
    let child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let watcher = procs::PeakWatcher::start(child.id(), Duration::from_millis(5));
    let out = child.wait_with_output().unwrap();
    (out, watcher.stop() as f64 / 1024.0)
}

/// Bytes that deflate about 180:1 when declared 1000 MiB (5.5 MiB of noise).
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[test]
fn files_over_the_memory_budget_are_unreadable_the_rest_proceeds_and_both_modes_agree() {
    let d = tmpdir("budget");
    // The plan package, plus four entries that declare 1000 MiB each (ratio ~180, within the
    // archive limits): together 3.9 GiB that an in-process review once held at once.
    let mut b = support::zip_builder_with(&support::stage_files("plan", support::Naming::Numbered));
    for i in 0..4u64 {
        let name = format!("申报材料/附件/数据备份{i}.bin");
        b.file_raw(
            name.as_bytes(),
            &noise(5_600_000, i + 7),
            support::EntryOpts {
                utf8_flag: true,
                deflate: true,
                declared_size: Some(1000 << 20),
                ..Default::default()
            },
        );
    }
    let pkg = d.join("plan-with-backups.zip");
    std::fs::write(&pkg, b.finish()).unwrap();
    let json = std::ffi::OsStr::new("json");
    let (workers, workers_mib) = peak_rss(&[
        "check".as_ref(),
        "--format".as_ref(),
        json,
        "--ocr".as_ref(),
        "off".as_ref(),
        pkg.as_os_str(),
    ]);
    let (in_process, in_process_mib) = peak_rss(&[
        "check".as_ref(),
        "--format".as_ref(),
        json,
        "--ocr".as_ref(),
        "off".as_ref(),
        "--in-process".as_ref(),
        pkg.as_os_str(),
    ]);
    assert!(
        workers.stdout == in_process.stdout,
        "the verdicts differ between workers and --in-process"
    );
    let v: serde_json::Value = serde_json::from_slice(&workers.stdout).unwrap();
    assert_ne!(v["verdict"], "error", "{}", v["findings"]);
    let over: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["code"] == "file.over_budget")
        .collect();
    assert_eq!(over.len(), 4, "{}", v["findings"]);
    assert!(workers_mib < 300.0, "check with workers peaked at {workers_mib:.0} MiB");
    assert!(
        in_process_mib < 300.0,
        "check --in-process peaked at {in_process_mib:.0} MiB"
    );
    // The explanation of the new code is there for the reviewer.
    let e = bin().args(["explain", "file.over_budget"]).output().unwrap();
    assert!(String::from_utf8_lossy(&e.stdout).contains("max_file_bytes"));
}

#[test]
fn a_4_gib_archive_is_checked_and_resumed_in_constant_memory() {
    let d = tmpdir("4gib");
    let inp = d.join("in");
    std::fs::create_dir_all(&inp).unwrap();
    let big = inp.join("big.zip");
    // Sparse: 4 GiB that take no disk.
    std::fs::File::create(&big).unwrap().set_len(4 << 30).unwrap();
    let (o, mib) = peak_rss(&["check".as_ref(), "--format".as_ref(), "json".as_ref(), big.as_os_str()]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["package"]["sha256"].as_str().unwrap().len(), 64);
    assert!(mib < 300.0, "check peaked at {mib:.0} MiB");
    let out = d.join("out");
    for round in 0..2 {
        let (o, mib) = peak_rss(&[
            "batch".as_ref(),
            "-q".as_ref(),
            "--resume".as_ref(),
            "--out".as_ref(),
            out.as_os_str(),
            inp.as_os_str(),
        ]);
        assert_eq!(o.status.code(), Some(0));
        assert!(mib < 300.0, "batch --resume (round {round}) peaked at {mib:.0} MiB");
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["resumed"], 1);
}

#[test]
fn every_hostile_package_gets_the_same_verdict_with_workers_and_in_process() {
    let d = tmpdir("modes");
    let corpus = support::hostile::corpus();
    assert!(corpus.len() >= 25);
    let check = |path: &Path, in_process: bool| {
        let mut c = bin();
        c.args(["check", "--format", "json", "--ocr", "off"]);
        if in_process {
            c.arg("--in-process");
        }
        c.arg(path).output().unwrap().stdout
    };
    std::thread::scope(|scope| {
        for part in corpus.chunks(corpus.len().div_ceil(2)) {
            let d = &d;
            scope.spawn(move || {
                for (name, bytes) in part {
                    let path = d.join(name);
                    std::fs::write(&path, bytes).unwrap();
                    let (workers, in_process) = (check(&path, false), check(&path, true));
                    assert!(!workers.is_empty(), "{name}: no verdict");
                    assert!(
                        workers == in_process,
                        "{name}: the verdicts differ between workers and --in-process"
                    );
                }
            });
        }
    });
}
