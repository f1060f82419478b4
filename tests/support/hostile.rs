//! Hostile packages (issue "hostile input"): each is a whole submission package, the complete
//! commissioning package with one file (or the archive itself) made hostile, so a test can check
//! both that the reader bounds its work and that the rest of the package is still reviewed.
//!
//! Every builder is cheap: the multi-gigabyte streams are made by repeating one independently
//! compressed deflate chunk (a sync flush ends each chunk byte-aligned and without references
//! into earlier data), so nothing large is ever compressed or held here. [`corpus`] lists them
//! all under descriptive file names; `examples/gen_hostile.rs` writes them to a folder.

use std::io::Read as _;

use flate2::{Compress, Compression, Crc, FlushCompress, Status};

use super::formats::xls;
use super::packages::{data_directory_tables, stage_files, zip_files, Naming};
use super::xlsx::{s, Cell};
use super::xml_escape;
use super::zip_builder::{crc32, deflate, put16, put32, EntryOpts, ZipBuilder, FLAG_ENCRYPTED, FLAG_UTF8};

const MIB: usize = 1 << 20;

// ---------------------------------------------------------------------------------------------
// Deflate streams built from repeated chunks

/// A raw deflate stream assembled from independently compressed chunks, with the CRC-32 (zip),
/// Adler-32 (zlib) and length of what it inflates to.
#[derive(Debug)]
pub struct Deflated {
    /// The raw deflate bytes, ended by an empty final block.
    pub raw: Vec<u8>,
    pub crc: u32,
    pub adler: u32,
    /// Bytes it inflates to.
    pub len: u64,
}

impl Deflated {
    /// The stream with a zlib wrapper (what a PDF `/FlateDecode` stream holds).
    pub fn zlib(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.raw.len() + 6);
        out.extend_from_slice(&[0x78, 0x9C]);
        out.extend_from_slice(&self.raw);
        out.extend_from_slice(&self.adler.to_be_bytes());
        out
    }
}

/// Builds a [`Deflated`] piece by piece; each piece is compressed on its own, so a piece can be
/// repeated by copying its bytes.
#[derive(Debug)]
pub struct DeflateBuilder {
    raw: Vec<u8>,
    crc: Crc,
    adler: u32,
    len: u64,
}

impl Default for DeflateBuilder {
    fn default() -> Self {
        DeflateBuilder {
            raw: Vec::new(),
            crc: Crc::new(),
            adler: 1,
            len: 0,
        }
    }
}

impl DeflateBuilder {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `data` once.
    pub fn push(&mut self, data: &[u8]) -> &mut Self {
        self.push_repeated(data, 1)
    }

    /// Appends `data` `times` times; `data` is compressed once.
    pub fn push_repeated(&mut self, data: &[u8], times: usize) -> &mut Self {
        let chunk = sync_flushed(data);
        let mut one = Crc::new();
        one.update(data);
        let one_adler = adler32(data);
        self.raw.reserve(chunk.len() * times);
        for _ in 0..times {
            self.raw.extend_from_slice(&chunk);
            self.crc.combine(&one);
            self.adler = adler32_combine(self.adler, one_adler, data.len() as u64);
            self.len += data.len() as u64;
        }
        self
    }

    /// The stream, ended by an empty final fixed-Huffman block.
    pub fn finish(&self) -> Deflated {
        let mut raw = self.raw.clone();
        raw.extend_from_slice(&[0x03, 0x00]);
        Deflated {
            raw,
            crc: self.crc.sum(),
            adler: self.adler,
            len: self.len,
        }
    }
}

/// `data` compressed by a fresh raw deflater and sync-flushed: non-final blocks ending on a byte
/// boundary, referring to nothing before them.
fn sync_flushed(data: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::best(), false);
    let mut out = Vec::with_capacity(data.len() / 2 + 1024);
    loop {
        let consumed = usize::try_from(c.total_in()).expect("in memory");
        let status = c
            .compress_vec(&data[consumed..], &mut out, FlushCompress::Sync)
            .expect("deflate in memory");
        let done = usize::try_from(c.total_in()).expect("in memory") == data.len();
        if done && out.len() < out.capacity() {
            break;
        }
        if status == Status::BufError || out.len() == out.capacity() {
            out.reserve(out.capacity().max(1024));
        }
    }
    out
}

fn adler32(data: &[u8]) -> u32 {
    let (mut a, mut b) = (1u32, 0u32);
    for chunk in data.chunks(5552) {
        for &x in chunk {
            a += u32::from(x);
            b += a;
        }
        a %= 65521;
        b %= 65521;
    }
    (b << 16) | a
}

/// zlib's `adler32_combine`: the Adler-32 of A followed by B from those of A and B.
fn adler32_combine(adler1: u32, adler2: u32, len2: u64) -> u32 {
    const BASE: u64 = 65521;
    let rem = len2 % BASE;
    let mut sum1 = u64::from(adler1 & 0xffff);
    let mut sum2 = (rem * sum1) % BASE;
    sum1 += u64::from(adler2 & 0xffff) + BASE - 1;
    sum2 += u64::from(adler1 >> 16) + u64::from(adler2 >> 16) + BASE - rem;
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum1 >= BASE {
        sum1 -= BASE;
    }
    if sum2 >= BASE << 1 {
        sum2 -= BASE << 1;
    }
    if sum2 >= BASE {
        sum2 -= BASE;
    }
    u32::try_from((sum2 << 16) | sum1).expect("two 16-bit halves")
}

/// A deflate stream of `mib` MiB of zeros: one 1 MiB chunk (about 1 KB) repeated.
pub fn zeros(mib: usize) -> Deflated {
    DeflateBuilder::new().push_repeated(&vec![0u8; MIB], mib).finish()
}

// ---------------------------------------------------------------------------------------------
// A zip writer that can lie

/// One entry of a hand-written zip whose every header field a builder controls.
#[derive(Debug, Clone)]
pub struct RawEntry {
    pub name: Vec<u8>,
    pub flags: u16,
    pub method: u16,
    pub crc: u32,
    /// Compressed size in the central directory.
    pub compressed_size: u32,
    /// Uncompressed size in the central directory.
    pub size: u32,
    pub payload: Vec<u8>,
    /// (CRC, compressed size, size) written in the local header instead of the central ones.
    pub local: Option<(u32, u32, u32)>,
    /// Point the central record at the local header of this earlier entry instead of writing a
    /// local header and data of its own (overlapping entries).
    pub same_data_as: Option<usize>,
}

impl RawEntry {
    /// A deflated entry with a UTF-8 name (flag set) and truthful headers.
    pub fn deflated(name: &str, data: &[u8]) -> Self {
        let payload = deflate(data);
        RawEntry {
            name: name.as_bytes().to_vec(),
            flags: FLAG_UTF8,
            method: 8,
            crc: crc32(data),
            compressed_size: len32(payload.len()),
            size: len32(data.len()),
            payload,
            local: None,
            same_data_as: None,
        }
    }

    /// A stored entry with a UTF-8 name and truthful headers.
    pub fn stored(name: &str, data: &[u8]) -> Self {
        RawEntry {
            name: name.as_bytes().to_vec(),
            flags: FLAG_UTF8,
            method: 0,
            crc: crc32(data),
            compressed_size: len32(data.len()),
            size: len32(data.len()),
            payload: data.to_vec(),
            local: None,
            same_data_as: None,
        }
    }

    /// An entry holding an already built deflate stream, with truthful headers.
    pub fn predeflated(name: &str, d: &Deflated) -> Self {
        RawEntry {
            name: name.as_bytes().to_vec(),
            flags: FLAG_UTF8,
            method: 8,
            crc: d.crc,
            compressed_size: len32(d.raw.len()),
            size: u32::try_from(d.len).expect("below 4 GiB"),
            payload: d.raw.clone(),
            local: None,
            same_data_as: None,
        }
    }
}

fn len32(n: usize) -> u32 {
    u32::try_from(n).expect("below 4 GiB")
}

/// The archive of these entries: local headers and data, central directory, end record.
pub fn raw_zip(entries: &[RawEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut offsets: Vec<u32> = Vec::with_capacity(entries.len());
    for e in entries {
        if let Some(k) = e.same_data_as {
            offsets.push(offsets[k]);
            continue;
        }
        offsets.push(len32(out.len()));
        let (crc, csize, size) = e.local.unwrap_or((e.crc, e.compressed_size, e.size));
        put32(&mut out, 0x0403_4b50);
        put16(&mut out, 20);
        put16(&mut out, e.flags);
        put16(&mut out, e.method);
        put16(&mut out, 0x4BC0); // 09:30:00
        put16(&mut out, 0x52AA); // 2021-05-10
        put32(&mut out, crc);
        put32(&mut out, csize);
        put32(&mut out, size);
        put16(&mut out, u16::try_from(e.name.len()).expect("short name"));
        put16(&mut out, 0);
        out.extend_from_slice(&e.name);
        out.extend_from_slice(&e.payload);
    }
    let cd_start = out.len();
    for (e, offset) in entries.iter().zip(&offsets) {
        put32(&mut out, 0x0201_4b50);
        put16(&mut out, 20);
        put16(&mut out, 20);
        put16(&mut out, e.flags);
        put16(&mut out, e.method);
        put16(&mut out, 0x4BC0);
        put16(&mut out, 0x52AA);
        put32(&mut out, e.crc);
        put32(&mut out, e.compressed_size);
        put32(&mut out, e.size);
        put16(&mut out, u16::try_from(e.name.len()).expect("short name"));
        put16(&mut out, 0); // extra
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk
        put16(&mut out, 0); // internal attributes
        put32(&mut out, if e.name.ends_with(b"/") { 0x10 } else { 0x20 });
        put32(&mut out, *offset);
        out.extend_from_slice(&e.name);
    }
    let cd_size = out.len() - cd_start;
    let count = u16::try_from(entries.len()).expect("below 65536 entries");
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, count);
    put16(&mut out, count);
    put32(&mut out, len32(cd_size));
    put32(&mut out, len32(cd_start));
    put16(&mut out, 0);
    out
}

// ---------------------------------------------------------------------------------------------
// The base package and file swaps

/// The files of the complete commissioning package (plain names, under `申报材料/`).
pub fn base_files() -> Vec<(String, Vec<u8>)> {
    stage_files("commissioning", Naming::Plain)
}

/// The base package's files as deflated raw entries.
fn base_entries() -> Vec<RawEntry> {
    base_files().iter().map(|(p, d)| RawEntry::deflated(p, d)).collect()
}

/// The path of the base file whose path contains `needle`.
pub fn path_of(needle: &str) -> String {
    base_files()
        .into_iter()
        .map(|(p, _)| p)
        .find(|p| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"))
}

/// The base files with the one whose path contains `needle` replaced by `data` named
/// `new_name` (in the same folder).
pub fn swap(needle: &str, new_name: &str, data: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    let mut files = base_files();
    let slot = files
        .iter_mut()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"));
    let dir = slot.0.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    slot.0 = format!("{dir}/{new_name}");
    slot.1 = data;
    files
}

/// The final acceptance opinion (项目竣工验收意见.docx): its text is what COMM-RL checks read.
pub const ACCEPTANCE: &str = "项目竣工验收意见";
/// The operation and maintenance plan (运维方案.pdf): a document no check reads the text of.
pub const OM_PLAN: &str = "运维方案";
/// The data directory (验收项目数据目录.xlsx): a table material.
pub const DATA_DIRECTORY: &str = "验收项目数据目录";

/// The parts of a zip (office document) in order, inflated.
pub fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>)> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).expect("entry");
            let mut data = Vec::new();
            f.read_to_end(&mut data).expect("inflate");
            (f.name().expect("UTF-8 name").to_string(), data)
        })
        .collect()
}

/// The office document `bytes` with its part `part` changed by `edit` (other parts as they are).
pub fn patch_part(bytes: &[u8], part: &str, edit: impl Fn(String) -> String) -> Vec<u8> {
    let mut zip = ZipBuilder::new();
    let mut found = false;
    for (name, data) in unzip(bytes) {
        let data = if name == part {
            found = true;
            edit(String::from_utf8(data).expect("an XML part")).into_bytes()
        } else {
            data
        };
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        zip.file_raw(name.as_bytes(), &data, opts);
    }
    assert!(found, "no part {part}");
    zip.finish()
}

/// The office document `bytes` with its part `part` replaced by an already built stream.
fn replace_part_deflated(bytes: &[u8], part: &str, d: &Deflated) -> Vec<u8> {
    let entries: Vec<RawEntry> = unzip(bytes)
        .into_iter()
        .map(|(name, data)| {
            if name == part {
                RawEntry::predeflated(&name, d)
            } else {
                RawEntry::deflated(&name, &data)
            }
        })
        .collect();
    raw_zip(&entries)
}

/// The base file whose path contains `needle`.
pub fn base_file(needle: &str) -> Vec<u8> {
    base_files()
        .into_iter()
        .find(|(p, _)| p.contains(needle))
        .unwrap_or_else(|| panic!("no file matching {needle}"))
        .1
}

/// A document type definition whose entity `lol9` expands to 10⁹ copies of "lol".
pub const BILLION_LAUGHS_DTD: &str = concat!(
    "<!DOCTYPE lolz [\n",
    "<!ENTITY lol \"lol\">\n",
    "<!ENTITY lol1 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n",
    "<!ENTITY lol2 \"&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;\">\n",
    "<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n",
    "<!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n",
    "<!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n",
    "<!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n",
    "<!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n",
    "<!ENTITY lol8 \"&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;\">\n",
    "<!ENTITY lol9 \"&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;\">\n",
    "]>\n"
);

/// `xml` with [`BILLION_LAUGHS_DTD`] after its XML declaration.
fn with_dtd(xml: &str) -> String {
    match xml.find("?>") {
        Some(at) => format!("{}\n{BILLION_LAUGHS_DTD}{}", &xml[..at + 2], &xml[at + 2..]),
        None => format!("{BILLION_LAUGHS_DTD}{xml}"),
    }
}

/// An XML part of `depth` nested elements (`<a><a>…</a></a>`) inside `root`, built without
/// holding it: prefix, the repeated open tags, the repeated close tags, suffix.
fn nested_part(prefix: &str, depth: usize, suffix: &str) -> Deflated {
    let opens = "<a>".repeat(1000);
    let closes = "</a>".repeat(1000);
    DeflateBuilder::new()
        .push(prefix.as_bytes())
        .push_repeated(opens.as_bytes(), depth / 1000)
        .push_repeated(closes.as_bytes(), depth / 1000)
        .push(suffix.as_bytes())
        .finish()
}

// ---------------------------------------------------------------------------------------------
// Zip archives

/// Fifield-style overlapping entries: 9 000 central-directory entries all point at one local
/// header whose deflate stream inflates to 400 000 zeros. Each entry passes every limit of SPEC
/// §3 (ratio 400, 3.6 GB declared in total, under 4 GiB), so without a check for overlap the
/// reader would inflate 3.6 GB from a 560 KB archive.
pub fn zip_overlapping_entries() -> Vec<u8> {
    let mut entries = base_entries();
    let data = vec![0u8; 400_000];
    let mut kernel = deflate(&data);
    // Declare 1 000 compressed bytes (the stream, then padding the inflater never reads), so the
    // ratio stays at 400.
    kernel.resize(1000, 0);
    let first = entries.len();
    entries.push(RawEntry {
        name: b"bomb/0000.bin".to_vec(),
        flags: FLAG_UTF8,
        method: 8,
        crc: crc32(&data),
        compressed_size: 1000,
        size: 400_000,
        payload: kernel,
        local: None,
        same_data_as: None,
    });
    for i in 1..9000 {
        let mut e = entries[first].clone();
        e.name = format!("bomb/{i:04}.bin").into_bytes();
        e.payload = Vec::new();
        e.same_data_as = Some(first);
        entries.push(e);
    }
    raw_zip(&entries)
}

/// The base package plus one-byte filler entries up to 10 001 central-directory entries, one
/// more than `max_entries`.
pub fn zip_10001_entries() -> Vec<u8> {
    let mut entries = base_entries();
    let mut i = 0;
    while entries.len() < 10_001 {
        entries.push(RawEntry::stored(&format!("申报材料/附件/{i:05}.txt"), b"x"));
        i += 1;
    }
    raw_zip(&entries)
}

/// The base package cut after 60 % of its bytes: no central directory.
pub fn zip_truncated() -> Vec<u8> {
    let mut bytes = zip_files(&base_files());
    bytes.truncate(bytes.len() * 6 / 10);
    bytes
}

/// The base package whose operation plan's local header disagrees with the central directory
/// about its CRC and sizes.
pub fn zip_local_header_mismatch() -> Vec<u8> {
    let mut entries = base_entries();
    let e = entries
        .iter_mut()
        .find(|e| String::from_utf8_lossy(&e.name).contains(OM_PLAN))
        .expect("operation plan");
    e.local = Some((e.crc ^ 0x00FF_FF00, 7, 5));
    raw_zip(&entries)
}

/// The base package plus `申报材料/附件/zeros.bin`: a deflate stream of 2 GiB of zeros (2 MB),
/// declared truthfully: past `max_entry_uncompressed` (1 GiB).
pub fn zip_2gib_stream() -> Vec<u8> {
    let mut entries = base_entries();
    entries.push(RawEntry::predeflated("申报材料/附件/zeros.bin", &zeros(2048)));
    raw_zip(&entries)
}

/// The base package whose operation plan is replaced by the 2 GiB stream of zeros, its headers
/// claiming 1 MiB (ratio 0.5: no declared limit catches it).
pub fn zip_2gib_stream_lying_size() -> Vec<u8> {
    let mut entries = base_entries();
    let stream = zeros(2048);
    let e = entries
        .iter_mut()
        .find(|e| String::from_utf8_lossy(&e.name).contains(OM_PLAN))
        .expect("operation plan");
    *e = RawEntry {
        name: e.name.clone(),
        size: u32::try_from(MIB).expect("small"),
        crc: crc32(&vec![0u8; MIB]),
        ..RawEntry::predeflated("", &stream)
    };
    raw_zip(&entries)
}

/// The base package whose final acceptance opinion is flagged encrypted (its bytes are noise).
pub fn zip_encrypted_entry() -> Vec<u8> {
    let mut entries = base_entries();
    let e = entries
        .iter_mut()
        .find(|e| String::from_utf8_lossy(&e.name).contains(ACCEPTANCE))
        .expect("final acceptance");
    e.flags |= FLAG_ENCRYPTED;
    raw_zip(&entries)
}

// ---------------------------------------------------------------------------------------------
// docx

/// The final acceptance opinion with a billion-laughs DTD, every text run ending in `&lol9;`.
pub fn docx_billion_laughs() -> Vec<u8> {
    let docx = patch_part(&base_file(ACCEPTANCE), "word/document.xml", |xml| {
        with_dtd(&xml).replace("</w:t>", "&lol9;</w:t>")
    });
    zip_files(&swap(ACCEPTANCE, &format!("{ACCEPTANCE}.docx"), docx))
}

/// The final acceptance opinion whose body nests 1 000 000 elements.
pub fn docx_nesting_1m() -> Vec<u8> {
    let original = base_file(ACCEPTANCE);
    let xml = String::from_utf8(
        unzip(&original)
            .into_iter()
            .find(|(n, _)| n == "word/document.xml")
            .expect("document part")
            .1,
    )
    .expect("XML");
    let at = xml.find("<w:body>").expect("body") + "<w:body>".len();
    let part = nested_part(&xml[..at], 1_000_000, &xml[at..]);
    let docx = replace_part_deflated(&original, "word/document.xml", &part);
    zip_files(&swap(ACCEPTANCE, &format!("{ACCEPTANCE}.docx"), docx))
}

/// The final acceptance opinion with a 16 MiB paragraph (5.6 M ideographs) before its text.
pub fn docx_huge_paragraph() -> Vec<u8> {
    let original = base_file(ACCEPTANCE);
    let xml = String::from_utf8(
        unzip(&original)
            .into_iter()
            .find(|(n, _)| n == "word/document.xml")
            .expect("document part")
            .1,
    )
    .expect("XML");
    let at = xml.find("</w:body>").expect("body end");
    let chunk = "验收".repeat(MIB / 6);
    let part = DeflateBuilder::new()
        .push(format!("{}<w:p><w:r><w:t>", &xml[..at]).as_bytes())
        .push_repeated(chunk.as_bytes(), 16)
        .push(format!("</w:t></w:r></w:p>{}", &xml[at..]).as_bytes())
        .finish();
    let docx = replace_part_deflated(&original, "word/document.xml", &part);
    zip_files(&swap(ACCEPTANCE, &format!("{ACCEPTANCE}.docx"), docx))
}

// ---------------------------------------------------------------------------------------------
// Spreadsheets

/// The data directory with a billion-laughs DTD in its shared strings, one string referring to
/// `&lol9;`.
pub fn xlsx_shared_strings_billion_laughs() -> Vec<u8> {
    let xlsx = patch_part(&base_file(DATA_DIRECTORY), "xl/sharedStrings.xml", |xml| {
        with_dtd(&xml).replacen("</t>", "&lol9;</t>", 1)
    });
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xlsx"), xlsx))
}

/// The data directory whose shared strings claim two billion unique strings.
pub fn xlsx_unique_count_2e9() -> Vec<u8> {
    let xlsx = patch_part(&base_file(DATA_DIRECTORY), "xl/sharedStrings.xml", |xml| {
        let at = xml.find("uniqueCount=\"").expect("uniqueCount") + "uniqueCount=\"".len();
        let end = at + xml[at..].find('"').expect("closing quote");
        format!("{}2000000000{}", &xml[..at], &xml[end..])
    });
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xlsx"), xlsx))
}

/// The data directory with one more cell, at XFD1048576 (the last cell of a sheet), and a
/// dimension claiming the whole sheet.
pub fn xlsx_cell_at_xfd1048576() -> Vec<u8> {
    let xlsx = patch_part(&base_file(DATA_DIRECTORY), "xl/worksheets/sheet1.xml", |xml| {
        let xml = xml.replacen(
            "</sheetData>",
            r#"<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>末</t></is></c></row></sheetData>"#,
            1,
        );
        let at = xml.find("<dimension ref=\"").expect("dimension") + "<dimension ref=\"".len();
        let end = at + xml[at..].find('"').expect("closing quote");
        format!("{}A1:XFD1048576{}", &xml[..at], &xml[end..])
    });
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xlsx"), xlsx))
}

/// The data directory with a third sheet of 2 000 100 number cells (rows of 100 cells without
/// `r` attributes, one repeated chunk): past the workbook cell limit.
pub fn xlsx_too_many_cells() -> Vec<u8> {
    let original = base_file(DATA_DIRECTORY);
    let row = format!("<row>{}</row>", "<c><v>1</v></c>".repeat(100));
    let sheet = DeflateBuilder::new()
        .push(
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
                r#"<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#
            )
            .as_bytes(),
        )
        .push_repeated(row.repeat(100).as_bytes(), 200)
        .push(row.as_bytes())
        .push(b"</sheetData></worksheet>")
        .finish();
    let mut entries = Vec::new();
    for (name, data) in unzip(&original) {
        let data = match name.as_str() {
            "xl/workbook.xml" => String::from_utf8(data)
                .expect("XML")
                .replace("</sheets>", r#"<sheet name="填充" sheetId="3" r:id="rId90"/></sheets>"#)
                .into_bytes(),
            "xl/_rels/workbook.xml.rels" => String::from_utf8(data)
                .expect("XML")
                .replace(
                    "</Relationships>",
                    r#"<Relationship Id="rId90" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet90.xml"/></Relationships>"#,
                )
                .into_bytes(),
            _ => data,
        };
        entries.push(RawEntry::deflated(&name, &data));
    }
    entries.push(RawEntry::predeflated("xl/worksheets/sheet90.xml", &sheet));
    let xlsx = raw_zip(&entries);
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xlsx"), xlsx))
}

/// The data directory's sheets as rows of cells.
fn data_directory_sheets() -> Vec<(String, Vec<Vec<Cell>>)> {
    data_directory_tables()
        .iter()
        .map(|t| (t.name.clone(), t.all_rows()))
        .collect()
}

/// The data directory as .xls whose first sheet's DIMENSIONS record claims 1 048 576 rows ×
/// 16 384 columns (calamine reserves room for that many cells before reading any).
pub fn xls_dimensions_huge() -> Vec<u8> {
    let sheets = data_directory_sheets();
    let refs: Vec<(&str, Vec<Vec<Cell>>)> = sheets.iter().map(|(n, r)| (n.as_str(), r.clone())).collect();
    let mut bytes = xls(&refs);
    // The first DIMENSIONS record (type 0x0200, 14 bytes): rwMic, rwMac (u32), colMic, colMac.
    let at = bytes
        .windows(4)
        .position(|w| w == [0x00, 0x02, 0x0E, 0x00])
        .expect("a DIMENSIONS record")
        + 4;
    bytes[at + 4..at + 8].copy_from_slice(&1_048_576u32.to_le_bytes());
    bytes[at + 10..at + 12].copy_from_slice(&16_384u16.to_le_bytes());
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xls"), bytes))
}

/// The data directory as .xls whose second sheet also holds a cell at IV65536, the last cell of
/// a BIFF8 sheet, its DIMENSIONS record telling the truth about the rest (A1:G4): calamine
/// builds each sheet as a dense grid from its first to its last cell (16.7 M cells, 0.5 GB).
pub fn xls_cells_far_apart() -> Vec<u8> {
    let mut sheets = data_directory_sheets();
    let last = sheets.last_mut().expect("two sheets");
    last.1.resize(65_535, Vec::new());
    let mut far = vec![Cell::Empty; 255];
    far.push(s("末"));
    last.1.push(far);
    let refs: Vec<(&str, Vec<Vec<Cell>>)> = sheets.iter().map(|(n, r)| (n.as_str(), r.clone())).collect();
    let mut bytes = xls(&refs);
    // The second DIMENSIONS record: rows 0..4, columns 0..7.
    let at = bytes
        .windows(4)
        .enumerate()
        .filter(|(_, w)| *w == [0x00, 0x02, 0x0E, 0x00])
        .nth(1)
        .expect("a second DIMENSIONS record")
        .0
        + 4;
    bytes[at + 4..at + 8].copy_from_slice(&4u32.to_le_bytes());
    bytes[at + 10..at + 12].copy_from_slice(&7u16.to_le_bytes());
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xls"), bytes))
}

/// The data directory as .xls whose compound-file directory chain loops (its FAT entry names
/// itself): calamine reads the directory chain with no length and grows it for ever.
pub fn xls_sector_chain_loop() -> Vec<u8> {
    let sheets = data_directory_sheets();
    let refs: Vec<(&str, Vec<Vec<Cell>>)> = sheets.iter().map(|(n, r)| (n.as_str(), r.clone())).collect();
    let mut bytes = xls(&refs);
    // The support writer puts the FAT in sector 0 (file offset 512) and the directory in
    // sector 1: FAT[1] = 1.
    bytes[512 + 4..512 + 8].copy_from_slice(&1u32.to_le_bytes());
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xls"), bytes))
}

/// A BIFF record: type, length, body.
fn biff_record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    put16(out, typ);
    put16(out, u16::try_from(body.len()).expect("short record"));
    out.extend_from_slice(body);
}

/// A BIFF8 BOF record body for substream type `dt` (5 globals, 0x10 worksheet).
fn biff_bof(dt: u16) -> Vec<u8> {
    let mut b = Vec::new();
    for v in [0x0600u16, dt, 0x0DBB, 0x07CC] {
        put16(&mut b, v);
    }
    put32(&mut b, 0x41);
    put32(&mut b, 6);
    b
}

/// An OLE compound file (version 3) holding one stream `name` in regular sectors, with as many
/// FAT sectors as it needs (up to 109: about 7 MB).
pub fn cfb_one_stream(name: &str, data: &[u8]) -> Vec<u8> {
    const SECTOR: usize = 512;
    const FREESECT: u32 = 0xFFFF_FFFF;
    const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
    const FATSECT: u32 = 0xFFFF_FFFD;
    let mut data = data.to_vec();
    data.resize(data.len().max(4096).div_ceil(SECTOR) * SECTOR, 0);
    let n_data = data.len() / SECTOR;
    let mut n_fat = 1;
    while n_fat * (SECTOR / 4) < n_fat + 1 + n_data {
        n_fat += 1;
    }
    assert!(n_fat <= 109, "the header's DIFAT lists at most 109 FAT sectors");
    let dir = n_fat;
    let first = n_fat + 1;
    let mut fat = vec![FATSECT; n_fat];
    fat.push(ENDOFCHAIN);
    for i in 0..n_data {
        fat.push(if i + 1 == n_data {
            ENDOFCHAIN
        } else {
            len32(first + i + 1)
        });
    }
    fat.resize(n_fat * SECTOR / 4, FREESECT);

    let mut out = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    out.extend_from_slice(&[0; 16]);
    for v in [0x003Eu16, 3, 0xFFFE, 9, 6] {
        put16(&mut out, v);
    }
    out.extend_from_slice(&[0; 6]);
    for v in [0, len32(n_fat), len32(dir), 0, 4096, ENDOFCHAIN, 0, ENDOFCHAIN, 0] {
        put32(&mut out, v);
    }
    for i in 0..109 {
        put32(&mut out, if i < n_fat { len32(i) } else { FREESECT });
    }
    for v in &fat {
        put32(&mut out, *v);
    }
    let entry = |out: &mut Vec<u8>, name: &str, kind: u8, child: u32, start: u32, size: u32| {
        let mut raw = [0u8; 64];
        for (i, u) in name.encode_utf16().enumerate() {
            raw[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
        }
        out.extend_from_slice(&raw);
        put16(
            out,
            u16::try_from(2 * (name.encode_utf16().count() + 1)).expect("short name"),
        );
        out.push(kind);
        out.push(1);
        put32(out, FREESECT);
        put32(out, FREESECT);
        put32(out, child);
        out.extend_from_slice(&[0; 36]);
        put32(out, start);
        put32(out, size);
        put32(out, 0);
    };
    entry(&mut out, "Root Entry", 5, 1, ENDOFCHAIN, 0);
    entry(&mut out, name, 2, FREESECT, len32(first), len32(data.len()));
    out.resize(out.len() + 2 * 128, 0);
    out.extend_from_slice(&data);
    out
}

/// The data directory as .xls of one sheet whose 200 000 cells all refer to one shared string
/// of 32 767 characters: calamine copies the string into every cell (6.5 GB from 3 MB).
pub fn xls_shared_string_copies() -> Vec<u8> {
    const CHARS: usize = 32_767;
    const CELLS: usize = 200_000;
    let mut globals = Vec::new();
    biff_record(&mut globals, 0x0809, &biff_bof(5));
    biff_record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let mut sheet_name = vec![0, 0, 0, 0, 0, 0, 6, 0];
    sheet_name.extend_from_slice(b"Sheet1");
    let bound_sheet_at = globals.len() + 4;
    biff_record(&mut globals, 0x0085, &sheet_name);
    // SST: one string, 1-byte characters, split over CONTINUE records (each starts with the
    // string's flags byte again).
    let mut sst = Vec::new();
    put32(&mut sst, len32(CELLS));
    put32(&mut sst, 1);
    put16(&mut sst, u16::try_from(CHARS).expect("u16"));
    sst.push(0);
    let mut left = CHARS;
    let first = left.min(8224 - sst.len());
    sst.resize(sst.len() + first, b'x');
    left -= first;
    biff_record(&mut globals, 0x00FC, &sst);
    while left > 0 {
        let n = left.min(8223);
        let mut cont = vec![0u8];
        cont.resize(1 + n, b'x');
        biff_record(&mut globals, 0x003C, &cont);
        left -= n;
    }
    biff_record(&mut globals, 0x000A, &[]);
    let pos = len32(globals.len());
    globals[bound_sheet_at..bound_sheet_at + 4].copy_from_slice(&pos.to_le_bytes());
    let mut stream = globals;
    biff_record(&mut stream, 0x0809, &biff_bof(0x10));
    let mut dims = Vec::new();
    put32(&mut dims, 0);
    put32(&mut dims, len32(CELLS / 4));
    put16(&mut dims, 0);
    put16(&mut dims, 4);
    put16(&mut dims, 0);
    biff_record(&mut stream, 0x0200, &dims);
    for i in 0..CELLS {
        let mut cell = Vec::new();
        put16(&mut cell, u16::try_from(i / 4).expect("u16"));
        put16(&mut cell, u16::try_from(i % 4).expect("u16"));
        put16(&mut cell, 0);
        put32(&mut cell, 0);
        biff_record(&mut stream, 0x00FD, &cell);
    }
    biff_record(&mut stream, 0x000A, &[]);
    let bytes = cfb_one_stream("Workbook", &stream);
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.xls"), bytes))
}

/// An .ods spreadsheet whose `content.xml` body (inside `office:spreadsheet`) is `tables`.
pub fn ods(tables: &str) -> Vec<u8> {
    ods_with_content(&ods_content(tables))
}

/// The `content.xml` of an ods whose body is `tables`.
fn ods_content(tables: &str) -> String {
    format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?>"#,
            r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" "#,
            r#"xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" "#,
            r#"xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">"#,
            "<office:body><office:spreadsheet>{}</office:spreadsheet></office:body></office:document-content>"
        ),
        tables
    )
}

/// An .ods spreadsheet of this `content.xml`.
fn ods_with_content(content: &str) -> Vec<u8> {
    let manifest = concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        r#"<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">"#,
        r#"<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>"#,
        r#"<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>"#,
        "</manifest:manifest>"
    );
    let mut zip = ZipBuilder::new();
    zip.file_raw(
        b"mimetype",
        b"application/vnd.oasis.opendocument.spreadsheet",
        EntryOpts::default(),
    );
    let deflated = EntryOpts {
        deflate: true,
        ..EntryOpts::default()
    };
    zip.file_raw(b"META-INF/manifest.xml", manifest.as_bytes(), deflated.clone());
    zip.file_raw(b"content.xml", content.as_bytes(), deflated);
    zip.finish()
}

/// The data directory as .ods whose `content.xml` ends inside its last table (calamine reads a
/// table until its end tag and, at the end of the part, loops for ever).
pub fn ods_truncated_table() -> Vec<u8> {
    let tables: String = data_directory_sheets()
        .iter()
        .map(|(name, rows)| ods_table(name, rows))
        .collect();
    let content = ods_content(&tables);
    let cut = content.rfind("</table:table>").expect("a table end");
    zip_files(&swap(
        DATA_DIRECTORY,
        &format!("{DATA_DIRECTORY}.ods"),
        ods_with_content(&content[..cut]),
    ))
}

/// One ODS table of text and number cells.
pub fn ods_table(name: &str, rows: &[Vec<Cell>]) -> String {
    let mut xml = format!(r#"<table:table table:name="{}">"#, xml_escape(name));
    for row in rows {
        xml.push_str("<table:table-row>");
        for cell in row {
            match cell {
                Cell::S(t) => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                    xml_escape(t)
                )),
                Cell::N(v) | Cell::Date(v) => xml.push_str(&format!(
                    r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                )),
                Cell::Empty => xml.push_str("<table:table-cell/>"),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table>");
    xml
}

/// The data directory as .ods with a third table of one number cell repeated over 16 384
/// columns and 6 000 rows: 98 M cells, just under calamine's own 100 M cap (3 GB of cells).
pub fn ods_repeated_cells() -> Vec<u8> {
    let mut tables: String = data_directory_sheets()
        .iter()
        .map(|(name, rows)| ods_table(name, rows))
        .collect();
    tables.push_str(concat!(
        r#"<table:table table:name="填充"><table:table-row table:number-rows-repeated="6000">"#,
        r#"<table:table-cell office:value-type="float" office:value="1" table:number-columns-repeated="16384">"#,
        "<text:p>1</text:p></table:table-cell></table:table-row></table:table>"
    ));
    zip_files(&swap(DATA_DIRECTORY, &format!("{DATA_DIRECTORY}.ods"), ods(&tables)))
}

// ---------------------------------------------------------------------------------------------
// OFD

const OFD_NS: &str = "http://www.ofdspec.org/2016";

/// An OFD package of these parts (`OFD.xml` included), each deflated.
fn ofd_package(parts: &[(&str, String)]) -> Vec<u8> {
    let mut zip = ZipBuilder::new();
    for (name, text) in parts {
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        zip.file_raw(name.as_bytes(), text.as_bytes(), opts);
    }
    zip.finish()
}

fn ofd_xml(doc_roots: &[&str]) -> String {
    let mut xml =
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{OFD_NS}" Version="1.0" DocType="OFD">"#);
    for root in doc_roots {
        xml.push_str(&format!(
            "<ofd:DocBody><ofd:DocRoot>{}</ofd:DocRoot></ofd:DocBody>",
            xml_escape(root)
        ));
    }
    xml.push_str("</ofd:OFD>");
    xml
}

/// `Document.xml` listing pages (`BaseLoc`s) and template pages (id, `BaseLoc`).
fn ofd_document(pages: &[&str], templates: &[(&str, &str)]) -> String {
    let mut xml = format!(
        concat!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{}"><ofd:CommonData>"#,
            "<ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"
        ),
        OFD_NS
    );
    for (id, loc) in templates {
        xml.push_str(&format!(
            r#"<ofd:TemplatePage ID="{id}" BaseLoc="{}"/>"#,
            xml_escape(loc)
        ));
    }
    xml.push_str("</ofd:CommonData><ofd:Pages>");
    for (i, loc) in pages.iter().enumerate() {
        xml.push_str(&format!(
            r#"<ofd:Page ID="{}" BaseLoc="{}"/>"#,
            i + 100,
            xml_escape(loc)
        ));
    }
    xml.push_str("</ofd:Pages></ofd:Document>");
    xml
}

/// A page content part: these lines of text top to bottom, naming these template ids; `extra`
/// goes inside the layer after the text.
fn ofd_page(lines: &[&str], templates: &[&str], extra: &str) -> String {
    let mut xml = format!(r#"<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{OFD_NS}">"#);
    for t in templates {
        xml.push_str(&format!(r#"<ofd:Template TemplateID="{t}"/>"#));
    }
    xml.push_str(r#"<ofd:Content><ofd:Layer ID="3">"#);
    for (i, line) in lines.iter().enumerate() {
        xml.push_str(&format!(
            concat!(
                r#"<ofd:TextObject ID="{}" Boundary="25 {} 160 6" Font="1" Size="4.2333">"#,
                r#"<ofd:TextCode X="0" Y="4.5">{}</ofd:TextCode></ofd:TextObject>"#
            ),
            i + 10,
            25 + 8 * i,
            line
        ));
    }
    xml.push_str(extra);
    xml.push_str("</ofd:Layer></ofd:Content></ofd:Page>");
    xml
}

/// The operation plan as an OFD, with a billion-laughs DTD in its page and `&lol9;` in its text.
pub fn ofd_billion_laughs() -> Vec<u8> {
    let page = with_dtd(&ofd_page(&["运维方案", "系统运行维护&lol9;方案"], &[], ""));
    let ofd = ofd_package(&[
        ("OFD.xml", ofd_xml(&["Doc_0/Document.xml"])),
        ("Doc_0/Document.xml", ofd_document(&["Pages/Page_0/Content.xml"], &[])),
        ("Doc_0/Pages/Page_0/Content.xml", page),
    ]);
    zip_files(&swap(OM_PLAN, &format!("{OM_PLAN}.ofd"), ofd))
}

/// The operation plan as an OFD whose page nests 1 000 000 elements after its text.
pub fn ofd_nesting_1m() -> Vec<u8> {
    let page = ofd_page(&["运维方案"], &[], "@@");
    let (head, tail) = page.split_once("@@").expect("marker");
    let part = nested_part(head, 1_000_000, tail);
    let mut entries = vec![
        RawEntry::deflated("OFD.xml", ofd_xml(&["Doc_0/Document.xml"]).as_bytes()),
        RawEntry::deflated(
            "Doc_0/Document.xml",
            ofd_document(&["Pages/Page_0/Content.xml"], &[]).as_bytes(),
        ),
    ];
    entries.push(RawEntry::predeflated("Doc_0/Pages/Page_0/Content.xml", &part));
    zip_files(&swap(OM_PLAN, &format!("{OM_PLAN}.ofd"), raw_zip(&entries)))
}

/// The operation plan as an OFD whose references try to leave the package: document roots
/// `../../etc/passwd`, `/Doc_0/../../x`, `C:\Windows\win.ini` before the real one; pages
/// `../../../etc/passwd`, `/etc/passwd`, `file:///etc/passwd` after the real first page; a
/// template at `../../../../etc/shadow`.
pub fn ofd_paths_escape() -> Vec<u8> {
    let ofd = ofd_package(&[
        (
            "OFD.xml",
            ofd_xml(&[
                "../../etc/passwd",
                "/Doc_0/../../x",
                "C:\\Windows\\win.ini",
                "Doc_0/Document.xml",
            ]),
        ),
        (
            "Doc_0/Document.xml",
            ofd_document(
                &[
                    "Pages/Page_0/Content.xml",
                    "../../../etc/passwd",
                    "/etc/passwd",
                    "file:///etc/passwd",
                ],
                &[("1", "../../../../etc/shadow")],
            ),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml",
            ofd_page(&["运维方案", "系统运行维护方案"], &["1"], ""),
        ),
    ]);
    zip_files(&swap(OM_PLAN, &format!("{OM_PLAN}.ofd"), ofd))
}

/// The operation plan as an OFD of 10 000 pages that all name one content part, which names
/// itself as its template; template 2 is `Document.xml`, template 3 the package entry point.
pub fn ofd_template_cycle() -> Vec<u8> {
    let pages = vec!["Pages/Page_0/Content.xml"; 10_000];
    let ofd = ofd_package(&[
        ("OFD.xml", ofd_xml(&["Doc_0/Document.xml"])),
        (
            "Doc_0/Document.xml",
            ofd_document(
                &pages,
                &[
                    ("1", "Pages/Page_0/Content.xml"),
                    ("2", "Document.xml"),
                    ("3", "/OFD.xml"),
                ],
            ),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml",
            ofd_page(&["运维方案", "系统运行维护方案"], &["1", "2", "3"], ""),
        ),
    ]);
    zip_files(&swap(OM_PLAN, &format!("{OM_PLAN}.ofd"), ofd))
}

// ---------------------------------------------------------------------------------------------
// PDF

/// One object of a PDF written by [`pdf_file`].
enum Obj {
    /// The text between `obj` and `endobj`.
    Body(String),
    /// A stream: dictionary entries (without `<< >>` and /Length) and its encoded data.
    Stream(String, Vec<u8>),
}

fn body(text: &str) -> Obj {
    Obj::Body(text.to_string())
}

/// A PDF of these objects, numbered from 1 (object 1 is the catalog), with a correct
/// cross-reference table.
fn pdf_file(objects: &[Obj]) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
    let mut offsets = Vec::with_capacity(objects.len());
    for (i, o) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        match o {
            Obj::Body(b) => out.extend_from_slice(b.as_bytes()),
            Obj::Stream(dict, data) => {
                out.extend_from_slice(format!("<< {dict} /Length {} >>\nstream\n", data.len()).as_bytes());
                out.extend_from_slice(data);
                out.extend_from_slice(b"\nendstream");
            }
        }
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for off in offsets {
        out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// Objects 1–4 of a one-page PDF: catalog, page tree (`kids`), the page (resources `res`,
/// contents `contents`, `extra` entries) and Helvetica; object 5 onwards is the caller's.
fn one_page(kids: &str, res: &str, contents: &str, extra: &str) -> Vec<Obj> {
    vec![
        body("<< /Type /Catalog /Pages 2 0 R >>"),
        Obj::Body(format!("<< /Type /Pages /Kids [{kids}] /Count 1 >>")),
        Obj::Body(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources {res} /Contents {contents} {extra} >>"
        )),
        body("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"),
    ]
}

const FONT_RES: &str = "<< /Font << /F1 4 0 R >> >>";

/// The title line of the operation plan, drawn in Helvetica.
const OM_TEXT: &[u8] = b"BT /F1 12 Tf 72 770 Td (Operation and maintenance plan) Tj ET\n";

fn om_package(pdf: Vec<u8>) -> Vec<u8> {
    zip_files(&swap(OM_PLAN, &format!("{OM_PLAN}.pdf"), pdf))
}

/// The operation plan whose page tree loops: the root /Pages lists itself and a second /Pages
/// node (object 6), which lists the root, itself and the page.
pub fn pdf_page_tree_cycle() -> Vec<u8> {
    let mut objs = one_page("3 0 R 2 0 R 6 0 R", FONT_RES, "5 0 R", "");
    objs.push(Obj::Stream(String::new(), OM_TEXT.to_vec()));
    objs.push(body(
        "<< /Type /Pages /Parent 2 0 R /Kids [2 0 R 6 0 R 3 0 R] /Count 1 >>",
    ));
    om_package(pdf_file(&objs))
}

/// The operation plan drawing form A (object 6), which draws itself and form B (7), which draws
/// A; and a fan of 12 forms (8–19) each drawing the next 16 times (16¹¹ draws of the last if
/// nothing stopped it).
pub fn pdf_form_recursion() -> Vec<u8> {
    let form = |res: &str, content: &str| {
        Obj::Stream(
            format!("/Type /XObject /Subtype /Form /BBox [0 0 500 500] /Resources {res}"),
            content.as_bytes().to_vec(),
        )
    };
    let res = "<< /Font << /F1 4 0 R >> /XObject << /A 6 0 R /N 8 0 R >> >>";
    let mut objs = one_page("3 0 R", res, "5 0 R", "");
    objs.push(Obj::Stream(String::new(), [OM_TEXT, b"/A Do /N Do\n"].concat()));
    objs.push(form(
        "<< /XObject << /A 6 0 R /B 7 0 R >> /Font << /F1 4 0 R >> >>",
        "/A Do /B Do BT /F1 12 Tf 72 700 Td (Form A) Tj ET",
    ));
    objs.push(form("<< /XObject << /A 6 0 R >> >>", "/A Do"));
    for id in 8..20u32 {
        if id == 19 {
            objs.push(form(FONT_RES, "BT /F1 12 Tf 72 600 Td (Leaf) Tj ET"));
        } else {
            objs.push(form(
                &format!("<< /XObject << /N {} 0 R >> >>", id + 1),
                &"/N Do ".repeat(16),
            ));
        }
    }
    om_package(pdf_file(&objs))
}

/// The operation plan whose page names an array nested 100 000 deep (object 6) and a dictionary
/// nested 100 000 deep (object 7), and whose content stream opens 100 000 arrays.
pub fn pdf_deep_nesting() -> Vec<u8> {
    let depth = 100_000;
    let mut objs = one_page("3 0 R", FONT_RES, "5 0 R", "/Foo 6 0 R /Bar 7 0 R");
    objs.push(Obj::Stream(
        String::new(),
        [OM_TEXT, "[".repeat(depth).as_bytes(), b" TJ\n"].concat(),
    ));
    objs.push(Obj::Body(format!("{}{}", "[".repeat(depth), "]".repeat(depth))));
    objs.push(Obj::Body(format!("{}{}", "<< /A ".repeat(depth), ">> ".repeat(depth))));
    om_package(pdf_file(&objs))
}

/// The operation plan whose page content is its title, then a /FlateDecode stream of 2 GiB of
/// zeros (2 MB).
pub fn pdf_2gib_stream() -> Vec<u8> {
    let mut objs = one_page("3 0 R", FONT_RES, "[5 0 R 6 0 R]", "");
    objs.push(Obj::Stream(String::new(), OM_TEXT.to_vec()));
    objs.push(Obj::Stream("/Filter /FlateDecode".to_string(), zeros(2048).zlib()));
    om_package(pdf_file(&objs))
}

/// The operation plan showing one 16 MiB string (a /FlateDecode content stream of 16 KB).
pub fn pdf_huge_string() -> Vec<u8> {
    let stream = DeflateBuilder::new()
        .push(OM_TEXT)
        .push(b"BT /F1 12 Tf 72 600 Td (")
        .push_repeated(&vec![b'A'; MIB], 16)
        .push(b") Tj ET\n")
        .finish()
        .zlib();
    let mut objs = one_page("3 0 R", FONT_RES, "5 0 R", "");
    objs.push(Obj::Stream("/Filter /FlateDecode".to_string(), stream));
    om_package(pdf_file(&objs))
}

/// The operation plan drawn partly with a Type0 font whose ToUnicode CMap claims the whole
/// 32-bit code space, maps bfranges over 2³² and 2¹⁶ codes, states counts of 4 294 967 295 and
/// 99 999 999 entries, gives a destination of 64 KiB of hex digits, and ends mid-section.
pub fn pdf_malformed_cmap() -> Vec<u8> {
    let cmap = format!(
        concat!(
            "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n",
            "/CMapName /Hostile def /CMapType 2 def\n",
            "4294967295 begincodespacerange <00000000> <FFFFFFFF> <0000> <FFFF> endcodespacerange\n",
            "3 beginbfrange\n",
            "<00000000> <FFFFFFFF> <0041>\n",
            "<0000> <FFFF> [<0041> <0042>]\n",
            "<FFFFFFFF> <00000000> <0043>\n",
            "endbfrange\n",
            "99999999 beginbfchar\n",
            "<0001> <{}>\n",
            "<0002> <4E2D>\n",
            "4294967295 begincidrange <0000> <FFFFFFFF> 0\n",
            "2 beginbfrange <0000> <FFFF"
        ),
        "F".repeat(64 * 1024)
    );
    let res = "<< /Font << /F1 4 0 R /F2 6 0 R >> >>";
    let mut objs = one_page("3 0 R", res, "5 0 R", "");
    objs.push(Obj::Stream(
        String::new(),
        [OM_TEXT, b"BT /F2 12 Tf 72 600 Td <00010002FFFF0000> Tj ET\n"].concat(),
    ));
    objs.push(body(concat!(
        "<< /Type /Font /Subtype /Type0 /BaseFont /Hostile /Encoding /Identity-H ",
        "/DescendantFonts [7 0 R] /ToUnicode 8 0 R >>"
    )));
    objs.push(body(concat!(
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Hostile ",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>"
    )));
    objs.push(Obj::Stream(String::new(), cmap.into_bytes()));
    om_package(pdf_file(&objs))
}

// ---------------------------------------------------------------------------------------------
// The corpus

/// A builder of one hostile package.
pub type Builder = fn() -> Vec<u8>;

/// Every hostile package's file name and builder, in a stable order.
pub fn builders() -> Vec<(&'static str, Builder)> {
    vec![
        ("zip-overlapping-entries.zip", zip_overlapping_entries),
        ("zip-10001-entries.zip", zip_10001_entries),
        ("zip-truncated.zip", zip_truncated),
        ("zip-local-header-mismatch.zip", zip_local_header_mismatch),
        ("zip-2gib-stream.zip", zip_2gib_stream),
        ("zip-2gib-stream-lying-size.zip", zip_2gib_stream_lying_size),
        ("zip-encrypted-entry.zip", zip_encrypted_entry),
        ("docx-billion-laughs.zip", docx_billion_laughs),
        ("docx-nesting-1m.zip", docx_nesting_1m),
        ("docx-huge-paragraph.zip", docx_huge_paragraph),
        (
            "xlsx-shared-strings-billion-laughs.zip",
            xlsx_shared_strings_billion_laughs,
        ),
        ("xlsx-unique-count-2e9.zip", xlsx_unique_count_2e9),
        ("xlsx-cell-at-xfd1048576.zip", xlsx_cell_at_xfd1048576),
        ("xlsx-too-many-cells.zip", xlsx_too_many_cells),
        ("xls-dimensions-huge.zip", xls_dimensions_huge),
        ("xls-cells-far-apart.zip", xls_cells_far_apart),
        ("xls-shared-string-copies.zip", xls_shared_string_copies),
        ("xls-sector-chain-loop.zip", xls_sector_chain_loop),
        ("ods-repeated-cells.zip", ods_repeated_cells),
        ("ods-truncated-table.zip", ods_truncated_table),
        ("ofd-billion-laughs.zip", ofd_billion_laughs),
        ("ofd-nesting-1m.zip", ofd_nesting_1m),
        ("ofd-paths-escape.zip", ofd_paths_escape),
        ("ofd-template-cycle.zip", ofd_template_cycle),
        ("pdf-page-tree-cycle.zip", pdf_page_tree_cycle),
        ("pdf-form-recursion.zip", pdf_form_recursion),
        ("pdf-deep-nesting.zip", pdf_deep_nesting),
        ("pdf-2gib-stream.zip", pdf_2gib_stream),
        ("pdf-huge-string.zip", pdf_huge_string),
        ("pdf-malformed-cmap.zip", pdf_malformed_cmap),
    ]
}

/// Every hostile package, by file name, in a stable order.
pub fn corpus() -> Vec<(String, Vec<u8>)> {
    builders()
        .into_iter()
        .map(|(name, build)| (name.to_string(), build()))
        .collect()
}
