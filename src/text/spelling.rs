//! US and UK spelling variants of lexicon phrases.
//!
//! Lexicon authors write one spelling; [`variants`] adds the other so both match
//! (`prioritize`/`prioritise`, `analyze`/`analyse`, `behavior`/`behaviour`).
//! Variants that no text ever contains are harmless: they only cost a pattern.

/// Whole-word pairs that no suffix rule covers, US first.
const WORD_PAIRS: &[(&str, &str)] = &[
    ("behavior", "behaviour"),
    ("behaviors", "behaviours"),
    ("behavioral", "behavioural"),
    ("color", "colour"),
    ("favor", "favour"),
    ("favorite", "favourite"),
    ("labor", "labour"),
    ("center", "centre"),
    ("centers", "centres"),
    ("program", "programme"),
    ("programs", "programmes"),
    ("catalog", "catalogue"),
    ("license", "licence"),
    ("licensing", "licencing"),
    ("defense", "defence"),
    ("offense", "offence"),
    ("modeling", "modelling"),
    ("modeled", "modelled"),
    ("traveling", "travelling"),
    ("labeling", "labelling"),
    ("canceled", "cancelled"),
    ("fulfill", "fulfil"),
    ("fulfillment", "fulfilment"),
    ("enrollment", "enrolment"),
    ("judgment", "judgement"),
    ("analog", "analogue"),
    ("dialog", "dialogue"),
    ("aging", "ageing"),
    ("skillful", "skilful"),
];

/// Suffix pairs, US first; applied to the end of each word (and to wildcard stems).
const SUFFIX_PAIRS: &[(&str, &str)] = &[
    ("izations", "isations"),
    ("ization", "isation"),
    ("izing", "ising"),
    ("izers", "isers"),
    ("izer", "iser"),
    ("izes", "ises"),
    ("ized", "ised"),
    ("ize", "ise"),
    ("yzing", "ysing"),
    ("yzes", "yses"),
    ("yzed", "ysed"),
    ("yze", "yse"),
    ("iz", "is"),
];

/// The spelling variants of a folded phrase (lower case, words separated by one
/// space), not including the phrase itself. `is_wildcard` says whether the last
/// word is a wildcard stem (so `prioritiz` gets `prioritis`).
pub fn variants(phrase: &str, is_wildcard: bool) -> Vec<String> {
    // Most phrases have no word with another spelling: answer without allocating.
    let n_words = phrase.split(' ').count();
    let any = phrase
        .split(' ')
        .enumerate()
        .any(|(i, w)| has_variant(w, is_wildcard && i == n_words - 1));
    if !any {
        return Vec::new();
    }
    let words: Vec<&str> = phrase.split(' ').collect();
    let mut options: Vec<Vec<String>> = Vec::with_capacity(words.len());
    for (i, w) in words.iter().enumerate() {
        let is_stem = is_wildcard && i == words.len() - 1;
        options.push(word_variants(w, is_stem));
    }
    // Most phrases have no word with another spelling: nothing to combine.
    if options.iter().all(|o| o.len() == 1) {
        return Vec::new();
    }
    // Cartesian product, bounded: phrases are short and most words have one option.
    let mut out: Vec<String> = vec![String::new()];
    for opts in &options {
        let mut next = Vec::with_capacity(out.len() * opts.len());
        for prefix in &out {
            for o in opts {
                let mut s = prefix.clone();
                if !s.is_empty() {
                    s.push(' ');
                }
                s.push_str(o);
                next.push(s);
            }
        }
        out = next;
        if out.len() > 16 {
            out.truncate(16);
        }
    }
    out.retain(|v| v != phrase);
    out.sort();
    out.dedup();
    out
}

/// Whether [`word_variants`] gives `word` another spelling.
fn has_variant(word: &str, is_stem: bool) -> bool {
    WORD_PAIRS.iter().any(|&(us, uk)| word == us || word == uk)
        || SUFFIX_PAIRS.iter().any(|&(us, uk)| {
            (us == "iz") == is_stem
                && (word.strip_suffix(us).is_some_and(|s| s.len() >= 3)
                    || word.strip_suffix(uk).is_some_and(|s| s.len() >= 3))
        })
}

fn word_variants(word: &str, is_stem: bool) -> Vec<String> {
    let mut v = vec![word.to_string()];
    for &(us, uk) in WORD_PAIRS {
        if word == us {
            v.push(uk.to_string());
        } else if word == uk {
            v.push(us.to_string());
        }
    }
    for &(us, uk) in SUFFIX_PAIRS {
        // The bare `iz`/`is` pair only applies to wildcard stems (`organiz*`).
        if (us == "iz") != is_stem {
            continue;
        }
        if let Some(stem) = word.strip_suffix(us) {
            if stem.len() >= 3 {
                v.push(format!("{stem}{uk}"));
                break;
            }
        } else if let Some(stem) = word.strip_suffix(uk) {
            if stem.len() >= 3 {
                v.push(format!("{stem}{us}"));
                break;
            }
        }
    }
    v
}

#[cfg(test)]
mod tests {
    use super::variants;

    #[test]
    fn suffix_rules_go_both_ways() {
        assert_eq!(
            variants("prioritize the backlog", false),
            vec!["prioritise the backlog"]
        );
        assert_eq!(variants("prioritisation", false), vec!["prioritization"]);
        assert_eq!(variants("analyze data", false), vec!["analyse data"]);
        assert_eq!(variants("organiz", true), vec!["organis"]);
        assert!(variants("organiz", false).is_empty());
    }

    #[test]
    fn word_pairs_and_products() {
        assert_eq!(
            variants("customer behavior", false),
            vec!["customer behaviour"]
        );
        assert_eq!(
            variants("program roadmap prioritization", false),
            vec![
                "program roadmap prioritisation",
                "programme roadmap prioritisation",
                "programme roadmap prioritization"
            ]
        );
        assert!(variants("product backlog", false).is_empty());
    }
}
