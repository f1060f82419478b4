//! The package as a set of files: what each file is (by content), whether it can be read, which
//! materials it is, and which stage the package is for.

use crate::archive::{Archive, Content, Entry};
use crate::basic_info::{self, BasicInfo};
use crate::extract::sheet;
use crate::fields::{self, MaterialText};
use crate::finding::{Code, Finding};
use crate::materials::match_name;
use crate::names::normalize_file_name;
use crate::schema::{Format, Schemas, StageId, StageSchema};
use crate::sniff::{sniff, FileKind};
use crate::verdict::{FileReport, MatchedBy, StageSource};
use std::collections::BTreeMap;

fn extension(path: &str) -> Option<String> {
    let base = crate::names::base_name(path);
    let (stem, ext) = base.rsplit_once('.')?;
    (!stem.is_empty() && !ext.is_empty() && ext.len() <= 5).then(|| ext.to_ascii_lowercase())
}

/// Why a file's content cannot be read, or `None` when it can (SPEC §4 "Formats": `.doc`,
/// `.wps`, `.et` and images count as present but unreadable).
pub fn unreadable_reason(entry: &Entry, kind: FileKind) -> Option<String> {
    let bytes = match &entry.content {
        Content::Encrypted => return Some("encrypted entry".into()),
        Content::UnsupportedCompression(m) => return Some(format!("entry compressed with unsupported method {m}")),
        Content::Corrupt(why) => return Some(format!("entry cannot be inflated: {why}")),
        Content::OverBudget(size) => {
            return Some(format!(
                "{}: over the memory budget (max_file_bytes)",
                crate::units::human_size(*size)
            ))
        }
        Content::Data(d) => d,
    };
    kind_unreadable_reason(kind, bytes)
}

/// Why an image file is unreadable before OCR reads it (SPEC §4: an image file counts as present
/// but unreadable unless its text can be read).
pub const IMAGE_NO_TEXT: &str = "image: no text layer";

/// Why a file of this kind (with these bytes, which name a legacy format the kind does not) cannot
/// be read, or `None` when pingshen has a reader for it.
pub fn kind_unreadable_reason(kind: FileKind, bytes: &[u8]) -> Option<String> {
    match kind {
        FileKind::Pdf
        | FileKind::Docx
        | FileKind::Ofd
        | FileKind::Text
        | FileKind::Xlsx
        | FileKind::Ods
        | FileKind::Xls => None,
        FileKind::Doc => Some("legacy binary document (.doc/.wps): its text is not read".into()),
        FileKind::Ole => Some("OLE compound file of an unknown kind".into()),
        FileKind::Empty => Some("empty file".into()),
        k if k.is_image() => Some(IMAGE_NO_TEXT.into()),
        k if k.is_archive() => Some("archive inside the package: not expanded (SPEC §3)".into()),
        _ => Some(crate::sniff::legacy_format(bytes).unwrap_or("unknown file type").into()),
    }
}

/// Builds the file list (materials still empty) and reports extension mismatches.
pub fn files(archive: &Archive, findings: &mut Vec<Finding>) -> Vec<FileReport> {
    archive
        .entries
        .iter()
        .map(|e| {
            let kind = match &e.content {
                Content::Data(d) => sniff(d),
                _ => FileKind::Unknown,
            };
            if let (Content::Data(_), Some(ext)) = (&e.content, extension(&e.path)) {
                // Every kind claims its extensions (Empty and Unknown claim none).
                let claimed_by_other = FileKind::ALL
                    .iter()
                    .any(|k| *k != kind && k.extensions().contains(&ext.as_str()));
                if claimed_by_other && !kind.extensions().contains(&ext.as_str()) && kind != FileKind::Unknown {
                    findings.push(
                        Finding::new(
                            Code::FileExtensionMismatch,
                            format!(
                                "扩展名是 .{ext}，内容却是另一种格式（{}），已按内容读取",
                                kind.name_zh()
                            ),
                            format!(
                                "named .{ext} but its content is {}; read as {}",
                                kind.as_str(),
                                kind.as_str()
                            ),
                        )
                        .in_file(e.path.clone()),
                    );
                }
            }
            let reason = unreadable_reason(e, kind);
            FileReport {
                path: e.path.clone(),
                kind: kind.as_str(),
                bytes: e.size,
                readable: reason.is_none(),
                reason,
                materials: Vec::new(),
                matched_by: None,
                title: None,
                read_by: None,
                sniffed: kind,
            }
        })
        .collect()
}

fn data<'a>(archive: &'a Archive, path: &str) -> Option<&'a [u8]> {
    archive
        .entries
        .iter()
        .find(|e| e.path == path)
        .and_then(|e| match &e.content {
            Content::Data(d) => Some(d.as_slice()),
            _ => None,
        })
}

fn kind_of(f: &FileReport) -> FileKind {
    f.sniffed
}

/// Finds the basic-info sheet by its name (its keywords are the same in every stage) and reads
/// it. With several candidates the first readable one by path is used.
pub fn read_basic_info(
    archive: &Archive,
    files: &mut [FileReport],
    schemas: &Schemas,
    findings: &mut Vec<Finding>,
) -> Option<BasicInfo> {
    let spec = schemas.basic_info_material()?;
    for f in files.iter_mut() {
        let name = normalize_file_name(&f.path);
        let hits = spec.keywords.iter().any(|k| name.contains(k.as_str()));
        if !hits || spec.exclude.iter().any(|x| name.contains(x.as_str())) || !f.readable {
            continue;
        }
        let Some(bytes) = data(archive, &f.path) else {
            continue;
        };
        match sheet::read_workbook(bytes, kind_of(f)) {
            Ok(wb) => {
                let info = basic_info::read(&wb, &f.path, schemas);
                findings.extend(info.findings.iter().cloned());
                return Some(info);
            }
            Err(e) => {
                // A sheet that cannot be read as a table makes the file unreadable, so the
                // material is `unreadable` and the package needs review (SPEC §9).
                f.readable = false;
                f.reason = Some(format!("not readable as a table: {e}"));
                findings.push(
                    Finding::new(
                        Code::BasicInfoUnreadable,
                        format!("项目基本情况表无法读取：{}", e.zh()),
                        format!("the basic-info sheet cannot be read: {e}"),
                    )
                    .in_file(f.path.clone()),
                );
            }
        }
    }
    None
}

/// SPEC §2: "Stage is decided in this order: the CLI's `--stage`; the basic-info sheet's
/// `申报阶段`; a stage word from the table above in the archive's file name; else the stage whose
/// material keywords match the most files (ties: no stage)."
pub fn decide_stage(
    cli: Option<StageId>,
    basic: Option<&BasicInfo>,
    archive_name: &str,
    files: &[FileReport],
    schemas: &Schemas,
    findings: &mut Vec<Finding>,
) -> Option<(StageId, StageSource)> {
    let from_sheet = basic.and_then(|b| b.stage);
    if let Some(st) = cli {
        if let Some(sheet) = from_sheet.filter(|s| *s != st) {
            findings.push(Finding::new(
                Code::StageConflict,
                format!(
                    "按命令行 --stage 审查{}，项目基本情况表的申报阶段为{}",
                    schemas.stage(st).name,
                    schemas.stage(sheet).name
                ),
                format!("--stage {st} overrides 申报阶段 in the basic-info sheet, which names {sheet}"),
            ));
        }
        return Some((st, StageSource::Cli));
    }
    if let Some(st) = from_sheet {
        return Some((st, StageSource::BasicInfo));
    }
    let stem = crate::names::base_name(archive_name);
    let stem = stem
        .strip_suffix(".zip")
        .or_else(|| stem.strip_suffix(".ZIP"))
        .unwrap_or(stem);
    if let Some(st) = basic_info::stage_of(stem, schemas) {
        return Some((st, StageSource::FileName));
    }
    let names: Vec<String> = files.iter().map(|f| normalize_file_name(&f.path)).collect();
    let counts: Vec<(usize, StageId)> = schemas
        .stages
        .iter()
        .map(|s| (names.iter().filter(|n| match_name(s, n).is_some()).count(), s.stage))
        .collect();
    let best = counts.iter().map(|(c, _)| *c).max().filter(|c| *c > 0)?;
    let winners: Vec<StageId> = counts.iter().filter(|(c, _)| *c == best).map(|(_, s)| *s).collect();
    match winners.as_slice() {
        [one] => Some((*one, StageSource::Materials)),
        _ => None,
    }
}

/// Matches every file to the stage's materials: by name, else (documents) by title (SPEC §4).
/// Records ambiguous, unmatched and wrong-format files as findings.
pub fn identify(
    stage: &StageSchema,
    archive: &Archive,
    files: &mut [FileReport],
    first_pages: &BTreeMap<String, crate::extract::Document>,
    findings: &mut Vec<Finding>,
) {
    for f in files.iter_mut() {
        let mut m = match_name(stage, &normalize_file_name(&f.path));
        if m.is_some() {
            f.matched_by = Some(MatchedBy::Name);
        } else if f.readable {
            let title = match first_pages.get(&f.path) {
                Some(doc) => doc.title().map(str::to_string),
                None => data(archive, &f.path).and_then(|d| crate::extract::title(d, kind_of(f))),
            };
            if let Some(t) = title {
                let tm = match_name(stage, &crate::names::normalize_keyword(&t));
                if tm.is_some() {
                    f.matched_by = Some(MatchedBy::Title);
                    f.title = Some(t);
                    m = tm;
                }
            }
        }
        let Some(m) = m else {
            findings.push(
                Finding::new(
                    Code::MaterialUnmatched,
                    "文件名和标题都不符合本阶段的任何材料",
                    "matches no material of the stage by name or title",
                )
                .in_file(f.path.clone()),
            );
            continue;
        };
        if m.is_ambiguous() {
            findings.push(
                Finding::new(
                    Code::MaterialAmbiguous,
                    format!("同样符合{}，计入其中每一项", material_names(stage, &m.materials)),
                    format!("matches {} equally well; it counts for each", m.materials.join(", ")),
                )
                .in_file(f.path.clone()),
            );
        }
        let kind = kind_of(f);
        for id in &m.materials {
            let Some(spec) = stage.material(id) else {
                continue;
            };
            // Text named as a table: csv, or an HTML page or csv named .xls (web exports).
            let is_csv = kind == FileKind::Text && matches!(extension(&f.path).as_deref(), Some("csv" | "xls" | "et"));
            let table_ok = kind.is_table() || kind == FileKind::Docx || is_csv;
            if spec.format == Format::Table && f.readable && !table_ok {
                findings.push(
                    Finding::new(
                        Code::MaterialWrongFormat,
                        format!(
                            "{}应为表格（xlsx、xls、ods、csv 或 docx 中的表格），该文件的格式不符（{}）",
                            spec.name,
                            kind.name_zh()
                        ),
                        format!(
                            "{id} is a table (xlsx, xls, ods, csv or a docx table) but this file is {}",
                            f.kind
                        ),
                    )
                    .in_file(f.path.clone()),
                );
            }
        }
        f.materials = m.materials;
        f.materials.sort();
    }
}

/// The names of materials of the stage, as the reviewer knows them, joined by `、`.
fn material_names(stage: &StageSchema, ids: &[String]) -> String {
    ids.iter()
        .map(|id| stage.material(id).map_or(id.as_str(), |m| m.name.as_str()))
        .collect::<Vec<_>>()
        .join("、")
}

/// Every sheet of the readable files of `material`: spreadsheet sheets, and the tables of docx
/// files as sheets named `表1`, `表2`, … (SPEC §4: a table may sit inside a docx).
/// A spreadsheet that cannot be read (broken, or past a limit) is a `file.unreadable` finding;
/// a file that is no spreadsheet at all is left to the format checks.
fn sheets_of(
    archive: &Archive,
    files: &[FileReport],
    material: &str,
    findings: &mut Vec<Finding>,
) -> Vec<(String, sheet::Sheet)> {
    let mut out = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.readable && f.materials.iter().any(|m| m == material))
    {
        let Some(bytes) = data(archive, &f.path) else { continue };
        if f.sniffed == FileKind::Docx {
            let Ok(doc) = crate::extract::read_document(bytes, f.sniffed, crate::extract::ReadOptions::ALL) else {
                continue;
            };
            for (i, t) in doc.tables.iter().enumerate() {
                let rows: Vec<Vec<&str>> = t.rows.iter().map(|r| r.iter().map(String::as_str).collect()).collect();
                let rows: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
                out.push((f.path.clone(), sheet::Sheet::from_rows(&format!("表{}", i + 1), &rows)));
            }
        } else {
            match sheet::read_workbook(bytes, f.sniffed) {
                Ok(wb) => out.extend(wb.sheets.into_iter().map(|s| (f.path.clone(), s))),
                Err(sheet::SheetError::NotATable(_)) => {}
                Err(e) => findings.push(
                    Finding::new(
                        Code::FileUnreadable,
                        format!("无法作为表格读取：{}", e.zh()),
                        format!("not readable as a table: {e}"),
                    )
                    .in_file(f.path.clone()),
                ),
            }
        }
    }
    out
}

/// The tables of a package, by table kind (`project_list`, `system_sheet`, …), each with its file.
#[derive(Debug, Clone, Default)]
pub struct FoundTables {
    pub by_kind: std::collections::BTreeMap<&'static str, Vec<(String, crate::table::Table)>>,
}

impl FoundTables {
    /// The tables of one kind.
    pub fn of(&self, kind: &str) -> &[(String, crate::table::Table)] {
        self.by_kind.get(kind).map_or(&[], Vec::as_slice)
    }
}

/// Finds the tables of the stage's table materials (SPEC §5). A data directory's sheets are told
/// apart by their headers, the sheet name breaking a tie (系统 → system sheet; 数据, 资源 → data
/// sheet). A readable table material without any matching table is a `table.not_found` warning.
pub fn find_tables(
    stage: &StageSchema,
    archive: &Archive,
    files: &[FileReport],
    schemas: &Schemas,
    findings: &mut Vec<Finding>,
) -> FoundTables {
    let mut found = FoundTables::default();
    let words = &schemas.table_words;
    let kinds: [(&str, &[&'static str]); 4] = [
        ("project_list", &["project_list"]),
        ("content_comparison", &["content_comparison"]),
        ("progress_table", &["progress_table"]),
        ("data_directory", &["system_sheet", "data_sheet"]),
    ];
    for (material, table_kinds) in kinds {
        if stage.material(material).is_none() {
            continue;
        }
        let sheets = sheets_of(archive, files, material, findings);
        let mut any = false;
        for (file, sh) in &sheets {
            let candidates: Vec<(&'static str, crate::table::Table)> = table_kinds
                .iter()
                .filter_map(|k| {
                    let spec = schemas.tables.get(*k)?;
                    crate::table::find(sh, spec, words).map(|t| (*k, t))
                })
                .collect();
            let hint = |k: &str| match k {
                "system_sheet" => sh.name.contains("系统"),
                "data_sheet" => sh.name.contains("数据") || sh.name.contains("资源"),
                _ => false,
            };
            let best = candidates.into_iter().max_by_key(|(k, t)| (t.columns.len(), hint(k)));
            if let Some((kind, t)) = best {
                any = true;
                found.by_kind.entry(kind).or_default().push((file.clone(), t));
            }
        }
        let readable = files
            .iter()
            .any(|f| f.readable && f.materials.iter().any(|m| m == material));
        if readable && !any {
            let file = files
                .iter()
                .find(|f| f.readable && f.materials.iter().any(|m| m == material));
            let name = stage.material(material).map_or(material, |m| m.name.as_str());
            let mut f = Finding::new(
                Code::TableNotFound,
                format!("{name}：没有哪个工作表的表头行写明了该表的各列"),
                format!("{material}: no sheet has a header row naming its columns (SPEC §5)"),
            );
            if let Some(file) = file {
                f = f.in_file(file.path.clone());
            }
            findings.push(f);
        }
    }
    found
}

/// The tables as verdict fields: `project_list`, `content_comparison`, `progress_table`,
/// `data_directory_systems`, `data_directory_resources`, each the list of its data rows.
pub fn table_fields(
    tables: &FoundTables,
    schemas: &Schemas,
    findings: &mut Vec<Finding>,
) -> Vec<(String, crate::verdict::Field)> {
    let names = [
        ("project_list", "project_list"),
        ("content_comparison", "content_comparison"),
        ("progress_table", "progress_table"),
        ("system_sheet", "data_directory_systems"),
        ("data_sheet", "data_directory_resources"),
    ];
    let mut out = Vec::new();
    for (kind, field) in names {
        let (Some(spec), list) = (schemas.tables.get(kind), tables.of(kind)) else {
            continue;
        };
        let Some((first_file, first)) = list.first() else {
            continue;
        };
        let report_bad = matches!(kind, "system_sheet" | "data_sheet");
        let mut rows = Vec::new();
        for (file, t) in list {
            let (r, f) = crate::table::row_values(t, spec, &schemas.table_words, file, report_bad);
            rows.extend(r);
            findings.extend(f);
        }
        let source = crate::finding::Source {
            file: Some(first_file.clone()),
            sheet: Some(first.sheet.clone()),
            cell: Some(crate::extract::sheet::cell_ref(
                first.header_row,
                first.columns.values().copied().min().unwrap_or(0),
            )),
            ..crate::finding::Source::default()
        };
        out.push((
            field.to_string(),
            crate::verdict::Field {
                value: crate::verdict::Value::Rows(rows),
                source,
                statements: Vec::new(),
            },
        ));
    }
    out
}

/// SPEC §4 plan: funding_proof is required "when a project_list row is 升级改造". `None` when no
/// project list table could be read.
pub fn project_list_has_upgrade(tables: &FoundTables) -> Option<bool> {
    let list = tables.of("project_list");
    if list.is_empty() {
        return None;
    }
    Some(list.iter().any(|(_, t)| {
        t.rows
            .iter()
            .any(|r| basic_info::project_type(&r.text("project_type")) == Some("upgrade"))
    }))
}

/// SPEC §5 content_comparison: "A row is *changed* when `变化情况` is one of 变更 调整 增加 减少
/// 取消 新增 (一致 / 无变化 = unchanged), or, with no `变化情况` column, when the two contents differ
/// after normalisation or the amounts differ." `None` when no comparison table could be read.
pub fn comparison_changed(tables: &FoundTables, schemas: &Schemas) -> Option<bool> {
    let list = tables.of("content_comparison");
    if list.is_empty() {
        return None;
    }
    let words = &schemas.table_words;
    let cents = |s: &str| crate::values::parse_number(s).map(|n| (n * 100.0).round() as i64);
    Some(list.iter().any(|(_, t)| {
        t.rows.iter().any(|r| {
            if t.has("change") {
                let v = crate::names::normalize_keyword(&r.text("change"));
                words.changed.iter().any(|w| v.contains(w.as_str()))
                    && !words.unchanged.iter().any(|w| v.contains(w.as_str()))
            } else {
                let norm = |c: &str| crate::names::normalize_keyword(&r.text(c));
                norm("approved_content") != norm("actual_content")
                    || cents(&r.text("approved_amount")) != cents(&r.text("actual_amount"))
            }
        })
    }))
}

/// Reads page 1 of every PDF and OFD: a scan without a text layer, an encrypted or a broken
/// document is `unreadable` for text (SPEC §6), with a `file.unreadable` finding saying why.
/// Returns the first pages read, by path, so that a title is not read twice.
pub fn check_text_layers(
    archive: &Archive,
    files: &mut [FileReport],
    findings: &mut Vec<Finding>,
) -> BTreeMap<String, crate::extract::Document> {
    let mut first_pages = BTreeMap::new();
    for f in files
        .iter_mut()
        .filter(|f| f.readable && matches!(f.sniffed, FileKind::Pdf | FileKind::Ofd))
    {
        let Some(bytes) = data(archive, &f.path) else { continue };
        match crate::extract::read_document(bytes, f.sniffed, crate::extract::ReadOptions::FIRST_PAGE) {
            Ok(doc) => {
                first_pages.insert(f.path.clone(), doc);
            }
            Err(e) => text_unreadable(f, &e, findings),
        }
    }
    first_pages
}

/// Makes a document whose text cannot be read `unreadable`, with its reason and finding.
///
/// A scan (no text layer) gets its finding later, from [`unread_scan_findings`], and only if it
/// stays unreadable: SPEC §6 reads it by OCR when an engine is available, and a document OCR
/// read is not one whose text cannot be read.
fn text_unreadable(f: &mut FileReport, e: &crate::extract::DocError, findings: &mut Vec<Finding>) {
    f.readable = false;
    f.reason = Some(e.to_string());
    if *e != crate::extract::DocError::NoTextLayer {
        findings.push(text_unreadable_finding(e).in_file(f.path.clone()));
    }
}

/// The finding of a document whose text cannot be read.
fn text_unreadable_finding(e: &crate::extract::DocError) -> Finding {
    Finding::new(
        unreadable_code(e),
        format!("无法读取文字：{}", e.zh()),
        format!("text cannot be read: {e}"),
    )
}

/// The `file.unreadable` finding of every scan (a PDF or OFD without a text layer) that is still
/// unreadable: OCR was off, no engine was there, it failed or read nothing, or no check needed
/// the document's text (SPEC §6: "with no engine, or with `--ocr off`, such a document is
/// `unreadable` for text fields"). A scan OCR read gets none.
pub fn unread_scan_findings(files: &[FileReport], findings: &mut Vec<Finding>) {
    let scan = crate::extract::DocError::NoTextLayer;
    let reason = scan.to_string();
    for f in files
        .iter()
        .filter(|f| !f.readable && f.reason.as_deref() == Some(reason.as_str()))
    {
        findings.push(text_unreadable_finding(&scan).in_file(f.path.clone()));
    }
}

/// The finding for a document whose text cannot be read: `file.unmapped_text` when its glyphs
/// do not map to Unicode (SPEC §9), else `file.unreadable`.
fn unreadable_code(e: &crate::extract::DocError) -> Code {
    match e {
        crate::extract::DocError::UnmappedText => Code::FileUnmappedText,
        _ => Code::FileUnreadable,
    }
}

/// The documents whose fields a check needs, read whole, by path.
pub type FieldDocuments = BTreeMap<String, crate::extract::Document>;

/// Reads whole every text document (PDF, OFD, docx, txt) of `materials`, the materials whose
/// fields a check needs, before OCR and completeness: a document whose text turns out unreadable
/// past its first page (glyphs without Unicode on page 3, nothing but blank pages) is then
/// `unreadable` like one that fails on page 1, its material is `unreadable` (SPEC §9) and a scan
/// or unmapped page goes to OCR. The documents read are kept for [`document_fields`].
pub fn read_field_documents(
    archive: &Archive,
    files: &mut [FileReport],
    materials: &[&str],
    findings: &mut Vec<Finding>,
) -> FieldDocuments {
    let mut out = FieldDocuments::new();
    for f in files.iter_mut().filter(|f| {
        f.readable
            && matches!(
                f.sniffed,
                FileKind::Pdf | FileKind::Ofd | FileKind::Docx | FileKind::Text
            )
            && f.materials.iter().any(|m| materials.contains(&m.as_str()))
    }) {
        let Some(bytes) = data(archive, &f.path) else { continue };
        match crate::extract::read_document(bytes, f.sniffed, crate::extract::ReadOptions::ALL) {
            Ok(doc) => {
                out.insert(f.path.clone(), doc);
            }
            Err(crate::extract::DocError::Unsupported(_)) => {}
            Err(e) => text_unreadable(f, &e, findings),
        }
    }
    out
}

/// The text of every readable document of `material`, in path order: the lines OCR read, else
/// the document [`read_field_documents`] read whole (every readable text document of a field
/// material is one of the two).
fn material_text(
    files: &[FileReport],
    material: &str,
    ocr: &OcrTexts,
    docs: &FieldDocuments,
    min_confidence: f32,
) -> MaterialText {
    let mut t = MaterialText::default().with_min_confidence(min_confidence);
    for f in files
        .iter()
        .filter(|f| f.readable && f.materials.iter().any(|m| m == material))
    {
        if let Some(lines) = ocr.get(&f.path) {
            t.push_ocr(&f.path, lines);
            continue;
        }
        if let Some(doc) = docs.get(&f.path) {
            t.push(&f.path, doc);
        }
    }
    t
}

/// SPEC §6: the document fields of the stage, read from the materials that carry them.
/// Fields read from documents, and the total investment a proposal or request declares (for the
/// consistency finding).
#[derive(Debug, Clone, Default)]
pub struct DocumentFields {
    pub fields: Vec<(String, crate::verdict::Field)>,
    /// (material id, 万元, where) of the first 总投资 statement of a proposal, application form
    /// or addition request.
    pub declared_investment: Option<(String, f64, crate::finding::Source)>,
}

type Extractor = fn(&MaterialText) -> fields::Extracted;

/// SPEC §6: which materials of the stage carry document fields, each with its extractor.
fn field_plan(stage: StageId, files: &[FileReport], project_type: Option<&str>) -> Vec<(&'static str, Extractor)> {
    let perf_sections: Extractor = |t| fields::sections(t, &fields::PERFORMANCE_SECTIONS);
    let addition_sections: Extractor = |t| fields::sections(t, &fields::ADDITION_SECTIONS);
    match stage {
        StageId::Commissioning => vec![
            ("final_acceptance", fields::final_acceptance),
            ("warranty_plan", fields::warranty),
            ("mlps_filing", fields::mlps),
        ],
        StageId::Review => {
            // SPEC §8 REVIEW-RL6: the application form (upgrade) or the proposal (new).
            let doc = match project_type {
                Some("upgrade") => "application_form",
                Some("new") => "proposal",
                _ => {
                    if files
                        .iter()
                        .any(|f| f.materials.iter().any(|m| m == "application_form"))
                    {
                        "application_form"
                    } else {
                        "proposal"
                    }
                }
            };
            vec![("list_approval", fields::list_approval), (doc, fields::mentions)]
        }
        StageId::Performance => vec![("project_performance_report", perf_sections)],
        StageId::Addition => {
            vec![
                ("addition_request", addition_sections),
                ("funding_proof", fields::funding_authority),
            ]
        }
        StageId::Plan => Vec::new(),
    }
}

/// The materials of the stage whose documents hold fields a check needs.
pub fn field_materials(stage: StageId, files: &[FileReport], project_type: Option<&str>) -> Vec<&'static str> {
    field_plan(stage, files, project_type)
        .into_iter()
        .map(|(m, _)| m)
        .collect()
}

/// `min_confidence` is the stage's `ocr_min_confidence` param (SPEC §6).
pub fn document_fields(
    stage: StageId,
    files: &[FileReport],
    project_type: Option<&str>,
    ocr: &OcrTexts,
    docs: &FieldDocuments,
    min_confidence: f32,
    findings: &mut Vec<Finding>,
) -> DocumentFields {
    let plan = field_plan(stage, files, project_type);
    let mut out = DocumentFields::default();
    for (material, extract) in plan {
        let text = material_text(files, material, ocr, docs, min_confidence);
        if text.is_empty() {
            continue;
        }
        let e = extract(&text);
        findings.extend(e.findings);
        out.fields.extend(e.fields);
        if matches!(material, "proposal" | "application_form" | "addition_request") && out.declared_investment.is_none()
        {
            out.declared_investment =
                fields::declared_investment(&text).map(|(wan, src)| (material.to_string(), wan, src));
        }
    }
    out
}

/// The lines OCR read from scanned documents, by path.
pub type OcrTexts = BTreeMap<String, Vec<crate::ocr::OcrText>>;

/// What OCR read from a package's scans: the lines by path, the seals by path (with their page),
/// and the engine that read them (`None` when it read nothing).
#[derive(Debug, Clone, Default)]
pub struct OcrRead {
    pub texts: OcrTexts,
    pub seals: BTreeMap<String, Vec<(u32, crate::ocr::SealRead)>>,
    pub engine: Option<crate::ocr::EngineInfo>,
}

/// Pages of a scanned document read by OCR: the first few are where an opinion, its date and
/// its seal are; a long scan is not read whole.
pub const OCR_MAX_PAGES: usize = 3;
/// Share of a page the scanned image must cover to be read.
pub const OCR_MIN_COVERAGE: f64 = 0.5;
/// Time the OCR engine may take for one page before it is stopped.
pub const OCR_PAGE_BUDGET: std::time::Duration = std::time::Duration::from_secs(20);

/// Reads by OCR the scanned documents (PDF or OFD without a text layer, or whose text does not
/// map to Unicode) of `materials`, the materials whose fields a check needs. A document OCR
/// reads words from becomes readable, with `read_by: "ocr"`; a blank scan stays unreadable.
/// With no engine, `Auto` adds an `ocr.unavailable` info finding and `Require` an `ocr.required`
/// error, each only when a scan needed reading. Then every scan that stays unreadable gets its
/// `file.unreadable` finding ([`unread_scan_findings`]).
pub fn ocr_scans(
    archive: &Archive,
    files: &mut [FileReport],
    materials: &[&str],
    mode: crate::OcrMode,
    findings: &mut Vec<Finding>,
) -> OcrRead {
    let out = read_scans(archive, files, materials, mode, findings);
    unread_scan_findings(files, findings);
    out
}

/// [`ocr_scans`] before the findings of the scans left unread.
fn read_scans(
    archive: &Archive,
    files: &mut [FileReport],
    materials: &[&str],
    mode: crate::OcrMode,
    findings: &mut Vec<Finding>,
) -> OcrRead {
    let mut out = OcrRead::default();
    if mode == crate::OcrMode::Off {
        return out;
    }
    // SPEC §6: scans, and pages whose text does not map to Unicode, are read by OCR; so is an
    // image file whose pixels pingshen can take out (SPEC §4: "unless their text can be read").
    let for_ocr = [
        crate::extract::DocError::NoTextLayer.to_string(),
        crate::extract::DocError::UnmappedText.to_string(),
    ];
    let scans: Vec<usize> = files
        .iter()
        .enumerate()
        .filter(|(_, f)| {
            let scan = matches!(f.sniffed, FileKind::Pdf | FileKind::Ofd)
                && f.reason.as_ref().is_some_and(|r| for_ocr.contains(r));
            let image =
                crate::extract::images::is_readable_image(f.sniffed) && f.reason.as_deref() == Some(IMAGE_NO_TEXT);
            !f.readable && (scan || image) && f.materials.iter().any(|m| materials.contains(&m.as_str()))
        })
        .map(|(i, _)| i)
        .collect();
    if scans.is_empty() {
        return out;
    }
    let engine = match crate::ocr::Engine::detect() {
        Ok(e) => e,
        Err(why) => {
            let (code, zh, verb) = match mode {
                crate::OcrMode::Require => (
                    Code::OcrRequired,
                    "指定了 --ocr require，但没有可用的文字识别（OCR）引擎，该扫描件无法读取",
                    "--ocr require was given but",
                ),
                _ => (
                    Code::OcrUnavailable,
                    "该扫描件需要文字识别（OCR），但没有可用的识别引擎，其中的字段未读取",
                    "this scan needs OCR but",
                ),
            };
            for i in scans {
                if let Some(f) = files.get(i) {
                    findings.push(Finding::new(code, zh, format!("{verb} {why}")).in_file(f.path.clone()));
                }
            }
            return out;
        }
    };
    for i in scans {
        let Some(f) = files.get_mut(i) else { continue };
        let Some(bytes) = data(archive, &f.path) else { continue };
        let pages = match ocr_pages(&engine, bytes, f.sniffed) {
            Ok(p) => p,
            Err(e) => {
                findings.push(
                    Finding::new(
                        Code::FileUnreadable,
                        format!("无法取出扫描页进行文字识别（OCR）：{}", e.zh()),
                        format!("scanned pages cannot be taken out for OCR: {e}"),
                    )
                    .in_file(f.path.clone()),
                );
                continue;
            }
        };
        let mut lines = Vec::new();
        let mut seals = Vec::new();
        let mut failures = Vec::new();
        for p in pages {
            match p.read {
                Ok(read) => {
                    seals.extend(read.seals.into_iter().map(|s| (p.page, s)));
                    lines.extend(read.lines.into_iter().map(|l| crate::ocr::OcrText {
                        text: l.text,
                        page: Some(p.page),
                        confidence: l.confidence,
                        chars: l.chars,
                    }));
                }
                Err(e) => failures.push((p.page, e)),
            }
        }
        for (page, e) in failures {
            findings.push(
                Finding::new(
                    Code::FileUnreadable,
                    format!("第 {page} 页文字识别（OCR）失败：{}", e.zh()),
                    format!("OCR failed on page {page}: {e}"),
                )
                .in_file(f.path.clone()),
            );
        }
        if !seals.is_empty() {
            out.seals.insert(f.path.clone(), seals);
        }
        if lines.is_empty() {
            continue;
        }
        f.readable = true;
        f.reason = None;
        f.read_by = Some("ocr");
        out.texts.insert(f.path.clone(), lines);
        out.engine = Some(engine.info().clone());
    }
    out
}

/// Puts the seals OCR found on each material's files on the material, sorted (evidence only).
pub fn attach_seals(
    materials: &mut [crate::verdict::MaterialStatus],
    seals: &BTreeMap<String, Vec<(u32, crate::ocr::SealRead)>>,
) {
    for m in materials {
        for file in &m.files {
            for (page, s) in seals.get(file).into_iter().flatten() {
                m.seals.push(crate::verdict::SealEvidence {
                    file: file.clone(),
                    page: *page,
                    bbox: [s.bbox.left, s.bbox.top, s.bbox.width, s.bbox.height],
                    shape: s.shape,
                    text: s.text.clone(),
                    confidence: s.confidence,
                });
            }
        }
        m.seals
            .sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    }
}

/// One scanned page read by OCR: its number (1-based) and what was read on it (its non-blank
/// lines, its seals), or why the engine could not read it.
#[derive(Debug, Clone, PartialEq)]
pub struct OcrPageText {
    pub page: u32,
    pub read: Result<crate::ocr::OcrPage, crate::ocr::OcrError>,
}

/// Reads the scanned pages of one PDF or OFD by OCR, the way the review reads them: the first
/// [`OCR_MAX_PAGES`] pages whose image covers at least [`OCR_MIN_COVERAGE`] of the page, each
/// within [`OCR_PAGE_BUDGET`]. An error when the page images cannot be taken out.
pub fn ocr_pages(
    engine: &crate::ocr::Engine,
    bytes: &[u8],
    kind: FileKind,
) -> Result<Vec<OcrPageText>, crate::extract::DocError> {
    let pages = crate::extract::page_images(bytes, kind, OCR_MAX_PAGES)?;
    Ok(pages
        .iter()
        .filter(|p| p.coverage >= OCR_MIN_COVERAGE)
        .map(|p| OcrPageText {
            page: p.page,
            read: engine.recognize(&p.image, OCR_PAGE_BUDGET).map(|mut read| {
                read.lines.retain(|l| !l.text.trim().is_empty());
                read
            }),
        })
        .collect())
}
