//! A bounded look at an `.xls` before calamine reads it.
//!
//! calamine parses every sheet of an xls as soon as the workbook is opened, and some of what it
//! does on the way trusts the file: it follows compound-file sector chains for as long as a
//! declared length says (a chain that loops makes it loop or fill memory), it reserves room for
//! as many cells as a sheet's DIMENSIONS record claims (2⁴⁸ of them abort the process), it lays
//! each sheet out as a dense grid from its first to its last cell (A1 and IV65536 are 16.7 M
//! cells), and it copies a shared string into every cell that refers to it. None of that can be
//! stopped once started, so this module reads the same structures first — the compound file
//! (header, FAT, directory, mini stream), the `Workbook` stream's records, the shared-string
//! table and each sheet's records — and refuses the file when calamine's work would pass a limit
//! of [`super::limits`]. Everything here is bounded by the file's size.
//!
//! It sits below the sheet reader: it knows the limits, not the reader, and says why a file is
//! refused with its own [`BiffError`].

use super::limits::{MAX_CELL_CHARS, MAX_GRID_CELLS, MAX_GRID_TEXT};

/// Why an xls is refused before calamine reads it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BiffError {
    /// The compound file or its records cannot be read the way calamine reads them.
    #[error("{0}")]
    Broken(String),
    /// Reading it would pass a limit; the message names it.
    #[error("{0}")]
    Limit(String),
}

/// End of a sector chain.
const ENDOFCHAIN: u32 = 0xFFFF_FFFE;
/// Sector ids from here on are markers, not sectors.
const RESERVED_SECTORS: u32 = 0xFFFF_FFFA;
/// A DIFAT sector (ids from here on are not FAT sectors).
const DIFSECT: u32 = 0xFFFF_FFFC;
/// Streams shorter than this live in the mini stream.
const MINI_CUTOFF: usize = 4096;
/// Size of a mini-stream sector.
const MINI_SECTOR: usize = 64;

/// Most bytes of formula records in one workbook. calamine turns each formula into text, and
/// a name token (5 bytes) becomes the defined name's text (up to 255 characters), so formula
/// text may be about 50 times the records' size; 4 MiB of records (about 300 000 ordinary
/// formulas) keeps that under a few hundred MB.
pub const MAX_FORMULA_BYTES: u64 = 4 << 20;

/// Checks an xls before calamine opens it; `Err` when it would pass a limit or its container
/// cannot be read the way calamine reads it.
pub(crate) fn check(bytes: &[u8]) -> Result<(), BiffError> {
    let cfb = Cfb::open(bytes)?;
    let stream = cfb.workbook_stream()?;
    check_workbook(&stream)
}

fn broken(what: &str) -> BiffError {
    BiffError::Broken(format!("the xls container cannot be read safely: {what}"))
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    let s = b.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([*s.first()?, *s.get(1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([*s.first()?, *s.get(1)?, *s.get(2)?, *s.get(3)?]))
}

fn u64_at(b: &[u8], at: usize) -> Option<u64> {
    Some(u64::from(u32_at(b, at.checked_add(4)?)?) << 32 | u64::from(u32_at(b, at)?))
}

fn u32s(b: &[u8]) -> impl Iterator<Item = u32> + '_ {
    b.chunks_exact(4).filter_map(|c| u32_at(c, 0))
}

// ---------------------------------------------------------------------------------------------
// The compound file

/// A directory entry: name, first sector, length.
struct DirEntry {
    name: String,
    start: u32,
    len: u64,
}

/// The compound file as calamine reads it: sectors after the header, the FAT, the directory
/// and the mini stream with its FAT.
struct Cfb<'a> {
    /// The bytes after the header (sector 0 first).
    sectors: &'a [u8],
    sector_size: usize,
    /// Highest sector id calamine accepts (the file length over the sector size).
    maxid: u32,
    fat: Vec<u32>,
    dirs: Vec<DirEntry>,
    mini_fat: Vec<u32>,
    ministream: Vec<u8>,
    file_len: usize,
}

impl<'a> Cfb<'a> {
    fn open(bytes: &'a [u8]) -> Result<Cfb<'a>, BiffError> {
        const SIGNATURE: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
        let header = bytes.get(..512).ok_or_else(|| broken("shorter than its header"))?;
        if header.get(..8) != Some(SIGNATURE) {
            return Err(broken("no compound-file signature"));
        }
        let field = |at| u32_at(header, at).ok_or_else(|| broken("short header"));
        let version = u16_at(header, 26).ok_or_else(|| broken("short header"))?;
        let sector_size = match u16_at(header, 30) {
            Some(9) => 512,
            Some(12) => 4096,
            _ => return Err(broken("sector size")),
        };
        if u16_at(header, 32) != Some(6) {
            return Err(broken("mini sector size"));
        }
        let sectors = bytes
            .get(sector_size..)
            .ok_or_else(|| broken("shorter than its header"))?;
        let maxid = u32::try_from(bytes.len() / sector_size).map_err(|_| broken("too many sectors"))?;
        let dir_start = field(48)?;
        let mini_fat_start = field(60)?;
        let mini_fat_len = usize::try_from(field(64)?).map_err(|_| broken("mini FAT length"))?;
        let mut cfb = Cfb {
            sectors,
            sector_size,
            maxid,
            fat: Vec::new(),
            dirs: Vec::new(),
            mini_fat: Vec::new(),
            ministream: Vec::new(),
            file_len: bytes.len(),
        };

        // The DIFAT: 109 entries in the header, then a chain of DIFAT sectors (each ends with
        // the id of the next). calamine bounds the chain by the sector count; so do we.
        let mut difat: Vec<u32> = u32s(header.get(76..512).unwrap_or_default()).collect();
        let mut id = field(68)?;
        let mut steps = 0u32;
        while id < RESERVED_SECTORS {
            steps = steps.saturating_add(1);
            if steps > maxid.saturating_add(1) {
                return Err(broken("the DIFAT chain loops"));
            }
            difat.extend(u32s(cfb.sector(id)?));
            id = difat.pop().ok_or_else(|| broken("empty DIFAT sector"))?;
        }
        // The FAT: one sector per DIFAT entry. Each entry may name any sector, the same one
        // many times: more entries than sectors is a FAT larger than the file.
        let fat_sectors: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
        if fat_sectors.len() > usize::try_from(maxid).unwrap_or(usize::MAX).saturating_add(1) {
            return Err(broken("more FAT sectors than the file has sectors"));
        }
        let mut fat = Vec::new();
        for id in fat_sectors {
            fat.extend(u32s(cfb.sector(id)?));
        }
        cfb.fat = fat;

        // The directory: a chain read to its end (calamine gives it no length).
        let dir_bytes = cfb.chain(dir_start, usize::MAX)?;
        cfb.dirs = dir_bytes
            .chunks_exact(128)
            .map(|c| DirEntry {
                name: dir_name(c),
                start: u32_at(c, 116).unwrap_or(ENDOFCHAIN),
                len: if sector_size == 512 {
                    u32_at(c, 120).map_or(0, u64::from)
                } else {
                    u64_at(c, 120).unwrap_or(0)
                },
            })
            .collect();
        let root = cfb.dirs.first().ok_or_else(|| broken("empty directory"))?;
        if version != 3 && root.start == ENDOFCHAIN {
            return Err(broken("empty root entry"));
        }

        // The mini stream (the root entry's chain) and the mini FAT, each read for as long as
        // its declared length: neither may claim more than the file holds.
        if mini_fat_len > 0 {
            let (root_start, root_len) = (root.start, root.len);
            let ministream_len = cfb.within_file(root_len)?;
            let mini_fat_bytes =
                cfb.within_file(u64::try_from(mini_fat_len.saturating_mul(sector_size)).unwrap_or(u64::MAX))?;
            cfb.ministream = cfb.chain(root_start, ministream_len)?;
            cfb.mini_fat = u32s(&cfb.chain(mini_fat_start, mini_fat_bytes)?).collect();
        }
        Ok(cfb)
    }

    /// A declared length as `usize`, refused when it is more than the file holds.
    fn within_file(&self, len: u64) -> Result<usize, BiffError> {
        match usize::try_from(len) {
            Ok(n) if n <= self.file_len => Ok(n),
            _ => Err(broken("a stream claims more bytes than the file holds")),
        }
    }

    /// Sector `id` (shorter at the end of the file, as calamine reads it).
    fn sector(&self, id: u32) -> Result<&'a [u8], BiffError> {
        if id > self.maxid {
            return Err(broken("a sector lies past the end of the file"));
        }
        let start = usize::try_from(id)
            .ok()
            .and_then(|i| i.checked_mul(self.sector_size))
            .ok_or_else(|| broken("sector offset"))?;
        let end = start.saturating_add(self.sector_size).min(self.sectors.len());
        Ok(self.sectors.get(start..end).unwrap_or_default())
    }

    /// The chain from `id`, at most `len` bytes, as calamine collects it; refused when it passes
    /// a missing FAT entry or visits more sectors than the file has (it loops).
    fn chain(&self, mut id: u32, len: usize) -> Result<Vec<u8>, BiffError> {
        let mut out = Vec::new();
        let mut steps = 0u32;
        while id != ENDOFCHAIN {
            steps = steps.saturating_add(1);
            if steps > self.maxid.saturating_add(1) {
                return Err(broken("a sector chain loops"));
            }
            let sector = self.sector(id)?;
            let take = sector.len().min(len.saturating_sub(out.len()));
            out.extend_from_slice(sector.get(..take).unwrap_or_default());
            if out.len() >= len {
                break;
            }
            id = usize::try_from(id)
                .ok()
                .and_then(|i| self.fat.get(i))
                .copied()
                .ok_or_else(|| broken("a sector chain leaves the FAT"))?;
        }
        Ok(out)
    }

    /// A chain of the mini stream, at most `len` bytes.
    fn mini_chain(&self, mut id: u32, len: usize) -> Result<Vec<u8>, BiffError> {
        let mut out = Vec::new();
        let mut steps = 0usize;
        let max_steps = self.ministream.len() / MINI_SECTOR + 1;
        while id != ENDOFCHAIN {
            steps = steps.saturating_add(1);
            if steps > max_steps {
                return Err(broken("a mini-stream chain loops"));
            }
            let start = usize::try_from(id)
                .ok()
                .and_then(|i| i.checked_mul(MINI_SECTOR))
                .ok_or_else(|| broken("mini sector offset"))?;
            let sector = self
                .ministream
                .get(start..start.saturating_add(MINI_SECTOR))
                .ok_or_else(|| broken("a mini sector lies past the mini stream"))?;
            let take = sector.len().min(len.saturating_sub(out.len()));
            out.extend_from_slice(sector.get(..take).unwrap_or_default());
            if out.len() >= len {
                break;
            }
            id = usize::try_from(id)
                .ok()
                .and_then(|i| self.mini_fat.get(i))
                .copied()
                .ok_or_else(|| broken("a mini-stream chain leaves the mini FAT"))?;
        }
        Ok(out)
    }

    /// The `Workbook` stream (else `Book`, BIFF5), found as calamine finds it.
    fn workbook_stream(&self) -> Result<Vec<u8>, BiffError> {
        let entry = ["Workbook", "Book"]
            .iter()
            .find_map(|name| self.dirs.iter().find(|d| d.name.eq_ignore_ascii_case(name)))
            .ok_or_else(|| BiffError::Broken("the xls has no Workbook stream".to_string()))?;
        let len = self.within_file(entry.len)?;
        if len < MINI_CUTOFF {
            self.mini_chain(entry.start, len)
        } else {
            self.chain(entry.start, len)
        }
    }
}

/// A directory entry's name: 64 bytes of UTF-16LE up to the first NUL.
fn dir_name(entry: &[u8]) -> String {
    let units: Vec<u16> = entry
        .get(..64)
        .unwrap_or_default()
        .chunks_exact(2)
        .filter_map(|c| u16_at(c, 0))
        .take_while(|u| *u != 0)
        .collect();
    String::from_utf16_lossy(&units)
}

// ---------------------------------------------------------------------------------------------
// BIFF records

/// One record with its CONTINUE records, as calamine's record iterator joins them.
struct Record<'s> {
    typ: u16,
    data: &'s [u8],
    cont: Vec<&'s [u8]>,
    /// Bytes of the stream the record and its continuations take.
    size: usize,
}

/// The records of `stream`; `None` ends the walk (the end, or a record cut short, where calamine
/// stops with an error).
fn next_record<'s>(stream: &mut &'s [u8]) -> Option<Record<'s>> {
    let typ = u16_at(stream, 0)?;
    let len = usize::from(u16_at(stream, 2)?);
    let data = stream.get(4..len.checked_add(4)?)?;
    let mut size = len + 4;
    let mut rest = stream.get(size..)?;
    let mut cont = Vec::new();
    while rest.len() > 4 && u16_at(rest, 0) == Some(0x003C) {
        let clen = usize::from(u16_at(rest, 2)?);
        cont.push(rest.get(4..clen.checked_add(4)?)?);
        rest = rest.get(clen + 4..)?;
        size += clen + 4;
    }
    *stream = rest;
    Some(Record { typ, data, cont, size })
}

/// A cursor over a record's data and its continuations (calamine's `Record` methods).
struct Reader<'r, 's> {
    data: &'s [u8],
    cont: std::slice::Iter<'r, &'s [u8]>,
}

impl<'s> Reader<'_, 's> {
    fn continue_record(&mut self) -> bool {
        match self.cont.next() {
            Some(next) => {
                self.data = next;
                true
            }
            None => false,
        }
    }

    fn advance(&mut self, n: usize) -> Option<()> {
        self.data = self.data.get(n..)?;
        Some(())
    }

    fn skip(&mut self, mut len: usize) -> Option<()> {
        while len > 0 {
            if self.data.is_empty() && !self.continue_record() {
                return None;
            }
            let n = len.min(self.data.len());
            self.advance(n)?;
            len -= n;
        }
        Some(())
    }
}

/// The character count of each string of an SST record, read as calamine reads them; `None`
/// where calamine fails (it then opens nothing).
fn shared_string_lengths(r: &Record<'_>) -> Option<Vec<u64>> {
    let mut rd = Reader {
        data: r.data.get(8..)?,
        cont: r.cont.iter(),
    };
    let mut out = Vec::new();
    while !rd.data.is_empty() || rd.continue_record() {
        if rd.data.is_empty() {
            out.push(0);
            continue;
        }
        let cch = u16_at(rd.data, 0)?;
        let flags = *rd.data.get(2)?;
        rd.advance(3)?;
        let mut high_byte = flags & 0x1 != 0;
        let mut runs = 0usize;
        if flags & 0x8 != 0 {
            runs = usize::from(u16_at(rd.data, 0)?);
            rd.advance(2)?;
        }
        let mut ext = 0usize;
        if flags & 0x4 != 0 {
            // calamine reads an i32 and casts it: a negative size is a huge skip that fails.
            ext = usize::try_from(u32_at(rd.data, 0)?).ok()?;
            rd.advance(4)?;
        }
        let mut left = usize::from(cch);
        while left > 0 {
            let width = if high_byte { 2 } else { 1 };
            let n = (rd.data.len() / width).min(left);
            rd.advance(n * width)?;
            left -= n;
            if left > 0 {
                if !rd.continue_record() {
                    return None;
                }
                high_byte = *rd.data.first()? & 0x1 != 0;
                rd.advance(1)?;
            }
        }
        rd.skip(runs.checked_mul(4)?)?;
        rd.skip(ext)?;
        out.push(u64::from(cch));
    }
    Some(out)
}

/// A cell area being collected: first and last row and column.
#[derive(Default, Clone, Copy)]
struct Area(Option<(u32, u32, u32, u32)>);

impl Area {
    fn add(&mut self, row: u32, col: u32) {
        self.0 = Some(match self.0 {
            None => (row, row, col, col),
            Some((r0, r1, c0, c1)) => (r0.min(row), r1.max(row), c0.min(col), c1.max(col)),
        });
    }

    /// Cells of the dense grid from the first to the last row and column.
    fn cells(self) -> u64 {
        self.0.map_or(0, |(r0, r1, c0, c1)| {
            let rows = u64::from(r1).saturating_sub(u64::from(r0)).saturating_add(1);
            rows.saturating_mul(u64::from(c1).saturating_sub(u64::from(c0)).saturating_add(1))
        })
    }
}

/// The cells calamine reserves for a DIMENSIONS record, computed as it computes them (u32 rows
/// and columns that may wrap).
fn dimensions_cells(data: &[u8]) -> Option<u64> {
    let (rf, rl, mut cf, cl) = match data.len() {
        10 => (
            u32::from(u16_at(data, 0)?),
            u32::from(u16_at(data, 2)?),
            u32::from(u16_at(data, 4)?),
            u32::from(u16_at(data, 6)?),
        ),
        14 | 16 => (
            u32_at(data, 0)?,
            u32_at(data, 4)?,
            u32::from(u16_at(data, 8)?),
            u32::from(u16_at(data, 10)?),
        ),
        _ => return None,
    };
    if 0xFF < cf || cl < cf {
        cf = 0;
    }
    let (end_r, end_c) = if rl >= 1 && cl >= 1 { (rl - 1, cl - 1) } else { (rf, cf) };
    let rows = u64::from(end_r.wrapping_sub(rf).wrapping_add(1));
    let cols = u64::from(end_c.wrapping_sub(cf).wrapping_add(1));
    Some(rows.saturating_mul(cols))
}

/// Walks the globals and every sheet of the workbook stream and refuses what would pass a
/// limit: a DIMENSIONS record or a sheet's cell area (values and formulas) past
/// [`MAX_GRID_CELLS`] (all sheets together), shared-string copies and cell text past
/// [`MAX_GRID_TEXT`], one string past [`MAX_CELL_CHARS`], formula records past
/// [`MAX_FORMULA_BYTES`], sheets that together walk more records than the stream holds (several
/// sheets naming the same records, each parsed again by calamine).
fn check_workbook(stream: &[u8]) -> Result<(), BiffError> {
    let limit = |what: String| Err(BiffError::Limit(what));
    let mut rest = stream;
    let mut sheets: Vec<usize> = Vec::new();
    let mut strings: Vec<u64> = Vec::new();
    while let Some(r) = next_record(&mut rest) {
        match r.typ {
            0x0085 => {
                if let Some(pos) = u32_at(r.data, 0).and_then(|p| usize::try_from(p).ok()) {
                    sheets.push(pos);
                }
            }
            0x00FC => match shared_string_lengths(&r) {
                Some(lengths) => strings = lengths,
                None => return Err(BiffError::Broken("the xls shared-string table is broken".to_string())),
            },
            0x000A => break,
            _ => {}
        }
    }
    if let Some(longest) = strings.iter().max().filter(|n| **n > MAX_CELL_CHARS as u64) {
        return limit(format!(
            "a shared string of {longest} characters (more than {MAX_CELL_CHARS})"
        ));
    }

    let mut grid: u64 = 0;
    let mut text: u64 = 0;
    let mut formula_bytes: u64 = 0;
    let mut walked: usize = 0;
    for pos in sheets {
        let Some(mut rest) = stream.get(pos..) else {
            return Err(BiffError::Broken(
                "a sheet starts past the end of the xls stream".to_string(),
            ));
        };
        let (mut values, mut formulas) = (Area::default(), Area::default());
        let (mut depth, mut seen_bof) = (0usize, false);
        let mut formula_at = (0u32, 0u32);
        while let Some(r) = next_record(&mut rest) {
            walked = walked.saturating_add(r.size);
            if walked > stream.len() {
                return limit("the sheets of the xls share their records".to_string());
            }
            if depth > 0 {
                match r.typ {
                    0x0809 => depth += 1,
                    0x000A => depth -= 1,
                    _ => {}
                }
                continue;
            }
            let cell = |d: &[u8]| Some((u32::from(u16_at(d, 0)?), u32::from(u16_at(d, 2)?)));
            // UTF-8 text is at most three bytes per byte or character stored.
            let record_text = u64::try_from(r.size).unwrap_or(u64::MAX).saturating_mul(3);
            match r.typ {
                0x0809 if seen_bof => depth += 1,
                0x0809 => seen_bof = true,
                0x0200 => {
                    let reserved = dimensions_cells(r.data).unwrap_or(0);
                    if reserved > MAX_GRID_CELLS {
                        return limit(format!(
                            "a sheet's DIMENSIONS record claims {reserved} cells (more than {MAX_GRID_CELLS})"
                        ));
                    }
                }
                0x0203 | 0x0205 | 0x027E => {
                    if let Some((row, col)) = cell(r.data) {
                        values.add(row, col);
                    }
                }
                0x0204 | 0x00D6 => {
                    if let Some((row, col)) = cell(r.data) {
                        values.add(row, col);
                        text = text.saturating_add(record_text);
                    }
                }
                0x00FD if r.data.len() >= 10 => {
                    if let Some((row, col)) = cell(r.data) {
                        let index = u32_at(r.data, 6).and_then(|i| usize::try_from(i).ok());
                        if let Some(chars) = index.and_then(|i| strings.get(i)) {
                            values.add(row, col);
                            text = text.saturating_add(chars.saturating_mul(3));
                        }
                    }
                }
                0x00BD if r.data.len() >= 6 => {
                    let (Some((row, first)), Some(last)) = (cell(r.data), u16_at(r.data, r.data.len() - 2)) else {
                        continue;
                    };
                    let count = usize::from(last.wrapping_sub(u16::try_from(first).unwrap_or(0))) + 1;
                    if r.data.len() == 6 + 6 * count {
                        values.add(row, first);
                        values.add(row, first.saturating_add(u32::try_from(count - 1).unwrap_or(u32::MAX)));
                    }
                }
                0x0006 if r.data.len() >= 20 => {
                    if let Some(at) = cell(r.data) {
                        formula_at = at;
                        values.add(at.0, at.1);
                        formulas.add(at.0, at.1);
                        formula_bytes = formula_bytes.saturating_add(u64::try_from(r.size).unwrap_or(u64::MAX));
                    }
                }
                0x0207 => {
                    values.add(formula_at.0, formula_at.1);
                    text = text.saturating_add(record_text);
                }
                0x000A => break,
                _ => {}
            }
        }
        grid = grid.saturating_add(values.cells()).saturating_add(formulas.cells());
        if grid > MAX_GRID_CELLS {
            return limit(format!(
                "the xls sheets span {grid} cells from their first to their last cell (more than {MAX_GRID_CELLS})"
            ));
        }
        if text > MAX_GRID_TEXT {
            return limit(format!(
                "the xls cells hold more than {} MiB of text",
                MAX_GRID_TEXT >> 20
            ));
        }
        if formula_bytes > MAX_FORMULA_BYTES {
            return limit(format!(
                "the xls holds more than {} MiB of formulas",
                MAX_FORMULA_BYTES >> 20
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(out: &mut Vec<u8>, typ: u16, body: &[u8]) {
        out.extend_from_slice(&typ.to_le_bytes());
        out.extend_from_slice(&(body.len() as u16).to_le_bytes());
        out.extend_from_slice(body);
    }

    /// A workbook stream: globals naming one sheet, then the sheet's records.
    fn stream(sheet: &[(u16, Vec<u8>)]) -> Vec<u8> {
        let mut s = Vec::new();
        record(&mut s, 0x0809, &[0, 6, 5, 0]);
        let at = s.len() + 4;
        record(&mut s, 0x0085, &[0, 0, 0, 0, 0, 0, 1, 0, b'S']);
        record(&mut s, 0x000A, &[]);
        let pos = s.len() as u32;
        s[at..at + 4].copy_from_slice(&pos.to_le_bytes());
        record(&mut s, 0x0809, &[0, 6, 0x10, 0]);
        for (typ, body) in sheet {
            record(&mut s, *typ, body);
        }
        record(&mut s, 0x000A, &[]);
        s
    }

    fn number(row: u16, col: u16) -> (u16, Vec<u8>) {
        let mut b = Vec::new();
        b.extend_from_slice(&row.to_le_bytes());
        b.extend_from_slice(&col.to_le_bytes());
        b.extend_from_slice(&[0; 10]);
        (0x0203, b)
    }

    fn limit(result: Result<(), BiffError>) -> String {
        match result {
            Err(BiffError::Limit(msg)) => msg,
            other => panic!("expected a limit, got {other:?}"),
        }
    }

    #[test]
    fn dimensions_are_computed_as_calamine_computes_them_wrapping_included() {
        let dims = |rf: u32, rl: u32, cf: u16, cl: u16| {
            let mut b = Vec::new();
            b.extend_from_slice(&rf.to_le_bytes());
            b.extend_from_slice(&rl.to_le_bytes());
            b.extend_from_slice(&cf.to_le_bytes());
            b.extend_from_slice(&cl.to_le_bytes());
            b.extend_from_slice(&[0, 0]);
            b
        };
        assert_eq!(dimensions_cells(&dims(0, 10, 0, 4)), Some(40));
        assert_eq!(dimensions_cells(&dims(0, 0, 0, 0)), Some(1));
        // Last row before the first: calamine's subtraction wraps to four billion rows.
        assert_eq!(
            dimensions_cells(&dims(100, 50, 0, 2)),
            Some((u64::from(u32::MAX) - 49) * 2)
        );
        let msg = limit(check_workbook(&stream(&[(0x0200, dims(100, 50, 0, 2))])));
        assert!(msg.contains("DIMENSIONS"), "{msg}");
    }

    #[test]
    fn a_sheet_spanning_past_the_grid_limit_is_refused_and_a_real_one_is_not() {
        assert!(check_workbook(&stream(&[number(0, 0), number(2000, 200)])).is_ok());
        let msg = limit(check_workbook(&stream(&[number(0, 0), number(60_000, 255)])));
        assert!(msg.contains("span"), "{msg}");
    }

    #[test]
    fn formula_records_past_their_limit_are_refused() {
        let formula = (0x0006, vec![0u8; 8000]);
        let sheet: Vec<(u16, Vec<u8>)> = std::iter::repeat_n(formula, 600).collect();
        let msg = limit(check_workbook(&stream(&sheet)));
        assert!(msg.contains("formulas"), "{msg}");
    }

    #[test]
    fn sheets_reading_the_same_records_are_refused() {
        // Two BOUNDSHEETs at one sheet: walking both reads more than the stream holds.
        let cells: Vec<(u16, Vec<u8>)> = (0..50).map(|r| number(r, 0)).collect();
        let mut s = stream(&cells);
        assert!(check_workbook(&s).is_ok());
        // A second BOUNDSHEET pointing at the same sheet: insert it after the first.
        let first = s.windows(2).position(|w| w == [0x85, 0x00]).expect("BOUNDSHEET");
        let copy = s[first..first + 13].to_vec();
        s.splice(first..first, copy);
        let pos = u32::from_le_bytes(s[first + 4..first + 8].try_into().expect("4 bytes")) + 13;
        for at in [first + 4, first + 17] {
            s[at..at + 4].copy_from_slice(&pos.to_le_bytes());
        }
        let msg = limit(check_workbook(&s));
        assert!(msg.contains("share their records"), "{msg}");
    }

    #[test]
    fn a_compound_file_too_short_or_unsigned_is_refused() {
        assert!(matches!(check(b"short"), Err(BiffError::Broken(_))));
        assert!(matches!(check(&[0u8; 1024]), Err(BiffError::Broken(_))));
    }
}
