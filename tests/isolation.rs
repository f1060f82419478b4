//! Worker isolation as a user meets it: a package whose review hangs, aborts, runs out of memory
//! or panics outside every guard costs only its own verdict; the faults are real (an abort, a
//! failed allocation, an endless sleep) and are set off through `PINGSHEN_WORKER_FAULT`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

const FAULTS: &str = "PINGSHEN_WORKER_FAULT";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pingshen"));
    c.env_remove(FAULTS);
    c
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("pingshen-iso-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Copies fixtures into `dir` under new names.
fn inputs(dir: &Path, pairs: &[(&str, &str)]) {
    std::fs::create_dir_all(dir).unwrap();
    for (fixture_name, as_name) in pairs {
        std::fs::copy(fixture(fixture_name), dir.join(as_name)).unwrap();
    }
}

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn codes(v: &serde_json::Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

const HEALTHY: [(&str, &str); 3] = [
    ("plan-complete.zip", "a-plan.zip"),
    ("commissioning-complete.zip", "b-commissioning.zip"),
    ("truncated.zip", "c-truncated.zip"),
];

#[test]
fn a_worker_that_hangs_aborts_runs_out_of_memory_or_panics_costs_only_its_own_package() {
    let d = tmpdir("faults");
    let inp = d.join("in");
    inputs(&inp, &HEALTHY);
    inputs(
        &inp,
        &[
            ("plan-complete.zip", "x-hang.zip"),
            ("plan-complete.zip", "x-abort.zip"),
            ("plan-complete.zip", "x-oom.zip"),
            ("plan-complete.zip", "x-panic.zip"),
        ],
    );
    let out = d.join("out");
    let started = Instant::now();
    let o = bin()
        .env(FAULTS, "hang=x-hang;abort=x-abort;oom=x-oom;panic=x-panic")
        .arg("batch")
        .arg(&inp)
        .arg("--out")
        .arg(&out)
        .args(["-q", "-j", "2", "--timeout", "2"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        started.elapsed() < Duration::from_secs(30),
        "the hanging package was stopped at its budget"
    );
    for (name, want) in [
        ("x-hang", "package.timeout"),
        ("x-abort", "package.worker_crashed"),
        ("x-oom", "package.out_of_memory"),
        ("x-panic", "package.worker_crashed"),
    ] {
        let v = json(&out.join(format!("{name}.zip.json")));
        assert_eq!(v["verdict"], "error", "{name}");
        assert_eq!(codes(&v), [want], "{name}");
        assert_eq!(v["package"]["file"], format!("{name}.zip"));
        assert_eq!(
            v["package"]["sha256"],
            json(&out.join("a-plan.zip.json"))["package"]["sha256"],
            "the failed package is still identified by its bytes"
        );
    }
    let said = |name: &str| json(&out.join(format!("{name}.zip.json")))["findings"][0]["message"].clone();
    assert!(
        said("x-oom").as_str().unwrap().contains("memory allocation of"),
        "{}",
        said("x-oom")
    );
    assert!(
        said("x-panic").as_str().unwrap().contains("panicked at"),
        "{}",
        said("x-panic")
    );
    assert!(
        said("x-abort").as_str().unwrap().contains("SIGABRT"),
        "{}",
        said("x-abort")
    );

    // The healthy packages are unaffected: the same bytes as an in-process run.
    let alone = d.join("alone");
    inputs(&alone, &HEALTHY);
    let out2 = d.join("out2");
    let o = bin()
        .arg("batch")
        .arg(&alone)
        .arg("--out")
        .arg(&out2)
        .args(["-q", "--in-process"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    for (_, name) in HEALTHY {
        let f = format!("{name}.json");
        assert_eq!(
            std::fs::read(out.join(&f)).unwrap(),
            std::fs::read(out2.join(&f)).unwrap(),
            "{f}"
        );
    }
    let summary = json(&out.join("summary.json"));
    assert_eq!(summary["packages"], 7);
    assert_eq!(summary["by_verdict"]["error"], 5, "{summary}");
}

#[test]
fn check_gives_an_error_verdict_when_its_worker_dies() {
    let d = tmpdir("check");
    inputs(&d, &[("plan-complete.zip", "x-abort.zip")]);
    let o = bin()
        .env(FAULTS, "abort=x-abort")
        .arg("check")
        .arg(d.join("x-abort.zip"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 3, "exit 3 is an error verdict");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(codes(&v), ["package.worker_crashed"]);
    let o = bin()
        .env(FAULTS, "abort=x-abort")
        .arg("check")
        .arg(d.join("x-abort.zip"))
        .arg("--in-process")
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        code(&o),
        0,
        "the fault hook lives in the worker only; in-process the package passes"
    );
}

#[test]
fn jsonl_through_workers_is_the_in_process_jsonl() {
    let d = tmpdir("many");
    let inp = d.join("in");
    let names: Vec<(String, String)> = (0..12)
        .map(|i| ("plan-complete.zip".into(), format!("p{i:02}.zip")))
        .collect();
    let pairs: Vec<(&str, &str)> = names.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    inputs(&inp, &pairs);
    let o = bin()
        .arg("batch")
        .arg(&inp)
        .arg("--jsonl")
        .args(["-q", "-j", "1"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    let through_workers = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<serde_json::Value> = through_workers
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 12);
    assert!(lines.iter().all(|v| v["verdict"] == "pass"));
    let o2 = bin()
        .arg("batch")
        .arg(&inp)
        .arg("--jsonl")
        .args(["-q", "-j", "1", "--in-process"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(o2.stdout).unwrap() == through_workers,
        "jsonl through workers is byte for byte the in-process jsonl"
    );
}

#[test]
fn resume_reviews_again_a_package_whose_worker_failed() {
    let d = tmpdir("resume");
    let inp = d.join("in");
    inputs(
        &inp,
        &[("plan-complete.zip", "slow.zip"), ("review-complete.zip", "fine.zip")],
    );
    let out = d.join("out");
    let run = |fault: Option<&str>| {
        let mut c = bin();
        if let Some(f) = fault {
            c.env(FAULTS, f);
        }
        let o = c
            .arg("batch")
            .arg(&inp)
            .arg("--out")
            .arg(&out)
            .args(["-q", "--resume", "--timeout", "1"])
            .output()
            .unwrap();
        assert_eq!(code(&o), 0);
        json(&out.join("summary.json"))
    };
    let first = run(Some("hang=slow"));
    assert_eq!(first["by_verdict"]["error"], 1);
    assert_eq!(codes(&json(&out.join("slow.zip.json"))), ["package.timeout"]);
    let second = run(None);
    assert_eq!(second["resumed"], 1, "only the finished verdict is kept: {second}");
    assert_eq!(json(&out.join("slow.zip.json"))["verdict"], "pass");
}

#[test]
fn a_killed_supervisor_leaves_no_worker_behind() {
    let d = tmpdir("orphans");
    let inp = d.join("in");
    inputs(&inp, &[("plan-complete.zip", "x-hang.zip")]);
    let tag = format!("pingshen-orphan-test-{}", std::process::id());
    let mut child = bin()
        .env(FAULTS, "hang=x-hang")
        .env("PINGSHEN_TEST_TAG", &tag)
        .arg("batch")
        .arg(&inp)
        .arg("--out")
        .arg(d.join("out"))
        .args(["-q", "--timeout", "600"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let tagged = || -> usize {
        std::fs::read_dir("/proc")
            .map(|r| {
                r.flatten()
                    .filter(|e| {
                        std::fs::read(e.path().join("environ")).is_ok_and(|env| {
                            env.split(|b| *b == 0)
                                .any(|kv| kv == format!("PINGSHEN_TEST_TAG={tag}").as_bytes())
                        })
                    })
                    .count()
            })
            .unwrap_or(0)
    };
    let started = Instant::now();
    while tagged() < 2 && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(tagged(), 2, "the supervisor and its worker run");
    child.kill().unwrap(); // SIGKILL: no chance to clean up
    child.wait().unwrap();
    let started = Instant::now();
    while tagged() > 0 && started.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(tagged(), 0, "the orphaned worker ended by itself");
}

/// The supervisor can be killed after it started a worker but before the worker set up its
/// watch; by then the worker's parent is already another process. The worker learns its
/// supervisor's id from its environment, so it still sees that it was orphaned and ends.
#[test]
fn a_worker_whose_supervisor_died_before_it_started_ends_at_once() {
    let started = Instant::now();
    let mut child = bin()
        .arg("worker")
        .env("PINGSHEN_SUPERVISOR", "4194304") // beyond pid_max: never this worker's parent
        .stdin(Stdio::piped()) // kept open: an ordinary worker would wait here for requests
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break Some(s);
        }
        if started.elapsed() > Duration::from_secs(10) {
            break None;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if status.is_none() {
        child.kill().unwrap();
        child.wait().unwrap();
    }
    assert_eq!(
        status.and_then(|s| s.code()),
        Some(3),
        "the orphaned worker ended with code 3"
    );
}

#[test]
fn bad_budgets_are_usage_errors() {
    for args in [
        ["--timeout", "0"],
        ["--timeout", "soon"],
        ["--max-memory", "1M"],
        ["--max-memory", "12X"],
    ] {
        let o = bin()
            .arg("check")
            .arg(fixture("plan-complete.zip"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(code(&o), 2, "{args:?}");
    }
    let o = bin()
        .arg("check")
        .arg(fixture("plan-complete.zip"))
        .args(["--max-memory", "1.5G", "--timeout", "30.5"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
}

#[test]
fn a_package_larger_than_the_memory_ceiling_is_out_of_memory_not_a_dead_batch() {
    // A real exhaustion, no fault hook: the worker reads the 300 MB archive into memory under a
    // 128 MiB ceiling. (A sparse file: nothing is written to disk.)
    let d = tmpdir("ceiling");
    let inp = d.join("in");
    inputs(&inp, &[("plan-complete.zip", "a-plan.zip")]);
    let big = std::fs::File::create(inp.join("big.zip")).unwrap();
    big.set_len(300 << 20).unwrap();
    drop(big);
    let out = d.join("out");
    let o = bin()
        .arg("batch")
        .arg(&inp)
        .arg("--out")
        .arg(&out)
        .args(["-q", "-j", "1", "--max-memory", "128M"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    let v = json(&out.join("big.zip.json"));
    assert_eq!(codes(&v), ["package.out_of_memory"], "{v}");
    assert_eq!(v["package"]["bytes"], 300u64 << 20);
    assert_eq!(json(&out.join("a-plan.zip.json"))["verdict"], "pass");
    let _ = std::fs::remove_dir_all(&d);
}
