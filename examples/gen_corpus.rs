//! Writes a corpus of N generated packages for throughput and memory measurements:
//! `cargo run --release --example gen_corpus -- DIR N`. Packages cycle through the five stages
//! and the four naming styles; every seventh name set is GBK without the UTF-8 flag, every
//! eleventh package misses one material, every thirteenth is not a zip. Deterministic.

#[path = "../tests/support/mod.rs"]
mod support;

use std::path::PathBuf;

use support::{stage_files, zip_files, zip_files_gbk, Naming, STAGES};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().ok_or("usage: gen_corpus DIR N")?);
    let n: usize = args.next().ok_or("usage: gen_corpus DIR N")?.parse()?;
    std::fs::create_dir_all(&dir)?;
    let mut bytes = 0usize;
    for i in 0..n {
        let stage = STAGES[i % STAGES.len()];
        let naming = Naming::ALL[(i / STAGES.len()) % Naming::ALL.len()];
        let mut files = stage_files(stage, naming);
        if i % 11 == 10 {
            files.remove(1 + i % (files.len() - 1));
        }
        let data = if i % 13 == 12 {
            support::rar_bytes()
        } else if i % 7 == 6 {
            zip_files_gbk(&files)
        } else {
            zip_files(&files)
        };
        bytes += data.len();
        std::fs::write(dir.join(format!("pkg-{i:05}-{stage}.zip")), data)?;
    }
    eprintln!("{n} packages, {:.1} MB, in {}", bytes as f64 / 1e6, dir.display());
    Ok(())
}
