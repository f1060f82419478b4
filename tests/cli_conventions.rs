//! The command line as operators' scripts use it: exit codes they can test, paths from stdin,
//! limits said plainly, and lines that name their input.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

mod support;

use support::tmpdir;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_pingshen"));
    c.env_remove("PINGSHEN_WORKER_FAULT");
    c
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// A folder with a passing package and one whose verdict is `error` (not a zip).
fn mixed(tag: &str) -> PathBuf {
    let d = tmpdir(tag).join("in");
    std::fs::create_dir_all(&d).unwrap();
    std::fs::copy(fixture("plan-complete.zip"), d.join("a.zip")).unwrap();
    std::fs::copy(fixture("truncated.zip"), d.join("b.zip")).unwrap();
    d
}

#[test]
fn fail_on_makes_the_batch_fail_at_the_level_asked() {
    let inp = mixed("fail-on");
    let run = |level: Option<&str>| {
        let mut c = bin();
        c.args(["batch", "-q", "--ocr", "off", "--jsonl"]).arg(&inp);
        if let Some(l) = level {
            c.args(["--fail-on", l]);
        }
        c.output().unwrap().status.code()
    };
    // One verdict is `error`: every level up to error catches it.
    assert_eq!(run(None), Some(0));
    for level in ["fail", "incomplete", "needs_review", "error"] {
        assert_eq!(run(Some(level)), Some(1), "--fail-on {level}");
    }
    // Only passing packages: no level fails the run.
    let ok = tmpdir("fail-on-ok").join("in");
    std::fs::create_dir_all(&ok).unwrap();
    std::fs::copy(fixture("plan-complete.zip"), ok.join("a.zip")).unwrap();
    let o = bin()
        .args(["batch", "-q", "--ocr", "off", "--jsonl", "--fail-on", "fail"])
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    let bad = bin()
        .args(["batch", "--jsonl", "--fail-on", "pass"])
        .arg(&ok)
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn json_lines_name_the_input_path_as_given_and_stdin_paths_work_with_out() {
    let inp = mixed("input-path");
    let a = inp.join("a.zip");
    let o = bin()
        .args(["batch", "-q", "--ocr", "off", "--jsonl"])
        .arg(&a)
        .output()
        .unwrap();
    let line: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(line["input"], a.to_str().unwrap());
    // The line still validates against the verdict schema.
    let schema: serde_json::Value = serde_json::from_str(pingshen::verdict::JSON_SCHEMA).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("verdict.schema.json", schema).unwrap();
    let id = compiler.compile("verdict.schema.json", &mut schemas).unwrap();
    assert!(schemas.validate(&line, id).is_ok());

    // batch - --out DIR: paths from stdin, verdicts in the folder.
    let out = inp.parent().unwrap().join("out");
    let mut child = bin()
        .args(["batch", "-q", "--ocr", "off", "--out"])
        .arg(&out)
        .arg("-")
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    let list = format!("{}\n\n{}\n", a.display(), inp.join("b.zip").display());
    child.stdin.take().unwrap().write_all(list.as_bytes()).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    assert!(out.join("a.zip.json").is_file() && out.join("b.zip.json").is_file());
}

#[test]
fn limits_and_misuse_are_said_plainly() {
    let o = bin()
        .args(["batch", "-j", "100000", "--jsonl", "x.zip"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("256"), "{err}");
    let (a, b) = (fixture("plan-complete.zip"), fixture("review-complete.zip"));
    let o = bin().arg("check").arg(&a).arg(&b).output().unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("pingshen batch"), "{err}");
}

#[test]
fn colour_follows_color_and_no_color() {
    let pkg = fixture("plan-complete.zip");
    let run = |args: &[&str]| {
        let o = bin().arg("check").args(args).arg(&pkg).output().unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    assert!(run(&["--color", "always"]).contains("\x1b["));
    assert!(!run(&["--color", "never"]).contains("\x1b["));
    assert!(!run(&[]).contains("\x1b["), "not a terminal: no colour");
    // On a terminal (script(1) gives one), NO_COLOR turns colour off.
    let Ok(script) = which("script") else {
        println!("skipped the terminal half: script(1) is not installed");
        return;
    };
    let on_tty = |no_color: bool| {
        let mut c = Command::new(&script);
        c.args([
            "-qec",
            &format!("{} check {}", env!("CARGO_BIN_EXE_pingshen"), pkg.display()),
            "/dev/null",
        ]);
        if no_color {
            c.env("NO_COLOR", "1");
        } else {
            c.env_remove("NO_COLOR");
        }
        String::from_utf8_lossy(&c.output().unwrap().stdout).into_owned()
    };
    assert!(on_tty(false).contains("\x1b["), "a terminal gets colour");
    assert!(!on_tty(true).contains("\x1b["), "NO_COLOR is honoured");
}

fn which(name: &str) -> Result<PathBuf, ()> {
    std::env::split_paths(&std::env::var_os("PATH").ok_or(())?)
        .map(|d| d.join(name))
        .find(|p| p.is_file())
        .ok_or(())
}

#[test]
fn completions_man_page_version_and_json_formats() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let o = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(o.status.code(), Some(0), "{shell}");
        let text = String::from_utf8_lossy(&o.stdout);
        assert!(text.contains("pingshen") && text.contains("batch"), "{shell}: {text}");
    }
    let man = bin().arg("man").output().unwrap();
    let man = String::from_utf8_lossy(&man.stdout);
    assert!(man.contains(".TH pingshen 1"), "{man}");
    let v = bin().arg("--version").output().unwrap();
    let v = String::from_utf8_lossy(&v.stdout);
    assert!(v.contains(env!("CARGO_PKG_VERSION")) && v.contains("commit "), "{v}");
    assert!(v.contains("ruleset sha256:") && v.contains("schema_version 1"), "{v}");
    let rules: serde_json::Value = serde_json::from_slice(
        &bin()
            .args(["rules", "--format", "json", "--stage", "plan"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert!(rules["checks"].as_array().unwrap().iter().all(|c| c["stage"] == "plan"));
    let e: serde_json::Value = serde_json::from_slice(
        &bin()
            .args(["explain", "COMM-RL1", "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(e["id"], "COMM-RL1");
    let d = bin().args(["doctor", "--format", "json"]).output().unwrap();
    let d: serde_json::Value = serde_json::from_slice(&d.stdout).unwrap();
    assert!(d["ocr"]["available"].is_boolean());
}

#[test]
fn summary_json_and_the_stats_json_follow_their_schemas() {
    let inp = mixed("schemas");
    let out = inp.parent().unwrap().join("out");
    // Twice, the second resuming: both summaries validate.
    for _ in 0..2 {
        let o = bin()
            .args(["batch", "-q", "--resume", "--ocr", "off", "--out"])
            .arg(&out)
            .arg(&inp)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("summary.json")).unwrap()).unwrap();
        support::validate_schema("summary.schema.json", &summary);
    }
    let o = bin().args(["stats", "--format", "json"]).arg(&out).output().unwrap();
    let stats: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    support::validate_schema("stats.schema.json", &stats);
    assert!(stats["stages"].as_array().is_some_and(|s| !s.is_empty()));
}

fn stderr_of(c: &mut Command) -> (i32, String) {
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn quiet_and_verbose_work_on_every_command() {
    // Every public command takes both, before or after its name.
    for cmd in [
        "check",
        "batch",
        "serve",
        "text",
        "schema",
        "doctor",
        "completions",
        "man",
        "stats",
        "rules",
        "explain",
    ] {
        let o = bin().args([cmd, "--help"]).output().unwrap();
        let help = String::from_utf8_lossy(&o.stdout);
        assert!(
            help.contains("-q, --quiet") && help.contains("-v, --verbose"),
            "{cmd}: {help}"
        );
    }
    let (code, err) = stderr_of(bin().args(["-q", "rules"]));
    assert_eq!((code, err.as_str()), (0, ""));
    let (code, err) = stderr_of(bin().args(["rules", "-q", "-v"]));
    assert_eq!(code, 2, "-q and -v together are refused: {err}");

    // check: -v says how and how fast the package was reviewed; -q and the default say nothing.
    let pkg = fixture("plan-complete.zip");
    let (code, err) = stderr_of(bin().args(["check", "-v", "--ocr", "off"]).arg(&pkg));
    assert_eq!(code, 0);
    assert!(
        err.contains("reviewed in a worker process in") && err.contains("pass"),
        "{err}"
    );
    let (_, err) = stderr_of(bin().args(["check", "--ocr", "off"]).arg(&pkg));
    assert_eq!(err, "");

    // batch: -v names each package as its verdict comes; -q prints nothing.
    let inp = mixed("verbosity");
    let out = tmpdir("verbosity-out");
    let (code, err) = stderr_of(
        bin()
            .args(["batch", "-v", "-j", "1", "--ocr", "off", "--out"])
            .arg(out.join("v"))
            .arg(&inp),
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.contains(" pass ") && err.contains("a.zip"), "{err}");
    assert!(err.contains(" error ") && err.contains("b.zip"), "{err}");
    let (_, err) = stderr_of(
        bin()
            .args(["batch", "-q", "-j", "1", "--ocr", "off", "--out"])
            .arg(out.join("q"))
            .arg(&inp),
    );
    assert_eq!(err, "");

    // stats: -v says what it read; -q keeps the warning about zips beside verdicts to itself.
    let v = out.join("v");
    std::fs::copy(fixture("plan-complete.zip"), v.join("stray.zip")).unwrap();
    let (code, err) = stderr_of(bin().args(["stats", "-v"]).arg(&v));
    assert_eq!(code, 0);
    assert!(err.contains("2 verdicts read from") && err.contains("zip"), "{err}");
    let (code, err) = stderr_of(bin().args(["stats", "-q"]).arg(&v));
    assert_eq!((code, err.as_str()), (0, ""));
}

/// Every command's `--help`, as a reviewed snapshot: a change of wording or of an option shows
/// as a diff.
#[test]
fn help_texts_are_pinned() {
    for cmd in [
        None,
        Some("check"),
        Some("batch"),
        Some("serve"),
        Some("text"),
        Some("doctor"),
        Some("stats"),
        Some("rules"),
        Some("explain"),
        Some("completions"),
    ] {
        let mut c = bin();
        c.env("NO_COLOR", "1").env("COLUMNS", "100");
        if let Some(cmd) = cmd {
            c.arg(cmd);
        }
        let o = c.arg("--help").output().unwrap();
        assert_eq!(o.status.code(), Some(0));
        let name = format!("help_{}", cmd.unwrap_or("pingshen"));
        insta::assert_snapshot!(name, String::from_utf8_lossy(&o.stdout));
    }
}

/// The binary starts itself again with glibc's allocator tuned for the OCR runtime (see
/// `src/ocr/malloc.rs`), and leaves a user's own choice alone; arguments, streams and exit
/// codes are those of the command (every other test here runs through that restart).
#[test]
fn the_c_allocator_is_tuned_unless_the_user_chose_huge_pages_themselves() {
    let tunables = |value: Option<&str>| {
        let mut c = bin();
        c.args(["doctor", "--format", "json"]);
        match value {
            Some(v) => c.env("GLIBC_TUNABLES", v),
            None => c.env_remove("GLIBC_TUNABLES"),
        };
        let o = c.output().unwrap();
        let d: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        d["malloc_tunables"].as_str().map(str::to_string)
    };
    let ours = pingshen::ocr::malloc::TUNABLES;
    if cfg!(all(target_os = "linux", target_env = "gnu")) {
        assert_eq!(tunables(None).as_deref(), Some(ours));
        assert_eq!(
            tunables(Some("glibc.malloc.arena_max=4")),
            Some(format!("{ours}:glibc.malloc.arena_max=4"))
        );
    } else {
        assert_eq!(tunables(None), None);
    }
    assert_eq!(tunables(Some("glibc.malloc.hugetlb=0")), None);
}
