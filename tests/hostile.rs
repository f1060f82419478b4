//! Hostile input (issue "hostile input"): every reader bounds its work and memory. Each test
//! reviews one whole hostile package built by `tests/support/hostile.rs` — the complete
//! commissioning package with one file (or the archive itself) made hostile — and checks the
//! verdict, the finding or file status the limit produces, and that the review took under 5 s
//! (debug build). Where the pipeline reads only a document's first page, the document is also
//! read whole, to prove the bound holds there too.

mod support;

use std::time::{Duration, Instant};

use pingshen::extract::{read_document, sheet, DocError, Document, ReadOptions};
use pingshen::finding::Code;
use pingshen::sniff::{sniff, FileKind};
use pingshen::verdict::{Presence, Verdict, VerdictKind};
use pingshen::{review_guarded, Options, Reviewer};
use support::hostile::{self as h, ACCEPTANCE, DATA_DIRECTORY, OM_PLAN};

/// The most CPU time a hostile package may take to review (debug build). Measured as the test
/// thread's own time on a CPU, not wall-clock time, so that other work on the machine cannot
/// fail it while a real slowdown (a loop, a quadratic walk) still does.
const QUICK: Duration = Duration::from_secs(5);
/// Wall-clock bound on top, far above [`QUICK`]: a hang (waiting, not computing) still fails.
const HANG: Duration = Duration::from_secs(120);

/// Time the calling thread has spent on a CPU (Linux `/proc/thread-self/schedstat`, first field
/// in nanoseconds); `None` where it cannot be read.
fn thread_cpu() -> Option<Duration> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(ns))
}

/// Runs `f` and asserts it took less than [`QUICK`] of CPU (or of wall-clock time where thread
/// CPU time cannot be read) and less than [`HANG`] of wall-clock time.
fn quick<T>(what: &str, f: impl FnOnce() -> T) -> T {
    within(what, QUICK, f)
}

/// [`quick`] with another CPU bound, for work that is large by design.
fn within<T>(what: &str, bound: Duration, f: impl FnOnce() -> T) -> T {
    let (cpu0, wall0) = (thread_cpu(), Instant::now());
    let out = f();
    let wall = wall0.elapsed();
    let cpu = match (cpu0, thread_cpu()) {
        (Some(a), Some(b)) => b.saturating_sub(a),
        _ => wall,
    };
    eprintln!("{what}: {cpu:?} of CPU, {wall:?} wall-clock");
    assert!(cpu < bound, "{what}: took {cpu:?} of CPU ({wall:?} wall-clock)");
    assert!(wall < HANG, "{what}: took {wall:?} wall-clock");
    out
}

fn review(name: &str, bytes: &[u8]) -> Verdict {
    let reviewer = Reviewer::embedded().expect("embedded schemas");
    let v = quick(name, || review_guarded(name, bytes, &reviewer, &Options::default()));
    assert!(
        v.findings.iter().all(|f| f.code != Code::PackageInternalError),
        "{name}: {:?}",
        v.findings
    );
    v
}

/// The finding with this code whose file (or, without a file, message) contains `needle`.
fn finding<'v>(v: &'v Verdict, code: Code, needle: &str) -> &'v pingshen::finding::Finding {
    v.findings
        .iter()
        .find(|f| {
            f.code == code
                && f.source
                    .as_ref()
                    .and_then(|s| s.file.as_deref())
                    .map_or(f.message.contains(needle), |file| file.contains(needle))
        })
        .unwrap_or_else(|| panic!("no {} finding for {needle}: {:#?}", code.as_str(), v.findings))
}

/// The message of the `file.unreadable` finding of the file whose path contains `needle`.
fn unreadable<'v>(v: &'v Verdict, needle: &str) -> &'v str {
    &finding(v, Code::FileUnreadable, needle).message
}

fn material(v: &Verdict, id: &str) -> Presence {
    v.materials
        .iter()
        .find(|m| m.id == id)
        .unwrap_or_else(|| panic!("no material {id}"))
        .status
}

/// The error finding of a package refused as a whole.
fn package_error(v: &Verdict, code: Code) -> &str {
    assert_eq!(v.verdict, VerdictKind::Error, "{:#?}", v.findings);
    &v.findings
        .iter()
        .find(|f| f.code == code)
        .unwrap_or_else(|| panic!("no {}: {:#?}", code.as_str(), v.findings))
        .message
}

/// The bytes of the package's file whose path contains `needle`.
fn file_in(package: &[u8], needle: &str) -> Vec<u8> {
    h::unzip(package)
        .into_iter()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no {needle} in the package"))
        .1
}

/// Reads a document whole, within the time bound.
fn read_whole(bytes: &[u8]) -> Result<Document, DocError> {
    quick("reading", || read_document(bytes, sniff(bytes), ReadOptions::ALL))
}

fn all_text(doc: &Document) -> String {
    doc.lines.iter().map(|l| l.text.as_str()).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_base_package_passes() {
    // Every hostile package below is this one with one thing changed.
    let v = review("base.zip", &support::zip_files(&h::base_files()));
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
}

// ---------------------------------------------------------------------------------------------
// Zip

#[test]
fn overlapping_entries_are_refused_before_anything_is_inflated() {
    // 9 000 central-directory records share one 400 000-byte deflate stream: 3.6 GB from 560 KB.
    let v = review("zip-overlapping-entries.zip", &h::zip_overlapping_entries());
    let msg = package_error(&v, Code::PackageCorrupt);
    assert!(msg.contains("overlap") && msg.contains("bomb/"), "{msg}");
}

#[test]
fn ten_thousand_and_one_entries_pass_max_entries() {
    let v = review("zip-10001-entries.zip", &h::zip_10001_entries());
    let msg = package_error(&v, Code::PackageLimitExceeded);
    assert!(msg.contains("max_entries") && msg.contains("10001"), "{msg}");
}

#[test]
fn a_truncated_archive_is_corrupt() {
    let v = review("zip-truncated.zip", &h::zip_truncated());
    package_error(&v, Code::PackageCorrupt);
}

#[test]
fn a_local_header_contradicting_the_central_directory_makes_its_file_unreadable() {
    let v = review("zip-local-header-mismatch.zip", &h::zip_local_header_mismatch());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let f = finding(&v, Code::PackageCorruptEntry, OM_PLAN);
    assert!(f.message.contains("local header disagrees"), "{}", f.message);
    assert_eq!(material(&v, "om_plan"), Presence::Unreadable);
    // The rest of the package is reviewed: the acceptance date is read.
    assert!(v.fields.contains_key("final_acceptance_date"));
}

#[test]
fn a_2gib_stream_declared_as_such_is_refused_from_the_central_directory() {
    let v = review("zip-2gib-stream.zip", &h::zip_2gib_stream());
    let msg = package_error(&v, Code::PackageLimitExceeded);
    // Sizes in binary units (2 GiB declared, past the 1 GiB limit).
    assert!(
        msg.contains("max_entry_uncompressed") && msg.contains("2.0 GiB is more than 1.0 GiB"),
        "{msg}"
    );
}

#[test]
fn a_2gib_stream_declared_as_1mib_is_inflated_no_further_than_1mib() {
    // Its headers pass every limit; the zip reader stops one byte past the declared size, so
    // the review takes milliseconds, not the minutes inflating 2 GiB would.
    let v = review("zip-2gib-stream-lying-size.zip", &h::zip_2gib_stream_lying_size());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let f = finding(&v, Code::PackageCorruptEntry, OM_PLAN);
    assert!(f.message.contains("larger than its declared"), "{}", f.message);
    assert_eq!(material(&v, "om_plan"), Presence::Unreadable);
}

#[test]
fn an_encrypted_entry_is_unreadable_and_the_rest_is_reviewed() {
    let v = review("zip-encrypted-entry.zip", &h::zip_encrypted_entry());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    finding(&v, Code::PackageEncryptedEntry, ACCEPTANCE);
    assert_eq!(material(&v, "final_acceptance"), Presence::Unreadable);
    assert!(
        v.fields.contains_key("warranty_months"),
        "other documents are still read"
    );
}

// ---------------------------------------------------------------------------------------------
// XML: entities and depth

#[test]
fn docx_billion_laughs_is_never_expanded() {
    let package = h::docx_billion_laughs();
    let v = review("docx-billion-laughs.zip", &package);
    // The references to the undeclared-to-us entity are dropped; the text around them is read.
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    assert!(v.fields.contains_key("final_acceptance_date"));
    let doc = read_whole(&file_in(&package, ACCEPTANCE)).expect("readable");
    let text = all_text(&doc);
    assert!(text.contains("验收日期") && !text.contains("lol"), "{text}");
}

#[test]
fn docx_nested_a_million_deep_is_a_depth_limit() {
    let v = review("docx-nesting-1m.zip", &h::docx_nesting_1m());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, ACCEPTANCE);
    assert!(
        msg.contains("limit exceeded") && msg.contains("nested deeper than 256"),
        "{msg}"
    );
}

#[test]
fn ofd_billion_laughs_is_never_expanded() {
    let package = h::ofd_billion_laughs();
    let v = review("ofd-billion-laughs.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.title(), Some("运维方案"));
    assert!(all_text(&doc).contains("系统运行维护方案"), "{}", all_text(&doc));
}

#[test]
fn ofd_nested_a_million_deep_is_a_depth_limit() {
    let v = review("ofd-nesting-1m.zip", &h::ofd_nesting_1m());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    assert_eq!(material(&v, "om_plan"), Presence::Unreadable);
    let msg = unreadable(&v, OM_PLAN);
    assert!(msg.contains("nested deeper than 256"), "{msg}");
}

#[test]
fn xlsx_shared_strings_billion_laughs_is_refused_not_expanded() {
    let package = h::xlsx_shared_strings_billion_laughs();
    let v = review("xlsx-shared-strings-billion-laughs.zip", &package);
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("lol9"), "{msg}");
    finding(&v, Code::TableNotFound, DATA_DIRECTORY);
}

// ---------------------------------------------------------------------------------------------
// Sheets

#[test]
fn a_shared_string_count_of_two_billion_is_refused_before_calamine_reserves_it() {
    let v = review("xlsx-unique-count-2e9.zip", &h::xlsx_unique_count_2e9());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("2000000000 unique strings"), "{msg}");
}

#[test]
fn a_cell_at_xfd1048576_costs_one_cell_not_a_dense_grid() {
    let package = h::xlsx_cell_at_xfd1048576();
    let v = review("xlsx-cell-at-xfd1048576.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let wb = sheet::read_workbook(&file_in(&package, DATA_DIRECTORY), FileKind::Xlsx).expect("readable");
    let first = &wb.sheets[0];
    assert_eq!(first.get(1_048_575, 16_383), Some(&sheet::Cell::Text("末".into())));
    assert!(first.cells.len() < 100, "{} cells kept", first.cells.len());
}

#[test]
fn a_workbook_past_the_cell_limit_is_refused_by_a_scan_not_a_parse() {
    let v = review("xlsx-too-many-cells.zip", &h::xlsx_too_many_cells());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains(&format!("more than {} cells", sheet::MAX_CELLS)), "{msg}");
}

#[test]
fn xls_dimensions_claiming_17_billion_cells_are_refused_before_calamine_reserves_them() {
    // calamine would reserve 687 GB for this sheet and abort the process.
    let v = review("xls-dimensions-huge.zip", &h::xls_dimensions_huge());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("DIMENSIONS") && msg.contains("17179869184"), "{msg}");
}

#[test]
fn xls_cells_at_a1_and_iv65536_are_refused_before_calamine_lays_out_the_grid() {
    let v = review("xls-cells-far-apart.zip", &h::xls_cells_far_apart());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(
        msg.contains("span") && msg.contains(&sheet::MAX_GRID_CELLS.to_string()),
        "{msg}"
    );
}

#[test]
fn xls_copies_of_one_long_shared_string_are_counted_before_calamine_makes_them() {
    // 200 000 cells × 32 767 characters: 6.5 GB of copies from a 3 MB file.
    let v = review("xls-shared-string-copies.zip", &h::xls_shared_string_copies());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("MiB of text"), "{msg}");
}

#[test]
fn an_xls_whose_sector_chain_loops_is_refused_before_calamine_follows_it() {
    let v = review("xls-sector-chain-loop.zip", &h::xls_sector_chain_loop());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("chain loops"), "{msg}");
}

#[test]
fn ods_repeats_are_counted_before_calamine_expands_them() {
    // One cell repeated over 16 384 columns and 6 000 rows: 98 M cells, 3 GB in calamine.
    let v = review("ods-repeated-cells.zip", &h::ods_repeated_cells());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("ods tables expand"), "{msg}");
}

#[test]
fn an_ods_ending_inside_a_table_is_broken_not_an_endless_loop() {
    let v = review("ods-truncated-table.zip", &h::ods_truncated_table());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, DATA_DIRECTORY);
    assert!(msg.contains("ends inside a table"), "{msg}");
}

#[test]
fn ods_text_spaces_counted_in_billions_are_refused() {
    // `<text:s text:c="1000000000"/>` asks calamine for a billion spaces in one cell.
    let tables = concat!(
        r#"<table:table table:name="S"><table:table-row><table:table-cell office:value-type="string">"#,
        r#"<text:p>a<text:s text:c="1000000000"/>b</text:p></table:table-cell></table:table-row></table:table>"#
    );
    match quick("ods spaces", || sheet::read_workbook(&h::ods(tables), FileKind::Ods)) {
        Err(sheet::SheetError::Limit(msg)) => assert!(msg.contains("characters"), "{msg}"),
        other => panic!("expected a limit, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// OFD

#[test]
fn ofd_references_are_resolved_inside_the_package_only() {
    let package = h::ofd_paths_escape();
    let v = review("ofd-paths-escape.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    // Read whole: the document root leaving the package is skipped, the real one is used; of
    // the four pages only the one inside the package has text; nothing of /etc is read.
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.page_count, 4);
    let text = all_text(&doc);
    assert_eq!(text, "运维方案\n系统运行维护方案");
}

#[test]
fn ofd_pages_and_templates_naming_themselves_do_not_loop() {
    let package = h::ofd_template_cycle();
    let v = review("ofd-template-cycle.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    // 10 000 pages of one content part that is its own template: each page read once, its
    // template once from the cache.
    // Reading all 10 000 pages is linear work of about 0.4–0.5 ms a page in a debug build, so it
    // gets twice the usual bound; a loop would still fail it.
    let bytes = file_in(&package, OM_PLAN);
    let doc = within("reading 10 000 pages", QUICK * 2, || {
        read_document(&bytes, sniff(&bytes), ReadOptions::ALL)
    })
    .expect("readable");
    assert_eq!((doc.page_count, doc.pages_read), (10_000, 10_000));
    assert_eq!(doc.lines.iter().filter(|l| l.page == Some(1)).count(), 2);
}

// ---------------------------------------------------------------------------------------------
// PDF

#[test]
fn a_page_tree_that_contains_itself_yields_its_one_page() {
    let package = h::pdf_page_tree_cycle();
    let v = review("pdf-page-tree-cycle.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.page_count, 1);
    assert_eq!(doc.title(), Some("Operation and maintenance plan"));
}

#[test]
fn recursive_and_fanning_form_xobjects_stop_at_the_draw_limit() {
    // Form A draws itself and B, B draws A (stopped by the cycle check); a fan of 12 forms each
    // drawing the next 16 times would be 16¹¹ draws (stopped by the per-page draw limit).
    let v = review("pdf-form-recursion.zip", &h::pdf_form_recursion());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, OM_PLAN);
    assert!(msg.contains("form XObjects drawn on one page"), "{msg}");
}

#[test]
fn objects_nested_100000_deep_neither_overflow_the_stack_nor_stop_the_page() {
    let package = h::pdf_deep_nesting();
    let v = review("pdf-deep-nesting.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.title(), Some("Operation and maintenance plan"));
}

#[test]
fn a_content_stream_inflating_to_2gib_stops_at_the_page_limit() {
    let package = h::pdf_2gib_stream();
    let v = review("pdf-2gib-stream.zip", &package);
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, OM_PLAN);
    assert!(msg.contains("decodes to more than"), "{msg}");
}

#[test]
fn a_16mib_string_is_cut_to_the_string_limit() {
    let package = h::pdf_huge_string();
    let v = review("pdf-huge-string.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.title(), Some("Operation and maintenance plan"));
    let longest = doc.lines.iter().map(|l| l.text.len()).max().unwrap_or(0);
    assert!(longest <= pingshen::extract::MAX_LINE_BYTES, "{longest}");
}

#[test]
fn a_malformed_tounicode_cmap_costs_nothing() {
    // Code space and bfranges over 2³² codes, counts of four billion, a 64 KiB destination,
    // the file ending mid-section.
    let package = h::pdf_malformed_cmap();
    let v = review("pdf-malformed-cmap.zip", &package);
    assert_eq!(v.verdict, VerdictKind::Pass, "{:#?}", v.findings);
    let doc = read_whole(&file_in(&package, OM_PLAN)).expect("readable");
    assert_eq!(doc.title(), Some("Operation and maintenance plan"));
}

// ---------------------------------------------------------------------------------------------
// Strings

#[test]
fn a_16mib_paragraph_is_a_line_limit() {
    let v = review("docx-huge-paragraph.zip", &h::docx_huge_paragraph());
    assert_eq!(v.verdict, VerdictKind::NeedsReview, "{:#?}", v.findings);
    let msg = unreadable(&v, ACCEPTANCE);
    assert!(msg.contains("longer than 1 MiB"), "{msg}");
}

#[test]
fn a_cell_longer_than_excel_allows_is_refused() {
    let long = "长".repeat(sheet::MAX_CELL_CHARS + 1);
    let xlsx = support::xlsx(&[("S", vec![vec![support::s("项目名称"), support::s(&long)]])]);
    match sheet::read_workbook(&xlsx, FileKind::Xlsx) {
        Err(sheet::SheetError::Limit(msg)) => assert!(msg.contains("B1"), "{msg}"),
        other => panic!("expected a limit, got {other:?}"),
    }
    let csv = format!("项目名称,{long}\n");
    assert!(matches!(
        sheet::read_workbook(csv.as_bytes(), FileKind::Text),
        Err(sheet::SheetError::Limit(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// The corpus

#[test]
fn every_hostile_package_gets_its_verdict() {
    use VerdictKind::{Error, NeedsReview, Pass};
    let expected = [
        ("zip-overlapping-entries.zip", Error),
        ("zip-10001-entries.zip", Error),
        ("zip-truncated.zip", Error),
        ("zip-local-header-mismatch.zip", NeedsReview),
        ("zip-2gib-stream.zip", Error),
        ("zip-2gib-stream-lying-size.zip", NeedsReview),
        ("zip-encrypted-entry.zip", NeedsReview),
        ("docx-billion-laughs.zip", Pass),
        ("docx-nesting-1m.zip", NeedsReview),
        ("docx-huge-paragraph.zip", NeedsReview),
        ("xlsx-shared-strings-billion-laughs.zip", NeedsReview),
        ("xlsx-unique-count-2e9.zip", NeedsReview),
        ("xlsx-cell-at-xfd1048576.zip", Pass),
        ("xlsx-too-many-cells.zip", NeedsReview),
        ("xls-dimensions-huge.zip", NeedsReview),
        ("xls-cells-far-apart.zip", NeedsReview),
        ("xls-shared-string-copies.zip", NeedsReview),
        ("xls-sector-chain-loop.zip", NeedsReview),
        ("ods-repeated-cells.zip", NeedsReview),
        ("ods-truncated-table.zip", NeedsReview),
        ("ofd-billion-laughs.zip", Pass),
        ("ofd-nesting-1m.zip", NeedsReview),
        ("ofd-paths-escape.zip", Pass),
        ("ofd-template-cycle.zip", Pass),
        ("pdf-page-tree-cycle.zip", Pass),
        ("pdf-form-recursion.zip", NeedsReview),
        ("pdf-deep-nesting.zip", Pass),
        ("pdf-2gib-stream.zip", NeedsReview),
        ("pdf-huge-string.zip", Pass),
        ("pdf-malformed-cmap.zip", Pass),
    ];
    let corpus = h::corpus();
    let names: Vec<&str> = corpus.iter().map(|(n, _)| n.as_str()).collect();
    let listed: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
    assert_eq!(names, listed, "every package of the corpus has an expected verdict");
    let start = Instant::now();
    for ((name, bytes), (_, verdict)) in corpus.iter().zip(expected) {
        let v = review(name, bytes);
        assert_eq!(v.verdict, verdict, "{name}: {:#?}", v.findings);
        assert_eq!(v.package.file, *name);
    }
    eprintln!("{} hostile packages reviewed in {:?}", corpus.len(), start.elapsed());
}
