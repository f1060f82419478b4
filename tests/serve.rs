//! `pingshen serve` as the systems that call it meet it: a real server process on a free
//! loopback port, real HTTP requests, real worker processes, real signals.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

#[path = "support/server.rs"]
mod server;
mod support;

use server::{fixture, request, tmpdir, Resp, Server, FAULTS};

/// What `pingshen check --format json` prints for a file.
fn check_json(path: &Path, extra: &[&str]) -> Vec<u8> {
    let o = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .env_remove(FAULTS)
        .args(["check", "--format", "json", "--ocr", "off"])
        .args(extra)
        .arg(path)
        .output()
        .unwrap();
    assert!(!o.stdout.is_empty(), "{}", String::from_utf8_lossy(&o.stderr));
    o.stdout
}

/// Every package the repository has, and the shared conformance samples when they are there.
fn packages() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(fixture(""))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/samples/packages");
    match std::fs::read_dir(&shared) {
        Ok(d) => v.extend(
            d.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "zip")),
        ),
        Err(_) => println!(
            "shared samples not found at {}: only the repository's fixtures",
            shared.display()
        ),
    }
    v.sort();
    v
}

#[test]
fn every_package_gets_byte_for_byte_the_verdict_check_prints() {
    let s = Server::start(&["-j", "2"], None);
    let pkgs = packages();
    assert!(pkgs.len() >= 10, "{pkgs:?}");
    // Four clients at once, each posting its share.
    std::thread::scope(|scope| {
        for chunk in pkgs.chunks(pkgs.len().div_ceil(4)) {
            let s = &s;
            scope.spawn(move || {
                for p in chunk {
                    let name = p.file_name().unwrap().to_str().unwrap();
                    let r = s.post_zip(
                        &format!("/v1/check?name={}", server::encode(name)),
                        std::fs::read(p).unwrap(),
                    );
                    assert_eq!(r.status, 200, "{name}: {}", r.text());
                    assert_eq!(r.header("content-type").as_deref(), Some("application/json"));
                    let expected = check_json(p, &[]);
                    assert!(
                        r.body == expected,
                        "{name}: the served verdict differs from `check --format json`"
                    );
                    let v = r.json();
                    assert_eq!(r.header("x-pingshen-verdict").as_deref(), v["verdict"].as_str());
                }
            });
        }
    });
    // The stage of the query is `check --stage`.
    let p = fixture("plan-complete.zip");
    let r = s.post_zip(
        "/v1/check?stage=review&name=plan-complete.zip",
        std::fs::read(&p).unwrap(),
    );
    assert_eq!(r.body, check_json(&p, &["--stage", "review"]));
}

#[test]
fn an_aborting_or_hanging_package_gets_its_error_verdict_and_the_service_keeps_answering() {
    let s = Server::start(&["-j", "2", "--timeout", "2"], Some("abort=x-abort;hang=x-hang"));
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    let (abort, hang, healthy) = std::thread::scope(|scope| {
        let a = scope.spawn(|| s.post_zip("/v1/check?name=x-abort.zip", plan.clone()));
        let h = scope.spawn(|| s.post_zip("/v1/check?name=x-hang.zip", plan.clone()));
        let ok = scope.spawn(|| s.post_zip("/v1/check?name=plan-complete.zip", plan.clone()));
        (a.join().unwrap(), h.join().unwrap(), ok.join().unwrap())
    });
    let codes = |r: &Resp| -> Vec<String> {
        r.json()["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["code"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(abort.status, 200, "{}", abort.text());
    assert_eq!(abort.json()["verdict"], "error");
    assert!(
        codes(&abort).contains(&"package.worker_crashed".to_string()),
        "{}",
        abort.text()
    );
    assert_eq!(hang.status, 200);
    assert_eq!(hang.json()["verdict"], "error");
    assert!(codes(&hang).contains(&"package.timeout".to_string()), "{}", hang.text());
    assert_eq!(healthy.status, 200);
    assert_ne!(healthy.json()["verdict"], "error");
    // Still answering, with fresh workers.
    let again = s.post_zip("/v1/check?name=again.zip", plan.clone());
    assert_eq!(again.status, 200);
    assert_ne!(again.json()["verdict"], "error");
    let m = s.get("/metrics").text();
    assert!(m.contains("pingshen_workers_restarted_total 2\n"), "{m}");
    assert!(
        m.contains("pingshen_verdicts_total{stage=\"none\",verdict=\"error\"} 2\n"),
        "{m}"
    );
    assert!(m.contains("pingshen_http_requests_total{code=\"200\"}"), "{m}");
    assert!(m.contains("pingshen_review_seconds_count 4\n"), "{m}");
}

#[test]
fn protocol_faults_get_problem_bodies_never_a_500() {
    let s = Server::start(&["-j", "1", "--max-body", "4K"], None);
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    assert!(plan.len() > 4096);
    // 413 from Content-Length, before the body is read.
    let p = s.post_zip("/v1/check", plan.clone()).assert_problem(413);
    assert!(p["detail"].as_str().unwrap().contains("--max-body"), "{p}");
    // 415: not a zip, not a form.
    request(
        s.addr,
        "POST",
        "/v1/check",
        &[("content-type", "text/plain")],
        b"hello".to_vec(),
    )
    .assert_problem(415);
    request(s.addr, "POST", "/v1/check", &[], b"hello".to_vec()).assert_problem(415);
    // 400: a bad query, a name that is a path.
    s.post_zip("/v1/check?stage=acceptance", b"x".to_vec())
        .assert_problem(400);
    s.post_zip("/v1/check?colour=red", b"x".to_vec()).assert_problem(400);
    s.post_zip("/v1/check?name=..%2F..%2Fetc%2Fpasswd", b"x".to_vec())
        .assert_problem(400);
    s.post_zip("/v1/check?format=xml", b"x".to_vec()).assert_problem(400);
    // 404 and 405.
    s.get("/v2/check").assert_problem(404);
    s.get("/v1/check").assert_problem(405);
    s.get("/v1/explain/NO-SUCH-ID").assert_problem(404);
    // 411: a body without a length (chunked), sent by hand.
    let mut c = std::net::TcpStream::connect(s.addr).unwrap();
    c.write_all(
        b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    )
    .unwrap();
    let mut answer = String::new();
    c.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 411"), "{answer}");
    assert!(answer.contains("application/problem+json"), "{answer}");
    // A small package within the limit is reviewed: not a zip is a verdict, not a fault.
    let r = s.post_zip("/v1/check?name=note.zip", b"not a zip at all".to_vec());
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["verdict"], "error");
    let m = s.get("/metrics").text();
    assert!(!m.contains("code=\"500\""), "{m}");
    assert!(m.contains("pingshen_http_requests_total{code=\"413\"} 1\n"), "{m}");
}

#[test]
fn a_full_queue_answers_503_with_retry_after() {
    let s = Server::start(&["-j", "1", "--queue", "0", "--timeout", "3"], Some("hang=x-hang"));
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    std::thread::scope(|scope| {
        let slow = scope.spawn(|| s.post_zip("/v1/check?name=x-hang.zip", plan.clone()));
        // Wait until the slow one is being reviewed.
        let deadline = Instant::now() + Duration::from_secs(10);
        while !s.get("/metrics").text().contains("pingshen_reviews_in_progress 1\n") {
            assert!(Instant::now() < deadline, "the first review never started");
            std::thread::sleep(Duration::from_millis(20));
        }
        let r = s.post_zip("/v1/check?name=plan.zip", plan.clone());
        r.assert_problem(503);
        let after: u64 = r.header("retry-after").unwrap().parse().unwrap();
        assert!(after >= 1);
        assert_eq!(slow.join().unwrap().status, 200);
    });
    // Once the slot is free the same request is reviewed.
    assert_eq!(s.post_zip("/v1/check?name=plan.zip", plan).status, 200);
}

#[test]
fn with_a_token_every_api_request_needs_it_and_the_probes_stay_open() {
    let d = tmpdir("token");
    let token_file = d.join("token");
    std::fs::write(&token_file, "s3cret-token\n").unwrap();
    let s = Server::start(&["-j", "1", "--token-file", token_file.to_str().unwrap()], None);
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    let r = s.post_zip("/v1/check", plan.clone());
    r.assert_problem(401);
    assert_eq!(r.header("www-authenticate").as_deref(), Some("Bearer"));
    let wrong = request(
        s.addr,
        "POST",
        "/v1/check",
        &[("content-type", "application/zip"), ("authorization", "Bearer s3cret")],
        plan.clone(),
    );
    wrong.assert_problem(401);
    let ok = request(
        s.addr,
        "POST",
        "/v1/check",
        &[
            ("content-type", "application/zip"),
            ("authorization", "Bearer s3cret-token"),
        ],
        plan,
    );
    assert_eq!(ok.status, 200, "{}", ok.text());
    s.get("/metrics").assert_problem(401);
    s.get("/v1/rules").assert_problem(401);
    assert_eq!(s.get("/healthz").status, 200);
    assert_eq!(s.get("/readyz").status, 200);
    assert_eq!(s.get("/").status, 200);
}

#[test]
fn listening_beyond_loopback_needs_a_token_or_no_auth() {
    let o = Command::new(env!("CARGO_BIN_EXE_pingshen"))
        .args(["serve", "--listen", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("--token-file") && err.contains("--no-auth"), "{err}");
}

#[test]
fn sigterm_drains_a_review_in_flight_then_exits_0() {
    let mut s = Server::start(&["-j", "1", "--timeout", "2"], Some("hang=x-hang"));
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    let addr = s.addr;
    let in_flight = std::thread::spawn(move || {
        request(
            addr,
            "POST",
            "/v1/check?name=x-hang.zip",
            &[("content-type", "application/zip")],
            plan,
        )
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while !s.get("/metrics").text().contains("pingshen_reviews_in_progress 1\n") {
        assert!(Instant::now() < deadline, "the review never started");
        std::thread::sleep(Duration::from_millis(20));
    }
    let killed = Command::new("kill")
        .args(["-TERM", &s.child.id().to_string()])
        .status()
        .unwrap();
    assert!(killed.success());
    // The review in flight still gets its verdict (its worker's time budget ends it).
    let r = in_flight.join().unwrap();
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.json()["verdict"], "error");
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(st) = s.child.try_wait().unwrap() {
            break st;
        }
        assert!(Instant::now() < deadline, "the server did not exit after draining");
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(0));
    let said: Vec<String> = s.stderr.lock().unwrap().try_iter().collect();
    assert!(said.iter().any(|l| l.contains("stopped")), "{said:?}");
    // No new connection is taken.
    assert!(std::net::TcpStream::connect(addr).is_err());
}

#[test]
fn a_form_upload_is_reviewed_under_the_file_name_it_carries() {
    let s = Server::start(&["-j", "1"], None);
    let p = fixture("commissioning-complete.zip");
    let zip = std::fs::read(&p).unwrap();
    let boundary = "----pingshen-test-boundary";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"commissioning-complete.zip\"\r\nContent-Type: application/zip\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(&zip);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    let ct = format!("multipart/form-data; boundary={boundary}");
    let r = request(s.addr, "POST", "/v1/check", &[("content-type", &ct)], body.clone());
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(r.body, check_json(&p, &[]));
    // The same body again comes from the cache, the same bytes.
    let again = request(s.addr, "POST", "/v1/check", &[("content-type", &ct)], body);
    assert_eq!(again.header("x-pingshen-cache").as_deref(), Some("hit"));
    assert_eq!(again.body, r.body);
    // A form without a file is a bad request.
    let empty =
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhi\r\n--{boundary}--\r\n");
    request(
        s.addr,
        "POST",
        "/v1/check",
        &[("content-type", &ct)],
        empty.into_bytes(),
    )
    .assert_problem(400);
}

#[test]
fn the_service_describes_itself() {
    let s = Server::start(&["-j", "1"], None);
    let api = s.get("/v1/openapi.json");
    assert_eq!(api.status, 200);
    let api = api.json();
    assert_eq!(api["openapi"], "3.1.0");
    for path in [
        "/v1/check",
        "/v1/rules",
        "/v1/explain/{id}",
        "/v1/schema",
        "/healthz",
        "/readyz",
        "/metrics",
    ] {
        assert!(api["paths"].get(path).is_some(), "{path} is not in the OpenAPI file");
    }
    let schema = s.get("/v1/schema");
    assert_eq!(schema.status, 200);
    assert_eq!(
        schema.json()["$schema"],
        serde_json::from_str::<serde_json::Value>(pingshen::verdict::JSON_SCHEMA).unwrap()["$schema"]
    );
    let rules = s.get("/v1/rules?stage=commissioning").json();
    let ids: Vec<&str> = rules["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"COMM-RL1"), "{ids:?}");
    assert!(ids.iter().all(|i| i.starts_with("COMM-")), "{ids:?}");
    let e = s.get("/v1/explain/COMM-RL1").json();
    assert!(e["text"].as_str().unwrap().contains("COMM-RL1"));
    let ready = s.get("/readyz").json();
    assert_eq!(ready["ready"], true);
    assert_eq!(ready["isolation"], "workers");
    assert_eq!(ready["ocr"]["available"], false);
    let page = s.get("/");
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert!(page.text().contains("<html lang=\"zh-CN\">"));
    assert!(
        !page.text().contains("http://") && !page.text().contains("https://"),
        "the page loads nothing from elsewhere"
    );
}

#[test]
fn a_slow_client_cannot_hold_a_connection_or_a_slot() {
    let s = Server::start(&["-j", "1", "--queue", "0", "--read-timeout", "1"], None);
    // A client that connects and sends no request head is cut off.
    let started = Instant::now();
    let mut idle = std::net::TcpStream::connect(s.addr).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut buf = Vec::new();
    let _ = idle.read_to_end(&mut buf);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "the silent connection stayed open"
    );
    // A client that announces a body and stops sending gets 408 and frees its slot.
    let mut stalled = std::net::TcpStream::connect(s.addr).unwrap();
    stalled
        .write_all(
            b"POST /v1/check HTTP/1.1\r\nHost: x\r\nContent-Type: application/zip\r\nContent-Length: 100000\r\n\r\nPK",
        )
        .unwrap();
    stalled.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let mut answer = String::new();
    let _ = stalled.read_to_string(&mut answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(started.elapsed() < Duration::from_secs(8));
    // The only slot is free again.
    let plan = std::fs::read(fixture("plan-complete.zip")).unwrap();
    assert_eq!(s.post_zip("/v1/check?name=plan.zip", plan).status, 200);
}

#[test]
fn every_hostile_package_gets_200_and_the_verdict_check_prints() {
    let d = tmpdir("hostile");
    let s = Server::start(&["-j", "2"], None);
    let corpus = support::hostile::corpus();
    assert!(corpus.len() >= 25);
    std::thread::scope(|scope| {
        for part in corpus.chunks(corpus.len().div_ceil(4)) {
            let (s, d) = (&s, &d);
            scope.spawn(move || {
                for (name, bytes) in part {
                    let r = s.post_zip(&format!("/v1/check?name={}", server::encode(name)), bytes.clone());
                    assert_eq!(r.status, 200, "{name}: {}", r.text());
                    let path = d.join(name);
                    std::fs::write(&path, bytes).unwrap();
                    assert!(
                        r.body == check_json(&path, &[]),
                        "{name}: the served verdict differs from check's"
                    );
                }
            });
        }
    });
}
