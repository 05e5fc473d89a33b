//! Learning lexicon phrases from labeled postings ("Fightin' Words").
//!
//! For every 1–4-word phrase of the folded texts (never across a line break
//! or sentence punctuation), [`learn`] computes the weighted log-odds ratio
//! between Product Manager and Product Owner postings with an informative
//! Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin' Words", §3.5):
//!
//! ```text
//! δ = ln((y_pm + α) / (n_pm + α₀ − y_pm − α)) − ln((y_po + α) / (n_po + α₀ − y_po − α))
//! σ² ≈ 1 / (y_pm + α) + 1 / (y_po + α),        z = δ / σ
//! ```
//!
//! where `y` are the phrase's counts in each class, `n` the classes' phrase
//! totals, `α = α₀ · y_all / n_all` the prior from the whole corpus and `α₀`
//! [`PRIOR_SCALE`]. Positive `z` leans PM, negative PO. Phrases made only of
//! stop words, or starting or ending with one, are dropped; phrases found in
//! fewer than `min_docs` postings are dropped.

use std::collections::HashMap;

use crate::lexicon::{Lexicon, Role};
use crate::matching::scan::Scanner;
use crate::output::snippet;
use crate::text::normalize::{is_word_byte, normalize};

/// The prior's total pseudo-count `α₀`.
pub const PRIOR_SCALE: f64 = 500.0;

/// The longest phrase considered, in words.
pub const MAX_NGRAM: usize = 4;

/// Words that never start or end a suggested phrase (English and German).
const STOP_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "by", "for", "from", "has", "have", "in", "is",
    "it", "its", "of", "on", "or", "our", "that", "the", "their", "this", "to", "we", "will",
    "with", "you", "your", "who", "what", "all", "can", "do", "if", "into", "not", "so", "such",
    "us", "was", "which", "while", "also", "more", "other", "than", "they", "these", "those",
    "would", "should", "may", "about", "across", "both", "each", "any", "how", "s", "via", "e",
    "g", "i", "und", "der", "die", "das", "mit", "für", "du", "wir", "ist", "sind", "ein", "eine",
    "einen", "im", "von", "zu", "den", "dem", "des", "auf", "bei", "sie", "ihre", "deine", "dein",
    "uns", "oder", "als", "auch", "nicht", "wie", "in", "an", "aus", "sowie", "dich", "dir",
];

/// One labeled text.
#[derive(Clone, Debug)]
pub struct LabeledText {
    /// Its role.
    pub role: Role,
    /// The text as given.
    pub text: String,
}

/// A suggested phrase with its statistics.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Suggestion {
    /// The folded phrase.
    pub phrase: String,
    /// The role it leans to.
    pub role: Role,
    /// The z-score of the log-odds ratio (positive: PM).
    pub z: f64,
    /// Occurrences in PO postings.
    pub count_po: usize,
    /// Occurrences in PM postings.
    pub count_pm: usize,
    /// Postings it occurs in.
    pub docs: usize,
    /// The first form of the lexicon entry that already matches it, if any.
    pub in_lexicon: Option<String>,
    /// Up to two snippets of original text around it.
    pub examples: Vec<String>,
}

#[derive(Default)]
struct Stat {
    po: usize,
    pm: usize,
    docs: usize,
    last_doc: usize,
    examples: Vec<(usize, usize, usize)>,
}

/// Ranks phrases by how strongly they separate the roles; `top` per role.
///
/// # Errors
///
/// When the lexicon's automaton (used to leave out phrases it already has) cannot be built.
pub fn learn(
    texts: &[LabeledText],
    lexicon: &Lexicon,
    min_docs: usize,
    top: usize,
) -> crate::Result<Vec<Suggestion>> {
    let scanner = &Scanner::new(lexicon)?;
    let mut stats: HashMap<String, Stat> = HashMap::new();
    let (mut n_po, mut n_pm) = (0usize, 0usize);
    let norms: Vec<_> = texts.iter().map(|t| normalize(&t.text)).collect();
    for (di, (t, norm)) in texts.iter().zip(&norms).enumerate() {
        let text = norm.text();
        for (start, end) in ngrams(text) {
            let st = stats.entry(text[start..end].to_string()).or_default();
            match t.role {
                Role::Po => st.po += 1,
                Role::Pm => st.pm += 1,
            }
            if st.docs == 0 || st.last_doc != di {
                st.docs += 1;
                st.last_doc = di;
                if st.examples.len() < 2 {
                    st.examples.push((di, start, end));
                }
            }
            match t.role {
                Role::Po => n_po += 1,
                Role::Pm => n_pm += 1,
            }
        }
    }
    let n_all = (n_po + n_pm) as f64;
    let mut out: Vec<Suggestion> = Vec::new();
    for (phrase, st) in &stats {
        if st.docs < min_docs || !is_content_phrase(phrase) {
            continue;
        }
        let alpha = PRIOR_SCALE * (st.po + st.pm) as f64 / n_all;
        let (ypm, ypo) = (st.pm as f64, st.po as f64);
        let delta = ((ypm + alpha) / (n_pm as f64 + PRIOR_SCALE - ypm - alpha)).ln()
            - ((ypo + alpha) / (n_po as f64 + PRIOR_SCALE - ypo - alpha)).ln();
        let var = 1.0 / (ypm + alpha) + 1.0 / (ypo + alpha);
        let z = delta / var.sqrt();
        if !z.is_finite() {
            continue;
        }
        let norm = normalize(phrase);
        let in_lexicon = scanner
            .scan(&norm, phrase)
            .iter()
            .find(|h| h.start == 0 && h.end == phrase.len())
            .map(|h| lexicon.entry(h.entry).phrase().to_string());
        let examples = st
            .examples
            .iter()
            .map(|&(di, s, e)| {
                let span = norms[di].orig_span(s, e);
                snippet(&texts[di].text, span.start, span.end)
            })
            .collect();
        out.push(Suggestion {
            phrase: phrase.clone(),
            role: if z > 0.0 { Role::Pm } else { Role::Po },
            z,
            count_po: st.po,
            count_pm: st.pm,
            docs: st.docs,
            in_lexicon,
            examples,
        });
    }
    out.sort_by(|a, b| {
        b.z.abs()
            .total_cmp(&a.z.abs())
            .then_with(|| a.phrase.cmp(&b.phrase))
    });
    let mut kept = Vec::new();
    for role in [Role::Po, Role::Pm] {
        kept.extend(out.iter().filter(|s| s.role == role).take(top).cloned());
    }
    Ok(kept)
}

/// Byte ranges of every 1..=MAX_NGRAM word sequence that stays within one phrase span.
fn ngrams(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    // Words: (start, end, follows_space) — a new segment begins unless separated by one space.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    let flush = |words: &mut Vec<(usize, usize)>, out: &mut Vec<(usize, usize)>| {
        for a in 0..words.len() {
            for n in 1..=MAX_NGRAM {
                if a + n > words.len() {
                    break;
                }
                out.push((words[a].0, words[a + n - 1].1));
            }
        }
        words.clear();
    };
    while i < b.len() {
        if is_word_byte(b[i]) {
            let s = i;
            // "you'll", "owner's": an apostrophe inside a word does not split it.
            while i < b.len()
                && (is_word_byte(b[i])
                    || (b[i] == b'\'' && b.get(i + 1).is_some_and(|&c| is_word_byte(c))))
            {
                i += 1;
            }
            if let Some(&(_, last_end)) = words.last() {
                if !(s == last_end + 1 && b[last_end] == b' ') {
                    flush(&mut words, &mut out);
                }
            }
            words.push((s, i));
        } else {
            i += 1;
        }
    }
    flush(&mut words, &mut out);
    out
}

fn is_content_phrase(phrase: &str) -> bool {
    let words: Vec<&str> = phrase.split(' ').collect();
    let first = words.first().copied().unwrap_or("");
    let last = words.last().copied().unwrap_or("");
    !STOP_WORDS.contains(&first)
        && !STOP_WORDS.contains(&last)
        && !words.iter().all(|w| w.chars().all(|c| c.is_ascii_digit()))
        && first.chars().count() > 1
}

/// Writes suggestions as a lexicon file (one category per role) for a person to review.
///
/// Phrases already in the lexicon are left out. Weights are `|z| / 2`, rounded, within 1–5.
pub fn to_lexicon_toml(suggestions: &[Suggestion], source: &str) -> String {
    let mut s = format!(
        "# Phrases suggested by `popm learn` from {source}.\n\
         # Review every line: keep only what truly signals the role, then use\n\
         # `popm classify --extend this-file.toml ...` and check with `popm eval`.\n\n\
         [lexicon]\nname = \"learned\"\nversion = \"0\"\n"
    );
    for role in [Role::Po, Role::Pm] {
        let items: Vec<&Suggestion> = suggestions
            .iter()
            .filter(|x| x.role == role && x.in_lexicon.is_none())
            .collect();
        if items.is_empty() {
            continue;
        }
        s.push_str(&format!(
            "\n[[category]]\nname = \"learned\"\nrole = \"{role}\"\nabout = \"Suggested from labeled postings; review before use.\"\nentries = [\n"
        ));
        for x in items {
            let w = (x.z.abs() / 2.0).round().clamp(1.0, 5.0);
            s.push_str(&format!(
                "  {{ phrase = {:?}, weight = {w}, note = \"z = {:.1}; {} PO / {} PM occurrences in {} postings\" }},\n",
                x.phrase, x.z, x.count_po, x.count_pm, x.docs
            ));
        }
        s.push_str("]\n");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ngrams_stay_within_phrase_spans() {
        let t = normalize("Own the backlog. Write stories");
        let grams: Vec<&str> = ngrams(t.text())
            .iter()
            .map(|&(s, e)| &t.text()[s..e])
            .collect();
        assert!(grams.contains(&"own the backlog"));
        assert!(grams.contains(&"write stories"));
        assert!(!grams.iter().any(|g| g.contains("backlog write")));
    }

    #[test]
    fn separating_phrases_rank_first_and_lexicon_phrases_are_marked() {
        let lex = Lexicon::embedded();
        let mut texts = Vec::new();
        for i in 0..10 {
            texts.push(LabeledText {
                role: Role::Po,
                text: format!("Refine the product backlog and groom tickets daily. Team {i}."),
            });
            texts.push(LabeledText {
                role: Role::Pm,
                text: format!("Own pricing experiments and the market thesis. Team {i}."),
            });
        }
        let s = learn(&texts, &lex, 3, 5).unwrap();
        let po: Vec<&Suggestion> = s.iter().filter(|x| x.role == Role::Po).collect();
        let pm: Vec<&Suggestion> = s.iter().filter(|x| x.role == Role::Pm).collect();
        assert!(po.iter().all(|x| x.z < 0.0) && pm.iter().all(|x| x.z > 0.0));
        assert!(po.iter().any(|x| x.phrase.contains("groom")), "{po:?}");
        assert!(
            !s.iter().any(|x| x.phrase == "team"),
            "shared words do not separate"
        );
        let backlog = s.iter().find(|x| x.phrase == "product backlog");
        if let Some(b) = backlog {
            assert_eq!(b.in_lexicon.as_deref(), Some("product backlog"));
        }
        let toml = to_lexicon_toml(&s, "t.csv");
        let parsed = Lexicon::parse(&toml, "learned.toml").unwrap();
        assert!(!parsed.entries().is_empty());
        assert!(parsed
            .entries()
            .iter()
            .all(|e| e.forms()[0] != "product backlog"));
    }
}
