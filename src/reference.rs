//! Reference data (SPEC §10): lists a reviewing office keeps outside the packages — approved
//! commissioning references, monitored departments, guidance directions — given with
//! `--reference DIR` as JSON files, each optional, with an embedded default where the spec names
//! one. A malformed file is an error at start, naming the file.

use std::collections::BTreeSet;
use std::path::Path;

use crate::names::normalize_keyword;

/// The guidance directions of SPEC §10 used when no `guidance_directions.json` is given.
pub const DEFAULT_GUIDANCE_DIRECTIONS: &str = include_str!("../schemas/guidance_directions.json");

/// The reference data in force.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reference {
    /// 投入使用批复文号 known to be approved; `None` when no list was given (REVIEW-RL1 then only
    /// checks that a reference is stated).
    pub approved_commissioning: Option<BTreeSet<String>>,
    /// Applicant names that are monitored departments (月报季评涉及的53家部门).
    pub monitored_departments: Option<BTreeSet<String>>,
    /// 指引方向 values that count as guidance directions (PLAN-RL4).
    pub guidance_directions: BTreeSet<String>,
}

/// A reference file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReferenceError {
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    #[error("{dir}: not a folder")]
    NotADir { dir: String },
}

/// Reference lists are compared after NFKC with spaces removed, so `京经信验〔2019〕22号` matches
/// however it was typed.
pub fn normalize_entry(s: &str) -> String {
    normalize_keyword(s)
}

fn parse_list(file: &str, text: &str) -> Result<BTreeSet<String>, ReferenceError> {
    let list: Vec<serde_json::Value> = serde_json::from_str(text).map_err(|e| ReferenceError::Invalid {
        file: file.to_string(),
        message: format!("expected a JSON array of strings: {e}"),
    })?;
    let mut out = BTreeSet::new();
    for (i, v) in list.iter().enumerate() {
        let s = v.as_str().ok_or_else(|| ReferenceError::Invalid {
            file: file.to_string(),
            message: format!("item {i} is {v}, not a string"),
        })?;
        let n = normalize_entry(s);
        if n.is_empty() {
            return Err(ReferenceError::Invalid {
                file: file.to_string(),
                message: format!("item {i} is empty"),
            });
        }
        out.insert(n);
    }
    Ok(out)
}

impl Reference {
    /// A digest of the lists, in a stable order: part of the ruleset id, so a verdict says which
    /// reference data decided it and `--resume` never keeps a verdict made with other lists.
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        let mut put = |name: &str, list: Option<&BTreeSet<String>>| {
            h.update(name.as_bytes());
            match list {
                None => h.update([0u8]),
                Some(l) => {
                    h.update([1u8]);
                    for e in l {
                        h.update(e.as_bytes());
                        h.update([0u8]);
                    }
                }
            }
        };
        put("approved_commissioning", self.approved_commissioning.as_ref());
        put("monitored_departments", self.monitored_departments.as_ref());
        put("guidance_directions", Some(&self.guidance_directions));
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The embedded defaults: guidance directions only.
    pub fn embedded() -> Reference {
        Reference {
            approved_commissioning: None,
            monitored_departments: None,
            guidance_directions: parse_list("guidance_directions.json", DEFAULT_GUIDANCE_DIRECTIONS)
                .unwrap_or_default(),
        }
    }

    /// Reads the files present in `dir`; absent files keep their defaults. Unknown `.json` files
    /// are refused so a misspelt name never goes unnoticed.
    pub fn load(dir: &Path) -> Result<Reference, ReferenceError> {
        if !dir.is_dir() {
            return Err(ReferenceError::NotADir {
                dir: dir.display().to_string(),
            });
        }
        let mut r = Reference::embedded();
        let read = |name: &str| -> Result<Option<BTreeSet<String>>, ReferenceError> {
            let p = dir.join(name);
            if !p.exists() {
                return Ok(None);
            }
            let text = std::fs::read_to_string(&p).map_err(|e| ReferenceError::Invalid {
                file: p.display().to_string(),
                message: e.to_string(),
            })?;
            parse_list(&p.display().to_string(), &text).map(Some)
        };
        r.approved_commissioning = read("approved_commissioning.json")?;
        r.monitored_departments = read("monitored_departments.json")?;
        if let Some(g) = read("guidance_directions.json")? {
            r.guidance_directions = g;
        }
        let known = [
            "approved_commissioning.json",
            "monitored_departments.json",
            "guidance_directions.json",
        ];
        let entries = std::fs::read_dir(dir).map_err(|e| ReferenceError::Invalid {
            file: dir.display().to_string(),
            message: e.to_string(),
        })?;
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.ends_with(".json") && !known.contains(&name.as_str()) {
                return Err(ReferenceError::Invalid {
                    file: e.path().display().to_string(),
                    message: format!("unknown reference file (known: {})", known.join(", ")),
                });
            }
        }
        Ok(r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(tag: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("pingshen-ref-{tag}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn embedded_guidance_directions_are_the_spec_list() {
        let r = Reference::embedded();
        for d in [
            "数字政府",
            "城市治理",
            "民生服务",
            "数字经济",
            "数据资源",
            "新型基础设施",
            "网络安全",
        ] {
            assert!(r.guidance_directions.contains(d), "{d}");
        }
        assert!(r.approved_commissioning.is_none());
    }

    #[test]
    fn files_in_the_folder_replace_the_defaults() {
        let d = dir("ok");
        std::fs::write(
            d.join("approved_commissioning.json"),
            r#"["京经信验〔2019〕22号", " 京经信验〔2020〕99号 "]"#,
        )
        .unwrap();
        std::fs::write(d.join("guidance_directions.json"), r#"["智慧办公"]"#).unwrap();
        let r = Reference::load(&d).unwrap();
        assert!(r.approved_commissioning.unwrap().contains("京经信验〔2020〕99号"));
        assert_eq!(r.guidance_directions.len(), 1);
    }

    #[test]
    fn malformed_and_unknown_files_are_errors_naming_the_file() {
        let d = dir("bad");
        std::fs::write(d.join("monitored_departments.json"), r#"{"a": 1}"#).unwrap();
        let e = Reference::load(&d).unwrap_err().to_string();
        assert!(e.contains("monitored_departments.json") && e.contains("array"), "{e}");
        let d = dir("unknown");
        std::fs::write(d.join("guidance.json"), "[]").unwrap();
        let e = Reference::load(&d).unwrap_err().to_string();
        assert!(e.contains("guidance.json") && e.contains("unknown"), "{e}");
        let d = dir("item");
        std::fs::write(d.join("guidance_directions.json"), r#"["数字政府", 3]"#).unwrap();
        assert!(Reference::load(&d).unwrap_err().to_string().contains("item 1"));
    }
}
