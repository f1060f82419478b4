//! The reviewer reads Chinese: every check's Chinese message is Chinese throughout — no field
//! id, material id or English phrase inside it — for every stage's complete package, the same
//! package with each material removed, and with each basic-info field emptied (the messages of
//! `undetermined` and `violated` checks are the ones that name inputs).

mod support;

use pingshen::{Options, Reviewer};

/// Words of Latin letters a Chinese message may hold: names of formats and of the engine.
const ALLOWED: [&str; 4] = ["OCR", "PDF", "OFD", "ZIP"];

fn latin_words(zh: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    for c in zh.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() || c == '_' {
            cur.push(c);
        } else {
            if cur.len() >= 3 && !ALLOWED.contains(&cur.as_str()) {
                words.push(cur.clone());
            }
            cur.clear();
        }
    }
    words
}

fn assert_chinese(name: &str, bytes: &[u8], reviewer: &Reviewer) -> usize {
    let v = pingshen::review(name, bytes, reviewer, &Options::default());
    let json: serde_json::Value = serde_json::from_str(&pingshen::to_json(&v)).unwrap();
    let mut seen = 0;
    let mut checks: Vec<&serde_json::Value> = json["checks"].as_array().unwrap().iter().collect();
    for item in json["items"].as_array().unwrap() {
        checks.extend(item["checks"].as_array().into_iter().flatten());
    }
    for c in checks {
        let zh = c["message"]["zh"].as_str().unwrap_or("");
        let bad = latin_words(zh);
        assert!(bad.is_empty(), "{name}: {} says {zh:?} ({bad:?})", c["id"]);
        seen += 1;
    }
    seen
}

#[test]
fn every_chinese_check_message_is_chinese_throughout() {
    let reviewer = Reviewer::embedded().unwrap();
    let mut messages = 0;
    for stage in support::STAGES {
        let entries = support::stage_entries(stage, support::Naming::Numbered);
        let all: Vec<(String, Vec<u8>)> = entries.iter().map(|f| (f.path.clone(), f.data.clone())).collect();
        messages += assert_chinese(&format!("{stage}.zip"), &support::zip_files(&all), &reviewer);
        for skip in &entries {
            let files: Vec<(String, Vec<u8>)> = entries
                .iter()
                .filter(|f| f.path != skip.path)
                .map(|f| (f.path.clone(), f.data.clone()))
                .collect();
            messages += assert_chinese(
                &format!("{stage}-without-{}.zip", skip.material),
                &support::zip_files(&files),
                &reviewer,
            );
        }
        let rows = support::stage_basic_info(stage);
        for i in 0..rows.len() {
            let mut emptied = rows.clone();
            if let Some(r) = emptied.get_mut(i) {
                r.1 = "";
            }
            let mut files = all.clone();
            support::packages::replace_file(&mut files, "项目基本情况表", support::basic_info_xlsx(&emptied));
            messages += assert_chinese(
                &format!("{stage}-empty-{i}.zip"),
                &support::zip_files(&files),
                &reviewer,
            );
        }
    }
    assert!(messages > 500, "only {messages} messages seen");
}

#[test]
fn latin_words_are_found_and_formats_are_allowed() {
    assert_eq!(latin_words("缺少 warranty_months 的值"), ["warranty_months"]);
    assert!(latin_words("OCR 识别的日期；PDF 文件；2021年").is_empty());
}
