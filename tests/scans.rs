//! Page images of scanned PDF and OFD documents (`pingshen::extract::page_images`): the scans of
//! `fixtures/scans/` come out as the images they store, ready for OCR; pages with text or with
//! small images give nothing; hostile image dictionaries give nothing and never panic. With
//! Tesseract and `chi_sim` installed, the images are also read and must give the acceptance date.

#[path = "pdf_writer/mod.rs"]
mod pdf_writer;
mod support;

use std::io::{Cursor, Write};
use std::path::Path;
use std::time::Duration;

use pdf_writer::DocBuilder;
use pingshen::extract::{page_images, DocError, PageImage};
use pingshen::ocr::{Engine, Image};
use pingshen::sniff::FileKind;

const WIDTH: u32 = 1240;
const HEIGHT: u32 = 1754;
const DATE: &str = "2023年6月15日";

fn fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/scans").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn images_of(name: &str) -> Vec<PageImage> {
    let kind = if name.ends_with(".ofd") {
        FileKind::Ofd
    } else {
        FileKind::Pdf
    };
    page_images(&fixture(name), kind, 10).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The one page image of a one-page scan, asserted to cover the whole page.
fn only_image(name: &str) -> Image {
    let mut found = images_of(name);
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    let page = found.remove(0);
    assert_eq!(page.page, 1, "{name}");
    assert!(
        page.coverage > 0.99 && page.coverage <= 1.0,
        "{name}: {}",
        page.coverage
    );
    page.image
}

fn assert_pixels(image: &Image, name: &str) {
    match image {
        Image::Gray { width, height, .. } | Image::Rgb { width, height, .. } => {
            assert_eq!((*width, *height), (WIDTH, HEIGHT), "{name}")
        }
        other => panic!("{name}: expected pixels, got {other:?}"),
    }
    assert!(image.check().is_ok(), "{name}");
}

#[test]
fn the_jpeg_scan_gives_its_jpeg_bytes_for_page_one() {
    let image = only_image("acceptance-opinion-scan.pdf");
    let Image::Jpeg(bytes) = &image else {
        panic!("expected a JPEG, got {image:?}")
    };
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert!(bytes.ends_with(&[0xFF, 0xD9]), "the whole JPEG, up to its EOI marker");
    assert!(image.check().is_ok());
}

#[test]
fn the_gray_flate_scan_gives_gray_pixels_of_the_image_size() {
    let image = only_image("acceptance-opinion-scan-flate.pdf");
    assert!(matches!(image, Image::Gray { .. }), "{image:?}");
    assert_pixels(&image, "flate");
}

#[test]
fn the_colour_flate_scan_gives_rgb_pixels_of_the_image_size() {
    let image = only_image("acceptance-opinion-sealed-rgb.pdf");
    assert!(matches!(image, Image::Rgb { .. }), "{image:?}");
    assert_pixels(&image, "sealed rgb");
    // The seal's red ink is still there to be whitened.
    let Image::Rgb { data, .. } = &image else {
        unreachable!()
    };
    assert!(data.chunks_exact(3).any(|p| p[0] > 150 && p[1] < 100 && p[2] < 100));
}

#[test]
fn the_ofd_scan_gives_the_same_jpeg_as_the_pdf() {
    let ofd = only_image("acceptance-opinion-scan.ofd");
    assert!(matches!(ofd, Image::Jpeg(_)), "{ofd:?}");
    assert_eq!(ofd, only_image("acceptance-opinion-scan.pdf"));
}

#[test]
fn the_blank_and_warranty_scans_give_one_jpeg_each() {
    for name in ["blank-scan.pdf", "warranty-plan-scan.pdf"] {
        let image = only_image(name);
        assert!(matches!(image, Image::Jpeg(_)), "{name}: {image:?}");
    }
}

#[test]
fn no_page_is_asked_for_no_image_comes_back() {
    assert_eq!(images_of_n("acceptance-opinion-scan.pdf", 0), Vec::new());
    assert_eq!(images_of_n("acceptance-opinion-scan.ofd", 0), Vec::new());
}

fn images_of_n(name: &str, n: usize) -> Vec<PageImage> {
    let kind = if name.ends_with(".ofd") {
        FileKind::Ofd
    } else {
        FileKind::Pdf
    };
    page_images(&fixture(name), kind, n).unwrap()
}

#[test]
fn text_documents_have_no_page_images() {
    let pdf = support::pdf(&["竣工验收意见", "2023年6月15日"]);
    assert_eq!(page_images(&pdf, FileKind::Pdf, 10).unwrap(), Vec::new());
    let ofd = support::ofd(&["竣工验收意见", "2023年6月15日"]);
    assert_eq!(page_images(&ofd, FileKind::Ofd, 10).unwrap(), Vec::new());
}

#[test]
fn other_formats_are_unsupported() {
    let docx = support::docx(&["竣工验收意见"]);
    assert!(matches!(
        page_images(&docx, FileKind::Docx, 10),
        Err(DocError::Unsupported(_))
    ));
}

// ---------------------------------------------------------------------------------------------
// PDFs written here

/// A one-page PDF (595 × 842) whose resources name `/Im0` as an image XObject with these
/// dictionary entries and data, drawn by `content`.
fn pdf_with_image(dict: &str, data: &[u8], content: &str) -> Vec<u8> {
    let mut doc = DocBuilder::new(false);
    let im = doc.w.stream(&format!("/Type /XObject /Subtype /Image {dict}"), data);
    doc.page(&format!("<< /XObject << /Im0 {im} 0 R >> >>"), content.as_bytes());
    doc.finish()
}

const FULL_PAGE: &str = "q 595 0 0 842 0 0 cm /Im0 Do Q";

fn zlib(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn pdf_images(pdf: &[u8]) -> Vec<PageImage> {
    page_images(pdf, FileKind::Pdf, 10).unwrap()
}

fn gray_dict(width: u64, height: u64) -> String {
    format!("/Width {width} /Height {height} /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /FlateDecode")
}

#[test]
fn a_small_image_is_not_a_scan() {
    let data = zlib(&[128; 16]);
    let pdf = pdf_with_image(&gray_dict(4, 4), &data, "q 200 0 0 300 0 0 cm /Im0 Do Q");
    assert_eq!(pdf_images(&pdf), Vec::new());
}

#[test]
fn coverage_follows_the_transformation_into_forms() {
    // A form scaled by half in x draws the image over the whole form: half of the page.
    let mut doc = DocBuilder::new(false);
    let im = doc.w.stream(
        "/Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0, 64, 128, 255],
    );
    let form = doc.w.stream(
        &format!("/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /XObject << /Im0 {im} 0 R >> >>"),
        b"q 595 0 0 842 0 0 cm /Im0 Do Q",
    );
    doc.page(
        &format!("<< /XObject << /Fm0 {form} 0 R >> >>"),
        b"q 0.5 0 0 1 0 0 cm /Fm0 Do Q",
    );
    let found = pdf_images(&doc.finish());
    assert_eq!(found.len(), 1, "{found:?}");
    assert!((found[0].coverage - 0.5).abs() < 1e-6, "{}", found[0].coverage);
    assert_eq!(
        found[0].image,
        Image::Gray {
            width: 2,
            height: 2,
            data: vec![0, 64, 128, 255]
        }
    );
}

#[test]
fn the_largest_image_of_a_page_is_the_one_returned() {
    let mut doc = DocBuilder::new(false);
    let small = doc.w.stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[7],
    );
    let large = doc.w.stream(
        "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceRGB /BitsPerComponent 8",
        &[1, 2, 3],
    );
    doc.page(
        &format!("<< /XObject << /A {small} 0 R /B {large} 0 R >> >>"),
        b"q 100 0 0 100 0 0 cm /A Do Q q 595 0 0 842 0 0 cm /B Do Q q 50 0 0 50 0 0 cm /A Do Q",
    );
    let found = pdf_images(&doc.finish());
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].image,
        Image::Rgb {
            width: 1,
            height: 1,
            data: vec![1, 2, 3]
        }
    );
}

#[test]
fn only_the_pages_asked_for_are_read_and_numbered_from_one() {
    let mut doc = DocBuilder::new(false);
    for shade in [10u8, 20, 30] {
        let im = doc.w.stream(
            "/Type /XObject /Subtype /Image /Width 1 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 8",
            &[shade],
        );
        doc.page(&format!("<< /XObject << /Im0 {im} 0 R >> >>"), FULL_PAGE.as_bytes());
    }
    let pdf = doc.finish();
    let found = page_images(&pdf, FileKind::Pdf, 2).unwrap();
    let pages: Vec<(u32, Image)> = found.into_iter().map(|p| (p.page, p.image)).collect();
    let gray = |v: u8| Image::Gray {
        width: 1,
        height: 1,
        data: vec![v],
    };
    assert_eq!(pages, vec![(1, gray(10)), (2, gray(20))]);
}

#[test]
fn png_predictors_are_undone() {
    // Two rows of three gray pixels, PNG Up and Sub filters.
    let raw = [2u8, 10, 20, 30, 1, 40, 5, 5];
    let dict = format!(
        "{} /DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns 3 >>",
        gray_dict(3, 2)
    );
    let found = pdf_images(&pdf_with_image(&dict, &zlib(&raw), FULL_PAGE));
    assert_eq!(
        found[0].image,
        Image::Gray {
            width: 3,
            height: 2,
            data: vec![10, 20, 30, 40, 45, 50]
        }
    );
}

#[test]
fn one_bit_images_become_bilevel_with_set_bits_black() {
    // DeviceGray 1 bit: 0 is black, so the bits are flipped; /Decode [1 0] keeps them.
    let dict = "/Width 8 /Height 1 /ColorSpace /DeviceGray /BitsPerComponent 1";
    let found = pdf_images(&pdf_with_image(dict, &[0b1111_0000], FULL_PAGE));
    assert_eq!(
        found[0].image,
        Image::Bilevel {
            width: 8,
            height: 1,
            data: vec![0b0000_1111]
        }
    );
    let dict = "/Width 8 /Height 1 /ImageMask true /Decode [1 0]";
    let found = pdf_images(&pdf_with_image(dict, &[0b1111_0000], FULL_PAGE));
    assert_eq!(
        found[0].image,
        Image::Bilevel {
            width: 8,
            height: 1,
            data: vec![0b1111_0000]
        }
    );
}

#[test]
fn indexed_and_icc_images_are_expanded() {
    let dict = "/Width 2 /Height 1 /ColorSpace [/Indexed /DeviceRGB 1 <FF000000FF00>] /BitsPerComponent 8";
    let found = pdf_images(&pdf_with_image(dict, &[1, 0], FULL_PAGE));
    assert_eq!(
        found[0].image,
        Image::Rgb {
            width: 2,
            height: 1,
            data: vec![0, 255, 0, 255, 0, 0]
        }
    );
    let mut doc = DocBuilder::new(false);
    let icc = doc.w.stream("/N 1", b"not really a profile");
    let im = doc.w.stream(
        &format!(
            "/Type /XObject /Subtype /Image /Width 2 /Height 1 /ColorSpace [/ICCBased {icc} 0 R] /BitsPerComponent 8"
        ),
        &[9, 99],
    );
    doc.page(&format!("<< /XObject << /Im0 {im} 0 R >> >>"), FULL_PAGE.as_bytes());
    let found = pdf_images(&doc.finish());
    assert_eq!(
        found[0].image,
        Image::Gray {
            width: 2,
            height: 1,
            data: vec![9, 99]
        }
    );
}

// Hostile images: each gives no image and no panic.

#[test]
fn an_image_whose_data_is_shorter_than_declared_gives_nothing() {
    let pdf = pdf_with_image(&gray_dict(100, 100), &zlib(&[0; 9_999]), FULL_PAGE);
    assert_eq!(pdf_images(&pdf), Vec::new());
    let truncated = zlib(&[0; 10_000]);
    let pdf = pdf_with_image(&gray_dict(100, 100), &truncated[..truncated.len() / 2], FULL_PAGE);
    assert_eq!(pdf_images(&pdf), Vec::new());
    let pdf = pdf_with_image(
        "/Width 100 /Height 100 /ColorSpace /DeviceRGB /BitsPerComponent 8",
        &[0; 100 * 100 * 3 - 1],
        FULL_PAGE,
    );
    assert_eq!(pdf_images(&pdf), Vec::new());
}

#[test]
fn an_image_whose_width_times_height_overflows_gives_nothing() {
    for (w, h) in [
        (4_294_967_295u64, 4_294_967_295u64),
        (18_446_744_073_709_551_615, 2),
        (0, 5),
    ] {
        let pdf = pdf_with_image(&gray_dict(w, h), &zlib(&[0; 64]), FULL_PAGE);
        assert_eq!(pdf_images(&pdf), Vec::new(), "{w}×{h}");
    }
    let pdf = pdf_with_image(
        "/Width -3 /Height -3 /ColorSpace /DeviceGray /BitsPerComponent 8",
        &[0; 9],
        FULL_PAGE,
    );
    assert_eq!(pdf_images(&pdf), Vec::new());
}

#[test]
fn an_image_of_a_huge_declared_size_gives_nothing_without_decoding_it() {
    // 200 000 × 200 000 gray is 40 000 megapixels; the data is a bomb of zeros.
    let bomb = zlib(&vec![0u8; 64 << 20]);
    let pdf = pdf_with_image(&gray_dict(200_000, 200_000), &bomb, FULL_PAGE);
    assert_eq!(pdf_images(&pdf), Vec::new());
    // Within the pixel limit but the data inflates past what the dimensions say.
    let pdf = pdf_with_image(&gray_dict(1_000, 1_000), &bomb, FULL_PAGE);
    assert_eq!(pdf_images(&pdf), Vec::new());
}

#[test]
fn broken_fax_jbig2_and_false_jpeg_images_give_nothing() {
    for dict in [
        // Coded 1728 columns wide (the default /Columns) for an image 8 wide.
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode",
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /CCITTFaxDecode /DecodeParms << /K -1 /Columns 8 /Rows 9 >>",
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 1 /Filter /JBIG2Decode",
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /DCTDecode",
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 8 /Filter /JPXDecode",
        "/Width 8 /Height 8 /ColorSpace /Pattern /BitsPerComponent 8",
        "/Width 8 /Height 8 /ColorSpace /DeviceGray /BitsPerComponent 7",
    ] {
        let pdf = pdf_with_image(dict, &[0x55; 64], FULL_PAGE);
        assert_eq!(pdf_images(&pdf), Vec::new(), "{dict}");
    }
}

/// sha256 of bytes, in hex.
fn sha256(data: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(data).iter().map(|b| format!("{b:02x}")).collect()
}

/// A bilevel image's size, black pixels and the sha256 of its packed rows.
fn bilevel_summary(image: &Image) -> (u32, u32, u32, String) {
    let Image::Bilevel { width, height, data } = image else {
        panic!("expected a bilevel image, got {image:?}");
    };
    let black = data.iter().map(|b| b.count_ones()).sum();
    (*width, *height, black, sha256(data))
}

/// A scan written by libtiff's tiff2pdf, Group 4 fax (`/K -1`, no `/BlackIs1`): decoded to the
/// same pixels as poppler's decoder gives (`pdfimages -png`, compared bit for bit when the
/// fixture was made; the digest pins it).
#[test]
fn a_group_4_fax_scan_decodes_to_the_pixels_poppler_gives() {
    let image = only_image("opinion-ccitt-g4-tiff2pdf.pdf");
    assert_eq!(
        bilevel_summary(&image),
        (
            1654,
            2339,
            101_143,
            "1991d2e6c8dd922750ed68a6ff4e33fb18abb925223a557594d59774d9d8fdd3".to_string()
        )
    );
}

/// A real JBIG2 image (pdfminer.six's sample: a stencil mask with global segments in
/// `/JBIG2Globals`), decoded to the same pixels as poppler's decoder gives.
#[test]
fn a_jbig2_image_with_globals_decodes_to_the_pixels_poppler_gives() {
    let found = images_of("pdfminer-pdf-with-jbig2.pdf");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        bilevel_summary(&found[0].image),
        (
            3296,
            2551,
            62_742,
            "4a4bf4fb90a29325a1d40e1cfebd86985d2fa3091df7be9aeae92000f06ba2bb".to_string()
        )
    );
}

/// A JPEG 2000 scan written by img2pdf from OpenJPEG's `opj_compress`: kept as its JP2 bytes
/// and decoded to the same RGB pixels as poppler (through OpenJPEG) gives.
#[test]
fn a_jpeg_2000_scan_decodes_to_the_pixels_poppler_gives() {
    let image = only_image("opinion-jpx-img2pdf.pdf");
    assert!(matches!(image, Image::Jpx(_)), "{image:?}");
    let r = image.decode().expect("decoded");
    assert_eq!((r.width, r.height, r.channels), (1241, 1754, 3));
    assert_eq!(
        sha256(&r.data),
        "8dcd1102e3c1de0c841dae37c154527cf96a91786e79a18404f100f6839491a8"
    );
    // Cut short or broken inside, it is a bad image or what could be decoded, never a panic
    // (the test fails on one).
    let Image::Jpx(bytes) = image else { unreachable!() };
    for n in [bytes.len() / 3, 200, 60] {
        let _ = Image::Jpx(bytes[..n].to_vec()).decode();
    }
    let mut broken = bytes.clone();
    for b in broken.iter_mut().skip(300).step_by(97) {
        *b ^= 0x5a;
    }
    let _ = Image::Jpx(broken).decode();
}

// ---------------------------------------------------------------------------------------------
// OFDs written here

/// A one-page OFD whose page draws the resource `5` over `boundary`; `DocumentRes.xml` names
/// `Res/<file>`, which holds `data`.
fn ofd_with_image(file: &str, data: &[u8], boundary: &str) -> Vec<u8> {
    const NS: &str = "http://www.ofdspec.org/2016";
    let parts: Vec<(String, Vec<u8>)> = vec![
        (
            "OFD.xml".into(),
            format!(r#"<ofd:OFD xmlns:ofd="{NS}"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#).into_bytes(),
        ),
        (
            "Doc_0/Document.xml".into(),
            format!(
                concat!(
                    r#"<ofd:Document xmlns:ofd="{ns}"><ofd:CommonData><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox></ofd:PageArea>"#,
                    "<ofd:DocumentRes>DocumentRes.xml</ofd:DocumentRes></ofd:CommonData>",
                    r#"<ofd:Pages><ofd:Page ID="1" BaseLoc="Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
                ),
                ns = NS
            )
            .into_bytes(),
        ),
        (
            "Doc_0/DocumentRes.xml".into(),
            format!(
                r#"<ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:MultiMedias><ofd:MultiMedia ID="5" Type="Image"><ofd:MediaFile>{file}</ofd:MediaFile></ofd:MultiMedia></ofd:MultiMedias></ofd:Res>"#
            )
            .into_bytes(),
        ),
        (
            "Doc_0/Pages/Page_0/Content.xml".into(),
            format!(
                r#"<ofd:Page xmlns:ofd="{NS}"><ofd:Content><ofd:Layer ID="2"><ofd:ImageObject ID="3" ResourceID="5" Boundary="{boundary}" CTM="210 0 0 297 0 0"/></ofd:Layer></ofd:Content></ofd:Page>"#
            )
            .into_bytes(),
        ),
        ("Doc_0/Res/image.bin".into(), data.to_vec()),
    ];
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, body) in parts {
        let name = if name == "Doc_0/Res/image.bin" {
            format!("Doc_0/Res/{file}")
        } else {
            name
        };
        out.start_file(name, zip::write::SimpleFileOptions::default()).unwrap();
        out.write_all(&body).unwrap();
    }
    out.finish().unwrap().into_inner()
}

fn png(width: u32, height: u32, color: u8, raw: &[u8]) -> Vec<u8> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut chunk = |kind: &[u8], body: &[u8]| {
        out.extend_from_slice(&(body.len() as u32).to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(body);
        out.extend_from_slice(&[0, 0, 0, 0]);
    };
    let mut ihdr = width.to_be_bytes().to_vec();
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, color, 0, 0, 0]);
    chunk(b"IHDR", &ihdr);
    chunk(b"IDAT", &zlib(raw));
    chunk(b"IEND", &[]);
    out
}

fn image_fixture(name: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/images").join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// An OFD page stored as a TIFF (fax G4, tiled big-endian Deflate, the first of two pages, JPEG)
/// or a BMP (1-bit, RLE palette) is that page, decoded as the file alone decodes; the file's
/// name says nothing, its first bytes do. A broken one is left out and the document still read.
#[test]
fn an_ofd_page_stored_as_a_tiff_or_a_bmp_is_read_as_that_page() {
    use pingshen::extract::{bmp, tiff};
    for (name, expected) in [
        (
            "opinion-bilevel-g4.tif",
            tiff::decode_tiff(&image_fixture("opinion-bilevel-g4.tif")),
        ),
        (
            "seal-rgb-deflate-tiled-bigendian.tif",
            tiff::decode_tiff(&image_fixture("seal-rgb-deflate-tiled-bigendian.tif")),
        ),
        (
            "opinion-two-pages.tif",
            tiff::decode_tiff(&image_fixture("opinion-bilevel-g4.tif")),
        ),
        (
            "opinion-gray-jpeg.tif",
            tiff::decode_tiff(&image_fixture("opinion-gray-jpeg.tif")),
        ),
        (
            "opinion-bilevel.bmp",
            bmp::decode_bmp(&image_fixture("opinion-bilevel.bmp")),
        ),
        (
            "seal-palette-rle.bmp",
            bmp::decode_bmp(&image_fixture("seal-palette-rle.bmp")),
        ),
    ] {
        let expected = expected.unwrap();
        let ofd = ofd_with_image("image_5.bin", &image_fixture(name), "0 0 210 297");
        let found = page_images(&ofd, FileKind::Ofd, 10).unwrap();
        assert_eq!(found.len(), 1, "{name}");
        assert_eq!(found[0].page, 1);
        assert_eq!(found[0].image, expected, "{name}");
    }
    let mut broken = image_fixture("opinion-gray-lzw-predictor.tif");
    broken.truncate(broken.len() / 2);
    let ofd = ofd_with_image("p.tif", &broken, "0 0 210 297");
    assert_eq!(page_images(&ofd, FileKind::Ofd, 10).unwrap(), Vec::new());
    let ofd = ofd_with_image("p.bmp", b"BM\0\0\0\0", "0 0 210 297");
    assert_eq!(page_images(&ofd, FileKind::Ofd, 10).unwrap(), Vec::new());
}

#[test]
fn an_ofd_png_scan_is_decoded_to_pixels() {
    // 2×2 RGB, rows with filter None.
    let raw = [0, 1, 2, 3, 4, 5, 6, 0, 7, 8, 9, 10, 11, 12];
    let ofd = ofd_with_image("page.png", &png(2, 2, 2, &raw), "0 0 210 297");
    let found = page_images(&ofd, FileKind::Ofd, 10).unwrap();
    assert_eq!(found.len(), 1);
    assert_eq!(
        found[0].image,
        Image::Rgb {
            width: 2,
            height: 2,
            data: (1..=12).collect()
        }
    );
}

/// An OFD whose page image is a JBIG2 file (`.jb2`, how OFD writers store black-and-white
/// scans): the file is made of pdfminer.six's JBIG2 sample — a file header, then its global
/// segments and its page's segments in sequence — and decodes to the same pixels as the PDF.
#[test]
fn an_ofd_jbig2_scan_is_decoded_to_the_pixels_of_the_same_stream_in_a_pdf() {
    let doc = lopdf::Document::load_mem(&fixture("pdfminer-pdf-with-jbig2.pdf")).unwrap();
    let content = |id: u32| doc.get_object((id, 0)).unwrap().as_stream().unwrap().content.clone();
    // Sequential organisation, number of pages unknown (flags 0b11): no page count follows.
    let mut jb2 = vec![0x97, b'J', b'B', b'2', 0x0D, 0x0A, 0x1A, 0x0A, 0b11];
    jb2.extend(content(5)); // /JBIG2Globals
    jb2.extend(content(6)); // the image's stream
    let ofd = ofd_with_image("page.jb2", &jb2, "0 0 210 297");
    let found = page_images(&ofd, FileKind::Ofd, 10).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        bilevel_summary(&found[0].image),
        bilevel_summary(&only_image_any("pdfminer-pdf-with-jbig2.pdf"))
    );
    // Cut short: what was decoded, or nothing, never a panic.
    let cut = ofd_with_image("page.jb2", &jb2[..jb2.len() / 2], "0 0 210 297");
    assert!(page_images(&cut, FileKind::Ofd, 10).is_ok());
}

/// The one page image of a file, whatever share of its page it covers.
fn only_image_any(name: &str) -> Image {
    let mut found = images_of(name);
    assert_eq!(found.len(), 1, "{name}: {found:?}");
    found.remove(0).image
}

#[test]
fn an_ofd_image_covering_a_quarter_of_the_page_is_not_a_scan() {
    let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0, 0xFF, 0xD9];
    let ofd = ofd_with_image("page.jpg", &jpeg, "0 0 105 148.5");
    assert_eq!(page_images(&ofd, FileKind::Ofd, 10).unwrap(), Vec::new());
    let ofd = ofd_with_image("page.jpg", &jpeg, "0 0 210 297");
    let found = page_images(&ofd, FileKind::Ofd, 10).unwrap();
    assert_eq!(found.len(), 1);
    assert!((found[0].coverage - 1.0).abs() < 1e-9);
    assert_eq!(found[0].image, Image::Jpeg(jpeg.to_vec()));
}

#[test]
fn hostile_ofd_images_give_nothing() {
    let huge = png(200_000, 200_000, 0, &vec![0u8; 1 << 20]);
    let short = png(100, 100, 0, &[0u8; 100]);
    for (file, data) in [
        ("huge.png", huge),
        ("short.png", short),
        ("page.tif", b"II*\0 not an image".to_vec()),
        ("page.jpg", b"not a jpeg at all".to_vec()),
    ] {
        let ofd = ofd_with_image(file, &data, "0 0 210 297");
        assert_eq!(page_images(&ofd, FileKind::Ofd, 10).unwrap(), Vec::new(), "{file}");
    }
}

// ---------------------------------------------------------------------------------------------
// OCR of the extracted images

#[test]
fn the_extracted_scans_read_the_acceptance_date() {
    let engine = match Engine::detect() {
        Ok(engine) => engine,
        Err(e) => {
            println!("skipped: tesseract with chi_sim not installed ({e})");
            return;
        }
    };
    for name in [
        "acceptance-opinion-scan.pdf",
        "acceptance-opinion-scan-flate.pdf",
        "acceptance-opinion-sealed-rgb.pdf",
        "acceptance-opinion-scan.ofd",
    ] {
        let image = only_image(name);
        let page = engine
            .recognize(&image, Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let text = page.text();
        assert!(text.contains(DATE), "{name}: {DATE} not in\n{text}");
    }
}
