//! Stage schemas: the material tables of SPEC §4, the basic-info labels of SPEC §5 and the
//! params of SPEC §8, kept as data in `schemas/*.json`.
//!
//! The files are embedded at build time (`include_str!`) and a reviewing office can override any
//! of them with `--schemas DIR` without recompiling. Loading happens in two phases (STYLE.md
//! point 4): serde reads the raw shape, then [`validate`] turns it into typed, checked values with
//! errors that name the file and the key.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::archive::Limits;
use crate::names::normalize_keyword;

/// The five stages of SPEC §2, in the order the spec lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StageId {
    Plan,
    Addition,
    Review,
    Commissioning,
    Performance,
}

impl StageId {
    /// Every stage, in spec order.
    pub const ALL: [StageId; 5] = [
        StageId::Plan,
        StageId::Addition,
        StageId::Review,
        StageId::Commissioning,
        StageId::Performance,
    ];

    /// The wire id (`plan`, `commissioning`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            StageId::Plan => "plan",
            StageId::Addition => "addition",
            StageId::Review => "review",
            StageId::Commissioning => "commissioning",
            StageId::Performance => "performance",
        }
    }

    /// Parses a wire id.
    pub fn parse(s: &str) -> Option<StageId> {
        StageId::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

impl fmt::Display for StageId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The format a material must come in (SPEC §4 "Formats").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// xlsx, xlsm, xls, ods, csv, or a table inside docx.
    Table,
    /// pdf, docx, ofd, txt.
    Doc,
    /// Anything readable.
    Any,
}

/// A condition under which a material is required (SPEC §4 "required" column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// basic info `项目类型` = 新建.
    ProjectNew,
    /// basic info `项目类型` = 升级改造.
    ProjectUpgrade,
    /// basic info `是否涉密` = 是.
    Classified,
    /// basic info `是否涉密` = 否 (the default).
    NotClassified,
    /// basic info `是否本单位职责` = 否.
    NotWithinDuties,
    /// a project_list row is 升级改造 (plan).
    ProjectListHasUpgrade,
    /// a content_comparison row changed (commissioning).
    ComparisonChanged,
}

impl Condition {
    const NAMES: [(&'static str, Condition); 7] = [
        ("project_new", Condition::ProjectNew),
        ("project_upgrade", Condition::ProjectUpgrade),
        ("classified", Condition::Classified),
        ("not_classified", Condition::NotClassified),
        ("not_within_duties", Condition::NotWithinDuties),
        ("project_list_has_upgrade", Condition::ProjectListHasUpgrade),
        ("comparison_changed", Condition::ComparisonChanged),
    ];

    fn parse(s: &str) -> Option<Condition> {
        Condition::NAMES.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }

    /// The schema name of the condition.
    pub fn as_str(self) -> &'static str {
        Condition::NAMES.iter().find(|(_, c)| *c == self).map_or("", |(n, _)| n)
    }
}

/// When a material is required.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Requirement {
    Always,
    Optional,
    /// Required when every condition holds.
    When(Vec<Condition>),
}

/// One material of a stage (a row of a SPEC §4 table).
#[derive(Debug, Clone)]
pub struct MaterialSpec {
    /// Stable id, e.g. `final_acceptance`.
    pub id: String,
    /// The 材料 name of the spec.
    pub name: String,
    /// Keywords, normalised like file names (NFKC, no spaces).
    pub keywords: Vec<String>,
    /// Words that veto a match.
    pub exclude: Vec<String>,
    pub format: Format,
    pub requirement: Requirement,
    /// The seed clause the material comes from.
    pub seed: String,
}

/// A validated stage schema.
#[derive(Debug, Clone)]
pub struct StageSchema {
    pub stage: StageId,
    pub name: String,
    pub seed_part: String,
    /// `申报阶段` values and archive-name words that name this stage (SPEC §2).
    pub stage_words: Vec<String>,
    /// Basic-info fields the stage requires (SPEC §5 "required").
    pub required_fields: Vec<String>,
    pub materials: Vec<MaterialSpec>,
    /// Numeric params of SPEC §8 (`min_warranty_months`, …).
    pub params: BTreeMap<String, f64>,
}

/// The stage [`Schemas::stage`] gives when `stages` is empty (which `from_files` never builds).
static EMPTY_STAGE: StageSchema = StageSchema {
    stage: StageId::Plan,
    name: String::new(),
    seed_part: String::new(),
    stage_words: Vec::new(),
    required_fields: Vec::new(),
    materials: Vec::new(),
    params: BTreeMap::new(),
};

impl StageSchema {
    /// The material with this id.
    pub fn material(&self, id: &str) -> Option<&MaterialSpec> {
        self.materials.iter().find(|m| m.id == id)
    }
}

/// The value type of a basic-info field (SPEC §5 "value" column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldType {
    Text,
    CreditCode,
    Stage,
    ProjectType,
    Date,
    Bool,
    Year,
    Number,
    Percent,
}

impl FieldType {
    fn parse(s: &str) -> Option<FieldType> {
        Some(match s {
            "text" => FieldType::Text,
            "credit_code" => FieldType::CreditCode,
            "stage" => FieldType::Stage,
            "project_type" => FieldType::ProjectType,
            "date" => FieldType::Date,
            "bool" => FieldType::Bool,
            "year" => FieldType::Year,
            "number" => FieldType::Number,
            "percent" => FieldType::Percent,
            _ => return None,
        })
    }
}

/// A basic-info field with its labels (SPEC §5 basic_info table).
#[derive(Debug, Clone)]
pub struct FieldSpec {
    pub id: String,
    /// Labels, normalised with [`crate::names::normalize_label`].
    pub labels: Vec<String>,
    pub ty: FieldType,
    /// The value when the sheet does not give one (`是否涉密` defaults to false).
    pub default: Option<bool>,
}

/// How a table column's cells are normalised (SPEC §7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// Text as written (NFKC, trimmed).
    Text,
    /// 是/否 and the other forms of SPEC §7.
    Bool,
    /// A number (thousands separators allowed).
    Number,
    /// 新建 → `new`, 升级改造 → `upgrade`.
    ProjectType,
    /// Several names split on the list separators (`涉及系统`).
    List,
}

/// One column of a table kind (SPEC §5): its id and the header texts that name it.
#[derive(Debug, Clone)]
pub struct ColumnSpec {
    pub id: String,
    /// Headers, normalised with [`crate::names::normalize_label`].
    pub headers: Vec<String>,
    pub ty: ColumnType,
    /// The column's vocabulary (SPEC §5); empty when any value goes. A value outside it is a
    /// `data_directory.bad_value` finding.
    pub values: Vec<String>,
}

/// A kind of table (SPEC §5): its columns and the key column whose emptiness ends a data row.
#[derive(Debug, Clone)]
pub struct TableSpec {
    pub name: String,
    pub key: String,
    pub columns: Vec<ColumnSpec>,
}

impl TableSpec {
    /// The column a normalised header names.
    pub fn column_for(&self, header: &str) -> Option<&ColumnSpec> {
        self.columns.iter().find(|c| c.headers.iter().any(|h| h == header))
    }
}

/// Word lists of SPEC §5 that tables use.
#[derive(Debug, Clone, Default)]
pub struct TableWords {
    /// First-cell words of total rows (合计 总计 小计).
    pub total_row: Vec<String>,
    /// `变化情况` values that mean a comparison row changed.
    pub changed: Vec<String>,
    /// `变化情况` values that mean it did not.
    pub unchanged: Vec<String>,
    /// Separators of list cells (`涉及系统`: 、 ， , ; ； / line break).
    pub list_separators: Vec<String>,
}

/// Every schema pingshen works with, validated.
#[derive(Debug, Clone)]
pub struct Schemas {
    /// One per stage, in [`StageId::ALL`] order.
    pub stages: Vec<StageSchema>,
    pub basic_info_fields: Vec<FieldSpec>,
    /// Label cells that are not fields of ours (`联系人`): labels, never values.
    pub other_labels: BTreeSet<String>,
    /// Table kinds by name (`project_list`, `content_comparison`, …).
    pub tables: BTreeMap<String, TableSpec>,
    pub table_words: TableWords,
    pub limits: Limits,
    /// `sha256:` + 16 hex digits over the schema files' names and bytes: changes whenever a schema
    /// changes, so a verdict says which rules made it.
    pub ruleset: String,
}

/// A schema that cannot be used, naming the file and the key.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error("{file}: {message}")]
    Parse { file: String, message: String },
    #[error("{file}: {key}: {message}")]
    Invalid { file: String, key: String, message: String },
    #[error("{file}: cannot read: {message}")]
    Io { file: String, message: String },
}

/// The schema files, by name, as embedded in the binary.
pub const EMBEDDED: [(&str, &str); 7] = [
    ("package.json", include_str!("../schemas/package.json")),
    ("fields.json", include_str!("../schemas/fields.json")),
    ("plan.json", include_str!("../schemas/plan.json")),
    ("addition.json", include_str!("../schemas/addition.json")),
    ("review.json", include_str!("../schemas/review.json")),
    ("commissioning.json", include_str!("../schemas/commissioning.json")),
    ("performance.json", include_str!("../schemas/performance.json")),
];

// ---------------------------------------------------------------- phase 1: raw shapes

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPackage {
    #[serde(default)]
    limits: Limits,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFields {
    basic_info: Vec<RawField>,
    #[serde(default)]
    other_labels: Vec<String>,
    #[serde(default)]
    tables: BTreeMap<String, RawTable>,
    #[serde(default)]
    total_row_words: Vec<String>,
    #[serde(default)]
    changed_words: Vec<String>,
    #[serde(default)]
    unchanged_words: Vec<String>,
    #[serde(default)]
    list_separators: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    key: String,
    columns: Vec<RawColumn>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumn {
    id: String,
    headers: Vec<String>,
    #[serde(default, rename = "type")]
    ty: Option<String>,
    #[serde(default)]
    values: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    id: String,
    labels: Vec<String>,
    #[serde(rename = "type")]
    ty: String,
    #[serde(default)]
    default: Option<bool>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    stage: String,
    name: String,
    seed_part: String,
    stage_words: Vec<String>,
    required_fields: Vec<String>,
    materials: Vec<RawMaterial>,
    #[serde(default)]
    params: BTreeMap<String, serde_json::Value>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMaterial {
    id: String,
    name: String,
    keywords: Vec<String>,
    #[serde(default)]
    exclude: Vec<String>,
    format: String,
    required: RawRequired,
    seed: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawRequired {
    Word(String),
    When { when: Vec<String> },
}

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, SchemaError> {
    serde_json::from_str(text).map_err(|e| SchemaError::Parse {
        file: file.to_string(),
        message: e.to_string(),
    })
}

// ---------------------------------------------------------------- phase 2: validation

fn invalid(file: &str, key: impl Into<String>, message: impl Into<String>) -> SchemaError {
    SchemaError::Invalid {
        file: file.to_string(),
        key: key.into(),
        message: message.into(),
    }
}

/// The table kinds the pipeline reads; each must be described in fields.json.
pub const TABLE_KINDS: [&str; 5] = [
    "project_list",
    "content_comparison",
    "progress_table",
    "system_sheet",
    "data_sheet",
];

fn validate_tables(file: &str, raw: BTreeMap<String, RawTable>) -> Result<BTreeMap<String, TableSpec>, SchemaError> {
    let mut out = BTreeMap::new();
    for (name, t) in raw {
        if !TABLE_KINDS.contains(&name.as_str()) {
            return Err(invalid(
                file,
                format!("tables.{name}"),
                format!("unknown table kind (known: {})", TABLE_KINDS.join(", ")),
            ));
        }
        let mut ids = BTreeSet::new();
        let mut headers_seen = BTreeSet::new();
        let mut columns = Vec::new();
        for (i, c) in t.columns.into_iter().enumerate() {
            let key = format!("tables.{name}.columns[{i}]");
            if c.id.is_empty() || !ids.insert(c.id.clone()) {
                return Err(invalid(
                    file,
                    format!("{key}.id"),
                    format!("empty or duplicate column id {:?}", c.id),
                ));
            }
            let mut headers = Vec::new();
            for h in &c.headers {
                let n = crate::names::normalize_label(h);
                if n.is_empty() || !headers_seen.insert(n.clone()) {
                    return Err(invalid(
                        file,
                        format!("{key}.headers"),
                        format!("empty or duplicate header {h:?}"),
                    ));
                }
                headers.push(n);
            }
            if headers.is_empty() {
                return Err(invalid(
                    file,
                    format!("{key}.headers"),
                    "a column needs at least one header",
                ));
            }
            let ty = match c.ty.as_deref() {
                None | Some("text") => ColumnType::Text,
                Some("bool") => ColumnType::Bool,
                Some("number") => ColumnType::Number,
                Some("project_type") => ColumnType::ProjectType,
                Some("list") => ColumnType::List,
                Some(other) => {
                    return Err(invalid(
                        file,
                        format!("{key}.type"),
                        format!("unknown column type {other:?} (expected text, bool, number, project_type or list)"),
                    ))
                }
            };
            let values = c
                .values
                .iter()
                .map(|v| normalize_keyword(v))
                .filter(|v| !v.is_empty())
                .collect();
            columns.push(ColumnSpec {
                id: c.id,
                headers,
                ty,
                values,
            });
        }
        if !ids.contains(&t.key) {
            return Err(invalid(
                file,
                format!("tables.{name}.key"),
                format!("{:?} is not a column of the table", t.key),
            ));
        }
        out.insert(
            name.clone(),
            TableSpec {
                name,
                key: t.key,
                columns,
            },
        );
    }
    for kind in TABLE_KINDS {
        if !out.contains_key(kind) {
            return Err(invalid(
                file,
                "tables",
                format!("the table kind {kind:?} is needed by the pipeline"),
            ));
        }
    }
    Ok(out)
}

type ValidFields = (
    Vec<FieldSpec>,
    BTreeSet<String>,
    BTreeMap<String, TableSpec>,
    TableWords,
);

fn validate_fields(file: &str, raw: RawFields) -> Result<ValidFields, SchemaError> {
    let mut ids = BTreeSet::new();
    let mut labels_seen = BTreeSet::new();
    let mut out = Vec::new();
    for (i, f) in raw.basic_info.into_iter().enumerate() {
        let key = format!("basic_info[{i}]");
        if f.id.is_empty() || !ids.insert(f.id.clone()) {
            return Err(invalid(
                file,
                format!("{key}.id"),
                format!("empty or duplicate field id {:?}", f.id),
            ));
        }
        let ty = FieldType::parse(&f.ty).ok_or_else(|| {
            invalid(
                file,
                format!("{key}.type"),
                format!("unknown type {:?} (expected text, credit_code, stage, project_type, date, bool, year, number or percent)", f.ty),
            )
        })?;
        if f.default.is_some() && ty != FieldType::Bool {
            return Err(invalid(
                file,
                format!("{key}.default"),
                "only bool fields take a default",
            ));
        }
        if f.labels.is_empty() {
            return Err(invalid(
                file,
                format!("{key}.labels"),
                "a field needs at least one label",
            ));
        }
        let mut labels = Vec::new();
        for l in &f.labels {
            let n = crate::names::normalize_label(l);
            if n.is_empty() || !labels_seen.insert(n.clone()) {
                return Err(invalid(
                    file,
                    format!("{key}.labels"),
                    format!("empty or duplicate label {l:?}"),
                ));
            }
            labels.push(n);
        }
        out.push(FieldSpec {
            id: f.id,
            labels,
            ty,
            default: f.default,
        });
    }
    for must in ["project_name", "applicant", "stage", "project_type", "submission_date"] {
        if !ids.contains(must) {
            return Err(invalid(
                file,
                "basic_info",
                format!("the field {must:?} is needed by the pipeline"),
            ));
        }
    }
    let other = raw
        .other_labels
        .iter()
        .map(|l| crate::names::normalize_label(l))
        .filter(|l| !l.is_empty() && !labels_seen.contains(l))
        .collect();
    let tables = validate_tables(file, raw.tables)?;
    let words = |v: Vec<String>| -> Vec<String> {
        v.iter()
            .map(|w| normalize_keyword(w))
            .filter(|w| !w.is_empty())
            .collect()
    };
    let table_words = TableWords {
        total_row: words(raw.total_row_words),
        changed: words(raw.changed_words),
        unchanged: words(raw.unchanged_words),
        // Separators are kept as written: a line break is one.
        list_separators: raw.list_separators.into_iter().filter(|w| !w.is_empty()).collect(),
    };
    Ok((out, other, tables, table_words))
}

fn validate_stage(file: &str, raw: RawStage, field_ids: &BTreeSet<String>) -> Result<StageSchema, SchemaError> {
    let stage = StageId::parse(&raw.stage).ok_or_else(|| {
        invalid(
            file,
            "stage",
            format!(
                "unknown stage {:?} (expected plan, addition, review, commissioning or performance)",
                raw.stage
            ),
        )
    })?;
    let expected_file = format!("{}.json", stage.as_str());
    if file != expected_file {
        return Err(invalid(
            file,
            "stage",
            format!("stage {:?} belongs in {expected_file}", raw.stage),
        ));
    }
    if raw.stage_words.iter().any(|w| w.trim().is_empty()) || raw.stage_words.is_empty() {
        return Err(invalid(file, "stage_words", "needs at least one non-empty word"));
    }
    for (i, f) in raw.required_fields.iter().enumerate() {
        if !field_ids.contains(f) {
            return Err(invalid(
                file,
                format!("required_fields[{i}]"),
                format!("unknown basic-info field {f:?}"),
            ));
        }
    }
    let mut ids = BTreeSet::new();
    let mut materials = Vec::new();
    for (i, m) in raw.materials.into_iter().enumerate() {
        let key = format!("materials[{i}]");
        if m.id.is_empty()
            || !m
                .id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit())
        {
            return Err(invalid(
                file,
                format!("{key}.id"),
                format!("material ids are snake_case ASCII, got {:?}", m.id),
            ));
        }
        if !ids.insert(m.id.clone()) {
            return Err(invalid(
                file,
                format!("{key}.id"),
                format!("duplicate material id {:?}", m.id),
            ));
        }
        let keywords: Vec<String> = m.keywords.iter().map(|k| normalize_keyword(k)).collect();
        if keywords.is_empty() || keywords.iter().any(String::is_empty) {
            return Err(invalid(
                file,
                format!("{key}.keywords"),
                "needs at least one non-empty keyword",
            ));
        }
        let exclude: Vec<String> = m.exclude.iter().map(|k| normalize_keyword(k)).collect();
        if exclude.iter().any(String::is_empty) {
            return Err(invalid(file, format!("{key}.exclude"), "exclude words cannot be empty"));
        }
        let format = match m.format.as_str() {
            "table" => Format::Table,
            "doc" => Format::Doc,
            "any" => Format::Any,
            other => {
                return Err(invalid(
                    file,
                    format!("{key}.format"),
                    format!("unknown format {other:?} (expected table, doc or any)"),
                ))
            }
        };
        let requirement = match m.required {
            RawRequired::Word(w) if w == "always" => Requirement::Always,
            RawRequired::Word(w) if w == "optional" => Requirement::Optional,
            RawRequired::Word(w) => {
                return Err(invalid(
                    file,
                    format!("{key}.required"),
                    format!("expected \"always\", \"optional\" or {{\"when\": [...]}}, got {w:?}"),
                ))
            }
            RawRequired::When { when } => {
                if when.is_empty() {
                    return Err(invalid(
                        file,
                        format!("{key}.required.when"),
                        "needs at least one condition",
                    ));
                }
                let mut conds = Vec::new();
                for (j, c) in when.iter().enumerate() {
                    conds.push(Condition::parse(c).ok_or_else(|| {
                        let known: Vec<&str> = Condition::NAMES.iter().map(|(n, _)| *n).collect();
                        invalid(
                            file,
                            format!("{key}.required.when[{j}]"),
                            format!("unknown condition {c:?} (known: {})", known.join(", ")),
                        )
                    })?);
                }
                Requirement::When(conds)
            }
        };
        if m.name.trim().is_empty() {
            return Err(invalid(file, format!("{key}.name"), "a material needs a name"));
        }
        materials.push(MaterialSpec {
            id: m.id,
            name: m.name,
            keywords,
            exclude,
            format,
            requirement,
            seed: m.seed,
        });
    }
    if !ids.contains("basic_info") {
        return Err(invalid(
            file,
            "materials",
            "every stage needs the basic_info material (SPEC §4)",
        ));
    }
    let mut params = BTreeMap::new();
    for (k, v) in raw.params {
        let n = v
            .as_f64()
            .filter(|n| n.is_finite())
            .ok_or_else(|| invalid(file, format!("params.{k}"), format!("params are numbers, got {v}")))?;
        params.insert(k, n);
    }
    Ok(StageSchema {
        stage,
        name: raw.name,
        seed_part: raw.seed_part,
        stage_words: raw.stage_words.iter().map(|w| normalize_keyword(w)).collect(),
        required_fields: raw.required_fields,
        materials,
        params,
    })
}

impl Schemas {
    /// The schemas built into the binary.
    pub fn embedded() -> Result<Schemas, SchemaError> {
        let files: Vec<(String, String)> = EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        Schemas::from_files(&files)
    }

    /// The embedded schemas, with every file of the same name found in `dir` taking their place.
    /// Files in `dir` with other names are an error, so a typo never goes unnoticed.
    pub fn with_overrides(dir: &Path) -> Result<Schemas, SchemaError> {
        let mut files: Vec<(String, String)> = EMBEDDED.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
        let shown = dir.display().to_string();
        let rd = std::fs::read_dir(dir).map_err(|e| SchemaError::Io {
            file: shown.clone(),
            message: e.to_string(),
        })?;
        let mut names = Vec::new();
        for entry in rd {
            let entry = entry.map_err(|e| SchemaError::Io {
                file: shown.clone(),
                message: e.to_string(),
            })?;
            let name = entry.file_name().to_string_lossy().into_owned();
            // The verdict schema describes output and the guidance list is reference data (SPEC §10):
            // neither is a rule file.
            if name.ends_with(".json") && name != "verdict.schema.json" && name != "guidance_directions.json" {
                names.push((name, entry.path()));
            }
        }
        names.sort();
        for (name, path) in names {
            let slot = files.iter_mut().find(|(n, _)| *n == name).ok_or_else(|| {
                invalid(
                    &path.display().to_string(),
                    "",
                    "unknown schema file (expected package.json, fields.json or <stage>.json)",
                )
            })?;
            slot.1 = std::fs::read_to_string(&path).map_err(|e| SchemaError::Io {
                file: path.display().to_string(),
                message: e.to_string(),
            })?;
        }
        Schemas::from_files(&files)
    }

    fn from_files(files: &[(String, String)]) -> Result<Schemas, SchemaError> {
        let text = |name: &str| -> &str { files.iter().find(|(n, _)| n == name).map_or("", |(_, t)| t.as_str()) };
        let package: RawPackage = parse("package.json", text("package.json"))?;
        let (basic_info_fields, other_labels, tables, table_words) =
            validate_fields("fields.json", parse("fields.json", text("fields.json"))?)?;
        let field_ids: BTreeSet<String> = basic_info_fields.iter().map(|f| f.id.clone()).collect();
        let mut stages = Vec::new();
        for st in StageId::ALL {
            let file = format!("{}.json", st.as_str());
            let raw: RawStage = parse(&file, text(&file))?;
            stages.push(validate_stage(&file, raw, &field_ids)?);
        }
        let l = &package.limits;
        for (k, v) in [
            ("max_archive_bytes", l.max_archive_bytes),
            ("max_entries", l.max_entries),
            ("max_total_uncompressed", l.max_total_uncompressed),
            ("max_entry_uncompressed", l.max_entry_uncompressed),
            ("max_ratio", l.max_ratio),
            ("max_file_bytes", l.max_file_bytes),
            ("max_held_bytes", l.max_held_bytes),
        ] {
            if v == 0 {
                return Err(invalid(
                    "package.json",
                    format!("limits.{k}"),
                    "a limit must be positive",
                ));
            }
        }
        let mut h = Sha256::new();
        let mut sorted: Vec<&(String, String)> = files.iter().collect();
        sorted.sort();
        for (n, t) in sorted {
            h.update(n.as_bytes());
            h.update([0]);
            h.update(t.as_bytes());
            h.update([0]);
        }
        let digest = h.finalize();
        let hex: String = digest.iter().take(8).map(|b| format!("{b:02x}")).collect();
        Ok(Schemas {
            stages,
            basic_info_fields,
            other_labels,
            tables,
            table_words,
            limits: package.limits,
            ruleset: format!("sha256:{hex}"),
        })
    }

    /// The schema of one stage.
    pub fn stage(&self, id: StageId) -> &StageSchema {
        // `stages` holds every stage in `StageId::ALL` order (built in `from_files`).
        // A stage past the end takes the last one; no stage at all (never built so) an empty one.
        let i = StageId::ALL.iter().position(|s| *s == id).unwrap_or(0);
        self.stages
            .get(i)
            .or_else(|| self.stages.last())
            .unwrap_or(&EMPTY_STAGE)
    }

    /// The basic_info material (the same in every stage).
    pub fn basic_info_material(&self) -> Option<&MaterialSpec> {
        self.stages.first().and_then(|s| s.material("basic_info"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(name: &str, text: &str) -> Vec<(String, String)> {
        EMBEDDED
            .iter()
            .map(|(n, t)| (n.to_string(), if *n == name { text.to_string() } else { t.to_string() }))
            .collect()
    }

    #[test]
    fn embedded_schemas_validate_and_cover_every_stage() {
        let s = Schemas::embedded().expect("embedded schemas are valid");
        assert_eq!(s.stages.len(), 5);
        for (i, st) in StageId::ALL.iter().enumerate() {
            assert_eq!(s.stages[i].stage, *st);
            assert!(s.stages[i].material("basic_info").is_some());
        }
        assert_eq!(
            s.stage(StageId::Commissioning).params.get("min_warranty_months"),
            Some(&24.0)
        );
        assert!(s.ruleset.starts_with("sha256:") && s.ruleset.len() == 7 + 16);
    }

    #[test]
    fn ruleset_changes_when_a_schema_changes() {
        let a = Schemas::embedded().unwrap().ruleset;
        let text =
            include_str!("../schemas/plan.json").replace("\"rate_floor_percent\": 60", "\"rate_floor_percent\": 70");
        let b = Schemas::from_files(&with("plan.json", &text)).unwrap();
        assert_ne!(a, b.ruleset);
        assert_eq!(b.stage(StageId::Plan).params.get("rate_floor_percent"), Some(&70.0));
    }

    #[test]
    fn bad_format_error_names_file_and_key() {
        let text = include_str!("../schemas/review.json").replacen("\"format\": \"doc\"", "\"format\": \"pdf\"", 1);
        let err = Schemas::from_files(&with("review.json", &text))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("review.json: materials[1].format:"), "{err}");
        assert!(err.contains("\"pdf\""), "{err}");
    }

    #[test]
    fn unknown_condition_error_names_file_and_key() {
        let text = include_str!("../schemas/review.json").replace("\"project_upgrade\"", "\"upgrade\"");
        let err = Schemas::from_files(&with("review.json", &text))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("review.json: materials[2].required.when[0]: unknown condition \"upgrade\""),
            "{err}"
        );
    }

    #[test]
    fn syntax_error_names_the_file() {
        let err = Schemas::from_files(&with("plan.json", "{ not json"))
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("plan.json: "), "{err}");
    }

    #[test]
    fn unknown_key_is_refused() {
        let text = include_str!("../schemas/package.json").replace("\"max_ratio\"", "\"max_ration\"");
        let err = Schemas::from_files(&with("package.json", &text))
            .unwrap_err()
            .to_string();
        assert!(err.contains("max_ration"), "{err}");
    }

    #[test]
    fn duplicate_material_id_is_refused() {
        let text = include_str!("../schemas/addition.json")
            .replace("\"id\": \"leader_approval\"", "\"id\": \"addition_request\"");
        let err = Schemas::from_files(&with("addition.json", &text))
            .unwrap_err()
            .to_string();
        assert!(err.contains("duplicate material id"), "{err}");
    }
}
