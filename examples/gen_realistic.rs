//! Writes a corpus of N realistic submission packages for throughput and memory measurements:
//!
//! ```text
//! cargo run --release --example gen_realistic -- DIR N [--big-every K] [--seed S]
//! ```
//!
//! Deterministic (a seeded generator, no outside randomness). The mix, package `i` from 0:
//! - every K-th (`i % K == K - 1`, K = 10 by default) is a **big** package of about 10 MB: the
//!   stage's materials plus three specifications of 200–400 pages each as PDFs (需求规格说明书,
//!   详细设计说明书, 数据库设计说明书: CJK text through UniGB-UCS2-H, Flate-compressed content
//!   streams, a JPEG figure every 16–24 pages) and a docx of several MB (many paragraphs, a big
//!   table, embedded JPEG figures). In a commissioning package they are the materials
//!   requirements_spec, detailed_design, database_design and acceptance_test_report; in a review
//!   package the docx is the feasibility report (read in full by the reviewer); elsewhere they
//!   are attachments that match no material. Big packages cycle through the five stages.
//! - of the others, every third (`i % 3 == 1`) is **medium**: the PDF materials of the stage
//!   package are CJK documents of 3–30 pages with a figure every few pages (up to ~3 MB in all;
//!   review and performance packages, which have no PDF material, stay small);
//! - the rest are the **small** stage packages of `tests/support` (about 13 KB);
//! - naming styles cycle as in `gen_corpus`; every seventh package has GBK names without the
//!   UTF-8 flag; every eleventh small package misses one material; each package has its own
//!   联系人 and 联系电话 in the basic-info sheet, so no two archives are byte-identical.
//!
//! Every page of every document exists and is decodable, whether or not a check reads it, so a
//! pipeline that reads everything pays for all of it.

#[path = "../tests/support/mod.rs"]
mod support;

#[path = "../tests/pdf_writer/mod.rs"]
mod pdf_writer;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use support::{stage_files, xml_escape, zip_files, zip_files_gbk, EntryOpts, Naming, ZipBuilder, STAGES};

const USAGE: &str = "usage: gen_realistic DIR N [--big-every K] [--seed S]";
const PROJECT: &str = "政务数据共享交换平台建设项目";
const APPLICANT: &str = "北京市示范数据管理中心";

// ---------------------------------------------------------------------------------------------
// Deterministic randomness

/// SplitMix64: small, fast, good enough for test data.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x5DEE_CE66_D1CE_4E5B)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + (self.next_u64() % (hi - lo + 1) as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.range(0, items.len() - 1)]
    }
}

// ---------------------------------------------------------------------------------------------
// Text

/// Sentences of the body text of specifications and designs. None of them carries a field the
/// checks read (dates, amounts, warranty, filing numbers), so the verdicts stay those of the
/// stage packages.
const SENTENCES: [&str; 36] = [
    "系统采用分层架构设计，分为基础设施层、数据资源层、应用支撑层和业务应用层。",
    "数据交换子系统负责各委办局之间的数据共享交换，支持库表、文件和接口三种交换方式。",
    "用户通过统一身份认证平台登录后，按照角色权限访问相应的功能模块。",
    "系统应支持不少于五百个并发用户同时在线操作，页面平均响应时间不超过三秒。",
    "目录管理模块提供数据资源目录的编制、审核、发布、变更和注销等功能。",
    "接口服务采用标准化的报文格式，统一进行服务注册、服务发布和服务监控。",
    "日志管理模块记录用户的登录、查询、下载和修改操作，日志保存时间不少于六个月。",
    "数据质量管理模块对汇聚的数据进行完整性、一致性、准确性和及时性校验。",
    "系统部署在市级政务云平台，按照资源集约、统筹使用的原则申请计算和存储资源。",
    "前置交换节点部署在各接入单位，负责本单位数据的抽取、转换和加载。",
    "消息队列用于解耦数据采集和数据处理过程，保证高峰时段的数据不丢失。",
    "主数据管理模块维护法人、人口、地理空间等基础数据的唯一标识和标准编码。",
    "统计分析模块按照部门、数据资源和时间维度展示数据共享和调用情况。",
    "系统提供运行监控大屏，实时展示各节点的运行状态和数据交换量。",
    "数据脱敏组件对身份证号码、手机号码等敏感字段按照规则进行遮蔽处理。",
    "任务调度模块支持定时、周期和事件触发三种调度方式，并提供失败重试机制。",
    "各功能模块之间通过内部服务总线通信，模块接口在附录中逐一列出。",
    "数据库采用主备部署方式，主库故障时自动切换至备库，切换时间不超过五分钟。",
    "历史数据按年度分区存储，超过三年的数据迁移至归档库，支持按需回查。",
    "界面设计遵循政务服务平台统一的视觉规范，主要操作不超过三次点击。",
    "系统支持国产操作系统、国产数据库和国产中间件，满足信息技术应用创新要求。",
    "数据资源申请经提供方审核同意后自动开通，申请和审核过程全程留痕。",
    "电子证照库存储证照元数据和版式文件，支持证照的签发、查验和调用。",
    "开发过程采用迭代方式，每个迭代结束后组织业务部门进行确认。",
    "测试环境与生产环境隔离部署，测试数据使用经过脱敏处理的样例数据。",
    "报表模块支持自定义查询条件，查询结果可导出为电子表格和版式文件。",
    "系统对外提供的接口均需经过接口网关统一鉴权和流量控制。",
    "全文检索模块建立数据资源目录索引，支持按名称、部门和标签检索。",
    "元数据管理模块记录每个数据项的来源系统、更新周期和责任部门。",
    "运行维护人员通过运维管理平台进行配置变更、版本发布和故障处理。",
    "系统在业务高峰期自动扩展服务实例，业务低谷时回收多余的资源。",
    "数据血缘分析功能展示数据从采集、加工到共享使用的完整链路。",
    "消息通知模块通过短信、站内信和政务办公平台推送待办事项。",
    "本章描述的功能需求按照业务流程的先后顺序组织，每项需求给出唯一编号。",
    "各模块的输入、处理和输出在下表中说明，字段定义见数据库设计部分。",
    "文件交换支持断点续传和完整性校验，单个文件大小不超过两个吉字节。",
];

const CHAPTERS: [&str; 12] = [
    "引言",
    "总体设计",
    "功能需求",
    "性能需求",
    "接口设计",
    "数据设计",
    "部署设计",
    "运行环境",
    "模块设计",
    "界面设计",
    "可靠性设计",
    "附录",
];

const FIGURES: [&str; 8] = [
    "系统总体架构图",
    "数据交换流程图",
    "部署拓扑图",
    "功能模块关系图",
    "业务流程图",
    "数据流图",
    "界面原型",
    "实体关系图",
];

const SURNAMES: [&str; 12] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙"];
const GIVEN_NAMES: [&str; 12] = ["明", "伟", "芳", "娜", "敏", "静", "强", "磊", "洋", "艳", "勇", "军"];

const COLUMNS: [(&str, &str, &str); 10] = [
    ("id", "bigint", "主键"),
    ("res_code", "varchar(64)", "资源编码"),
    ("res_name", "varchar(200)", "资源名称"),
    ("dept_code", "varchar(32)", "部门编码"),
    ("share_type", "char(1)", "共享属性"),
    ("update_cycle", "varchar(16)", "更新周期"),
    ("status", "smallint", "状态"),
    ("created_at", "timestamp", "创建时间"),
    ("updated_at", "timestamp", "修改时间"),
    ("remark", "varchar(500)", "备注"),
];

/// A paragraph: one sentence of [`SENTENCES`], then `sentences - 1` generated ones, half of the
/// time a measured figure.
fn paragraph_text(rng: &mut Rng, sentences: usize) -> String {
    let mut text = rng.pick(&SENTENCES).to_string();
    for _ in 1..sentences {
        text.push_str(&sentence(rng));
    }
    if rng.range(0, 1) == 0 {
        let module = rng.pick(&FIGURES).trim_end_matches('图');
        let _ = write!(
            text,
            "经测试，{module}相关功能的平均响应时间为{}.{:02}秒，峰值处理能力为每秒{}笔，共涉及{}张数据表。",
            rng.range(0, 3),
            rng.range(0, 99),
            rng.range(120, 9800),
            rng.range(3, 240)
        );
    }
    text
}

/// The words of [`SENTENCES`]: each clause cut into pieces of two and three characters.
fn vocabulary() -> &'static [String] {
    static WORDS: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        let mut words: Vec<String> = Vec::new();
        for s in SENTENCES {
            for clause in s.split(['，', '。', '、']) {
                let chars: Vec<char> = clause.chars().collect();
                let mut k = 0;
                while k + 2 <= chars.len() {
                    let len = if (k / 2) % 2 == 0 { 2 } else { 3 }.min(chars.len() - k);
                    words.push(chars[k..k + len].iter().collect());
                    k += len;
                }
            }
        }
        words.sort();
        words.dedup();
        words
    })
}

/// A sentence of 5–12 words of [`vocabulary`], with commas: meaningless, but with the statistics
/// (and so the compressibility) of real Chinese prose rather than of a few repeated sentences.
fn sentence(rng: &mut Rng) -> String {
    let words = vocabulary();
    let n = rng.range(5, 12);
    let mut s = String::new();
    for k in 0..n {
        s.push_str(rng.pick(words).as_str());
        if k + 1 < n && rng.range(0, 3) == 0 {
            s.push('，');
        }
    }
    s.push('。');
    s
}

/// `text` cut into lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    chars.chunks(width).map(|c| c.iter().collect()).collect()
}

// ---------------------------------------------------------------------------------------------
// JPEG

/// A JFIF file of about `size` bytes: SOI, APP0, DQT, SOF0 (`w`×`h`, three components), DHT,
/// SOS, entropy-coded data (random bytes with every 0xFF stuffed, so as incompressible as a real
/// photo or screenshot) and EOI. A PDF reader passes it on untouched; nothing here decodes it.
fn jpeg(rng: &mut Rng, size: usize, w: u16, h: u16) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8];
    // APP0 JFIF 1.01, 96 dpi.
    out.extend_from_slice(&[
        0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 1, 0, 96, 0, 96, 0, 0,
    ]);
    // Two quantisation tables (luminance, chrominance) of plausible values.
    for table in 0..2u8 {
        out.extend_from_slice(&[0xFF, 0xDB, 0, 67, table]);
        out.extend((0..64u8).map(|k| 2 + k / 2 + table * 3));
    }
    // SOF0: 8 bits, h × w, three components (Y 2×2, Cb and Cr 1×1).
    out.extend_from_slice(&[0xFF, 0xC0, 0, 17, 8]);
    out.extend_from_slice(&h.to_be_bytes());
    out.extend_from_slice(&w.to_be_bytes());
    out.extend_from_slice(&[3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
    // DHT: the standard luminance DC table (ITU T.81 K.3).
    out.extend_from_slice(&[
        0xFF, 0xC4, 0, 31, 0x00, 0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
    ]);
    // SOS: three components.
    out.extend_from_slice(&[0xFF, 0xDA, 0, 12, 3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);
    while out.len() + 2 < size {
        let word = rng.next_u64().to_le_bytes();
        for b in word {
            out.push(b);
            if b == 0xFF {
                out.push(0);
            }
        }
    }
    out.extend_from_slice(&[0xFF, 0xD9]);
    out
}

// ---------------------------------------------------------------------------------------------
// PDF

/// UCS-2 big-endian hex of `text`, as a PDF hex string for a UniGB-UCS2-H font.
fn ucs2_hex(text: &str) -> String {
    let mut s = String::with_capacity(text.len() * 3 + 2);
    s.push('<');
    for u in text.encode_utf16() {
        let _ = write!(s, "{u:04X}");
    }
    s.push('>');
    s
}

/// Draws `text` with font `font` of `size` at (`x`, `y`).
fn show(c: &mut String, font: &str, size: f64, x: f64, y: f64, text: &str) {
    let _ = writeln!(
        c,
        "BT /{font} {size} Tf 1 0 0 1 {x:.2} {y:.2} Tm {} Tj ET",
        ucs2_hex(text)
    );
}

/// What a page shows besides its text lines.
enum Insert {
    Nothing,
    /// A figure (image resource `Im0`, its number and caption).
    Figure(usize, &'static str),
    /// A table of the database design (its number).
    Table(usize),
}

/// A PDF of `pages` A4 pages: a title page (the title is the first line), then chapters of body
/// text (42 characters a line, 10.5 pt, about 38 lines a page) with a running header and a page
/// footer, a JPEG figure every `figure_every` pages (`figure_kb` its size range in KB) and a
/// field table every seventh page. Two Type0 fonts (宋体 and 黑体 through UniGB-UCS2-H, not
/// embedded, the way many Chinese office tools write), every content stream Flate-compressed.
fn spec_pdf(rng: &mut Rng, title: &str, pages: usize, figure_every: usize, figure_kb: (usize, usize)) -> Vec<u8> {
    let mut doc = pdf_writer::DocBuilder::new(true);
    let cid = |w: &mut pdf_writer::PdfWriter, base: &str| {
        let fd = w.add(format!(
            "<< /Type /FontDescriptor /FontName /{base} /Flags 6 /FontBBox [-25 -254 1000 880] /ItalicAngle 0 \
             /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
        ));
        let d = w.add(format!(
            "<< /Type /Font /Subtype /CIDFontType0 /BaseFont /{base} /CIDSystemInfo << /Registry (Adobe) \
             /Ordering (GB1) /Supplement 4 >> /FontDescriptor {fd} 0 R /DW 1000 /W [1 95 500 814 939 500] >>"
        ));
        w.add(format!(
            "<< /Type /Font /Subtype /Type0 /BaseFont /{base} /Encoding /UniGB-UCS2-H /DescendantFonts [{d} 0 R] >>"
        ))
    };
    let song = cid(&mut doc.w, "STSong-Light");
    let hei = cid(&mut doc.w, "STHeiti-Regular");
    let fonts = format!("/Font << /F1 {song} 0 R /F2 {hei} 0 R >>");

    // Title page.
    let mut c = String::new();
    show(&mut c, "F2", 22.0, 72.0, 640.0, title);
    show(&mut c, "F1", 14.0, 72.0, 560.0, &format!("项目名称：{PROJECT}"));
    show(&mut c, "F1", 14.0, 72.0, 534.0, &format!("建设单位：{APPLICANT}"));
    show(&mut c, "F1", 14.0, 72.0, 508.0, "承建单位：北京示范科技有限公司");
    show(&mut c, "F1", 14.0, 72.0, 482.0, "文档版本：V1.0");
    show(&mut c, "F1", 14.0, 72.0, 456.0, "编制日期：2020年11月");
    doc.page(&format!("<< {fonts} >>"), c.as_bytes());

    let mut chapter = 0usize;
    let mut section = 0usize;
    let mut figures = 0usize;
    let mut tables = 0usize;
    for page in 2..=pages {
        let insert = if page % figure_every == 0 {
            figures += 1;
            Insert::Figure(figures, FIGURES[rng.range(0, FIGURES.len() - 1)])
        } else if page % 7 == 0 {
            tables += 1;
            Insert::Table(tables)
        } else {
            Insert::Nothing
        };
        let mut c = String::new();
        // Running header and its rule.
        show(&mut c, "F1", 9.0, 72.0, 800.0, title);
        c.push_str("0.5 w 72 794 m 523 794 l S\n");
        let mut y = 770.0;
        if page == 2 || rng.range(0, 11) == 0 {
            chapter += 1;
            section = 0;
            let name = CHAPTERS[(chapter - 1) % CHAPTERS.len()];
            show(&mut c, "F2", 16.0, 72.0, y, &format!("第{chapter}章 {name}"));
            y -= 30.0;
        }
        let mut reserved = 0.0;
        match &insert {
            Insert::Figure(n, caption) => {
                let (iw, ih) = (360.0, 240.0);
                let top = y - 120.0;
                let _ = writeln!(c, "q {iw} 0 0 {ih} 117 {:.2} cm /Im0 Do Q", top - ih);
                show(&mut c, "F1", 9.0, 230.0, top - ih - 16.0, &format!("图{n} {caption}"));
                reserved = ih + 40.0;
            }
            Insert::Table(n) => {
                let top = y - 110.0;
                show(&mut c, "F2", 10.5, 220.0, top + 6.0, &format!("表{n} 数据表字段说明"));
                let rows = 11;
                for r in 0..=rows {
                    let ry = top - 18.0 * r as f64;
                    let _ = writeln!(c, "72 {ry:.2} m 523 {ry:.2} l S");
                }
                for x in [72.0, 190.0, 300.0, 380.0, 523.0] {
                    let _ = writeln!(c, "{x} {top:.2} m {x} {:.2} l S", top - 18.0 * rows as f64);
                }
                let header = ["字段名", "类型", "可空", "说明"];
                for (k, h) in header.iter().enumerate() {
                    show(&mut c, "F2", 9.0, [76.0, 194.0, 304.0, 384.0][k], top - 13.0, h);
                }
                for r in 1..rows {
                    let (name, ty, what) = COLUMNS[(r + n) % COLUMNS.len()];
                    let ry = top - 18.0 * r as f64 - 13.0;
                    show(&mut c, "F1", 9.0, 76.0, ry, name);
                    show(&mut c, "F1", 9.0, 194.0, ry, ty);
                    show(&mut c, "F1", 9.0, 304.0, ry, if r == 1 { "否" } else { "是" });
                    show(&mut c, "F1", 9.0, 384.0, ry, what);
                }
                reserved = 18.0 * rows as f64 + 40.0;
            }
            Insert::Nothing => {}
        }
        let reserve_at = y - 100.0;
        let mut reserved_done = reserved == 0.0;
        while y > 80.0 {
            if !reserved_done && y <= reserve_at {
                y -= reserved;
                reserved_done = true;
                continue;
            }
            if rng.range(0, 5) == 0 {
                section += 1;
                show(
                    &mut c,
                    "F2",
                    12.0,
                    72.0,
                    y,
                    &format!("{chapter}.{section} {}", rng.pick(&FIGURES)),
                );
                y -= 22.0;
                continue;
            }
            let sentences = rng.range(2, 5);
            let text = paragraph_text(rng, sentences);
            for (k, line) in wrap(&text, 42).iter().enumerate() {
                if y <= 80.0 || (!reserved_done && y <= reserve_at) {
                    break;
                }
                let x = if k == 0 { 93.0 } else { 72.0 };
                show(&mut c, "F1", 10.5, x, y, line);
                y -= 18.0;
            }
        }
        show(&mut c, "F1", 9.0, 262.0, 40.0, &format!("第 {page} 页 共 {pages} 页"));
        let resources = match insert {
            Insert::Figure(..) => {
                let kb = rng.range(figure_kb.0, figure_kb.1);
                let (w, h) = (1280 + 8 * rng.range(0, 40) as u16, 720 + 8 * rng.range(0, 30) as u16);
                let data = jpeg(rng, kb * 1024, w, h);
                let mut body = format!(
                    "<< /Type /XObject /Subtype /Image /Width {w} /Height {h} /ColorSpace /DeviceRGB \
                     /BitsPerComponent 8 /Filter /DCTDecode /Length {} >>\nstream\n",
                    data.len()
                )
                .into_bytes();
                body.extend_from_slice(&data);
                body.extend_from_slice(b"\nendstream");
                let im = doc.w.add(body);
                format!("<< {fonts} /XObject << /Im0 {im} 0 R >> >>")
            }
            _ => format!("<< {fonts} >>"),
        };
        doc.page(&resources, c.as_bytes());
    }
    doc.finish()
}

// ---------------------------------------------------------------------------------------------
// DOCX

/// One Word paragraph as Word writes it: paragraph and run properties, 仿宋 小四, first-line
/// indent, 1.5 line spacing; `style` is a heading style id or `None` for body text.
fn docx_paragraph(out: &mut String, text: &str, style: Option<&str>) {
    out.push_str("<w:p><w:pPr>");
    if let Some(s) = style {
        let _ = write!(out, r#"<w:pStyle w:val="{s}"/>"#);
    } else {
        out.push_str(r#"<w:spacing w:line="360" w:lineRule="auto"/><w:ind w:firstLineChars="200" w:firstLine="480"/>"#);
    }
    out.push_str(r#"</w:pPr><w:r><w:rPr><w:rFonts w:ascii="仿宋" w:eastAsia="仿宋" w:hAnsi="仿宋" w:hint="eastAsia"/><w:sz w:val="24"/><w:szCs w:val="24"/></w:rPr><w:t xml:space="preserve">"#);
    out.push_str(&xml_escape(text));
    out.push_str("</w:t></w:r></w:p>");
}

/// An inline picture paragraph referring to relationship `rid` (image `n`).
fn docx_picture(out: &mut String, rid: &str, n: usize) {
    let (cx, cy) = (5_274_310u32, 2_966_720u32);
    let _ = write!(
        out,
        concat!(
            r#"<w:p><w:pPr><w:jc w:val="center"/></w:pPr><w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">"#,
            r#"<wp:extent cx="{cx}" cy="{cy}"/><wp:docPr id="{n}" name="图片 {n}"/>"#,
            r#"<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">"#,
            r#"<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
            r#"<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
            r#"<pic:nvPicPr><pic:cNvPr id="{n}" name="image{n}.jpeg"/><pic:cNvPicPr/></pic:nvPicPr>"#,
            r#"<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"#,
            r#"<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>"#,
            r#"<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData></a:graphic>"#,
            "</wp:inline></w:drawing></w:r></w:p>"
        ),
        cx = cx,
        cy = cy,
        n = n,
        rid = rid
    );
}

/// A table cell as Word writes it (width, one paragraph of one run).
fn docx_cell(out: &mut String, text: &str, width: u32) {
    let _ = write!(
        out,
        r#"<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:jc w:val="left"/></w:pPr><w:r><w:rPr><w:rFonts w:hint="eastAsia"/><w:sz w:val="21"/></w:rPr><w:t>{}</w:t></w:r></w:p></w:tc>"#,
        xml_escape(text)
    );
}

/// A docx as Word writes it: `lead` paragraphs first (the first is the title), then `paragraphs`
/// body paragraphs under chapter headings, a figure every ~`figure_every` paragraphs, and a test
/// case table of `rows` rows (six columns); styles, settings, document properties.
fn big_docx(
    rng: &mut Rng,
    lead: &[String],
    paragraphs: usize,
    rows: usize,
    figures: usize,
    figure_kb: (usize, usize),
) -> Vec<u8> {
    let mut body = String::with_capacity(paragraphs * 700 + rows * 2000);
    for (k, p) in lead.iter().enumerate() {
        docx_paragraph(&mut body, p, (k == 0).then_some("1"));
    }
    let figure_every = (paragraphs / figures.max(1)).max(1);
    let mut media: Vec<Vec<u8>> = Vec::new();
    let mut chapter = 0;
    for k in 0..paragraphs {
        if k % 60 == 0 {
            chapter += 1;
            let name = CHAPTERS[(chapter - 1) % CHAPTERS.len()];
            docx_paragraph(&mut body, &format!("第{chapter}章 {name}"), Some("2"));
        }
        let sentences = rng.range(2, 6);
        docx_paragraph(&mut body, &paragraph_text(rng, sentences), None);
        if k % figure_every == figure_every / 2 && media.len() < figures {
            let kb = rng.range(figure_kb.0, figure_kb.1);
            media.push(jpeg(rng, kb * 1024, 1600, 900));
            let n = media.len();
            docx_picture(&mut body, &format!("rIdImg{n}"), n);
            docx_paragraph(&mut body, &format!("图{n} {}", rng.pick(&FIGURES)), None);
        }
    }
    // The test case table.
    docx_paragraph(&mut body, "附表 测试用例执行情况", Some("2"));
    let widths = [1100u32, 1600, 2600, 1800, 1800, 900];
    body.push_str(r#"<w:tbl><w:tblPr><w:tblStyle w:val="a5"/><w:tblW w:w="9800" w:type="dxa"/><w:tblLook w:val="04A0"/></w:tblPr><w:tblGrid>"#);
    for w in widths {
        let _ = write!(body, r#"<w:gridCol w:w="{w}"/>"#);
    }
    body.push_str("</w:tblGrid>");
    let header = ["用例编号", "测试项", "测试步骤", "预期结果", "实际结果", "结论"];
    body.push_str("<w:tr><w:trPr><w:tblHeader/></w:trPr>");
    for (h, w) in header.iter().zip(widths) {
        docx_cell(&mut body, h, w);
    }
    body.push_str("</w:tr>");
    for r in 1..=rows {
        let module = rng.pick(&FIGURES).trim_end_matches('图');
        let step = *rng.pick(&SENTENCES);
        let expect = *rng.pick(&SENTENCES);
        let cells = [
            format!("TC-{:04}", r),
            format!("{module}功能"),
            step.to_string(),
            expect.to_string(),
            format!(
                "与预期结果一致，响应时间{}毫秒，批次号{:08X}",
                rng.range(20, 2999),
                rng.next_u64() as u32
            ),
            format!(
                "通过（{:02}:{:02}:{:02}）",
                rng.range(8, 18),
                rng.range(0, 59),
                rng.range(0, 59)
            ),
        ];
        body.push_str("<w:tr>");
        for (c, w) in cells.iter().zip(widths) {
            docx_cell(&mut body, c, w);
        }
        body.push_str("</w:tr>");
    }
    body.push_str("</w:tbl><w:p/>");

    let document = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" "#,
            r#"xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" "#,
            r#"xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" "#,
            r#"xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" "#,
            r#"xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
            "<w:body>{}",
            r#"<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="1440" w:right="1800" w:bottom="1440" w:left="1800" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr>"#,
            "</w:body></w:document>"
        ),
        body
    );
    let mut rels = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>"#,
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/settings" Target="settings.xml"/>"#
    ));
    for n in 1..=media.len() {
        let _ = write!(
            rels,
            r#"<Relationship Id="rIdImg{n}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image{n}.jpeg"/>"#
        );
    }
    rels.push_str("</Relationships>");
    let content_types = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">"#,
        r#"<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>"#,
        r#"<Default Extension="xml" ContentType="application/xml"/>"#,
        r#"<Default Extension="jpeg" ContentType="image/jpeg"/>"#,
        r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#,
        r#"<Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>"#,
        r#"<Override PartName="/word/settings.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>"#,
        r#"<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>"#,
        r#"<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>"#,
        "</Types>"
    );
    let root_rels = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"#,
        r#"<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>"#,
        r#"<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>"#,
        r#"<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" Target="docProps/app.xml"/>"#,
        "</Relationships>"
    );
    let mut styles = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<w:styles xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">"#,
        r#"<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:eastAsia="宋体" w:hAnsi="Times New Roman"/><w:kern w:val="2"/><w:sz w:val="21"/><w:lang w:val="en-US" w:eastAsia="zh-CN"/></w:rPr></w:rPrDefault></w:docDefaults>"#,
        r#"<w:style w:type="paragraph" w:default="1" w:styleId="a"><w:name w:val="Normal"/><w:qFormat/><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:style>"#
    ));
    for level in 1..=3 {
        let _ = write!(
            styles,
            r#"<w:style w:type="paragraph" w:styleId="{level}"><w:name w:val="heading {level}"/><w:basedOn w:val="a"/><w:next w:val="a"/><w:qFormat/><w:pPr><w:keepNext/><w:keepLines/><w:spacing w:before="340" w:after="330" w:line="578" w:lineRule="auto"/><w:outlineLvl w:val="{}"/></w:pPr><w:rPr><w:rFonts w:eastAsia="黑体"/><w:b/><w:sz w:val="{}"/></w:rPr></w:style>"#,
            level - 1,
            36 - 4 * level
        );
    }
    styles.push_str(r#"<w:style w:type="table" w:styleId="a5"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:left w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:bottom w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:right w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideH w:val="single" w:sz="4" w:space="0" w:color="auto"/><w:insideV w:val="single" w:sz="4" w:space="0" w:color="auto"/></w:tblBorders></w:tblPr></w:style></w:styles>"#);
    let settings = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<w:settings xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:zoom w:percent="100"/><w:defaultTabStop w:val="420"/><w:characterSpacingControl w:val="compressPunctuation"/><w:compat><w:spaceForUL/><w:balanceSingleByteDoubleByteWidth/></w:compat></w:settings>"#
    );
    let core = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            "\n",
            r#"<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">"#,
            "<dc:title>{}</dc:title><dc:creator>Administrator</dc:creator>",
            r#"<dcterms:created xsi:type="dcterms:W3CDTF">2020-11-20T09:30:00Z</dcterms:created></cp:coreProperties>"#
        ),
        xml_escape(lead.first().map_or("", String::as_str))
    );
    let app = concat!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
        "\n",
        r#"<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Application>Microsoft Office Word</Application><AppVersion>16.0000</AppVersion></Properties>"#
    );
    let mut zip = ZipBuilder::new();
    let deflated = EntryOpts {
        deflate: true,
        ..EntryOpts::default()
    };
    let parts: [(&str, &[u8]); 7] = [
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("word/document.xml", document.as_bytes()),
        ("word/_rels/document.xml.rels", rels.as_bytes()),
        ("word/styles.xml", styles.as_bytes()),
        ("word/settings.xml", settings.as_bytes()),
        ("docProps/core.xml", core.as_bytes()),
    ];
    for (name, data) in parts {
        zip.file_raw(name.as_bytes(), data, deflated.clone());
    }
    zip.file_raw(b"docProps/app.xml", app.as_bytes(), deflated.clone());
    for (k, m) in media.iter().enumerate() {
        zip.file_raw(
            format!("word/media/image{}.jpeg", k + 1).as_bytes(),
            m,
            deflated.clone(),
        );
    }
    zip.finish()
}

// ---------------------------------------------------------------------------------------------
// Packages

/// What kind of package index `i` is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Size {
    Small,
    Medium,
    Big,
}

fn size_of(i: usize, big_every: usize) -> Size {
    if big_every > 0 && i % big_every == big_every - 1 {
        Size::Big
    } else if i % 3 == 1 {
        Size::Medium
    } else {
        Size::Small
    }
}

/// The file stem of a plain-named path (`申报材料/运维方案.pdf` → `运维方案`).
fn stem(path: &str) -> &str {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.rsplit_once('.').map_or(base, |(s, _)| s)
}

/// Replaces the extension of `path` by `ext`.
fn with_ext(path: &str, ext: &str) -> String {
    match path.rsplit_once('.') {
        Some((s, _)) => format!("{s}.{ext}"),
        None => format!("{path}.{ext}"),
    }
}

/// The files of package `i`.
fn package(i: usize, big_every: usize, seed: u64) -> (String, Vec<(String, Vec<u8>)>, Size) {
    let size = size_of(i, big_every);
    let stage = match size {
        Size::Big => STAGES[(i / big_every.max(1)) % STAGES.len()],
        _ => STAGES[i % STAGES.len()],
    };
    let naming = Naming::ALL[(i / STAGES.len()) % Naming::ALL.len()];
    let mut rng = Rng::new(seed.wrapping_mul(0x1000_0000_01B3).wrapping_add(i as u64));
    let mut files = stage_files(stage, naming);
    let plain = stage_files(stage, Naming::Plain);
    // Every package its own contact, so no two archives are byte-identical.
    let contact = format!("{}{}", rng.pick(&SURNAMES), rng.pick(&GIVEN_NAMES));
    let phone = format!("010-6{:07}", i % 10_000_000);
    let rows: Vec<(&str, &str)> = support::stage_basic_info(stage)
        .into_iter()
        .map(|(label, value)| match label {
            "联系人" => (label, contact.as_str()),
            "联系电话" => (label, phone.as_str()),
            _ => (label, value),
        })
        .collect();
    files[0].1 = support::basic_info_xlsx(&rows);
    match size {
        Size::Small => {
            if i % 11 == 10 {
                files.remove(1 + i % (files.len() - 1));
            }
        }
        Size::Medium => {
            for (k, (path, data)) in files.iter_mut().enumerate() {
                if path.ends_with(".pdf") {
                    let pages = rng.range(3, 30);
                    let every = rng.range(3, 8);
                    *data = spec_pdf(&mut rng, stem(&plain[k].0), pages, every, (30, 120));
                }
            }
        }
        Size::Big => {
            let big = |rng: &mut Rng, what: &str| {
                let title = format!("{PROJECT}{what}");
                let pages = rng.range(200, 400);
                let every = rng.range(16, 24);
                spec_pdf(rng, &title, pages, every, (50, 200))
            };
            let req = big(&mut rng, "需求规格说明书");
            let design = big(&mut rng, "详细设计说明书");
            let db = big(&mut rng, "数据库设计说明书");
            let paragraphs = rng.range(2500, 3500);
            let rows = rng.range(1200, 1800);
            let test_lead = vec![
                format!("{PROJECT}验收测试报告"),
                format!("项目名称：{PROJECT}"),
                format!("建设单位：{APPLICANT}"),
                "测试单位：北京示范软件测评中心".to_string(),
            ];
            match stage {
                "commissioning" => {
                    let mut put = |needle: &str, ext: &str, data: Vec<u8>| {
                        let at = plain
                            .iter()
                            .position(|(p, _)| p.contains(needle))
                            .unwrap_or_else(|| panic!("no {needle} in the commissioning package"));
                        files[at] = (with_ext(&files[at].0, ext), data);
                    };
                    put("需求规格说明书", "pdf", req);
                    put("详细设计说明书", "pdf", design);
                    put("数据库设计说明书", "pdf", db);
                    put(
                        "验收测试报告",
                        "docx",
                        big_docx(&mut rng, &test_lead, paragraphs, rows, 20, (60, 160)),
                    );
                }
                _ => {
                    let docx = if stage == "review" {
                        // The feasibility report: its real content first (read in full by the
                        // reviewer), then hundreds of pages.
                        let at = plain
                            .iter()
                            .position(|(p, _)| p.contains("可行性研究报告"))
                            .expect("a feasibility report in the review package");
                        let mut lead = vec!["项目可行性研究报告".to_string()];
                        lead.extend(proposal_paragraphs());
                        let data = big_docx(&mut rng, &lead, paragraphs, rows, 20, (60, 160));
                        files[at].1 = data;
                        None
                    } else {
                        Some(big_docx(&mut rng, &test_lead, paragraphs, rows, 20, (60, 160)))
                    };
                    let mut extra = vec![
                        ("需求规格说明书.pdf", req),
                        ("详细设计说明书.pdf", design),
                        ("数据库设计说明书.pdf", db),
                    ];
                    if let Some(d) = docx {
                        extra.push(("项目验收测试报告.docx", d));
                    }
                    for (name, data) in extra {
                        let n = files.len() + 1;
                        files.push((format!("{}/{}", support::TOP_FOLDER, naming.apply(n, name)), data));
                    }
                }
            }
        }
    }
    let name = format!("pkg-{i:05}-{stage}.zip");
    (name, files, size)
}

/// The body of the review package's feasibility report (as in `tests/support`): the mentions
/// of 网络安全, 等级保护 and 密码 and the total investment the checks read.
fn proposal_paragraphs() -> Vec<String> {
    vec![
        format!("项目名称：{PROJECT}"),
        format!("建设单位：{APPLICANT}"),
        "第一章 项目概述：建设全市统一的政务数据共享交换平台。".to_string(),
        "第五章 网络安全：系统按照网络安全等级保护第三级要求设计和建设，安全措施同步规划、同步建设、同步运行。"
            .to_string(),
        "第六章 密码应用：按照商用密码应用安全性评估要求，采用国产密码算法保障数据传输和存储安全。".to_string(),
        "第七章 投资估算：项目总投资268.40万元。".to_string(),
    ]
}

fn write_package(dir: &Path, i: usize, big_every: usize, seed: u64) -> std::io::Result<(usize, Size)> {
    let (name, files, size) = package(i, big_every, seed);
    let data = if i % 7 == 6 {
        zip_files_gbk(&files)
    } else {
        zip_files(&files)
    };
    std::fs::write(dir.join(name), &data)?;
    Ok((data.len(), size))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut big_every = 10usize;
    let mut seed = 2021u64;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--big-every" => big_every = args.next().ok_or(USAGE)?.parse()?,
            "--seed" => seed = args.next().ok_or(USAGE)?.parse()?,
            "-h" | "--help" => {
                eprintln!("{USAGE}");
                return Ok(());
            }
            _ => positional.push(a),
        }
    }
    let [dir, n] = positional.as_slice() else {
        return Err(USAGE.into());
    };
    let dir = PathBuf::from(dir);
    let n: usize = n.parse()?;
    std::fs::create_dir_all(&dir)?;
    let start = std::time::Instant::now();
    let written: Vec<(usize, Size)> = (0..n)
        .into_par_iter()
        .map(|i| write_package(&dir, i, big_every, seed))
        .collect::<Result<_, _>>()?;
    let total: usize = written.iter().map(|(b, _)| b).sum();
    for kind in [Size::Small, Size::Medium, Size::Big] {
        let of: Vec<usize> = written.iter().filter(|(_, s)| *s == kind).map(|(b, _)| *b).collect();
        if of.is_empty() {
            continue;
        }
        let sum: usize = of.iter().sum();
        let (min, max) = (of.iter().min().unwrap_or(&0), of.iter().max().unwrap_or(&0));
        eprintln!(
            "{kind:?}: {} packages, {:.1} MB (min {:.2} MB, mean {:.2} MB, max {:.2} MB)",
            of.len(),
            sum as f64 / 1e6,
            *min as f64 / 1e6,
            sum as f64 / of.len() as f64 / 1e6,
            *max as f64 / 1e6
        );
    }
    println!(
        "{n} packages, {total} bytes ({:.1} MB), in {} ({:.1} s)",
        total as f64 / 1e6,
        dir.display(),
        start.elapsed().as_secs_f64()
    );
    Ok(())
}
