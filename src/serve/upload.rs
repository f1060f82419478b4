//! What a `POST /v1/check` carries: its query, its content type, and its body streamed to a
//! private temporary file (never into memory whole), with the SHA-256 computed on the way.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::Multipart;
use http_body_util::BodyExt;
use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;

use crate::schema::StageId;

/// The name a package gets when the request names none.
pub const DEFAULT_NAME: &str = "package.zip";

/// How the verdict is answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AnswerFormat {
    Json,
    Html,
}

/// The query of `POST /v1/check`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CheckQuery {
    pub stage: Option<StageId>,
    pub name: Option<String>,
    pub format: Option<AnswerFormat>,
}

/// Parses the query string; every key is known and given once, every value valid. The error
/// says what is wrong, for a `400`.
pub fn parse_query(raw: Option<&str>) -> Result<CheckQuery, String> {
    let mut q = CheckQuery::default();
    let mut seen: Vec<String> = Vec::new();
    for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
        if seen.iter().any(|s| *s == k) {
            return Err(format!("query parameter `{k}` is given twice"));
        }
        seen.push(k.to_string());
        match k.as_ref() {
            "stage" => {
                q.stage = Some(StageId::parse(&v).ok_or_else(|| {
                    format!("stage `{v}` is not one of plan, addition, review, commissioning, performance")
                })?)
            }
            "name" => q.name = Some(check_name(&v)?),
            "format" => {
                q.format = Some(match v.as_ref() {
                    "json" => AnswerFormat::Json,
                    "html" => AnswerFormat::Html,
                    _ => return Err(format!("format `{v}` is not json or html")),
                })
            }
            _ => return Err(format!("unknown query parameter `{k}` (stage, name, format)")),
        }
    }
    Ok(q)
}

/// An archive's file name as a client gives it: one path component, so it can never name a
/// place on the server. Its words may decide the stage (SPEC §2), so it is kept as given.
pub fn check_name(name: &str) -> Result<String, String> {
    let bad = name.is_empty()
        || name == "."
        || name == ".."
        || name.len() > 255
        || name.chars().any(|c| c == '/' || c == '\\' || c.is_control());
    if bad {
        return Err(format!(
            "name {name:?} is not a file name (1-255 bytes, no `/`, `\\` or control characters, not `.` or `..`)"
        ));
    }
    Ok(name.to_string())
}

/// The body's kind, from `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyKind {
    /// The archive itself (`application/zip`, `application/x-zip-compressed`,
    /// `application/octet-stream`).
    Raw,
    /// A form upload from the page (`multipart/form-data`): the first part with a file.
    Multipart,
}

pub fn body_kind(content_type: Option<&str>) -> Option<BodyKind> {
    let ct = content_type?;
    let essence = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/zip" | "application/x-zip-compressed" | "application/octet-stream" => Some(BodyKind::Raw),
        "multipart/form-data" => Some(BodyKind::Multipart),
        _ => None,
    }
}

/// Why a body could not be received.
#[derive(Debug)]
pub enum UploadError {
    /// The client was too slow or stopped sending.
    TimedOut,
    /// The body was longer than allowed (a multipart part, or a body past its length).
    TooLarge,
    /// The client's body was malformed (a broken multipart form, no file in it).
    Bad(String),
    /// This side failed to store it.
    Store(std::io::Error),
}

/// A body stored on disk, with its digest and the name it came with (multipart).
pub struct Stored {
    pub path: PathBuf,
    pub sha256: String,
}

/// How long a body may take: a minimum rate past a fixed allowance, and never a gap longer than
/// `idle` between two pieces.
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub idle: Duration,
    pub deadline: Instant,
}

impl Pace {
    /// `idle` between pieces; the whole body within `idle` plus its length at 64 KiB/s.
    pub fn for_length(idle: Duration, length: u64) -> Pace {
        let at_rate = Duration::from_secs(length / (64 * 1024));
        Pace {
            idle,
            deadline: Instant::now() + idle + at_rate,
        }
    }

    fn wait(&self) -> Duration {
        self.idle.min(self.deadline.saturating_duration_since(Instant::now()))
    }
}

/// A private folder for one request's upload, removed with everything in it when dropped.
pub struct Scratch {
    dir: PathBuf,
}

impl Scratch {
    pub fn new(parent: &Path, id: u64) -> std::io::Result<Scratch> {
        let dir = parent.join(format!("r{id}"));
        std::fs::create_dir(&dir)?;
        Ok(Scratch { dir })
    }

    pub fn file(&self, name: &str) -> PathBuf {
        self.dir.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Writes pieces to a file, hashing and counting them.
struct Sink {
    file: tokio::fs::File,
    path: PathBuf,
    hash: Sha256,
    bytes: u64,
    limit: u64,
}

impl Sink {
    async fn create(path: PathBuf, limit: u64) -> Result<Sink, UploadError> {
        let file = tokio::fs::File::create(&path).await.map_err(UploadError::Store)?;
        Ok(Sink {
            file,
            path,
            hash: Sha256::new(),
            bytes: 0,
            limit,
        })
    }

    async fn write(&mut self, data: &[u8]) -> Result<(), UploadError> {
        self.bytes += data.len() as u64;
        if self.bytes > self.limit {
            return Err(UploadError::TooLarge);
        }
        self.hash.update(data);
        self.file.write_all(data).await.map_err(UploadError::Store)
    }

    async fn finish(mut self) -> Result<Stored, UploadError> {
        self.file.flush().await.map_err(UploadError::Store)?;
        let sha256 = self.hash.finalize().iter().map(|b| format!("{b:02x}")).collect();
        Ok(Stored {
            path: self.path,
            sha256,
        })
    }
}

/// Streams a raw body into `path`.
pub async fn store_raw(mut body: Body, path: PathBuf, limit: u64, pace: Pace) -> Result<Stored, UploadError> {
    let mut sink = Sink::create(path, limit).await?;
    loop {
        let frame = tokio::time::timeout(pace.wait(), body.frame())
            .await
            .map_err(|_| UploadError::TimedOut)?;
        match frame {
            None => break,
            Some(Err(e)) => return Err(UploadError::Bad(format!("the body could not be read: {e}"))),
            Some(Ok(f)) => {
                if let Ok(data) = f.into_data() {
                    sink.write(&data).await?;
                }
            }
        }
    }
    sink.finish().await
}

/// Streams the first file of a multipart form into the scratch folder, under the name the form
/// gives it (unless `name` is already chosen). Returns the stored file and its name.
pub async fn store_multipart(
    mut form: Multipart,
    scratch: &Scratch,
    name: Option<String>,
    limit: u64,
    pace: Pace,
) -> Result<(Stored, String), UploadError> {
    loop {
        let field = tokio::time::timeout(pace.wait(), form.next_field())
            .await
            .map_err(|_| UploadError::TimedOut)?
            .map_err(|e| UploadError::Bad(format!("the form could not be read: {e}")))?;
        let Some(mut field) = field else {
            return Err(UploadError::Bad("the form holds no file".into()));
        };
        let Some(form_name) = field.file_name().map(str::to_string) else {
            continue;
        };
        let name = match name {
            Some(n) => n,
            None => check_name(base_name(&form_name)).map_err(UploadError::Bad)?,
        };
        let mut sink = Sink::create(scratch.file(&name), limit).await?;
        loop {
            let chunk = tokio::time::timeout(pace.wait(), field.chunk())
                .await
                .map_err(|_| UploadError::TimedOut)?
                .map_err(|e| UploadError::Bad(format!("the form could not be read: {e}")))?;
            match chunk {
                Some(data) => sink.write(&data).await?,
                None => break,
            }
        }
        return Ok((sink.finish().await?, name));
    }
}

/// The last component of a name a browser sent (some send a whole Windows path).
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_query_is_parsed_strictly() {
        let q = parse_query(Some("stage=commissioning&name=%E9%AA%8C%E6%94%B6.zip&format=html")).unwrap();
        assert_eq!(q.stage, Some(StageId::Commissioning));
        assert_eq!(q.name.as_deref(), Some("验收.zip"));
        assert_eq!(q.format, Some(AnswerFormat::Html));
        assert_eq!(parse_query(None).unwrap(), CheckQuery::default());
        assert!(parse_query(Some("stage=acceptance")).unwrap_err().contains("stage"));
        assert!(parse_query(Some("format=xml")).unwrap_err().contains("format"));
        assert!(parse_query(Some("stgae=plan")).unwrap_err().contains("unknown"));
        assert!(parse_query(Some("stage=plan&stage=review"))
            .unwrap_err()
            .contains("twice"));
    }

    #[test]
    fn a_name_never_names_a_path() {
        for bad in ["", ".", "..", "a/b.zip", "..\\x.zip", "/etc/passwd", "a\nb.zip", "a\0b"] {
            assert!(check_name(bad).is_err(), "{bad:?}");
        }
        assert!(check_name(&"x".repeat(256)).is_err());
        assert_eq!(check_name("项目 验收.zip").unwrap(), "项目 验收.zip");
        assert_eq!(base_name("C:\\Users\\a\\验收.zip"), "验收.zip");
    }

    #[test]
    fn content_types_are_told_apart() {
        assert_eq!(body_kind(Some("application/zip")), Some(BodyKind::Raw));
        assert_eq!(body_kind(Some("Application/Octet-Stream")), Some(BodyKind::Raw));
        assert_eq!(body_kind(Some("application/x-zip-compressed")), Some(BodyKind::Raw));
        assert_eq!(
            body_kind(Some("multipart/form-data; boundary=x")),
            Some(BodyKind::Multipart)
        );
        assert_eq!(body_kind(Some("text/plain")), None);
        assert_eq!(body_kind(None), None);
    }
}
