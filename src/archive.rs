//! Zip intake: turns the bytes of a package archive into its files, entirely in memory.
//!
//! SPEC §3 "The package": a package is one `.zip` archive. This module decides whether the bytes
//! are a zip at all, enforces the safety limits before anything is inflated, decodes entry names
//! (UTF-8 or GB18030, judged for the archive as a whole), drops junk and unsafe entries, inflates
//! the rest with bounded memory, and unwraps one level of double zipping. "Nothing is ever written
//! to disk from an archive." Problems with single entries become findings; problems with the
//! archive as a whole are an [`ArchiveError`].

use std::collections::BTreeMap;
use std::io::{Cursor, Read};

use zip::CompressionMethod;

use crate::finding::{Code, Finding};
use crate::sniff::{self, FileKind};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;
/// At most this much is reserved up front for one entry, whatever its header declares.
const PREALLOC_MAX: u64 = 64 * MIB;
/// General purpose bit 11 (EFS): the name is UTF-8.
const FLAG_UTF8: u16 = 0x0800;
/// General purpose bit 0: the entry is encrypted.
const FLAG_ENCRYPTED: u16 = 0x0001;
/// General purpose bit 3: CRC and sizes follow the data (the local header may hold zeros).
const FLAG_DATA_DESCRIPTOR: u16 = 0x0008;
/// A 32-bit size field of this value means "see the Zip64 extra field".
const ZIP64_MARKER: u32 = 0xFFFF_FFFF;
/// Fixed part of a local file header, signature included.
const LOCAL_HEADER_LEN: u64 = 30;

/// The safety limits of SPEC §3: "Limits (param, defaults): archive size ≤ 2 GiB; ≤ 10 000
/// entries; total uncompressed ≤ 4 GiB; one entry ≤ 1 GiB uncompressed; compression ratio of one
/// entry ≤ 1000." They are parameters (a reviewing office changes them in `package.json`).
#[derive(Debug, Clone, serde::Deserialize, serde::Serialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Largest archive file accepted, in bytes.
    pub max_archive_bytes: u64,
    /// Most entries in the central directory (folders included).
    pub max_entries: u64,
    /// Largest sum of the entries' uncompressed sizes, in bytes.
    pub max_total_uncompressed: u64,
    /// Largest uncompressed size of one entry, in bytes.
    pub max_entry_uncompressed: u64,
    /// Largest ratio uncompressed / compressed of one entry.
    pub max_ratio: u64,
    /// The memory budget of one file: a file whose declared size is larger is not inflated; it
    /// is `unreadable` with finding `file.over_budget`, and the rest of the package proceeds.
    pub max_file_bytes: u64,
    /// The memory budget of all files held at once: files are inflated in path order, and one
    /// that would take the files held past this is over budget as well.
    pub max_held_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_archive_bytes: 2 * GIB,
            max_entries: 10_000,
            max_total_uncompressed: 4 * GIB,
            max_entry_uncompressed: GIB,
            max_ratio: 1000,
            max_file_bytes: 256 * MIB,
            max_held_bytes: 512 * MIB,
        }
    }
}

/// How the entry names of an archive were decoded (SPEC §3 `package.name_encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameEncoding {
    /// Every name is UTF-8: flagged, Unicode Path, or unflagged but all valid UTF-8.
    Utf8,
    /// The unflagged names were decoded as GB18030 and no flagged name is non-ASCII.
    Gb18030,
    /// GB18030-decoded names and flagged non-ASCII UTF-8 names both occur.
    Mixed,
}

impl NameEncoding {
    /// The wire id: `utf8`, `gb18030` or `mixed`.
    pub fn as_str(self) -> &'static str {
        match self {
            NameEncoding::Utf8 => "utf8",
            NameEncoding::Gb18030 => "gb18030",
            NameEncoding::Mixed => "mixed",
        }
    }
}

/// An opened package: its files and what was noticed on the way.
#[derive(Debug, Clone, PartialEq)]
pub struct Archive {
    /// The kept (non-junk, safe) file entries, sorted by path (bytewise).
    pub entries: Vec<Entry>,
    /// How the entry names were decoded.
    pub name_encoding: NameEncoding,
    /// The number of entries in the (outer) zip's central directory, folders and junk included.
    pub entry_count: usize,
    /// The decoded path of the inner zip when double zipping was unwrapped.
    pub unwrapped: Option<String>,
    /// Unsafe names, encrypted entries, unsupported compression, corrupt entries, duplicate
    /// names, double zip; sorted.
    pub findings: Vec<Finding>,
    /// Decoded paths of the junk entries that were skipped (folders not included), sorted.
    pub ignored: Vec<String>,
}

/// One file of the package.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The full decoded path, `/`-separated (backslashes turned into `/`, empty and `.`
    /// components dropped).
    pub path: String,
    /// The base name: the last component of `path`.
    pub name: String,
    /// The entry's bytes, or why they are unreadable.
    pub content: Content,
    /// The uncompressed size the central directory declares.
    pub size: u64,
}

/// The content of an entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Content {
    /// The inflated bytes, CRC checked, exactly as long as declared.
    Data(Vec<u8>),
    /// The entry is encrypted (general purpose bit 0).
    Encrypted,
    /// The entry uses a compression method other than stored or deflate; the method's name.
    UnsupportedCompression(String),
    /// The entry's data cannot be read; the reason.
    Corrupt(Damage),
    /// Reading the entry would need more memory than the budget allows (`max_file_bytes`, or
    /// `max_held_bytes` for the files held together); its declared size. Never inflated.
    OverBudget(u64),
}

/// Why an entry's data cannot be read (finding `package.corrupt_entry`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Damage {
    /// The local header contradicts the central directory about these fields (`CRC-32`,
    /// `uncompressed size`, …): another unzip tool would read other bytes than the ones reviewed.
    #[error("its local header disagrees with the central directory about the {}", .0.join(", "))]
    LocalHeader(Vec<&'static str>),
    /// The data inflates past the size the central directory declares.
    #[error("inflates to more than its declared {}", crate::units::human_size(*.declared))]
    Longer { declared: u64 },
    /// The data ends before the size the central directory declares.
    #[error("inflates to {}, less than its declared {}", crate::units::human_sizes(*.inflated, *.declared).0, crate::units::human_sizes(*.inflated, *.declared).1)]
    Shorter { inflated: u64, declared: u64 },
    /// The zip reader refused the data (bad checksum, broken stream); its own words.
    #[error("{0}")]
    Reader(String),
}

impl Damage {
    /// The reason in the reviewer's words, in Chinese.
    pub fn zh(&self) -> String {
        match self {
            Damage::LocalHeader(what) => {
                let what: Vec<&str> = what.iter().map(|w| local_field_zh(w)).collect();
                format!("本地文件头与中央目录记载的{}不一致", what.join("、"))
            }
            Damage::Longer { declared } => {
                format!("解压后大于声明的 {}", crate::units::human_size(*declared))
            }
            Damage::Shorter { inflated, declared } => {
                let (a, b) = crate::units::human_sizes(*inflated, *declared);
                format!("解压后只有 {a}，小于声明的 {b}")
            }
            Damage::Reader(why) => {
                let why = why.to_ascii_lowercase();
                if why.contains("checksum") || why.contains("crc") {
                    "校验值不符，数据已损坏".to_string()
                } else if why.contains("larger than its declared") {
                    "解压后大于声明的大小".to_string()
                } else if why.contains("unexpected end") || why.contains("eof") || why.contains("truncated") {
                    "数据不完整，文件被截断".to_string()
                } else {
                    "压缩数据已损坏".to_string()
                }
            }
        }
    }
}

/// The Chinese name of a local-header field [`Damage::LocalHeader`] names.
fn local_field_zh(field: &str) -> &'static str {
    match field {
        "compression method" => "压缩方式",
        "encryption flag" => "加密标志",
        "CRC-32" => "校验值",
        "compressed size" => "压缩后大小",
        "uncompressed size" => "解压后大小",
        _ => "字段",
    }
}

/// Why a package archive cannot be opened at all; each maps to one finding code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ArchiveError {
    /// The archive file is 0 bytes long.
    #[error("the archive is empty (0 B)")]
    Empty,
    /// The file is not a zip; `format` names what it is instead ("RAR", "7z", "PDF", …).
    #[error("not a zip archive: the file is {}", describe_format(.format))]
    NotZip {
        /// The detected format: "RAR", "7z", "gzip", "bzip2", "xz", "tar", "PDF",
        /// "OLE (doc/xls)", "PNG", "JPEG", "GIF", "BMP", "TIFF", "WebP", "text" or "unknown".
        format: &'static str,
    },
    /// The zip cannot be read: truncated, no central directory, unreadable structure.
    #[error("corrupt zip archive: {0}")]
    Corrupt(String),
    /// Two entries share bytes of the archive (the construction of non-recursive zip bombs);
    /// nothing was inflated.
    #[error(
        "corrupt zip archive: entries {first} and {second} overlap (they share bytes of the archive, \
         a zip bomb construction); nothing was inflated"
    )]
    Overlap { first: String, second: String },
    /// A safety limit was passed; nothing past it was inflated.
    #[error(
        "safety limit {limit} exceeded: {} is more than {}{}",
        limit_values(.limit, *.actual, *.max).0,
        limit_values(.limit, *.actual, *.max).1,
        in_entry(.path)
    )]
    Limit {
        /// The limit's parameter name, e.g. `max_entries`.
        limit: &'static str,
        /// The value found.
        actual: u64,
        /// The limit's value.
        max: u64,
        /// The entry that passed the limit, when one entry did.
        path: Option<String>,
    },
}

impl ArchiveError {
    /// The finding code of the error.
    pub fn code(&self) -> Code {
        match self {
            ArchiveError::Empty => Code::PackageEmpty,
            ArchiveError::NotZip { .. } => Code::PackageNotZip,
            ArchiveError::Corrupt(_) | ArchiveError::Overlap { .. } => Code::PackageCorrupt,
            ArchiveError::Limit { .. } => Code::PackageLimitExceeded,
        }
    }

    /// The error in the reviewer's words, in Chinese (the English one is its `Display`).
    pub fn zh(&self) -> String {
        match self {
            ArchiveError::Empty => "压缩包是空文件（0 B）".to_string(),
            ArchiveError::NotZip { format } => format!("不是 zip 压缩包：该文件是{}", describe_format_zh(format)),
            ArchiveError::Corrupt(_) => "压缩包已损坏，无法读取：文件被截断、缺少中央目录或结构前后不一致".to_string(),
            ArchiveError::Overlap { first, second } => format!(
                "压缩包已损坏：条目 {first} 与 {second} 共用压缩包中的同一段数据（压缩炸弹的构造），未解压任何内容"
            ),
            ArchiveError::Limit {
                limit,
                actual,
                max,
                path,
            } => {
                let (actual, max) = limit_values(limit, *actual, *max);
                let entry = path.as_ref().map_or_else(String::new, |p| format!("（条目 {p}）"));
                format!("超出安全限制：{}为 {actual}，超过上限 {max}{entry}", limit_zh(limit))
            }
        }
    }
}

/// The values of a passed limit as a message states them: sizes in binary units, counts and
/// ratios as numbers.
fn limit_values(limit: &str, actual: u64, max: u64) -> (String, String) {
    match limit {
        "max_archive_bytes" | "max_total_uncompressed" | "max_entry_uncompressed" => {
            crate::units::human_sizes(actual, max)
        }
        _ => (actual.to_string(), max.to_string()),
    }
}

/// What a limit of SPEC §3 bounds, in Chinese.
fn limit_zh(limit: &str) -> &'static str {
    match limit {
        "max_archive_bytes" => "压缩包大小",
        "max_entries" => "条目数",
        "max_total_uncompressed" => "解压后的总大小",
        "max_entry_uncompressed" => "单个条目解压后的大小",
        "max_ratio" => "单个条目的压缩比",
        _ => "一项限值",
    }
}

/// [`describe_format`] in Chinese: the format's name and what it is.
fn describe_format_zh(format: &str) -> String {
    match format {
        "RAR" | "7z" => format!(" {format} 压缩包"),
        "tar" => " tar 归档文件".to_string(),
        "gzip" | "bzip2" | "xz" => format!(" {format} 压缩数据流"),
        "PDF" => " PDF 文档".to_string(),
        "OLE (doc/xls)" => " OLE 复合文档（doc/xls）".to_string(),
        "text" => "纯文本".to_string(),
        "unknown" => "未知格式".to_string(),
        image => format!(" {image} 图片"),
    }
}

fn describe_format(format: &str) -> String {
    match format {
        "RAR" | "7z" | "tar" => format!("a {format} archive"),
        "gzip" | "bzip2" | "xz" => format!("a {format} compressed stream"),
        "PDF" => "a PDF document".to_string(),
        "OLE (doc/xls)" => "an OLE compound file (doc/xls)".to_string(),
        "text" => "plain text".to_string(),
        "unknown" => "of an unknown format".to_string(),
        image => format!("a {image} image"),
    }
}

fn in_entry(path: &Option<String>) -> String {
    match path {
        Some(p) => format!(" (entry {p})"),
        None => String::new(),
    }
}

/// The format name used in [`ArchiveError::NotZip`] for a sniffed kind.
fn not_zip_format(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Pdf => "PDF",
        FileKind::Doc | FileKind::Xls | FileKind::Ole => "OLE (doc/xls)",
        FileKind::Rar => "RAR",
        FileKind::SevenZip => "7z",
        FileKind::Gzip => "gzip",
        FileKind::Bzip2 => "bzip2",
        FileKind::Xz => "xz",
        FileKind::Tar => "tar",
        FileKind::Png => "PNG",
        FileKind::Jpeg => "JPEG",
        FileKind::Gif => "GIF",
        FileKind::Bmp => "BMP",
        FileKind::Tiff => "TIFF",
        FileKind::Webp => "WebP",
        FileKind::Text => "text",
        // Zip kinds and Empty cannot reach here (checked before sniffing).
        FileKind::Docx
        | FileKind::Xlsx
        | FileKind::Ods
        | FileKind::Ofd
        | FileKind::Zip
        | FileKind::Empty
        | FileKind::Unknown => "unknown",
    }
}

/// The SHA-256 of `bytes` as 64 lower-case hex digits (SPEC §1: verdicts carry "the archive's
/// SHA-256 for de-duplication").
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        for nibble in [b >> 4, b & 0x0f] {
            out.push(char::from_digit(u32::from(nibble), 16).unwrap_or('0'));
        }
    }
    out
}

/// SHA-256 (lower-case hex) and length of a file, read in blocks: constant memory, whatever
/// the size.
pub fn sha256_file(path: &std::path::Path) -> std::io::Result<(String, u64)> {
    use sha2::{Digest, Sha256};
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    let mut len = 0u64;
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(buf.get(..n).unwrap_or_default());
        len += n as u64;
    }
    let mut hex = String::with_capacity(64);
    for b in h.finalize().iter() {
        use std::fmt::Write as _;
        let _ = write!(hex, "{b:02x}");
    }
    Ok((hex, len))
}

/// Opens a package archive held in memory (SPEC §3).
///
/// Checks, in order: empty file, archive size, zip signature (else the sniffed format is named),
/// readable central directory, entry count, each entry's declared size and ratio, the declared
/// total; then inflates the kept entries with memory bounded by the declared sizes, and unwraps
/// one level of double zipping.
pub fn open(bytes: &[u8], limits: &Limits) -> Result<Archive, ArchiveError> {
    open_level(bytes, limits, true).map(|(archive, _)| archive)
}

/// Which decodings the names of an archive needed; combined across a double zip.
#[derive(Debug, Clone, Copy, Default)]
struct NameUse {
    gb18030: bool,
    flagged_non_ascii: bool,
}

impl NameUse {
    fn encoding(self) -> NameEncoding {
        match (self.gb18030, self.flagged_non_ascii) {
            (false, _) => NameEncoding::Utf8,
            (true, false) => NameEncoding::Gb18030,
            (true, true) => NameEncoding::Mixed,
        }
    }
}

/// What the central directory says about one entry.
struct CdEntry {
    index: usize,
    name_raw: Vec<u8>,
    /// UTF-8 by bit 11 or by a valid Info-ZIP Unicode Path field (the zip crate applies the
    /// field to the name and sets bit 11).
    flagged: bool,
    encrypted: bool,
    method: CompressionMethod,
    crc: u32,
    size: u64,
    compressed: u64,
    /// Offset of the entry's local header in the archive.
    header_start: u64,
    /// The local header, when one is there to read.
    local: Option<LocalHeader>,
}

/// The fields of a local file header that must agree with the central directory.
#[derive(Debug, Clone, Copy)]
struct LocalHeader {
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    size: u32,
    /// Name and extra field lengths together: the data starts this far after the fixed part.
    variable_len: u64,
}

/// The decoded, classified name of an entry.
enum NameClass {
    /// `..`, absolute path or drive letter.
    Unsafe,
    /// A folder, or an empty path.
    Directory,
    /// Junk that is skipped and listed in `ignored`.
    Junk,
    /// A real file.
    File,
}

type ZipReader<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

fn open_level(bytes: &[u8], limits: &Limits, may_unwrap: bool) -> Result<(Archive, NameUse), ArchiveError> {
    // SPEC §3: "Not a zip (RAR, 7z, tar, gzip, a PDF renamed to .zip, empty or truncated file):
    // verdict `error` with the detected format named."
    if bytes.is_empty() {
        return Err(ArchiveError::Empty);
    }
    let archive_bytes = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if archive_bytes > limits.max_archive_bytes {
        return Err(ArchiveError::Limit {
            limit: "max_archive_bytes",
            actual: archive_bytes,
            max: limits.max_archive_bytes,
            path: None,
        });
    }
    if !sniff::starts_like_zip(bytes) {
        return Err(ArchiveError::NotZip {
            format: not_zip_format(sniff::sniff(bytes)),
        });
    }
    // The zip reader parses every central-directory record the end record announces before we
    // can count them: a count past the limit is refused before it does.
    if let Some(declared) = declared_entry_count(bytes) {
        if declared > limits.max_entries {
            return Err(ArchiveError::Limit {
                limit: "max_entries",
                actual: declared,
                max: limits.max_entries,
                path: None,
            });
        }
    }
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| ArchiveError::Corrupt(e.to_string()))?;

    let mut findings = Vec::new();
    // The zip crate keys entries by name, so entries with the same raw name collapse into one;
    // count the central directory's headers to report them.
    let entry_count = if zip.has_duplicate_names() {
        let headers = count_central_headers(bytes, zip.central_directory_start());
        let count = headers.max(zip.len());
        findings.push(Finding::new(
            Code::PackageDuplicateEntry,
            format!(
                "中央目录有 {count} 个条目，但只有 {} 个不同的名称；同名的条目只能读取最后一个",
                zip.len()
            ),
            format!(
                "the central directory holds {count} entries but only {} distinct names; \
                 of entries with the same raw name only the last one can be read",
                zip.len()
            ),
        ));
        count
    } else {
        zip.len()
    };
    let entry_count_u64 = u64::try_from(entry_count).unwrap_or(u64::MAX);
    if entry_count_u64 > limits.max_entries {
        return Err(ArchiveError::Limit {
            limit: "max_entries",
            actual: entry_count_u64,
            max: limits.max_entries,
            path: None,
        });
    }

    let cd = read_central_directory(&zip, bytes)?;
    let (names, name_use) = decode_names(&cd);
    check_declared_limits(&cd, &names, limits)?;
    check_overlap(&cd, &names)?;

    let mut entries = Vec::new();
    let mut ignored = Vec::new();
    let mut total: u64 = 0;
    // The inflated bytes of the files kept so far (the memory budget's running count).
    let mut held: u64 = 0;
    for (e, decoded) in cd.iter().zip(names.iter()) {
        let path = normalise(decoded);
        match classify(decoded, &path) {
            NameClass::Unsafe => {
                // SPEC §3: "names with `..`, absolute paths or drive letters are reported as
                // finding `package.unsafe_entry_name` (warning) and ignored."
                findings.push(
                    Finding::new(
                        Code::PackageUnsafeEntryName,
                        format!("条目名称不安全，已忽略：{decoded}"),
                        format!("unsafe entry name ignored: {decoded}"),
                    )
                    .in_file(decoded.clone()),
                );
            }
            NameClass::Directory => {}
            NameClass::Junk => ignored.push(path),
            NameClass::File => {
                // Memory is a budget (issue: never lose a verdict): a file too large to hold, or
                // one that would take the files held past the budget, is decided from the
                // central directory's size, never inflated to find out, in every mode alike.
                let over = e.size > limits.max_file_bytes || held.saturating_add(e.size) > limits.max_held_bytes;
                let content = if over && !e.encrypted {
                    Content::OverBudget(e.size)
                } else {
                    read_content(&mut zip, e, &path, limits, &mut total)?
                };
                if let Content::Data(d) = &content {
                    held = held.saturating_add(u64::try_from(d.len()).unwrap_or(u64::MAX));
                }
                match &content {
                    Content::Data(_) => {}
                    Content::Encrypted => findings.push(
                        Finding::new(
                            Code::PackageEncryptedEntry,
                            format!("条目已加密，无法读取：{path}"),
                            format!("entry is encrypted and cannot be read: {path}"),
                        )
                        .in_file(path.clone()),
                    ),
                    Content::UnsupportedCompression(m) => findings.push(
                        Finding::new(
                            Code::PackageUnsupportedCompression,
                            format!("条目使用不支持的压缩方式（{}），无法读取：{path}", method_zh(m)),
                            format!("entry uses compression method {m}, which is not supported: {path}"),
                        )
                        .in_file(path.clone()),
                    ),
                    Content::Corrupt(reason) => findings.push(
                        Finding::new(
                            Code::PackageCorruptEntry,
                            format!("条目无法读取（{}）：{path}", reason.zh()),
                            format!("entry cannot be read ({reason}): {path}"),
                        )
                        .in_file(path.clone()),
                    ),
                    Content::OverBudget(size) => {
                        // SPEC §3: "A file that would need more to be read is `unreadable` with
                        // finding `file.over_budget` (warning)".
                        let (size, one) = crate::units::human_sizes(*size, limits.max_file_bytes);
                        let held = crate::units::human_size(limits.max_held_bytes);
                        findings.push(
                            Finding::new(
                                Code::FileOverBudget,
                                format!(
                                    "文件大小 {size}，超出内存预算（单个文件 {one}，同时读取的文件合计 {held}），未读取：{path}"
                                ),
                                format!(
                                    "file of {size} not read: over the memory budget (max_file_bytes {one}, max_held_bytes {held} for the files held together): {path}"
                                ),
                            )
                            .in_file(path.clone()),
                        )
                    }
                }
                let name = path.rsplit('/').next().unwrap_or(&path).to_string();
                entries.push(Entry {
                    path,
                    name,
                    content,
                    size: e.size,
                });
            }
        }
    }

    // Deterministic output: entries by path (bytewise), stable for equal paths.
    entries.sort_by(|a, b| a.path.as_bytes().cmp(b.path.as_bytes()));
    findings.extend(duplicate_findings(&entries));

    // SPEC §3: "An archive whose only real entry is another `.zip` is unwrapped once (double
    // zipping). A `.zip` among other files is a file like any other."
    if may_unwrap {
        if let Some(inner_path) = lone_inner_zip(&entries) {
            if let Some(Content::Data(inner_bytes)) = entries.first().map(|e| &e.content) {
                let (inner, inner_use) = open_level(inner_bytes, limits, false)?;
                let mut all_findings = findings;
                all_findings.push(
                    Finding::new(
                        Code::PackageDoubleZip,
                        format!("压缩包中唯一的条目 {inner_path} 是 zip 压缩包，已解开一层"),
                        format!("the archive's only entry {inner_path} is a zip; it was unwrapped"),
                    )
                    .in_file(inner_path.clone()),
                );
                all_findings.extend(inner.findings);
                all_findings.sort();
                let mut all_ignored = ignored;
                all_ignored.extend(inner.ignored);
                all_ignored.sort();
                let used = NameUse {
                    gb18030: name_use.gb18030 || inner_use.gb18030,
                    flagged_non_ascii: name_use.flagged_non_ascii || inner_use.flagged_non_ascii,
                };
                let archive = Archive {
                    entries: inner.entries,
                    name_encoding: used.encoding(),
                    entry_count,
                    unwrapped: Some(inner_path),
                    findings: all_findings,
                    ignored: all_ignored,
                };
                return Ok((archive, used));
            }
        }
    }

    findings.sort();
    ignored.sort();
    let archive = Archive {
        entries,
        name_encoding: name_use.encoding(),
        entry_count,
        unwrapped: None,
        findings,
        ignored,
    };
    Ok((archive, name_use))
}

fn read_central_directory(zip: &ZipReader<'_>, bytes: &[u8]) -> Result<Vec<CdEntry>, ArchiveError> {
    let mut cd = Vec::with_capacity(zip.len());
    for index in 0..zip.len() {
        let e = zip
            .by_index_data(index)
            .map_err(|err| ArchiveError::Corrupt(format!("entry {index}: {err}")))?;
        let flags = e.flags();
        cd.push(CdEntry {
            index,
            name_raw: e.name_raw().to_vec(),
            flagged: flags.as_u16() & FLAG_UTF8 != 0,
            encrypted: flags.is_encrypted(),
            method: e.compression(),
            crc: e.crc32(),
            size: e.size(),
            compressed: e.compressed_size(),
            header_start: e.header_start(),
            local: local_header(bytes, e.header_start()),
        });
    }
    Ok(cd)
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([*s.first()?, *s.get(1)?, *s.get(2)?, *s.get(3)?]))
}

fn le_u64(b: &[u8], at: usize) -> Option<u64> {
    let lo = le_u32(b, at)?;
    let hi = le_u32(b, at.checked_add(4)?)?;
    Some(u64::from(hi) << 32 | u64::from(lo))
}

/// The local file header at `at`, or `None` when there is none (the entry's read then fails).
fn local_header(bytes: &[u8], at: u64) -> Option<LocalHeader> {
    let at = usize::try_from(at).ok()?;
    if bytes.get(at..at.checked_add(4)?)? != b"PK\x03\x04" {
        return None;
    }
    let field = |offset: usize| at.checked_add(offset);
    let name_len = le_u16(bytes, field(26)?)?;
    let extra_len = le_u16(bytes, field(28)?)?;
    Some(LocalHeader {
        flags: u16::try_from(le_u16(bytes, field(6)?)?).ok()?,
        method: u16::try_from(le_u16(bytes, field(8)?)?).ok()?,
        crc: le_u32(bytes, field(14)?)?,
        compressed: le_u32(bytes, field(18)?)?,
        size: le_u32(bytes, field(22)?)?,
        variable_len: u64::try_from(name_len.checked_add(extra_len)?).ok()?,
    })
}

/// The number of entries the end of central directory record announces (the Zip64 one when
/// the classic field is saturated), or `None` when no end record is found.
pub fn declared_entry_count(bytes: &[u8]) -> Option<u64> {
    const EOCD_LEN: usize = 22;
    let last = bytes.len().checked_sub(EOCD_LEN)?;
    let first = last.saturating_sub(usize::from(u16::MAX));
    let eocd = (first..=last)
        .rev()
        .find(|&at| bytes.get(at..at.saturating_add(4)) == Some(b"PK\x05\x06".as_slice()))?;
    let total = le_u16(bytes, eocd.checked_add(10)?)?;
    if total != usize::from(u16::MAX) {
        return u64::try_from(total).ok();
    }
    // Zip64: a locator 20 bytes before the end record gives the Zip64 end record's offset.
    let locator = eocd.checked_sub(20)?;
    if bytes.get(locator..locator.checked_add(4)?)? != b"PK\x06\x07" {
        return u64::try_from(total).ok();
    }
    let at = usize::try_from(le_u64(bytes, locator.checked_add(8)?)?).ok()?;
    if bytes.get(at..at.checked_add(4)?)? != b"PK\x06\x06" {
        return u64::try_from(total).ok();
    }
    le_u64(bytes, at.checked_add(32)?)
}

/// Overlapping entries (several central-directory records pointing into the same local header
/// or data, the construction of Fifield's non-recursive zip bombs) are refused before anything
/// is inflated: each record may pass every limit while the archive as a whole inflates to
/// gigabytes. Every entry's bytes, local header included, must be its own.
fn check_overlap(cd: &[CdEntry], names: &[String]) -> Result<(), ArchiveError> {
    let mut ranges: Vec<(u64, u64, usize)> = cd
        .iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let local = e.local?;
            let end = e
                .header_start
                .checked_add(LOCAL_HEADER_LEN)?
                .checked_add(local.variable_len)?
                .checked_add(e.compressed)?;
            Some((e.header_start, end, i))
        })
        .collect();
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        let [(_, end_a, a), (start_b, _, b)] = pair else {
            continue;
        };
        if end_a > start_b {
            let name = |i: &usize| names.get(*i).map_or_else(String::new, |n| normalise_or_raw(n));
            return Err(ArchiveError::Overlap {
                first: name(a),
                second: name(b),
            });
        }
    }
    Ok(())
}

/// Why the local header contradicts the central directory, if it does: another unzip tool would
/// read other bytes (or another method) than the ones reviewed here.
fn local_disagreement(e: &CdEntry) -> Option<Damage> {
    let local = e.local?;
    #[allow(deprecated)]
    let method = e.method.to_u16();
    // With a data descriptor the local fields may be zeros; some writers leave CRC and size
    // zero without setting the flag. Zeros state nothing, so they contradict nothing.
    let descriptor = local.flags & FLAG_DATA_DESCRIPTOR != 0 || (local.crc == 0 && local.size == 0);
    let mut what = Vec::new();
    if local.method != method {
        what.push("compression method");
    }
    if (local.flags & FLAG_ENCRYPTED != 0) != e.encrypted {
        what.push("encryption flag");
    }
    if local.crc != e.crc && !(descriptor && local.crc == 0) {
        what.push("CRC-32");
    }
    let size_differs =
        |field: u32, central: u64| field != ZIP64_MARKER && u64::from(field) != central && !(descriptor && field == 0);
    if size_differs(local.compressed, e.compressed) {
        what.push("compressed size");
    }
    if size_differs(local.size, e.size) {
        what.push("uncompressed size");
    }
    (!what.is_empty()).then_some(Damage::LocalHeader(what))
}

/// SPEC §3: "Entry names: UTF-8 when the UTF-8 flag (bit 11) is set or an Info-ZIP Unicode Path
/// field (0x7075) is valid. For the other entries the archive is judged as a whole (many GBK byte
/// strings happen to be valid UTF-8, so one name proves nothing): if every such name is valid
/// UTF-8, they are UTF-8; otherwise they are GB18030/GBK (archives made by Chinese Windows
/// tools)."
fn decode_names(cd: &[CdEntry]) -> (Vec<String>, NameUse) {
    let unflagged_utf8 = cd
        .iter()
        .filter(|e| !e.flagged)
        .all(|e| std::str::from_utf8(&e.name_raw).is_ok());
    let mut used = NameUse::default();
    let names = cd
        .iter()
        .map(|e| {
            if e.flagged {
                if !e.name_raw.is_ascii() {
                    used.flagged_non_ascii = true;
                }
                String::from_utf8_lossy(&e.name_raw).into_owned()
            } else if unflagged_utf8 {
                String::from_utf8_lossy(&e.name_raw).into_owned()
            } else {
                used.gb18030 = true;
                let (text, _) = encoding_rs::GB18030.decode_without_bom_handling(&e.name_raw);
                text.into_owned()
            }
        })
        .collect();
    (names, used)
}

/// SPEC §3: past a limit "memory stays bounded (never inflate to find out)": every limit that the
/// central directory can show is checked here, before any entry is inflated.
fn check_declared_limits(cd: &[CdEntry], names: &[String], limits: &Limits) -> Result<(), ArchiveError> {
    let mut total: u64 = 0;
    for (e, name) in cd.iter().zip(names) {
        if e.size > limits.max_entry_uncompressed {
            return Err(ArchiveError::Limit {
                limit: "max_entry_uncompressed",
                actual: e.size,
                max: limits.max_entry_uncompressed,
                path: Some(normalise_or_raw(name)),
            });
        }
        // Exact comparison (size > max_ratio × compressed): a ratio of 1000.5 is past 1000.
        let compressed = e.compressed.max(1);
        if u128::from(e.size) > u128::from(limits.max_ratio) * u128::from(compressed) {
            return Err(ArchiveError::Limit {
                limit: "max_ratio",
                actual: e.size.div_ceil(compressed),
                max: limits.max_ratio,
                path: Some(normalise_or_raw(name)),
            });
        }
        total = total.saturating_add(e.size);
    }
    if total > limits.max_total_uncompressed {
        return Err(ArchiveError::Limit {
            limit: "max_total_uncompressed",
            actual: total,
            max: limits.max_total_uncompressed,
            path: None,
        });
    }
    Ok(())
}

fn normalise_or_raw(decoded: &str) -> String {
    let path = normalise(decoded);
    if path.is_empty() {
        decoded.to_string()
    } else {
        path
    }
}

/// The path with backslashes turned into `/` and empty and `.` components dropped.
fn normalise(decoded: &str) -> String {
    let unified = decoded.replace('\\', "/");
    let parts: Vec<&str> = unified.split('/').filter(|c| !c.is_empty() && *c != ".").collect();
    parts.join("/")
}

/// SPEC §3: "Ignored entries: folders, `__MACOSX/…`, `.DS_Store`, `Thumbs.db`, `desktop.ini`,
/// Office lock files `~$…`, names starting with `.`." — and unsafe names before them.
fn classify(decoded: &str, path: &str) -> NameClass {
    let unified = decoded.replace('\\', "/");
    let mut chars = unified.chars();
    let drive = matches!(
        (chars.next(), chars.next()),
        (Some(letter), Some(':')) if letter.is_ascii_alphabetic()
    );
    if unified.starts_with('/') || drive || unified.split('/').any(|c| c == "..") {
        return NameClass::Unsafe;
    }
    if unified.ends_with('/') || path.is_empty() {
        return NameClass::Directory;
    }
    if path.split('/').any(|c| c.eq_ignore_ascii_case("__MACOSX")) {
        return NameClass::Junk;
    }
    let base = path.rsplit('/').next().unwrap_or(path);
    let junk_name = [".DS_Store", "Thumbs.db", "desktop.ini"]
        .iter()
        .any(|j| base.eq_ignore_ascii_case(j));
    if junk_name || base.starts_with("~$") || base.starts_with('.') {
        return NameClass::Junk;
    }
    NameClass::File
}

/// Reads one kept entry, bounded by its declared size. Only an overrun of the running total is
/// an error of the archive; everything else is the entry's content.
fn read_content(
    zip: &mut ZipReader<'_>,
    e: &CdEntry,
    path: &str,
    limits: &Limits,
    total: &mut u64,
) -> Result<Content, ArchiveError> {
    // SPEC §3: "An encrypted entry: that file is `unreadable`, the rest proceeds."
    if e.encrypted {
        return Ok(Content::Encrypted);
    }
    if e.method != CompressionMethod::STORE && e.method != CompressionMethod::DEFLATE {
        return Ok(Content::UnsupportedCompression(method_name(e.method)));
    }
    if let Some(why) = local_disagreement(e) {
        return Ok(Content::Corrupt(why));
    }
    let file = match zip.by_index(e.index) {
        Ok(file) => file,
        Err(err) => return Ok(Content::Corrupt(Damage::Reader(err.to_string()))),
    };
    // Never more than declared + 1 bytes (and never past the entry limit + 1), so a lying header
    // cannot make us inflate past the limits; the extra byte detects the lie.
    let cap = e.size.min(limits.max_entry_uncompressed);
    let prealloc = usize::try_from(cap.min(PREALLOC_MAX)).unwrap_or(0);
    let mut data = Vec::with_capacity(prealloc);
    let result = file.take(cap.saturating_add(1)).read_to_end(&mut data);
    let inflated = u64::try_from(data.len()).unwrap_or(u64::MAX);
    *total = total.saturating_add(inflated);
    if *total > limits.max_total_uncompressed {
        return Err(ArchiveError::Limit {
            limit: "max_total_uncompressed",
            actual: *total,
            max: limits.max_total_uncompressed,
            path: Some(path.to_string()),
        });
    }
    if let Err(err) = result {
        return Ok(Content::Corrupt(Damage::Reader(err.to_string())));
    }
    if inflated > e.size {
        return Ok(Content::Corrupt(Damage::Longer { declared: e.size }));
    }
    if inflated < e.size {
        return Ok(Content::Corrupt(Damage::Shorter {
            inflated,
            declared: e.size,
        }));
    }
    Ok(Content::Data(data))
}

/// A compression method's name as a Chinese message states it: the method's own name
/// (`bzip2`, `lzma`), or its number for one without a name.
fn method_zh(name: &str) -> String {
    match name.strip_prefix("method ") {
        Some(id) => format!("编号 {id}"),
        None => name.to_string(),
    }
}

fn method_name(method: CompressionMethod) -> String {
    let name = method.to_string();
    if name == "Unknown" {
        #[allow(deprecated)]
        let id = method.to_u16();
        format!("method {id}")
    } else {
        name.to_ascii_lowercase()
    }
}

/// One `package.duplicate_entry` finding per decoded path held by several entries (entries must
/// be sorted by path).
fn duplicate_findings(entries: &[Entry]) -> Vec<Finding> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        *counts.entry(e.path.as_str()).or_insert(0) += 1;
    }
    counts
        .into_iter()
        .filter(|&(_, n)| n > 1)
        .map(|(path, n)| {
            Finding::new(
                Code::PackageDuplicateEntry,
                format!("{n} 个条目的路径同为 {path}，均已保留"),
                format!("{n} entries have the same path {path}; all are kept"),
            )
            .in_file(path)
        })
        .collect()
}

/// The path of the only entry when it is a zip to unwrap: readable, and either its content
/// sniffs as a plain zip or it is named `.zip` and is not an office document in disguise.
fn lone_inner_zip(entries: &[Entry]) -> Option<String> {
    let [only] = entries else {
        return None;
    };
    let Content::Data(data) = &only.content else {
        return None;
    };
    let kind = sniff::sniff(data);
    let named_zip = only
        .name
        .len()
        .checked_sub(4)
        .and_then(|at| only.name.get(at..))
        .is_some_and(|ext| ext.eq_ignore_ascii_case(".zip"));
    let office = matches!(kind, FileKind::Docx | FileKind::Xlsx | FileKind::Ods | FileKind::Ofd);
    (kind == FileKind::Zip || (named_zip && !office)).then(|| only.path.clone())
}

fn le_u16(b: &[u8], at: usize) -> Option<usize> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_le_bytes([*s.first()?, *s.get(1)?])))
}

/// Counts the central directory headers from `start`: 46 bytes each plus name, extra field and
/// comment. Bounded by the bytes.
fn count_central_headers(bytes: &[u8], start: u64) -> usize {
    let Ok(mut pos) = usize::try_from(start) else {
        return 0;
    };
    let mut count = 0usize;
    while bytes.get(pos..pos.saturating_add(4)) == Some(b"PK\x01\x02".as_slice()) {
        let lens = (
            le_u16(bytes, pos.saturating_add(28)),
            le_u16(bytes, pos.saturating_add(30)),
            le_u16(bytes, pos.saturating_add(32)),
        );
        let (Some(n), Some(m), Some(k)) = lens else {
            break;
        };
        count += 1;
        match pos.checked_add(46 + n + m + k) {
            Some(next) => pos = next,
            None => break,
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    /// One entry of a hand-made zip: every header field under test control.
    #[derive(Clone)]
    struct RawEntry {
        name: Vec<u8>,
        flags: u16,
        method: u16,
        crc: u32,
        /// Declared uncompressed size.
        size: u32,
        /// The bytes stored after the local header (compressed form).
        payload: Vec<u8>,
        extra: Vec<u8>,
        /// (CRC, uncompressed size) written in the local header instead of the central ones.
        local: Option<(u32, u32)>,
        /// Point the central record at this earlier entry's local header and write no local
        /// header or data of its own.
        same_as: Option<usize>,
    }

    fn crc32(data: &[u8]) -> u32 {
        let mut c = flate2::Crc::new();
        c.update(data);
        c.sum()
    }

    fn stored(name: &[u8], data: &[u8]) -> RawEntry {
        RawEntry {
            name: name.to_vec(),
            flags: 0,
            method: 0,
            crc: crc32(data),
            size: data.len() as u32,
            payload: data.to_vec(),
            extra: Vec::new(),
            local: None,
            same_as: None,
        }
    }

    fn utf8(name: &str, data: &[u8]) -> RawEntry {
        RawEntry {
            flags: FLAG_UTF8,
            ..stored(name.as_bytes(), data)
        }
    }

    fn deflated(name: &[u8], data: &[u8]) -> RawEntry {
        let mut enc = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(data).expect("deflate");
        RawEntry {
            method: 8,
            payload: enc.finish().expect("deflate"),
            ..stored(name, data)
        }
    }

    fn gbk(s: &str) -> Vec<u8> {
        encoding_rs::GBK.encode(s).0.into_owned()
    }

    /// An Info-ZIP Unicode Path extra field (0x7075); `crc` must be the CRC-32 of the raw name.
    fn unicode_path(name: &str, crc: u32) -> Vec<u8> {
        let mut f = Vec::new();
        f.extend_from_slice(&0x7075u16.to_le_bytes());
        f.extend_from_slice(&((5 + name.len()) as u16).to_le_bytes());
        f.push(1);
        f.extend_from_slice(&crc.to_le_bytes());
        f.extend_from_slice(name.as_bytes());
        f
    }

    /// Local headers + central directory + end record, exactly as `entries` say.
    fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut central = Vec::new();
        let mut offsets: Vec<u32> = Vec::new();
        for e in entries {
            let offset = match e.same_as {
                Some(k) => offsets[k],
                None => out.len() as u32,
            };
            offsets.push(offset);
            for (buf, is_central) in [(&mut out, false), (&mut central, true)] {
                if !is_central && e.same_as.is_some() {
                    continue;
                }
                let (crc, size) = match e.local {
                    Some(l) if !is_central => l,
                    _ => (e.crc, e.size),
                };
                buf.extend_from_slice(if is_central { b"PK\x01\x02" } else { b"PK\x03\x04" });
                if is_central {
                    buf.extend_from_slice(&(0x0300u16 | 20).to_le_bytes()); // made by: unix
                }
                buf.extend_from_slice(&20u16.to_le_bytes()); // version needed
                buf.extend_from_slice(&e.flags.to_le_bytes());
                buf.extend_from_slice(&e.method.to_le_bytes());
                buf.extend_from_slice(&0u16.to_le_bytes()); // time
                buf.extend_from_slice(&0x21u16.to_le_bytes()); // date 1980-01-01
                buf.extend_from_slice(&crc.to_le_bytes());
                buf.extend_from_slice(&(e.payload.len() as u32).to_le_bytes());
                buf.extend_from_slice(&size.to_le_bytes());
                buf.extend_from_slice(&(e.name.len() as u16).to_le_bytes());
                buf.extend_from_slice(&(e.extra.len() as u16).to_le_bytes());
                if is_central {
                    buf.extend_from_slice(&0u16.to_le_bytes()); // comment length
                    buf.extend_from_slice(&0u16.to_le_bytes()); // disk
                    buf.extend_from_slice(&0u16.to_le_bytes()); // internal attributes
                    buf.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                    buf.extend_from_slice(&offset.to_le_bytes());
                }
                buf.extend_from_slice(&e.name);
                buf.extend_from_slice(&e.extra);
                if !is_central {
                    buf.extend_from_slice(&e.payload);
                }
            }
        }
        let cd_offset = out.len() as u32;
        out.extend_from_slice(&central);
        out.extend_from_slice(b"PK\x05\x06");
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(entries.len() as u16).to_le_bytes());
        out.extend_from_slice(&(central.len() as u32).to_le_bytes());
        out.extend_from_slice(&cd_offset.to_le_bytes());
        out.extend_from_slice(&0u16.to_le_bytes());
        out
    }

    fn open_ok(bytes: &[u8]) -> Archive {
        open(bytes, &Limits::default()).expect("archive opens")
    }

    fn paths(a: &Archive) -> Vec<&str> {
        a.entries.iter().map(|e| e.path.as_str()).collect()
    }

    fn codes(a: &Archive) -> Vec<Code> {
        a.findings.iter().map(|f| f.code).collect()
    }

    fn limit_of(result: Result<Archive, ArchiveError>) -> &'static str {
        match result {
            Err(ArchiveError::Limit { limit, .. }) => limit,
            other => panic!("expected a limit error, got {other:?}"),
        }
    }

    #[test]
    fn utf8_flagged_names_decode_as_utf8() {
        let zip = raw_zip(&[utf8("申报材料/01-项目基本情况表.xlsx", b"a"), utf8("申报材料/", b"")]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["申报材料/01-项目基本情况表.xlsx"]);
        assert_eq!(a.entries[0].name, "01-项目基本情况表.xlsx");
        assert_eq!(a.entries[0].content, Content::Data(b"a".to_vec()));
        assert_eq!(a.name_encoding, NameEncoding::Utf8);
        assert_eq!(a.entry_count, 2);
        assert!(a.ignored.is_empty(), "folders are not listed as ignored");
    }

    #[test]
    fn unflagged_gbk_names_decode_as_gb18030() {
        let name = gbk("申报材料/项目基本情况表.xlsx");
        assert!(std::str::from_utf8(&name).is_err());
        let zip = raw_zip(&[stored(&name, b"x"), stored(b"readme.txt", b"y")]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["readme.txt", "申报材料/项目基本情况表.xlsx"]);
        assert_eq!(a.name_encoding, NameEncoding::Gb18030);
    }

    #[test]
    fn one_invalid_name_makes_all_unflagged_names_gb18030() {
        // C3 A9 is valid UTF-8 ("é") and valid GBK; it is decoded as GBK because another
        // unflagged name is not UTF-8: one name proves nothing, the archive is judged whole.
        let zip = raw_zip(&[stored(&gbk("中文.txt"), b"1"), stored(b"\xc3\xa9.txt", b"2")]);
        let a = open_ok(&zip);
        let expected = encoding_rs::GB18030
            .decode_without_bom_handling(b"\xc3\xa9.txt")
            .0
            .into_owned();
        assert!(paths(&a).contains(&expected.as_str()));
        assert!(paths(&a).contains(&"中文.txt"));
    }

    #[test]
    fn all_unflagged_valid_utf8_names_are_utf8() {
        let zip = raw_zip(&[
            stored("材料/基本情况表.xlsx".as_bytes(), b"1"),
            stored(b"plain.txt", b"2"),
        ]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["plain.txt", "材料/基本情况表.xlsx"]);
        assert_eq!(a.name_encoding, NameEncoding::Utf8);
    }

    #[test]
    fn ascii_only_archive_is_utf8() {
        let a = open_ok(&raw_zip(&[stored(b"a/b.txt", b"1")]));
        assert_eq!(a.name_encoding, NameEncoding::Utf8);
    }

    #[test]
    fn flagged_utf8_and_gbk_names_are_mixed() {
        let zip = raw_zip(&[utf8("说明.txt", b"1"), stored(&gbk("项目清单.xlsx"), b"2")]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["说明.txt", "项目清单.xlsx"]);
        assert_eq!(a.name_encoding, NameEncoding::Mixed);
    }

    #[test]
    fn unicode_path_field_with_right_crc_overrides_gbk_name() {
        // The raw name is GBK of another text so the override is visible.
        let raw = gbk("旧名称.xlsx");
        let mut e = stored(&raw, b"1");
        e.extra = unicode_path("项目基本情况表.xlsx", crc32(&raw));
        let a = open_ok(&raw_zip(&[e]));
        assert_eq!(paths(&a), ["项目基本情况表.xlsx"]);
        assert_eq!(a.name_encoding, NameEncoding::Utf8);
    }

    #[test]
    fn unicode_path_field_with_wrong_crc_is_ignored() {
        let raw = gbk("旧名称.xlsx");
        let mut e = stored(&raw, b"1");
        e.extra = unicode_path("项目基本情况表.xlsx", crc32(&raw) ^ 1);
        let a = open_ok(&raw_zip(&[e]));
        assert_eq!(paths(&a), ["旧名称.xlsx"]);
        assert_eq!(a.name_encoding, NameEncoding::Gb18030);
    }

    #[test]
    fn junk_entries_are_ignored_and_listed() {
        let zip = raw_zip(&[
            stored(b"pkg/", b""),
            stored(b"pkg/a.pdf", b"%PDF-"),
            stored(b"__MACOSX/pkg/._a.pdf", b"x"),
            stored(b"pkg/.DS_Store", b"x"),
            stored(b"pkg/THUMBS.DB", b"x"),
            stored(b"pkg/Desktop.ini", b"x"),
            stored("pkg/~$申请书.docx".as_bytes(), b"x"),
            stored(b"pkg/.hidden", b"x"),
        ]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["pkg/a.pdf"]);
        assert_eq!(a.entry_count, 8);
        assert_eq!(
            a.ignored,
            [
                "__MACOSX/pkg/._a.pdf",
                "pkg/.DS_Store",
                "pkg/.hidden",
                "pkg/Desktop.ini",
                "pkg/THUMBS.DB",
                "pkg/~$申请书.docx",
            ]
        );
        assert!(a.findings.is_empty());
    }

    #[test]
    fn unsafe_names_are_reported_and_dropped() {
        let zip = raw_zip(&[
            stored(b"../../etc/passwd", b"x"),
            stored(b"/abs", b"x"),
            stored(b"C:\\x", b"x"),
            stored(b"a\\..\\..\\b", b"x"),
            stored(b"ok\\file.txt", b"fine"),
        ]);
        let a = open_ok(&zip);
        assert_eq!(paths(&a), ["ok/file.txt"], "backslashes become '/'");
        assert!(a.ignored.is_empty());
        let unsafe_files: Vec<&str> = a
            .findings
            .iter()
            .filter(|f| f.code == Code::PackageUnsafeEntryName)
            .filter_map(|f| f.source.as_ref()?.file.as_deref())
            .collect();
        assert_eq!(unsafe_files.len(), 4);
        for name in ["../../etc/passwd", "/abs", "C:\\x", "a\\..\\..\\b"] {
            assert!(unsafe_files.contains(&name), "{name} reported");
            assert!(a.findings.iter().any(|f| f.message.contains(name)));
        }
        assert!(a
            .findings
            .iter()
            .all(|f| f.severity == crate::finding::Severity::Warning));
    }

    #[test]
    fn double_zip_is_unwrapped_once() {
        let inner = raw_zip(&[stored(b"pkg/a.pdf", b"%PDF-1.4"), stored(b"pkg/b.txt", b"b")]);
        let outer = raw_zip(&[stored(&gbk("申报.zip"), &inner), stored(b"__MACOSX/._x.zip", b"junk")]);
        let a = open_ok(&outer);
        assert_eq!(a.unwrapped.as_deref(), Some("申报.zip"));
        assert_eq!(paths(&a), ["pkg/a.pdf", "pkg/b.txt"]);
        assert_eq!(a.entry_count, 2, "entry_count is the outer count");
        assert_eq!(codes(&a), [Code::PackageDoubleZip]);
        assert_eq!(a.ignored, ["__MACOSX/._x.zip"]);
        assert_eq!(a.name_encoding, NameEncoding::Gb18030);
    }

    #[test]
    fn inner_inner_zip_stays_a_file() {
        let level3 = raw_zip(&[stored(b"a.pdf", b"%PDF-")]);
        let level2 = raw_zip(&[stored(b"b.zip", &level3)]);
        let level1 = raw_zip(&[stored(b"c.zip", &level2)]);
        let a = open_ok(&level1);
        assert_eq!(a.unwrapped.as_deref(), Some("c.zip"));
        assert_eq!(paths(&a), ["b.zip"]);
        assert_eq!(a.entries[0].content, Content::Data(level3));
    }

    #[test]
    fn zip_among_other_files_is_not_unwrapped() {
        let inner = raw_zip(&[stored(b"a.pdf", b"%PDF-")]);
        let a = open_ok(&raw_zip(&[stored(b"x.zip", &inner), stored(b"y.pdf", b"%PDF-")]));
        assert_eq!(a.unwrapped, None);
        assert_eq!(paths(&a), ["x.zip", "y.pdf"]);
    }

    #[test]
    fn broken_inner_zip_is_the_package_error() {
        let outer = raw_zip(&[stored(b"pkg.zip", b"Rar!\x1a\x07\x00rest")]);
        assert!(matches!(
            open(&outer, &Limits::default()),
            Err(ArchiveError::NotZip { format: "RAR" })
        ));
    }

    #[test]
    fn encrypted_entry_is_marked_and_rest_proceeds() {
        let mut secret = stored(b"secret.docx", b"............data");
        secret.flags |= 1;
        let a = open_ok(&raw_zip(&[secret, stored(b"open.txt", b"hi")]));
        assert_eq!(a.entries[1].path, "secret.docx");
        assert_eq!(a.entries[1].content, Content::Encrypted);
        assert_eq!(a.entries[0].content, Content::Data(b"hi".to_vec()));
        assert_eq!(codes(&a), [Code::PackageEncryptedEntry]);
        assert_eq!(
            a.findings[0].source.as_ref().and_then(|s| s.file.as_deref()),
            Some("secret.docx")
        );
    }

    #[test]
    fn unsupported_method_is_marked() {
        let mut e = stored(b"a.bin", b"data");
        e.method = 12;
        let a = open_ok(&raw_zip(&[e]));
        assert_eq!(
            a.entries[0].content,
            Content::UnsupportedCompression("bzip2".to_string())
        );
        assert_eq!(codes(&a), [Code::PackageUnsupportedCompression]);
    }

    #[test]
    fn crc_mismatch_is_a_corrupt_entry() {
        let mut e = stored(b"a.txt", b"data");
        e.crc ^= 0xdead;
        let a = open_ok(&raw_zip(&[e, stored(b"b.txt", b"ok")]));
        assert!(matches!(a.entries[0].content, Content::Corrupt(_)));
        assert_eq!(a.entries[1].content, Content::Data(b"ok".to_vec()));
        assert_eq!(codes(&a), [Code::PackageCorruptEntry]);
    }

    #[test]
    fn deflated_entry_inflates() {
        let text = "评审 ".repeat(1000);
        let a = open_ok(&raw_zip(&[deflated(b"a.txt", text.as_bytes())]));
        assert_eq!(a.entries[0].content, Content::Data(text.into_bytes()));
    }

    #[test]
    fn lying_header_never_yields_more_than_declared() {
        let zeros = vec![0u8; 1 << 20];
        let mut e = deflated(b"bomb.bin", &zeros);
        e.size = 10;
        e.crc = crc32(&zeros[..10]);
        let a = open_ok(&raw_zip(&[e]));
        match &a.entries[0].content {
            Content::Corrupt(_) => {}
            other => panic!("expected corrupt, got {other:?}"),
        }
        assert_eq!(a.entries[0].size, 10);
        assert_eq!(codes(&a), [Code::PackageCorruptEntry]);
    }

    #[test]
    fn overlapping_entries_are_refused_before_inflating() {
        let data = vec![0u8; 4000];
        let first = deflated(b"a.bin", &data);
        let mut second = first.clone();
        second.name = b"b.bin".to_vec();
        second.same_as = Some(0);
        let zip = raw_zip(&[first, second, stored(b"c.txt", b"ok")]);
        match open(&zip, &Limits::default()) {
            Err(e @ ArchiveError::Overlap { .. }) => {
                let msg = e.to_string();
                assert!(
                    msg.contains("a.bin") && msg.contains("b.bin") && msg.contains("overlap"),
                    "{msg}"
                );
                assert_eq!(e.code(), Code::PackageCorrupt);
                assert!(e.zh().contains("a.bin") && e.zh().contains("压缩炸弹"), "{}", e.zh());
            }
            other => panic!("expected a corrupt archive, got {other:?}"),
        }
    }

    #[test]
    fn a_local_header_that_contradicts_the_central_directory_makes_the_entry_corrupt() {
        let mut e = stored(b"a.txt", b"data");
        e.local = Some((e.crc ^ 1, 3));
        let a = open_ok(&raw_zip(&[e, stored(b"b.txt", b"ok")]));
        match &a.entries[0].content {
            Content::Corrupt(why) => {
                let why = why.to_string();
                assert!(why.contains("CRC-32") && why.contains("uncompressed size"), "{why}");
            }
            other => panic!("expected corrupt, got {other:?}"),
        }
        assert_eq!(a.entries[1].content, Content::Data(b"ok".to_vec()));
        assert_eq!(codes(&a), [Code::PackageCorruptEntry]);
    }

    #[test]
    fn a_data_descriptor_entry_may_leave_the_local_sizes_zero() {
        let mut e = stored(b"a.txt", b"data");
        e.flags |= FLAG_DATA_DESCRIPTOR;
        e.local = Some((0, 0));
        let a = open_ok(&raw_zip(&[e]));
        assert_eq!(a.entries[0].content, Content::Data(b"data".to_vec()));
    }

    #[test]
    fn a_local_header_of_zeros_states_nothing_and_contradicts_nothing() {
        let mut e = stored(b"a.txt", b"data");
        e.local = Some((0, 0));
        let a = open_ok(&raw_zip(&[e]));
        assert_eq!(a.entries[0].content, Content::Data(b"data".to_vec()));
    }

    #[test]
    fn an_entry_count_past_the_limit_is_refused_from_the_end_record() {
        let mut zip = raw_zip(&[stored(b"a", b"1")]);
        // The end record announces 60 000 entries the central directory does not hold: refused
        // as a limit before the zip reader parses anything.
        let eocd = zip.len() - 22;
        zip[eocd + 8..eocd + 10].copy_from_slice(&60_000u16.to_le_bytes());
        zip[eocd + 10..eocd + 12].copy_from_slice(&60_000u16.to_le_bytes());
        assert_eq!(limit_of(open(&zip, &Limits::default())), "max_entries");
        assert_eq!(declared_entry_count(&zip), Some(60_000));
    }

    #[test]
    fn shorter_than_declared_is_corrupt() {
        let mut e = stored(b"a.txt", b"abc");
        e.size = 5;
        let a = open_ok(&raw_zip(&[e]));
        assert!(matches!(a.entries[0].content, Content::Corrupt(_)));
    }

    #[test]
    fn duplicate_decoded_paths_are_kept_and_reported() {
        // Same decoded path from different raw names: "a/b.txt" and "a\b.txt".
        let a = open_ok(&raw_zip(&[stored(b"a/b.txt", b"1"), stored(b"a\\b.txt", b"2")]));
        assert_eq!(paths(&a), ["a/b.txt", "a/b.txt"]);
        assert_eq!(codes(&a), [Code::PackageDuplicateEntry]);
    }

    #[test]
    fn identical_raw_names_are_counted_and_reported() {
        let a = open_ok(&raw_zip(&[stored(b"a.txt", b"1"), stored(b"a.txt", b"2")]));
        assert_eq!(a.entry_count, 2);
        assert_eq!(codes(&a), [Code::PackageDuplicateEntry]);
    }

    #[test]
    fn entry_count_limit() {
        let zip = raw_zip(&[stored(b"a", b"1"), stored(b"b", b"1"), stored(b"c", b"1")]);
        let limits = Limits {
            max_entries: 2,
            ..Limits::default()
        };
        assert_eq!(limit_of(open(&zip, &limits)), "max_entries");
    }

    #[test]
    fn declared_entry_size_limit() {
        let mut e = stored(b"big.bin", b"1");
        e.size = 1000;
        let limits = Limits {
            max_entry_uncompressed: 999,
            ..Limits::default()
        };
        let err = open(&raw_zip(&[e]), &limits);
        assert!(matches!(
            &err,
            Err(ArchiveError::Limit { path: Some(p), actual: 1000, max: 999, .. }) if p == "big.bin"
        ));
        assert_eq!(limit_of(err), "max_entry_uncompressed");
    }

    #[test]
    fn declared_total_size_limit() {
        let zip = raw_zip(&[stored(b"a", &[1u8; 60]), stored(b"b", &[2u8; 60])]);
        let limits = Limits {
            max_total_uncompressed: 100,
            ..Limits::default()
        };
        assert_eq!(limit_of(open(&zip, &limits)), "max_total_uncompressed");
    }

    #[test]
    fn compression_ratio_limit() {
        let zip = raw_zip(&[deflated(b"zeros.bin", &vec![0u8; 100_000])]);
        let limits = Limits {
            max_ratio: 50,
            ..Limits::default()
        };
        assert_eq!(limit_of(open(&zip, &limits)), "max_ratio");
        assert!(open(&zip, &Limits::default()).is_ok());
    }

    #[test]
    fn archive_size_limit() {
        let zip = raw_zip(&[stored(b"a", b"1")]);
        let limits = Limits {
            max_archive_bytes: 10,
            ..Limits::default()
        };
        assert_eq!(limit_of(open(&zip, &limits)), "max_archive_bytes");
    }

    #[test]
    fn not_zip_formats_are_named() {
        let cases: &[(&[u8], &str)] = &[
            (b"Rar!\x1a\x07\x01\x00xxxx", "RAR"),
            (b"7z\xBC\xAF\x27\x1C\x00\x04xxxx", "7z"),
            (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
            (b"%PDF-1.6\n%\xe2\xe3\xcf\xd3\n", "PDF"),
            (b"\x00\x01\x02\x03binary", "unknown"),
        ];
        for (bytes, format) in cases {
            match open(bytes, &Limits::default()) {
                Err(e @ ArchiveError::NotZip { .. }) => {
                    assert_eq!(e, ArchiveError::NotZip { format });
                    assert_eq!(e.code(), Code::PackageNotZip);
                }
                other => panic!("{format}: {other:?}"),
            }
        }
        let rar = open(b"Rar!\x1a\x07\x01\x00", &Limits::default()).expect_err("rar");
        assert_eq!(rar.to_string(), "not a zip archive: the file is a RAR archive");
    }

    #[test]
    fn errors_and_damage_are_told_in_chinese_with_human_sizes() {
        let limit = ArchiveError::Limit {
            limit: "max_entry_uncompressed",
            actual: 2 << 30,
            max: 1 << 30,
            path: Some("a/b.bin".into()),
        };
        assert_eq!(
            limit.to_string(),
            "safety limit max_entry_uncompressed exceeded: 2.0 GiB is more than 1.0 GiB (entry a/b.bin)"
        );
        assert_eq!(
            limit.zh(),
            "超出安全限制：单个条目解压后的大小为 2.0 GiB，超过上限 1.0 GiB（条目 a/b.bin）"
        );
        let count = ArchiveError::Limit {
            limit: "max_entries",
            actual: 10_001,
            max: 10_000,
            path: None,
        };
        assert_eq!(count.zh(), "超出安全限制：条目数为 10001，超过上限 10000");
        // One byte past the limit: both in bytes, never "2.0 GiB is more than 2.0 GiB".
        let archive = ArchiveError::Limit {
            limit: "max_archive_bytes",
            actual: (2 << 30) + 1,
            max: 2 << 30,
            path: None,
        };
        assert!(archive.to_string().contains("2147483649 B is more than 2147483648 B"));
        let not_zip = ArchiveError::NotZip {
            format: "OLE (doc/xls)",
        };
        assert_eq!(not_zip.zh(), "不是 zip 压缩包：该文件是 OLE 复合文档（doc/xls）");
        for (damage, zh) in [
            (
                Damage::LocalHeader(vec!["CRC-32", "uncompressed size"]),
                "本地文件头与中央目录记载的校验值、解压后大小不一致",
            ),
            (Damage::Longer { declared: 1024 }, "解压后大于声明的 1.0 KiB"),
            (
                Damage::Shorter {
                    inflated: 1000,
                    declared: 1001,
                },
                "解压后只有 1000 B，小于声明的 1001 B",
            ),
            (Damage::Reader("Invalid checksum".into()), "校验值不符，数据已损坏"),
            (
                Damage::Reader("File is larger than its declared uncompressed size".into()),
                "解压后大于声明的大小",
            ),
            (Damage::Reader("corrupt deflate stream".into()), "压缩数据已损坏"),
        ] {
            assert_eq!(damage.zh(), zh, "{damage}");
        }
        assert_eq!(method_zh("method 77"), "编号 77");
        assert_eq!(method_zh("bzip2"), "bzip2");
    }

    #[test]
    fn empty_file_is_empty() {
        let err = open(b"", &Limits::default()).expect_err("empty");
        assert_eq!(err, ArchiveError::Empty);
        assert_eq!(err.code(), Code::PackageEmpty);
    }

    #[test]
    fn truncated_zip_is_corrupt() {
        let zip = raw_zip(&[stored(b"a.txt", &[7u8; 200]), stored(b"b.txt", b"1")]);
        let err = open(&zip[..zip.len() / 2], &Limits::default()).expect_err("truncated");
        assert!(matches!(err, ArchiveError::Corrupt(_)), "{err:?}");
        assert_eq!(err.code(), Code::PackageCorrupt);
        assert!(err.to_string().starts_with("corrupt zip archive: "));
    }

    #[test]
    fn empty_zip_opens_with_no_entries() {
        let a = open_ok(&raw_zip(&[]));
        assert!(a.entries.is_empty());
        assert_eq!(a.entry_count, 0);
    }

    #[test]
    fn limits_deserialize_with_defaults_and_reject_unknown_fields() {
        let l: Limits = serde_json::from_str(r#"{"max_entries": 5}"#).expect("limits");
        assert_eq!(l.max_entries, 5);
        assert_eq!(l.max_ratio, 1000);
        assert_eq!(l.max_archive_bytes, 2 * GIB);
        assert!(serde_json::from_str::<Limits>(r#"{"max_files": 5}"#).is_err());
        assert_eq!(
            serde_json::to_string(&NameEncoding::Gb18030).expect("json"),
            "\"gb18030\""
        );
    }

    #[test]
    fn sha256_of_abc() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
