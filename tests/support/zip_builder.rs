//! A zip writer written by hand, byte by byte, so that tests control every field the library
//! under test reads: the name bytes and their encoding flag, the Info-ZIP Unicode Path field, the
//! compression method, the encryption flag and the declared sizes.
//!
//! The output is deterministic: every entry carries the same fixed DOS timestamp.

use std::io::Write;

use flate2::write::DeflateEncoder;
use flate2::{Compression, Crc};

/// The fixed DOS time of every entry: 09:30:00.
const DOS_TIME: u16 = (9 << 11) | (30 << 5);
/// The fixed DOS date of every entry: 2021-05-10.
const DOS_DATE: u16 = ((2021 - 1980) << 9) | (5 << 5) | 10;

/// General-purpose flag bit 0: the entry is encrypted.
pub const FLAG_ENCRYPTED: u16 = 1;
/// General-purpose flag bit 11: the name (and comment) are UTF-8.
pub const FLAG_UTF8: u16 = 1 << 11;

/// The CRC-32 (as used by zip and gzip) of `data`.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = Crc::new();
    crc.update(data);
    crc.sum()
}

/// Raw deflate (no zlib or gzip wrapper) of `data` at the default level.
pub fn deflate(data: &[u8]) -> Vec<u8> {
    let mut encoder = DeflateEncoder::new(Vec::new(), Compression::default());
    encoder.write_all(data).expect("deflate into memory");
    encoder.finish().expect("deflate into memory")
}

/// `s` encoded as GBK (the code page of Chinese Windows zip tools).
pub fn gbk(s: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(s);
    assert!(!unmappable, "{s:?} has characters GBK cannot encode");
    bytes.into_owned()
}

/// How [`ZipBuilder::file_raw`] writes one entry. The default is a stored (uncompressed) entry
/// with no flags, no extra field and truthful sizes.
#[derive(Debug, Clone, Default)]
pub struct EntryOpts {
    /// Set general-purpose flag bit 11 (the name is UTF-8).
    pub utf8_flag: bool,
    /// Add an Info-ZIP Unicode Path extra field (0x7075) holding this UTF-8 name, with the correct
    /// CRC-32 of the raw name, in both the local and the central header.
    pub unicode_path: Option<String>,
    /// Compress with deflate (method 8) instead of storing (method 0).
    pub deflate: bool,
    /// Set general-purpose flag bit 0 (encrypted). The data is written as it is, so a reader
    /// that tries to decrypt it gets garbage.
    pub encrypted_flag: bool,
    /// Declare this uncompressed size instead of the real one (in both headers).
    pub declared_size: Option<u32>,
}

/// One entry, ready to be written.
#[derive(Debug, Clone)]
struct Entry {
    name: Vec<u8>,
    extra: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    uncompressed_size: u32,
    payload: Vec<u8>,
    is_dir: bool,
}

/// A zip archive built in memory, entry by entry; [`ZipBuilder::finish`] returns its bytes.
///
/// ```ignore
/// let bytes = ZipBuilder::new().dir("申报材料/").file("申报材料/运维方案.pdf", &pdf).finish();
/// ```
#[derive(Debug, Clone, Default)]
pub struct ZipBuilder {
    entries: Vec<Entry>,
}

impl ZipBuilder {
    /// An empty archive.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file with a UTF-8 name, the UTF-8 flag set, deflated.
    pub fn file(&mut self, name: &str, data: &[u8]) -> &mut Self {
        let opts = EntryOpts {
            utf8_flag: true,
            deflate: true,
            ..EntryOpts::default()
        };
        self.file_raw(name.as_bytes(), data, opts)
    }

    /// Adds a file whose name is encoded as GBK, without the UTF-8 flag, deflated — what a
    /// Chinese Windows zip tool writes.
    pub fn file_gbk(&mut self, name: &str, data: &[u8]) -> &mut Self {
        let opts = EntryOpts {
            deflate: true,
            ..EntryOpts::default()
        };
        self.file_raw(&gbk(name), data, opts)
    }

    /// Adds a folder entry with a UTF-8 name and the UTF-8 flag; a trailing `/` is added when
    /// missing.
    pub fn dir(&mut self, name: &str) -> &mut Self {
        let mut raw = name.as_bytes().to_vec();
        if !raw.ends_with(b"/") {
            raw.push(b'/');
        }
        let opts = EntryOpts {
            utf8_flag: true,
            ..EntryOpts::default()
        };
        self.file_raw(&raw, &[], opts)
    }

    /// Adds a folder entry whose name is encoded as GBK, without the UTF-8 flag; a trailing `/`
    /// is added when missing.
    pub fn dir_gbk(&mut self, name: &str) -> &mut Self {
        let mut raw = gbk(name);
        if !raw.ends_with(b"/") {
            raw.push(b'/');
        }
        self.file_raw(&raw, &[], EntryOpts::default())
    }

    /// Adds an entry with exactly these name bytes, written as `opts` says. A name ending in `/`
    /// is a folder entry (its data should be empty).
    pub fn file_raw(&mut self, raw_name: &[u8], data: &[u8], opts: EntryOpts) -> &mut Self {
        let mut flags = 0;
        if opts.utf8_flag {
            flags |= FLAG_UTF8;
        }
        if opts.encrypted_flag {
            flags |= FLAG_ENCRYPTED;
        }
        let mut extra = Vec::new();
        if let Some(path) = &opts.unicode_path {
            let body_len = 1 + 4 + path.len();
            extra.extend_from_slice(&0x7075u16.to_le_bytes());
            extra.extend_from_slice(&u16::try_from(body_len).expect("short path").to_le_bytes());
            extra.push(1); // version
            extra.extend_from_slice(&crc32(raw_name).to_le_bytes());
            extra.extend_from_slice(path.as_bytes());
        }
        let (method, payload) = if opts.deflate {
            (8, deflate(data))
        } else {
            (0, data.to_vec())
        };
        let real_size = u32::try_from(data.len()).expect("test entries stay below 4 GiB");
        self.entries.push(Entry {
            name: raw_name.to_vec(),
            extra,
            flags,
            method,
            crc: crc32(data),
            uncompressed_size: opts.declared_size.unwrap_or(real_size),
            payload,
            is_dir: raw_name.ends_with(b"/"),
        });
        self
    }

    /// The number of entries added so far.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no entry was added yet.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The archive: local headers and data, the central directory, the end record.
    pub fn finish(&self) -> Vec<u8> {
        let mut out = Vec::new();
        let mut offsets = Vec::with_capacity(self.entries.len());
        for e in &self.entries {
            offsets.push(u32::try_from(out.len()).expect("archive below 4 GiB"));
            put32(&mut out, 0x0403_4b50);
            put16(&mut out, 20); // version needed to extract: 2.0
            put_common(&mut out, e);
            out.extend_from_slice(&e.name);
            out.extend_from_slice(&e.extra);
            out.extend_from_slice(&e.payload);
        }
        let cd_start = out.len();
        for (e, offset) in self.entries.iter().zip(offsets) {
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, 20); // version made by: MS-DOS host, 2.0
            put16(&mut out, 20); // version needed to extract: 2.0
            put_common(&mut out, e);
            put16(&mut out, 0); // comment length
            put16(&mut out, 0); // disk number start
            put16(&mut out, 0); // internal attributes
            put32(&mut out, if e.is_dir { 0x10 } else { 0x20 }); // MS-DOS directory / archive
            put32(&mut out, offset);
            out.extend_from_slice(&e.name);
            out.extend_from_slice(&e.extra);
        }
        let cd_size = out.len() - cd_start;
        let count = u16::try_from(self.entries.len()).expect("below 65536 entries");
        put32(&mut out, 0x0605_4b50);
        put16(&mut out, 0); // this disk
        put16(&mut out, 0); // disk of the central directory
        put16(&mut out, count);
        put16(&mut out, count);
        put32(&mut out, u32::try_from(cd_size).expect("small central directory"));
        put32(&mut out, u32::try_from(cd_start).expect("archive below 4 GiB"));
        put16(&mut out, 0); // comment length
        out
    }
}

/// The fields shared by the local and the central header, from the flags to the extra length.
fn put_common(out: &mut Vec<u8>, e: &Entry) {
    put16(out, e.flags);
    put16(out, e.method);
    put16(out, DOS_TIME);
    put16(out, DOS_DATE);
    put32(out, e.crc);
    put32(out, u32::try_from(e.payload.len()).expect("entry below 4 GiB"));
    put32(out, e.uncompressed_size);
    put16(out, u16::try_from(e.name.len()).expect("short name"));
    put16(out, u16::try_from(e.extra.len()).expect("short extra field"));
}

/// Appends a little-endian u16.
pub(crate) fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// Appends a little-endian u32.
pub(crate) fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}
