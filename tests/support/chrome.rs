//! Headless Chromium driven through WebDriver (chromedriver), for the tests that look at a page
//! in a real browser (`tests/browser.rs`, `tests/stats_page.rs`).
//!
//! Needs Debian's `chromium` and `chromium-driver` (and `fonts-noto-cjk`), which `.ci/run`
//! installs. Without them [`tools`] prints that the test was skipped; under CI (`CI=true`) it
//! fails instead.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder};

/// chromedriver, killed when dropped.
pub struct Driver {
    child: Child,
    pub port: u16,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The first of `names` found on PATH.
pub fn find(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names
        .iter()
        .flat_map(|n| std::env::split_paths(&path).map(move |d| d.join(n)))
        .find(|p| p.is_file())
}

/// The browser and its driver, or `None` (with the reason printed) when this machine has none.
pub fn tools() -> Option<(PathBuf, PathBuf)> {
    let chromium = find(&["chromium", "chromium-browser", "google-chrome"]);
    let driver = find(&["chromedriver"]);
    match (chromium, driver) {
        (Some(c), Some(d)) => Some((c, d)),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "CI must run the browser test: install chromium and chromium-driver (.ci/run does)"
            );
            println!("skipped: chromium and chromedriver are not installed (apt-get install chromium chromium-driver)");
            None
        }
    }
}

/// Starts chromedriver on a free loopback port and waits until it listens.
pub fn start_driver(driver: &Path) -> Driver {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let child = Command::new(driver)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver");
    let d = Driver { child, port };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start");
        std::thread::sleep(Duration::from_millis(50));
    }
    d
}

/// A WebDriver session of `chromium` (started with `args`) through the driver `d`.
pub async fn connect(chromium: &Path, d: &Driver, args: &[&str]) -> Client {
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chromium,
            "args": args,
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{}", d.port))
        .await
        .expect("a WebDriver session")
}

/// Draws `评`, `审` and a code point no font has in the page body's font: a page whose Chinese
/// is drawn with real glyphs gives three different pictures. Returns the font stack and the
/// three data URLs.
pub const GLYPH_PROBE: &str = r#"const font = getComputedStyle(document.body).fontFamily;
   const draw = (t) => { const cv = document.createElement('canvas'); cv.width = 64; cv.height = 64;
     const g = cv.getContext('2d'); g.font = '48px ' + font; g.fillText(t, 4, 52); return cv.toDataURL(); };
   return [font, draw('评'), draw('\u{10FFFD}'), draw('审')];"#;
