//! Writes the hostile corpus (issue "hostile input") to a folder, so that the batch can be run
//! on it:
//!
//! ```sh
//! cargo run --release --example gen_hostile -- /tmp/hostile
//! pingshen batch /tmp/hostile --out /tmp/hostile-verdicts
//! ```
//!
//! Each file is a whole commissioning package with one file (or the archive itself) made
//! hostile: zip bombs, lying headers, entity and nesting bombs, huge spreadsheet grids, looping
//! PDF and OFD structures. The builders are shared with `tests/hostile.rs`; the whole corpus is
//! a few MB and builds in well under a second.

#[path = "../tests/support/mod.rs"]
mod support;

use std::fs;
use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let Some(dir) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: gen_hostile DIR");
        std::process::exit(2);
    };
    fs::create_dir_all(&dir)?;
    let mut total = 0usize;
    for (name, bytes) in support::hostile::corpus() {
        fs::write(dir.join(&name), &bytes)?;
        println!("{:>9} bytes  {name}", bytes.len());
        total += bytes.len();
    }
    println!("{total:>9} bytes  in {}", dir.display());
    Ok(())
}
