//! pingshen (评审) reviews the submission packages of Beijing government IT projects.
//!
//! The whole pipeline is [`review`]: open the archive → identify its files and materials → read
//! the basic-info sheet → decide the stage → check completeness → assemble the verdict. Every
//! problem a package has becomes part of its verdict; nothing here panics on input, and
//! [`review_guarded`] turns an unexpected panic into an `error` verdict as the last guard.

#![forbid(unsafe_code)]
// Input never panics the library: no unwrap/expect/indexing outside tests (issue: hostile input).
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing))]

pub mod archive;
pub mod basic_info;
pub mod batch;
pub mod checks;
pub mod consistency;
pub mod explain;
pub mod extract;
pub mod fields;
pub mod finding;
#[doc(hidden)]
pub mod fuzz;
pub mod image;
pub mod materials;
pub mod names;
pub mod ocr;
pub mod package;
pub mod pool;
pub mod reference;
pub mod report;
pub mod schema;
pub mod serve;
pub mod sniff;
pub mod stats;
pub mod table;
pub mod textdump;
pub mod units;
pub mod values;
pub mod verdict;
pub mod worker;

use std::panic::{catch_unwind, AssertUnwindSafe};

use finding::{Code, Finding, Severity};
use schema::{Schemas, StageId};
use verdict::{PackageInfo, Presence, Project, Verdict, VerdictKind};

/// What a review needs besides the package: the validated schemas (and, later, reference data).
#[derive(Debug, Clone)]
pub struct Reviewer {
    pub schemas: Schemas,
    /// Reference data of SPEC §10 (embedded defaults unless `--reference DIR`).
    pub reference: reference::Reference,
}

/// Per-run choices of the user.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// `--stage`: overrides every other way of deciding the stage (SPEC §2).
    pub stage: Option<StageId>,
    /// `--ocr`: whether scanned documents are read by OCR.
    pub ocr: OcrMode,
}

/// Whether scanned documents (PDF or OFD pages that are images, no text layer) are read by OCR.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum OcrMode {
    /// SPEC §6: "read by OCR when an OCR engine is available (`--ocr auto`, the default)";
    /// without an engine, a scan that holds fields a check needs stays unreadable and gets an
    /// `ocr.unavailable` info finding.
    #[default]
    Auto,
    /// Never read them: such a document is `unreadable` for text fields.
    Off,
    /// Read them; without an engine, a scan that needs reading gets an `ocr.required` error.
    Require,
}

impl OcrMode {
    /// The command-line word (`auto`, `off`, `require`).
    pub fn as_str(self) -> &'static str {
        match self {
            OcrMode::Auto => "auto",
            OcrMode::Off => "off",
            OcrMode::Require => "require",
        }
    }

    /// Parses the command-line word.
    pub fn parse(s: &str) -> Option<OcrMode> {
        match s {
            "auto" => Some(OcrMode::Auto),
            "off" => Some(OcrMode::Off),
            "require" => Some(OcrMode::Require),
            _ => None,
        }
    }
}

impl Reviewer {
    /// The ruleset id written in every verdict: the schemas' hash, combined with the reference
    /// data's digest when the lists differ from the embedded defaults.
    pub fn ruleset(&self) -> String {
        use sha2::{Digest, Sha256};
        if self.reference == reference::Reference::embedded() {
            return self.schemas.ruleset.clone();
        }
        let mut h = Sha256::new();
        h.update(self.schemas.ruleset.as_bytes());
        h.update([0u8]);
        h.update(self.reference.digest().as_bytes());
        let hex: String = h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
        format!("sha256:{hex}")
    }

    /// A reviewer with the embedded schemas.
    pub fn embedded() -> Result<Reviewer, schema::SchemaError> {
        Ok(Reviewer {
            schemas: Schemas::embedded()?,
            reference: reference::Reference::embedded(),
        })
    }
}

/// Reviews one package given as bytes. `file_name` is the archive's name (its stage words count,
/// SPEC §2).
pub fn review(file_name: &str, bytes: &[u8], reviewer: &Reviewer, opts: &Options) -> Verdict {
    let schemas = &reviewer.schemas;
    let mut v = empty_verdict(file_name, bytes, reviewer);

    // 1. The archive (SPEC §3).
    let archive = match archive::open(bytes, &schemas.limits) {
        Ok(a) => a,
        Err(e) => {
            if matches!(e, archive::ArchiveError::Limit { .. }) {
                // Past a limit the entries are not read, but the archive says how many it has.
                v.package.entries = archive::declared_entry_count(bytes).unwrap_or(0);
            }
            v.findings.push(Finding::new(e.code(), e.zh(), e.to_string()));
            return finish(v, false);
        }
    };
    v.package.entries = archive.entry_count as u64;
    v.package.name_encoding = Some(archive.name_encoding.as_str());
    v.package.unwrapped = archive.unwrapped.clone();
    v.package.ignored = archive.ignored.clone();
    v.findings.extend(archive.findings.iter().cloned());

    // 2. Its files: type from content, readability (SPEC §3, §4 "Formats"), text layers (§6).
    let mut files = package::files(&archive, &mut v.findings);
    let first_pages = package::check_text_layers(&archive, &mut files, &mut v.findings);

    // 3. The basic-info sheet, found by the keywords every stage shares (SPEC §4, §5).
    let basic = package::read_basic_info(&archive, &mut files, schemas, &mut v.findings);

    // 4. The stage (SPEC §2).
    let Some((stage, source)) =
        package::decide_stage(opts.stage, basic.as_ref(), file_name, &files, schemas, &mut v.findings)
    else {
        package::unread_scan_findings(&files, &mut v.findings);
        v.files = files;
        v.findings.push(Finding::new(
            Code::StageUndecided,
            "无法确定申报阶段：请用 --stage 指定，或在项目基本情况表中填写申报阶段，或在压缩包名称中写明阶段",
            "no stage: give --stage, or 申报阶段 in the basic-info sheet, or a stage word in the archive name",
        ));
        return finish(v, false);
    };
    v.stage = Some(stage);
    v.stage_source = Some(source);
    let stage_schema = schemas.stage(stage);

    // 5. Materials by name, then by title (SPEC §4).
    package::identify(stage_schema, &archive, &mut files, &first_pages, &mut v.findings);

    // 5b. Scanned documents that hold fields a check needs, read by OCR.
    let project_type = basic.as_ref().and_then(|b| b.text("project_type")).map(str::to_string);
    let needed = package::field_materials(stage, &files, project_type.as_deref());
    let field_docs = package::read_field_documents(&archive, &mut files, &needed, &mut v.findings);
    let ocr = package::ocr_scans(&archive, &mut files, &needed, opts.ocr, &mut v.findings);
    v.ocr = ocr.engine.clone();

    // 6. Basic-info fields and completeness (SPEC §5, §9).
    let mut facts = materials::Facts::default();
    let tables = package::find_tables(stage_schema, &archive, &files, schemas, &mut v.findings);
    facts.project_list_has_upgrade = package::project_list_has_upgrade(&tables);
    facts.comparison_changed = package::comparison_changed(&tables, schemas);
    let table_fields = package::table_fields(&tables, schemas, &mut v.findings);
    v.fields.extend(table_fields);
    if let Some(b) = &basic {
        v.fields.extend(b.fields.iter().map(|(k, f)| (k.clone(), f.clone())));
        facts.project_type = b.text("project_type").map(str::to_string);
        facts.classified = b.flag("classified", schemas);
        facts.within_duties = b.flag("within_duties", schemas);
        v.project = Project {
            name: b.text("project_name").map(str::to_string),
            applicant: b.text("applicant").map(str::to_string),
            project_type: facts.project_type.clone(),
            submission_date: b.date("submission_date"),
        };
        for field in &stage_schema.required_fields {
            if !b.fields.contains_key(field) {
                let basic_file = files.iter().find(|f| f.materials.iter().any(|m| m == "basic_info"));
                let label = schemas
                    .basic_info_fields
                    .iter()
                    .find(|f| f.id == *field)
                    .and_then(|f| f.labels.first())
                    .map_or("该字段", String::as_str);
                let mut f = Finding::new(
                    Code::BasicInfoMissingField,
                    format!("项目基本情况表未填写{label}，{}阶段要求填写", stage_schema.name),
                    format!("the basic-info sheet gives no {field}, which the {stage} stage requires"),
                );
                if let Some(bf) = basic_file {
                    f = f.in_file(bf.path.clone());
                }
                v.findings.push(f);
            }
        }
    }
    v.materials = materials::completeness(stage_schema, &files, &facts);
    package::attach_seals(&mut v.materials, &ocr.seals);

    // 7. Document fields (SPEC §6).
    let doc = package::document_fields(
        stage,
        &files,
        facts.project_type.as_deref(),
        &ocr.texts,
        &field_docs,
        stage_schema
            .params
            .get(ocr::confidence::PARAM)
            .map_or(ocr::confidence::DEFAULT_MIN_CONFIDENCE, |m| *m as f32),
        &mut v.findings,
    );
    v.fields.extend(doc.fields);
    // The document is named as the reviewer knows it (`项目申报书`), not by its material id.
    let declared = doc.declared_investment.map(|(id, wan, src)| {
        let name = stage_schema.material(&id).map_or(id, |m| m.name.clone());
        (name, wan, src)
    });
    v.findings
        .extend(consistency::amount_findings(&v.fields, declared.as_ref()));
    v.files = files;

    // 8. Checks (SPEC §8) and the verdict (SPEC §9).
    let defaults: std::collections::BTreeMap<String, bool> = schemas
        .basic_info_fields
        .iter()
        .filter_map(|f| f.default.map(|d| (f.id.clone(), d)))
        .collect();
    let ctx = checks::Ctx {
        stage,
        fields: &v.fields,
        materials: &v.materials,
        params: &stage_schema.params,
        reference: &reviewer.reference,
        facts: &facts,
        defaults: &defaults,
    };
    let results = checks::run(&ctx);
    v.consequence = checks::consequence(&results);
    v.checks = results.checks;
    v.items = results.items;
    finish(v, true)
}

/// A verdict with the package facts filled and nothing else known yet.
pub(crate) fn empty_verdict(file_name: &str, bytes: &[u8], reviewer: &Reviewer) -> Verdict {
    Verdict {
        schema_version: verdict::SCHEMA_VERSION,
        tool: verdict::Tool::current(),
        ruleset: reviewer.ruleset(),
        package: PackageInfo {
            file: names::base_name(&file_name.replace('\\', "/")).to_string(),
            sha256: archive::sha256_hex(bytes),
            bytes: bytes.len() as u64,
            entries: 0,
            name_encoding: None,
            unwrapped: None,
            ignored: Vec::new(),
        },
        ocr: None,
        stage: None,
        stage_source: None,
        verdict: VerdictKind::Error,
        consequence: None,
        project: Project::default(),
        materials: Vec::new(),
        files: Vec::new(),
        fields: Default::default(),
        checks: Vec::new(),
        items: Vec::new(),
        findings: Vec::new(),
    }
}

/// Sorts every list and applies the precedence of SPEC §9.
///
/// `checks_complete` says whether every check of the stage ran; until it does, a package that is
/// neither `error` nor `incomplete` is `needs_review`, never `pass`.
pub(crate) fn finish(mut v: Verdict, checks_complete: bool) -> Verdict {
    v.findings.sort_by(|a, b| {
        (a.severity, a.code.as_str(), &a.source, &a.message).cmp(&(b.severity, b.code.as_str(), &b.source, &b.message))
    });
    v.findings.dedup();
    v.files.sort_by(|a, b| a.path.cmp(&b.path));
    v.verdict = decide(&v, checks_complete);
    v
}

/// SPEC §9 precedence, first that holds.
fn decide(v: &Verdict, checks_complete: bool) -> VerdictKind {
    use verdict::CheckStatus as S;
    let package_error = v.stage.is_none()
        || v.findings.iter().any(|f| {
            f.severity == Severity::Error
                && matches!(
                    f.code,
                    Code::PackageEmpty
                        | Code::PackageNotZip
                        | Code::PackageCorrupt
                        | Code::PackageLimitExceeded
                        | Code::PackageUnreadable
                        | Code::PackageInternalError
                        | Code::StageUndecided
                )
        });
    if package_error {
        return VerdictKind::Error;
    }
    // Plan item rules (PLAN-RL2…RL6) make rows not supported and "never by themselves give `fail`
    // or `needs_review`" (SPEC §8); the plan fails when every row is not supported.
    let is_item_rule = |id: &str| checks::find(id).is_some_and(|d| matches!(d.run, checks::Runner::Item(_)));
    let red_violated = v
        .checks
        .iter()
        .any(|c| c.kind == verdict::CheckKind::RedLine && c.status == S::Violated && !is_item_rule(&c.id));
    let all_rows_out = !v.items.is_empty() && v.items.iter().all(|i| i.status == verdict::ItemStatus::NotSupported);
    if red_violated || all_rows_out {
        return VerdictKind::Fail;
    }
    let missing = v.materials.iter().any(|m| m.required && m.status == Presence::Missing);
    let error_finding = v.findings.iter().any(|f| f.severity == Severity::Error);
    let content_violated = v
        .checks
        .iter()
        .any(|c| c.status == S::Violated && matches!(c.id.as_str(), "PERF-REQ-CONTENT" | "ADD-REQ-CONTENT"));
    if missing || error_finding || content_violated {
        return VerdictKind::Incomplete;
    }
    let undetermined = v.checks.iter().any(|c| c.status == S::Undetermined);
    let requirement_violated = v
        .checks
        .iter()
        .any(|c| c.kind == verdict::CheckKind::Requirement && c.status == S::Violated);
    let unreadable = v
        .materials
        .iter()
        .any(|m| m.required && m.status == Presence::Unreadable);
    let warning = v.findings.iter().any(|f| f.severity == Severity::Warning);
    if undetermined || requirement_violated || unreadable || warning || !checks_complete {
        return VerdictKind::NeedsReview;
    }
    if v.items.iter().any(|i| i.status == verdict::ItemStatus::NotSupported) {
        return VerdictKind::Partial;
    }
    VerdictKind::Pass
}

/// [`review`] with a panic turned into an `error` verdict (finding `package.internal_error`), so
/// one package can never stop a batch.
pub fn review_guarded(file_name: &str, bytes: &[u8], reviewer: &Reviewer, opts: &Options) -> Verdict {
    match catch_unwind(AssertUnwindSafe(|| review(file_name, bytes, reviewer, opts))) {
        Ok(v) => v,
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            let mut v = empty_verdict(file_name, bytes, reviewer);
            v.findings.push(Finding::new(
                Code::PackageInternalError,
                "审查程序内部出错，该申报包未能审查完毕",
                format!("internal error: {what}"),
            ));
            finish(v, false)
        }
    }
}

/// Reviews the archive at `path`; a file that cannot be read gives an `error` verdict.
pub fn review_path(path: &std::path::Path, reviewer: &Reviewer, opts: &Options) -> Verdict {
    let name = path.file_name().map(name_of).unwrap_or_default();
    let max = reviewer.schemas.limits.max_archive_bytes;
    match std::fs::metadata(path) {
        Ok(m) if m.len() > max => {
            // SPEC §3: past a limit, never read to find out.
            // Its SHA-256 is still taken, streaming (constant memory, nothing parsed): the
            // verdict names the archive, and `--resume` recognises it.
            let mut v = empty_verdict(&name, &[], reviewer);
            v.package.bytes = m.len();
            v.package.sha256 = archive::sha256_file(path).map(|(h, _)| h).unwrap_or_default();
            // In Chinese as `archive::open` says it past this limit.
            let zh = archive::ArchiveError::Limit {
                limit: "max_archive_bytes",
                actual: m.len(),
                max,
                path: None,
            }
            .zh();
            let (size, max) = units::human_sizes(m.len(), max);
            v.findings.push(Finding::new(
                Code::PackageLimitExceeded,
                zh,
                format!("archive of {size} exceeds max_archive_bytes = {max}"),
            ));
            return finish(v, false);
        }
        _ => {}
    }
    match std::fs::read(path) {
        Ok(bytes) => review_guarded(&name, &bytes, reviewer, opts),
        Err(e) => {
            let mut v = empty_verdict(&name, &[], reviewer);
            v.package.sha256 = String::new();
            v.package.bytes = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
            v.findings.push(if e.kind() == std::io::ErrorKind::OutOfMemory {
                // The archive itself does not fit under the worker's ceiling (--max-memory).
                let size = units::human_size(v.package.bytes);
                Finding::new(
                    Code::PackageOutOfMemory,
                    format!("压缩包大小 {size}，超出可用内存（--max-memory）"),
                    format!("the archive of {size} does not fit in the memory available (--max-memory)"),
                )
            } else {
                Finding::new(
                    Code::PackageUnreadable,
                    format!("无法读取 {}：{}", path.display(), io_error_zh(&e)),
                    format!("cannot read {}: {e}", path.display()),
                )
            });
            finish(v, false)
        }
    }
}

/// An I/O error in the reviewer's words, in Chinese, by its kind.
pub fn io_error_zh(e: &std::io::Error) -> &'static str {
    use std::io::ErrorKind as K;
    match e.kind() {
        K::NotFound => "文件不存在",
        K::PermissionDenied => "没有读取权限",
        K::IsADirectory => "这是一个文件夹",
        K::OutOfMemory => "内存不足",
        K::Interrupted | K::TimedOut => "读取被中断",
        K::UnexpectedEof => "文件被截断",
        _ => "读取文件时出错",
    }
}

/// A file's name as verdicts and output files carry it: as it is when it is UTF-8; otherwise
/// each byte that is not UTF-8 (and each `%`) percent-escaped (`x\xff.zip` → `x%FF.zip`), so
/// two names that differ only in such bytes stay apart (`to_string_lossy` made both `x�.zip`).
pub fn name_of(name: &std::ffi::OsStr) -> String {
    if let Some(s) = name.to_str() {
        return s.to_string();
    }
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let mut out = String::new();
        for chunk in name.as_bytes().utf8_chunks() {
            out.push_str(&chunk.valid().replace('%', "%25"));
            for b in chunk.invalid() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }
    #[cfg(not(unix))]
    {
        name.to_string_lossy().into_owned()
    }
}

/// The verdict as the JSON written to files and stdout (pretty, with a final newline).
pub fn to_json(v: &Verdict) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The verdict as one JSON line (for `--jsonl`).
pub fn to_json_line(v: &Verdict) -> String {
    let mut s = serde_json::to_string(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}
