//! Refusing decompression bombs: how far the parts of a workbook may inflate.
//!
//! An `.xlsx` workbook is a zip archive of XML parts. A few kilobytes of zip
//! can inflate to gigabytes: the reader would parse them for minutes and the
//! shared-strings table would fill the disk. [`check_declared`] runs as the
//! workbook is opened and refuses a part whose declared size is past a
//! limit; as the declared sizes can lie, every part the reader then reads is
//! counted as it inflates ([`Counted`]) and stops the run at the limit. A
//! part may inflate to at most [`ZipLimits::max_unzipped`] bytes, and, once
//! past [`RATIO_GRACE_BYTES`], to at most [`ZipLimits::max_ratio`] times its
//! compressed size. Counting while reading inflates each part once, not once
//! to check and again to read.

#[cfg(feature = "xlsx")]
use std::io::{self, Read, Seek};
#[cfg(feature = "xlsx")]
use std::sync::{Arc, Mutex};

#[cfg(feature = "xlsx")]
use crate::error::{Error, Result};

/// Default most bytes one part of a workbook may inflate to: 1 GiB.
pub const DEFAULT_MAX_UNZIPPED: u64 = 1 << 30;

/// Default most times its compressed size a part may inflate to. Workbook XML
/// compresses 5–20 times; deflate cannot go past about 1,030.
pub const DEFAULT_MAX_RATIO: u64 = 100;

/// The ratio is not checked for parts smaller than this (tiny parts of
/// repeated markup compress well and hold nothing).
pub const RATIO_GRACE_BYTES: u64 = 1 << 20;

/// How far the parts of a workbook may inflate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ZipLimits {
    /// Most bytes one part may inflate to (`--max-unzipped-size`).
    pub max_unzipped: u64,
    /// Most times its compressed size one part may inflate to (`--max-unzip-ratio`).
    pub max_ratio: u64,
}

impl Default for ZipLimits {
    fn default() -> Self {
        ZipLimits {
            max_unzipped: DEFAULT_MAX_UNZIPPED,
            max_ratio: DEFAULT_MAX_RATIO,
        }
    }
}

/// Parses a size such as `500M`, `2G`, `1GiB` or `1048576` (bytes; K, M, G
/// and T are powers of 1024).
///
/// # Errors
///
/// When the text is not a number with an optional unit.
pub fn parse_size(text: &str) -> std::result::Result<u64, String> {
    let t = text.trim();
    let digits = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (number, unit) = t.split_at(digits);
    let shift = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 0,
        "k" | "kb" | "kib" => 10,
        "m" | "mb" | "mib" => 20,
        "g" | "gb" | "gib" => 30,
        "t" | "tb" | "tib" => 40,
        _ => return Err(format!("{text:?} is not a size: use bytes or 500M, 2G ...")),
    };
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| format!("{text:?} is not a size: use bytes or 500M, 2G ..."))
}

#[cfg(feature = "xlsx")]
/// A byte count for messages: `1.0 GiB`, `300.0 MiB`, `12 KiB`, `900 bytes`.
fn human(bytes: u64) -> String {
    const UNITS: [(&str, u64); 3] = [("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    for (unit, size) in UNITS {
        if bytes >= size {
            return format!("{:.1} {unit}", bytes as f64 / size as f64);
        }
    }
    format!("{bytes} bytes")
}

#[cfg(feature = "xlsx")]
/// Checks the sizes the parts of `archive` (the workbook `name`, `file_len`
/// bytes) declare against `limits` (see the module docs).
///
/// # Errors
///
/// When a part declares a size past a limit: the message names the file, the
/// part, the limit and the flag that raises it.
pub fn check_declared<R: Read + Seek>(
    name: &str,
    archive: &mut zip::ZipArchive<R>,
    file_len: u64,
    limits: ZipLimits,
) -> Result<()> {
    for i in 0..archive.len() {
        let Ok(entry) = archive.by_index_raw(i) else {
            continue;
        };
        let part = Part::new(entry.name(), entry.compressed_size(), file_len);
        part.check(name, entry.size(), limits, "declares that it unzips to")?;
    }
    Ok(())
}

#[cfg(feature = "xlsx")]
/// Where a part that inflated past the limits leaves its error, for the
/// reader to report as it is (a read error says only that it stopped).
pub type Refusal = Arc<Mutex<Option<Error>>>;

#[cfg(feature = "xlsx")]
/// A part of a workbook read as it inflates, its bytes counted against the
/// limits: past one, reading fails and the error is left in the [`Refusal`].
pub struct Counted<R> {
    inner: R,
    part: Part,
    file: String,
    limits: ZipLimits,
    total: u64,
    refusal: Refusal,
}

#[cfg(feature = "xlsx")]
impl<R: Read> Counted<R> {
    /// Counts the part `name` of the workbook `file` (`compressed` bytes in
    /// the zip, whose whole size is `file_len`) read from `inner`.
    pub fn new(
        inner: R,
        (file, name): (&str, &str),
        (compressed, file_len): (u64, u64),
        limits: ZipLimits,
        refusal: Refusal,
    ) -> Self {
        Counted {
            inner,
            part: Part::new(name, compressed, file_len),
            file: file.to_string(),
            limits,
            total: 0,
            refusal,
        }
    }
}

#[cfg(feature = "xlsx")]
impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.total += n as u64;
        if let Err(e) = self
            .part
            .check(&self.file, self.total, self.limits, "unzips to more than")
        {
            if let Ok(mut slot) = self.refusal.lock() {
                slot.get_or_insert(e);
            }
            return Err(io::Error::other(format!(
                "part {} inflates past the workbook limits",
                self.part.name
            )));
        }
        Ok(n)
    }
}

#[cfg(feature = "xlsx")]
/// A part of the archive, as far as the limits need it.
struct Part {
    name: String,
    /// Compressed size (at least 1, at most the file's size).
    compressed: u64,
}

#[cfg(feature = "xlsx")]
impl Part {
    /// The part `name`, `compressed` bytes in a zip of `file_len` bytes (a
    /// compressed size can lie too: it counts as at most the file's size).
    fn new(name: &str, compressed: u64, file_len: u64) -> Self {
        Part {
            name: name.to_string(),
            compressed: compressed.min(file_len).max(1),
        }
    }

    /// Checks `unzipped` bytes of this part against `limits`; `what` says
    /// whether they are declared or counted.
    fn check(&self, file: &str, unzipped: u64, limits: ZipLimits, what: &str) -> Result<()> {
        let is_too_big = unzipped > limits.max_unzipped;
        let ratio_limit = self.compressed.saturating_mul(limits.max_ratio);
        let is_too_dense = unzipped > RATIO_GRACE_BYTES && unzipped > ratio_limit;
        if !(is_too_big || is_too_dense) {
            return Ok(());
        }
        let limit = if is_too_big {
            format!(
                "past the limit of {} a part (--max-unzipped-size {})",
                human(limits.max_unzipped),
                limits.max_unzipped
            )
        } else {
            format!(
                "more than {} times its compressed {}, the limit (--max-unzip-ratio {})",
                limits.max_ratio,
                human(self.compressed),
                limits.max_ratio
            )
        };
        Err(Error::input(
            "xlsx",
            file,
            None,
            format!(
                "refusing the workbook: its part {:?} {what} {}, {limit}. A file this \
                 compressed is likely a decompression bomb; if you trust it, raise the limit \
                 with the flag named",
                self.name,
                human(unzipped)
            ),
        ))
    }
}

#[cfg(all(test, feature = "xlsx"))]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;

    /// A zip holding `parts` (name, content), deflated.
    fn archive(parts: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let opts =
            SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, content) in parts {
            zip.start_file(*name, opts).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn check(bytes: Vec<u8>, limits: ZipLimits) -> Result<()> {
        let len = bytes.len() as u64;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        check_declared("b.xlsx", &mut zip, len, limits)
    }

    #[test]
    fn sizes_parse_with_units() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("500M"), Ok(500 << 20));
        assert_eq!(parse_size("2GiB"), Ok(2 << 30));
        assert_eq!(parse_size(" 3 kb "), Ok(3 << 10));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("1.5G").is_err());
        assert!(parse_size("99999999999T").is_err());
    }

    #[test]
    fn ordinary_parts_pass() {
        let text: Vec<u8> = (0..200_000u32)
            .flat_map(|i| format!("<c r=\"A{i}\"><v>{}</v></c>", i * 7919 % 10007).into_bytes())
            .collect();
        let bytes = archive(&[("xl/worksheets/sheet1.xml", &text), ("media/x.png", b"png")]);
        check(bytes, ZipLimits::default()).unwrap();
    }

    #[test]
    fn a_dense_part_is_refused_by_its_ratio() {
        let zeros = vec![b' '; 8 << 20];
        let bytes = archive(&[("xl/sharedStrings.xml", &zeros)]);
        assert!(bytes.len() < 64 << 10, "{}", bytes.len());
        let e = check(bytes.clone(), ZipLimits::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("b.xlsx: refusing the workbook: its part \"xl/sharedStrings.xml\"")
                && e.contains("--max-unzip-ratio 100"),
            "{e}"
        );
        let loose = ZipLimits {
            max_ratio: 2000,
            ..ZipLimits::default()
        };
        check(bytes, loose).unwrap();
    }

    #[test]
    fn a_big_part_is_refused_by_its_size() {
        let text = vec![b'x'; 3 << 20];
        let bytes = archive(&[("xl/worksheets/sheet1.xml", &text)]);
        let small = ZipLimits {
            max_unzipped: 2 << 20,
            max_ratio: 10_000,
        };
        let e = check(bytes, small).unwrap_err().to_string();
        assert!(
            e.contains("\"xl/worksheets/sheet1.xml\"")
                && e.contains("past the limit of 2.0 MiB a part (--max-unzipped-size 2097152)"),
            "{e}"
        );
    }

    /// `bytes` with the sizes part `name` declares (local header and central
    /// directory) set to `size`, as a crafted zip would lie.
    fn understated(mut bytes: Vec<u8>, name: &str, size: u32) -> Vec<u8> {
        let name = name.as_bytes();
        // (signature, offset of the uncompressed size, offset of the name)
        for (sig, at_size, at_name) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
            let header = (0..bytes.len())
                .find(|&i| bytes[i..].starts_with(sig) && bytes[i + at_name..].starts_with(name))
                .unwrap();
            bytes[header + at_size..header + at_size + 4].copy_from_slice(&size.to_le_bytes());
        }
        bytes
    }

    /// Reads the part `name` of `bytes` through [`Counted`]: what it inflated
    /// to, or the error left in the refusal.
    fn count(bytes: Vec<u8>, name: &str, limits: ZipLimits) -> Result<u64> {
        let len = bytes.len() as u64;
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let entry = zip.by_name(name).unwrap();
        let compressed = entry.compressed_size();
        let refusal = Refusal::default();
        let mut counted = Counted::new(
            entry,
            ("b.xlsx", name),
            (compressed, len),
            limits,
            Arc::clone(&refusal),
        );
        let mut out = Vec::new();
        match counted.read_to_end(&mut out) {
            Ok(n) => Ok(n as u64),
            Err(_) => Err(refusal.lock().unwrap().take().expect("the refusal")),
        }
    }

    /// A part whose zip understates its size passes the declared check, and
    /// is refused as it inflates, whatever its name.
    #[test]
    fn a_part_that_lies_is_refused_as_it_inflates() {
        let zeros = vec![b' '; 8 << 20];
        let name = "xl/worksheets/sheet1.bin";
        let bytes = understated(archive(&[(name, &zeros)]), name, 100);
        check(bytes.clone(), ZipLimits::default()).unwrap();
        let e = count(bytes.clone(), name, ZipLimits::default())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("b.xlsx: refusing the workbook: its part \"xl/worksheets/sheet1.bin\" unzips to more than")
                && e.contains("--max-unzip-ratio 100"),
            "{e}"
        );
        let loose = ZipLimits {
            max_ratio: 2000,
            ..ZipLimits::default()
        };
        assert_eq!(count(bytes, name, loose).unwrap(), 8 << 20);
    }
}
