//! Every verdict pingshen writes validates against `schemas/verdict.schema.json` (JSON Schema
//! 2020-12): complete packages of every stage, error packages, and packages full of findings.

mod support;

use pingshen::{review, Options, Reviewer};
use support::packages::{stage_files, stage_package, zip_builder_with, zip_files, Naming, STAGES};

fn validator() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value = serde_json::from_str(pingshen::verdict::JSON_SCHEMA).expect("schema is JSON");
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("verdict.schema.json", schema).expect("resource");
    let idx = compiler
        .compile("verdict.schema.json", &mut schemas)
        .expect("schema compiles");
    (schemas, idx)
}

fn packages() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for stage in STAGES {
        for naming in Naming::ALL {
            out.push((format!("{stage}-{naming:?}.zip"), stage_package(stage, naming)));
        }
    }
    let mut zb = zip_builder_with(&stage_files("commissioning", Naming::Numbered));
    zb.file("../../etc/passwd", b"x")
        .file("申报材料/附件9.docx", &support::docx(&["会议纪要"]));
    zb.file("申报材料/图片.png", b"\x89PNG\r\n\x1a\n0000");
    out.push(("findings.zip".into(), zb.finish()));
    let mut files = stage_files("review", Naming::Plain);
    files.retain(|(p, _)| !p.contains("基本情况表"));
    out.push(("no-basic-info-前置评审.zip".into(), zip_files(&files)));
    out.push(("rar.zip".into(), support::rar_bytes()));
    out.push(("empty.zip".into(), Vec::new()));
    out.push((
        "nothing.zip".into(),
        zip_files(&[("x/说明.txt".into(), "说明".as_bytes().to_vec())]),
    ));
    out
}

#[test]
fn every_kind_of_verdict_validates_against_the_published_schema() {
    let (schemas, idx) = validator();
    let reviewer = Reviewer::embedded().unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    let mut findings = 0;
    for (name, bytes) in packages() {
        let v = review(&name, &bytes, &reviewer, &Options::default());
        kinds.insert(v.verdict.as_str());
        let json: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
        if let Err(e) = schemas.validate(&json, idx) {
            panic!("{name}: {e:#}");
        }
        assert_eq!(json["schema_version"], pingshen::verdict::SCHEMA_VERSION);
        for f in json["findings"].as_array().unwrap() {
            assert_eq!(f["messages"]["en"], f["message"], "{name}: {f}");
            assert!(!f["messages"]["zh"].as_str().unwrap().is_empty(), "{name}: {f}");
            findings += 1;
        }
    }
    assert!(findings >= 5, "only {findings} findings validated");
    assert!(
        kinds.contains("error") && kinds.contains("needs_review") && kinds.contains("incomplete"),
        "{kinds:?}"
    );
}

#[test]
fn the_schema_rejects_a_verdict_that_breaks_it() {
    let (schemas, idx) = validator();
    let v = review(
        "x.zip",
        &stage_package("plan", Naming::Plain),
        &Reviewer::embedded().unwrap(),
        &Options::default(),
    );
    let mut json: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
    json["verdict"] = serde_json::Value::from("maybe");
    assert!(schemas.validate(&json, idx).is_err());
    let mut json2: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
    json2["materials"][0]["status"] = serde_json::Value::from("there");
    assert!(schemas.validate(&json2, idx).is_err());
}

/// A verdict with findings, as this build writes it.
fn verdict_with_findings() -> serde_json::Value {
    let (name, bytes) = packages().into_iter().find(|(n, _)| n == "findings.zip").unwrap();
    let v = review(&name, &bytes, &Reviewer::embedded().unwrap(), &Options::default());
    let json: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
    assert!(
        json["findings"].as_array().unwrap().len() >= 2,
        "{:#}",
        json["findings"]
    );
    json
}

#[test]
fn a_schema_1_verdict_without_finding_messages_still_validates_and_reads_back() {
    let (schemas, idx) = validator();
    let mut old = verdict_with_findings();
    old["schema_version"] = serde_json::Value::from("1");
    for f in old["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("messages");
    }
    if let Err(e) = schemas.validate(&old, idx) {
        panic!("a schema 1 verdict: {e:#}");
    }
    let v: pingshen::verdict::Verdict = serde_json::from_value(old.clone()).expect("a schema 1 verdict reads back");
    assert_eq!(v.schema_version, "1");
    assert_eq!(v.findings.len(), old["findings"].as_array().unwrap().len());
    for f in &v.findings {
        assert_eq!(f.messages.en, f.message);
        assert_eq!(
            f.messages.zh, f.message,
            "no Chinese to read back: the English stands in"
        );
    }
}

#[test]
fn a_schema_1_1_finding_needs_its_messages() {
    let (schemas, idx) = validator();
    let json = verdict_with_findings();
    assert!(schemas.validate(&json, idx).is_ok());
    let mut without = json.clone();
    without["findings"][0].as_object_mut().unwrap().remove("messages");
    assert!(schemas.validate(&without, idx).is_err(), "1.1 requires messages");
    let mut half = json.clone();
    half["findings"][0]["messages"].as_object_mut().unwrap().remove("zh");
    assert!(schemas.validate(&half, idx).is_err(), "messages needs zh and en");
    let mut other = json;
    other["schema_version"] = serde_json::Value::from("2");
    assert!(schemas.validate(&other, idx).is_err(), "an unknown schema_version");
}
