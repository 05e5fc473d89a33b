//! Escaping text taken from the input for the two places a report puts it: HTML
//! (text and quoted attribute values) and JSON embedded in a `<script>` block.
//!
//! Everything a posting, a result file or a flag brings into a report goes
//! through one of these two functions; nothing from the input is written raw.

use std::borrow::Cow;

/// Escapes `text` for HTML text and for a double- or single-quoted attribute
/// value: `&`, `<`, `>`, `"` and `'` become character references.
///
/// The output never holds a raw `<`, so no tag can open, and never a raw quote,
/// so no attribute can close. NUL, which HTML parsers drop or replace, becomes
/// U+FFFD.
pub fn escape_html(text: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '&' | '<' | '>' | '"' | '\'' | '\0');
    if !text.contains(needs) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\0' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Makes serialized JSON safe to sit inside `<script type="application/json">`:
/// `<`, `>` and `&` become `\u003c`, `\u003e` and `\u0026`, and the line and
/// paragraph separators U+2028 and U+2029 become `\u2028` and `\u2029`.
///
/// `json` must be the output of a JSON serializer: those characters can then
/// only occur inside strings, where the escapes mean the same characters, so
/// the result parses to the same value. `</script>` and `<!--` can no longer
/// appear, so the block cannot end early or switch the parser's state.
pub fn escape_json_for_script(json: &str) -> Cow<'_, str> {
    let needs = |c: char| matches!(c, '<' | '>' | '&' | '\u{2028}' | '\u{2029}');
    if !json.contains(needs) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 64);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_escapes_every_special_character() {
        assert_eq!(
            escape_html(r#"<script>alert("x") & 'y'</script>"#),
            "&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;"
        );
        assert_eq!(escape_html("a\0b"), "a\u{FFFD}b");
        assert!(matches!(escape_html("plain text"), Cow::Borrowed(_)));
    }

    #[test]
    fn html_escaping_closes_attribute_breakouts() {
        let hostile = r#""><img src=x onerror=alert(1)>"#;
        let s = escape_html(hostile);
        assert!(
            !s.contains('"') && !s.contains('<') && !s.contains('>'),
            "{s}"
        );
        let s = escape_html("' onmouseover='alert(1)");
        assert!(!s.contains('\''), "{s}");
    }

    #[test]
    fn script_json_has_no_markup_and_parses_back() {
        let value = serde_json::json!({
            "t": "</script><script>alert(1)</script> <!-- & \u{2028}\u{2029} >",
        });
        let json = serde_json::to_string(&value).unwrap();
        let safe = escape_json_for_script(&json);
        for bad in ['<', '>', '&', '\u{2028}', '\u{2029}'] {
            assert!(!safe.contains(bad), "{bad:?} in {safe}");
        }
        let back: serde_json::Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(back, value);
    }
}
