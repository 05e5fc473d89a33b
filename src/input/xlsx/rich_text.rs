//! The text of a workbook's string items: a shared string (`<si>`) or an
//! inline string (`<is>`).
//!
//! An item is plain (`<t>text</t>`) or rich, runs of differently formatted
//! text (`<r><rPr>…</rPr><t>text</t></r>…`); its text is its `<t>`s end to
//! end, leaving out phonetic guides (`<rPh>`, the readings shown above
//! Japanese text). Entities are resolved, line ends read as `\n`, and Excel's
//! own escapes (`_x000D_` for a carriage return, `_x005F_` for `_`) decoded.

use std::io::BufRead;

use quick_xml::events::{BytesRef, Event};
use quick_xml::Reader;

/// Reads the item whose start tag was just read, up to its end tag named
/// `end` (`si` or `is`), appending its text to `out`.
///
/// # Errors
///
/// When the XML is broken or ends inside the item.
pub fn read_item<R: BufRead>(
    xml: &mut Reader<R>,
    end: &[u8],
    buf: &mut Vec<u8>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let mut in_phonetic = false;
    let mut in_text = false;
    loop {
        buf.clear();
        match xml.read_event_into(buf).map_err(|e| e.to_string())? {
            Event::Start(e) => match e.local_name().as_ref() {
                b"rPh" => in_phonetic = true,
                b"t" => in_text = !in_phonetic,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                b"rPh" => in_phonetic = false,
                b"t" => in_text = false,
                name if name == end => return Ok(()),
                _ => {}
            },
            Event::Eof => return Err("the file ends inside a string".to_string()),
            other if in_text => push_characters(&other, out, true)?,
            _ => {}
        }
    }
}

/// Appends the characters of `event` when it is character data: text (line
/// ends read as `\n`, and Excel's `_xHHHH_` escapes decoded when
/// `excel_escapes`), a CDATA section or an entity reference. Other events
/// add nothing.
///
/// # Errors
///
/// When the text cannot be decoded or the entity is unknown.
pub fn push_characters(
    event: &Event,
    out: &mut Vec<u8>,
    excel_escapes: bool,
) -> Result<(), String> {
    match event {
        Event::Text(t) => {
            let text = t.xml10_content().map_err(|e| e.to_string())?;
            if excel_escapes {
                push_unescaped(&text, out);
            } else {
                out.extend_from_slice(text.as_bytes());
            }
        }
        Event::CData(t) => {
            let text = t.xml10_content().map_err(|e| e.to_string())?;
            out.extend_from_slice(text.as_bytes());
        }
        Event::GeneralRef(r) => push_entity(r, out)?,
        _ => {}
    }
    Ok(())
}

/// Appends the character an entity reference (`&amp;`, `&#xA0;`) stands for.
///
/// # Errors
///
/// When the entity is not one of XML's own or a character reference.
fn push_entity(r: &BytesRef, out: &mut Vec<u8>) -> Result<(), String> {
    let name = r.decode().map_err(|e| e.to_string())?;
    if let Some(s) = quick_xml::escape::resolve_xml_entity(&name) {
        out.extend_from_slice(s.as_bytes());
        return Ok(());
    }
    match r.resolve_char_ref().map_err(|e| e.to_string())? {
        Some(c) => {
            let mut utf8 = [0u8; 4];
            out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
            Ok(())
        }
        None => Err(format!("unknown entity &{name};")),
    }
}

/// Appends `text` with Excel's `_xHHHH_` escapes decoded.
pub fn push_unescaped(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    let mut from = 0;
    let mut i = 0;
    while let Some(at) = memchr::memchr(b'_', &bytes[i..]) {
        let at = i + at;
        match escaped_char(&bytes[at..]) {
            Some(c) => {
                out.extend_from_slice(&bytes[from..at]);
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                i = at + 7;
                from = i;
            }
            None => i = at + 1,
        }
    }
    out.extend_from_slice(&bytes[from..]);
}

/// The character of an `_xHHHH_` escape at the start of `b`.
fn escaped_char(b: &[u8]) -> Option<char> {
    if b.len() < 7 || b[1] != b'x' || b[6] != b'_' {
        return None;
    }
    let hex = std::str::from_utf8(&b[2..6]).ok()?;
    char::from_u32(u32::from_str_radix(hex, 16).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(xml: &str) -> Result<String, String> {
        let mut r = Reader::from_reader(xml.as_bytes());
        r.config_mut().expand_empty_elements = true;
        let mut buf = Vec::new();
        // Past the item's own start tag.
        r.read_event_into(&mut buf).map_err(|e| e.to_string())?;
        let mut out = Vec::new();
        read_item(&mut r, b"si", &mut buf, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn plain_rich_and_phonetic() {
        assert_eq!(
            item("<si><t>Own the backlog</t></si>").unwrap(),
            "Own the backlog"
        );
        assert_eq!(
            item(r#"<si><r><rPr><b/></rPr><t>Own </t></r><r><t xml:space="preserve">the backlog</t></r></si>"#)
                .unwrap(),
            "Own the backlog"
        );
        assert_eq!(
            item("<si><t>東京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>").unwrap(),
            "東京"
        );
        assert_eq!(item("<si/>").unwrap(), "");
    }

    #[test]
    fn escapes_and_line_ends() {
        assert_eq!(
            item("<si><t>R&amp;D &lt;team&gt; &#xA0;&#65;</t></si>").unwrap(),
            "R&D <team> \u{a0}A"
        );
        assert_eq!(item("<si><t>a\r\nb</t></si>").unwrap(), "a\nb");
        assert_eq!(
            item("<si><t>a_x000D_b_x005F_x000D_</t></si>").unwrap(),
            "a\rb_x000D_"
        );
        assert_eq!(
            item("<si><t>_x_ _x00G1_ _</t></si>").unwrap(),
            "_x_ _x00G1_ _"
        );
        assert_eq!(item("<si><t><![CDATA[<b>]]></t></si>").unwrap(), "<b>");
        assert_eq!(item("<si><t><![CDATA[a\r\nb]]></t></si>").unwrap(), "a\nb");
        assert!(item("<si><t>&nope;</t></si>").is_err());
        assert!(item("<si><t>cut").is_err());
    }
}
