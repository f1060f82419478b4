//! Text readers for documents: docx (paragraphs, text boxes, revisions, fields, tables with merged
//! cells), OFD (positioned TextCode laid out into lines, templates, page blocks, limits) and txt
//! (encodings). Every input is written here by hand (SPEC §4 titles, §5 docx tables, §6 text).

mod support;

use std::time::{Duration, Instant};

use pingshen::extract::docx::read_docx;
use pingshen::extract::ofd::read_ofd;
use pingshen::extract::text::read_text;
use pingshen::extract::{DocError, DocTable, Document, Line, ReadOptions};
use support::{EntryOpts, ZipBuilder};

// ---------------------------------------------------------------------------------------------
// Fixture builders
// ---------------------------------------------------------------------------------------------

const W_NS: &str = concat!(
    r#"xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
    r#"xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" "#,
    r#"xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" "#,
    r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
    r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
    r#"xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="w14""#
);

const OFFICE_DOCUMENT: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument";

/// A zip of these entries, deflated or stored.
fn zip(entries: &[(&str, &[u8])], deflate: bool) -> Vec<u8> {
    let mut z = ZipBuilder::new();
    for (name, data) in entries {
        z.file_raw(
            name.as_bytes(),
            data,
            EntryOpts {
                deflate,
                ..EntryOpts::default()
            },
        );
    }
    z.finish()
}

/// `word/document.xml` around this body XML.
fn document_xml(body: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document {W_NS}><w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body></w:document>"#
    )
}

fn rels(target: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{OFFICE_DOCUMENT}" Target="{target}"/></Relationships>"#
    )
}

/// A docx whose main part `word/document.xml` holds this body.
fn docx_body(body: &str) -> Vec<u8> {
    docx_raw(&document_xml(body), true)
}

/// A docx whose main part `word/document.xml` is exactly `xml`.
fn docx_raw(xml: &str, deflate: bool) -> Vec<u8> {
    let rels = rels("word/document.xml");
    zip(
        &[
            ("[Content_Types].xml", b"<Types/>".as_slice()),
            ("_rels/.rels", rels.as_bytes()),
            ("word/document.xml", xml.as_bytes()),
        ],
        deflate,
    )
}

fn p(text: &str) -> String {
    format!(r#"<w:p><w:r><w:t xml:space="preserve">{text}</w:t></w:r></w:p>"#)
}

fn texts(doc: &Document) -> Vec<&str> {
    doc.lines.iter().map(|l| l.text.as_str()).collect()
}

fn read(bytes: &[u8]) -> Document {
    match read_docx(bytes) {
        Ok(doc) => doc,
        Err(e) => panic!("docx not read: {e}"),
    }
}

/// A table cell: properties XML and paragraphs.
fn tc(props: &str, paras: &[&str]) -> String {
    let body: String = paras.iter().map(|t| p(t)).collect();
    format!("<w:tc><w:tcPr><w:tcW w:w=\"1400\" w:type=\"dxa\"/>{props}</w:tcPr>{body}</w:tc>")
}

fn tr(cells: &[String]) -> String {
    format!(
        "<w:tr><w:trPr><w:trHeight w:val=\"400\"/></w:trPr>{}</w:tr>",
        cells.concat()
    )
}

fn tbl(rows: &[String]) -> String {
    format!(
        "<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid><w:gridCol w:w=\"1400\"/></w:tblGrid>{}</w:tbl>",
        rows.concat()
    )
}

/// One OFD page part (`ofd:Page`) with these children.
fn ofd_page(inner: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016">{inner}</ofd:Page>"#
    )
}

/// `ofd:Content/ofd:Layer` around these objects.
fn layer(objects: &str) -> String {
    format!(r#"<ofd:Content><ofd:Layer ID="3" Type="Body">{objects}</ofd:Layer></ofd:Content>"#)
}

/// A TextObject at (x, y) of font size 4 holding one TextCode at (0, 4).
fn text_object(x: f64, y: f64, text: &str) -> String {
    format!(
        r#"<ofd:TextObject ID="9" Boundary="{x} {y} 150 6" Font="1" Size="4"><ofd:FillColor Value="0 0 0"/><ofd:TextCode X="0" Y="4">{text}</ofd:TextCode></ofd:TextObject>"#
    )
}

fn ofd_xml(doc_root: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016" Version="1.0" DocType="OFD"><ofd:DocBody><ofd:DocInfo><ofd:DocID>0123</ofd:DocID></ofd:DocInfo><ofd:DocRoot>{doc_root}</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
    )
}

/// `Document.xml` listing these page BaseLocs, with these `(ID, BaseLoc)` template pages.
fn ofd_document(pages: &[&str], templates: &[(&str, &str)]) -> String {
    let tpls: String = templates
        .iter()
        .map(|(id, base)| format!(r#"<ofd:TemplatePage ID="{id}" BaseLoc="{base}" ZOrder="Background"/>"#))
        .collect();
    let pages: String = pages
        .iter()
        .enumerate()
        .map(|(i, base)| format!(r#"<ofd:Page ID="{}" BaseLoc="{base}"/>"#, 100 + i))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:CommonData><ofd:MaxUnitID>200</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes>{tpls}</ofd:CommonData><ofd:Pages>{pages}</ofd:Pages></ofd:Document>"#
    )
}

/// An OFD: `OFD.xml` naming `doc_root`, then these other parts.
fn ofd_package(doc_root: &str, parts: &[(&str, String)]) -> Vec<u8> {
    let entry = ofd_xml(doc_root);
    let mut entries: Vec<(&str, &[u8])> = vec![("OFD.xml", entry.as_bytes())];
    for (name, data) in parts {
        entries.push((name, data.as_bytes()));
    }
    zip(&entries, true)
}

/// The two-page OFD most tests read: a leading-slash DocRoot, a footer template on page 1.
fn two_page_ofd() -> Vec<u8> {
    ofd_package(
        "/Doc_0/Document.xml",
        &[
            (
                "Doc_0/Document.xml",
                ofd_document(
                    &["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml"],
                    &[("50", "Tpls/Tpl_0/Content.xml")],
                ),
            ),
            (
                "Doc_0/Pages/Page_0/Content.xml",
                ofd_page(&format!(
                    r#"<ofd:Template TemplateID="50" ZOrder="Background"/>{}"#,
                    layer(&(text_object(30.0, 20.0, "验收报告") + &text_object(30.0, 40.0, "项目名称：政务云平台")))
                )),
            ),
            (
                "Doc_0/Pages/Page_1/Content.xml",
                ofd_page(&layer(&text_object(30.0, 20.0, "验收日期：2021年6月16日"))),
            ),
            (
                "Doc_0/Tpls/Tpl_0/Content.xml",
                ofd_page(&layer(&text_object(90.0, 280.0, "北京市经济和信息化局"))),
            ),
        ],
    )
}

fn read_o(bytes: &[u8], opts: ReadOptions) -> Document {
    match read_ofd(bytes, opts) {
        Ok(doc) => doc,
        Err(e) => panic!("OFD not read: {e}"),
    }
}

/// A one-page OFD of this page content (objects inside one layer).
fn one_page_ofd(objects: &str) -> Vec<u8> {
    ofd_package(
        "Doc_0/Document.xml",
        &[
            ("Doc_0/Document.xml", ofd_document(&["Pages/Page_0/Content.xml"], &[])),
            ("Doc_0/Pages/Page_0/Content.xml", ofd_page(&layer(objects))),
        ],
    )
}

/// A deterministic xorshift generator for the mutation loops.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Mutation rounds: `n`, times `DOCS_TEXT_MUTATION_SCALE` when set (for a longer local run).
fn rounds(n: usize) -> usize {
    let scale = std::env::var("DOCS_TEXT_MUTATION_SCALE")
        .ok()
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(1);
    n.saturating_mul(scale.max(1))
}

/// `rounds` copies of `input`, each with 1–4 bytes flipped, set to a random value or to an XML
/// metacharacter.
fn mutations(input: &[u8], rounds: usize, seed: u64) -> Vec<Vec<u8>> {
    let mut rng = Rng(seed);
    let specials = b"<>&/\"'=;#x0 \x00\xff\xe4";
    (0..rounds)
        .map(|_| {
            let mut m = input.to_vec();
            for _ in 0..1 + rng.below(4) {
                let at = rng.below(m.len());
                let v = match rng.below(3) {
                    0 => m[at] ^ (1 << rng.below(8)),
                    1 => rng.next() as u8,
                    _ => specials[rng.below(specials.len())],
                };
                m[at] = v;
            }
            if rng.below(10) == 0 {
                let cut = rng.below(m.len());
                m.truncate(cut);
            }
            m
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// docx
// ---------------------------------------------------------------------------------------------

#[test]
fn docx_runs_split_inside_a_date_join_without_spaces() {
    let body = concat!(
        r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:t>验收日期：</w:t></w:r>"#,
        r#"<w:r><w:t>2021</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>年</w:t></w:r>"#,
        r#"<w:proofErr w:type="spellStart"/><w:r><w:t>6</w:t></w:r><w:proofErr w:type="spellEnd"/>"#,
        r#"<w:bookmarkStart w:id="0" w:name="d"/><w:r><w:t>月1</w:t></w:r><w:bookmarkEnd w:id="0"/>"#,
        r#"<w:r><w:t>6日</w:t></w:r></w:p>"#
    );
    let doc = read(&docx_body(body));
    assert_eq!(texts(&doc), vec!["验收日期：2021年6月16日"]);
    assert_eq!(doc.title(), Some("验收日期：2021年6月16日"));
    assert_eq!(doc.lines[0].page, None);
    assert_eq!((doc.page_count, doc.pages_read), (0, 0));
}

#[test]
fn docx_tabs_breaks_hyphens_and_symbols() {
    let body = concat!(
        r#"<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs><w:rPr><w:b/></w:rPr></w:pPr>"#,
        r#"<w:r><w:t>名称</w:t><w:tab/><w:t>政务云</w:t><w:br/><w:t>第二行</w:t></w:r>"#,
        r#"<w:r><w:noBreakHyphen/><w:t>A</w:t><w:sym w:font="Wingdings" w:char="F0FC"/>"#,
        r#"<w:sym w:font="SimSun" w:char="2460"/><w:cr/><w:t>第三行</w:t></w:r></w:p>"#,
        r#"<w:p/>"#,
        r#"<w:p><w:r><w:br w:type="page"/></w:r><w:r><w:t>新页</w:t></w:r></w:p>"#
    );
    let doc = read(&docx_body(body));
    assert_eq!(texts(&doc), vec!["名称\t政务云", "第二行-A①", "第三行", "", "", "新页"]);
    assert_eq!(doc.title(), Some("名称\t政务云"));
}

#[test]
fn docx_content_controls_hyperlinks_smart_tags_and_simple_fields() {
    let body = concat!(
        r#"<w:sdt><w:sdtPr><w:alias w:val="标题"/><w:id w:val="1"/></w:sdtPr><w:sdtContent>"#,
        r#"<w:p><w:r><w:t>项目验收意见</w:t></w:r></w:p></w:sdtContent></w:sdt>"#,
        r#"<w:p><w:r><w:t>详见</w:t></w:r><w:hyperlink r:id="rId9" xmlns:r="urn:r"><w:r><w:rPr><w:rStyle w:val="a"/></w:rPr><w:t>附件一</w:t></w:r></w:hyperlink>"#,
        r#"<w:sdt><w:sdtContent><w:r><w:t>（签字）</w:t></w:r></w:sdtContent></w:sdt></w:p>"#,
        r#"<w:p><w:smartTag w:uri="urn:schemas" w:element="date"><w:r><w:t>2021-06-16</w:t></w:r></w:smartTag>"#,
        r#"<w:fldSimple w:instr=" PAGE "><w:r><w:t>3</w:t></w:r></w:fldSimple>"#,
        r#"<w:customXml w:element="x"><w:r><w:t>页</w:t></w:r></w:customXml></w:p>"#
    );
    let doc = read(&docx_body(body));
    assert_eq!(texts(&doc), vec!["项目验收意见", "详见附件一（签字）", "2021-06-163页"]);
}

#[test]
fn docx_text_box_in_alternate_content_appears_once() {
    let text_box = |text: &str| {
        format!(
            r#"<w:txbxContent><w:p><w:r><w:t>{text}</w:t></w:r></w:p><w:p><w:r><w:t>第二段</w:t></w:r></w:p></w:txbxContent>"#
        )
    };
    let body = format!(
        concat!(
            r#"<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wp:anchor><a:graphic>"#,
            r#"<a:graphicData><wps:wsp><wps:txbx>{0}</wps:txbx></wps:wsp></a:graphicData></a:graphic></wp:anchor>"#,
            r#"</w:drawing></mc:Choice><mc:Choice Requires="w14">{0}</mc:Choice><mc:Fallback><w:pict><v:shape><v:textbox>{0}</v:textbox>"#,
            r#"</v:shape></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>正文</w:t></w:r></w:p>"#,
            r#"<w:p><w:r><w:pict><v:shape><v:textbox>{1}</v:textbox></v:shape></w:pict></w:r></w:p>"#
        ),
        text_box("关于政务云平台项目的验收意见"),
        text_box("旧式文本框")
    );
    let doc = read(&docx_body(&body));
    assert_eq!(
        texts(&doc),
        vec![
            "关于政务云平台项目的验收意见",
            "第二段",
            "正文",
            "旧式文本框",
            "第二段",
            ""
        ]
    );
    assert_eq!(doc.title(), Some("关于政务云平台项目的验收意见"));
}

#[test]
fn docx_revisions_and_field_codes() {
    let body = concat!(
        r#"<w:p><w:r><w:t>保修期</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>一年</w:delText></w:r></w:del>"#,
        r#"<w:ins w:id="2" w:author="a"><w:r><w:t>三年</w:t></w:r></w:ins>"#,
        r#"<w:moveFrom w:id="3"><w:r><w:t>挪走</w:t></w:r></w:moveFrom><w:moveTo w:id="4"><w:r><w:t>，挪来</w:t></w:r></w:moveTo></w:p>"#,
        r#"<w:p><w:r><w:t>第</w:t></w:r><w:r><w:fldChar w:fldCharType="begin"/></w:r>"#,
        r#"<w:r><w:instrText xml:space="preserve"> PAGE \* MERGEFORMAT </w:instrText></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>5</w:t></w:r>"#,
        r#"<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>页</w:t></w:r></w:p>"#,
        r#"<w:del w:id="5"><w:p><w:r><w:t>整段删除</w:t></w:r></w:p></w:del>"#,
        r#"<w:p><w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t><w:tab/></w:r><w:r><w:rPr><w:vanish w:val="0"/></w:rPr><w:t>可见</w:t></w:r></w:p>"#
    );
    let doc = read(&docx_body(body));
    assert_eq!(texts(&doc), vec!["保修期三年，挪来", "第5页", "可见"]);
}

#[test]
fn docx_table_merged_cells_resolve_in_tables_and_row_lines() {
    let header = tr(&[
        tc("", &["序号"]),
        tc("", &["批复建设内容"]),
        tc("", &["实际建设内容"]),
        tc("", &["变化情况"]),
    ]);
    let row1 = tr(&[
        tc(r#"<w:vMerge w:val="restart"/>"#, &["1"]),
        tc(r#"<w:gridSpan w:val="2"/>"#, &["政务云平台"]),
        tc("", &["一致"]),
    ]);
    let row2 = tr(&[
        tc("<w:vMerge/>", &[]),
        tc("", &["数据接口", "共享交换"]),
        tc("", &["数据接口改造"]),
        tc(r#"<w:vMerge w:val="continue"/>"#, &[""]),
    ]);
    let body = format!(
        "{}{}{}",
        p("建设内容与批复内容对比表"),
        tbl(&[header, row1, row2]),
        p("说明")
    );
    let doc = read(&docx_body(&body));
    assert_eq!(
        doc.tables,
        vec![DocTable {
            rows: vec![
                vec![
                    "序号".into(),
                    "批复建设内容".into(),
                    "实际建设内容".into(),
                    "变化情况".into()
                ],
                vec!["1".into(), "政务云平台".into(), "政务云平台".into(), "一致".into()],
                vec![
                    "1".into(),
                    "数据接口\n共享交换".into(),
                    "数据接口改造".into(),
                    "一致".into()
                ],
            ]
        }]
    );
    assert_eq!(
        texts(&doc),
        vec![
            "建设内容与批复内容对比表",
            "序号\t批复建设内容\t实际建设内容\t变化情况",
            "1\t政务云平台\t一致",
            "\t数据接口 共享交换\t数据接口改造\t",
            "说明",
        ]
    );
}

#[test]
fn docx_grid_before_and_legacy_hmerge() {
    let row0 = tr(&[tc("", &["甲"]), tc("", &["乙"]), tc("", &["丙"])]);
    let row1 = r#"<w:tr><w:trPr><w:gridBefore w:val="1"/></w:trPr>"#.to_string()
        + &tc(r#"<w:hMerge w:val="restart"/>"#, &["合并"])
        + &tc(r#"<w:hMerge/>"#, &[])
        + "</w:tr>";
    let doc = read(&docx_body(&tbl(&[row0, row1])));
    assert_eq!(
        doc.tables[0].rows,
        vec![vec!["甲", "乙", "丙"], vec!["", "合并", "合并"]]
    );
}

#[test]
fn docx_nested_table_is_its_own_table_and_part_of_the_outer_cell() {
    let inner = tbl(&[
        tr(&[tc("", &["内1"]), tc("", &["内2"])]),
        tr(&[tc("", &["内3"]), tc("", &["内4"])]),
    ]);
    let outer_cell = format!("<w:tc><w:tcPr/>{}{}<w:p/></w:tc>", p("说明"), inner);
    let outer = tbl(&[
        tr(&[tc("", &["外层"]), outer_cell]),
        tr(&[tc("", &["下"]), tc("", &["行"])]),
    ]);
    let doc = read(&docx_body(&(outer + &p("表后"))));
    assert_eq!(doc.tables.len(), 2);
    assert_eq!(
        doc.tables[0].rows,
        vec![vec!["外层", "说明\n内1\t内2\n内3\t内4\n"], vec!["下", "行"]]
    );
    assert_eq!(doc.tables[1].rows, vec![vec!["内1", "内2"], vec!["内3", "内4"]]);
    assert_eq!(texts(&doc), vec!["外层\t说明 内1\t内2 内3\t内4 ", "下\t行", "表后"]);
}

#[test]
fn docx_main_part_is_found_through_the_relationships() {
    let main = document_xml(&p("真正的正文"));
    let decoy = document_xml(&p("不应读到"));
    for target in [
        "word/document2.xml",
        "/word/document2.xml",
        "./word/../word/document2.xml",
    ] {
        let r = rels(target);
        let bytes = zip(
            &[
                ("_rels/.rels", r.as_bytes()),
                ("word/document.xml", decoy.as_bytes()),
                ("word/document2.xml", main.as_bytes()),
            ],
            true,
        );
        assert_eq!(texts(&read(&bytes)), vec!["真正的正文"], "target {target}");
    }
    // A relationship leaving the package, or naming a missing part: the usual name is used.
    for target in ["../../etc/passwd", "word/nothing.xml", "C:\\word\\document2.xml"] {
        let r = rels(target);
        let bytes = zip(
            &[("_rels/.rels", r.as_bytes()), ("word/document.xml", decoy.as_bytes())],
            false,
        );
        assert_eq!(texts(&read(&bytes)), vec!["不应读到"], "target {target}");
    }
    // No relationships at all.
    let bytes = zip(&[("word/document.xml", main.as_bytes())], false);
    assert_eq!(texts(&read(&bytes)), vec!["真正的正文"]);
}

#[test]
fn docx_entities_and_character_references_resolve() {
    let body = p("A&amp;B &lt;C&gt; &quot;引&quot; &#x4E2D;&#25991;&apos;&#x1F600;");
    assert_eq!(texts(&read(&docx_body(&body))), vec!["A&B <C> \"引\" 中文'😀"]);
}

#[test]
fn docx_deep_nesting_is_a_limit_not_a_crash() {
    for depth in [300usize, 200_000] {
        let body = format!(
            "{}{}{}",
            "<w:sdt><w:sdtContent>".repeat(depth),
            p("深"),
            "</w:sdtContent></w:sdt>".repeat(depth)
        );
        match read_docx(&docx_body(&body)) {
            Err(DocError::Limit(m)) => assert!(m.contains("256"), "{m}"),
            other => panic!("depth {depth}: {other:?}"),
        }
    }
    // Just under the limit still reads.
    let body = format!(
        "{}{}{}",
        "<w:sdt><w:sdtContent>".repeat(100),
        p("浅"),
        "</w:sdtContent></w:sdt>".repeat(100)
    );
    assert_eq!(texts(&read(&docx_body(&body))), vec!["浅"]);
}

#[test]
fn docx_doctype_entities_are_never_expanded() {
    let mut dtd = String::from(r#"<!DOCTYPE w:document [<!ENTITY lol "lol">"#);
    for i in 1..=9 {
        let prev = if i == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", i - 1)
        };
        dtd.push_str(&format!(r#"<!ENTITY lol{i} "{}">"#, format!("&{prev};").repeat(10)));
    }
    dtd.push_str(r#"<!ENTITY ext SYSTEM "file:///etc/passwd">]>"#);
    let xml = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>{dtd}<w:document {W_NS}><w:body>{}</w:body></w:document>"#,
        p("&lol9;安全&ext;&amp;")
    );
    let start = Instant::now();
    let doc = read(&docx_raw(&xml, true));
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(texts(&doc), vec!["安全&"]);
}

#[test]
fn docx_garbage_is_broken_never_a_panic() {
    let no_main = zip(&[("_rels/.rels", rels("word/document.xml").as_bytes())], true);
    let not_xml = docx_raw("<w:document><w:body><w:p></w:r></w:body>", false);
    let binary = zip(&[("word/document.xml", b"\x00\x01\x02PK\xff\xfe")], false);
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"PK\x03\x04".to_vec(),
        b"PK\x05\x06\x00\x00\x00\x00\x01\x00\x01\x00".to_vec(),
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 an OLE header".to_vec(),
        (0u8..=255).cycle().take(5000).collect(),
        no_main,
        not_xml,
    ];
    for input in &inputs {
        assert!(
            matches!(read_docx(input), Err(DocError::Broken(_))),
            "{:?}",
            read_docx(input)
        );
    }
    // Control bytes in the XML are tolerated or broken, never a panic.
    let _ = read_docx(&binary);
}

#[test]
fn docx_mutations_never_panic() {
    let body = format!(
        "{}{}{}",
        p("关于&amp;项目的验收意见"),
        tbl(&[
            tr(&[
                tc(r#"<w:vMerge w:val="restart"/>"#, &["1"]),
                tc(r#"<w:gridSpan w:val="2"/>"#, &["平台"])
            ]),
            tr(&[tc("<w:vMerge/>", &[]), tc("", &["a"]), tc("", &["b"])]),
        ]),
        r#"<w:p><w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>框</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback/></mc:AlternateContent></w:r></w:p>"#
    );
    let xml = document_xml(&body);
    // Whole-file flips (mostly caught by zip checks) on a stored and a deflated docx.
    for (seed, deflate) in [(1u64, false), (2, true)] {
        for m in mutations(&docx_raw(&xml, deflate), rounds(250), seed) {
            let _ = read_docx(&m);
        }
    }
    // Flips of the XML itself, zipped intact, so the XML walker sees them.
    for m in mutations(xml.as_bytes(), rounds(400), 3) {
        let _ = read_docx(&zip(&[("word/document.xml", &m)], false));
    }
}

#[test]
fn docx_written_by_the_support_writer() {
    let bytes = support::docx_with_table(&["项目验收意见", ""], &[vec!["序号", "名称"], vec!["1", "平台"]]);
    let doc = read(&bytes);
    assert_eq!(doc.title(), Some("项目验收意见"));
    assert_eq!(doc.tables[0].rows, vec![vec!["序号", "名称"], vec!["1", "平台"]]);
    assert!(doc.lines.contains(&Line {
        text: "1\t平台".into(),
        page: None
    }));
}

// ---------------------------------------------------------------------------------------------
// OFD
// ---------------------------------------------------------------------------------------------

#[test]
fn ofd_two_pages_with_a_template_and_a_leading_slash_doc_root() {
    let doc = read_o(&two_page_ofd(), ReadOptions::ALL);
    let lines: Vec<(&str, Option<u32>)> = doc.lines.iter().map(|l| (l.text.as_str(), l.page)).collect();
    assert_eq!(
        lines,
        vec![
            ("验收报告", Some(1)),
            ("项目名称：政务云平台", Some(1)),
            ("北京市经济和信息化局", Some(1)),
            ("验收日期：2021年6月16日", Some(2)),
        ]
    );
    assert_eq!((doc.page_count, doc.pages_read), (2, 2));
    assert_eq!(doc.title(), Some("验收报告"));
    assert!(doc.tables.is_empty());
}

#[test]
fn ofd_max_pages_is_honoured() {
    let doc = read_o(&two_page_ofd(), ReadOptions::FIRST_PAGE);
    assert!(doc.lines.iter().all(|l| l.page == Some(1)));
    assert_eq!(doc.lines.len(), 3);
    assert_eq!((doc.page_count, doc.pages_read), (2, 1));
    let none = read_o(&two_page_ofd(), ReadOptions { max_pages: Some(0) });
    assert!(none.lines.is_empty());
    assert_eq!((none.page_count, none.pages_read), (2, 0));
}

#[test]
fn ofd_delta_x_repeat_syntax_places_characters() {
    // Size 3: a gap over 2 em (6 mm) is a tab. `g 3 10.5` puts A B C D at 0, 10.5, 21, 31.5;
    // "EF" starts where D ends (D is 0.55 em wide, estimated). Read as "3 10.5" the list would
    // put B at 3 and run the letters together.
    let objects = concat!(
        r#"<ofd:TextObject ID="1" Boundary="20 50 170 10" Size="3">"#,
        r#"<ofd:TextCode X="0" Y="3" DeltaX="g 3 10.5">ABCD</ofd:TextCode>"#,
        r#"<ofd:TextCode X="33.2" Y="3" DeltaX="g 1 3">EF</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="2" Boundary="20 70 170 10" Size="3">"#,
        r#"<ofd:TextCode X="0" Y="3" DeltaX="3 g 2 3 15 3">金额合计壹万</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="3" Boundary="20 90 170 10" Size="3">"#,
        r#"<ofd:TextCode X="0" Y="3" DeltaX="1.5 1.5 1.5">Total</ofd:TextCode></ofd:TextObject>"#
    );
    let doc = read_o(&one_page_ofd(objects), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["A\tB\tC\tDEF", "金额合计\t壹万", "Total"]);
}

#[test]
fn ofd_text_codes_on_one_baseline_join_in_x_order() {
    // Drawn right to left, baselines 0.4 mm apart, in two TextObjects; a CTM scaling object
    // space by 2 for the third.
    let objects = concat!(
        r#"<ofd:TextObject ID="1" Boundary="100 50 40 10" Size="4"><ofd:TextCode X="0" Y="4">报告</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="2" Boundary="92 50.4 40 10" Size="4"><ofd:TextCode X="0" Y="4" DeltaX="4">验收</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="3" Boundary="0 0 40 10" Size="2" CTM="2 0 0 2 0 0"><ofd:TextCode X="42" Y="27">项目</ofd:TextCode></ofd:TextObject>"#,
        r#"<ofd:TextObject ID="4" Boundary="20 80 100 10" Size="4"><ofd:TextCode X="13" Y="4">2021</ofd:TextCode>"#,
        r#"<ofd:TextCode X="0" Y="4">Date</ofd:TextCode><ofd:TextCode>:</ofd:TextCode></ofd:TextObject>"#
    );
    let doc = read_o(&one_page_ofd(objects), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["项目验收报告", "Date: 2021"]);
}

#[test]
fn ofd_nested_page_blocks_and_composite_objects() {
    let mut deep = text_object(20.0, 100.0, "过深");
    for _ in 0..70 {
        deep = format!(r#"<ofd:PageBlock ID="7">{deep}</ofd:PageBlock>"#);
    }
    let objects = format!(
        concat!(
            r#"<ofd:PageBlock ID="5"><ofd:PageBlock ID="6"><ofd:PageBlock ID="8">{}</ofd:PageBlock>"#,
            r#"{}</ofd:PageBlock></ofd:PageBlock>"#,
            r#"<ofd:CompositeObject ID="9" Boundary="0 0 10 10" ResourceID="12">{}</ofd:CompositeObject>{}"#
        ),
        text_object(20.0, 20.0, "块内标题"),
        text_object(20.0, 40.0, "第二层"),
        text_object(20.0, 60.0, "复合对象"),
        deep
    );
    let doc = read_o(&one_page_ofd(&objects), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["块内标题", "第二层"]);
}

#[test]
fn ofd_paths_leaving_the_package_are_ignored() {
    let parts = [
        (
            "Doc_0/Document.xml",
            ofd_document(&["Pages/Page_0/Content.xml", "../../x.xml", "/../x.xml"], &[]),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml",
            ofd_page(&layer(&text_object(20.0, 20.0, "正文"))),
        ),
        ("x.xml", ofd_page(&layer(&text_object(20.0, 20.0, "逃逸")))),
    ];
    let doc = read_o(&ofd_package("Doc_0/Document.xml", &parts), ReadOptions::ALL);
    assert_eq!(texts(&doc), vec!["正文"]);
    assert_eq!((doc.page_count, doc.pages_read), (3, 3));

    // The document itself outside the package: nothing to read.
    let parts = [("Document.xml", ofd_document(&["Content.xml"], &[]))];
    for root in ["../Document.xml", "C:/Document.xml", "/../../Document.xml"] {
        match read_ofd(&ofd_package(root, &parts), ReadOptions::ALL) {
            Err(DocError::Broken(m)) => assert!(m.contains("DocRoot"), "{m}"),
            other => panic!("{root}: {other:?}"),
        }
    }
    // Every page missing.
    let parts = [("Doc_0/Document.xml", ofd_document(&["Pages/Page_0/Content.xml"], &[]))];
    match read_ofd(&ofd_package("Doc_0/Document.xml", &parts), ReadOptions::ALL) {
        Err(DocError::Broken(m)) => assert!(m.contains("pages"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn ofd_image_only_pages_have_no_text_layer() {
    let scan = ofd_page(&layer(
        r#"<ofd:ImageObject ID="4" Boundary="0 0 210 297" CTM="210 0 0 297 0 0" ResourceID="5"/>"#,
    ));
    let parts = [
        (
            "Doc_0/Document.xml",
            ofd_document(&["Pages/Page_0/Content.xml", "Pages/Page_1/Content.xml"], &[]),
        ),
        ("Doc_0/Pages/Page_0/Content.xml", scan.clone()),
        ("Doc_0/Pages/Page_1/Content.xml", scan),
    ];
    let bytes = ofd_package("Doc_0/Document.xml", &parts);
    assert_eq!(read_ofd(&bytes, ReadOptions::ALL), Err(DocError::NoTextLayer));
    assert_eq!(read_ofd(&bytes, ReadOptions::FIRST_PAGE), Err(DocError::NoTextLayer));
    // A small image (a seal) on a page without text is not a scan: the document is just blank.
    let seal = one_page_ofd(r#"<ofd:ImageObject ID="4" Boundary="150 250 40 40" ResourceID="5"/>"#);
    assert!(read_o(&seal, ReadOptions::ALL).is_blank());
}

#[test]
fn ofd_written_by_the_support_writer() {
    let doc = read_o(
        &support::ofd(&["项目验收意见", "验收日期：2021年6月16日", "Total 100.00"]),
        ReadOptions::ALL,
    );
    assert_eq!(
        texts(&doc),
        vec!["项目验收意见", "验收日期：2021年6月16日", "Total 100.00"]
    );
    assert_eq!((doc.page_count, doc.pages_read), (1, 1));
}

#[test]
fn ofd_garbage_is_broken_never_a_panic() {
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"not a zip".to_vec(),
        (0u8..=255).cycle().take(3000).collect(),
        zip(&[("Doc_0/Document.xml", b"<a/>".as_slice())], false),
        zip(&[("OFD.xml", b"<ofd:OFD><ofd:DocBody>".as_slice())], false),
        zip(&[("OFD.xml", b"\xff\xfe\x00garbage".as_slice())], false),
        ofd_package("Doc_0/Document.xml", &[("Doc_0/Document.xml", "<<<".to_string())]),
        ofd_package("Doc_0/Document.xml", &[("Doc_0/Document.xml", ofd_document(&[], &[]))]),
    ];
    for input in &inputs {
        assert!(
            matches!(read_ofd(input, ReadOptions::ALL), Err(DocError::Broken(_))),
            "{:?}",
            read_ofd(input, ReadOptions::ALL)
        );
    }
}

#[test]
fn ofd_limits() {
    // Nesting deeper than 256 elements in a page.
    let deep = format!("{}{}", "<ofd:PageBlock>".repeat(300), "</ofd:PageBlock>".repeat(300));
    assert!(matches!(
        read_ofd(&one_page_ofd(&deep), ReadOptions::ALL),
        Err(DocError::Limit(_))
    ));
    // More than 10 000 pages.
    let pages = vec!["Pages/Page_0/Content.xml"; 10_001];
    let parts = [("Doc_0/Document.xml", ofd_document(&pages, &[]))];
    assert!(matches!(
        read_ofd(&ofd_package("Doc_0/Document.xml", &parts), ReadOptions::ALL),
        Err(DocError::Limit(_))
    ));
    // A huge `g` repeat count costs nothing.
    let objects = r#"<ofd:TextObject ID="1" Boundary="20 50 170 10" Size="3"><ofd:TextCode X="0" Y="3" DeltaX="g 18446744073709551615 3 g 1e308 3">甲乙</ofd:TextCode></ofd:TextObject>"#;
    assert_eq!(texts(&read_o(&one_page_ofd(objects), ReadOptions::ALL)), vec!["甲乙"]);
}

#[test]
fn ofd_mutations_never_panic() {
    let bytes = two_page_ofd();
    for m in mutations(&bytes, rounds(300), 11) {
        let _ = read_ofd(&m, ReadOptions::ALL);
    }
    // Flips of the page XML itself, zipped intact.
    let page = ofd_page(&layer(&format!(
        r#"<ofd:PageBlock>{}</ofd:PageBlock><ofd:TextObject ID="1" Boundary="1 2 3 4" CTM="1 0 0 1 0 0" Size="3"><ofd:TextCode X="1" Y="2" DeltaX="g 2 3 1" DeltaY="0 1">金额&amp;</ofd:TextCode></ofd:TextObject><ofd:ImageObject Boundary="0 0 210 297"/>"#,
        text_object(1.0, 2.0, "块")
    )));
    let document = ofd_document(&["P.xml"], &[]);
    for m in mutations(page.as_bytes(), rounds(400), 12) {
        let entry = ofd_xml("D/Document.xml");
        let bytes = zip(
            &[
                ("OFD.xml", entry.as_bytes()),
                ("D/Document.xml", document.as_bytes()),
                ("D/P.xml", &m),
            ],
            false,
        );
        let _ = read_ofd(&bytes, ReadOptions::ALL);
    }
}

// ---------------------------------------------------------------------------------------------
// txt
// ---------------------------------------------------------------------------------------------

#[test]
fn txt_encodings_and_line_breaks() {
    let text = "项目验收意见\r\n验收日期：2021年6月16日\n\n末行\r旧式";
    let expected = vec!["项目验收意见", "验收日期：2021年6月16日", "", "末行", "旧式"];

    let mut utf8_bom = b"\xEF\xBB\xBF".to_vec();
    utf8_bom.extend_from_slice(text.as_bytes());
    let mut utf16le = vec![0xFF, 0xFE];
    utf16le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    let mut utf16be = vec![0xFE, 0xFF];
    utf16be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    let gbk = support::gbk(text);

    for (name, bytes) in [
        ("utf-8", text.as_bytes().to_vec()),
        ("utf-8 bom", utf8_bom),
        ("utf-16le", utf16le),
        ("utf-16be", utf16be),
        ("gbk", gbk),
    ] {
        let doc = read_text(&bytes);
        assert_eq!(texts(&doc), expected, "{name}");
        assert!(doc.lines.iter().all(|l| l.page.is_none()));
        assert_eq!(doc.title(), Some("项目验收意见"), "{name}");
    }
    assert_eq!(texts(&read_text(b"a\n")), vec!["a"]);
    assert!(read_text(b"").lines.is_empty());
}

#[test]
fn txt_garbage_never_panics() {
    for m in mutations("项目\r\n名称".as_bytes(), rounds(300), 21) {
        let _ = read_text(&m);
    }
    let _ = read_text(b"\xFF\xFE\x00");
    let _ = read_text(&(0u8..=255).collect::<Vec<_>>());
}

#[test]
fn oversized_parts_are_a_limit() {
    // A main part inflating to more than 64 MiB (a deflate bomb of spaces inside the body).
    let mut xml = document_xml(&p("开头")).into_bytes();
    let at = xml.len() - "</w:body></w:document>".len();
    xml.splice(at..at, std::iter::repeat_n(b' ', 65 * 1024 * 1024));
    match read_docx(&docx_raw(std::str::from_utf8(&xml).unwrap(), true)) {
        Err(DocError::Limit(m)) => assert!(m.contains("64 MiB"), "{m}"),
        other => panic!("{other:?}"),
    }
    let page = ofd_page(&layer(&" ".repeat(65 * 1024 * 1024)));
    let parts = [
        ("Doc_0/Document.xml", ofd_document(&["P.xml"], &[])),
        ("Doc_0/P.xml", page),
    ];
    match read_ofd(&ofd_package("Doc_0/Document.xml", &parts), ReadOptions::ALL) {
        Err(DocError::Limit(m)) => assert!(m.contains("64 MiB"), "{m}"),
        other => panic!("{other:?}"),
    }
}
