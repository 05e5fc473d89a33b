//! `lexicon check`: everything wrong or suspicious in a lexicon file, with `file:line`.
//!
//! Beyond what [`Lexicon::parse`] refuses (syntax, weights, wildcards, empty or
//! over-long phrases), the check reports phrases listed twice, phrases listed
//! for both roles, and phrases that can never match, either because the text
//! normalizer cannot produce them (a `#` or a line break inside) or because
//! another entry always wins at the same place (leftmost-longest).

use std::collections::HashMap;
use std::fmt;

use crate::lexicon::{form_key, Lexicon};
use crate::matching::scan::{fold_pattern, Scanner};
use crate::text::normalize::normalize;

/// One finding of the lexicon check.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Diagnostic {
    /// The lexicon file.
    pub source: String,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// What is wrong and what to do.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{}: {}", self.source, line, self.message),
            None => write!(f, "{}: {}", self.source, self.message),
        }
    }
}

/// Checks lexicon text; an empty result means the lexicon is clean.
pub fn check(text: &str, source: &str) -> Vec<Diagnostic> {
    let lex = match Lexicon::parse(text, source) {
        Ok(lex) => lex,
        Err(e) => {
            let (line, message) = match e.kind() {
                crate::ErrorKind::Lexicon { line, message, .. } => (*line, message.clone()),
                _ => (None, e.to_string()),
            };
            return vec![Diagnostic {
                source: source.to_string(),
                line,
                message,
            }];
        }
    };
    check_lexicon(&lex)
}

/// Checks an already parsed lexicon for duplicates, role conflicts and dead phrases.
pub fn check_lexicon(lex: &Lexicon) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let diag = |e: &crate::lexicon::Entry, message: String| Diagnostic {
        source: e.source().to_string(),
        line: Some(e.line()),
        message,
    };
    let mut seen: HashMap<(String, bool), usize> = HashMap::new();
    let mut reported = vec![false; lex.entries().len()];
    for (i, e) in lex.entries().iter().enumerate() {
        for form in e.forms() {
            let key = (form_key(form), e.is_case_sensitive());
            match seen.get(&key) {
                Some(&j) if lex.entries()[j].role() == e.role() => {
                    out.push(diag(
                        e,
                        format!(
                            "duplicate phrase {form:?} (also at line {}): keep one",
                            lex.entries()[j].line()
                        ),
                    ));
                    reported[i] = true;
                }
                Some(&j) => {
                    out.push(diag(
                        e,
                        format!(
                            "phrase {form:?} is listed for both roles ({} here, {} at line {}): a phrase can only indicate one",
                            e.role(), lex.entries()[j].role(), lex.entries()[j].line()
                        ),
                    ));
                    reported[i] = true;
                }
                None => {
                    seen.insert(key, i);
                }
            }
        }
    }
    let scanner = match Scanner::new(lex) {
        Ok(s) => s,
        Err(err) => {
            out.push(Diagnostic {
                source: lex.entries()[0].source().to_string(),
                line: None,
                message: err.to_string(),
            });
            return out;
        }
    };
    for (i, e) in lex.entries().iter().enumerate() {
        if reported[i] {
            continue;
        }
        for (fi, form) in e.forms().iter().enumerate() {
            let stem = form.strip_suffix('*').unwrap_or(form);
            let folded = fold_pattern(stem);
            if folded.contains('\n') || folded.is_empty() {
                out.push(diag(
                    e,
                    format!(
                        "phrase {form:?} can never match: text is read as {folded:?} (a line break, bullet or symbol splits it); reword it"
                    ),
                ));
                continue;
            }
            if form_key(&folded) != form_key(stem)
                && !stem.contains(['&', '+', '.', '\'', '(', ')', ','])
            {
                let lossy: String = stem.chars().filter(|c| "#*_`~<>[]|".contains(*c)).collect();
                if !lossy.is_empty() {
                    out.push(diag(
                        e,
                        format!(
                            "phrase {form:?} can never match as written: the text normalizer turns {lossy:?} into a space; reword it"
                        ),
                    ));
                    continue;
                }
            }
            let norm = normalize(stem);
            let hits = scanner.scan(&norm, stem);
            let own = hits
                .iter()
                .any(|h| h.entry == e.id() && h.form as usize == fi && h.start == 0);
            if !own {
                if let Some(h) = hits.iter().find(|h| h.start == 0) {
                    let winner = lex.entry(h.entry);
                    out.push(diag(
                        e,
                        format!(
                            "phrase {form:?} can never match: {:?} (line {}) always wins at the same place; remove one or merge them",
                            winner.phrase(),
                            winner.line()
                        ),
                    ));
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lexicon(entries_po: &str, entries_pm: &str) -> String {
        format!(
            "[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [\n{entries_po}\n]\n\
             [[category]]\nname = \"b\"\nrole = \"pm\"\nentries = [\n{entries_pm}\n]\n"
        )
    }

    #[test]
    fn clean_lexicon_has_no_findings() {
        let t = lexicon(
            "{ phrase = \"product backlog\", weight = 3 },\n{ phrase = \"backlog*\", weight = 1 },",
            "{ phrase = \"roadmap\", weight = 2 },",
        );
        assert_eq!(check(&t, "l.toml"), vec![]);
    }

    #[test]
    fn duplicates_and_both_roles() {
        let t = lexicon(
            "{ phrase = \"backlog\", weight = 3 },\n{ phrase = \"Backlog\", weight = 1 },",
            "{ phrase = \"back-log\", weight = 2 },\n{ phrase = \"backlog\", weight = 2 },",
        );
        let d: Vec<String> = check(&t, "l.toml").iter().map(|d| d.to_string()).collect();
        assert!(
            d.iter()
                .any(|m| m.starts_with("l.toml:6: duplicate phrase")),
            "{d:?}"
        );
        assert!(
            d.iter()
                .any(|m| m.starts_with("l.toml:13:") && m.contains("both roles")),
            "{d:?}"
        );
    }

    #[test]
    fn dead_phrases() {
        let t = lexicon(
            "{ phrase = \"c# backlog\", weight = 1 },\n{ phrase = \"sprint planning\", weight = 1 },\n{ phrase = \"sprint plan*\", weight = 1 },",
            "{ phrase = \"roadmap\", weight = 2 },",
        );
        let d: Vec<String> = check(&t, "l.toml").iter().map(|d| d.to_string()).collect();
        assert!(
            d.iter()
                .any(|m| m.starts_with("l.toml:5:") && m.contains("\"#\"")),
            "{d:?}"
        );
        // The wildcard still matches "sprint planned", so it is not dead.
        assert_eq!(d.len(), 1, "{d:?}");
    }

    #[test]
    fn syntax_errors_are_one_finding_with_line() {
        let d = check("[[category]]\nname = 3\n", "l.toml");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].line, Some(2));
    }

    #[test]
    fn embedded_lexicon_is_clean() {
        let d = check(crate::lexicon::DEFAULT_LEXICON, "default.toml");
        assert!(
            d.is_empty(),
            "{}",
            d.iter()
                .map(|d| d.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
