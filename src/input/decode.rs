//! Turning input bytes into UTF-8, before any parsing.
//!
//! Every text input (CSV, TSV, JSON, JSON Lines) passes through [`decode`]
//! first, so the parsers only ever see UTF-8. With [`EncodingChoice::Auto`]:
//!
//! 1. a byte order mark decides (UTF-8, UTF-16 LE, UTF-16 BE) and is dropped;
//! 2. without one, when the first [`SAMPLE_SIZE`] bytes look like UTF-8
//!    ([`looks_like_utf8`]: valid, or with no more invalid sequences than
//!    valid multi-byte characters, as in a UTF-8 export with a few damaged bytes),
//!    the input is read as UTF-8, unchanged: an invalid byte becomes U+FFFD
//!    with a warning for its row ([`crate::input::decode_field`]);
//! 3. otherwise the whole input is decoded as Windows-1252, the encoding of
//!    "CSV" exports from Excel and most Western Windows programs, and
//!    [`Decoded::note`] says so, for the caller to warn.
//!
//! A fixed encoding ([`EncodingChoice::Fixed`], `--encoding LABEL`) is used as
//! given, except that a byte order mark still wins (as in the WHATWG decode
//! algorithm): a file that says it is UTF-16 is UTF-16.

use std::io::{self, Cursor, Read};

use encoding_rs::{Encoding, REPLACEMENT, UTF_8, WINDOWS_1252};

use crate::error::{Error, Result};

/// Bytes looked at to decide whether an input without a byte order mark is UTF-8.
pub const SAMPLE_SIZE: usize = 64 * 1024;

/// A few valid `--encoding` labels, for messages and help.
pub const EXAMPLE_LABELS: &[&str] = &[
    "auto",
    "utf-8",
    "utf-16le",
    "utf-16be",
    "windows-1252",
    "latin1",
    "iso-8859-15",
    "windows-1250",
    "shift_jis",
];

/// Which encoding to read an input in.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum EncodingChoice {
    /// Byte order mark, else UTF-8 when valid, else Windows-1252 (see the module docs).
    #[default]
    Auto,
    /// This encoding (a byte order mark still wins).
    Fixed(&'static Encoding),
}

impl EncodingChoice {
    /// Parses `auto` or any WHATWG encoding label (`utf-8`, `latin1`, `utf-16le`, ...).
    ///
    /// # Errors
    ///
    /// When the label is unknown, or names the "replacement" pseudo-encoding;
    /// the message lists valid labels.
    pub fn parse(label: &str) -> Result<EncodingChoice> {
        let label = label.trim();
        if label.eq_ignore_ascii_case("auto") {
            return Ok(EncodingChoice::Auto);
        }
        match Encoding::for_label(label.as_bytes()) {
            Some(enc) if enc != REPLACEMENT => Ok(EncodingChoice::Fixed(enc)),
            _ => Err(Error::usage(format!(
                "--encoding {label:?} is not an encoding popm knows; use one of {} \
                 (or any WHATWG label, https://encoding.spec.whatwg.org/#names-and-labels)",
                EXAMPLE_LABELS.join(", ")
            ))),
        }
    }
}

/// An input turned into a UTF-8 byte stream.
pub struct Decoded {
    /// The UTF-8 bytes (a UTF-8 input passes through unchanged, minus its byte order mark).
    pub reader: Box<dyn Read + Send>,
    /// The encoding the input is read in.
    pub encoding: &'static Encoding,
    /// Set when the encoding was guessed from invalid UTF-8: a warning for the user.
    pub note: Option<String>,
}

impl std::fmt::Debug for Decoded {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Decoded")
            .field("encoding", &self.encoding.name())
            .field("note", &self.note)
            .finish()
    }
}

/// Wraps `inner` so that it yields UTF-8; `name` is used in messages.
///
/// # Errors
///
/// When reading the first [`SAMPLE_SIZE`] bytes fails.
pub fn decode(
    name: &str,
    mut inner: Box<dyn Read + Send>,
    choice: EncodingChoice,
) -> Result<Decoded> {
    let mut sample = Vec::with_capacity(SAMPLE_SIZE.min(8192));
    (&mut inner)
        .take(SAMPLE_SIZE as u64)
        .read_to_end(&mut sample)
        .map_err(|e| Error::io(name, e))?;
    let bom = Encoding::for_bom(&sample);
    let skip = bom.map_or(0, |(_, len)| len);
    let (encoding, note) = match (bom, choice) {
        (Some((enc, _)), _) => (enc, None),
        (None, EncodingChoice::Fixed(enc)) => (enc, None),
        (None, EncodingChoice::Auto) if looks_like_utf8(&sample) => (UTF_8, None),
        (None, EncodingChoice::Auto) => (
            WINDOWS_1252,
            Some(
                "decoded as windows-1252 (the input is not UTF-8); \
                 use --encoding to choose another encoding"
                    .to_string(),
            ),
        ),
    };
    sample.drain(..skip);
    let joined = Cursor::new(sample).chain(inner);
    let reader: Box<dyn Read + Send> = if encoding == UTF_8 {
        Box::new(joined)
    } else {
        Box::new(
            encoding_rs_io::DecodeReaderBytesBuilder::new()
                .encoding(Some(encoding))
                .build(joined),
        )
    };
    Ok(Decoded {
        reader,
        encoding,
        note,
    })
}

/// Whether `sample` is valid UTF-8, allowing an incomplete sequence at its very end.
pub fn is_utf8_prefix(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Whether a sample without a byte order mark is read as UTF-8.
///
/// Yes when it is valid UTF-8 (see [`is_utf8_prefix`]), or when its valid
/// multi-byte characters are at least as many as its invalid sequences: a UTF-8 file with
/// a few damaged bytes stays UTF-8 (and each bad byte is reported with its
/// row), while Windows-1252 text, whose accented letters almost never form
/// valid UTF-8 sequences, is not.
pub fn looks_like_utf8(sample: &[u8]) -> bool {
    if is_utf8_prefix(sample) {
        return true;
    }
    let (mut multibyte, mut invalid) = (0usize, 0usize);
    for chunk in sample.utf8_chunks() {
        multibyte += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
        invalid += usize::from(!chunk.invalid().is_empty());
    }
    multibyte > 0 && invalid <= multibyte
}

/// Decodes a whole byte slice: the same rules as [`decode`], in memory.
///
/// # Errors
///
/// Never in practice (reading from memory cannot fail); the signature follows [`decode`].
pub fn decode_bytes(bytes: &[u8], choice: EncodingChoice) -> Result<(String, Option<String>)> {
    let d = decode("<memory>", Box::new(Cursor::new(bytes.to_vec())), choice)?;
    let mut out = Vec::new();
    let mut reader = d.reader;
    reader
        .read_to_end(&mut out)
        .map_err(|e| Error::io("<memory>", e))?;
    Ok((String::from_utf8_lossy(&out).into_owned(), d.note))
}

/// Reads up to `limit` bytes, stopping early after the first line break.
///
/// Used to look at the first line of a decoded stream (delimiter sniffing)
/// without depending on how much one `read` call happens to return.
pub(crate) fn read_head(reader: &mut dyn Read, limit: usize) -> io::Result<Vec<u8>> {
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while head.len() < limit {
        let want = chunk.len().min(limit - head.len());
        let n = match reader.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        head.extend_from_slice(&chunk[..n]);
        if chunk[..n].contains(&b'\n') {
            break;
        }
    }
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16le(s: &str, bom: bool) -> Vec<u8> {
        let mut v = if bom { vec![0xff, 0xfe] } else { Vec::new() };
        v.extend(s.encode_utf16().flat_map(u16::to_le_bytes));
        v
    }

    fn utf16be(s: &str) -> Vec<u8> {
        let mut v = vec![0xfe, 0xff];
        v.extend(s.encode_utf16().flat_map(u16::to_be_bytes));
        v
    }

    fn auto(bytes: &[u8]) -> (String, Option<String>) {
        decode_bytes(bytes, EncodingChoice::Auto).unwrap()
    }

    #[test]
    fn parses_labels() {
        assert_eq!(EncodingChoice::parse("auto").unwrap(), EncodingChoice::Auto);
        assert_eq!(
            EncodingChoice::parse(" AUTO ").unwrap(),
            EncodingChoice::Auto
        );
        assert_eq!(
            EncodingChoice::parse("latin1").unwrap(),
            EncodingChoice::Fixed(WINDOWS_1252)
        );
        assert_eq!(
            EncodingChoice::parse("UTF-16LE").unwrap(),
            EncodingChoice::Fixed(encoding_rs::UTF_16LE)
        );
        assert_eq!(
            EncodingChoice::parse("iso-8859-15").unwrap(),
            EncodingChoice::Fixed(encoding_rs::ISO_8859_15)
        );
        let e = EncodingChoice::parse("klingon").unwrap_err().to_string();
        assert!(
            e.contains("\"klingon\"") && e.contains("windows-1252"),
            "{e}"
        );
        // "iso-2022-kr" maps to the replacement pseudo-encoding: refused.
        assert!(EncodingChoice::parse("iso-2022-kr").is_err());
    }

    #[test]
    fn utf8_passes_through_and_bom_is_dropped() {
        assert_eq!(auto(b"a,b\n1,\xc3\xa9\n"), ("a,b\n1,é\n".to_string(), None));
        assert_eq!(auto(b"\xef\xbb\xbfa,b\n").0, "a,b\n");
        // Invalid UTF-8 after the sample is left for the per-row warning.
        let mut big = vec![b'a'; SAMPLE_SIZE];
        big.extend_from_slice(b"\xff\n");
        let d = decode(
            "t",
            Box::new(Cursor::new(big.clone())),
            EncodingChoice::Auto,
        )
        .unwrap();
        assert_eq!(d.encoding, UTF_8);
        let mut out = Vec::new();
        let mut r = d.reader;
        r.read_to_end(&mut out).unwrap();
        assert_eq!(out, big, "UTF-8 bytes are passed through unchanged");
    }

    #[test]
    fn sequence_cut_by_the_sample_end_is_utf8() {
        let mut big = vec![b'a'; SAMPLE_SIZE - 1];
        big.extend_from_slice("é and more".as_bytes());
        assert!(!is_utf8_prefix(b"a\xff"));
        assert!(is_utf8_prefix(b"a\xc3"));
        let (text, note) = auto(&big);
        assert!(note.is_none());
        assert!(text.ends_with("é and more"));
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252() {
        // é, €, en dash, curly quotes in Windows-1252.
        let (text, note) = auto(b"caf\xe9 \x80 \x96 \x93q\x94\n");
        assert_eq!(text, "café € – “q”\n");
        let note = note.expect("a note");
        assert!(
            note.contains("windows-1252") && note.contains("--encoding"),
            "{note}"
        );
    }

    #[test]
    fn utf8_with_a_few_damaged_bytes_stays_utf8() {
        assert!(looks_like_utf8("Über café – naïve".as_bytes()));
        let mut damaged = "Über café – naïve, ".as_bytes().to_vec();
        damaged.extend_from_slice(b"bad \xff byte");
        assert!(looks_like_utf8(&damaged));
        assert!(!looks_like_utf8(b"caf\xe9 na\xefve \x96 \x93q\x94"));
        assert!(!looks_like_utf8(b"plain \xff"), "no UTF-8 evidence at all");
    }

    #[test]
    fn utf16_boms_are_transcoded() {
        let text = "id\tdescription\n1\tProduct Owner – café\n";
        assert_eq!(auto(&utf16le(text, true)), (text.to_string(), None));
        assert_eq!(auto(&utf16be(text)), (text.to_string(), None));
    }

    #[test]
    fn fixed_encodings() {
        let latin = EncodingChoice::parse("latin1").unwrap();
        assert_eq!(
            decode_bytes(b"caf\xe9", latin).unwrap(),
            ("café".to_string(), None)
        );
        // Valid UTF-8 read as latin1 is taken literally: the user asked for it.
        assert_eq!(decode_bytes("é".as_bytes(), latin).unwrap().0, "Ã©");
        // A byte order mark wins over the label.
        assert_eq!(decode_bytes(&utf16le("x", true), latin).unwrap().0, "x");
        let le = EncodingChoice::parse("utf-16le").unwrap();
        assert_eq!(decode_bytes(&utf16le("ab", false), le).unwrap().0, "ab");
        let l9 = EncodingChoice::parse("iso-8859-15").unwrap();
        assert_eq!(decode_bytes(b"\xa4", l9).unwrap().0, "€");
    }

    #[test]
    fn empty_input_decodes_to_nothing() {
        assert_eq!(auto(b""), (String::new(), None));
        assert_eq!(auto(b"\xef\xbb\xbf"), (String::new(), None));
    }

    #[test]
    fn head_stops_after_the_first_line() {
        let mut r = Cursor::new(b"a,b\nc,d\n".to_vec());
        let head = read_head(&mut r, 1024).unwrap();
        assert!(head.starts_with(b"a,b\n"));
        assert_eq!(
            read_head(&mut Cursor::new(b"abc".to_vec()), 2).unwrap(),
            b"ab"
        );
    }
}
