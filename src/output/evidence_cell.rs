//! The compact evidence cell of CSV, TSV and xlsx results, written and read
//! back: `product backlog×3; user stories×2; product manager×1 (colleague)`.
//!
//! [`compact_evidence`] writes the cell of one role; [`parse_compact_evidence`]
//! (what `popm summary` reads result files with) parses it. Both follow one
//! grammar, and the property test below checks that a cell written from any
//! phrases reads back as the same phrases, counts and notes.
//!
//! # Grammar
//!
//! ```text
//! cell   = "" | item *("; " item)
//! item   = phrase "×" count [" (" marks ")"]
//! phrase = bare | quoted
//! quoted = DQUOTE *(any character but DQUOTE | DQUOTE DQUOTE) DQUOTE
//! count  = 1*DIGIT                         ; above 0
//! marks  = mark [", " mark]                ; colleague before negated
//! mark   = [n SP] ("colleague" | "negated") ; n: when not every match has the mark
//! ```
//!
//! Items come strongest first. A `bare` phrase is the phrase as it is; an item
//! with a bare phrase ends at the first `×COUNT`, with its note, that is
//! followed by `"; "` or the end of the cell, so a phrase may itself hold `×`,
//! `;`, parentheses and quotes. The writer quotes a phrase (in `"`, with `"`
//! doubled) only where the bare form would not read back: when the phrase
//! holds an item end of its own (`a×1; b`, see [`phrase_needs_quotes`]), starts
//! with `"` or white space, or is empty. No phrase of the embedded lexicon
//! needs quotes, so in practice cells are never quoted.
//!
//! # Limitations
//!
//! - A cell written before quoting existed whose phrase both starts and ends
//!   with `"` (`"agile"×1`) now reads as the phrase without its quotes; one
//!   whose phrase held an item end of its own was ambiguous then and still
//!   reads as two items.
//! - Formula guarding in spreadsheet CSV (`classify --excel`,
//!   [`crate::output::guard_formula`]) puts `'` before a cell that starts with
//!   `=`, `+`, `-` or `@`: that `'` is read as part of the first phrase.
//! - Excel's cell limit ([`crate::output::xlsx::MAX_CELL_CHARS`]) cuts a longer
//!   cell of an xlsx result, which then does not parse.

use crate::classify::Classification;
use crate::judge::context::Mark;
use crate::lexicon::{Lexicon, Role};

/// One item of a compact evidence cell: `product manager×3 (1 colleague)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompactItem {
    /// The phrase.
    pub phrase: String,
    /// Number of matches.
    pub count: usize,
    /// Matches marked `colleague`.
    pub colleague: usize,
    /// Matches marked `negated`.
    pub negated: usize,
}

impl CompactItem {
    /// Whether at least one match counted for its role.
    pub fn is_counted(&self) -> bool {
        self.count > self.colleague + self.negated
    }
}

/// Separates the items of a cell.
const ITEM_SEPARATOR: &str = "; ";

/// Between a phrase and its count.
const TIMES: char = '×';

/// The compact evidence cell of one role: `phrase×count; ...`, strongest first.
pub fn compact_evidence(c: &Classification, lexicon: &Lexicon, role: Role) -> String {
    let mut out = String::new();
    write_compact_evidence(&mut out, c, lexicon, role);
    out
}

/// About the length of both roles' compact evidence cells: enough unless a phrase repeats a thousand times.
pub(crate) fn compact_evidence_len_hint(c: &Classification, lexicon: &Lexicon) -> usize {
    c.score
        .evidence
        .iter()
        .map(|ev| lexicon.entry(ev.entry).phrase().len() + "; ×99".len())
        .sum()
}

/// Appends the compact evidence cell of one role to `out`.
pub(crate) fn write_compact_evidence(
    out: &mut String,
    c: &Classification,
    lexicon: &Lexicon,
    role: Role,
) {
    let start = out.len();
    for ev in c.score.evidence.iter().filter(|e| e.role == role) {
        if out.len() > start {
            out.push_str(ITEM_SEPARATOR);
        }
        write_item(
            out,
            lexicon.entry(ev.entry).phrase(),
            ev.count(),
            ev.count_marked(Mark::Colleague),
            ev.count_marked(Mark::Negated),
        );
    }
}

/// The compact evidence cell of `items`, in their order (what
/// `compact_evidence` writes for evidence with these phrases and counts).
pub fn format_compact_evidence(items: &[CompactItem]) -> String {
    let mut out = String::new();
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(ITEM_SEPARATOR);
        }
        write_item(&mut out, &it.phrase, it.count, it.colleague, it.negated);
    }
    out
}

/// Appends one item: `phrase×count` and its note ([`write_marks_note`]).
fn write_item(out: &mut String, phrase: &str, count: usize, colleague: usize, negated: usize) {
    use std::fmt::Write as _;
    if phrase_needs_quotes(phrase) {
        out.push('"');
        for (i, part) in phrase.split('"').enumerate() {
            if i > 0 {
                out.push_str("\"\"");
            }
            out.push_str(part);
        }
        out.push('"');
    } else {
        out.push_str(phrase);
    }
    out.push(TIMES);
    // Writing to a String cannot fail.
    let _ = write!(out, "{count}");
    write_marks_note(out, count, colleague, negated);
}

/// Appends ` (colleague)`, ` (2 colleague, 1 negated)` or nothing, for an item
/// of `count` matches of which `colleague` and `negated` were so marked.
fn write_marks_note(out: &mut String, count: usize, colleague: usize, negated: usize) {
    use std::fmt::Write as _;
    let mut is_first = true;
    for (mark, n) in [(Mark::Colleague, colleague), (Mark::Negated, negated)] {
        if n == 0 {
            continue;
        }
        out.push_str(if is_first { " (" } else { ", " });
        is_first = false;
        if n != count {
            let _ = write!(out, "{n} ");
        }
        out.push_str(mark.as_str());
    }
    if !is_first {
        out.push(')');
    }
}

/// Whether `phrase` must be written quoted to read back (see the [module docs](self)):
/// it is empty, starts with `"` or white space, or holds `×COUNT` (with a
/// note or not) followed by `"; "`, which would end its item early.
pub fn phrase_needs_quotes(phrase: &str) -> bool {
    let Some(first) = phrase.chars().next() else {
        return true;
    };
    if first == '"' || first.is_whitespace() {
        return true;
    }
    // The common case, a phrase without `×`, costs one search.
    phrase.match_indices(TIMES).any(|(at, _)| {
        match_item_end(&phrase[at + TIMES.len_utf8()..])
            .is_some_and(|(_, rest)| rest.starts_with(ITEM_SEPARATOR))
    })
}

/// Parses `COUNT[ (MARKS)]` at the start of `s`: ((count, colleague, negated), what follows).
fn match_item_end(s: &str) -> Option<((usize, usize, usize), &str)> {
    let digits = s.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let count: usize = s[..digits].parse().ok().filter(|&n| n > 0)?;
    let Some(note) = s[digits..].strip_prefix(" (") else {
        return Some(((count, 0, 0), &s[digits..]));
    };
    let close = note.find(')')?;
    let mut marks = [0usize; 2];
    let mut last: Option<usize> = None;
    for part in note[..close].split(", ") {
        let (n, name) = match part.split_once(' ') {
            Some((n, name)) => (n.parse::<usize>().ok().filter(|&n| n > 0)?, name),
            None => (count, part),
        };
        let k = match name {
            "colleague" => 0,
            "negated" => 1,
            _ => return None,
        };
        // popm writes colleague before negated, each once.
        if last.is_some_and(|l| l >= k) {
            return None;
        }
        last = Some(k);
        marks[k] = n;
    }
    if marks[0] + marks[1] > count {
        return None;
    }
    Some(((count, marks[0], marks[1]), &note[close + 1..]))
}

/// Whether `rest`, what follows an item, ends it: the end of the cell or `"; "`.
fn ends_item(rest: &str) -> bool {
    rest.is_empty() || rest.starts_with(ITEM_SEPARATOR)
}

/// A quoted phrase at the start of `s`, with its count and note: (item, what
/// follows), when `s` holds one that ends its item.
fn parse_quoted_item(s: &str) -> Option<(CompactItem, &str)> {
    let mut phrase = String::new();
    let mut rest = s.strip_prefix('"')?;
    loop {
        let q = rest.find('"')?;
        phrase.push_str(&rest[..q]);
        rest = &rest[q + 1..];
        match rest.strip_prefix('"') {
            Some(after) => {
                phrase.push('"');
                rest = after;
            }
            None => break,
        }
    }
    let ((count, colleague, negated), after) = match_item_end(rest.strip_prefix(TIMES)?)?;
    ends_item(after).then_some((
        CompactItem {
            phrase,
            count,
            colleague,
            negated,
        },
        after,
    ))
}

/// Parses a compact evidence cell (see the module docs for the grammar).
///
/// An empty (or all-blank) cell has no items. An item that starts with `"`
/// but is not a well-formed quoted phrase is read as a bare phrase, as cells
/// written before quoting existed are.
///
/// # Errors
///
/// A message naming the part of the cell that does not follow the grammar.
pub fn parse_compact_evidence(cell: &str) -> std::result::Result<Vec<CompactItem>, String> {
    let mut items = Vec::new();
    let mut rest = cell.trim();
    if rest.is_empty() {
        return Ok(items);
    }
    loop {
        let after = if let Some((item, after)) = parse_quoted_item(rest) {
            items.push(item);
            after
        } else {
            let mut from = 0;
            let (at, (count, colleague, negated), after) = loop {
                let Some(p) = rest[from..].find(TIMES) else {
                    return Err(format!("expected `phrase×count` in `{rest}`"));
                };
                let at = from + p;
                if let Some((item, after)) = match_item_end(&rest[at + TIMES.len_utf8()..]) {
                    if ends_item(after) {
                        break (at, item, after);
                    }
                }
                from = at + TIMES.len_utf8();
            };
            let phrase = &rest[..at];
            if phrase.trim().is_empty() {
                return Err(format!("missing phrase before `{}`", &rest[at..]));
            }
            items.push(CompactItem {
                phrase: phrase.to_string(),
                count,
                colleague,
                negated,
            });
            after
        };
        if after.is_empty() {
            return Ok(items);
        }
        rest = &after[ITEM_SEPARATOR.len()..];
        if rest.trim().is_empty() {
            return Err("nothing after the last `; `".to_string());
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::classify::Classifier;

    fn item(phrase: &str, count: usize, colleague: usize, negated: usize) -> CompactItem {
        CompactItem {
            phrase: phrase.into(),
            count,
            colleague,
            negated,
        }
    }

    /// A small lexicon with colleague and negation cues (also for the tests of `row`).
    pub(crate) fn lex() -> Lexicon {
        Lexicon::parse(
            r#"
[context]
colleague = ["work with"]
negation = ["no"]
[[category]]
name = "backlog"
role = "po"
entries = [{ phrase = "product backlog", weight = 3 }, { phrase = "user stories", weight = 2 }]
[[category]]
name = "role-name"
role = "pm"
kind = "role-name"
entries = [{ phrase = "product manager", weight = 5 }]
"#,
            "t",
        )
        .unwrap()
    }

    #[test]
    fn the_writer_writes_what_the_classification_found() {
        let c = Classifier::new(lex()).unwrap();
        let r = c.classify_text(
            "Product backlog, product backlog, user stories. You work with the Product Manager. \
             No product manager. Product manager here.",
        );
        let po = compact_evidence(&r, c.lexicon(), Role::Po);
        let pm = compact_evidence(&r, c.lexicon(), Role::Pm);
        assert_eq!(po, "product backlog×2; user stories×1");
        assert_eq!(pm, "product manager×3 (1 colleague, 1 negated)");
        // A hint for the buffer, without the notes: "; ×99" a phrase.
        let hint = compact_evidence_len_hint(&r, c.lexicon());
        assert_eq!(
            hint,
            ["product backlog", "user stories", "product manager"]
                .map(|p| p.len() + 6)
                .iter()
                .sum::<usize>()
        );
        assert_eq!(
            parse_compact_evidence(&po),
            Ok(vec![
                item("product backlog", 2, 0, 0),
                item("user stories", 1, 0, 0)
            ])
        );
        assert_eq!(
            parse_compact_evidence(&pm),
            Ok(vec![item("product manager", 3, 1, 1)])
        );
    }

    #[test]
    fn notes_say_how_many_matches_were_marked() {
        for (it, want) in [
            (item("a", 1, 0, 0), "a×1"),
            (item("a", 2, 2, 0), "a×2 (colleague)"),
            (item("a", 2, 0, 2), "a×2 (negated)"),
            (item("a", 3, 1, 0), "a×3 (1 colleague)"),
            (item("a", 3, 2, 1), "a×3 (2 colleague, 1 negated)"),
        ] {
            let cell = format_compact_evidence(std::slice::from_ref(&it));
            assert_eq!(cell, want);
            assert_eq!(parse_compact_evidence(&cell), Ok(vec![it]));
        }
        assert_eq!(format_compact_evidence(&[]), "");
    }

    #[test]
    fn phrases_are_quoted_only_where_the_bare_form_is_ambiguous() {
        for bare in [
            "product backlog",
            "P&L",
            "fachbereich*",
            "2×2 matrix",
            "a; b",
            "x×1 (note)",
            "a×1;b",
            "a×0; b",
            "a×1 (self); b",
            "say \"hi\"",
            "(c)",
            "a×",
            "a×1",
            "a×1 (colleague)",
            "ends with space ",
        ] {
            assert!(!phrase_needs_quotes(bare), "{bare:?}");
        }
        for quoted in [
            "",
            " lead",
            "\"agile\" coach",
            "\"",
            "a×1; b",
            "a×12 (colleague); b",
            "a×3 (1 colleague, 2 negated); b",
            "x; y×2; z",
        ] {
            assert!(phrase_needs_quotes(quoted), "{quoted:?}");
        }
        let items = [
            item("a×1; b", 2, 0, 0),
            item("\"agile\" coach", 1, 1, 0),
            item("plain", 1, 0, 0),
        ];
        let cell = format_compact_evidence(&items);
        assert_eq!(
            cell,
            r#""a×1; b"×2; """agile"" coach"×1 (colleague); plain×1"#
        );
        assert_eq!(parse_compact_evidence(&cell), Ok(items.to_vec()));
    }

    #[test]
    fn unquoted_cells_of_older_results_still_parse() {
        // Without quotes, `a×1; b×2` is two items: what older results meant too.
        assert_eq!(
            parse_compact_evidence("a×1; b×2"),
            Ok(vec![item("a", 1, 0, 0), item("b", 2, 0, 0)])
        );
        // A phrase starting with a quote that is not a quoted phrase is bare.
        for (cell, want) in [
            ("\"agile\" coach×1", item("\"agile\" coach", 1, 0, 0)),
            ("\"open×1", item("\"open", 1, 0, 0)),
            ("\"a\"×1x×2", item("\"a\"×1x", 2, 0, 0)),
        ] {
            assert_eq!(parse_compact_evidence(cell), Ok(vec![want]), "{cell:?}");
        }
        assert_eq!(
            parse_compact_evidence(r#""a"×1"#),
            Ok(vec![item("a", 1, 0, 0)]),
            "the one legacy case that reads differently"
        );
    }

    #[test]
    fn no_phrase_of_the_embedded_lexicon_is_quoted() {
        let lex = Lexicon::embedded();
        for e in lex.entries() {
            assert!(!phrase_needs_quotes(e.phrase()), "{:?}", e.phrase());
        }
    }

    /// Pieces of phrases: words, and everything the grammar gives a meaning to.
    const PHRASE_PIECES: &[&str] = &[
        "product",
        "owner",
        "a",
        "x",
        "7",
        "12",
        "0",
        " ",
        "  ",
        ";",
        "; ",
        "×",
        "×1",
        "×2",
        "(",
        ")",
        " (",
        "colleague",
        "negated",
        ", ",
        "\"",
        "\"\"",
        "'",
        "=",
        "-",
        "\t",
        "\n",
        "é",
        "\u{a0}",
        "1 colleague",
        "×3 (colleague); ",
        "×1; ",
    ];

    proptest::proptest! {
        /// Whatever the phrases, a written cell reads back as the same items.
        #[test]
        fn written_cells_read_back(
            picks in proptest::collection::vec(
                (proptest::collection::vec(0..PHRASE_PIECES.len(), 0..8), 1usize..20, 0usize..20, 0usize..20),
                0..5,
            ),
        ) {
            let items: Vec<CompactItem> = picks
                .iter()
                .map(|(pieces, count, c, n)| {
                    let phrase: String = pieces.iter().map(|&k| PHRASE_PIECES[k]).collect();
                    let colleague = c % (count + 1);
                    let negated = n % (count - colleague + 1);
                    item(&phrase, *count, colleague, negated)
                })
                .collect();
            let cell = format_compact_evidence(&items);
            proptest::prop_assert_eq!(parse_compact_evidence(&cell), Ok(items), "{:?}", cell);
        }
    }
}
