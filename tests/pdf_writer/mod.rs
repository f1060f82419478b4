//! A small PDF writer for test fixtures: numbered objects, streams stored plain or
//! Flate-compressed, a classic cross-reference table with correct offsets, and a trailer with an
//! /ID (which encryption needs).
#![allow(dead_code)]

use std::io::Write as _;

/// Objects of one PDF file, numbered from 1.
#[derive(Debug, Default, Clone)]
pub struct PdfWriter {
    objects: Vec<Option<Vec<u8>>>,
    compress: bool,
}

impl PdfWriter {
    /// A writer; `compress` stores streams with /FlateDecode.
    pub fn new(compress: bool) -> Self {
        PdfWriter {
            objects: Vec::new(),
            compress,
        }
    }

    /// Reserves an object number to fill later with [`PdfWriter::set`] or
    /// [`PdfWriter::set_stream`].
    pub fn reserve(&mut self) -> u32 {
        self.objects.push(None);
        self.objects.len() as u32
    }

    /// Sets the body of object `id` (the text between `obj` and `endobj`).
    pub fn set(&mut self, id: u32, body: impl AsRef<[u8]>) {
        self.objects[id as usize - 1] = Some(body.as_ref().to_vec());
    }

    /// Adds an object and returns its number.
    pub fn add(&mut self, body: impl AsRef<[u8]>) -> u32 {
        let id = self.reserve();
        self.set(id, body);
        id
    }

    /// Sets object `id` to a stream; `dict` holds extra dictionary entries (without `<< >>`).
    pub fn set_stream(&mut self, id: u32, dict: &str, data: &[u8]) {
        let (data, filter) = if self.compress {
            let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
            e.write_all(data).expect("write to memory");
            (e.finish().expect("finish in memory"), " /Filter /FlateDecode")
        } else {
            (data.to_vec(), "")
        };
        let mut body = format!("<< {dict} /Length {}{filter} >>\nstream\n", data.len()).into_bytes();
        body.extend_from_slice(&data);
        body.extend_from_slice(b"\nendstream");
        self.set(id, body);
    }

    /// Adds a stream and returns its number.
    pub fn stream(&mut self, dict: &str, data: &[u8]) -> u32 {
        let id = self.reserve();
        self.set_stream(id, dict, data);
        id
    }

    /// The file, with `root` as the catalog. Unset objects are written as `null`.
    pub fn finish(&self, root: u32) -> Vec<u8> {
        let mut out = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n".to_vec();
        let mut offsets = Vec::with_capacity(self.objects.len());
        for (i, body) in self.objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body.as_deref().unwrap_or(b"null"));
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", self.objects.len() + 1).as_bytes());
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root {root} 0 R /ID [<0123456789ABCDEF0123456789ABCDEF> <0123456789ABCDEF0123456789ABCDEF>] >>\nstartxref\n{xref}\n%%EOF\n",
                self.objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }
}

/// A document of pages on one /Pages node: each page is (resources, content).
#[derive(Debug)]
pub struct DocBuilder {
    pub w: PdfWriter,
    pages_id: u32,
    kids: Vec<u32>,
    /// The page size (MediaBox width and height).
    pub size: (f64, f64),
}

impl DocBuilder {
    pub fn new(compress: bool) -> Self {
        let mut w = PdfWriter::new(compress);
        let pages_id = w.reserve();
        DocBuilder {
            w,
            pages_id,
            kids: Vec::new(),
            size: (595.0, 842.0),
        }
    }

    /// Adds a page; `resources` is a dictionary (`<< … >>`) or a reference (`5 0 R`); `extra`
    /// adds entries to the page dictionary.
    pub fn page_with(&mut self, resources: &str, content: &[u8], extra: &str) -> u32 {
        let c = self.w.stream("", content);
        let (w, h) = self.size;
        let p = self.w.add(format!(
            "<< /Type /Page /Parent {} 0 R /MediaBox [0 0 {w} {h}] /Resources {resources} /Contents {c} 0 R {extra} >>",
            self.pages_id
        ));
        self.kids.push(p);
        p
    }

    pub fn page(&mut self, resources: &str, content: &[u8]) -> u32 {
        self.page_with(resources, content, "")
    }

    pub fn finish(mut self) -> Vec<u8> {
        let kids: Vec<String> = self.kids.iter().map(|k| format!("{k} 0 R")).collect();
        self.w.set(
            self.pages_id,
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                self.kids.len()
            ),
        );
        let root = self.w.add(format!("<< /Type /Catalog /Pages {} 0 R >>", self.pages_id));
        self.w.finish(root)
    }
}
