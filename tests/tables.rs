//! Table quirks of SPEC §5 through the whole pipeline: title rows, merged and two-row headers,
//! any column order, units and line breaks in headers, blank and total rows, thousands
//! separators, Excel date serials in both date systems, csv in GBK, tables inside docx.

mod support;

use std::io::{Cursor, Read, Write};

use pingshen::verdict::{Presence, Value, Verdict};
use pingshen::{review, Options, Reviewer};
use support::packages::{replace_file, stage_basic_info, stage_files, zip_files, Naming};
use support::{docx_with_table, n, s, text_row, xlsx, xlsx_with_merges, Cell};

fn run(files: &[(String, Vec<u8>)]) -> Verdict {
    review(
        "x.zip",
        &zip_files(files),
        &Reviewer::embedded().unwrap(),
        &Options::default(),
    )
}

fn rows<'a>(v: &'a Verdict, field: &str) -> &'a [pingshen::verdict::RowValue] {
    match &v.fields.get(field).unwrap_or_else(|| panic!("no field {field}")).value {
        Value::Rows(r) => r,
        other => panic!("{field}: {other:?}"),
    }
}

fn cell<'a>(row: &'a pingshen::verdict::RowValue, col: &str) -> &'a Value {
    &row.cells.get(col).unwrap_or_else(|| panic!("no column {col}")).value
}

/// Rewrites an xlsx so its workbook uses the 1904 date system.
fn to_1904(bytes: &[u8]) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut f = zin.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut data = Vec::new();
        f.read_to_end(&mut data).unwrap();
        if name == "xl/workbook.xml" {
            let text = String::from_utf8(data).unwrap();
            let i = text.find("<sheets>").expect("sheets element");
            data = format!("{}<workbookPr date1904=\"1\"/>{}", &text[..i], &text[i..]).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn comparison_table_with_every_layout_quirk() {
    // Title row, blank row, columns in another order, units and a line break in the headers,
    // text amounts with thousands separators, a blank row inside, a total row, no 变化情况 column.
    let sheet = vec![
        text_row(&["建设内容与批复内容对比表"]),
        text_row(&[]),
        text_row(&[
            "实际金额\n（万元）",
            "序号",
            "批复建设内容",
            "实际建设内容",
            "批复金额(万元)",
            "备注",
        ]),
        vec![
            s("1,268.40"),
            n(1.0),
            s("应用系统"),
            s("应用系统"),
            s("1,268.40"),
            Cell::Empty,
        ],
        text_row(&[]),
        vec![
            s("320.00"),
            n(2.0),
            s("数据资源建设"),
            s("数据 资源 建设"),
            s("300"),
            s("增加接口"),
        ],
        text_row(&["", "", "说明：金额单位万元", "", "", ""]),
        vec![
            s("1,588.40"),
            s("合计"),
            Cell::Empty,
            Cell::Empty,
            s("1,568.40"),
            Cell::Empty,
        ],
    ];
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(&mut files, "对比表", xlsx(&[("Sheet1", sheet)]));
    let v = run(&files);
    let r = rows(&v, "content_comparison");
    assert_eq!(r.len(), 2, "the note row (no 序号) and the total row are not data rows");
    assert_eq!(cell(&r[0], "actual_amount"), &Value::Number(1268.4));
    assert_eq!(r[0].cells["actual_amount"].cell, "A4");
    assert_eq!(r[1].row, 6);
    // Row 2's amounts differ (300 vs 320): changed, so change documents are required.
    let cd = v.materials.iter().find(|m| m.id == "change_documents").unwrap();
    assert!(cd.required);
    assert_eq!(cd.status, Presence::Missing);
}

#[test]
fn comparison_table_inside_a_docx() {
    let mut files = stage_files("commissioning", Naming::Plain);
    let table = vec![
        vec![
            "序号",
            "批复建设内容",
            "实际建设内容",
            "批复金额（万元）",
            "实际金额（万元）",
            "变化情况",
            "变更说明",
        ],
        vec!["1", "应用系统", "应用系统", "100", "100", "一致", ""],
        vec!["2", "机房改造", "取消", "50", "0", "取消", "经批准取消"],
    ];
    let name = files
        .iter()
        .find(|(p, _)| p.contains("对比表"))
        .unwrap()
        .0
        .replace(".xlsx", ".docx");
    files.retain(|(p, _)| !p.contains("对比表"));
    files.push((name, docx_with_table(&["建设内容与批复内容对比表"], &table)));
    let v = run(&files);
    let r = rows(&v, "content_comparison");
    assert_eq!(r.len(), 2);
    assert_eq!(r[1].sheet, "表1");
    assert_eq!(cell(&r[1], "change"), &Value::Text("取消".into()));
    assert!(
        v.materials
            .iter()
            .find(|m| m.id == "change_documents")
            .unwrap()
            .required
    );
}

#[test]
fn data_directory_two_row_header_under_a_merged_cell() {
    let systems = vec![
        text_row(&["信息系统目录"]),
        text_row(&["系统名称", "是否入云", "是否上链", "是否更新", "是否确权", "运行状态"]),
        text_row(&["甲系统", "是", "是", "是", "是", "已投入运行"]),
    ];
    let data = vec![
        text_row(&["数据资源目录"]),
        text_row(&[
            "信息资源名称",
            "所属系统",
            "共享属性",
            "",
            "开放属性",
            "更新周期",
            "汇聚状态",
        ]),
        text_row(&["", "", "共享类型", "共享条件", "", "", ""]),
        text_row(&[
            "人口数据",
            "甲系统",
            "有条件共享",
            "按需申请",
            "不予开放",
            "每日",
            "已汇聚",
        ]),
        text_row(&["法人数据", "甲系统", "无条件共享", "", "无条件开放", "实时", "已汇聚"]),
    ];
    let bytes = xlsx_with_merges(&[("系统", systems, &[]), ("资源", data, &["C2:D2", "A2:A3", "B2:B3"])]);
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(&mut files, "数据目录", bytes);
    let v = run(&files);
    let d = rows(&v, "data_directory_resources");
    assert_eq!(d.len(), 2);
    assert_eq!(cell(&d[0], "share_type"), &Value::Text("有条件共享".into()));
    assert_eq!(d[0].row, 4);
    let sys = rows(&v, "data_directory_systems");
    assert_eq!(cell(&sys[0], "in_cloud"), &Value::Bool(true));
    assert!(
        v.findings.iter().all(|f| f.code.as_str() != "data_directory.bad_value"),
        "{:?}",
        v.findings
    );
}

#[test]
fn basic_info_dates_as_serials_in_1900_and_1904_workbooks() {
    let rows_with = |date: Cell| -> Vec<Vec<Cell>> {
        let mut rows: Vec<Vec<Cell>> = stage_basic_info("review")
            .into_iter()
            .filter(|(l, _)| *l != "申报日期")
            .map(|(l, v)| vec![s(l), s(v)])
            .collect();
        rows.push(vec![s("申报日期"), date]);
        rows
    };
    // 1900 system: a date-styled cell and a plain number are both serials.
    for date in [support::date(2021, 5, 10), n(support::excel_serial(2021, 5, 10))] {
        let mut files = stage_files("review", Naming::Plain);
        replace_file(&mut files, "基本情况表", xlsx(&[("基本情况", rows_with(date))]));
        let v = run(&files);
        assert_eq!(
            v.project.submission_date.map(|d| d.to_string()).as_deref(),
            Some("2021-05-10")
        );
    }
    // 1904 system: the same day has a serial 1462 days smaller.
    let serial_1904 = support::excel_serial(2021, 5, 10) - 1462.0;
    let mut files = stage_files("review", Naming::Plain);
    replace_file(
        &mut files,
        "基本情况表",
        to_1904(&xlsx(&[("基本情况", rows_with(Cell::Date(serial_1904)))])),
    );
    let v = run(&files);
    assert_eq!(
        v.project.submission_date.map(|d| d.to_string()).as_deref(),
        Some("2021-05-10")
    );
}

#[test]
fn basic_info_as_gbk_csv() {
    let mut text = String::from("项目基本情况表\r\n");
    for (l, v) in stage_basic_info("performance") {
        text.push_str(&format!("{l},\"{v}\"\r\n"));
    }
    let (gbk, _, _) = encoding_rs::GBK.encode(&text);
    let mut files = stage_files("performance", Naming::Plain);
    let path = files
        .iter()
        .find(|(p, _)| p.contains("基本情况表"))
        .unwrap()
        .0
        .replace(".xlsx", ".csv");
    files.retain(|(p, _)| !p.contains("基本情况表"));
    files.push((path, gbk.into_owned()));
    let v = run(&files);
    assert_eq!(v.stage_source, Some(pingshen::verdict::StageSource::BasicInfo));
    assert_eq!(v.project.name.as_deref(), Some(support::packages::PROJECT_NAME));
    assert_eq!(v.fields["submission_date"].source.cell.as_deref(), Some("B6"));
}

#[test]
fn plan_project_list_rows_and_the_upgrade_condition() {
    let mut files = stage_files("plan", Naming::Plain);
    let list = vec![
        text_row(&["2021年度项目清单"]),
        text_row(&[
            "序号",
            "项目名称",
            "项目类型",
            "对应三定职责",
            "对应指引方向",
            "涉及系统",
            "是否使用全市共性平台",
            "预算金额（万元）",
        ]),
        text_row(&[
            "1",
            "甲系统升级改造项目",
            "升级改造",
            "职责一",
            "数字政府",
            "甲系统、乙系统",
            "是",
            "1,000",
        ]),
        text_row(&[
            "2",
            "丙平台建设项目",
            "新建",
            "职责二",
            "城市治理",
            "丙平台",
            "否",
            "500",
        ]),
        text_row(&["合计", "", "", "", "", "", "", "1,500"]),
    ];
    replace_file(&mut files, "项目清单", xlsx(&[("清单", list)]));
    files.retain(|(p, _)| !p.contains("资金保障"));
    let v = run(&files);
    let r = rows(&v, "project_list");
    assert_eq!(r.len(), 2);
    assert_eq!(cell(&r[0], "project_type"), &Value::Text("upgrade".into()));
    assert_eq!(
        cell(&r[0], "systems"),
        &Value::List(vec!["甲系统".into(), "乙系统".into()])
    );
    assert_eq!(cell(&r[1], "uses_shared_platform"), &Value::Bool(false));
    let fp = v.materials.iter().find(|m| m.id == "funding_proof").unwrap();
    assert!(
        fp.required && fp.status == Presence::Missing,
        "an 升级改造 row requires the funding proof"
    );
}

#[test]
fn a_table_material_without_its_headers_is_reported() {
    let mut files = stage_files("commissioning", Naming::Plain);
    replace_file(
        &mut files,
        "对比表",
        xlsx(&[("Sheet1", vec![text_row(&["内容", "金额"]), text_row(&["甲", "1"])])]),
    );
    let v = run(&files);
    let f = v
        .findings
        .iter()
        .find(|f| f.code.as_str() == "table.not_found")
        .expect("table.not_found");
    assert!(f.message.contains("content_comparison"));
    assert!(!v.fields.contains_key("content_comparison"));
}

/// Rewrites one part of a zip (an xlsx) with `f`.
fn rewrite_part(bytes: &[u8], part: &str, f: impl Fn(String) -> String) -> Vec<u8> {
    let mut zin = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..zin.len() {
        let mut e = zin.by_index(i).unwrap();
        let name = e.name().unwrap().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        if name == part {
            data = f(String::from_utf8(data).unwrap()).into_bytes();
        }
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

#[test]
fn a_lying_shared_string_count_is_refused_instead_of_exhausting_memory() {
    // calamine reserves uniqueCount strings up front: 4 000 000 000 would abort the process.
    let basic = support::packages::basic_info_xlsx(&stage_basic_info("performance"));
    let hostile = rewrite_part(&basic, "xl/sharedStrings.xml", |x| {
        let start = x.find("<sst").unwrap();
        let end = start + x[start..].find('>').unwrap();
        let tag = &x[start..end];
        let new_tag = if tag.contains("uniqueCount=\"") {
            let at = tag.find("uniqueCount=\"").unwrap() + "uniqueCount=\"".len();
            let close = at + tag[at..].find('"').unwrap();
            format!("{}4000000000{}", &tag[..at], &tag[close..])
        } else {
            format!("{tag} uniqueCount=\"4000000000\"")
        };
        format!("{}{}{}", &x[..start], new_tag, &x[end..])
    });
    let mut files = stage_files("performance", Naming::Plain);
    replace_file(&mut files, "基本情况表", hostile);
    let v = run(&files);
    assert!(
        v.findings
            .iter()
            .any(|f| f.code.as_str() == "basic_info.unreadable" && f.message.contains("4000000000")),
        "{:?}",
        v.findings
    );
    let basic = v.materials.iter().find(|m| m.id == "basic_info").unwrap();
    assert_eq!(basic.status, Presence::Unreadable);
    assert_eq!(
        v.verdict,
        pingshen::verdict::VerdictKind::NeedsReview,
        "an unreadable required material needs review"
    );
    // An honest count still reads.
    let v = run(&stage_files("performance", Naming::Plain));
    assert_eq!(v.verdict, pingshen::verdict::VerdictKind::Pass);
}
