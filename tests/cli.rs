//! The `pingshen` command as a user runs it: exit codes, output files, formats, overrides.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::packages::{stage_files, stage_package, zip_files, Naming};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pingshen"))
}

fn tmpdir(tag: &str) -> PathBuf {
    support::tmpdir(&format!("cli-{tag}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    support::write_file(dir, name, bytes)
}

/// Asserts that the named files of two folders have the same bytes.
fn assert_same_files<N: AsRef<str>>(a: &Path, b: &Path, names: impl IntoIterator<Item = N>) {
    for n in names {
        let n = n.as_ref();
        assert_eq!(
            std::fs::read(a.join(n)).unwrap(),
            std::fs::read(b.join(n)).unwrap(),
            "{n}"
        );
    }
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

#[test]
fn check_prints_a_report_and_exits_by_verdict() {
    let d = tmpdir("check");
    let complete = write(&d, "complete.zip", &stage_package("commissioning", Naming::Numbered));
    let o = bin().arg("check").arg(&complete).output().unwrap();
    assert_eq!(code(&o), 0, "pass exits 0");
    let text = stdout(&o);
    assert!(text.starts_with("✓ 通过 pass  complete.zip"), "{text}");
    assert!(text.contains("无需处理的事项 nothing needs attention"), "{text}");
    assert!(
        !text.contains("final_acceptance"),
        "the compact report lists no present material: {text}"
    );
    let o = bin().args(["check", "--all"]).arg(&complete).output().unwrap();
    let all = stdout(&o);
    assert!(
        all.lines()
            .any(|l| l.starts_with("  ✓ ") && l.contains("final_acceptance")),
        "--all lists every material: {all}"
    );

    let o = bin()
        .args(["check", "--format", "json"])
        .arg(&complete)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("json");
    assert_eq!(v["stage"], "commissioning");

    let rar = write(&d, "rar.zip", &support::rar_bytes());
    let o = bin().arg("check").arg(&rar).output().unwrap();
    assert_eq!(code(&o), 3, "error verdict exits 3");
    assert!(stdout(&o).contains("RAR"));

    let missing: Vec<_> = stage_files("review", Naming::Plain)
        .into_iter()
        .filter(|(p, _)| !p.contains("申报函"))
        .collect();
    let incomplete = write(&d, "incomplete.zip", &zip_files(&missing));
    let o = bin().arg("check").arg(&incomplete).output().unwrap();
    assert_eq!(code(&o), 1);
    assert!(
        stdout(&o)
            .lines()
            .any(|l| l.starts_with("  ✗ 缺失 missing") && l.contains("application_letter")),
        "{}",
        stdout(&o)
    );

    let o = bin().arg("check").arg(d.join("nope.zip")).output().unwrap();
    assert_eq!(code(&o), 2, "usage error exits 2");
    let o = bin()
        .args(["check", "--stage", "nonsense"])
        .arg(&complete)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
}

#[test]
fn schemas_override_changes_the_rules_without_recompiling() {
    let d = tmpdir("schemas");
    let pkg = write(&d, "p.zip", &stage_package("commissioning", Naming::Plain));
    let over = d.join("schemas");
    std::fs::create_dir_all(&over).unwrap();
    let text = include_str!("../schemas/commissioning.json").replace("[\"运维方案\"]", "[\"运行维护方案\"]");
    std::fs::write(over.join("commissioning.json"), text).unwrap();
    let o = bin()
        .args(["check", "--format", "json", "--schemas"])
        .arg(&over)
        .arg(&pkg)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let om = v["materials"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == "om_plan")
        .unwrap()
        .clone();
    assert_eq!(om["status"], "missing");
    assert_eq!(v["verdict"], "incomplete");

    let default = bin().args(["check", "--format", "json"]).arg(&pkg).output().unwrap();
    let dv: serde_json::Value = serde_json::from_str(&stdout(&default)).unwrap();
    assert_ne!(dv["ruleset"], v["ruleset"], "the ruleset id follows the schemas");

    std::fs::write(over.join("commissioning.json"), "{\"stage\": \"commissioning\"").unwrap();
    let o = bin()
        .args(["check", "--schemas"])
        .arg(&over)
        .arg(&pkg)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("commissioning.json"), "{err}");
}

#[test]
fn batch_writes_one_verdict_per_archive_and_never_stops() {
    let d = tmpdir("batch");
    let inputs = d.join("in");
    write(&inputs, "a.zip", &stage_package("plan", Naming::Plain));
    write(&inputs, "sub/b.zip", &stage_package("review", Naming::Numbered));
    write(&inputs, "sub/deeper/c.ZIP", &support::sevenz_bytes());
    write(&inputs, "sub/empty.zip", b"");
    write(&inputs, "other/a.zip", &stage_package("addition", Naming::Plain));
    write(&inputs, "notes.txt", b"not an archive");
    let out = d.join("out");
    let o = bin()
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .arg("-j")
        .arg("2")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0, "{}", String::from_utf8_lossy(&o.stderr));
    // The folder's lock file (held while a batch writes it) is not a verdict.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".pingshen.lock")
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "a.zip.2.json",
            "a.zip.json",
            "b.zip.json",
            "c.ZIP.json",
            "empty.zip.json",
            "summary.json"
        ]
    );
    let c: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(out.join("c.ZIP.json")).unwrap()).unwrap();
    assert_eq!(c["verdict"], "error");
    assert!(String::from_utf8_lossy(&o.stderr).contains("5 packages"));

    // Same inputs, one thread: byte-identical files.
    let out1 = d.join("out1");
    let o = bin()
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out1)
        .arg("-j")
        .arg("1")
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    assert_same_files(&out, &out1, names.iter().filter(|n| *n != "summary.json"));
}

#[test]
fn batch_jsonl_streams_lines_in_input_order() {
    let d = tmpdir("jsonl");
    write(&d, "1.zip", &stage_package("performance", Naming::Plain));
    write(&d, "2.zip", b"");
    write(&d, "3.zip", &stage_package("addition", Naming::Attachment));
    let o = bin().arg("batch").arg(&d).arg("--jsonl").output().unwrap();
    assert_eq!(code(&o), 0);
    let lines: Vec<serde_json::Value> = stdout(&o).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let files: Vec<&str> = lines.iter().map(|v| v["package"]["file"].as_str().unwrap()).collect();
    assert_eq!(files, ["1.zip", "2.zip", "3.zip"]);
    assert_eq!(lines[1]["verdict"], "error");

    let o = bin()
        .arg("batch")
        .arg(d.join("missing-dir"))
        .arg("--jsonl")
        .output()
        .unwrap();
    assert_eq!(code(&o), 2, "an input that does not exist is a usage error");
    let o = bin().arg("batch").arg(&d).output().unwrap();
    assert_eq!(code(&o), 2, "--out or --jsonl is required");
}

#[test]
fn schema_command_prints_the_verdict_schema() {
    let o = bin().arg("schema").output().unwrap();
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["$schema"], "https://json-schema.org/draft/2020-12/schema");
}

#[test]
fn rules_and_explain_describe_the_checks() {
    let o = bin().args(["rules", "--stage", "commissioning"]).output().unwrap();
    assert_eq!(code(&o), 0);
    let text = stdout(&o);
    assert!(
        text.contains("COMM-RL4") && text.contains("不予受理") && !text.contains("PLAN-RL1"),
        "{text}"
    );
    let o = bin().args(["explain", "COMM-RL3"]).output().unwrap();
    assert_eq!(code(&o), 0);
    assert!(stdout(&o).contains("min_warranty_months = 24"));
    let o = bin().args(["explain", "NOT-A-CHECK"]).output().unwrap();
    assert_eq!(code(&o), 2);
}

#[test]
fn reference_data_is_used_and_a_malformed_file_stops_the_run() {
    let d = tmpdir("reference");
    let rows: Vec<(&str, &str)> = support::packages::stage_basic_info("review")
        .into_iter()
        .map(|(l, v)| {
            if l == "项目类型" {
                (l, "升级改造")
            } else {
                (l, v)
            }
        })
        .chain([("前期项目投入使用批复文号", "京经信验〔2019〕22号")])
        .collect();
    let mut files = stage_files("review", Naming::Plain);
    support::packages::replace_file(&mut files, "基本情况表", support::packages::basic_info_xlsx(&rows));
    files.push((
        "申报材料/项目申报书.docx".into(),
        support::docx(&["项目申报书", "网络安全等级保护第三级，商用密码应用"]),
    ));
    files.push((
        "申报材料/项目经费表.xlsx".into(),
        support::xlsx(&[("经费", vec![support::text_row(&["项目", "金额"])])]),
    ));
    let pkg = write(&d, "upgrade.zip", &zip_files(&files));
    let status = |o: &Output| -> String {
        let v: serde_json::Value = serde_json::from_str(&stdout(o)).unwrap();
        v["checks"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["id"] == "REVIEW-RL1")
            .unwrap()["status"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let o = bin().args(["check", "--format", "json"]).arg(&pkg).output().unwrap();
    assert_eq!(status(&o), "satisfied", "a stated reference satisfies without a list");
    let refs = d.join("ref");
    std::fs::create_dir_all(&refs).unwrap();
    std::fs::write(refs.join("approved_commissioning.json"), r#"["京经信验〔2020〕1号"]"#).unwrap();
    let o = bin()
        .args(["check", "--format", "json", "--reference"])
        .arg(&refs)
        .arg(&pkg)
        .output()
        .unwrap();
    assert_eq!(
        status(&o),
        "violated",
        "a reference missing from the approved list violates"
    );
    let ruleset = |o: &Output| serde_json::from_str::<serde_json::Value>(&stdout(o)).unwrap()["ruleset"].clone();
    let plain = bin().args(["check", "--format", "json"]).arg(&pkg).output().unwrap();
    assert_ne!(ruleset(&o), ruleset(&plain), "reference data is part of the ruleset id");
    std::fs::write(refs.join("approved_commissioning.json"), r#"["京经信验 〔2019〕22号"]"#).unwrap();
    let o = bin()
        .args(["check", "--format", "json", "--reference"])
        .arg(&refs)
        .arg(&pkg)
        .output()
        .unwrap();
    assert_eq!(status(&o), "satisfied");
    std::fs::write(refs.join("approved_commissioning.json"), "not json").unwrap();
    let o = bin()
        .args(["check", "--reference"])
        .arg(&refs)
        .arg(&pkg)
        .output()
        .unwrap();
    assert_eq!(code(&o), 2);
    assert!(String::from_utf8_lossy(&o.stderr).contains("approved_commissioning.json"));
}

#[test]
fn resume_skips_unchanged_archives_and_duplicates_are_reported() {
    let d = tmpdir("resume");
    let inputs = d.join("in");
    write(&inputs, "a.zip", &stage_package("plan", Naming::Plain));
    write(&inputs, "b.zip", &stage_package("review", Naming::Plain));
    write(&inputs, "copy-of-b.zip", &stage_package("review", Naming::Plain));
    write(&inputs, "c.zip", b"");
    let out = d.join("out");
    let run = |extra: &[&str]| {
        bin()
            .arg("batch")
            .arg(&inputs)
            .arg("--out")
            .arg(&out)
            .args(extra)
            .output()
            .unwrap()
    };
    let first = run(&[]);
    assert_eq!(code(&first), 0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["packages"], 4);
    assert_eq!(summary["resumed"], 0);
    let dup: Vec<String> = summary["duplicates"][0]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect();
    assert_eq!(dup.len(), 2);
    assert!(
        dup[0].ends_with("b.zip") && dup[1].ends_with("copy-of-b.zip"),
        "{dup:?}"
    );
    assert_eq!(summary["by_stage"]["review"]["pass"], 2);
    let before: Vec<Vec<u8>> = ["a.zip.json", "b.zip.json", "c.zip.json"]
        .iter()
        .map(|n| std::fs::read(out.join(n)).unwrap())
        .collect();

    // Change one archive: only it is reviewed again; the others are skipped and unchanged.
    write(&inputs, "a.zip", &stage_package("plan", Naming::Numbered));
    let second = run(&["--resume"]);
    assert_eq!(code(&second), 0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["resumed"], 3, "b, its copy and c are unchanged");
    assert_eq!(summary["packages"], 4);
    assert_ne!(std::fs::read(out.join("a.zip.json")).unwrap(), before[0]);
    assert_eq!(std::fs::read(out.join("b.zip.json")).unwrap(), before[1]);
    assert_eq!(std::fs::read(out.join("c.zip.json")).unwrap(), before[2]);
    // And a resumed folder holds the same files as a fresh run of the new inputs.
    let fresh = d.join("fresh");
    assert_eq!(
        code(
            &bin()
                .arg("batch")
                .arg(&inputs)
                .arg("--out")
                .arg(&fresh)
                .output()
                .unwrap()
        ),
        0
    );
    assert_same_files(
        &out,
        &fresh,
        ["a.zip.json", "b.zip.json", "copy-of-b.zip.json", "c.zip.json"],
    );
}

#[test]
fn jsonl_reads_paths_from_stdin() {
    use std::io::Write as _;
    let d = tmpdir("stdin");
    let a = write(&d, "a.zip", &stage_package("performance", Naming::Plain));
    let b = write(&d, "b.zip", b"");
    let mut child = bin()
        .args(["batch", "-", "--jsonl", "-q"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{}\n\n{}", a.display(), b.display()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(code(&o), 0);
    let files: Vec<String> = stdout(&o)
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["package"]["file"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(files, ["a.zip", "b.zip"]);
    assert!(o.stderr.is_empty(), "quiet: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn stats_over_a_batch_agree_with_counts_made_from_the_verdict_files() {
    let d = tmpdir("stats");
    let inputs = d.join("in");
    for (i, stage) in support::packages::STAGES.iter().enumerate() {
        for naming in Naming::ALL {
            let mut files = stage_files(stage, naming);
            if i % 2 == 0 && naming == Naming::Plain {
                files.remove(2); // one material missing: incomplete
            }
            write(&inputs, &format!("{stage}-{naming:?}.zip"), &zip_files(&files));
        }
    }
    write(&inputs, "broken.zip", b"");
    let out = d.join("out");
    assert_eq!(
        code(
            &bin()
                .arg("batch")
                .arg(&inputs)
                .arg("--out")
                .arg(&out)
                .arg("-q")
                .output()
                .unwrap()
        ),
        0
    );
    // Count independently from the verdict files.
    let mut expected: std::collections::BTreeMap<(String, String), (u64, u64)> = Default::default();
    let mut errors = 0;
    for e in std::fs::read_dir(&out).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "summary.json" || p.file_name().unwrap() == ".pingshen.lock" {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
        if v["verdict"] == "error" {
            errors += 1;
            continue;
        }
        let date = v["project"]["submission_date"].as_str().unwrap();
        let (y, m): (i32, u32) = (date[..4].parse().unwrap(), date[5..7].parse().unwrap());
        let start = if m >= 7 { y } else { y - 1 };
        let period = format!("{start}.7-{}.6", start + 1);
        let slot = expected
            .entry((v["stage"].as_str().unwrap().to_string(), period))
            .or_default();
        slot.0 += 1;
        slot.1 += u64::from(v["verdict"] == "pass");
    }
    let o = bin().args(["stats", "--format", "csv"]).arg(&out).output().unwrap();
    assert_eq!(code(&o), 0);
    let csv = stdout(&o);
    // 阶段,阶段代码,时间,总数量,通过数,…
    assert!(csv.starts_with("\u{feff}阶段,阶段代码,时间,总数量,通过数,"), "{csv}");
    for ((stage, period), (total, passed)) in &expected {
        let line = csv
            .lines()
            .find(|l| l.split(',').skip(1).take(2).eq([stage.as_str(), period.as_str()]))
            .unwrap_or_else(|| panic!("no row {stage} {period} in\n{csv}"));
        let cols: Vec<&str> = line.split(',').collect();
        assert_eq!(
            (cols[3], cols[4]),
            (total.to_string().as_str(), passed.to_string().as_str()),
            "{line}"
        );
    }
    let o = bin().args(["stats", "--format", "json"]).arg(&out).output().unwrap();
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(v["errors"]["packages"].as_array().map(|a| a.len()).unwrap_or(0), errors);
    let o = bin().args(["stats", "--format", "html"]).arg(&out).output().unwrap();
    assert!(stdout(&o).contains("<svg"));
}

#[test]
fn a_batch_killed_midway_resumes_to_the_same_verdicts_as_an_uninterrupted_run() {
    let d = tmpdir("kill");
    let inputs = d.join("in");
    let total = 400;
    for i in 0..total {
        let stage = support::packages::STAGES[i % 5];
        write(
            &inputs,
            &format!("p{i:03}.zip"),
            &stage_package(stage, Naming::ALL[i % 4]),
        );
    }
    let out = d.join("out");
    let count = |dir: &Path| {
        std::fs::read_dir(dir)
            .map(|r| {
                r.filter(|e| {
                    e.as_ref()
                        .is_ok_and(|e| e.file_name().to_string_lossy().ends_with(".zip.json"))
                })
                .count()
            })
            .unwrap_or(0)
    };
    let mut child = bin()
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .args(["-j", "1", "-q"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while count(&out) < 20 && started.elapsed() < std::time::Duration::from_secs(60) {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    let midway = child.try_wait().unwrap().is_none();
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let written = count(&out);
    if midway {
        assert!(written < total, "killed before the end: {written} of {total}");
    } else {
        eprintln!("the batch finished before it could be killed; checking resume on a complete folder");
    }
    let o = bin()
        .arg("batch")
        .arg(&inputs)
        .arg("--out")
        .arg(&out)
        .args(["--resume", "-q"])
        .output()
        .unwrap();
    assert_eq!(code(&o), 0);
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
    assert_eq!(summary["packages"], total);
    assert!(summary["resumed"].as_u64().unwrap() >= written as u64 - 1, "{summary}");
    let fresh = d.join("fresh");
    assert_eq!(
        code(
            &bin()
                .arg("batch")
                .arg(&inputs)
                .arg("--out")
                .arg(&fresh)
                .arg("-q")
                .output()
                .unwrap()
        ),
        0
    );
    // The folder's lock file (held while a batch writes it) is not a verdict.
    let mut names: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != ".pingshen.lock")
        .collect();
    names.sort();
    assert!(
        names.iter().all(|n| !n.starts_with('.')),
        "no temporary file is left: {names:?}"
    );
    assert_eq!(names.len(), total + 1);
    assert_same_files(&out, &fresh, names.iter().filter(|n| *n != "summary.json"));
}

/// The `text` block of README.md that follows the line holding `after`.
fn readme_block(after: &str) -> String {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let from = readme.find(after).unwrap_or_else(|| panic!("README names {after}"));
    let rest = &readme[from..];
    let start = rest.find("```text\n").expect("a text block follows") + "```text\n".len();
    let end = rest[start..].find("```").expect("the block ends");
    rest[start..start + end].to_string()
}

#[test]
fn the_readme_shows_what_check_prints() {
    // The quick start's package, as the binary prints it now.
    let o = bin()
        .args(["check", "--color", "never"])
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/commissioning-complete.zip"
        ))
        .output()
        .unwrap();
    assert_eq!(
        readme_block("cargo run --release -- check fixtures/commissioning-complete.zip"),
        stdout(&o)
    );
    // The failing example is the reviewed snapshot of tests/report_text.rs.
    let snap = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/snapshots/report_text__commissioning_fail_compact.snap"
    ))
    .unwrap();
    let body = snap.splitn(3, "---\n").nth(2).unwrap();
    assert_eq!(readme_block("(`tests/report_text.rs`):"), body);
}
