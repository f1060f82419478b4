//! File type from content.
//!
//! SPEC §3: "File type comes from content (magic bytes, then the zip's inner layout: `word/`, `xl/`,
//! `OFD.xml`), not from the extension. A mismatch (a `.pdf` that is a docx) is a finding
//! `file.extension_mismatch` (info) and the file is read by its content."
//!
//! This module only names the kind of a byte string; it never trusts a file name. It reads as
//! little as it can: magic bytes, the zip's central directory (names only, plus the tiny
//! `mimetype` entry of OpenDocument files), the Compound File Binary directory of OLE files, and a
//! sample of at most 64 KiB for text. It never panics on any input.

use std::io::{Cursor, Read};

/// The kind of a file, decided from its bytes by [`sniff`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    /// A PDF document (`%PDF-` within the first 1024 bytes).
    Pdf,
    /// An OOXML word-processing document (`word/` inside a zip): docx, docm.
    Docx,
    /// An OOXML workbook (`xl/` inside a zip): xlsx, xlsm.
    Xlsx,
    /// An OpenDocument spreadsheet (zip with a `mimetype` entry naming it).
    Ods,
    /// An OFD document, GB/T 33190 (zip with `OFD.xml` at its root).
    Ofd,
    /// Any other zip archive.
    Zip,
    /// An OLE compound file with a `WordDocument` stream in its root storage: `.doc`, `.wps`.
    Doc,
    /// An OLE compound file with a `Workbook` or `Book` stream in its root storage: `.xls`,
    /// `.et` (embedded objects in storages of their own do not change it).
    Xls,
    /// Any other OLE compound file.
    Ole,
    /// A RAR archive.
    Rar,
    /// A 7z archive.
    SevenZip,
    /// A gzip stream.
    Gzip,
    /// A bzip2 stream.
    Bzip2,
    /// An xz stream.
    Xz,
    /// A POSIX (ustar) tar archive.
    Tar,
    /// A PNG image.
    Png,
    /// A JPEG image.
    Jpeg,
    /// A GIF image.
    Gif,
    /// A BMP image.
    Bmp,
    /// A TIFF image.
    Tiff,
    /// A WebP image.
    Webp,
    /// Plain text: UTF-16 with a BOM, UTF-8, or GB18030, without binary control bytes.
    Text,
    /// A 0-byte file.
    Empty,
    /// Anything else.
    Unknown,
}

impl FileKind {
    /// Every kind.
    pub const ALL: [FileKind; 24] = [
        FileKind::Pdf,
        FileKind::Docx,
        FileKind::Xlsx,
        FileKind::Ods,
        FileKind::Ofd,
        FileKind::Zip,
        FileKind::Doc,
        FileKind::Xls,
        FileKind::Ole,
        FileKind::Rar,
        FileKind::SevenZip,
        FileKind::Gzip,
        FileKind::Bzip2,
        FileKind::Xz,
        FileKind::Tar,
        FileKind::Png,
        FileKind::Jpeg,
        FileKind::Gif,
        FileKind::Bmp,
        FileKind::Tiff,
        FileKind::Webp,
        FileKind::Text,
        FileKind::Empty,
        FileKind::Unknown,
    ];

    /// The kind whose [`FileKind::as_str`] is `id` (reading a verdict back).
    pub fn from_id(id: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.as_str() == id)
    }

    /// The stable lower-case id of the kind, e.g. `"docx"`, `"7z"`, `"text"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileKind::Pdf => "pdf",
            FileKind::Docx => "docx",
            FileKind::Xlsx => "xlsx",
            FileKind::Ods => "ods",
            FileKind::Ofd => "ofd",
            FileKind::Zip => "zip",
            FileKind::Doc => "doc",
            FileKind::Xls => "xls",
            FileKind::Ole => "ole",
            FileKind::Rar => "rar",
            FileKind::SevenZip => "7z",
            FileKind::Gzip => "gzip",
            FileKind::Bzip2 => "bzip2",
            FileKind::Xz => "xz",
            FileKind::Tar => "tar",
            FileKind::Png => "png",
            FileKind::Jpeg => "jpeg",
            FileKind::Gif => "gif",
            FileKind::Bmp => "bmp",
            FileKind::Tiff => "tiff",
            FileKind::Webp => "webp",
            FileKind::Text => "text",
            FileKind::Empty => "empty",
            FileKind::Unknown => "unknown",
        }
    }

    /// The kind as a Chinese message names it: its format's name and what it is (`PDF 文档`,
    /// `xlsx 表格`, `纯文本文件`).
    pub fn name_zh(self) -> &'static str {
        match self {
            FileKind::Pdf => "PDF 文档",
            FileKind::Docx => "docx 文档",
            FileKind::Xlsx => "xlsx 表格",
            FileKind::Ods => "ods 表格",
            FileKind::Ofd => "OFD 文档",
            FileKind::Zip => "zip 压缩包",
            FileKind::Doc => "doc 文档",
            FileKind::Xls => "xls 表格",
            FileKind::Ole => "OLE 复合文档",
            FileKind::Rar => "RAR 压缩包",
            FileKind::SevenZip => "7z 压缩包",
            FileKind::Gzip => "gzip 压缩数据",
            FileKind::Bzip2 => "bzip2 压缩数据",
            FileKind::Xz => "xz 压缩数据",
            FileKind::Tar => "tar 归档文件",
            FileKind::Png => "PNG 图片",
            FileKind::Jpeg => "JPEG 图片",
            FileKind::Gif => "GIF 图片",
            FileKind::Bmp => "BMP 图片",
            FileKind::Tiff => "TIFF 图片",
            FileKind::Webp => "WebP 图片",
            FileKind::Text => "纯文本文件",
            FileKind::Empty => "空文件",
            FileKind::Unknown => "未知格式的文件",
        }
    }

    /// Whether the kind is a spreadsheet format (SPEC §4 "**table** = xlsx, xlsm, xls, ods, csv").
    ///
    /// Csv is [`FileKind::Text`]; whether a text file is a table is for its reader to decide.
    pub fn is_table(self) -> bool {
        matches!(self, FileKind::Xlsx | FileKind::Ods | FileKind::Xls)
    }

    /// Whether the kind is a readable document format (SPEC §4 "**doc** = pdf, docx, ofd, txt").
    pub fn is_document(self) -> bool {
        matches!(self, FileKind::Pdf | FileKind::Docx | FileKind::Ofd | FileKind::Text)
    }

    /// Whether the kind is an image.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            FileKind::Png | FileKind::Jpeg | FileKind::Gif | FileKind::Bmp | FileKind::Tiff | FileKind::Webp
        )
    }

    /// Whether the kind is an archive or compressed stream (not an office zip such as docx).
    pub fn is_archive(self) -> bool {
        matches!(
            self,
            FileKind::Zip
                | FileKind::Rar
                | FileKind::SevenZip
                | FileKind::Gzip
                | FileKind::Bzip2
                | FileKind::Xz
                | FileKind::Tar
        )
    }

    /// The usual file extensions of the kind, lower case and without the dot. A file whose
    /// extension is not among them has an extension mismatch (SPEC §3).
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            FileKind::Pdf => &["pdf"],
            FileKind::Docx => &["docx", "docm"],
            FileKind::Xlsx => &["xlsx", "xlsm"],
            FileKind::Ods => &["ods"],
            FileKind::Ofd => &["ofd"],
            FileKind::Zip => &["zip"],
            FileKind::Doc => &["doc", "wps"],
            FileKind::Xls => &["xls", "et"],
            FileKind::Ole => &["ppt", "pps", "msg", "vsd"],
            FileKind::Rar => &["rar"],
            FileKind::SevenZip => &["7z"],
            FileKind::Gzip => &["gz", "tgz"],
            FileKind::Bzip2 => &["bz2"],
            FileKind::Xz => &["xz"],
            FileKind::Tar => &["tar"],
            FileKind::Png => &["png"],
            FileKind::Jpeg => &["jpg", "jpeg"],
            FileKind::Gif => &["gif"],
            FileKind::Bmp => &["bmp"],
            FileKind::Tiff => &["tif", "tiff"],
            FileKind::Webp => &["webp"],
            FileKind::Text => &["txt", "csv"],
            FileKind::Empty | FileKind::Unknown => &[],
        }
    }
}

impl std::fmt::Display for FileKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for FileKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// How far into the file `%PDF-` may start; PDF readers accept leading junk this long.
const PDF_SEARCH: usize = 1024;
/// How much of a file is sampled to decide whether it is text.
const TEXT_SAMPLE: usize = 64 * 1024;
/// How much of a zip's `mimetype` entry is read.
const MIMETYPE_MAX: u64 = 200;
const OLE_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Names the kind of `bytes` from their content (SPEC §3 "File type comes from content").
///
/// Order: fixed magic bytes at offset 0, then `ustar` at offset 257, then `%PDF-` within the
/// first 1024 bytes, then text. Zip and OLE files are looked into to tell office formats apart.
pub fn sniff(bytes: &[u8]) -> FileKind {
    if bytes.is_empty() {
        return FileKind::Empty;
    }
    if let Some(kind) = magic_at_start(bytes) {
        return kind;
    }
    if bytes.get(257..262) == Some(b"ustar".as_slice()) {
        return FileKind::Tar;
    }
    let head = bytes.get(..PDF_SEARCH).unwrap_or(bytes);
    if find(head, b"%PDF-").is_some() {
        return FileKind::Pdf;
    }
    if is_text(bytes) {
        return FileKind::Text;
    }
    FileKind::Unknown
}

/// Whether `bytes` start like a zip archive: a local file header, an empty archive's end record,
/// or the spanning marker that some writers put before the first local header.
pub(crate) fn starts_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(b"PK\x07\x08PK\x03\x04")
}

/// The kinds recognised by magic bytes at offset 0.
fn magic_at_start(b: &[u8]) -> Option<FileKind> {
    if starts_like_zip(b) {
        return Some(sniff_zip(b));
    }
    if b.starts_with(OLE_MAGIC) {
        return Some(sniff_ole(b));
    }
    if b.starts_with(b"%PDF-") {
        return Some(FileKind::Pdf);
    }
    if b.starts_with(b"Rar!\x1a\x07") {
        return Some(FileKind::Rar);
    }
    if b.starts_with(b"7z\xBC\xAF\x27\x1C") {
        return Some(FileKind::SevenZip);
    }
    // gzip: ID1 ID2 and CM = 8 (deflate, the only method RFC 1952 defines).
    if b.starts_with(b"\x1f\x8b\x08") {
        return Some(FileKind::Gzip);
    }
    if is_bzip2(b) {
        return Some(FileKind::Bzip2);
    }
    if b.starts_with(b"\xFD7zXZ\x00") {
        return Some(FileKind::Xz);
    }
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(FileKind::Png);
    }
    if b.starts_with(b"\xFF\xD8\xFF") {
        return Some(FileKind::Jpeg);
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some(FileKind::Gif);
    }
    if b.starts_with(b"II*\x00") || b.starts_with(b"MM\x00*") {
        return Some(FileKind::Tiff);
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP".as_slice()) {
        return Some(FileKind::Webp);
    }
    if is_bmp(b) {
        return Some(FileKind::Bmp);
    }
    None
}

/// `BZh` + block size digit + the block or end-of-stream magic, so that text starting with
/// "BZh" is not taken for bzip2.
fn is_bzip2(b: &[u8]) -> bool {
    b.starts_with(b"BZh")
        && b.get(3).is_some_and(|d| (b'1'..=b'9').contains(d))
        && matches!(
            b.get(4..10),
            Some(b"\x31\x41\x59\x26\x53\x59") | Some(b"\x17\x72\x45\x38\x50\x90")
        )
}

/// `BM` + file size + two reserved zero words, so that text starting with "BM" is not an image.
fn is_bmp(b: &[u8]) -> bool {
    b.starts_with(b"BM") && b.len() >= 26 && b.get(6..10) == Some(b"\0\0\0\0".as_slice())
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() {
        return Some(0);
    }
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Tells office zips apart by their entry names (SPEC §3 "the zip's inner layout: `word/`, `xl/`,
/// `OFD.xml`"). Only the `mimetype` entry is ever read, and only its first 200 bytes.
fn sniff_zip(bytes: &[u8]) -> FileKind {
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return FileKind::Zip;
    };
    let mut word = false;
    let mut xl = false;
    let mut ofd = false;
    let mut mimetype = None;
    for (i, name) in zip.file_names_raw().enumerate() {
        if name.starts_with(b"word/") || name.starts_with(b"word\\") {
            word = true;
        } else if name.starts_with(b"xl/") || name.starts_with(b"xl\\") {
            xl = true;
        } else if name.eq_ignore_ascii_case(b"OFD.xml") {
            ofd = true;
        } else if name == b"mimetype" {
            mimetype = Some(i);
        }
    }
    if word {
        return FileKind::Docx;
    }
    if xl {
        return FileKind::Xlsx;
    }
    if let Some(i) = mimetype {
        let mut head = Vec::new();
        if let Ok(file) = zip.by_index(i) {
            // An error (CRC, broken stream) leaves what was read; a bad mimetype is no ods.
            let _ = file.take(MIMETYPE_MAX).read_to_end(&mut head);
        }
        if find(&head, b"application/vnd.oasis.opendocument.spreadsheet").is_some() {
            return FileKind::Ods;
        }
    }
    if ofd {
        return FileKind::Ofd;
    }
    FileKind::Zip
}

/// Tells OLE files apart by the streams of the root storage of their Compound File Binary
/// directory ([MS-CFB]): `Workbook` or `Book` → Xls, `WordDocument` → Doc, else (or on any
/// damage) Ole.
fn sniff_ole(bytes: &[u8]) -> FileKind {
    match ole_stream_kind(bytes) {
        Some(kind) => kind,
        None => FileKind::Ole,
    }
}

const ENDOFCHAIN_MIN: u32 = 0xFFFF_FFFA; // MAXREGSECT + 1: every special value ends a chain.

fn le_u16(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn le_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([*s.first()?, *s.get(1)?, *s.get(2)?, *s.get(3)?]))
}

/// A parsed CFB file: enough to follow sector chains through the FAT.
struct Cfb<'a> {
    bytes: &'a [u8],
    sector_size: usize,
    /// FAT sector ids, from the header's 109 DIFAT entries and the DIFAT chain.
    fat_sectors: Vec<u32>,
}

impl<'a> Cfb<'a> {
    fn parse(bytes: &'a [u8]) -> Option<Self> {
        if !bytes.starts_with(OLE_MAGIC) || le_u16(bytes, 0x1C)? != 0xFFFE {
            return None;
        }
        let sector_size = match le_u16(bytes, 0x1E)? {
            9 => 512,
            12 => 4096,
            _ => return None,
        };
        let mut cfb = Cfb {
            bytes,
            sector_size,
            fat_sectors: Vec::new(),
        };
        let max_sectors = cfb.max_sectors();
        for i in 0..109usize {
            let id = le_u32(bytes, 0x4C + i * 4)?;
            if id < ENDOFCHAIN_MIN {
                cfb.fat_sectors.push(id);
            }
        }
        // Further FAT sector ids live in the DIFAT chain: each DIFAT sector holds
        // sector_size/4 - 1 ids and, last, the next DIFAT sector. Bounded by the file size.
        let mut next = le_u32(bytes, 0x44)?;
        let mut steps = 0usize;
        while next < ENDOFCHAIN_MIN && steps <= max_sectors {
            steps += 1;
            let sector = cfb.sector(next)?;
            let per = sector_size / 4 - 1;
            for i in 0..per {
                let id = le_u32(sector, i * 4)?;
                if id < ENDOFCHAIN_MIN {
                    cfb.fat_sectors.push(id);
                }
            }
            next = le_u32(sector, per * 4)?;
        }
        Some(cfb)
    }

    /// How many sectors the file can hold: a bound for every loop.
    fn max_sectors(&self) -> usize {
        self.bytes.len() / self.sector_size + 1
    }

    /// Sector `id`, which starts at `(id + 1) * sector_size` (the header fills sector -1).
    fn sector(&self, id: u32) -> Option<&'a [u8]> {
        let start = usize::try_from(id)
            .ok()?
            .checked_add(1)?
            .checked_mul(self.sector_size)?;
        self.bytes.get(start..start.checked_add(self.sector_size)?)
    }

    /// The FAT entry of sector `id`: the next sector of its chain.
    fn next_sector(&self, id: u32) -> Option<u32> {
        let per = self.sector_size / 4;
        let id = usize::try_from(id).ok()?;
        let fat_id = *self.fat_sectors.get(id / per)?;
        le_u32(self.sector(fat_id)?, (id % per) * 4)
    }
}

/// One directory entry: its name, object type (1 storage, 2 stream, 5 root) and the ids of its
/// left and right siblings and of its child (the root of the tree of its members).
struct DirEntry {
    name: String,
    kind: u8,
    left: u32,
    right: u32,
    child: u32,
}

/// "No entry" in a sibling or child field, and every id from here on.
const NOSTREAM_MIN: u32 = 0xFFFF_FFFA;

/// Reads the directory: every entry of its sector chain, in id order; `None` on any damage.
fn directory(bytes: &[u8]) -> Option<Vec<DirEntry>> {
    let cfb = Cfb::parse(bytes)?;
    let mut sector_id = le_u32(bytes, 0x30)?;
    let mut entries = Vec::new();
    // A cycle or an out-of-range sector ends the walk: at most one visit per sector of the file.
    for _ in 0..cfb.max_sectors() {
        if sector_id >= ENDOFCHAIN_MIN {
            break;
        }
        let sector = cfb.sector(sector_id)?;
        for entry in sector.chunks_exact(128) {
            let name_len = usize::from(le_u16(entry, 0x40)?).min(64);
            let name: Vec<u16> = entry
                .get(..name_len)?
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c.first().copied().unwrap_or(0), c.get(1).copied().unwrap_or(0)]))
                .take_while(|&u| u != 0)
                .collect();
            entries.push(DirEntry {
                name: String::from_utf16_lossy(&name),
                kind: entry.get(0x42).copied().unwrap_or(0),
                left: le_u32(entry, 0x44)?,
                right: le_u32(entry, 0x48)?,
                child: le_u32(entry, 0x4C)?,
            });
        }
        sector_id = match cfb.next_sector(sector_id) {
            Some(next) => next,
            None => break,
        };
    }
    Some(entries)
}

/// The names of the streams directly in the root storage: the members of the tree under the
/// root entry's child, walked by their sibling links. A stream inside a storage (an embedded
/// object's `WordDocument` under `MBD0001A2B3`, say) is not among them. Each entry is visited at
/// most once, so a damaged tree that links back ends the walk.
fn root_streams(entries: &[DirEntry]) -> Vec<&str> {
    let mut names = Vec::new();
    let Some(root) = entries.first() else {
        return names;
    };
    let mut seen = vec![false; entries.len()];
    let mut stack = vec![root.child];
    while let Some(id) = stack.pop() {
        if id >= NOSTREAM_MIN {
            continue;
        }
        let Ok(i) = usize::try_from(id) else { continue };
        let (Some(entry), Some(visited)) = (entries.get(i), seen.get_mut(i)) else {
            continue;
        };
        if *visited || i == 0 {
            continue;
        }
        *visited = true;
        if entry.kind == 2 {
            names.push(entry.name.as_str());
        }
        stack.push(entry.left);
        stack.push(entry.right);
    }
    names
}

/// Names the kind of an OLE file by the streams of its root storage: a `Workbook` or `Book`
/// stream there is a workbook (`.xls`, `.et`) even when the workbook embeds a Word or WPS object
/// (whose `WordDocument` stream sits in a storage of its own); a `WordDocument` stream there is
/// a document (`.doc`, `.wps`). `None` on any damage or when neither is at the root.
fn ole_stream_kind(bytes: &[u8]) -> Option<FileKind> {
    let entries = directory(bytes)?;
    let root = root_streams(&entries);
    let has = |wanted: &str| root.iter().any(|n| n.eq_ignore_ascii_case(wanted));
    if has("Workbook") || has("Book") {
        return Some(FileKind::Xls);
    }
    has("WordDocument").then_some(FileKind::Doc)
}

/// Excel's own formats from before 1997 that are not in an OLE container: a worksheet, chart or
/// macro sheet of Excel 2.x to 4.x is a bare stream of BIFF2–BIFF4 records starting with a BOF
/// record (type 0x0009, 0x0209, 0x0409, or 0x0809 with a version before BIFF5). pingshen reads
/// none of them; this names the format for the reason a file cannot be read, `None` when the
/// bytes are not one of them.
pub fn legacy_format(bytes: &[u8]) -> Option<&'static str> {
    let typ = le_u16(bytes, 0)?;
    let len = le_u16(bytes, 2)?;
    let version = le_u16(bytes, 4)?;
    let sheet_type = le_u16(bytes, 6)?;
    // BIFF2–4 BOF bodies are 4 to 8 bytes long (some writers pad them to 16).
    if !(4..=16).contains(&len) {
        return None;
    }
    // The document type: globals (BIFF4 workbook), worksheet, chart, macro sheet, workspace.
    let known_type = matches!(sheet_type, 0x0005 | 0x0010 | 0x0020 | 0x0040 | 0x0100);
    let old = match typ {
        0x0009 | 0x0209 | 0x0409 => known_type,
        // BIFF5 and BIFF8 write 0x0809 too, with their version (0x0500, 0x0600) first.
        0x0809 => known_type && version < 0x0500,
        _ => false,
    };
    old.then_some("Excel 2.x–4.x worksheet (pre-1997 BIFF): not supported")
}

/// SPEC §4 accepts csv "UTF-8 or GBK" and txt: a file without magic is text when it has a UTF-16
/// BOM, or its first 64 KiB are UTF-8 (BOM optional) or GB18030, hold no NUL and few control
/// bytes other than tab, CR, LF and form feed.
fn is_text(bytes: &[u8]) -> bool {
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return true;
    }
    let truncated = bytes.len() > TEXT_SAMPLE;
    let sample = bytes.get(..TEXT_SAMPLE).unwrap_or(bytes);
    let sample = sample.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(sample);
    if sample.is_empty() {
        // A bare UTF-8 BOM is an empty text file.
        return true;
    }
    let mut controls = 0usize;
    for &b in sample {
        match b {
            0 => return false,
            b'\t' | b'\r' | b'\n' | 0x0c => {}
            0x01..=0x1f | 0x7f => controls += 1,
            _ => {}
        }
    }
    // "Few": at most 1 control byte in 100 (so none in a file shorter than 100 bytes).
    if controls.saturating_mul(100) > sample.len() {
        return false;
    }
    is_utf8_sample(sample, truncated) || is_gb18030_sample(sample, truncated)
}

/// Valid UTF-8, allowing a character cut by the end of a truncated sample.
fn is_utf8_sample(sample: &[u8], truncated: bool) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => truncated && e.error_len().is_none(),
    }
}

/// Decodes as GB18030 without errors, allowing a character (at most 3 bytes of its 4) cut by
/// the end of a truncated sample.
fn is_gb18030_sample(sample: &[u8], truncated: bool) -> bool {
    let cuts = if truncated { 0..4usize } else { 0..1 };
    cuts.into_iter().any(|cut| {
        let end = sample.len().saturating_sub(cut);
        sample.get(..end).is_some_and(|s| {
            !s.is_empty()
                && encoding_rs::GB18030
                    .decode_without_bom_handling_and_without_replacement(s)
                    .is_some()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(names: &[(&str, &[u8])]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts = zip::write::SimpleFileOptions::default();
        for (name, data) in names {
            w.start_file(*name, opts).expect("start file");
            w.write_all(data).expect("write");
        }
        w.finish().expect("finish").into_inner()
    }

    /// A minimal version-3 CFB: header, one FAT sector (sector 0), one directory sector
    /// (sector 1) holding the root entry and one stream named `stream`.
    fn cfb_with(stream: &str, dir_next: u32) -> Vec<u8> {
        let mut b = vec![0u8; 512 * 3];
        b[..8].copy_from_slice(OLE_MAGIC);
        b[0x18..0x1A].copy_from_slice(&0x3Eu16.to_le_bytes());
        b[0x1A..0x1C].copy_from_slice(&3u16.to_le_bytes());
        b[0x1C..0x1E].copy_from_slice(&0xFFFEu16.to_le_bytes());
        b[0x1E..0x20].copy_from_slice(&9u16.to_le_bytes());
        b[0x20..0x22].copy_from_slice(&6u16.to_le_bytes());
        b[0x2C..0x30].copy_from_slice(&1u32.to_le_bytes()); // FAT sectors
        b[0x30..0x34].copy_from_slice(&1u32.to_le_bytes()); // first directory sector
        b[0x38..0x3C].copy_from_slice(&4096u32.to_le_bytes());
        b[0x3C..0x40].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        b[0x44..0x48].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes());
        for i in 0..109 {
            b[0x4C + i * 4..0x50 + i * 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        b[0x4C..0x50].copy_from_slice(&0u32.to_le_bytes()); // FAT in sector 0
                                                            // FAT (sector 0 at offset 512): sector 0 = FATSECT, sector 1 = dir_next, rest free.
        let fat = 512;
        for i in 0..128 {
            b[fat + i * 4..fat + i * 4 + 4].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        }
        b[fat..fat + 4].copy_from_slice(&0xFFFF_FFFDu32.to_le_bytes());
        b[fat + 4..fat + 8].copy_from_slice(&dir_next.to_le_bytes());
        // Directory (sector 1 at offset 1024).
        let dir = 1024;
        put_entry(&mut b, dir, "Root Entry", 5, [NOSTREAM, NOSTREAM, 1]);
        put_entry(&mut b, dir + 128, stream, 2, [NOSTREAM; 3]);
        b
    }

    const NOSTREAM: u32 = 0xFFFF_FFFF;

    /// Writes a directory entry at `at`: name, type, and [left, right, child] ids.
    fn put_entry(b: &mut [u8], at: usize, name: &str, ty: u8, links: [u32; 3]) {
        let units: Vec<u16> = name.encode_utf16().collect();
        for (i, u) in units.iter().enumerate() {
            b[at + i * 2..at + i * 2 + 2].copy_from_slice(&u.to_le_bytes());
        }
        let len = (units.len() as u16 + 1) * 2;
        b[at + 0x40..at + 0x42].copy_from_slice(&len.to_le_bytes());
        b[at + 0x42] = ty;
        for (i, id) in links.iter().enumerate() {
            b[at + 0x44 + 4 * i..at + 0x48 + 4 * i].copy_from_slice(&id.to_le_bytes());
        }
    }

    /// A workbook whose root holds `Workbook` and a storage `MBD00012345` holding an embedded
    /// Word object's `WordDocument` stream; with `swap`, the other way round (a document
    /// embedding a workbook).
    fn cfb_with_embedded(swap: bool) -> Vec<u8> {
        let (root_stream, embedded) = if swap {
            ("WordDocument", "Workbook")
        } else {
            ("Workbook", "WordDocument")
        };
        let mut b = cfb_with(root_stream, 0xFFFF_FFFE);
        let dir = 1024;
        // Root's child is entry 1; its right sibling the storage (2), whose child is entry 3.
        put_entry(&mut b, dir + 128, root_stream, 2, [NOSTREAM, 2, NOSTREAM]);
        put_entry(&mut b, dir + 256, "MBD00012345", 1, [NOSTREAM, NOSTREAM, 3]);
        put_entry(&mut b, dir + 384, embedded, 2, [NOSTREAM; 3]);
        b
    }

    #[test]
    fn empty_slice_is_empty() {
        assert_eq!(sniff(b""), FileKind::Empty);
    }

    #[test]
    fn pdf_at_start_and_after_junk() {
        assert_eq!(sniff(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), FileKind::Pdf);
        let mut junk = vec![0u8; 600];
        junk.extend_from_slice(b"%PDF-1.4\n");
        assert_eq!(sniff(&junk), FileKind::Pdf);
    }

    #[test]
    fn pdf_magic_past_1024_bytes_is_not_pdf() {
        let mut junk = vec![0u8; 1100];
        junk.extend_from_slice(b"%PDF-1.4\n");
        assert_eq!(sniff(&junk), FileKind::Unknown);
    }

    #[test]
    fn zip_layouts_name_office_kinds() {
        let docx = zip_with(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("word/document.xml", b"<w:document/>"),
        ]);
        assert_eq!(sniff(&docx), FileKind::Docx);
        let xlsx = zip_with(&[("xl/workbook.xml", b"<workbook/>")]);
        assert_eq!(sniff(&xlsx), FileKind::Xlsx);
        let ods = zip_with(&[
            ("mimetype", b"application/vnd.oasis.opendocument.spreadsheet"),
            ("content.xml", b"<x/>"),
        ]);
        assert_eq!(sniff(&ods), FileKind::Ods);
        let odt = zip_with(&[("mimetype", b"application/vnd.oasis.opendocument.text")]);
        assert_eq!(sniff(&odt), FileKind::Zip);
        let ofd = zip_with(&[("ofd.XML", b"<ofd:OFD/>"), ("Doc_0/Document.xml", b"<x/>")]);
        assert_eq!(sniff(&ofd), FileKind::Ofd);
        let nested_ofd = zip_with(&[("a/OFD.xml", b"<ofd:OFD/>")]);
        assert_eq!(sniff(&nested_ofd), FileKind::Zip);
        let plain = zip_with(&[("a.txt", b"hello")]);
        assert_eq!(sniff(&plain), FileKind::Zip);
    }

    #[test]
    fn empty_and_broken_zips_are_zip() {
        let empty = zip_with(&[]);
        assert!(empty.starts_with(b"PK\x05\x06"));
        assert_eq!(sniff(&empty), FileKind::Zip);
        assert_eq!(sniff(b"PK\x03\x04 truncated"), FileKind::Zip);
    }

    #[test]
    fn ole_directory_names_doc_and_xls() {
        assert_eq!(sniff(&cfb_with("WordDocument", 0xFFFF_FFFE)), FileKind::Doc);
        assert_eq!(sniff(&cfb_with("Workbook", 0xFFFF_FFFE)), FileKind::Xls);
        assert_eq!(sniff(&cfb_with("Book", 0xFFFF_FFFE)), FileKind::Xls);
        assert_eq!(sniff(&cfb_with("PowerPoint Document", 0xFFFF_FFFE)), FileKind::Ole);
    }

    #[test]
    fn only_the_root_storage_decides_between_workbook_and_document() {
        assert_eq!(sniff(&cfb_with_embedded(false)), FileKind::Xls);
        assert_eq!(sniff(&cfb_with_embedded(true)), FileKind::Doc);
        // A stream no link of the root's tree reaches is in no storage that counts.
        let mut b = cfb_with("Workbook", 0xFFFF_FFFE);
        put_entry(&mut b, 1024, "Root Entry", 5, [NOSTREAM; 3]);
        assert_eq!(sniff(&b), FileKind::Ole);
        // Sibling links that loop end the walk.
        let mut b = cfb_with_embedded(false);
        put_entry(&mut b, 1024 + 256, "MBD00012345", 1, [1, 1, 3]);
        assert_eq!(sniff(&b), FileKind::Xls);
    }

    #[test]
    fn excel_2_to_4_files_are_named_and_biff5_streams_are_not() {
        let bof = |typ: u16, len: u16, version: u16, dt: u16| {
            let mut b = Vec::new();
            for v in [typ, len, version, dt, 0, 0, 0, 0] {
                b.extend_from_slice(&v.to_le_bytes());
            }
            b
        };
        for typ in [0x0009, 0x0209, 0x0409] {
            let b = bof(typ, 6, 0, 0x0010);
            assert_eq!(sniff(&b), FileKind::Unknown);
            assert!(
                legacy_format(&b).is_some_and(|f| f.contains("Excel 2.x–4.x")),
                "{typ:#x}"
            );
        }
        assert!(legacy_format(&bof(0x0409, 6, 0, 0x0100)).is_some());
        assert!(legacy_format(&bof(0x0809, 8, 0x0400, 0x0010)).is_some());
        assert_eq!(legacy_format(&bof(0x0809, 16, 0x0600, 0x0005)), None);
        assert_eq!(legacy_format(&bof(0x0009, 6, 0, 0x7777)), None);
        assert_eq!(legacy_format(b"\x09\x00"), None);
        assert_eq!(legacy_format(b"hello world"), None);
    }

    #[test]
    fn ole_directory_cycle_and_damage_end_as_ole() {
        // The directory sector chains to itself: the walk must stop.
        assert_eq!(sniff(&cfb_with("Other", 1)), FileKind::Ole);
        // Chain to an out-of-range sector.
        assert_eq!(sniff(&cfb_with("Other", 77)), FileKind::Ole);
        // Header only.
        let b = cfb_with("WordDocument", 0xFFFF_FFFE);
        assert_eq!(sniff(&b[..512]), FileKind::Ole);
        // Bad sector shift.
        let mut bad = b.clone();
        bad[0x1E] = 30;
        assert_eq!(sniff(&bad), FileKind::Ole);
        assert_eq!(sniff(OLE_MAGIC), FileKind::Ole);
    }

    #[test]
    fn archive_and_image_magics() {
        let mut tar = vec![0u8; 512];
        tar[..5].copy_from_slice(b"a.txt");
        tar[257..263].copy_from_slice(b"ustar\0");
        let mut bmp = b"BM\x36\x00\x00\x00\x00\x00\x00\x00\x36\x00\x00\x00".to_vec();
        bmp.resize(60, 0);
        let cases: &[(&[u8], FileKind)] = &[
            (b"Rar!\x1a\x07\x01\x00rest", FileKind::Rar),
            (b"7z\xBC\xAF\x27\x1C\x00\x04", FileKind::SevenZip),
            (b"\x1f\x8b\x08\x00\x00\x00", FileKind::Gzip),
            (b"BZh91AY&SY\x00\x00", FileKind::Bzip2),
            (b"\xFD7zXZ\x00\x00\x04", FileKind::Xz),
            (&tar, FileKind::Tar),
            (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", FileKind::Png),
            (b"\xFF\xD8\xFF\xE0\x00\x10JFIF", FileKind::Jpeg),
            (b"GIF89a\x01\x00\x01\x00", FileKind::Gif),
            (&bmp, FileKind::Bmp),
            (b"II*\x00\x08\x00\x00\x00", FileKind::Tiff),
            (b"MM\x00*\x00\x00\x00\x08", FileKind::Tiff),
            (b"RIFF\x24\x00\x00\x00WEBPVP8 ", FileKind::Webp),
        ];
        for (bytes, kind) in cases {
            assert_eq!(sniff(bytes), *kind, "{:?}", kind);
        }
    }

    #[test]
    fn text_starting_like_weak_magics_stays_text() {
        assert_eq!(sniff(b"BMW annual report\n"), FileKind::Text);
        assert_eq!(sniff(b"BZh is not bzip2 here\n"), FileKind::Text);
    }

    #[test]
    fn text_in_utf8_gbk_and_utf16() {
        assert_eq!(sniff("项目名称,金额\n平台,100\n".as_bytes()), FileKind::Text);
        assert_eq!(sniff(b"\xEF\xBB\xBFname,value\r\n"), FileKind::Text);
        let (gbk, _, _) = encoding_rs::GBK.encode("项目基本情况表\t金额\n");
        assert!(std::str::from_utf8(&gbk).is_err());
        assert_eq!(sniff(&gbk), FileKind::Text);
        assert_eq!(sniff(b"\xFF\xFEa\x00b\x00"), FileKind::Text);
        assert_eq!(sniff(b"\xFE\xFF\x00a\x00b"), FileKind::Text);
    }

    #[test]
    fn long_text_cut_mid_character_is_text() {
        // 64 KiB + 1 puts the sample's end inside a 3-byte UTF-8 character.
        let s = "中".repeat(TEXT_SAMPLE / 3 + 10);
        assert_eq!(sniff(s.as_bytes()), FileKind::Text);
        let long = format!("a{}", "中".repeat(TEXT_SAMPLE));
        let (gbk, _, _) = encoding_rs::GBK.encode(&long);
        assert_eq!(sniff(&gbk), FileKind::Text);
    }

    #[test]
    fn binary_is_unknown() {
        assert_eq!(sniff(b"hello\0world"), FileKind::Unknown);
        assert_eq!(sniff(b"\x01\x02\x03\x04 some bytes"), FileKind::Unknown);
        assert_eq!(sniff(b"\xff\xff\xff\xff"), FileKind::Unknown);
    }

    #[test]
    fn kind_groups_and_extensions() {
        assert!(FileKind::Xlsx.is_table() && FileKind::Xls.is_table() && FileKind::Ods.is_table());
        assert!(!FileKind::Docx.is_table());
        assert!(FileKind::Pdf.is_document() && FileKind::Text.is_document());
        assert!(!FileKind::Doc.is_document());
        assert!(FileKind::Webp.is_image() && !FileKind::Pdf.is_image());
        assert!(FileKind::SevenZip.is_archive() && !FileKind::Docx.is_archive());
        assert_eq!(FileKind::Xlsx.extensions(), &["xlsx", "xlsm"]);
        assert_eq!(FileKind::Doc.extensions(), &["doc", "wps"]);
        assert_eq!(FileKind::Xls.extensions(), &["xls", "et"]);
        assert_eq!(FileKind::Text.extensions(), &["txt", "csv"]);
        assert_eq!(FileKind::SevenZip.as_str(), "7z");
        assert_eq!(serde_json::to_string(&FileKind::Docx).expect("json"), "\"docx\"");
    }
}
