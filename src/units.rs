//! Quantities as a reviewer reads them: a byte count is `1.2 GiB`, not `1288490189`.
//!
//! Findings and reports state sizes (a limit, a file over the memory budget, an archive's size)
//! in binary units, the same in both languages; JSON fields that hold a count (`bytes`) stay
//! numbers.

/// The binary units, each 1024 times the one before.
const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// A byte count in binary units: whole bytes below 1 KiB (`12 B`, `1023 B`), one decimal below
/// 10 of a unit (`1.0 KiB`, `1.5 KiB`, `9.9 MiB`) and none from 10 up (`10 MiB`, `512 MiB`,
/// `12 GiB`). A value that rounds to 1024 of a unit is written in the next one (`1.0 MiB`).
pub fn human_size(bytes: u64) -> String {
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let n = u128::from(bytes);
    let mut unit: u32 = 1;
    // The largest unit the value is at least 1 of.
    while let Some(next) = 1024u128.checked_pow(unit + 1) {
        if n < next || unit as usize + 1 >= UNITS.len() {
            break;
        }
        unit += 1;
    }
    loop {
        let div = 1024u128.pow(unit);
        let name = UNITS.get(unit as usize).copied().unwrap_or("EiB");
        let tenths = (n * 10 + div / 2) / div;
        if tenths < 100 {
            return format!("{}.{} {name}", tenths / 10, tenths % 10);
        }
        let whole = (n + div / 2) / div;
        if whole >= 1024 && (unit as usize) + 1 < UNITS.len() {
            unit += 1;
            continue;
        }
        return format!("{whole} {name}");
    }
}

/// Two byte counts compared in one sentence (`2.1 GiB is more than 2.0 GiB`): each in binary
/// units, or both in whole bytes when the two would read the same (`2147483649 B` and
/// `2147483648 B`), so a message never says a size is more than itself.
pub fn human_sizes(a: u64, b: u64) -> (String, String) {
    let (ha, hb) = (human_size(a), human_size(b));
    if ha == hb && a != b {
        (format!("{a} B"), format!("{b} B"))
    } else {
        (ha, hb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_written_in_binary_units() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(12), "12 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1024), "1.0 KiB");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(900 * 1024), "900 KiB");
        assert_eq!(human_size(10 * 1024 * 1024 - 1), "10 MiB");
        assert_eq!(human_size(10 * 1024 * 1024), "10 MiB");
        assert_eq!(human_size(256 << 20), "256 MiB");
        assert_eq!(human_size(512 << 20), "512 MiB");
        assert_eq!(human_size(1_288_490_189), "1.2 GiB");
        assert_eq!(human_size(2 << 30), "2.0 GiB");
        assert_eq!(human_size(12 << 30), "12 GiB");
        // 1023.96 KiB rounds to 1024 KiB: written in the next unit.
        assert_eq!(human_size(1024 * 1024 - 40), "1.0 MiB");
        assert_eq!(human_size(u64::MAX), "16 EiB");
    }

    #[test]
    fn two_sizes_that_read_the_same_are_written_in_bytes() {
        assert_eq!(
            human_sizes(3 << 30, 2 << 30),
            ("3.0 GiB".to_string(), "2.0 GiB".to_string())
        );
        assert_eq!(
            human_sizes((2 << 30) + 1, 2 << 30),
            ("2147483649 B".to_string(), "2147483648 B".to_string())
        );
        assert_eq!(human_sizes(5, 5), ("5 B".to_string(), "5 B".to_string()));
    }
}
