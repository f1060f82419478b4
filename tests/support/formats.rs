//! Files that are not zip archives, for the "not a zip" and "file type from content" cases: RAR,
//! 7z, gzip and tar byte strings, and OLE compound files (the container of `.doc` and `.xls`),
//! including a tiny BIFF8 `.xls` workbook that calamine can read.

use std::io::Write;

use flate2::write::GzEncoder;
use flate2::Compression;

use super::xlsx::Cell;
use super::zip_builder::{crc32, put16, put32};

/// The start of a RAR 5 archive: its signature, then a main archive header (with a correct
/// header CRC-32) and an end-of-archive header.
pub fn rar_bytes() -> Vec<u8> {
    let mut out = b"Rar!\x1A\x07\x01\x00".to_vec();
    // Each header: CRC32 of (size vint + header), size vint, then the header.
    for header in [&[0x01u8, 0x00, 0x00][..], &[0x05u8, 0x00, 0x00][..]] {
        // main header: type 1, flags 0, archive flags 0; end header: type 5, flags 0, end flags 0
        let mut sized = vec![u8::try_from(header.len()).expect("short header")];
        sized.extend_from_slice(header);
        out.extend_from_slice(&crc32(&sized).to_le_bytes());
        out.extend_from_slice(&sized);
    }
    out
}

/// An empty 7z archive: the 32-byte signature header (signature, version 0.4, start-header CRC
/// over a zero next-header reference).
pub fn sevenz_bytes() -> Vec<u8> {
    let mut out = b"7z\xBC\xAF\x27\x1C\x00\x04".to_vec();
    let next_header = [0u8; 20]; // offset u64, size u64, crc u32: all zero (no next header)
    out.extend_from_slice(&crc32(&next_header).to_le_bytes());
    out.extend_from_slice(&next_header);
    out
}

/// A real gzip stream (no file name, mtime 0) of a short Chinese text file.
pub fn gzip_bytes() -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::default());
    encoder
        .write_all("项目基本情况表\n项目名称\t示例项目\n".as_bytes())
        .expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

/// A POSIX (ustar) tar archive holding one small text file: a 512-byte header with `ustar` at
/// offset 257 and a correct checksum, the data padded to 512 bytes, then two zero blocks.
pub fn tar_bytes() -> Vec<u8> {
    let data = b"project: sample\n";
    let mut header = [0u8; 512];
    let mut field = |offset: usize, value: &[u8]| {
        header[offset..offset + value.len()].copy_from_slice(value);
    };
    field(0, b"readme.txt");
    field(100, b"0000644\0"); // mode
    field(108, b"0001750\0"); // uid
    field(116, b"0001750\0"); // gid
    field(124, format!("{:011o}\0", data.len()).as_bytes()); // size
    field(136, b"14046073600\0"); // mtime: 2021-05-10 00:00:00 UTC
    field(148, b"        "); // checksum placeholder: spaces
    field(156, b"0"); // regular file
    field(257, b"ustar\0"); // magic
    field(263, b"00"); // version
    field(265, b"user");
    field(297, b"user");
    let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
    header[148..156].copy_from_slice(format!("{sum:06o}\0 ").as_bytes());
    let mut out = header.to_vec();
    out.extend_from_slice(data);
    out.resize(1024, 0);
    out.resize(2048, 0); // two zero blocks end the archive
    out
}

/// Special sector ids of the compound file's FAT.
const FREESECT: u32 = 0xFFFF_FFFF;
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
const FATSECT: u32 = 0xFFFF_FFFD;
/// "No sibling / child" in a directory entry.
const NOSTREAM: u32 = 0xFFFF_FFFF;
/// Sector size (version 3 compound files).
const SECTOR: usize = 512;

/// An OLE compound file (CFB version 3, 512-byte sectors) holding these streams under its root.
///
/// Each stream is stored in regular sectors, so it is zero-padded to at least 4096 bytes (the
/// mini-stream cutoff) and the declared stream size is the padded size. Layout: header, one FAT
/// sector, one directory sector, then the streams' sectors. At most 3 streams and about 60 KiB.
pub fn cfb(streams: &[(&str, &[u8])]) -> Vec<u8> {
    assert!(
        streams.len() <= 3,
        "one directory sector holds the root and three streams"
    );
    let padded: Vec<Vec<u8>> = streams
        .iter()
        .map(|(_, data)| {
            let mut d = data.to_vec();
            let len = d.len().max(4096).div_ceil(SECTOR) * SECTOR;
            d.resize(len, 0);
            d
        })
        .collect();

    // FAT: sector 0 is the FAT itself, sector 1 the directory, then each stream's chain.
    let mut fat = vec![FATSECT, ENDOFCHAIN];
    let mut starts = Vec::new();
    for data in &padded {
        let first = u32::try_from(fat.len()).expect("few sectors");
        starts.push(first);
        let count = data.len() / SECTOR;
        for i in 0..count {
            let this = first + u32::try_from(i).expect("few sectors");
            fat.push(if i + 1 == count { ENDOFCHAIN } else { this + 1 });
        }
    }
    assert!(fat.len() <= SECTOR / 4, "one FAT sector maps 128 sectors");
    fat.resize(SECTOR / 4, FREESECT);

    let mut out = Vec::with_capacity(SECTOR * (fat.len() + 1));
    // Header.
    out.extend_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    out.extend_from_slice(&[0; 16]); // CLSID
    put16(&mut out, 0x003E); // minor version
    put16(&mut out, 0x0003); // major version 3
    put16(&mut out, 0xFFFE); // byte order: little-endian
    put16(&mut out, 9); // sector shift: 512
    put16(&mut out, 6); // mini sector shift: 64
    out.extend_from_slice(&[0; 6]); // reserved
    put32(&mut out, 0); // directory sectors (0 in version 3)
    put32(&mut out, 1); // FAT sectors
    put32(&mut out, 1); // first directory sector
    put32(&mut out, 0); // transaction signature
    put32(&mut out, 4096); // mini-stream cutoff
    put32(&mut out, ENDOFCHAIN); // first mini-FAT sector: none
    put32(&mut out, 0); // mini-FAT sectors
    put32(&mut out, ENDOFCHAIN); // first DIFAT sector: none
    put32(&mut out, 0); // DIFAT sectors
    put32(&mut out, 0); // DIFAT[0]: the FAT is sector 0
    for _ in 1..109 {
        put32(&mut out, FREESECT);
    }
    assert_eq!(out.len(), SECTOR);

    // Sector 0: the FAT.
    for entry in &fat {
        put32(&mut out, *entry);
    }

    // Sector 1: the directory. Root entry, then the streams: the root's child is the first
    // stream (in CFB order: shorter names first, then by upper-case name), each further stream
    // the right sibling of the one before.
    let mut order: Vec<usize> = (0..streams.len()).collect();
    order.sort_by_key(|&i| {
        let name = streams[i].0;
        (name.encode_utf16().count(), name.to_uppercase())
    });
    let id_of = |position: usize| u32::try_from(position + 1).expect("few entries");
    let root_child = if order.is_empty() { NOSTREAM } else { id_of(0) };
    directory_entry(&mut out, "Root Entry", 5, root_child, NOSTREAM, ENDOFCHAIN, 0);
    for (position, &i) in order.iter().enumerate() {
        let right = if position + 1 < order.len() {
            id_of(position + 1)
        } else {
            NOSTREAM
        };
        let size = u32::try_from(padded[i].len()).expect("small stream");
        directory_entry(&mut out, streams[i].0, 2, NOSTREAM, right, starts[i], size);
    }
    for _ in order.len()..3 {
        directory_entry(&mut out, "", 0, NOSTREAM, NOSTREAM, 0, 0);
    }
    assert_eq!(out.len(), 3 * SECTOR);

    // The streams, in the order their chains were laid out.
    for data in &padded {
        out.extend_from_slice(data);
    }
    out
}

/// Appends one 128-byte directory entry (`kind` 5 root, 2 stream, 0 unused), coloured black.
fn directory_entry(out: &mut Vec<u8>, name: &str, kind: u8, child: u32, right: u32, start: u32, size: u32) {
    let units: Vec<u16> = name.encode_utf16().collect();
    assert!(units.len() < 32, "directory names hold at most 31 characters");
    let mut name_bytes = [0u8; 64];
    for (i, u) in units.iter().enumerate() {
        name_bytes[2 * i..2 * i + 2].copy_from_slice(&u.to_le_bytes());
    }
    out.extend_from_slice(&name_bytes);
    let name_len = if name.is_empty() { 0 } else { 2 * (units.len() + 1) };
    put16(out, u16::try_from(name_len).expect("short name"));
    out.push(kind);
    out.push(u8::from(kind != 0)); // colour: black (1) for used entries
    put32(out, NOSTREAM); // left sibling
    put32(out, right);
    put32(out, child);
    out.extend_from_slice(&[0; 16]); // CLSID
    put32(out, 0); // state bits
    out.extend_from_slice(&[0; 16]); // creation and modification times
    put32(out, start);
    put32(out, size);
    put32(out, 0); // high half of the size
}

/// A `.doc`-like OLE compound file: its directory holds a `WordDocument` stream that starts with
/// a Word 97 FIB signature (0xA5EC). No text can be read from it.
pub fn ole_doc_bytes() -> Vec<u8> {
    let mut fib = Vec::new();
    put16(&mut fib, 0xA5EC); // wIdent
    put16(&mut fib, 0x00C1); // nFib: Word 97
    cfb(&[("WordDocument", &fib)])
}

/// A `.xls` (BIFF8 in an OLE compound file whose directory holds a `Workbook` stream) with one
/// sheet `Sheet1` holding `项目名称 | 示例项目` in row 1. calamine reads it.
pub fn ole_xls_bytes() -> Vec<u8> {
    xls(&[(
        "Sheet1",
        vec![vec![Cell::S("项目名称".into()), Cell::S("示例项目".into())]],
    )])
}

/// A `.xls` workbook (BIFF8 `Workbook` stream in an OLE compound file) with these sheets: text
/// in the shared-string table, numbers as NUMBER records ([`Cell::Date`] is written as its plain
/// serial number). It holds only the records calamine needs (BOF, CODEPAGE, BOUNDSHEET, SST,
/// DIMENSIONS, LABELSST, NUMBER, EOF); Excel itself may ask to repair it.
pub fn xls(sheets: &[(&str, Vec<Vec<Cell>>)]) -> Vec<u8> {
    let mut strings: Vec<String> = Vec::new();
    let mut string_uses = 0u32;
    let mut sheet_streams = Vec::new();
    for (_, rows) in sheets {
        let mut s = Vec::new();
        record(&mut s, 0x0809, &bof(0x0010));
        let rows_used = u32::try_from(rows.len()).expect("few rows");
        let cols_used = u16::try_from(rows.iter().map(Vec::len).max().unwrap_or(0)).expect("few");
        let mut dims = Vec::new();
        put32(&mut dims, 0);
        put32(&mut dims, rows_used);
        put16(&mut dims, 0);
        put16(&mut dims, cols_used);
        put16(&mut dims, 0);
        record(&mut s, 0x0200, &dims);
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let mut body = Vec::new();
                put16(&mut body, u16::try_from(r).expect("few rows"));
                put16(&mut body, u16::try_from(c).expect("few columns"));
                put16(&mut body, 0); // XF index
                match cell {
                    Cell::S(text) => {
                        let i = match strings.iter().position(|s| s == text) {
                            Some(i) => i,
                            None => {
                                strings.push(text.clone());
                                strings.len() - 1
                            }
                        };
                        string_uses += 1;
                        put32(&mut body, u32::try_from(i).expect("few strings"));
                        record(&mut s, 0x00FD, &body);
                    }
                    Cell::N(v) | Cell::Date(v) => {
                        body.extend_from_slice(&v.to_le_bytes());
                        record(&mut s, 0x0203, &body);
                    }
                    Cell::Empty => {}
                }
            }
        }
        record(&mut s, 0x000A, &[]);
        sheet_streams.push(s);
    }

    // Workbook globals: BOF, CODEPAGE (UTF-16), one BOUNDSHEET per sheet, SST, EOF.
    let mut globals = Vec::new();
    record(&mut globals, 0x0809, &bof(0x0005));
    record(&mut globals, 0x0042, &1200u16.to_le_bytes());
    let mut bound_sheet_offsets = Vec::new();
    for (name, _) in sheets {
        let units: Vec<u16> = name.encode_utf16().collect();
        let mut body = vec![0, 0, 0, 0, 0, 0]; // position (patched below), visible, worksheet
        body.push(u8::try_from(units.len()).expect("short sheet name"));
        body.push(1); // UTF-16
        for u in units {
            put16(&mut body, u);
        }
        bound_sheet_offsets.push(globals.len() + 4);
        record(&mut globals, 0x0085, &body);
    }
    let mut sst = Vec::new();
    put32(&mut sst, string_uses);
    put32(&mut sst, u32::try_from(strings.len()).expect("few strings"));
    for text in &strings {
        let units: Vec<u16> = text.encode_utf16().collect();
        put16(&mut sst, u16::try_from(units.len()).expect("short string"));
        sst.push(1); // UTF-16, no rich text, no phonetic
        for u in units {
            put16(&mut sst, u);
        }
    }
    assert!(sst.len() <= 8224, "the SST must fit one record (no CONTINUE)");
    record(&mut globals, 0x00FC, &sst);
    record(&mut globals, 0x000A, &[]);

    let mut stream = globals;
    for (offset, sheet) in bound_sheet_offsets.into_iter().zip(&sheet_streams) {
        let position = u32::try_from(stream.len()).expect("small stream");
        stream[offset..offset + 4].copy_from_slice(&position.to_le_bytes());
        stream.extend_from_slice(sheet);
    }
    cfb(&[("Workbook", &stream)])
}

/// A BIFF8 BOF record body for substream type `dt` (0x0005 globals, 0x0010 worksheet).
fn bof(dt: u16) -> Vec<u8> {
    let mut body = Vec::new();
    put16(&mut body, 0x0600); // BIFF8
    put16(&mut body, dt);
    put16(&mut body, 0x0DBB); // build
    put16(&mut body, 0x07CC); // year
    put32(&mut body, 0x0000_0041); // file history flags
    put32(&mut body, 0x0000_0006); // lowest BIFF version: BIFF8
    body
}

/// Appends one BIFF record: type, length, body.
fn record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
    put16(out, typ);
    put16(out, u16::try_from(body.len()).expect("short record"));
    out.extend_from_slice(body);
}
