//! The parts of an `.xlsx` package: where the workbook, its sheets, styles
//! and shared strings are, read from the package's relationships.
//!
//! An `.xlsx` file is a zip of XML parts. `_rels/.rels` names the workbook
//! part (`xl/workbook.xml` as Excel saves it); the workbook lists its sheets
//! by name and relationship id, and its own relationships part maps those ids,
//! and the styles and shared strings, to part names. Part names are matched
//! without regard to case or slash direction, as Excel does.

use std::collections::HashMap;
use std::io::{BufReader, Read, Seek};

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use zip::read::ZipFile;
use zip::ZipArchive;

use crate::error::Error;
use crate::input::zip_limits::{check_declared, Counted, Refusal, ZipLimits};

/// An XML part being read, counted against the unzip limits as it inflates.
pub type PartReader<'a, RS> = Reader<BufReader<Counted<ZipFile<'a, RS>>>>;

/// Where a workbook's parts are.
#[derive(Debug, Default)]
pub struct Workbook {
    /// Sheet names and their part names, in workbook order.
    pub sheets: Vec<(String, String)>,
    /// Whether date serials count from 1904-01-01.
    pub is_1904: bool,
    /// The styles part, when the workbook has one.
    pub styles: Option<String>,
    /// The shared-strings part, when the workbook has one.
    pub shared_strings: Option<String>,
}

/// A workbook's zip archive, with its part names found regardless of case.
pub struct Package<RS> {
    zip: ZipArchive<RS>,
    /// Lower-cased, forward-slashed part name → the name in the zip.
    names: HashMap<String, String>,
    /// The workbook's name, for the limits' messages.
    file: String,
    /// Bytes in the zip.
    file_len: u64,
    limits: ZipLimits,
    /// Where a part that inflates past the limits leaves its error.
    refusal: Refusal,
}

impl<RS: Read + Seek> Package<RS> {
    /// Opens the zip archive in `rs`, the workbook `file`, whose parts are
    /// read within `limits`.
    ///
    /// # Errors
    ///
    /// When `rs` is not a zip archive.
    pub fn open(mut rs: RS, file: &str, limits: ZipLimits) -> Result<Self, String> {
        let file_len = rs
            .seek(std::io::SeekFrom::End(0))
            .map_err(|e| e.to_string())?;
        let zip = ZipArchive::new(rs).map_err(|e| e.to_string())?;
        let names = zip
            .file_names()
            .map(|n| (normalize(n), n.to_string()))
            .collect();
        Ok(Package {
            zip,
            names,
            file: file.to_string(),
            file_len,
            limits,
            refusal: Refusal::default(),
        })
    }

    /// Checks the sizes the parts declare against the limits (what they
    /// really inflate to is counted as they are read).
    ///
    /// # Errors
    ///
    /// When a part declares a size past a limit.
    pub fn check_declared_sizes(&mut self) -> crate::error::Result<()> {
        check_declared(&self.file, &mut self.zip, self.file_len, self.limits)
    }

    /// The error of a part that inflated past the limits, once: a read that
    /// failed for that reason is reported with it.
    pub fn refusal(&self) -> Option<Error> {
        self.refusal.lock().ok().and_then(|mut r| r.take())
    }

    /// A reader of the XML part `name`, or `None` when there is no such part.
    ///
    /// # Errors
    ///
    /// When the part cannot be opened (an unsupported compression method, a
    /// broken entry).
    pub fn part(&mut self, name: &str) -> Result<Option<PartReader<'_, RS>>, String> {
        let Some(real) = self.names.get(&normalize(name)) else {
            return Ok(None);
        };
        let file = self
            .zip
            .by_name(real)
            .map_err(|e| format!("part {name}: {e}"))?;
        let compressed = file.compressed_size();
        let counted = Counted::new(
            file,
            (&self.file, real),
            (compressed, self.file_len),
            self.limits,
            std::sync::Arc::clone(&self.refusal),
        );
        let mut xml = Reader::from_reader(BufReader::with_capacity(1 << 16, counted));
        let config = xml.config_mut();
        config.expand_empty_elements = true;
        config.check_end_names = false;
        config.check_comments = false;
        config.trim_text(false);
        Ok(Some(xml))
    }

    /// Where the workbook's sheets, styles and shared strings are.
    ///
    /// # Errors
    ///
    /// When the workbook part is missing or its XML is broken.
    pub fn workbook(&mut self) -> Result<Workbook, String> {
        let root = self.relationships("_rels/.rels", "")?;
        let workbook_part = root
            .iter()
            .find(|r| r.kind.ends_with("/officeDocument"))
            .map_or_else(|| "xl/workbook.xml".to_string(), |r| r.target.clone());
        if workbook_part.to_ascii_lowercase().ends_with(".bin") {
            return Err(
                "it is an .xlsb (binary) workbook, which popm cannot read: save it as \
                        .xlsx or CSV"
                    .to_string(),
            );
        }
        let (dir, file) = workbook_part
            .rsplit_once('/')
            .unwrap_or(("", workbook_part.as_str()));
        let rels = self.relationships(&format!("{dir}/_rels/{file}.rels"), dir)?;
        let of_kind = |kind: &str| {
            rels.iter()
                .find(|r| r.kind.ends_with(kind))
                .map(|r| r.target.clone())
        };
        let styles = of_kind("/styles").or_else(|| self.has(&format!("{dir}/styles.xml")));
        let shared_strings =
            of_kind("/sharedStrings").or_else(|| self.has(&format!("{dir}/sharedStrings.xml")));
        let mut wb = Workbook {
            styles,
            shared_strings,
            ..Workbook::default()
        };
        let mut xml = self
            .part(&workbook_part)?
            .ok_or_else(|| format!("the package has no workbook part ({workbook_part})"))?;
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"sheet" => {
                    let name = attr(&e, b"name")?.unwrap_or_default();
                    let id = attr_local(&e, b"id")?.unwrap_or_default();
                    let part = rels
                        .iter()
                        .find(|r| r.id == id)
                        .map(|r| r.target.clone())
                        .ok_or_else(|| {
                            format!("sheet {name:?} has no part (relationship {id:?} is missing)")
                        })?;
                    wb.sheets.push((name, part));
                }
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"workbookPr" => {
                    let date1904 = attr(&e, b"date1904")?;
                    wb.is_1904 = matches!(date1904.as_deref(), Some("1" | "true"));
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(format!("{workbook_part}: {e}")),
            }
        }
        Ok(wb)
    }

    /// The part `name`, when the package has it.
    fn has(&self, name: &str) -> Option<String> {
        self.names
            .contains_key(&normalize(name))
            .then(|| name.to_string())
    }

    /// The relationships in the part `name` (none when it is missing), with
    /// targets resolved against the folder `base`.
    fn relationships(&mut self, name: &str, base: &str) -> Result<Vec<Relationship>, String> {
        let Some(mut xml) = self.part(name)? else {
            return Ok(Vec::new());
        };
        let mut found = Vec::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e)) if e.local_name().as_ref() == b"Relationship" => {
                    // External targets (hyperlinks, linked files) are not parts.
                    if attr(&e, b"TargetMode")?.as_deref() == Some("External") {
                        continue;
                    }
                    found.push(Relationship {
                        id: attr(&e, b"Id")?.unwrap_or_default(),
                        kind: attr(&e, b"Type")?.unwrap_or_default(),
                        target: resolve(base, &attr(&e, b"Target")?.unwrap_or_default()),
                    });
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => return Err(format!("{name}: {e}")),
            }
        }
        Ok(found)
    }
}

/// Whether the part `name` is a worksheet's (Excel keeps them in a
/// `worksheets` folder; chart and dialog sheets elsewhere).
pub fn is_worksheet_part(name: &str) -> bool {
    normalize(name).split('/').rev().nth(1) == Some("worksheets")
}

/// Whether `rs` starts as an OLE compound file: what Excel saves an encrypted
/// (password-protected) workbook as, and the old binary `.xls` format.
pub fn is_compound_file<RS: Read + Seek>(rs: &mut RS) -> bool {
    let mut magic = [0u8; 8];
    let read = rs.read_exact(&mut magic).is_ok();
    let _ = rs.seek(std::io::SeekFrom::Start(0));
    read && magic == crate::input::format::OLE_MAGIC
}

/// One relationship of a part.
struct Relationship {
    id: String,
    kind: String,
    /// The target part's name from the package root.
    target: String,
}

/// A part name as looked up: lower case, forward slashes, no leading slash.
fn normalize(name: &str) -> String {
    name.trim_start_matches(['/', '\\'])
        .replace('\\', "/")
        .to_ascii_lowercase()
}

/// The part a relationship target names, from the folder `base`: an absolute
/// target from the package root, a relative one with `..` and `.` resolved.
fn resolve(base: &str, target: &str) -> String {
    let mut parts: Vec<&str> = if target.starts_with('/') {
        Vec::new()
    } else {
        base.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in target.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// The unescaped value of the attribute `key` of `e`.
pub fn attr(e: &BytesStart, key: &[u8]) -> Result<Option<String>, String> {
    attr_where(e, |k| k == key)
}

/// The unescaped value of the attribute whose local name (after any
/// namespace prefix) is `key`.
fn attr_local(e: &BytesStart, key: &[u8]) -> Result<Option<String>, String> {
    attr_where(e, |k| k.rsplit(|&b| b == b':').next() == Some(key))
}

/// The unescaped value of the first attribute of `e` whose name passes `is`.
fn attr_where(e: &BytesStart, is: impl Fn(&[u8]) -> bool) -> Result<Option<String>, String> {
    for a in e.attributes() {
        let a = a.map_err(|e| e.to_string())?;
        if is(a.key.as_ref()) {
            let raw = std::str::from_utf8(&a.value).map_err(|e| e.to_string())?;
            let v = quick_xml::escape::unescape(raw).map_err(|e| e.to_string())?;
            return Ok(Some(v.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_resolve_against_their_folder() {
        assert_eq!(
            resolve("xl", "worksheets/sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
        assert_eq!(resolve("xl", "/xl/worksheets/s.xml"), "xl/worksheets/s.xml");
        assert_eq!(resolve("xl", "../other/s.xml"), "other/s.xml");
        assert_eq!(resolve("", "xl/workbook.xml"), "xl/workbook.xml");
        assert_eq!(resolve("xl", "./styles.xml"), "xl/styles.xml");
    }

    #[test]
    fn compound_files_are_told_apart() {
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.resize(512, 0);
        assert!(is_compound_file(&mut std::io::Cursor::new(cfb)));
        assert!(!is_compound_file(&mut std::io::Cursor::new(
            b"PK\x03\x04".to_vec()
        )));
        assert!(!is_compound_file(&mut std::io::Cursor::new(Vec::new())));
        let e = Package::open(
            std::io::Cursor::new(b"id,text".to_vec()),
            "x.csv",
            ZipLimits::default(),
        )
        .err()
        .unwrap_or_default();
        assert!(!e.is_empty(), "not a zip");
    }

    #[test]
    fn worksheet_parts() {
        assert!(is_worksheet_part("xl/worksheets/sheet1.xml"));
        assert!(is_worksheet_part("/XL/Worksheets/Sheet2.xml"));
        assert!(!is_worksheet_part("xl/chartsheets/sheet1.xml"));
        assert!(!is_worksheet_part("sheet1.xml"));
    }

    #[test]
    fn part_names_ignore_case_and_slashes() {
        assert_eq!(
            normalize("/XL\\Worksheets/Sheet1.xml"),
            "xl/worksheets/sheet1.xml"
        );
    }
}
