//! `pingshen serve`: reviews over HTTP for the systems that take verdicts in, and a page for
//! reviewers who drop a zip on it.
//!
//! The connection is hyper's (HTTP/1.1, with a time limit on reading the request head and a
//! graceful shutdown); routing and form uploads are axum's. A review runs in the same [`Pool`]
//! `batch` uses — supervised worker processes unless `--in-process` — so a package that aborts,
//! hangs or exhausts memory gets its `error` verdict and the service keeps answering.
//!
//! The API is versioned under `/v1` and described by `schemas/openapi.json` (served at
//! `/v1/openapi.json`). A package that was reviewed is always `200` with its verdict, byte for
//! byte what `pingshen check --format json` prints, even when the verdict is `error`. Faults of
//! the request itself get an RFC 9457 problem body: `400` a bad query or name, `401` a missing or
//! wrong token, `411` no length, `413` a body over `--max-body` (refused from `Content-Length`
//! before anything is read), `415` a content type that is not a zip or a form, `503` with
//! `Retry-After` when the queue is full or the service is shutting down.

mod metrics;
mod upload;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{FromRequest, Multipart, Path as UrlPath, RawQuery, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::pool::Pool;
use crate::schema::StageId;
use crate::worker::Format;
use metrics::Metrics;
use upload::{AnswerFormat, BodyKind, Pace, Scratch, UploadError};

/// The OpenAPI 3.1 description of the API.
pub const OPENAPI: &str = include_str!("../../schemas/openapi.json");
/// The page at `/`.
const PAGE: &str = include_str!("page.html");

/// How the service runs (the command line of `pingshen serve`).
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// Reviews at once.
    pub jobs: usize,
    /// Packages received and waiting for a review slot, past which a request gets `503`.
    pub queue: usize,
    /// The largest body accepted, in bytes.
    pub max_body: u64,
    /// The bearer token every API request must carry (`None`: no authentication).
    pub token: Option<String>,
    /// Time to send the request head, and the longest gap between two pieces of a body.
    pub read_timeout: Duration,
    /// Connections open at once; more wait to be accepted.
    pub max_connections: usize,
    /// Verdicts kept for identical bodies (0: none).
    pub cache_entries: usize,
    /// How long a shutdown waits for running reviews.
    pub drain: Duration,
    /// A line on stderr per answered review (`-v`): package name, sha256 prefix, stage,
    /// verdict, milliseconds, whether the cache answered.
    pub log_reviews: bool,
}

/// Binds `config.listen` (so a caller learns the port of `:0` before serving).
pub async fn bind(config: &ServeConfig) -> std::io::Result<TcpListener> {
    TcpListener::bind(config.listen).await
}

/// Everything a request handler shares.
struct Service {
    pool: Arc<Pool>,
    config: ServeConfig,
    /// Packages to review, taken by the dispatchers; waiting here is the queue.
    jobs: std::sync::mpsc::Sender<Job>,
    /// Requests admitted (reading their body, queued or being reviewed).
    admitted: AtomicUsize,
    /// Of those, being reviewed now.
    reviewing: Arc<AtomicUsize>,
    metrics: Metrics,
    cache: Mutex<Cache>,
    /// The private folder uploads are stored in.
    scratch: PathBuf,
    /// The same in memory (`/dev/shm`), for bodies up to [`IN_MEMORY`].
    scratch_memory: Option<PathBuf>,
    next_id: AtomicU64,
    ready: AtomicBool,
    draining: AtomicBool,
    /// What the OCR engine is, as `doctor` says (`None`: none available).
    ocr: serde_json::Value,
}

/// Bodies up to this size are stored in memory (a tmpfs) when the machine has one: creating and
/// removing a file on disk for every request cost the service a tenth of its throughput.
const IN_MEMORY: u64 = 4 << 20;

/// One package for a dispatcher: where it is, the stage asked for, and where its review goes.
struct Job {
    path: PathBuf,
    stage: Option<StageId>,
    done: tokio::sync::oneshot::Sender<(crate::pool::Reviewed, Duration)>,
}

/// Starts one dispatcher thread per review slot. Each takes the next queued package as soon as
/// its worker is free — as `batch`'s threads do — so no task wake-up stands between two reviews.
/// They end when the service (the last sender) is gone.
fn dispatchers(n: usize, pool: Arc<Pool>, reviewing: Arc<AtomicUsize>) -> std::sync::mpsc::Sender<Job> {
    let (tx, rx) = std::sync::mpsc::channel::<Job>();
    let rx = Arc::new(Mutex::new(rx));
    for i in 0..n.max(1) {
        let (rx, pool, reviewing) = (rx.clone(), pool.clone(), reviewing.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("review-{i}"))
            .spawn(move || loop {
                let job = match rx.lock() {
                    Ok(r) => r.recv(),
                    Err(_) => return,
                };
                let Ok(job) = job else { return };
                // A client that went away while its package waited is not reviewed.
                if job.done.is_closed() {
                    continue;
                }
                reviewing.fetch_add(1, Ordering::SeqCst);
                let started = Instant::now();
                let r = pool.review(&job.path, Format::Pretty, job.stage);
                reviewing.fetch_sub(1, Ordering::SeqCst);
                let _ = job.done.send((r, started.elapsed()));
            });
        if let Err(e) = spawned {
            eprintln!("pingshen serve: cannot start a review thread: {e}");
        }
    }
    tx
}

/// A private folder for uploads under `parent`, emptied of what an earlier run with this
/// process id left.
fn scratch_dir(parent: &std::path::Path) -> std::io::Result<PathBuf> {
    let dir = parent.join(format!("pingshen-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    make_private_dir(&dir)?;
    Ok(dir)
}

/// Runs the service on `listener` until SIGTERM or SIGINT (or `stop` resolves), then drains:
/// no new connection is accepted, running reviews finish (within `config.drain`), and it
/// returns. Workers are started before the service says it is ready.
pub async fn run(
    listener: TcpListener,
    pool: Pool,
    config: ServeConfig,
    stop: impl std::future::Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let scratch = scratch_dir(&std::env::temp_dir())?;
    let shm = std::path::Path::new("/dev/shm");
    let scratch_memory = shm.is_dir().then(|| scratch_dir(shm).ok()).flatten();
    let ocr = match (pool.options().ocr, crate::ocr::Engine::detect()) {
        (crate::OcrMode::Off, _) => serde_json::json!({"available": false, "why": "--ocr off"}),
        (_, Ok(e)) => serde_json::json!({"available": true, "engine": e.info()}),
        (_, Err(why)) => serde_json::json!({"available": false, "why": why.to_string()}),
    };
    let pool = Arc::new(pool);
    let reviewing = Arc::new(AtomicUsize::new(0));
    let svc = Arc::new(Service {
        jobs: dispatchers(config.jobs, pool.clone(), reviewing.clone()),
        admitted: AtomicUsize::new(0),
        reviewing,
        metrics: Metrics::default(),
        cache: Mutex::new(Cache::new(config.cache_entries)),
        scratch: scratch.clone(),
        scratch_memory: scratch_memory.clone(),
        next_id: AtomicU64::new(0),
        ready: AtomicBool::new(false),
        draining: AtomicBool::new(false),
        ocr,
        pool,
        config,
    });
    {
        let svc = svc.clone();
        tokio::task::spawn_blocking(move || match svc.pool.warm(svc.config.jobs.max(1)) {
            Ok(_) => svc.ready.store(true, Ordering::SeqCst),
            Err(f) => eprintln!("pingshen serve: workers could not start: {}", f.finding().message),
        });
    }
    let app = router(svc.clone());
    let connections = Arc::new(Semaphore::new(svc.config.max_connections.max(1)));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    let signals = shutdown_signal();
    let mut signals = std::pin::pin!(signals);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p { Ok(p) => p, Err(_) => break },
            _ = &mut stop => break,
            _ = &mut signals => break,
        };
        let (stream, _) = tokio::select! {
            a = listener.accept() => match a {
                Ok(a) => a,
                // Out of file descriptors and the like: wait a little rather than spin.
                Err(_) => { tokio::time::sleep(Duration::from_millis(50)).await; continue; }
            },
            _ = &mut stop => break,
            _ = &mut signals => break,
        };
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(svc.config.read_timeout)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
            drop(permit);
        });
    }
    drop(listener);
    svc.draining.store(true, Ordering::SeqCst);
    let _ = tokio::time::timeout(svc.config.drain, graceful.shutdown()).await;
    let _ = std::fs::remove_dir_all(&scratch);
    if let Some(d) = &scratch_memory {
        let _ = std::fs::remove_dir_all(d);
    }
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = tokio::signal::ctrl_c() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn make_private_dir(dir: &std::path::Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir(dir)
    }
}

fn router(svc: Arc<Service>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/v1/check", post(check))
        .route("/v1/rules", get(rules))
        .route("/v1/explain/{id}", get(explain))
        .route("/v1/schema", get(schema))
        .route("/v1/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics_text))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(svc.clone(), guard))
        .with_state(svc)
}

/// Authentication (every path but the page and the probes) and the request counter.
async fn guard(State(svc): State<Arc<Service>>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    let open = matches!(path, "/" | "/healthz" | "/readyz");
    let response = match &svc.config.token {
        Some(token) if !open && !authorized(req.headers(), token) => {
            let mut r = problem(
                StatusCode::UNAUTHORIZED,
                "this service needs `Authorization: Bearer <token>` (the token of --token-file)",
            );
            r.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            r
        }
        _ => next.run(req).await,
    };
    svc.metrics.request(response.status().as_u16());
    response
}

/// Whether the request carries the token, compared in constant time (over the SHA-256 of both,
/// so the length leaks nothing either).
fn authorized(headers: &HeaderMap, token: &str) -> bool {
    use sha2::{Digest, Sha256};
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let a = Sha256::digest(given.trim().as_bytes());
    let b = Sha256::digest(token.as_bytes());
    let diff = a.iter().zip(b.iter()).fold(0u8, |acc, (x, y)| acc | (x ^ y));
    diff == 0 && !given.is_empty()
}

/// An RFC 9457 problem: `application/problem+json` with type, title, status and detail.
fn problem(status: StatusCode, detail: &str) -> Response {
    let body = serde_json::json!({
        "type": "about:blank",
        "title": status.canonical_reason().unwrap_or("Error"),
        "status": status.as_u16(),
        "detail": detail,
    });
    let mut r = (status, body.to_string() + "\n").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    r
}

fn busy(detail: &str) -> Response {
    let mut r = problem(StatusCode::SERVICE_UNAVAILABLE, detail);
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    r
}

fn with_type(body: String, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

async fn not_found() -> Response {
    problem(StatusCode::NOT_FOUND, "no such resource (see /v1/openapi.json)")
}

async fn method_not_allowed() -> Response {
    problem(
        StatusCode::METHOD_NOT_ALLOWED,
        "this resource does not take that method",
    )
}

async fn page() -> Response {
    with_type(PAGE.to_string(), "text/html; charset=utf-8")
}

async fn openapi() -> Response {
    with_type(OPENAPI.to_string(), "application/json")
}

async fn schema() -> Response {
    with_type(crate::verdict::JSON_SCHEMA.to_string(), "application/schema+json")
}

async fn healthz() -> Response {
    with_type("{\"status\":\"up\"}\n".into(), "application/json")
}

async fn readyz(State(svc): State<Arc<Service>>) -> Response {
    let ready = svc.ready.load(Ordering::SeqCst) && !svc.draining.load(Ordering::SeqCst);
    let body = serde_json::json!({
        "ready": ready,
        "draining": svc.draining.load(Ordering::SeqCst),
        "jobs": svc.config.jobs,
        "isolation": match svc.pool.isolation() {
            crate::pool::Isolation::InProcess => "in-process",
            crate::pool::Isolation::Workers(_) => "workers",
        },
        "ocr": svc.ocr,
        "ruleset": svc.pool.reviewer().ruleset(),
    });
    let mut r = with_type(body.to_string() + "\n", "application/json");
    if !ready {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

async fn metrics_text(State(svc): State<Arc<Service>>) -> Response {
    let admitted = svc.admitted.load(Ordering::SeqCst);
    let reviewing = svc.reviewing.load(Ordering::SeqCst);
    let text = svc
        .metrics
        .render(admitted.saturating_sub(reviewing), reviewing, svc.pool.restarts());
    with_type(text, "text/plain; version=0.0.4; charset=utf-8")
}

/// `GET /v1/rules[?stage=]`: the checks, as JSON.
async fn rules(State(svc): State<Arc<Service>>, RawQuery(raw): RawQuery) -> Response {
    let mut stage = None;
    for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
        match (k.as_ref(), StageId::parse(&v)) {
            ("stage", Some(s)) => stage = Some(s),
            ("stage", None) => return problem(StatusCode::BAD_REQUEST, &format!("stage `{v}` is not a stage")),
            _ => {
                return problem(
                    StatusCode::BAD_REQUEST,
                    &format!("unknown query parameter `{k}` (stage)"),
                )
            }
        }
    }
    let body = crate::explain::rules_json(stage, &svc.pool.reviewer().ruleset());
    with_type(body.to_string() + "\n", "application/json")
}

/// `GET /v1/explain/{id}`: what a check id, material id or finding code means.
async fn explain(State(svc): State<Arc<Service>>, UrlPath(id): UrlPath<String>) -> Response {
    match crate::explain::explain_json(&id, &svc.pool.reviewer().schemas) {
        Some(body) => with_type(body.to_string() + "\n", "application/json"),
        None => problem(
            StatusCode::NOT_FOUND,
            &format!("{id}: no such check, material or finding code (see /v1/rules)"),
        ),
    }
}

/// Releases an admission when the request ends, however it ends.
struct Admission<'a>(&'a AtomicUsize);

impl Drop for Admission<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// `POST /v1/check`: reviews the package in the body.
async fn check(State(svc): State<Arc<Service>>, RawQuery(raw): RawQuery, req: Request) -> Response {
    let started = std::time::Instant::now();
    let query = match upload::parse_query(raw.as_deref()) {
        Ok(q) => q,
        Err(e) => return problem(StatusCode::BAD_REQUEST, &e),
    };
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let Some(kind) = upload::body_kind(content_type) else {
        return problem(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "send the zip as application/zip or application/octet-stream, or as a multipart/form-data upload",
        );
    };
    let length = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    // No length and no transfer coding is an empty body (RFC 9112 §6.3); a chunked body of
    // unknown length cannot be measured against --max-body before it is read.
    let length = match length {
        Some(n) => n,
        None if req.headers().contains_key(header::TRANSFER_ENCODING) => {
            return problem(
                StatusCode::LENGTH_REQUIRED,
                "the request needs a Content-Length (a chunked body cannot be checked against --max-body before it is read)",
            )
        }
        None => 0,
    };
    if length > svc.config.max_body {
        return problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!(
                "the body is {length} bytes, over the limit of {} bytes (--max-body)",
                svc.config.max_body
            ),
        );
    }
    if svc.draining.load(Ordering::SeqCst) {
        return busy("the service is shutting down");
    }
    let limit = svc.config.jobs.max(1) + svc.config.queue;
    if svc
        .admitted
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| (n < limit).then_some(n + 1))
        .is_err()
    {
        return busy(&format!(
            "{limit} packages are being reviewed or waiting (-j and --queue); try again"
        ));
    }
    let _admission = Admission(&svc.admitted);

    let id = svc.next_id.fetch_add(1, Ordering::Relaxed);
    let parent = match &svc.scratch_memory {
        Some(m) if length <= IN_MEMORY => m,
        _ => &svc.scratch,
    };
    let scratch = match Scratch::new(parent, id) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("pingshen serve: cannot make a folder for an upload: {e}");
            return busy("the upload cannot be stored now");
        }
    };
    let pace = Pace::for_length(svc.config.read_timeout, length);
    let stored = match kind {
        BodyKind::Raw => {
            let name = query.name.clone().unwrap_or_else(|| upload::DEFAULT_NAME.to_string());
            let path = scratch.file(&name);
            upload::store_raw(req.into_body(), path, svc.config.max_body, pace)
                .await
                .map(|s| (s, name))
        }
        BodyKind::Multipart => match Multipart::from_request(req, &()).await {
            Ok(form) => upload::store_multipart(form, &scratch, query.name.clone(), svc.config.max_body, pace).await,
            Err(e) => Err(UploadError::Bad(format!("the form could not be read: {e}"))),
        },
    };
    let (stored, name) = match stored {
        Ok(s) => s,
        Err(UploadError::TimedOut) => {
            return problem(StatusCode::REQUEST_TIMEOUT, "the body came too slowly or stopped")
        }
        Err(UploadError::TooLarge) => {
            return problem(StatusCode::PAYLOAD_TOO_LARGE, "the body is over the limit (--max-body)")
        }
        Err(UploadError::Bad(e)) => return problem(StatusCode::BAD_REQUEST, &e),
        Err(UploadError::Store(e)) => {
            eprintln!("pingshen serve: cannot store an upload: {e}");
            return busy("the upload cannot be stored now");
        }
    };
    let answer = query.format.unwrap_or(AnswerFormat::Json);
    let key = CacheKey {
        sha256: stored.sha256.clone(),
        name: name.clone(),
        stage: query.stage,
    };
    let cached = svc.cache.lock().ok().and_then(|c| c.get(&key));
    let (json, verdict, stage, hit) = match cached {
        Some(c) => {
            svc.metrics.cache_hit();
            (c.json, c.verdict, c.stage, true)
        }
        None => {
            let (tx, rx) = tokio::sync::oneshot::channel();
            let job = Job {
                path: stored.path.clone(),
                stage: query.stage,
                done: tx,
            };
            if svc.jobs.send(job).is_err() {
                return busy("the service is shutting down");
            }
            let Ok((reviewed, took)) = rx.await else {
                return busy("the review could not be run; try again");
            };
            svc.metrics.review_time(took);
            let stage = stage_of(&reviewed.body);
            let verdict = reviewed.verdict.as_str().to_string();
            let json: Arc<str> = Arc::from(reviewed.body);
            if reviewed.failure.is_none() {
                if let Ok(mut c) = svc.cache.lock() {
                    c.put(
                        key,
                        Cached {
                            json: json.clone(),
                            verdict: verdict.clone(),
                            stage: stage.clone(),
                        },
                    );
                }
            }
            (json, verdict, stage, false)
        }
    };
    drop(scratch);
    svc.metrics.verdict(&stage, &verdict);
    if svc.config.log_reviews {
        eprintln!(
            "pingshen serve: {name} {} {stage} {verdict} {} ms{}",
            stored.sha256.get(..12).unwrap_or(&stored.sha256),
            started.elapsed().as_millis(),
            if hit { " (cache)" } else { "" }
        );
    }
    let mut r = match answer {
        AnswerFormat::Json => with_type(json.to_string(), "application/json"),
        AnswerFormat::Html => match render_html(&json) {
            Some(html) => with_type(html, "text/html; charset=utf-8"),
            // A verdict this build wrote always reads back; should one not, the verdict itself
            // is still the answer, never an error.
            None => with_type(json.to_string(), "application/json"),
        },
    };
    if let Ok(v) = HeaderValue::from_str(&verdict) {
        r.headers_mut().insert("x-pingshen-verdict", v);
    }
    r.headers_mut().insert(
        "x-pingshen-cache",
        HeaderValue::from_static(if hit { "hit" } else { "miss" }),
    );
    r
}

/// The HTML report of a verdict given as its JSON (the page `check --format html` prints).
fn render_html(json: &str) -> Option<String> {
    crate::report::html_from_json(json).ok()
}

/// The stage a verdict names (`none` when it has none).
fn stage_of(json: &str) -> String {
    serde_json::from_str::<serde_json::Value>(json)
        .ok()
        .and_then(|v| v.get("stage").and_then(|s| s.as_str()).map(str::to_string))
        .unwrap_or_else(|| "none".into())
}

/// What a verdict is cached under: the body's digest and what else decides the verdict (the
/// name's stage words, the requested stage); the ruleset and options are the service's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct CacheKey {
    sha256: String,
    name: String,
    stage: Option<StageId>,
}

#[derive(Clone)]
struct Cached {
    json: Arc<str>,
    verdict: String,
    stage: String,
}

/// A bounded cache of verdicts: the oldest entry goes first once `capacity` entries or
/// [`CACHE_BYTES`] are reached.
struct Cache {
    capacity: usize,
    bytes: usize,
    map: HashMap<CacheKey, Cached>,
    order: VecDeque<CacheKey>,
}

/// The most verdict text the cache keeps.
const CACHE_BYTES: usize = 64 << 20;

impl Cache {
    fn new(capacity: usize) -> Cache {
        Cache {
            capacity,
            bytes: 0,
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }

    fn get(&self, key: &CacheKey) -> Option<Cached> {
        self.map.get(key).cloned()
    }

    fn put(&mut self, key: CacheKey, value: Cached) {
        if self.capacity == 0 || value.json.len() > CACHE_BYTES || self.map.contains_key(&key) {
            return;
        }
        self.bytes += value.json.len();
        self.order.push_back(key.clone());
        self.map.insert(key, value);
        while self.map.len() > self.capacity || self.bytes > CACHE_BYTES {
            let Some(old) = self.order.pop_front() else { break };
            if let Some(v) = self.map.remove(&old) {
                self.bytes -= v.json.len();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> CacheKey {
        CacheKey {
            sha256: format!("{n:02x}"),
            name: "a.zip".into(),
            stage: None,
        }
    }

    fn cached(len: usize) -> Cached {
        Cached {
            json: Arc::from("x".repeat(len)),
            verdict: "pass".into(),
            stage: "plan".into(),
        }
    }

    #[test]
    fn the_cache_drops_its_oldest_entry_when_full() {
        let mut c = Cache::new(2);
        c.put(key(1), cached(3));
        c.put(key(2), cached(3));
        c.put(key(3), cached(3));
        assert!(c.get(&key(1)).is_none());
        assert!(c.get(&key(2)).is_some() && c.get(&key(3)).is_some());
        assert_eq!(c.bytes, 6);
        let mut off = Cache::new(0);
        off.put(key(1), cached(1));
        assert!(off.get(&key(1)).is_none());
    }

    #[test]
    fn the_token_must_match_exactly() {
        let mut h = HeaderMap::new();
        assert!(!authorized(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Bearer s3cret"));
        assert!(authorized(&h, "s3cret"));
        assert!(!authorized(&h, "s3cre"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("Basic s3cret"));
        assert!(!authorized(&h, "s3cret"));
    }
}
