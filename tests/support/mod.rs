//! Test support: byte-exact writers of every input the reviewer meets — zip archives written by
//! hand, xlsx/xls/docx/pdf/ofd files, non-zip archives, OLE files — and complete, realistic
//! submission packages of the five stages (SPEC §3–§5).
//!
//! Nothing here uses the library under test, and nothing reads `/work/shared`: every fixture is
//! generated from this code. Integration tests include it with `mod support;`; the fixture
//! generator (`examples/gen_fixtures.rs`) with `#[path = "../tests/support/mod.rs"] mod support;`.
//! Each user needs a different subset, hence the `allow(dead_code, unused_imports)`.

#![allow(dead_code, unused_imports)]

pub mod docs;
pub mod formats;
pub mod hostile;
pub mod packages;
pub mod xlsx;
pub mod zip_builder;

pub use docs::{docx, docx_with_table, ofd, pdf, pdf_blank, pdf_image_only, pdf_text_then_unmapped, pdf_unmapped};
pub use formats::{cfb, gzip_bytes, ole_doc_bytes, ole_xls_bytes, rar_bytes, sevenz_bytes, tar_bytes, xls};
pub use packages::{
    basic_info_sheet, basic_info_xls, basic_info_xlsx, basic_info_xlsx_two_row, chinese_number, comparison_table,
    data_directory_tables, full_width, progress_table, project_list_table, stage_basic_info, stage_entries,
    stage_files, stage_package, table_xlsx, zip_builder_with, zip_files, zip_files_gbk, Naming, StageFile, TableSheet,
    APPLICANT, PROJECT_NAME, STAGES, SUBMISSION_DATE, TOP_FOLDER,
};
pub use xlsx::{column_name, date, excel_serial, n, s, text_row, xlsx, xlsx_with_merges, Cell, MergedSheet};
pub use zip_builder::{crc32, deflate, gbk, EntryOpts, ZipBuilder};

/// A fresh, empty folder for one test under the system's temp folder: `pingshen-{tag}-{pid}`.
pub fn tmpdir(tag: &str) -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("pingshen-{tag}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("create a temp folder");
    d
}

/// Writes `bytes` to `dir/name`, creating the folders on the way, and returns the path.
pub fn write_file(dir: &std::path::Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).expect("create a folder");
    }
    std::fs::write(&p, bytes).expect("write a file");
    p
}

/// `text` with the five XML special characters escaped, for element text and attribute values.
pub fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out
}

/// Validates `doc` against `schemas/<schema_file>` of the repository (JSON Schema 2020-12), and
/// panics with the error and the document when it does not follow it.
pub fn validate_schema(schema_file: &str, doc: &serde_json::Value) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas");
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root.join(schema_file)).unwrap()).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource(schema_file, schema).unwrap();
    let id = compiler.compile(schema_file, &mut schemas).unwrap();
    if let Err(e) = schemas.validate(doc, id) {
        panic!("{schema_file}: {e}\n{doc:#}");
    }
}
