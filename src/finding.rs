//! Findings: what pingshen noticed about a package that is not a check result.
//!
//! Finding codes are API (STYLE.md point 3): a code never changes meaning once released. Each code
//! has one fixed severity and a description; `pingshen explain CODE` prints it.

use serde::{Deserialize, Serialize};

use crate::verdict::Message;

/// How much a finding weighs in the verdict (SPEC §9): `error` findings make the package `error`
/// or `incomplete`, `warning` findings make it at least `needs_review`, `info` never changes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

macro_rules! codes {
    ($( $(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $desc:literal; )*) => {
        /// Every finding code pingshen can emit.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $(#[$doc])* $variant, )* }

        impl Code {
            /// All codes, in declaration order.
            pub const ALL: &'static [Code] = &[ $( Code::$variant, )* ];

            /// The stable wire id, e.g. `package.unsafe_entry_name`.
            pub fn as_str(self) -> &'static str {
                match self { $( Code::$variant => $code, )* }
            }

            /// The fixed severity of this code.
            pub fn severity(self) -> Severity {
                match self { $( Code::$variant => Severity::$sev, )* }
            }

            /// One sentence saying what the code means.
            pub fn description(self) -> &'static str {
                match self { $( Code::$variant => $desc, )* }
            }

            /// Looks a code up by its wire id.
            pub fn from_id(id: &str) -> Option<Code> {
                match id { $( $code => Some(Code::$variant), )* _ => None }
            }
        }
    };
}

codes! {
    // --- the archive as a whole (SPEC §3) ---
    PackageEmpty = "package.empty", Error, "The archive file is empty (0 bytes).";
    PackageNotZip = "package.not_zip", Error, "The archive is not a zip file; the detected format is named (RAR, 7z, gzip, tar, PDF, …).";
    PackageCorrupt = "package.corrupt", Error, "The zip archive cannot be read: truncated, no central directory, or inconsistent headers.";
    PackageLimitExceeded = "package.limit_exceeded", Error, "A safety limit of SPEC §3 (archive size, entry count, uncompressed size, compression ratio) was passed; nothing past it was inflated.";
    PackageUnreadable = "package.unreadable", Error, "The archive file could not be read from disk.";
    PackageInternalError = "package.internal_error", Error, "pingshen failed internally on this package; the package got an error verdict and the batch went on.";
    PackageTimeout = "package.timeout", Error, "The review of the package took longer than its time budget (--timeout); the worker was stopped and the batch went on.";
    PackageOutOfMemory = "package.out_of_memory", Error, "The worker reviewing the package ran out of memory (--max-memory); it was replaced and the batch went on.";
    PackageWorkerCrashed = "package.worker_crashed", Error, "The worker reviewing the package died (abort, signal, stack overflow); it was replaced and the batch went on.";
    PackageUnsafeEntryName = "package.unsafe_entry_name", Warning, "An entry name holds `..`, an absolute path or a drive letter; the entry was ignored.";
    PackageDoubleZip = "package.double_zip", Info, "The archive's only real entry was another zip; it was unwrapped once.";
    PackageEncryptedEntry = "package.encrypted_entry", Info, "An entry is encrypted; its file is unreadable and the rest of the package proceeds.";
    PackageUnsupportedCompression = "package.unsupported_compression", Info, "An entry uses a compression method pingshen does not inflate; its file is unreadable.";
    PackageCorruptEntry = "package.corrupt_entry", Info, "An entry's data could not be inflated (bad CRC or broken stream); its file is unreadable.";
    PackageDuplicateEntry = "package.duplicate_entry", Info, "Two entries have the same decoded path; both are kept.";
    // --- stage (SPEC §2) ---
    StageUndecided = "stage.undecided", Error, "No stage could be decided from --stage, the basic-info sheet, the archive name or the materials.";
    StageUnknownValue = "stage.unknown_value", Warning, "The basic-info sheet's 申报阶段 names no known stage.";
    StageConflict = "stage.conflict", Info, "The basic-info sheet's 申报阶段 disagrees with the stage chosen on the command line.";
    // --- files and materials (SPEC §3, §4) ---
    FileExtensionMismatch = "file.extension_mismatch", Info, "The file's content is of another type than its extension says; it was read by its content.";
    FileOverBudget = "file.over_budget", Warning, "Reading the file would need more memory than the budget (max_file_bytes for one file, max_held_bytes for the files held together): it was not inflated, it is unreadable, and the rest of the package proceeds (SPEC §3).";
    FileUnreadable = "file.unreadable", Info, "A file's content cannot be read (encrypted, legacy .doc/.wps/.et, image, unsupported or broken).";
    FileUnmappedText = "file.unmapped_text", Warning, "A PDF page draws glyphs, but too few of them map to Unicode (no usable ToUnicode, font program or character collection): its text cannot be read, so the document is unreadable for text and goes to OCR when an engine is available (SPEC §6).";
    MaterialAmbiguous = "material.ambiguous", Warning, "A file name matches several materials with equally long keywords; it counts for each of them.";
    MaterialUnmatched = "material.unmatched", Info, "A file matches no material of the stage by its name or its title.";
    MaterialWrongFormat = "material.wrong_format", Warning, "A material's file is not of the format the stage asks for (a table given as a document, or the reverse).";
    // --- basic-info sheet (SPEC §5) ---
    BasicInfoMissingField = "basic_info.missing_field", Error, "A field the stage requires is absent from the basic-info sheet or empty.";
    BasicInfoBadValue = "basic_info.bad_value", Warning, "A basic-info value cannot be read as the type its field needs.";
    BasicInfoInvalidCreditCode = "basic_info.invalid_credit_code", Warning, "The 统一社会信用代码 fails the GB 32100 check; the field is not emitted.";
    BasicInfoUnreadable = "basic_info.unreadable", Warning, "The basic-info sheet could not be read as a table.";
    // --- tables (SPEC §5) ---
    DataDirectoryBadValue = "data_directory.bad_value", Warning, "A data-directory cell holds a value outside its column's vocabulary (SPEC §5).";
    TableNotFound = "table.not_found", Warning, "A table material holds no table whose header row names its columns (SPEC §5).";
    // --- consistency across documents (checks issue) ---
    ConsistencyAmountMismatch = "consistency.amount_mismatch", Warning, "The basic-info sheet's 项目金额 disagrees with the amount the document it comes from states (the proposal's or request's 总投资, the comparison table's approved total).";
    // --- values (SPEC §7) ---
    // --- scanned documents (OCR) ---
    OcrUnavailable = "ocr.unavailable", Info, "A scanned document (no text layer, or text without Unicode mapping) holds fields a check needs, but no OCR engine is available (PP-OCR: run scripts/install-ocr.sh; or tesseract with chi_sim); the fields stay unread. With --ocr require the package gets an error finding instead (ocr.required).";
    OcrRequired = "ocr.required", Error, "--ocr require was given but no OCR engine is available (PP-OCR: run scripts/install-ocr.sh; or tesseract with chi_sim), so scanned documents cannot be read.";
    ValueBadDate = "value.bad_date", Info, "A value looks like a date but names no real day (2月30日); it is not used as a date. Warning for a basic-info date field, info elsewhere (SPEC §7).";
}

impl Code {
    /// What the code means, in Chinese (`pingshen explain`).
    pub fn description_zh(self) -> &'static str {
        match self {
            Code::PackageEmpty => "压缩包是空文件（0 字节）。",
            Code::PackageNotZip => "压缩包不是 zip 文件；写明识别出的格式（RAR、7z、gzip、tar、PDF 等）。",
            Code::PackageCorrupt => "zip 压缩包无法读取：文件不完整、缺少中央目录或文件头不一致。",
            Code::PackageLimitExceeded => "超过了安全限制（压缩包大小、条目数、解压后大小、压缩比），超出部分未解压。",
            Code::PackageUnreadable => "无法从磁盘读取压缩包文件。",
            Code::PackageInternalError => "评审该材料包时程序内部出错；该包判为无法评审，批量评审继续。",
            Code::PackageTimeout => "评审用时超过时限（--timeout）；评审进程已停止，批量评审继续。",
            Code::PackageOutOfMemory => "评审进程内存不足（--max-memory）；已更换进程，批量评审继续。",
            Code::PackageWorkerCrashed => "评审进程意外终止（中止、信号、栈溢出）；已更换进程，批量评审继续。",
            Code::PackageUnsafeEntryName => "条目名称含有 ..、绝对路径或盘符，已忽略该条目。",
            Code::PackageDoubleZip => "压缩包内唯一的有效条目是另一个 zip，已解开一层。",
            Code::PackageEncryptedEntry => "条目已加密，其文件无法读取，其余材料照常评审。",
            Code::PackageUnsupportedCompression => "条目使用了不支持的压缩方式，其文件无法读取。",
            Code::PackageCorruptEntry => "条目数据无法解压（校验值不符或数据损坏），其文件无法读取。",
            Code::PackageDuplicateEntry => "两个条目的路径相同，两者都保留。",
            Code::StageUndecided => "无法从 --stage、基本情况表、压缩包名称或材料确定申报阶段。",
            Code::StageUnknownValue => "基本情况表中的申报阶段不是已知阶段。",
            Code::StageConflict => "基本情况表中的申报阶段与命令行指定的阶段不一致。",
            Code::FileExtensionMismatch => "文件内容与扩展名不符，已按内容读取。",
            Code::FileOverBudget => "读取该文件所需内存超过限额（单个文件 max_file_bytes、同时保留 max_held_bytes），未解压，视为无法读取，其余材料照常评审。",
            Code::FileUnreadable => "文件内容无法读取（加密、旧版 .doc/.wps/.et、图片、不支持的格式或已损坏）。",
            Code::FileUnmappedText => "PDF 页面有文字，但大多无法对应到字符，文字无法读取；有 OCR 引擎时改用 OCR 识读。",
            Code::MaterialAmbiguous => "文件名同样程度地匹配多项材料，对每项都计入。",
            Code::MaterialUnmatched => "文件名称和标题都不匹配本阶段的任何材料。",
            Code::MaterialWrongFormat => "材料的文件格式与本阶段要求不符（应为表格的给了文档，或相反）。",
            Code::BasicInfoMissingField => "基本情况表缺少本阶段必填的字段，或该字段为空。",
            Code::BasicInfoBadValue => "基本情况表中的值无法按字段类型读取。",
            Code::BasicInfoInvalidCreditCode => "统一社会信用代码未通过 GB 32100 校验，该字段不予采用。",
            Code::BasicInfoUnreadable => "基本情况表无法作为表格读取。",
            Code::DataDirectoryBadValue => "数据目录中的取值不在该列允许的取值范围内。",
            Code::TableNotFound => "表格材料中找不到表头列名相符的表格。",
            Code::ConsistencyAmountMismatch => "基本情况表的项目金额与来源文件（建议书或申请中的总投资、对比表的批复合计）不一致。",
            Code::OcrUnavailable => "扫描件中有检查所需的字段，但没有可用的 OCR 引擎，字段未读取。",
            Code::OcrRequired => "指定了 --ocr require，但没有可用的 OCR 引擎，扫描件无法读取。",
            Code::ValueBadDate => "看似日期的值不是真实存在的日期（如 2月30日），不作为日期使用。",
        }
    }
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Code {
    /// From the wire id; an id this build does not know is an error.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let id = String::deserialize(d)?;
        Code::from_id(&id).ok_or_else(|| serde::de::Error::custom(format!("unknown finding code {id:?}")))
    }
}

/// Where a finding or a value came from: the evidence a reviewer clicks through to.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    /// The file's path inside the archive, as decoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// A cell reference such as `C7`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    /// A 1-based page number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    /// The text the value was read from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `Some(true)` when the text was read by OCR from a scanned page (never `Some(false)`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ocr: Option<bool>,
    /// The OCR confidence (0–100) the value was read with: the lowest of its characters; only
    /// with `ocr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Confidence>,
    /// Why a value read by OCR decides nothing (SPEC §6): below `ocr_min_confidence`, under
    /// seal ink, stated otherwise elsewhere, not well formed. Only with `ocr`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub doubt: Option<String>,
}

/// An OCR confidence (0–100) kept to one decimal, so that a [`Source`] stays comparable and
/// hashable; it is written as a number (`93.4`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Confidence(u16);

impl Confidence {
    /// `value` (0–100) rounded to one decimal; out-of-range values are clamped.
    pub fn new(value: f32) -> Self {
        let tenths = if value.is_finite() {
            (value.clamp(0.0, 100.0) * 10.0).round()
        } else {
            0.0
        };
        Confidence(tenths as u16)
    }

    /// The confidence as a number 0–100.
    pub fn value(self) -> f32 {
        f32::from(self.0) / 10.0
    }
}

impl Serialize for Confidence {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(f64::from(self.0) / 10.0)
    }
}

impl<'de> Deserialize<'de> for Confidence {
    /// From the number [`Serialize`] writes, rounded to tenths again (so a last-digit error of
    /// the float parser cannot change it).
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = f64::deserialize(d)?;
        Ok(Confidence::new(value as f32))
    }
}

impl Source {
    /// A source that names a file only.
    pub fn file(path: impl Into<String>) -> Self {
        Source {
            file: Some(path.into()),
            ..Source::default()
        }
    }
}

/// One finding about a package.
///
/// SPEC §9 `findings: [{"code", "severity", "message", "source"}]`; from `schema_version` 1.1 a
/// finding also carries `messages: {"zh", "en"}`, the same [`Message`] checks carry. `message`
/// stays the English text (`messages.en`), so a reader of schema 1 keeps working.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub code: Code,
    pub severity: Severity,
    /// The English message, as schema 1 has it; always equal to `messages.en`.
    pub message: String,
    /// The message in Chinese and in English.
    pub messages: Message,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl<'de> Deserialize<'de> for Finding {
    /// From its wire shape; a finding written before `messages` existed (schema 1) gets them
    /// from `message`: both languages hold the English text it had.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        struct Wire {
            code: Code,
            severity: Severity,
            message: String,
            #[serde(default)]
            messages: Option<Message>,
            #[serde(default)]
            source: Option<Source>,
        }
        let w = Wire::deserialize(d)?;
        let messages = w.messages.unwrap_or_else(|| Message {
            zh: w.message.clone(),
            en: w.message.clone(),
        });
        Ok(Finding {
            code: w.code,
            severity: w.severity,
            message: w.message,
            messages,
            source: w.source,
        })
    }
}

impl Finding {
    /// A finding with the code's fixed severity and its message in Chinese (`zh`, Chinese
    /// throughout: no English word inside it, a library's English error text included) and in
    /// English (`en`, which is also `message`).
    pub fn new(code: Code, zh: impl Into<String>, en: impl Into<String>) -> Self {
        let en = en.into();
        Finding {
            code,
            severity: code.severity(),
            message: en.clone(),
            messages: Message { zh: zh.into(), en },
            source: None,
        }
    }

    /// The same finding, pointing at `source`.
    pub fn at(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    /// The same finding, pointing at a file of the archive.
    pub fn in_file(self, path: impl Into<String>) -> Self {
        self.at(Source::file(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::BTreeSet::new();
        for &c in Code::ALL {
            assert!(seen.insert(c.as_str()), "duplicate code {}", c.as_str());
            assert_eq!(Code::from_id(c.as_str()), Some(c));
            assert!(!c.description().is_empty());
            assert!(c.description_zh().chars().any(crate::extract::is_cjk), "{}", c.as_str());
            assert!(c.as_str().contains('.'), "codes are namespaced: {}", c.as_str());
        }
    }
}
