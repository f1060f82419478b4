//! Complete, realistic submission packages of the five stages (SPEC §4): one top folder, the
//! basic-info sheet and one file per material required for a new (新建), non-classified project,
//! each named the way Chinese offices name them, in the right format and with consistent content
//! under which every check of the stage is satisfied.
//!
//! The content the checks read (SPEC §6, §8):
//! - basic info: 申报日期 2021-05-10, 项目类型 新建, 是否涉密 否, 是否本单位职责 是,
//!   是否统筹使用全市共性平台 是; plan: 存量数据编目注册 是 and rates 85% / 92% / 88.5% / 90%;
//!   performance: 投入使用批复日期 2020-09-01, 评价年度 2021.
//! - data directory: every system 是 for 入云/上链/更新/确权 and 已投入运行; every data row 已汇聚.
//! - commissioning: 竣工验收 on 2021-03-15 (验收日期 label) and passed; warranty 3 years and
//!   36 months; comparison rows 一致, actual total 198.50 ≤ approved 200.00; 备案编号
//!   11010813001-00001, 第三级.
//! - review: 清单审查意见批复函 dated 2021-01-20 (发文日期), valid for 1 year; the feasibility
//!   report mentions 网络安全, 等级保护 and 密码.
//! - addition: the request has all six contents; funding by 市发展改革委.
//! - performance: the self-evaluation report has all six contents.

use super::docs::{docx, pdf};
use super::formats::xls;
use super::xlsx::{column_name, n, s, text_row, xlsx_with_merges, Cell, MergedSheet};
use super::zip_builder::ZipBuilder;

/// The five stage ids (SPEC §2), in the order of the seed.
pub const STAGES: [&str; 5] = ["plan", "addition", "review", "commissioning", "performance"];
/// The one top folder of every generated package.
pub const TOP_FOLDER: &str = "申报材料";
/// The project of every generated package (the plan's basic info names its annual plan instead).
pub const PROJECT_NAME: &str = "政务数据共享交换平台建设项目";
/// The applicant of every generated package.
pub const APPLICANT: &str = "北京市示范数据管理中心";
/// The submission date (申报日期) of every generated package.
pub const SUBMISSION_DATE: &str = "2021-05-10";
/// The plan stage's 项目名称.
const PLAN_NAME: &str = "2021年度信息化项目实施计划及项目清单";
/// The information systems of the data directory, named by the project list and the comparison.
const SYSTEMS: [&str; 2] = ["政务数据共享交换平台", "电子证照管理系统"];

/// How the files of a package are named: the leading numbering offices put before a material's
/// name. Numbers count the files from 1 in package order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Naming {
    /// No numbering: `运维方案.pdf`.
    Plain,
    /// `01-`, `2.`, `3、` in turn: `01-项目基本情况表.xlsx`, `2.投入使用申请函.docx`.
    Numbered,
    /// Full-width numbering, digits and brackets: `（一）`, `０２－` in turn, and digits of the
    /// name itself full-width (`２０２１年度项目清单.xlsx`).
    FullWidth,
    /// Attachment numbering: `附件1-`, `附件二：` in turn.
    Attachment,
}

impl Naming {
    /// Every naming, for tests that run over all of them.
    pub const ALL: [Naming; 4] = [Naming::Plain, Naming::Numbered, Naming::FullWidth, Naming::Attachment];

    /// The base file name of the `index`-th file (from 1) whose plain name is `name`
    /// (`运维方案.pdf`).
    pub fn apply(self, index: usize, name: &str) -> String {
        match self {
            Naming::Plain => name.to_string(),
            Naming::Numbered => match index % 3 {
                1 => format!("{index:02}-{name}"),
                2 => format!("{index}.{name}"),
                _ => format!("{index}、{name}"),
            },
            Naming::FullWidth => {
                let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
                let prefix = if index % 2 == 1 {
                    format!("（{}）", chinese_number(index))
                } else {
                    full_width(&format!("{index:02}-"))
                };
                format!("{prefix}{}.{ext}", full_width(stem))
            }
            Naming::Attachment => {
                if index % 2 == 1 {
                    format!("附件{index}-{name}")
                } else {
                    format!("附件{}：{name}", chinese_number(index))
                }
            }
        }
    }
}

/// `text` with ASCII digits, brackets and hyphens replaced by their full-width forms.
pub fn full_width(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '0'..='9' | '(' | ')' | '-' => {
                char::from_u32(u32::from(c) - 0x21 + 0xFF01).expect("full-width form exists")
            }
            _ => c,
        })
        .collect()
}

/// `n` (1–99) in Chinese numerals: 一, 十, 十二, 二十四.
pub fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    assert!((1..100).contains(&n), "Chinese numbering for 1–99 only");
    let (tens, ones) = (n / 10, n % 10);
    let tens = match tens {
        0 => String::new(),
        1 => "十".to_string(),
        t => format!("{}十", DIGITS[t]),
    };
    format!("{tens}{}", DIGITS[ones])
}

/// One file of a generated package.
#[derive(Debug, Clone, PartialEq)]
pub struct StageFile {
    /// The material id it is (SPEC §4), e.g. `final_acceptance`; `basic_info` for the sheet.
    pub material: &'static str,
    /// Its path in the archive: `申报材料/<name>`.
    pub path: String,
    /// Its bytes.
    pub data: Vec<u8>,
}

/// A sheet of a table material: an optional title row merged across the table, the header row,
/// then the data rows (which may hold a total row).
#[derive(Debug, Clone, PartialEq)]
pub struct TableSheet {
    /// The sheet's name.
    pub name: String,
    /// The title in row 1, merged across the header's width; `None`: the header is row 1.
    pub title: Option<String>,
    /// The header cells.
    pub header: Vec<String>,
    /// The rows below the header.
    pub rows: Vec<Vec<Cell>>,
}

impl TableSheet {
    /// A sheet with these parts.
    pub fn new(name: &str, title: Option<&str>, header: &[&str], rows: Vec<Vec<Cell>>) -> Self {
        TableSheet {
            name: name.to_string(),
            title: title.map(str::to_string),
            header: header.iter().map(|h| h.to_string()).collect(),
            rows,
        }
    }

    /// The sheet's rows as written: title, header, data.
    pub fn all_rows(&self) -> Vec<Vec<Cell>> {
        let mut rows = Vec::new();
        if let Some(title) = &self.title {
            rows.push(vec![s(title)]);
        }
        rows.push(self.header.iter().map(|h| s(h)).collect());
        rows.extend(self.rows.iter().cloned());
        rows
    }
}

/// An xlsx of these table sheets (title rows merged across their table).
pub fn table_xlsx(sheets: &[TableSheet]) -> Vec<u8> {
    let merges: Vec<Vec<String>> = sheets
        .iter()
        .map(|t| match &t.title {
            Some(_) => vec![format!("A1:{}1", column_name(t.header.len().max(1) - 1))],
            None => Vec::new(),
        })
        .collect();
    let merge_refs: Vec<Vec<&str>> = merges.iter().map(|m| m.iter().map(String::as_str).collect()).collect();
    let parts: Vec<MergedSheet> = sheets
        .iter()
        .zip(&merge_refs)
        .map(|(t, m)| (t.name.as_str(), t.all_rows(), m.as_slice()))
        .collect();
    xlsx_with_merges(&parts)
}

/// The data directory (SPEC §5): a `系统目录` sheet of both systems and a `数据目录` sheet of two
/// resources, each under a title row; every value is the one that satisfies every check.
pub fn data_directory_tables() -> Vec<TableSheet> {
    let systems = TableSheet::new(
        "系统目录",
        Some("信息系统目录"),
        &["系统名称", "是否入云", "是否上链", "是否更新", "是否确权", "运行状态"],
        SYSTEMS
            .iter()
            .map(|name| text_row(&[name, "是", "是", "是", "是", "已投入运行"]))
            .collect(),
    );
    let data = TableSheet::new(
        "数据目录",
        Some("数据资源目录"),
        &[
            "信息资源名称",
            "所属系统",
            "信息项名称",
            "更新周期",
            "共享属性",
            "开放属性",
            "汇聚状态",
        ],
        vec![
            text_row(&[
                "法人基本信息",
                SYSTEMS[0],
                "统一社会信用代码、单位名称、法定代表人",
                "每日",
                "无条件共享",
                "不予开放",
                "已汇聚",
            ]),
            text_row(&[
                "电子证照目录信息",
                SYSTEMS[1],
                "证照名称、证照编号、发证机关",
                "实时",
                "有条件共享",
                "不予开放",
                "已汇聚",
            ]),
        ],
    );
    vec![systems, data]
}

/// The plan's project list (SPEC §5): two new projects whose systems are in the data directory,
/// with duties, guidance directions from the default list, the shared platform used, and a total
/// row.
pub fn project_list_table() -> TableSheet {
    let project = |no: f64, name: &str, duty: &str, direction: &str, systems: &str, wan: f64| {
        vec![
            n(no),
            s(name),
            s("新建"),
            s(duty),
            s(direction),
            s(systems),
            s("是"),
            n(wan),
        ]
    };
    TableSheet::new(
        "项目清单",
        Some("2021年度信息化项目清单"),
        &[
            "序号",
            "项目名称",
            "项目类型",
            "对应三定职责",
            "对应指引方向",
            "涉及系统",
            "是否使用全市共性平台",
            "预算金额（万元）",
        ],
        vec![
            project(
                1.0,
                PROJECT_NAME,
                "负责全市政务数据资源的汇聚、共享和开放工作",
                "数字政府",
                SYSTEMS[0],
                268.4,
            ),
            project(
                2.0,
                "电子证照应用扩展项目",
                "负责推进全市电子证照的制发和应用",
                "民生服务",
                &format!("{}、{}", SYSTEMS[1], SYSTEMS[0]),
                150.0,
            ),
            vec![
                s("合计"),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                n(418.4),
            ],
        ],
    )
}

/// The commissioning comparison of built and approved content (SPEC §5): two unchanged rows
/// (一致), the actual total below the approved one, and a total row.
pub fn comparison_table() -> TableSheet {
    let content = |no: f64, what: &str, approved: f64, actual: f64| {
        vec![n(no), s(what), s(what), n(approved), n(actual), s("一致"), Cell::Empty]
    };
    TableSheet::new(
        "对比表",
        Some("建设内容与批复内容对比表"),
        &[
            "序号",
            "批复建设内容",
            "实际建设内容",
            "批复金额（万元）",
            "实际金额（万元）",
            "变化情况",
            "变更说明",
        ],
        vec![
            content(1.0, "数据共享交换系统", 120.0, 118.5),
            content(2.0, "电子证照管理系统", 80.0, 80.0),
            vec![
                s("合计"),
                Cell::Empty,
                Cell::Empty,
                n(200.0),
                n(198.5),
                Cell::Empty,
                Cell::Empty,
            ],
        ],
    )
}

/// The progress table of approved projects (SPEC §5): two projects, both accepted and running.
pub fn progress_table() -> TableSheet {
    TableSheet::new(
        "进展情况",
        Some("批复项目进展情况表"),
        &["项目名称", "批复文号", "立项情况", "承建情况", "验收情况", "运行状态"],
        vec![
            text_row(&[
                "电子证照管理系统建设项目",
                "京数发〔2019〕8号",
                "已立项",
                "已完成招标",
                "已验收",
                "已投入运行",
            ]),
            text_row(&[
                PROJECT_NAME,
                "京数发〔2020〕12号",
                "已立项",
                "已完成招标",
                "已验收",
                "已投入运行",
            ]),
        ],
    )
}

/// The basic-info rows of a stage's package (label, value), in sheet order (SPEC §5).
pub fn stage_basic_info(stage: &str) -> Vec<(&'static str, &'static str)> {
    let stage_word = match stage {
        "plan" => "规划备案",
        "addition" => "项目追加",
        "review" => "前置评审",
        "commissioning" => "投入使用",
        "performance" => "绩效自评",
        other => panic!("unknown stage {other:?}"),
    };
    let name = if stage == "plan" { PLAN_NAME } else { PROJECT_NAME };
    let mut rows = vec![
        ("项目名称", name),
        ("申报单位", APPLICANT),
        ("申报阶段", stage_word),
        ("项目类型", "新建"),
        ("申报日期", SUBMISSION_DATE),
        ("是否涉密", "否"),
        ("是否本单位职责", "是"),
        ("是否统筹使用全市共性平台", "是"),
    ];
    match stage {
        "plan" => rows.extend([
            ("存量数据编目注册", "是"),
            ("交钥匙率", "85%"),
            ("数据共享响应率", "92%"),
            ("历史数据完整率", "88.5%"),
            ("数据更新及时率", "90%"),
        ]),
        "performance" => rows.extend([("投入使用批复日期", "2020-09-01"), ("评价年度", "2021")]),
        _ => {}
    }
    rows.extend([("联系人", "王明"), ("联系电话", "010-63088888")]);
    rows
}

/// The key/value basic-info sheet: the title `项目基本情况表` in A1, then one row per label
/// (column A) and value (column B).
pub fn basic_info_sheet(rows: &[(&str, &str)]) -> Vec<Vec<Cell>> {
    let mut sheet = vec![vec![s("项目基本情况表")]];
    sheet.extend(rows.iter().map(|(label, value)| vec![s(label), s(value)]));
    sheet
}

/// [`basic_info_sheet`] as an xlsx (sheet `基本情况`, title merged over A1:B1).
pub fn basic_info_xlsx(rows: &[(&str, &str)]) -> Vec<u8> {
    xlsx_with_merges(&[("基本情况", basic_info_sheet(rows), &["A1:B1"])])
}

/// [`basic_info_sheet`] as a BIFF8 `.xls` (sheet `基本情况`).
pub fn basic_info_xls(rows: &[(&str, &str)]) -> Vec<u8> {
    xls(&[("基本情况", basic_info_sheet(rows))])
}

/// The two-row basic-info form as an xlsx: the title in A1 (merged across), the labels across
/// row 2, each value directly below its label in row 3.
pub fn basic_info_xlsx_two_row(pairs: &[(&str, &str)]) -> Vec<u8> {
    let rows = vec![
        vec![s("项目基本情况表")],
        pairs.iter().map(|(label, _)| s(label)).collect(),
        pairs.iter().map(|(_, value)| s(value)).collect(),
    ];
    let merge = format!("A1:{}1", column_name(pairs.len().max(1) - 1));
    xlsx_with_merges(&[("基本情况", rows, &[merge.as_str()])])
}

/// One file of a package before it is numbered: material, plain file name, bytes.
struct Planned {
    material: &'static str,
    name: String,
    data: Vec<u8>,
}

/// A .docx material whose first paragraph is its title (the file name without extension).
fn word(material: &'static str, title: &str, body: &[&str]) -> Planned {
    let mut paragraphs = vec![title];
    paragraphs.extend_from_slice(body);
    Planned {
        material,
        name: format!("{title}.docx"),
        data: docx(&paragraphs),
    }
}

/// A .pdf material whose first line is its title (drawn as `?`s: the PDF writer draws ASCII
/// only), then these ASCII lines.
fn pdf_doc(material: &'static str, title: &str, lines: &[&str]) -> Planned {
    let mut all = vec![title];
    all.extend_from_slice(lines);
    Planned {
        material,
        name: format!("{title}.pdf"),
        data: pdf(&all),
    }
}

/// An .xlsx table material.
fn table(material: &'static str, title: &str, sheets: &[TableSheet]) -> Planned {
    Planned {
        material,
        name: format!("{title}.xlsx"),
        data: table_xlsx(sheets),
    }
}

/// A short generic document body: the project, the applicant, one statement, the signature.
fn generic(statement: &str) -> Vec<String> {
    vec![
        format!("项目名称：{PROJECT_NAME}"),
        format!("建设单位：{APPLICANT}"),
        statement.to_string(),
        APPLICANT.to_string(),
        "2021年4月30日".to_string(),
    ]
}

/// [`word`] with a [`generic`] body.
fn generic_word(material: &'static str, title: &str, statement: &str) -> Planned {
    let body = generic(statement);
    let body: Vec<&str> = body.iter().map(String::as_str).collect();
    word(material, title, &body)
}

/// The funding proof: the money comes from the Development and Reform Commission (新建).
fn funding_proof(title: &str) -> Planned {
    let text = format!("{PROJECT_NAME}所需资金已经市发展改革委审核，纳入2021年市级政府固定资产投资计划，资金有保障。");
    word("funding_proof", title, &[&text, APPLICANT, "2021年4月20日"])
}

/// The plan stage's materials (规划备案).
fn plan_files() -> Vec<Planned> {
    vec![
        generic_word(
            "application_letter",
            "规划备案申报函",
            "现将我单位信息化建设年度实施计划及年度项目清单报上，请予备案。",
        ),
        table("progress_table", "批复项目进展情况表", &[progress_table()]),
        pdf_doc(
            "master_plan",
            "信息化建设总体规划和顶层设计",
            &["Master plan and top-level design of e-government, 2021-2025"],
        ),
        generic_word(
            "annual_plan",
            "2021年度实施计划",
            "2021年计划实施政务数据共享交换平台建设和电子证照应用扩展两个项目。",
        ),
        table("project_list", "2021年度项目清单", &[project_list_table()]),
        table("data_directory", "数据目录（含系统目录）", &data_directory_tables()),
        generic_word(
            "prior_performance",
            "前期已批复项目应用绩效情况说明",
            "前期已批复的电子证照管理系统建设项目已通过验收并投入运行，应用效果良好。",
        ),
        pdf_doc(
            "planning_info_table",
            "规划信息表（一把手签字并加盖公章）",
            &["Planning information table, signed and sealed"],
        ),
    ]
}

/// The addition stage's materials (项目追加).
fn addition_files() -> Vec<Planned> {
    let request = [
        format!("项目名称：{PROJECT_NAME}"),
        "一、三定职责：负责全市政务数据资源的汇聚、共享和开放工作。".to_string(),
        "二、项目背景：全市政务数据共享需求快速增长，现有交换能力不足。".to_string(),
        "三、必要性：项目是落实数字政府建设任务的必要支撑。".to_string(),
        "四、预期绩效：数据共享响应时间缩短一半，支撑各部门业务协同。".to_string(),
        "五、项目投资：项目总投资268.40万元。".to_string(),
        "六、数据汇聚共享：项目产生的数据全部汇聚至市级大数据平台并按需共享。".to_string(),
        APPLICANT.to_string(),
        "2021年5月6日".to_string(),
    ];
    let request: Vec<&str> = request.iter().map(String::as_str).collect();
    vec![
        word("addition_request", "项目追加申请", &request),
        pdf_doc(
            "leader_approval",
            "主管市领导批示",
            &["Approved by the vice mayor in charge"],
        ),
        funding_proof("资金保障情况说明"),
    ]
}

/// The review stage's materials (前置评审, a new project).
fn review_files() -> Vec<Planned> {
    let proposal = [
        format!("项目名称：{PROJECT_NAME}"),
        format!("建设单位：{APPLICANT}"),
        "第一章 项目概述：建设全市统一的政务数据共享交换平台。".to_string(),
        "第五章 网络安全：系统按照网络安全等级保护第三级要求设计和建设，安全措施同步规划、同步建设、同步运行。"
            .to_string(),
        "第六章 密码应用：按照商用密码应用安全性评估要求，采用国产密码算法保障数据传输和存储安全。".to_string(),
        "第七章 投资估算：项目总投资268.40万元。".to_string(),
    ];
    let proposal: Vec<&str> = proposal.iter().map(String::as_str).collect();
    let approval = [
        format!("{APPLICANT}："),
        format!("你单位报送的年度项目清单收悉。经审查，同意{PROJECT_NAME}列入项目清单。"),
        "本批复有效期为1年。".to_string(),
        "北京市大数据管理局".to_string(),
        "发文日期：2021年1月20日".to_string(),
    ];
    let approval: Vec<&str> = approval.iter().map(String::as_str).collect();
    vec![
        generic_word("application_letter", "项目申报函", "现申报该项目前置评审，请予审查。"),
        word("proposal", "项目可行性研究报告", &proposal),
        table("data_directory", "申报项目数据目录", &data_directory_tables()),
        funding_proof("资金保障情况证明"),
        word("list_approval", "项目清单审查意见批复函", &approval),
    ]
}

/// The commissioning stage's materials (投入使用, a new, non-classified project).
fn commissioning_files() -> Vec<Planned> {
    let acceptance = [
        format!("项目名称：{PROJECT_NAME}"),
        format!("建设单位：{APPLICANT}"),
        "验收日期：2021年3月15日".to_string(),
        "验收组听取了承建单位的建设情况汇报，审阅了项目文档，查看了系统运行情况。".to_string(),
        "验收意见：项目已按批复要求完成全部建设内容，文档资料齐全，系统运行稳定。验收组一致同意该项目通过竣工验收。"
            .to_string(),
        "验收组组长（签字）：".to_string(),
        "2021年3月15日".to_string(),
    ];
    let acceptance: Vec<&str> = acceptance.iter().map(String::as_str).collect();
    let warranty = [
        format!("项目名称：{PROJECT_NAME}"),
        "一、质保范围：本项目建设的全部软件系统及配套设备。".to_string(),
        "二、质保期限：免费质保期为3年，自项目竣工验收合格之日起计算。".to_string(),
        "三、保修服务：保修期限36个月，保修期内提供全天候技术支持和现场服务。".to_string(),
        "北京示范科技有限公司（盖章）".to_string(),
    ];
    let warranty: Vec<&str> = warranty.iter().map(String::as_str).collect();
    let filing = [
        "信息系统安全等级保护备案证明".to_string(),
        format!("{APPLICANT}："),
        format!("你单位{}的定级备案材料收悉，经审核符合要求，准予备案。", SYSTEMS[0]),
        "安全保护等级：第三级".to_string(),
        "备案编号：11010813001-00001".to_string(),
        "北京市公安局网络安全保卫总队".to_string(),
        "2020年12月1日".to_string(),
    ];
    let filing: Vec<&str> = filing.iter().map(String::as_str).collect();
    vec![
        generic_word(
            "application_letter",
            "投入使用申请函",
            "项目已通过竣工验收，现申请投入使用，请予审核。",
        ),
        table("data_directory", "验收项目数据目录", &data_directory_tables()),
        generic_word(
            "requirements_spec",
            "需求规格说明书",
            "本说明书描述了平台的功能需求和性能需求。",
        ),
        generic_word(
            "detailed_design",
            "详细设计说明书",
            "本说明书描述了平台各模块的详细设计。",
        ),
        pdf_doc(
            "database_design",
            "数据库设计说明书",
            &["Database design, version 1.0, 2020-11-20"],
        ),
        pdf_doc(
            "security_acceptance_report",
            "安全验收测评报告",
            &["Security acceptance evaluation: passed"],
        ),
        table("content_comparison", "建设内容与批复内容对比表", &[comparison_table()]),
        generic_word(
            "acceptance_test_report",
            "项目验收测试报告",
            "测试结论：系统功能和性能满足需求。",
        ),
        pdf_doc("om_plan", "运维方案", &["Operation and maintenance plan"]),
        word("warranty_plan", "质保方案", &warranty),
        generic_word(
            "preliminary_acceptance",
            "项目初步验收意见",
            "初步验收组同意项目进入试运行。",
        ),
        generic_word(
            "trial_operation_opinion",
            "项目试运行评价意见",
            "系统试运行三个月，运行稳定。",
        ),
        word("final_acceptance", "项目竣工验收意见", &acceptance),
        generic_word("project_summary", "项目总结报告", "项目按计划完成，达到预期目标。"),
        generic_word(
            "construction_summary",
            "项目建设总结报告",
            "项目建设按批复内容全部完成。",
        ),
        generic_word("performance_report", "项目绩效报告", "项目各项绩效指标均已完成。"),
        pdf_doc("approval_document", "项目立项批复", &["Project approval, 2020-06-18"]),
        pdf_doc(
            "procurement_docs",
            "项目采购过程材料",
            &["Public tender documents and contract"],
        ),
        word("mlps_filing", "等保定级备案证明", &filing),
        pdf_doc(
            "mlps_test_report",
            "网络安全等级保护测评报告",
            &["MLPS level 3 evaluation: passed"],
        ),
    ]
}

/// The performance stage's materials (绩效自评).
fn performance_files() -> Vec<Planned> {
    let report = [
        format!("项目名称：{PROJECT_NAME}"),
        "一、建设内容完成情况".to_string(),
        "项目批复的建设内容已全部完成。".to_string(),
        "二、用户使用情况".to_string(),
        "平台已接入全市各委办局，日均调用量稳定增长。".to_string(),
        "三、预期绩效完成情况".to_string(),
        "各项预期绩效指标均已达到。".to_string(),
        "四、统筹建设情况".to_string(),
        "项目统筹使用了全市共性平台。".to_string(),
        "五、数据资源建设情况".to_string(),
        "已完成数据目录编制并注册上链。".to_string(),
        "六、数据资源汇聚共享情况".to_string(),
        "数据资源已全部汇聚至市级大数据平台并按需共享。".to_string(),
    ];
    let report: Vec<&str> = report.iter().map(String::as_str).collect();
    vec![
        word("project_performance_report", "项目绩效自评报告", &report),
        generic_word(
            "department_performance_report",
            "部门年度信息化工作总结报告",
            "本年度部门信息化工作按计划推进，各项目运行良好。",
        ),
        table("progress_table", "批复项目进展情况表", &[progress_table()]),
    ]
}

/// Every file of the complete package of `stage`, named by `naming`: the basic-info sheet first,
/// then one file per required material (SPEC §4, for a new, non-classified project), all under
/// [`TOP_FOLDER`].
pub fn stage_entries(stage: &str, naming: Naming) -> Vec<StageFile> {
    let basic = basic_info_xlsx(&stage_basic_info(stage));
    let mut planned = vec![Planned {
        material: "basic_info",
        name: "项目基本情况表.xlsx".to_string(),
        data: basic,
    }];
    planned.extend(match stage {
        "plan" => plan_files(),
        "addition" => addition_files(),
        "review" => review_files(),
        "commissioning" => commissioning_files(),
        "performance" => performance_files(),
        other => panic!("unknown stage {other:?}"),
    });
    planned
        .into_iter()
        .enumerate()
        .map(|(i, p)| StageFile {
            material: p.material,
            path: format!("{TOP_FOLDER}/{}", naming.apply(i + 1, &p.name)),
            data: p.data,
        })
        .collect()
}

/// [`stage_entries`] as (path, bytes) pairs, ready to be changed and zipped with [`zip_files`].
pub fn stage_files(stage: &str, naming: Naming) -> Vec<(String, Vec<u8>)> {
    stage_entries(stage, naming)
        .into_iter()
        .map(|f| (f.path, f.data))
        .collect()
}

/// The complete package of `stage` as a zip (see [`stage_entries`]).
pub fn stage_package(stage: &str, naming: Naming) -> Vec<u8> {
    zip_files(&stage_files(stage, naming))
}

/// A builder holding these files with UTF-8 names (flag set, deflated), each preceded by entries
/// for its folders not yet added (as zip tools write them). Paths use `/` and are relative; add
/// odd entries (`../x`, `/etc/passwd`) to the returned builder directly.
pub fn zip_builder_with(files: &[(String, Vec<u8>)]) -> ZipBuilder {
    let mut builder = ZipBuilder::new();
    add_files(&mut builder, files, false);
    builder
}

/// Replaces the data of the first file whose path contains `needle` (panics when none does:
/// a test that names a missing file is wrong).
pub fn replace_file(files: &mut [(String, Vec<u8>)], needle: &str, data: Vec<u8>) {
    files
        .iter_mut()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"))
        .1 = data;
}

/// Replaces the warranty plan (保修方案 or 质保方案) of a stage's files with a docx of these
/// paragraphs.
pub fn replace_warranty_plan(files: &mut [(String, Vec<u8>)], paragraphs: &[&str]) {
    let plan = files
        .iter_mut()
        .find(|(p, _)| p.contains("质保方案") || p.contains("保修方案"))
        .unwrap_or_else(|| panic!("no warranty plan among the files"));
    plan.1 = super::docs::docx(paragraphs);
}

/// These files zipped with UTF-8 names (see [`zip_builder_with`]).
pub fn zip_files(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    zip_builder_with(files).finish()
}

/// These files zipped with GBK names and no UTF-8 flag, folders included, as a Chinese Windows
/// zip tool writes them.
pub fn zip_files_gbk(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut builder = ZipBuilder::new();
    add_files(&mut builder, files, true);
    builder.finish()
}

/// Adds each file after the folder entries it needs.
fn add_files(builder: &mut ZipBuilder, files: &[(String, Vec<u8>)], gbk: bool) {
    let mut folders: Vec<String> = Vec::new();
    for (path, data) in files {
        let parts: Vec<&str> = path.split('/').collect();
        for depth in 1..parts.len() {
            let folder = format!("{}/", parts[..depth].join("/"));
            if !folders.contains(&folder) {
                if gbk {
                    builder.dir_gbk(&folder);
                } else {
                    builder.dir(&folder);
                }
                folders.push(folder);
            }
        }
        if gbk {
            builder.file_gbk(path, data);
        } else {
            builder.file(path, data);
        }
    }
}
