//! Material identification and completeness (SPEC §4).
//!
//! "A material matches when its name contains one of the material's keywords and none of its
//! `exclude` words. When several materials match one file, the longest matching keyword wins; a
//! tie is a finding `material.ambiguous` (warning) and the file counts for every tied material."

use crate::schema::{Condition, MaterialSpec, Requirement, StageSchema};
use crate::verdict::{FileReport, MaterialStatus, Presence};

/// The materials a normalised name matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameMatch {
    /// Material ids, in schema order; more than one only on a tie.
    pub materials: Vec<String>,
    /// The length (in characters) of the winning keyword.
    pub keyword_len: usize,
}

impl NameMatch {
    /// True when two or more materials tied.
    pub fn is_ambiguous(&self) -> bool {
        self.materials.len() > 1
    }
}

/// The longest keyword of `m` that `name` contains, if `name` contains none of `m`'s excludes.
fn keyword_hit(m: &MaterialSpec, name: &str) -> Option<usize> {
    if m.exclude.iter().any(|x| name.contains(x.as_str())) {
        return None;
    }
    m.keywords
        .iter()
        .filter(|k| name.contains(k.as_str()))
        .map(|k| k.chars().count())
        .max()
}

/// Matches a normalised name (see [`crate::names::normalize_file_name`]) against a stage's
/// materials.
pub fn match_name(stage: &StageSchema, name: &str) -> Option<NameMatch> {
    let hits: Vec<(&MaterialSpec, usize)> = stage
        .materials
        .iter()
        .filter_map(|m| keyword_hit(m, name).map(|len| (m, len)))
        .collect();
    let best = hits.iter().map(|(_, l)| *l).max()?;
    Some(NameMatch {
        materials: hits
            .iter()
            .filter(|(_, l)| *l == best)
            .map(|(m, _)| m.id.clone())
            .collect(),
        keyword_len: best,
    })
}

/// What the package says about the project, for the conditional requirements of SPEC §4.
/// `None` means the package does not say (the input is missing or unreadable).
#[derive(Debug, Clone, Default)]
pub struct Facts {
    /// `new` or `upgrade`.
    pub project_type: Option<String>,
    pub classified: Option<bool>,
    pub within_duties: Option<bool>,
    pub project_list_has_upgrade: Option<bool>,
    pub comparison_changed: Option<bool>,
}

impl Facts {
    fn holds(&self, c: Condition) -> Option<bool> {
        match c {
            Condition::ProjectNew => self.project_type.as_deref().map(|t| t == "new"),
            Condition::ProjectUpgrade => self.project_type.as_deref().map(|t| t == "upgrade"),
            Condition::Classified => self.classified,
            Condition::NotClassified => self.classified.map(|b| !b),
            Condition::NotWithinDuties => self.within_duties.map(|b| !b),
            Condition::ProjectListHasUpgrade => self.project_list_has_upgrade,
            Condition::ComparisonChanged => self.comparison_changed,
        }
    }

    /// Whether a requirement holds: `Some(true)` required, `Some(false)` not, `None` unknown.
    /// A condition that is known to be false decides even when another is unknown.
    pub fn required(&self, r: &Requirement) -> Option<bool> {
        match r {
            Requirement::Always => Some(true),
            Requirement::Optional => Some(false),
            Requirement::When(conds) => {
                let vals: Vec<Option<bool>> = conds.iter().map(|c| self.holds(*c)).collect();
                if vals.contains(&Some(false)) {
                    Some(false)
                } else if vals.iter().all(|v| *v == Some(true)) {
                    Some(true)
                } else {
                    None
                }
            }
        }
    }
}

/// SPEC §9 material statuses, in schema order. A material whose requirement cannot be decided
/// (its input is unknown) is not counted as required: the missing input itself is reported.
pub fn completeness(stage: &StageSchema, files: &[FileReport], facts: &Facts) -> Vec<MaterialStatus> {
    stage
        .materials
        .iter()
        .map(|m| {
            let mine: Vec<&FileReport> = files.iter().filter(|f| f.materials.contains(&m.id)).collect();
            let required = facts.required(&m.requirement) == Some(true);
            let status = if mine.is_empty() {
                if required {
                    Presence::Missing
                } else {
                    Presence::NotRequired
                }
            } else if mine.iter().any(|f| f.readable) {
                Presence::Present
            } else {
                Presence::Unreadable
            };
            let mut paths: Vec<String> = mine.iter().map(|f| f.path.clone()).collect();
            paths.sort();
            MaterialStatus {
                id: m.id.clone(),
                name: m.name.clone(),
                required,
                status,
                format: m.format,
                files: paths,
                seals: Vec::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::normalize_file_name;
    use crate::schema::{Schemas, StageId};

    fn ids(stage: StageId, file: &str) -> Vec<String> {
        let s = Schemas::embedded().unwrap();
        match_name(s.stage(stage), &normalize_file_name(file))
            .map(|m| m.materials)
            .unwrap_or_default()
    }

    #[test]
    fn exclude_words_and_longest_keyword_decide() {
        use StageId::Commissioning as C;
        assert_eq!(ids(C, "5.详细设计说明书.docx"), ["detailed_design"]);
        assert_eq!(ids(C, "6.数据库详细设计说明书.pdf"), ["database_design"]);
        assert_eq!(ids(C, "数据库设计说明书.pdf"), ["database_design"]);
        assert_eq!(ids(C, "15.项目总结报告.docx"), ["project_summary"]);
        assert_eq!(ids(C, "16.项目建设总结报告.docx"), ["construction_summary"]);
        assert_eq!(ids(C, "14.终验意见.pdf"), ["final_acceptance"]);
        assert_eq!(ids(C, "11.质保方案.pdf"), ["warranty_plan"]);
        assert_eq!(ids(C, "20.信息系统安全等级保护备案证明.pdf"), ["mlps_filing"]);
        assert_eq!(ids(StageId::Plan, "年度实施计划.docx"), ["annual_plan"]);
        assert_eq!(ids(StageId::Plan, "2022年度项目清单.xlsx"), ["project_list"]);
        assert_eq!(ids(StageId::Plan, "年度实施计划及项目清单.docx"), ["project_list"]);
    }

    #[test]
    fn equally_long_keywords_of_two_materials_tie() {
        // 对比表 (content_comparison) and 采购 (procurement_docs) … use two 2-char keywords:
        // 初验 (preliminary_acceptance) and 终验 (final_acceptance).
        let got = ids(StageId::Commissioning, "初验终验意见.pdf");
        assert_eq!(got, ["preliminary_acceptance", "final_acceptance"]);
    }

    #[test]
    fn requirement_with_an_unknown_input_is_undecided_unless_another_is_false() {
        let f = Facts {
            classified: Some(false),
            ..Facts::default()
        };
        let r = Requirement::When(vec![Condition::NotClassified, Condition::ProjectNew]);
        assert_eq!(f.required(&r), None);
        let f = Facts {
            classified: Some(true),
            ..Facts::default()
        };
        assert_eq!(f.required(&r), Some(false));
        let f = Facts {
            classified: Some(false),
            project_type: Some("new".into()),
            ..Facts::default()
        };
        assert_eq!(f.required(&r), Some(true));
    }
}
