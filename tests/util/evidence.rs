//! Checks on the evidence of JSON output (classify JSON Lines, `check --json`).

use serde_json::Value;

/// Checks that every evidence match of a JSON row (classify JSONL or
/// `check --json`) slices `fields[match.field]` to exactly `match.text`, and
/// that the evidence elements have the documented fields. Returns the number
/// of matches checked.
#[track_caller]
pub fn assert_offsets(row: &Value, field_text: &dyn Fn(&str) -> String) -> usize {
    let evidence = row["evidence"]
        .as_array()
        .unwrap_or_else(|| panic!("evidence is not an array: {row}"));
    let mut n = 0;
    for ev in evidence {
        for key in ["phrase", "role", "category"] {
            assert!(ev[key].is_string(), "evidence {key} not a string: {ev}");
        }
        assert!(
            matches!(ev["role"].as_str(), Some("po" | "pm")),
            "bad role: {ev}"
        );
        assert!(
            ev["weight"].as_f64().is_some_and(|w| w > 0.0),
            "weight: {ev}"
        );
        let count = ev["count"]
            .as_u64()
            .unwrap_or_else(|| panic!("count: {ev}"));
        let matches = ev["matches"]
            .as_array()
            .unwrap_or_else(|| panic!("matches not an array: {ev}"));
        assert_eq!(matches.len() as u64, count, "count != matches: {ev}");
        for m in matches {
            let field = m["field"].as_str().expect("match field");
            let text = field_text(field);
            let start = m["start"].as_u64().expect("start") as usize;
            let end = m["end"].as_u64().expect("end") as usize;
            assert!(start < end, "empty match {m}");
            let slice = text.get(start..end).unwrap_or_else(|| {
                panic!(
                    "offsets {start}..{end} are not a char-boundary slice of {field:?} (len {}): {m}",
                    text.len()
                )
            });
            assert_eq!(Some(slice), m["text"].as_str(), "match text: {m}");
            assert!(
                matches!(
                    m["mark"].as_str(),
                    Some("plain" | "self" | "colleague" | "negated" | "url")
                ),
                "mark: {m}"
            );
            let cs = m["char_start"].as_u64().expect("char_start") as usize;
            let ce = m["char_end"].as_u64().expect("char_end") as usize;
            assert_eq!(cs, text[..start].chars().count(), "char_start: {m}");
            assert_eq!(ce, text[..end].chars().count(), "char_end: {m}");
            n += 1;
        }
    }
    n
}
