//! Load benchmark of `pingshen serve` against `pingshen batch` on the same packages, loopback
//! only, bounded in count and time.
//!
//! Every package of DIR is reviewed ROUNDS times: once by `batch -j JOBS` over that many copies,
//! once by posting each copy to `serve -j JOBS --cache 0` from CLIENTS concurrent clients. It
//! prints both throughputs, the service's share of batch's, the p50/p99/max latency of a
//! request, and the resident memory of the server with its workers sampled through the run
//! (start, middle, end, peak), to see that it stays flat.
//!
//! ```sh
//! cargo build --release --bin pingshen --example bench_serve
//! target/release/examples/bench_serve [DIR] [--rounds 25] [--clients 8] [--jobs 2]
//! ```
//! DIR defaults to `../shared/samples/packages`. Scans are not read (`--ocr off`) on either side,
//! so the numbers are the service's own cost and not OCR's.

// Only its memory sampler is used here.
#[allow(dead_code)]
#[path = "../tests/support/procs.rs"]
mod procs;

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;

/// The whole run may not take longer than this; past it the benchmark stops and says so.
const BUDGET: Duration = Duration::from_secs(900);

struct Args {
    dir: PathBuf,
    rounds: usize,
    clients: usize,
    jobs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        dir: Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/packages"),
        rounds: 25,
        clients: 8,
        jobs: 2,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        let mut num = |name: &str| -> Result<usize, String> {
            it.next()
                .and_then(|v| v.parse().ok())
                .filter(|&n: &usize| (1..=1000).contains(&n))
                .ok_or(format!("{name} needs a number from 1 to 1000"))
        };
        match x.as_str() {
            "--rounds" => a.rounds = num("--rounds")?,
            "--clients" => a.clients = num("--clients")?,
            "--jobs" => a.jobs = num("--jobs")?,
            _ if !x.starts_with('-') => a.dir = PathBuf::from(x),
            _ => return Err(format!("unknown option {x}")),
        }
    }
    Ok(a)
}

fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap_or_default();
    // target/release/examples/bench_serve → target/release/pingshen
    exe.parent()
        .and_then(Path::parent)
        .map(|d| d.join("pingshen"))
        .unwrap_or_else(|| PathBuf::from("target/release/pingshen"))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("bench_serve: {e}");
            return ExitCode::from(2);
        }
    };
    let mut packages: Vec<PathBuf> = match std::fs::read_dir(&args.dir) {
        Ok(d) => d
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "zip"))
            .collect(),
        Err(e) => {
            eprintln!("bench_serve: {}: {e}", args.dir.display());
            return ExitCode::from(2);
        }
    };
    packages.sort();
    let pingshen = bin();
    if packages.is_empty() || !pingshen.is_file() {
        eprintln!(
            "bench_serve: need packages in {} and {} (cargo build --release)",
            args.dir.display(),
            pingshen.display()
        );
        return ExitCode::from(2);
    }
    let work = std::env::temp_dir().join(format!("pingshen-bench-serve-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&work);
    let copies = work.join("in");
    if let Err(e) = std::fs::create_dir_all(&copies) {
        eprintln!("bench_serve: {e}");
        return ExitCode::from(2);
    }
    // ROUNDS copies of every package, named so no stage word is added.
    let mut inputs: Vec<(PathBuf, String)> = Vec::new();
    for r in 0..args.rounds {
        for p in &packages {
            let name = format!("r{r:03}-{}", p.file_name().unwrap_or_default().to_string_lossy());
            let to = copies.join(&name);
            if std::fs::hard_link(p, &to)
                .or_else(|_| std::fs::copy(p, &to).map(|_| ()))
                .is_err()
            {
                eprintln!("bench_serve: cannot copy {}", p.display());
                return ExitCode::from(2);
            }
            inputs.push((to, name));
        }
    }
    let n = inputs.len();
    let started = Instant::now();

    // batch -j JOBS
    let t = Instant::now();
    let batch = Command::new(&pingshen)
        .args(["batch", "-q", "--ocr", "off", "-j", &args.jobs.to_string(), "--out"])
        .arg(work.join("out"))
        .arg(&copies)
        .status();
    let batch_secs = t.elapsed().as_secs_f64();
    if !batch.is_ok_and(|s| s.success()) {
        eprintln!("bench_serve: the batch failed");
        return ExitCode::FAILURE;
    }

    // serve -j JOBS
    let mut server = match Command::new(&pingshen)
        .args(["serve", "--listen", "127.0.0.1:0", "--ocr", "off", "--cache", "0"])
        .args(["-j", &args.jobs.to_string(), "--queue", &(args.clients * 2).to_string()])
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => {
            eprintln!("bench_serve: cannot start the server: {e}");
            return ExitCode::from(2);
        }
    };
    let addr: Option<SocketAddr> = server.stderr.take().and_then(|e| {
        let mut line = String::new();
        BufReader::new(e).read_line(&mut line).ok()?;
        line.split("http://").nth(1)?.split_whitespace().next()?.parse().ok()
    });
    let Some(addr) = addr else {
        eprintln!("bench_serve: the server did not say where it listens");
        let _ = server.kill();
        return ExitCode::FAILURE;
    };
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("bench_serve: {e}");
            return ExitCode::FAILURE;
        }
    };
    let ready_by = Instant::now() + Duration::from_secs(30);
    while rt.block_on(get(addr, "/readyz")) != Some(200) {
        if Instant::now() > ready_by {
            eprintln!("bench_serve: the server never became ready");
            let _ = server.kill();
            return ExitCode::FAILURE;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let pid = server.id();
    let rss = Arc::new(Mutex::new(Vec::<u64>::new()));
    let done = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (rss, done) = (rss.clone(), done.clone());
        std::thread::spawn(move || {
            while !done.load(Ordering::Relaxed) {
                if let Ok(mut v) = rss.lock() {
                    v.push(procs::tree_rss_kib(pid));
                }
                std::thread::sleep(Duration::from_millis(100));
            }
        })
    };
    let next = AtomicUsize::new(0);
    let latencies = Mutex::new(Vec::<f64>::with_capacity(n));
    let failures = AtomicUsize::new(0);
    let t = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..args.clients {
            scope.spawn(|| {
                let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() else {
                    return;
                };
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((path, name)) = inputs.get(i) else { break };
                    if started.elapsed() > BUDGET {
                        break;
                    }
                    let body = std::fs::read(path).unwrap_or_default();
                    let t0 = Instant::now();
                    let status = rt.block_on(post(addr, name, body));
                    if status == Some(200) {
                        if let Ok(mut l) = latencies.lock() {
                            l.push(t0.elapsed().as_secs_f64());
                        }
                    } else {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let serve_secs = t.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let _ = sampler.join();
    let _ = Command::new("kill").args(["-TERM", &pid.to_string()]).status();
    let _ = server.wait();
    let _ = std::fs::remove_dir_all(&work);

    let mut lat = latencies.into_inner().unwrap_or_default();
    lat.sort_by(f64::total_cmp);
    let served = lat.len();
    let pct = |p: f64| -> f64 {
        let i = ((served as f64 - 1.0) * p).round() as usize;
        lat.get(i).copied().unwrap_or(f64::NAN) * 1000.0
    };
    let rss = rss.lock().map(|v| v.clone()).unwrap_or_default();
    let mib = |k: u64| k as f64 / 1024.0;
    let at = |f: f64| rss.get(((rss.len() as f64 - 1.0) * f) as usize).copied().unwrap_or(0);
    let batch_rate = n as f64 / batch_secs;
    let serve_rate = served as f64 / serve_secs;
    println!(
        "packages: {} ({} × {} rounds), jobs {}, clients {}",
        n,
        packages.len(),
        args.rounds,
        args.jobs,
        args.clients
    );
    println!("batch -j {}: {batch_secs:.2} s, {batch_rate:.1} packages/s", args.jobs);
    println!(
        "serve -j {}: {serve_secs:.2} s, {serve_rate:.1} packages/s ({:.0}% of batch), {} answered 200, {} not",
        args.jobs,
        100.0 * serve_rate / batch_rate,
        served,
        failures.load(Ordering::Relaxed)
    );
    println!(
        "latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        pct(0.5),
        pct(0.99),
        pct(1.0)
    );
    println!(
        "server RSS (with workers): start {:.1} MiB, middle {:.1} MiB, end {:.1} MiB, peak {:.1} MiB ({} samples)",
        mib(at(0.0)),
        mib(at(0.5)),
        mib(at(1.0)),
        mib(rss.iter().copied().max().unwrap_or(0)),
        rss.len()
    );
    if started.elapsed() > BUDGET {
        println!(
            "stopped at the {} s budget: the numbers cover what was done",
            BUDGET.as_secs()
        );
    }
    ExitCode::SUCCESS
}

async fn connect(addr: SocketAddr) -> Option<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let (sender, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
        .await
        .ok()?;
    tokio::spawn(conn);
    Some(sender)
}

async fn get(addr: SocketAddr, target: &str) -> Option<u16> {
    let mut s = connect(addr).await?;
    let req = hyper::Request::get(target)
        .header("host", addr.to_string())
        .body(Full::new(Bytes::new()))
        .ok()?;
    let res = s.send_request(req).await.ok()?;
    let status = res.status().as_u16();
    res.into_body().collect().await.ok()?;
    Some(status)
}

async fn post(addr: SocketAddr, name: &str, body: Vec<u8>) -> Option<u16> {
    let mut s = connect(addr).await?;
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    let req = hyper::Request::post(format!("/v1/check?name={encoded}"))
        .header("host", addr.to_string())
        .header("content-type", "application/zip")
        .body(Full::new(Bytes::from(body)))
        .ok()?;
    let res = s.send_request(req).await.ok()?;
    let status = res.status().as_u16();
    res.into_body().collect().await.ok()?;
    Some(status)
}
