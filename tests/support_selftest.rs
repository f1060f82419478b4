//! Checks the test-support writers themselves (`tests/support/`): that independent readers (the
//! zip crate, calamine, quick-xml, flate2, a hand-written central-directory walker) accept what
//! they write, byte-exactly as promised, and that the generated stage packages name and hold
//! exactly the materials SPEC §4 requires.

mod support;

use std::collections::BTreeSet;
use std::io::{Cursor, Read};

use calamine::{open_workbook_auto_from_rs, Data, Reader, Sheets};
use support::*;
use unicode_normalization::UnicodeNormalization;

/// One central-directory record, as a listing tool (`unzip -l`) reads it.
#[derive(Debug)]
struct Listed {
    name: Vec<u8>,
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u32,
    uncompressed: u32,
    extra: Vec<u8>,
    offset: u32,
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes(b[at..at + 4].try_into().unwrap())
}

/// Walks the archive from its end record: the central directory, and each local header it
/// points to (which must agree with it).
fn list(zip: &[u8]) -> Vec<Listed> {
    let eocd = zip.len() - 22;
    assert_eq!(
        u32_at(zip, eocd),
        0x0605_4b50,
        "end record at the very end (no comment)"
    );
    let count = usize::from(u16_at(zip, eocd + 10));
    let cd_size = u32_at(zip, eocd + 12) as usize;
    let mut at = u32_at(zip, eocd + 16) as usize;
    assert_eq!(at + cd_size, eocd, "central directory right before the end record");
    let mut out = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(zip, at), 0x0201_4b50);
        let name_len = usize::from(u16_at(zip, at + 28));
        let extra_len = usize::from(u16_at(zip, at + 30));
        let comment_len = usize::from(u16_at(zip, at + 32));
        let entry = Listed {
            flags: u16_at(zip, at + 8),
            method: u16_at(zip, at + 10),
            crc: u32_at(zip, at + 16),
            compressed: u32_at(zip, at + 20),
            uncompressed: u32_at(zip, at + 24),
            offset: u32_at(zip, at + 42),
            name: zip[at + 46..at + 46 + name_len].to_vec(),
            extra: zip[at + 46 + name_len..at + 46 + name_len + extra_len].to_vec(),
        };
        let local = entry.offset as usize;
        assert_eq!(u32_at(zip, local), 0x0403_4b50);
        assert_eq!(
            zip[local + 6..local + 30],
            zip[at + 8..at + 32],
            "local = central header"
        );
        assert_eq!(zip[local + 30..local + 30 + name_len], entry.name[..]);
        at += 46 + name_len + extra_len + comment_len;
        out.push(entry);
    }
    assert_eq!(at, eocd);
    out
}

/// The data of a listed entry, inflated when deflated.
fn data_of(zip: &[u8], e: &Listed) -> Vec<u8> {
    let local = e.offset as usize;
    let start = local + 30 + usize::from(u16_at(zip, local + 26)) + usize::from(u16_at(zip, local + 28));
    let raw = &zip[start..start + e.compressed as usize];
    match e.method {
        0 => raw.to_vec(),
        8 => {
            let mut out = Vec::new();
            flate2::read::DeflateDecoder::new(raw).read_to_end(&mut out).unwrap();
            out
        }
        m => panic!("method {m}"),
    }
}

/// The entry `name` of a zip, read with the zip crate.
fn zip_entry(zip: &[u8], name: &str) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).unwrap();
    let mut file = archive.by_name(name).unwrap();
    let mut out = Vec::new();
    file.read_to_end(&mut out).unwrap();
    out
}

/// Parses `xml` to the end with quick-xml, failing on any error (mismatched tags included).
fn assert_well_formed(xml: &str) {
    let mut reader = quick_xml::Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!("malformed XML at {}: {e}\n{xml}", reader.buffer_position()),
        }
    }
}

#[test]
fn zip_builder_round_trips_through_the_zip_crate() {
    let mut b = ZipBuilder::new();
    b.dir("申报材料")
        .file("申报材料/运维方案.txt", "运维方案\n".repeat(50).as_bytes())
        .file_gbk("申报材料/质保方案.txt", "质保期3年".as_bytes())
        .file_raw(
            &gbk("申报材料/终验意见.txt"),
            b"ok",
            EntryOpts {
                unicode_path: Some("申报材料/终验意见.txt".into()),
                ..EntryOpts::default()
            },
        )
        .file_raw(
            b"stored.bin",
            &[0, 1, 2, 3],
            EntryOpts {
                declared_size: Some(99),
                ..EntryOpts::default()
            },
        )
        .file_raw(
            b"secret.bin",
            b"garbage",
            EntryOpts {
                encrypted_flag: true,
                utf8_flag: true,
                ..EntryOpts::default()
            },
        );
    assert_eq!(b.len(), 6);
    let bytes = b.finish();
    assert_eq!(bytes, b.finish(), "deterministic");

    let listed = list(&bytes);
    assert_eq!(listed[0].name, "申报材料/".as_bytes());
    assert_eq!(listed[0].flags, 0x0800);
    assert_eq!(listed[1].flags, 0x0800);
    assert_eq!(listed[1].method, 8);
    assert!(listed[1].compressed < listed[1].uncompressed, "deflated");
    assert_eq!(data_of(&bytes, &listed[1]), "运维方案\n".repeat(50).as_bytes());
    assert_eq!(listed[1].crc, crc32(&data_of(&bytes, &listed[1])));
    assert_eq!(listed[2].flags, 0, "GBK name without the UTF-8 flag");
    assert_eq!(listed[2].name, gbk("申报材料/质保方案.txt"));
    assert!(std::str::from_utf8(&listed[2].name).is_err());
    let extra = &listed[3].extra;
    assert_eq!(u16_at(extra, 0), 0x7075);
    assert_eq!(usize::from(u16_at(extra, 2)), extra.len() - 4);
    assert_eq!(extra[4], 1);
    assert_eq!(
        u32_at(extra, 5),
        crc32(&listed[3].name),
        "Unicode Path CRC of the raw name"
    );
    assert_eq!(&extra[9..], "申报材料/终验意见.txt".as_bytes());
    assert_eq!((listed[4].method, listed[4].uncompressed), (0, 99));
    assert_eq!(listed[5].flags, 0x0801);

    let mut archive = zip::ZipArchive::new(Cursor::new(&bytes)).unwrap();
    assert_eq!(archive.len(), 6);
    assert!(archive.by_index(0).unwrap().is_dir());
    let mut text = String::new();
    archive.by_index(1).unwrap().read_to_string(&mut text).unwrap();
    assert_eq!(text, "运维方案\n".repeat(50));
    let gbk_entry = archive.by_index(2).unwrap();
    assert_eq!(gbk_entry.name_raw(), gbk("申报材料/质保方案.txt").as_slice());
    drop(gbk_entry);
    let unicode_name = archive.by_index(3).unwrap().name().unwrap().into_owned();
    assert_eq!(unicode_name, "申报材料/终验意见.txt", "Unicode Path used");
    assert_eq!(archive.by_index(4).unwrap().size(), 99, "declared size");
    assert!(archive.by_index_raw(5).unwrap().encrypted());
    assert!(archive.by_index(5).is_err(), "no password");
}

#[test]
fn empty_builder_is_an_empty_archive() {
    let bytes = ZipBuilder::new().finish();
    assert_eq!(bytes.len(), 22);
    assert_eq!(zip::ZipArchive::new(Cursor::new(&bytes)).unwrap().len(), 0);
}

#[test]
fn xlsx_reads_back_with_calamine() {
    let bytes = xlsx_with_merges(&[
        (
            "系统目录",
            vec![
                vec![s("信息系统目录 <A&B>")],
                vec![s("系统名称"), s("是否入云"), Cell::Empty, n(1.5)],
                vec![s("电子证照管理系统"), s("是"), s("x"), n(42.0)],
                vec![Cell::Empty, Cell::Empty],
                vec![s("合计"), Cell::Empty, Cell::Empty, date(2021, 5, 10)],
            ],
            &["A1:D1"][..],
        ),
        ("Sheet2", vec![vec![s("系统名称")]], &[][..]),
    ]);
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(wb.sheet_names(), vec!["系统目录".to_string(), "Sheet2".to_string()]);
    let range = wb.worksheet_range("系统目录").unwrap();
    let at = |r: u32, c: u32| range.get_value((r, c)).cloned();
    assert_eq!(at(0, 0), Some(Data::String("信息系统目录 <A&B>".into())));
    assert_eq!(at(1, 0), Some(Data::String("系统名称".into())));
    assert_eq!(at(1, 3), Some(Data::Float(1.5)));
    assert_eq!(at(2, 3), Some(Data::Float(42.0)));
    assert_eq!(at(1, 2), Some(Data::Empty));
    match at(4, 3) {
        Some(Data::DateTime(d)) => assert_eq!(d.as_f64(), 44326.0),
        other => panic!("a date cell, got {other:?}"),
    }
    assert_eq!(excel_serial(2021, 5, 10), 44326.0);
    assert_eq!(excel_serial(1900, 3, 1), 61.0);
    match &mut wb {
        Sheets::Xlsx(x) => {
            let merges = x.merge_cells_by_sheet_name("系统目录").unwrap();
            assert_eq!(merges.len(), 1);
            assert_eq!((merges[0].start, merges[0].end), ((0, 0), (0, 3)));
        }
        _ => panic!("read as xlsx"),
    }
    assert_eq!(column_name(0), "A");
    assert_eq!(column_name(25), "Z");
    assert_eq!(column_name(26), "AA");
}

#[test]
fn xls_reads_back_with_calamine() {
    let bytes = basic_info_xls(&[("项目名称", "示例项目"), ("申报日期", "2021-05-10")]);
    assert_eq!(&bytes[..8], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    let mut wb = open_workbook_auto_from_rs(Cursor::new(bytes)).unwrap();
    assert!(matches!(wb, Sheets::Xls(_)));
    assert_eq!(wb.sheet_names(), vec!["基本情况".to_string()]);
    let range = wb.worksheet_range("基本情况").unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("项目基本情况表".into())));
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("示例项目".into())));
    assert_eq!(range.get_value((2, 0)), Some(&Data::String("申报日期".into())));

    let numbers = xls(&[("A", vec![vec![n(2.5), s("x")]]), ("B", vec![vec![s("x"), n(7.0)]])]);
    let mut wb = open_workbook_auto_from_rs(Cursor::new(numbers)).unwrap();
    assert_eq!(
        wb.worksheet_range("A").unwrap().get_value((0, 0)),
        Some(&Data::Float(2.5))
    );
    assert_eq!(
        wb.worksheet_range("B").unwrap().get_value((0, 1)),
        Some(&Data::Float(7.0))
    );

    let mut wb = open_workbook_auto_from_rs(Cursor::new(ole_xls_bytes())).unwrap();
    let range = wb.worksheet_range("Sheet1").unwrap();
    assert_eq!(range.get_value((0, 1)), Some(&Data::String("示例项目".into())));
}

#[test]
fn basic_info_sheets_have_both_layouts() {
    let rows = [("项目名称", "示例项目"), ("申报单位", APPLICANT)];
    let mut wb = open_workbook_auto_from_rs(Cursor::new(basic_info_xlsx(&rows))).unwrap();
    let range = wb.worksheet_range("基本情况").unwrap();
    assert_eq!(range.get_value((0, 0)), Some(&Data::String("项目基本情况表".into())));
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("项目名称".into())));
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("示例项目".into())));
    assert_eq!(range.get_value((2, 1)), Some(&Data::String(APPLICANT.into())));

    let mut wb = open_workbook_auto_from_rs(Cursor::new(basic_info_xlsx_two_row(&rows))).unwrap();
    let range = wb.worksheet_range("基本情况").unwrap();
    assert_eq!(range.get_value((1, 0)), Some(&Data::String("项目名称".into())));
    assert_eq!(range.get_value((1, 1)), Some(&Data::String("申报单位".into())));
    assert_eq!(range.get_value((2, 0)), Some(&Data::String("示例项目".into())));
    assert_eq!(range.get_value((2, 1)), Some(&Data::String(APPLICANT.into())));
}

#[test]
fn docx_is_well_formed_and_escaped() {
    let bytes = docx_with_table(
        &["项目竣工验收意见", "", "A & B <c> \"d\""],
        &[vec!["序号", "批复建设内容"], vec!["1", "数据共享 & 交换"]],
    );
    let listed = list(&bytes);
    let names: Vec<&[u8]> = listed.iter().map(|e| e.name.as_slice()).collect();
    assert_eq!(
        names,
        vec![&b"[Content_Types].xml"[..], b"_rels/.rels", b"word/document.xml"]
    );
    let document = String::from_utf8(zip_entry(&bytes, "word/document.xml")).unwrap();
    assert_well_formed(&document);
    for part in ["[Content_Types].xml", "_rels/.rels"] {
        assert_well_formed(&String::from_utf8(zip_entry(&bytes, part)).unwrap());
    }
    assert!(document.contains(">项目竣工验收意见</w:t>"));
    assert!(document.contains("A &amp; B &lt;c&gt; &quot;d&quot;"));
    assert!(document.contains("<w:tbl>"));
    assert!(document.contains(">数据共享 &amp; 交换</w:t>"));
    let first = document.find("项目竣工验收意见").unwrap();
    assert!(first < document.find("<w:tbl>").unwrap(), "paragraphs before the table");
    assert_eq!(docx(&["x"]), docx(&["x"]), "deterministic");
}

#[test]
fn pdf_has_correct_xref_and_text() {
    for bytes in [pdf(&["Acceptance (final)", "2021-03-15", "项目"]), pdf_image_only()] {
        assert!(bytes.starts_with(b"%PDF-1.4\n"));
        assert!(bytes.ends_with(b"%%EOF\n"));
        // One char per byte, so that text offsets are byte offsets.
        let text: String = bytes
            .iter()
            .map(|&b| if b.is_ascii() { b as char } else { '?' })
            .collect();
        let startxref: usize = text[text.rfind("startxref\n").unwrap() + 10..]
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(bytes[startxref..].starts_with(b"xref\n0 6\n"));
        let table = &text[startxref..];
        for (object, line) in table.lines().skip(3).take(5).enumerate() {
            let offset: usize = line[..10].parse().unwrap();
            assert_eq!(line.len() + 1, 20, "20-byte entries: `nnnnnnnnnn 00000 n` SP LF");
            let expected = format!("{} 0 obj\n", object + 1);
            assert!(
                bytes[offset..].starts_with(expected.as_bytes()),
                "object {}",
                object + 1
            );
        }
        // Each stream's /Length is its data length.
        let mut from = 0;
        while let Some(i) = text[from..].find("/Length ") {
            let at = from + i + 8;
            let len: usize = text[at..].split(' ').next().unwrap().parse().unwrap();
            let data = at + text[at..].find("stream\n").unwrap() + 7;
            assert!(bytes[data + len..].starts_with(b"\nendstream"));
            from = data + len;
        }
    }
    let text = String::from_utf8_lossy(&pdf(&["Acceptance (final)", "项目 2021"])).into_owned();
    assert!(text.contains("(Acceptance \\(final\\)) Tj"));
    assert!(text.contains("(?? 2021) Tj"));
    let scanned = String::from_utf8_lossy(&pdf_image_only()).into_owned();
    assert!(scanned.contains("/Subtype /Image") && !scanned.contains("Tj"));
}

#[test]
fn ofd_is_a_zip_of_well_formed_parts() {
    let bytes = ofd(&["项目竣工验收意见", "验收日期：2021年3月15日 & <>"]);
    for part in [
        "OFD.xml",
        "Doc_0/Document.xml",
        "Doc_0/PublicRes.xml",
        "Doc_0/Pages/Page_0/Content.xml",
    ] {
        assert_well_formed(&String::from_utf8(zip_entry(&bytes, part)).unwrap());
    }
    let root = String::from_utf8(zip_entry(&bytes, "OFD.xml")).unwrap();
    assert!(root.contains("<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot>"));
    let document = String::from_utf8(zip_entry(&bytes, "Doc_0/Document.xml")).unwrap();
    assert!(document.contains(r#"BaseLoc="Pages/Page_0/Content.xml""#));
    let content = String::from_utf8(zip_entry(&bytes, "Doc_0/Pages/Page_0/Content.xml")).unwrap();
    assert!(content.contains(">项目竣工验收意见</ofd:TextCode>"));
    assert!(content.contains(">验收日期：2021年3月15日 &amp; &lt;&gt;</ofd:TextCode>"));
}

#[test]
fn non_zip_byte_strings_have_their_magic() {
    let rar = rar_bytes();
    assert!(rar.starts_with(b"Rar!\x1A\x07\x01\x00"));
    assert_eq!(u32_at(&rar, 8), crc32(&rar[12..16]), "main header CRC");

    let seven = sevenz_bytes();
    assert_eq!(seven.len(), 32);
    assert!(seven.starts_with(b"7z\xBC\xAF\x27\x1C"));
    assert_eq!(u32_at(&seven, 8), crc32(&seven[12..32]));

    let gz = gzip_bytes();
    assert_eq!(&gz[..2], &[0x1F, 0x8B]);
    let mut text = String::new();
    flate2::read::GzDecoder::new(gz.as_slice())
        .read_to_string(&mut text)
        .unwrap();
    assert!(text.starts_with("项目基本情况表"));

    let tar = tar_bytes();
    assert_eq!(tar.len(), 2048);
    assert_eq!(&tar[257..263], b"ustar\0");
    let stored: u32 = u32::from_str_radix(std::str::from_utf8(&tar[148..154]).unwrap(), 8).unwrap();
    let sum: u32 = tar[..512]
        .iter()
        .enumerate()
        .map(|(i, &b)| if (148..156).contains(&i) { 32 } else { u32::from(b) })
        .sum();
    assert_eq!(stored, sum, "header checksum");
    assert_eq!(&tar[512..528], b"project: sample\n");

    for bytes in [&rar, &seven, &gz, &tar] {
        assert!(zip::ZipArchive::new(Cursor::new(bytes)).is_err());
    }
}

/// The directory entries (name, type, start sector, size) of a compound file, read by hand.
fn cfb_entries(bytes: &[u8]) -> Vec<(String, u8, u32, u32)> {
    assert_eq!(&bytes[..8], &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
    assert_eq!(u16_at(bytes, 30), 9, "512-byte sectors");
    let sector = |id: u32| 512 + id as usize * 512;
    let fat_sector = u32_at(bytes, 76);
    let fat: Vec<u32> = (0..128).map(|i| u32_at(bytes, sector(fat_sector) + 4 * i)).collect();
    assert_eq!(fat[fat_sector as usize], 0xFFFF_FFFD, "FAT sector marked");
    let dir = sector(u32_at(bytes, 48));
    (0..4)
        .map(|i| dir + 128 * i)
        .filter(|&e| bytes[e + 66] != 0)
        .map(|e| {
            let len = usize::from(u16_at(bytes, e + 64));
            let units: Vec<u16> = (0..len.saturating_sub(2) / 2)
                .map(|k| u16_at(bytes, e + 2 * k))
                .collect();
            let (start, size) = (u32_at(bytes, e + 116), u32_at(bytes, e + 120));
            if bytes[e + 66] == 2 {
                // The stream's chain covers its size.
                let mut id = start;
                let mut sectors = 0;
                while id != 0xFFFF_FFFE {
                    sectors += 1;
                    id = fat[id as usize];
                }
                assert_eq!(sectors * 512, size);
                assert!(sector(start) + size as usize <= bytes.len());
            }
            (String::from_utf16(&units).unwrap(), bytes[e + 66], start, size)
        })
        .collect()
}

#[test]
fn ole_files_hold_their_streams() {
    let doc = ole_doc_bytes();
    let entries = cfb_entries(&doc);
    assert_eq!(entries[0].0, "Root Entry");
    assert_eq!(entries[0].1, 5);
    assert_eq!((entries[1].0.as_str(), entries[1].1), ("WordDocument", 2));
    let start = 512 + entries[1].2 as usize * 512;
    assert_eq!(u16_at(&doc, start), 0xA5EC, "Word FIB signature");
    assert_eq!(doc.len() % 512, 0);

    let xls_entries = cfb_entries(&ole_xls_bytes());
    assert_eq!(xls_entries[1].0, "Workbook");
    let many = cfb(&[("B", b"b"), ("AA", b"aa"), ("C", b"c")]);
    let names: BTreeSet<String> = cfb_entries(&many).into_iter().map(|e| e.0).collect();
    assert_eq!(names, ["Root Entry", "AA", "B", "C"].map(String::from).into());
}

/// A file's name normalised as SPEC §4 says: NFKC, spaces removed, the suffix dropped, the
/// leading numbering removed.
fn normalise(base_name: &str) -> String {
    let nfkc: String = base_name.nfkc().filter(|c| !c.is_whitespace()).collect();
    let stem = match nfkc.rfind('.') {
        Some(i) => nfkc[..i].to_string(),
        None => nfkc,
    };
    let numbering = regex::Regex::new(
        r"^(附件[0-9一二三四五六七八九十]+[-.、:_]?|\([0-9一二三四五六七八九十]+\)|[0-9]+[-.、_]|[一二三四五六七八九十]+、)",
    )
    .unwrap();
    numbering.replace(&stem, "").into_owned()
}

/// One material of a stage schema, as far as naming goes.
struct SchemaMaterial {
    id: String,
    keywords: Vec<String>,
    excludes: Vec<String>,
    format: String,
    /// Required for a new, non-classified project (with no changed comparison row, an
    /// all-new project list, and the project within the applicant's duties).
    required: bool,
}

/// The materials of a stage's schema (`schemas/<stage>.json` of this repository).
fn schema_materials(stage: &str) -> Vec<SchemaMaterial> {
    let path = format!("{}/schemas/{stage}.json", env!("CARGO_MANIFEST_DIR"));
    let schema: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let words = |v: &serde_json::Value| -> Vec<String> {
        v.as_array()
            .map(|a| a.iter().map(|w| w.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    schema["materials"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let required = match &m["required"] {
                serde_json::Value::String(s) => s == "always",
                other => other["when"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .all(|c| matches!(c.as_str().unwrap(), "project_new" | "not_classified")),
            };
            SchemaMaterial {
                id: m["id"].as_str().unwrap().to_string(),
                keywords: words(&m["keywords"]),
                excludes: words(&m["exclude"]),
                format: m["format"].as_str().unwrap().to_string(),
                required,
            }
        })
        .collect()
}

/// The materials a normalised name matches: the ids with the longest matching keyword.
fn matching(name: &str, materials: &[SchemaMaterial]) -> Vec<String> {
    let mut best = 0;
    let mut ids = Vec::new();
    for SchemaMaterial {
        id, keywords, excludes, ..
    } in materials
    {
        if excludes.iter().any(|x| name.contains(x.as_str())) {
            continue;
        }
        let Some(len) = keywords
            .iter()
            .filter(|k| name.contains(k.as_str()))
            .map(|k| k.chars().count())
            .max()
        else {
            continue;
        };
        if len > best {
            best = len;
            ids.clear();
        }
        if len == best {
            ids.push(id.clone());
        }
    }
    ids
}

/// The first paragraph's text of a docx.
fn docx_title(bytes: &[u8]) -> String {
    let xml = String::from_utf8(zip_entry(bytes, "word/document.xml")).unwrap();
    let start = xml.find("<w:t xml:space=\"preserve\">").unwrap() + 26;
    xml[start..start + xml[start..].find("</w:t>").unwrap()].to_string()
}

#[test]
fn stage_packages_hold_exactly_the_required_materials_under_matching_names() {
    for stage in STAGES {
        let materials = schema_materials(stage);
        let required: BTreeSet<String> = materials.iter().filter(|m| m.required).map(|m| m.id.clone()).collect();
        for naming in Naming::ALL {
            let entries = stage_entries(stage, naming);
            let present: BTreeSet<String> = entries.iter().map(|e| e.material.to_string()).collect();
            assert_eq!(present, required, "{stage} {naming:?}");
            assert_eq!(present.len(), entries.len(), "one file per material");
            for e in &entries {
                let base = e.path.strip_prefix(&format!("{TOP_FOLDER}/")).unwrap();
                assert!(!base.contains('/'));
                let normalised = normalise(base);
                assert_eq!(
                    matching(&normalised, &materials),
                    vec![e.material.to_string()],
                    "{stage} {naming:?}: {base} → {normalised}"
                );
                let format = &materials.iter().find(|m| m.id == e.material).unwrap().format;
                let ext = base.rsplit('.').next().unwrap();
                match format.as_str() {
                    "table" => assert_eq!(ext, "xlsx", "{base}"),
                    "doc" => assert!(["docx", "pdf"].contains(&ext), "{base}"),
                    _ => {}
                }
                match ext {
                    "docx" => {
                        let title = docx_title(&e.data);
                        assert_eq!(normalise(&format!("{title}.docx")), normalise(base), "{base}");
                        assert_eq!(matching(&title, &materials), vec![e.material.to_string()]);
                    }
                    "pdf" => assert!(e.data.starts_with(b"%PDF-1.4")),
                    "xlsx" => {
                        let wb = open_workbook_auto_from_rs(Cursor::new(e.data.clone())).unwrap();
                        assert!(!wb.sheet_names().is_empty());
                    }
                    other => panic!("unexpected extension {other}"),
                }
            }
            let package = stage_package(stage, naming);
            assert!(package.len() < 100 * 1024);
            assert_eq!(package, stage_package(stage, naming), "deterministic");
            let mut archive = zip::ZipArchive::new(Cursor::new(&package)).unwrap();
            assert_eq!(archive.len(), entries.len() + 1, "files plus the top folder");
            for e in &entries {
                let mut data = Vec::new();
                archive.by_name(&e.path).unwrap().read_to_end(&mut data).unwrap();
                assert_eq!(data, e.data);
            }
        }
    }
}

#[test]
fn namings_write_their_numbering() {
    let paths = |naming| -> Vec<String> { stage_files("plan", naming).into_iter().map(|(p, _)| p).collect() };
    let numbered = paths(Naming::Numbered);
    assert_eq!(numbered[0], "申报材料/01-项目基本情况表.xlsx");
    assert_eq!(numbered[1], "申报材料/2.规划备案申报函.docx");
    assert_eq!(numbered[2], "申报材料/3、批复项目进展情况表.xlsx");
    let full = paths(Naming::FullWidth);
    assert_eq!(full[0], "申报材料/（一）项目基本情况表.xlsx");
    assert_eq!(full[5], "申报材料/０６－２０２１年度项目清单.xlsx");
    let attachment = paths(Naming::Attachment);
    assert_eq!(attachment[0], "申报材料/附件1-项目基本情况表.xlsx");
    assert_eq!(attachment[1], "申报材料/附件二：规划备案申报函.docx");
    assert_eq!(Naming::Attachment.apply(12, "x.pdf"), "附件十二：x.pdf");
    assert_eq!(Naming::FullWidth.apply(21, "x.pdf"), "（二十一）x.pdf");
}

#[test]
fn stage_tables_read_back_with_their_headers() {
    let mut wb = open_workbook_auto_from_rs(Cursor::new(table_xlsx(&data_directory_tables()))).unwrap();
    assert_eq!(wb.sheet_names(), vec!["系统目录".to_string(), "数据目录".to_string()]);
    let systems = wb.worksheet_range("系统目录").unwrap();
    assert_eq!(systems.get_value((1, 0)), Some(&Data::String("系统名称".into())));
    assert_eq!(systems.get_value((1, 5)), Some(&Data::String("运行状态".into())));
    assert_eq!(systems.get_value((2, 5)), Some(&Data::String("已投入运行".into())));
    let data = wb.worksheet_range("数据目录").unwrap();
    assert_eq!(data.get_value((1, 6)), Some(&Data::String("汇聚状态".into())));
    assert_eq!(data.get_value((3, 6)), Some(&Data::String("已汇聚".into())));

    let mut wb = open_workbook_auto_from_rs(Cursor::new(table_xlsx(&[comparison_table()]))).unwrap();
    let range = wb.worksheet_range("对比表").unwrap();
    assert_eq!(range.get_value((1, 3)), Some(&Data::String("批复金额（万元）".into())));
    assert_eq!(range.get_value((2, 4)), Some(&Data::Float(118.5)));
    assert_eq!(range.get_value((4, 0)), Some(&Data::String("合计".into())));

    for table in [project_list_table(), progress_table()] {
        let header = table.header.clone();
        let mut wb = open_workbook_auto_from_rs(Cursor::new(table_xlsx(&[table]))).unwrap();
        let name = wb.sheet_names()[0].clone();
        let range = wb.worksheet_range(&name).unwrap();
        for (c, h) in header.iter().enumerate() {
            assert_eq!(range.get_value((1, c as u32)), Some(&Data::String(h.clone())));
        }
    }
}

#[test]
fn gbk_archive_names_are_gbk_and_not_all_utf8() {
    let bytes = zip_files_gbk(&stage_files("commissioning", Naming::Numbered));
    let listed = list(&bytes);
    assert!(listed.iter().all(|e| e.flags & 0x0800 == 0));
    assert!(listed.iter().any(|e| std::str::from_utf8(&e.name).is_err()));
    let first = encoding_rs::GBK.decode_without_bom_handling(&listed[1].name).0;
    assert_eq!(first, "申报材料/01-项目基本情况表.xlsx");
}
