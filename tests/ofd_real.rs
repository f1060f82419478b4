//! OFD text as real producers write it: annotations (seals, stamps, watermarks, comments) read
//! apart from the body (`Document::annotations`), text placed by its `TextCode`s alone (no
//! `Boundary`, `DeltaX`/`DeltaY`, vertical labels), overdraws, and real OFD files from ofdrw's
//! test suite read in reading order (listed in `fixtures/real/OFD_MANIFEST.tsv` and laid out by
//! `scripts/real-corpus.sh`; not part of the repository: without them those tests say they
//! skipped).

mod support;

use std::path::Path;

use pingshen::extract::ofd::read_ofd;
use pingshen::extract::{DocError, Document, ReadOptions};
use support::{EntryOpts, ZipBuilder};

// ---------------------------------------------------------------------------------------------
// Builders
// ---------------------------------------------------------------------------------------------

const NS: &str = "http://www.ofdspec.org/2016";

/// A zip of these parts, deflated, `OFD.xml` naming `Doc_0/Document.xml` first.
fn package(parts: &[(&str, String)]) -> Vec<u8> {
    let entry = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>7a1e</ofd:DocID></ofd:DocInfo><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    );
    let mut z = ZipBuilder::new();
    let opts = EntryOpts {
        deflate: true,
        ..EntryOpts::default()
    };
    z.file_raw(b"OFD.xml", entry.as_bytes(), opts.clone());
    for (name, data) in parts {
        z.file_raw(name.as_bytes(), data.as_bytes(), opts.clone());
    }
    z.finish()
}

/// `Doc_0/Document.xml` of these pages (`ID`, `BaseLoc`), with this annotation index.
fn document(pages: &[(&str, &str)], annotations: Option<&str>) -> String {
    let pages: String = pages
        .iter()
        .map(|(id, base)| format!(r#"<ofd:Page ID="{id}" BaseLoc="{base}"/>"#))
        .collect();
    let annotations = annotations.map_or(String::new(), |a| format!("<ofd:Annotations>{a}</ofd:Annotations>"));
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData><ofd:MaxUnitID>900</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea></ofd:CommonData><ofd:Pages>{pages}</ofd:Pages>{annotations}</ofd:Document>"#
    )
}

/// A page content part with these objects in one layer.
fn page(objects: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2" Type="Body">{objects}</ofd:Layer></ofd:Content></ofd:Page>"#
    )
}

/// A TextObject whose Boundary starts at (x, y), font size 4, one TextCode at (0, 4).
fn text(x: f64, y: f64, s: &str) -> String {
    format!(
        r#"<ofd:TextObject ID="3" Boundary="{x} {y} 170 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4">{s}</ofd:TextCode></ofd:TextObject>"#
    )
}

/// An annotation index: (`PageID`, `FileLoc`) entries.
fn annotation_index(entries: &[(&str, &str)]) -> String {
    let pages: String = entries
        .iter()
        .map(|(id, loc)| format!(r#"<ofd:Page PageID="{id}"><ofd:FileLoc>{loc}</ofd:FileLoc></ofd:Page>"#))
        .collect();
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Annotations xmlns:ofd="{NS}">{pages}</ofd:Annotations>"#)
}

/// A page annotation part of these `ofd:Annot`s.
fn page_annot(annots: &str) -> String {
    format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:PageAnnot xmlns:ofd="{NS}">{annots}</ofd:PageAnnot>"#)
}

/// An `ofd:Annot` of this type drawing `objects` in an Appearance whose Boundary is `boundary`.
fn annot(kind: &str, boundary: &str, objects: &str) -> String {
    format!(
        r#"<ofd:Annot ID="50" Type="{kind}" Creator="pingshen" LastModDate="2021-06-16"><ofd:Parameters><ofd:Parameter Name="fp.NativeSign">x</ofd:Parameter></ofd:Parameters><ofd:Appearance Boundary="{boundary}">{objects}</ofd:Appearance></ofd:Annot>"#
    )
}

fn read(bytes: &[u8], opts: ReadOptions) -> Document {
    match read_ofd(bytes, opts) {
        Ok(doc) => doc,
        Err(e) => panic!("OFD not read: {e}"),
    }
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.lines.iter().map(|l| l.text.as_str()).collect()
}

fn annotations(doc: &Document) -> Vec<(&str, u32)> {
    doc.annotations
        .iter()
        .map(|l| (l.text.as_str(), l.page.unwrap_or(0)))
        .collect()
}

/// Two pages (IDs 5 and 7) with a title, a date and a second page; the annotation index lists
/// page 7 first, page 5 second (absolute path), a page ID no page has, and a path leaving the
/// package.
fn annotated_report() -> Vec<u8> {
    let watermark = concat!(
        r#"<ofd:TextObject ID="61" Boundary="0 0 210 297" Font="1" Size="8" CTM="0.707 0.707 -0.707 0.707 0 0">"#,
        r#"<ofd:TextCode X="10" Y="10" DeltaX="8 8 8">内部资料</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="62" Boundary="0 0 210 297" Font="1" Size="8" CTM="0.707 0.707 -0.707 0.707 0 100">"#,
        r#"<ofd:TextCode X="10" Y="10" DeltaX="8 8 8">内部资料</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="63" Boundary="0 0 210 297" Font="1" Size="8" CTM="0.707 0.707 -0.707 0.707 60 0">"#,
        r#"<ofd:TextCode X="10" Y="10" DeltaX="8 8 8">内部资料</ofd:TextCode></ofd:TextObject>"#
    );
    // The seal's name in two upright lines, placed relative to its appearance box at (140, 250).
    let seal = concat!(
        r#"<ofd:TextObject ID="71" Boundary="2 10 36 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g 5 4">北京市经信局</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="72" Boundary="6 20 30 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g 4 4">验收专用章</ofd:TextCode></ofd:TextObject>"#
    );
    let parts = [
        (
            "Doc_0/Document.xml",
            document(
                &[("5", "Pages/Page_0/Content.xml"), ("7", "Pages/Page_1/Content.xml")],
                Some("Annots/Annotations.xml"),
            ),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml",
            page(&(text(30.0, 20.0, "验收报告") + &text(30.0, 40.0, "验收日期：2021年6月16日"))),
        ),
        ("Doc_0/Pages/Page_1/Content.xml", page(&text(30.0, 20.0, "第二页正文"))),
        (
            "Doc_0/Annots/Annotations.xml",
            annotation_index(&[
                ("7", "Page_1/Annot_0.xml"),
                ("5", "/Doc_0/Annots/Page_0/Annot_0.xml"),
                ("99", "Page_1/Annot_0.xml"),
                ("5", "../../../Escape.xml"),
            ]),
        ),
        (
            "Doc_0/Annots/Page_0/Annot_0.xml",
            page_annot(
                &[
                    // Drawn at the very top of the page, above the title.
                    annot(
                        "Watermark",
                        "0 0 210 10",
                        &text(20.0, 1.0, "仅供审查使用"),
                    ),
                    annot("Stamp", "140 250 40 40", seal),
                    annot("Watermark", "0 0 210 297", watermark),
                    r#"<ofd:Annot ID="80" Type="Stamp" Visible="false"><ofd:Appearance Boundary="0 0 50 50"><ofd:TextObject ID="81" Boundary="0 0 50 10" Size="4"><ofd:TextCode X="0" Y="4">隐藏</ofd:TextCode></ofd:TextObject></ofd:Appearance></ofd:Annot>"#.to_string(),
                ]
                .concat(),
            ),
        ),
        (
            "Doc_0/Annots/Page_1/Annot_0.xml",
            page_annot(&annot(
                "Stamp",
                "158.7 12.5 25.4 5.7",
                r#"<ofd:TextObject ID="91" CTM="0.3528 0 0 0.3528 0 0" Boundary="0 0.3768 26.2 4.8" Font="1" Size="12"><ofd:TextCode X="0" Y="11.184" DeltaX="g 5 12">审核意见同意</ofd:TextCode></ofd:TextObject>"#,
            )),
        ),
        ("Escape.xml", page_annot(&annot("Stamp", "0 0 10 10", &text(0.0, 0.0, "逃逸")))),
    ];
    package(&parts)
}

// ---------------------------------------------------------------------------------------------
// Annotations
// ---------------------------------------------------------------------------------------------

#[test]
fn annotation_text_is_kept_apart_from_the_body_and_never_the_title() {
    let doc = read(&annotated_report(), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["验收报告", "验收日期：2021年6月16日", "第二页正文"]);
    assert_eq!(doc.title(), Some("验收报告"));
    assert_eq!(
        annotations(&doc),
        vec![
            ("仅供审查使用", 1),
            ("北京市经信局", 1),
            ("验收专用章", 1),
            // Drawn three times, turned by 45°: read along its baseline, once.
            ("内部资料", 1),
            // The comment's appearance scaled from points to mm by its CTM.
            ("审核意见同意", 2),
        ]
    );
    assert_eq!((doc.page_count, doc.pages_read), (2, 2));
}

#[test]
fn annotations_of_pages_not_read_are_left_out() {
    let doc = read(&annotated_report(), ReadOptions::FIRST_PAGE);
    assert_eq!(texts(&doc), vec!["验收报告", "验收日期：2021年6月16日"]);
    assert!(doc.annotations.iter().all(|l| l.page == Some(1)));
    assert_eq!(doc.annotations.len(), 4);
}

#[test]
fn a_page_with_only_an_annotation_is_blank() {
    let parts = [
        (
            "Doc_0/Document.xml",
            document(&[("1", "Pages/Page_0/Content.xml")], Some("Annots/Annotations.xml")),
        ),
        ("Doc_0/Pages/Page_0/Content.xml", page("")),
        ("Doc_0/Annots/Annotations.xml", annotation_index(&[("1", "A.xml")])),
        (
            "Doc_0/Annots/A.xml",
            page_annot(&annot("Stamp", "20 20 60 60", &text(0.0, 0.0, "电子签章"))),
        ),
    ];
    let doc = read(&package(&parts), ReadOptions::ALL);
    assert!(doc.is_blank());
    assert_eq!(annotations(&doc), vec![("电子签章", 1)]);
}

#[test]
fn a_scanned_page_under_a_text_watermark_has_no_text_layer() {
    let parts = [
        (
            "Doc_0/Document.xml",
            document(&[("1", "Pages/Page_0/Content.xml")], Some("Annots/Annotations.xml")),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml",
            page(r#"<ofd:ImageObject ID="4" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="5"/>"#),
        ),
        ("Doc_0/Annots/Annotations.xml", annotation_index(&[("1", "A.xml")])),
        (
            "Doc_0/Annots/A.xml",
            page_annot(&annot("Watermark", "0 0 210 297", &text(20.0, 100.0, "下载次数：1"))),
        ),
    ];
    assert_eq!(read_ofd(&package(&parts), ReadOptions::ALL), Err(DocError::NoTextLayer));
}

#[test]
fn a_missing_or_broken_annotation_part_costs_nothing_of_the_body() {
    for (index, part) in [
        (annotation_index(&[("1", "Missing.xml")]), page_annot("")),
        (
            annotation_index(&[("1", "A.xml")]),
            "<ofd:PageAnnot><ofd:Annot>".to_string(),
        ),
        ("<ofd:Annotations><ofd:Page".to_string(), page_annot("")),
    ] {
        let parts = [
            (
                "Doc_0/Document.xml",
                document(&[("1", "Pages/Page_0/Content.xml")], Some("Annots/Annotations.xml")),
            ),
            ("Doc_0/Pages/Page_0/Content.xml", page(&text(30.0, 20.0, "验收报告"))),
            ("Doc_0/Annots/Annotations.xml", index),
            ("Doc_0/Annots/A.xml", part),
        ];
        let doc = read(&package(&parts), ReadOptions::ALL);
        assert_eq!(texts(&doc), vec!["验收报告"]);
        assert!(doc.annotations.is_empty());
    }
}

#[test]
fn annotation_counts_are_limited() {
    let body = ("Doc_0/Pages/Page_0/Content.xml", page(&text(30.0, 20.0, "验收报告")));
    let doc_part = (
        "Doc_0/Document.xml",
        document(&[("1", "Pages/Page_0/Content.xml")], Some("Annots/Annotations.xml")),
    );
    // An index of 10 001 entries.
    let entries: Vec<(&str, &str)> = vec![("1", "A.xml"); 10_001];
    let parts = [
        doc_part.clone(),
        body.clone(),
        ("Doc_0/Annots/Annotations.xml", annotation_index(&entries)),
        ("Doc_0/Annots/A.xml", page_annot("")),
    ];
    match read_ofd(&package(&parts), ReadOptions::ALL) {
        Err(DocError::Limit(m)) => assert!(m.contains("annotation index"), "{m}"),
        other => panic!("{other:?}"),
    }
    // A part of 10 001 annotations.
    let many = r#"<ofd:Annot ID="1" Type="Stamp"><ofd:Appearance Boundary="0 0 1 1"/></ofd:Annot>"#.repeat(10_001);
    let parts = [
        doc_part,
        body,
        ("Doc_0/Annots/Annotations.xml", annotation_index(&[("1", "A.xml")])),
        ("Doc_0/Annots/A.xml", page_annot(&many)),
    ];
    match read_ofd(&package(&parts), ReadOptions::ALL) {
        Err(DocError::Limit(m)) => assert!(m.contains("annotations"), "{m}"),
        other => panic!("{other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// Placing text
// ---------------------------------------------------------------------------------------------

/// A one-page OFD of these objects.
fn one_page(objects: &str) -> Vec<u8> {
    package(&[
        (
            "Doc_0/Document.xml",
            document(&[("1", "Pages/Page_0/Content.xml")], None),
        ),
        ("Doc_0/Pages/Page_0/Content.xml", page(objects)),
    ])
}

#[test]
fn text_without_a_boundary_is_placed_by_its_text_codes() {
    let objects = concat!(
        // Positions on the TextCodes only, in page space; the second date has no DeltaX.
        r#"<ofd:TextObject ID="1" Font="1" Size="4"><ofd:TextCode X="30" Y="24" DeltaX="g 4 2.2 4 g 2 2.2 4 g 2 2.2">2020年10月10日</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="2" Font="1" Size="4"><ofd:TextCode X="30" Y="34">2011年11月11日</ofd:TextCode></ofd:TextObject>"#,
        // A CTM without a Boundary: (10, 11) scaled by 3 and moved by (0, 10) → (30, 43).
        r#"<ofd:TextObject ID="3" Font="1" Size="1.3333" CTM="3 0 0 3 0 10"><ofd:TextCode X="10" Y="11" DeltaX="g 3 0.7333">1100</ofd:TextCode></ofd:TextObject>"#,
        // The title, drawn last, above them all.
        r#"<ofd:TextObject ID="4" Font="1" Size="5"><ofd:TextCode X="30" Y="12">验收报告</ofd:TextCode></ofd:TextObject>"#
    );
    let doc = read(&one_page(objects), ReadOptions::ALL);
    assert_eq!(
        texts(&doc),
        vec!["验收报告", "2020年10月10日", "2011年11月11日", "1100"]
    );
}

#[test]
fn vertical_labels_stay_in_their_column() {
    // An invoice's `购买方` set vertically (DeltaY only) at x = 10, beside three rows whose text
    // starts 1 mm to its right. Advanced along x as well, `买` and `方` would land inside the rows'
    // text.
    let objects = concat!(
        r#"<ofd:TextObject ID="1" Boundary="10 20 4 20" Font="1" Size="3"><ofd:TextCode X="0" Y="3" DeltaY="6 6">购买方</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="2" Boundary="14 20 100 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3" DeltaX="g 7 3">名称：政务云公司</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="3" Boundary="14 26 100 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3" DeltaX="g 6 3 g 12 1.65">纳税人识别号：911101083398</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="4" Boundary="14 32 100 5" Font="1" Size="3"><ofd:TextCode X="0" Y="3" DeltaX="g 6 3">地址、电话：</ofd:TextCode></ofd:TextObject>"#
    );
    let doc = read(&one_page(objects), ReadOptions::ALL);
    assert_eq!(
        texts(&doc),
        vec!["购名称：政务云公司", "买纳税人识别号：911101083398", "方地址、电话："]
    );
}

#[test]
fn a_text_drawn_twice_counts_once_and_repeated_digits_stay() {
    // The date drawn twice, the copy 0.1 mm to the right (fake bold); its repeated digits are
    // distinct characters 2.2 mm apart.
    let date = |id: u32, x: f64| {
        format!(
            r#"<ofd:TextObject ID="{id}" Boundary="{x} 50 100 6" Font="1" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="g 4 2.2 4 g 2 2.2 4 g 2 2.2">2020年10月10日</ofd:TextCode></ofd:TextObject>"#
        )
    };
    let doc = read(&one_page(&(date(1, 30.0) + &date(2, 30.1))), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["2020年10月10日"]);
}

// ---------------------------------------------------------------------------------------------
// Real OFD files (ofdrw's test suite)
// ---------------------------------------------------------------------------------------------

/// A real OFD of the corpus (`$PINGSHEN_REAL_CORPUS/ofd`, `../shared/real-corpus/ofd` or
/// `target/real-corpus/ofd`), read whole; `None` (with a note) when the corpus is not laid out.
/// A corpus that is laid out must hold every file its manifest lists.
fn fixture(name: &str) -> Option<Document> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dirs = [
        std::env::var_os("PINGSHEN_REAL_CORPUS").map(std::path::PathBuf::from),
        Some(root.join("../shared/real-corpus")),
        Some(root.join("target/real-corpus")),
    ];
    let Some(dir) = dirs.into_iter().flatten().map(|d| d.join("ofd")).find(|d| d.is_dir()) else {
        println!("skipped: the real corpus is not laid out (run scripts/real-corpus.sh)");
        return None;
    };
    let manifest = std::fs::read_to_string(root.join("fixtures/real/OFD_MANIFEST.tsv")).expect("OFD manifest");
    assert!(
        manifest.lines().any(|l| l.split('\t').next() == Some(name)),
        "{name} is not listed in fixtures/real/OFD_MANIFEST.tsv"
    );
    let path = dir.join(name);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Some(read(&bytes, ReadOptions::ALL))
}

fn lines_of_page(doc: &Document, page: u32) -> Vec<&str> {
    doc.lines
        .iter()
        .filter(|l| l.page == Some(page))
        .map(|l| l.text.as_str())
        .collect()
}

#[test]
fn real_official_reply_reads_in_order() {
    let Some(doc) = fixture("official-reply-two-pages.ofd") else {
        return;
    };
    assert_eq!((doc.page_count, doc.pages_read), (2, 2));
    assert_eq!(doc.title(), Some("测试符路桥区卫生局文件"));
    assert_eq!(
        lines_of_page(&doc, 1),
        vec![
            "测试符路桥区卫生局文件",
            "路卫发〔2011〕76号",
            "关于同意张阿三同志辞职的批复",
            "区中医院：",
            "你院《关于给张阿三同志辞职的请示》（路中医发",
            "〔2011〕10号）收悉。",
            "张阿三，男，1978年2月出生，籍贯江西新建，2001年9月参",
            "加工作，本科学历，主治医师，系区中医院职工。",
            "该同志由于家庭、籍贯等原因，从2006年1月至今未到单位",
            "上班，期间院方曾多次与其联系，均被拒绝回院。2011年3月1日",
            "该同志向医院递交辞职报告，鉴于本人实际情况，根据《浙江省",
            "专业技术人员和管理人员辞职暂行办法》（浙人才〔1993〕73",
            "号）文件精神，经研究，同意张阿三同志辞职。",
            "— 1 —",
        ]
    );
    assert_eq!(
        lines_of_page(&doc, 2),
        vec![
            "测试符路桥区卫生局办公室",
            "2011年3月10日",
            "测试符路桥区卫生局办公室\t2011年3月10日印发",
            "— 2 —",
        ]
    );
    // Its seals are in signatures (images in the signed values), not annotations.
    assert!(doc.annotations.is_empty());
}

#[test]
fn real_letter_reads_in_order() {
    let Some(doc) = fixture("letter-one-page.ofd") else {
        return;
    };
    assert_eq!(
        texts(&doc),
        vec![
            "关于加快南货场铁路涵洞下穿建设的函",
            "蚌山区政府：",
            "根据我市2023年房地产用地供应计划，蚌山区东海大道北侧、",
            "解放路西侧居住地块计划于7月份出让，按照7月7日张铭副市",
            "长主持召开市自然资源和规划委员会审查会2023年第7次会议要",
            "求，你区需尽快落实南货场铁路涵洞下穿建设方案，建设方案与",
            "本宗地出让方案一并公告、同步建设、同期交付。为确保该宗地",
            "按计划完成供应，请你区政府尽快落实南货场铁路涵洞下穿建设",
            "方案，并加快工程施工建设。",
            "此函。",
            "2023年7月12日",
        ]
    );
}

#[test]
fn real_invoice_keeps_its_vertical_labels_apart() {
    let Some(doc) = fixture("invoice-vertical-labels.ofd") else {
        return;
    };
    let lines = texts(&doc);
    assert_eq!(lines.first(), Some(&"重庆增值税电子普通发票发票代码：050001700111"));
    for expected in [
        "开票日期：2020年08月05日",
        "机器编号：016000019234\t校验码：16630282980991510014",
        "名\t称：个人",
        // `密码区` is set vertically beside the cipher: its `区` stays in its column, apart
        // from the cipher's fourth row.
        "方\t区 3-+8<2-/7-304+01102719/2230*",
        "价税合计（大写）\t壹万零陆佰圆整\t（小写）¥10600.00",
        "名\t称：财天下科技有限公司",
        "纳税人识别号：91500102563638729E",
    ] {
        assert!(lines.contains(&expected), "{expected:?} not in {lines:#?}");
    }
    // A stamp annotation with an empty appearance (its seal is a signature): no text.
    assert!(doc.annotations.is_empty());
}

#[test]
fn real_tiled_watermark_is_one_annotation_line() {
    let Some(doc) = fixture("watermark-tiled-turned.ofd") else {
        return;
    };
    assert_eq!(texts(&doc), vec!["你好呀，OFD Reader&Writer！"]);
    assert_eq!(annotations(&doc), vec![("保密资料", 1)]);
}
