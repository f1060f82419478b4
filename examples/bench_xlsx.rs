//! Measures spreadsheet reading: `cargo run --release --example bench_xlsx [ROWS] [FILES...]`.
//! Without files it generates a data-directory-like xlsx of ROWS × 8 cells (half shared strings,
//! half numbers) with the test writers; it reads each workbook repeatedly for about two seconds
//! on one thread and prints cells/s and MB/s (of the xlsx file).

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use pingshen::extract::sheet::read_workbook;
use pingshen::sniff::sniff;
use support::{n, s, xlsx, Cell};

fn main() {
    let mut args = std::env::args().skip(1);
    let rows: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(50_000);
    let files: Vec<String> = args.collect();
    let inputs: Vec<(String, Vec<u8>)> = if files.is_empty() {
        let sheet: Vec<Vec<Cell>> = (0..rows)
            .map(|r| {
                vec![
                    s(&format!("信息资源{r}")),
                    s("人口管理系统"),
                    s(if r % 3 == 0 {
                        "无条件共享"
                    } else {
                        "有条件共享"
                    }),
                    s("每日"),
                    n(r as f64),
                    n(r as f64 * 1.5),
                    s("已汇聚"),
                    n(44_326.0),
                ]
            })
            .collect();
        vec![(format!("generated {rows}×8"), xlsx(&[("数据目录", sheet)]))]
    } else {
        files
            .iter()
            .map(|f| (f.clone(), std::fs::read(f).expect("readable file")))
            .collect()
    };
    for (name, bytes) in inputs {
        let kind = sniff(&bytes);
        let start = Instant::now();
        let mut runs = 0u32;
        let mut cells = 0usize;
        while start.elapsed() < Duration::from_secs(2) || runs == 0 {
            let wb = read_workbook(&bytes, kind).expect("readable workbook");
            cells += wb.sheets.iter().map(|s| s.cells.len()).sum::<usize>();
            runs += 1;
        }
        let secs = start.elapsed().as_secs_f64();
        println!(
            "{name}: {:.2} M cells/s, {:.1} MB/s ({} bytes, {} cells per read, {runs} reads)",
            cells as f64 / secs / 1e6,
            bytes.len() as f64 * f64::from(runs) / secs / 1e6,
            bytes.len(),
            cells / runs as usize
        );
    }
}
