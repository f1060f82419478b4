//! Real third-party PDFs with Chinese, Japanese and Korean text, listed in
//! `fixtures/real/MANIFEST.tsv` and laid out by `scripts/real-corpus.sh` (the files are not part
//! of the repository; see [`corpus_dir`] for where they are looked for): the text pingshen reads is compared with poppler's `pdftotext`
//! as an F1 score over the multiset of CJK characters, so that the order of lines, vertical
//! writing and spacing do not count, only which characters were read.
//!
//! Each manifest row says what is expected of its file:
//! - `f1>=X`: the F1 against `pdftotext` reaches X;
//! - `reference-disagrees: <why>`: poppler's text is not the truth for this file, and the row
//!   states pingshen's own expectation instead, as clauses joined by ` && ` — `cjk>=N` (at least
//!   N CJK characters read), `contains:<text>` (the text, whitespace removed, contains it).
//!
//! The `status` column says whether the expectation holds with the current reader: rows marked
//! `ok` are asserted, the others are printed as `pending`. With `PINGSHEN_REAL_PDFS_ALL=1` every
//! row is asserted, pending or not.
//!
//! `PINGSHEN_REAL_PDFS_DIR=<folder>` makes `folder_report` print the same table for every PDF of
//! that folder (nothing asserted); `scripts/real_corpus_report.sh` runs it.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use pingshen::extract::{is_cjk, read_document, Document, ReadOptions};
use pingshen::sniff::FileKind;

const ALL_ENV: &str = "PINGSHEN_REAL_PDFS_ALL";
const DIR_ENV: &str = "PINGSHEN_REAL_PDFS_DIR";

const CORPUS_ENV: &str = "PINGSHEN_REAL_CORPUS";

fn real_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/real")
}

/// The folder holding the corpus's `pdf/`: `$PINGSHEN_REAL_CORPUS`, else `../shared/real-corpus`
/// beside the checkout, else `target/real-corpus` (where `scripts/real-corpus.sh` lays it out).
/// `None` when none holds a `pdf/` folder: the tests then say they skipped.
fn corpus_dir() -> Option<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let candidates = [
        std::env::var_os(CORPUS_ENV).map(PathBuf::from),
        Some(root.join("../shared/real-corpus")),
        Some(root.join("target/real-corpus")),
    ];
    let found = candidates.into_iter().flatten().find(|d| d.join("pdf").is_dir());
    if found.is_none() {
        println!("skipped: the real corpus is not laid out (run scripts/real-corpus.sh, or set {CORPUS_ENV})");
    }
    found
}

// ---------------------------------------------------------------------------------------------
// Manifest

#[derive(Debug, Clone, PartialEq)]
enum Clause {
    /// `f1>=X` against pdftotext.
    F1AtLeast(f64),
    /// `cjk>=N`: at least N CJK characters in pingshen's text.
    CjkAtLeast(usize),
    /// `contains:<text>`: pingshen's text, whitespace removed, contains it.
    Contains(String),
    /// `reference-disagrees: <why>`: documentation only.
    ReferenceDisagrees(String),
}

#[derive(Debug)]
struct Row {
    file: String,
    expected: Vec<Clause>,
    ok: bool,
}

fn parse_expected(s: &str) -> Result<Vec<Clause>, String> {
    let mut clauses = Vec::new();
    for part in s.split(" && ").map(str::trim) {
        let clause = if let Some(x) = part.strip_prefix("f1>=") {
            Clause::F1AtLeast(x.parse().map_err(|e| format!("{part:?}: {e}"))?)
        } else if let Some(n) = part.strip_prefix("cjk>=") {
            Clause::CjkAtLeast(n.parse().map_err(|e| format!("{part:?}: {e}"))?)
        } else if let Some(t) = part.strip_prefix("contains:") {
            let t: String = t.chars().filter(|c| !c.is_whitespace()).collect();
            if t.is_empty() {
                return Err(format!("{part:?}: empty text"));
            }
            Clause::Contains(t)
        } else if let Some(why) = part.strip_prefix("reference-disagrees:") {
            Clause::ReferenceDisagrees(why.trim().to_string())
        } else {
            return Err(format!("unknown clause {part:?}"));
        };
        clauses.push(clause);
    }
    let disagrees = clauses.iter().any(|c| matches!(c, Clause::ReferenceDisagrees(_)));
    let has_f1 = clauses.iter().any(|c| matches!(c, Clause::F1AtLeast(_)));
    let has_own = clauses
        .iter()
        .any(|c| matches!(c, Clause::CjkAtLeast(_) | Clause::Contains(_)));
    if disagrees && (has_f1 || !has_own) {
        return Err("reference-disagrees needs cjk>= or contains: and no f1>=".into());
    }
    if !disagrees && !has_f1 {
        return Err("no f1>= (or reference-disagrees) clause".into());
    }
    Ok(clauses)
}

fn read_manifest() -> Vec<Row> {
    let path = real_dir().join("MANIFEST.tsv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("manifest header").split('\t').collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| *h == name)
            .unwrap_or_else(|| panic!("manifest has no column {name}"))
    };
    let (file, expected, status) = (col("file"), col("expected"), col("status"));
    let mut rows = Vec::new();
    for (i, line) in lines.enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let cells: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cells.len(),
            header.len(),
            "manifest line {}: {} cells",
            i + 2,
            cells.len()
        );
        let clauses = parse_expected(cells[expected]).unwrap_or_else(|e| panic!("manifest line {}: {e}", i + 2));
        let ok = match cells[status] {
            "ok" => true,
            "pending" => false,
            other => panic!("manifest line {}: status {other:?} is neither ok nor pending", i + 2),
        };
        rows.push(Row {
            file: cells[file].to_string(),
            expected: clauses,
            ok,
        });
    }
    rows
}

// ---------------------------------------------------------------------------------------------
// Texts and the score

/// Everything pingshen reads from a PDF: its lines and annotation lines. A read error is no text.
fn pingshen_text(bytes: &[u8]) -> (String, Option<String>) {
    match read_document(bytes, FileKind::Pdf, ReadOptions::ALL) {
        Ok(doc) => (doc_text(&doc), None),
        Err(e) => (String::new(), Some(e.to_string())),
    }
}

fn doc_text(doc: &Document) -> String {
    let mut s = String::new();
    for line in doc.lines.iter().chain(&doc.annotations) {
        s.push_str(&line.text);
        s.push('\n');
    }
    s
}

fn pdftotext_available() -> bool {
    Command::new("pdftotext")
        .arg("-v")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok()
}

fn pdftotext(path: &Path) -> String {
    let out = Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(path)
        .arg("-")
        .output()
        .expect("pdftotext runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn cjk_counts(s: &str) -> HashMap<char, usize> {
    let mut m = HashMap::new();
    for c in s.chars().filter(|&c| is_cjk(c)) {
        *m.entry(c).or_insert(0) += 1;
    }
    m
}

/// F1 over multisets of CJK characters: 2·|A∩B| / (|A|+|B|); 1.0 when both are empty.
fn cjk_f1(ours: &str, theirs: &str) -> Score {
    let (a, b) = (cjk_counts(ours), cjk_counts(theirs));
    let ours: usize = a.values().sum();
    let theirs: usize = b.values().sum();
    let common: usize = a.iter().map(|(c, n)| (*n).min(b.get(c).copied().unwrap_or(0))).sum();
    let f1 = if ours + theirs == 0 {
        1.0
    } else {
        2.0 * common as f64 / (ours + theirs) as f64
    };
    Score {
        f1,
        ours,
        theirs,
        common,
    }
}

#[derive(Debug, Clone, Copy)]
struct Score {
    f1: f64,
    ours: usize,
    theirs: usize,
    common: usize,
}

/// The clauses of a row that pingshen's text fails, as sentences.
fn failures(clauses: &[Clause], text: &str, score: &Score) -> Vec<String> {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let mut out = Vec::new();
    for clause in clauses {
        match clause {
            Clause::F1AtLeast(min) if score.f1 < *min => out.push(format!("F1 {:.3} < {min}", score.f1)),
            Clause::CjkAtLeast(min) if score.ours < *min => out.push(format!("{} CJK chars < {min}", score.ours)),
            Clause::Contains(t) if !squeezed.contains(t.as_str()) => out.push(format!("no {t:?} in the text")),
            _ => {}
        }
    }
    out
}

fn header() {
    println!(
        "{:<44} {:>6} {:>7} {:>7} {:>7}  {:<8} note",
        "file", "F1", "ours", "poppler", "common", "result"
    );
}

fn print_row(file: &str, score: &Score, result: &str, note: &str) {
    println!(
        "{:<44} {:>6.3} {:>7} {:>7} {:>7}  {:<8} {note}",
        file, score.f1, score.ours, score.theirs, score.common, result
    );
}

fn one_line(s: &str) -> String {
    let s: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

// ---------------------------------------------------------------------------------------------
// Tests

#[test]
fn manifest_lists_every_file_and_only_existing_ones() {
    let rows = read_manifest();
    assert!(!rows.is_empty(), "the manifest lists no file");
    let Some(dir) = corpus_dir().map(|d| d.join("pdf")) else {
        return;
    };
    let mut missing = Vec::new();
    for row in &rows {
        if !dir.join(&row.file).is_file() {
            missing.push(row.file.clone());
        }
    }
    assert!(
        missing.is_empty(),
        "listed in MANIFEST.tsv but missing from {}: {missing:?}",
        dir.display()
    );
    let mut unlisted = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("the corpus folder") {
        let name = entry.expect("dir entry").file_name().to_string_lossy().into_owned();
        if !rows.iter().any(|r| r.file == name) {
            unlisted.push(name);
        }
    }
    assert!(
        unlisted.is_empty(),
        "in {} but not in MANIFEST.tsv: {unlisted:?}",
        dir.display()
    );
    let mut seen = std::collections::HashSet::new();
    for row in &rows {
        assert!(seen.insert(&row.file), "{} is listed twice", row.file);
    }
}

#[test]
fn cjk_text_matches_pdftotext() {
    let rows = read_manifest();
    let Some(dir) = corpus_dir().map(|d| d.join("pdf")) else {
        return;
    };
    // Reading the manifest must fail on a missing file even where pdftotext is absent.
    for row in &rows {
        assert!(
            dir.join(&row.file).is_file(),
            "{} is listed in MANIFEST.tsv but missing",
            row.file
        );
    }
    let needs_reference = rows
        .iter()
        .any(|r| r.expected.iter().any(|c| matches!(c, Clause::F1AtLeast(_))));
    let reference = pdftotext_available();
    if !reference && needs_reference {
        println!("note: pdftotext is not on PATH; the comparison with poppler is skipped");
    }
    let assert_all = std::env::var_os(ALL_ENV).is_some_and(|v| !v.is_empty() && v != "0");
    let mut failed = Vec::new();
    header();
    for row in &rows {
        let path = dir.join(&row.file);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (ours, error) = pingshen_text(&bytes);
        let theirs = if reference { pdftotext(&path) } else { String::new() };
        let score = cjk_f1(&ours, &theirs);
        let clauses: Vec<Clause> = row
            .expected
            .iter()
            .filter(|c| reference || !matches!(c, Clause::F1AtLeast(_)))
            .cloned()
            .collect();
        let fails = failures(&clauses, &ours, &score);
        let asserted = row.ok || assert_all;
        let result = match (fails.is_empty(), asserted) {
            _ if clauses.is_empty() => "skipped",
            (true, _) => "pass",
            (false, true) => "FAIL",
            (false, false) => "pending",
        };
        let mut note = fails.join("; ");
        if let Some(e) = error {
            note = format!("{note} (read error: {e})").trim().to_string();
        }
        if !row.ok && fails.is_empty() && !clauses.is_empty() {
            note = format!("{note} (marked pending, passes now)").trim().to_string();
        }
        print_row(&row.file, &score, result, &note);
        if !fails.is_empty() && asserted {
            failed.push(format!("{}: {}", row.file, fails.join("; ")));
        }
    }
    assert!(failed.is_empty(), "real PDFs below expectation:\n{}", failed.join("\n"));
}

/// With `PINGSHEN_REAL_PDFS_DIR=<folder>`, the F1 table for every PDF of that folder.
#[test]
fn folder_report() {
    let Some(dir) = std::env::var_os(DIR_ENV) else {
        return;
    };
    if !pdftotext_available() {
        println!("note: pdftotext is not on PATH; report skipped");
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("PINGSHEN_REAL_PDFS_DIR is a folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x.eq_ignore_ascii_case("pdf")))
        .collect();
    files.sort();
    header();
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_default();
        let (ours, error) = pingshen_text(&bytes);
        let score = cjk_f1(&ours, &pdftotext(&path));
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let note = match error {
            Some(e) => format!("read error: {}", one_line(&e)),
            None => one_line(&ours),
        };
        print_row(&name, &score, "-", &note);
    }
}

#[test]
fn f1_is_a_multiset_score() {
    assert_eq!(cjk_f1("", "").f1, 1.0);
    assert_eq!(cjk_f1("abc", "xyz").f1, 1.0, "no CJK on either side");
    assert_eq!(cjk_f1("中文", "").f1, 0.0);
    assert_eq!(cjk_f1("中 文\n", "文中").f1, 1.0, "order and spacing do not count");
    let s = cjk_f1("中中文", "中文文");
    assert_eq!((s.ours, s.theirs, s.common), (3, 3, 2));
    assert!((s.f1 - 2.0 / 3.0).abs() < 1e-9);
    assert!(parse_expected("f1>=0.95").is_ok());
    assert!(parse_expected("reference-disagrees: no ToUnicode && cjk>=5 && contains:日本").is_ok());
    assert!(parse_expected("reference-disagrees: nothing of our own").is_err());
    assert!(parse_expected("cjk>=5").is_err());
}
