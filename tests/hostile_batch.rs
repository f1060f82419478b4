//! The hostile corpus (tests/support/hostile.rs) as an office meets it: one `pingshen batch` over
//! all of it, through worker processes, with the default budgets. Every package gets a verdict,
//! within the time budget, the batch exits 0, and the whole process tree (supervisor and
//! workers) stays under 1 GiB resident.

#[path = "support/procs.rs"]
mod procs;
mod support;

use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn a_batch_over_the_hostile_corpus_gives_every_package_a_verdict_within_budget_and_1_gib() {
    let dir = std::env::temp_dir().join(format!("pingshen-hostile-batch-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let corpus = support::hostile::corpus();
    assert!(corpus.len() >= 25, "the corpus holds every hostile kind");
    for (name, bytes) in &corpus {
        std::fs::write(inputs.join(name), bytes).unwrap();
    }
    let out = dir.join("out");
    let timeout = 60;
    let started = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .env_remove("PINGSHEN_WORKER_FAULT")
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .args(["-q", "-j", "2", "--timeout", &timeout.to_string()])
        .spawn()
        .unwrap();
    let watcher = procs::PeakWatcher::start(child.id(), Duration::from_millis(5));
    let status = child.wait().unwrap();
    let peak_kib = watcher.stop();
    let took = started.elapsed();
    assert_eq!(status.code(), Some(0), "batch exits 0");
    eprintln!(
        "{} hostile packages in {:.2} s, peak RSS of the process tree {:.1} MiB",
        corpus.len(),
        took.as_secs_f64(),
        peak_kib as f64 / 1024.0
    );
    assert!(peak_kib < 1024 * 1024, "peak RSS {peak_kib} KiB is under 1 GiB");
    assert!(peak_kib > 0, "the watcher saw the process tree");
    for (name, _) in &corpus {
        let text = std::fs::read_to_string(out.join(format!("{name}.json")))
            .unwrap_or_else(|e| panic!("{name}: no verdict ({e})"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let codes: Vec<&str> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["code"].as_str())
            .collect();
        for c in [
            "package.timeout",
            "package.worker_crashed",
            "package.out_of_memory",
            "package.internal_error",
        ] {
            assert!(
                !codes.contains(&c),
                "{name}: the readers' own limits decide it, not the guard ({c})"
            );
        }
    }
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["packages"], corpus.len());
    assert!(
        took < Duration::from_secs(timeout),
        "the whole corpus took {took:?}, less than one package's budget"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
