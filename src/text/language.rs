//! A simple language guess (English, German, French, Dutch, or other) from common function words.
//!
//! Used to report accuracy per language; postings are short and mostly in one
//! of these languages (often mixing in English terms), so counting a few dozen
//! frequent function words of each language is enough and needs no model. The
//! lists are disjoint: words two languages share ("de" in French and Dutch,
//! "die" in German and Dutch, "in", "is", "we" ...) are left out, so each word
//! counts for one language at most.

use crate::text::normalize::{is_word_byte, normalize};

/// Frequent English function words (folded).
const ENGLISH: &[&str] = &[
    "the", "and", "of", "to", "with", "for", "you", "our", "will", "in", "is", "are", "we", "your",
    "on", "as", "be", "this", "that", "an", "or", "from", "have", "who", "what", "about",
];

/// Frequent German function words (folded).
const GERMAN: &[&str] = &[
    "und", "der", "die", "das", "mit", "für", "du", "wir", "ist", "sind", "ein", "eine", "einen",
    "im", "von", "zu", "den", "dem", "des", "auf", "bei", "sie", "ihre", "deine", "dein", "uns",
    "oder", "als", "auch", "nicht", "wie",
];

/// Frequent French function words (folded). Elided forms ("l'", "d'") split off
/// as single letters and are not counted.
const FRENCH: &[&str] = &[
    "le", "la", "les", "et", "un", "une", "vous", "nous", "votre", "vos", "notre", "nos", "pour",
    "dans", "avec", "sur", "est", "sont", "au", "aux", "qui", "que", "ou", "par", "ce", "cette",
    "être", "tu", "ton", "ta", "tes",
];

/// Frequent Dutch function words (folded).
const DUTCH: &[&str] = &[
    "het", "een", "van", "je", "jij", "jouw", "wij", "zijn", "voor", "met", "op", "niet", "ook",
    "naar", "bij", "om", "dat", "deze", "dit", "wordt", "worden", "onze", "ons", "te", "aan",
    "uit", "ben", "heb", "hebt", "heeft", "wat", "jou", "maar",
];

/// The languages guessed, with their function words; on a tie the earlier wins.
const LANGUAGES: [(&str, &[&str]); 4] = [
    ("en", ENGLISH),
    ("de", GERMAN),
    ("fr", FRENCH),
    ("nl", DUTCH),
];

/// No function word is longer than this, in bytes: longer words are skipped unread.
const MAX_FUNCTION_WORD_BYTES: usize = 6;

/// Fewer recognised function words than this gives `other`.
pub const MIN_FUNCTION_WORDS: usize = 5;

/// The folded text read for the guess: enough words, at little cost on long postings.
pub const SAMPLE_BYTES: usize = 512;

/// A word of at most eight bytes packed into an integer (zero-padded), for lookup.
fn pack(word: &[u8]) -> u64 {
    word.iter()
        .take(8)
        .enumerate()
        .fold(0, |key, (i, &b)| key | u64::from(b) << (8 * i))
}

/// Every function word packed by [`pack`], sorted, with its index into [`LANGUAGES`]; built once.
fn packed_words() -> &'static [(u64, usize)] {
    static TABLE: std::sync::OnceLock<Vec<(u64, usize)>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t: Vec<(u64, usize)> = LANGUAGES
            .iter()
            .enumerate()
            .flat_map(|(i, (_, words))| words.iter().map(move |w| (pack(w.as_bytes()), i)))
            .collect();
        t.sort_unstable();
        t
    })
}

/// Guesses the language of a text: `"en"`, `"de"`, `"fr"`, `"nl"` or `"other"`.
///
/// The language with the most function words wins (English first on a tie);
/// fewer than five of all of them together give `"other"`.
pub fn guess(text: &str) -> &'static str {
    guess_folded(normalize(text).text())
}

/// [`guess`] on text already folded by the normalizer, reading its first
/// [`SAMPLE_BYTES`].
pub fn guess_folded(folded: &str) -> &'static str {
    let sample = &folded.as_bytes()[..folded.len().min(SAMPLE_BYTES)];
    let table = packed_words();
    let mut counts = [0usize; LANGUAGES.len()];
    // Folded text: words are runs of word bytes (letters, digits, any byte of a
    // multi-byte letter). Each word is packed as it is read (its first eight
    // bytes); a word longer than any function word is skipped without a lookup.
    let (mut key, mut len) = (0u64, 0usize);
    for i in 0..=sample.len() {
        let b = sample.get(i).copied().unwrap_or(b' ');
        if is_word_byte(b) {
            if len < 8 {
                key |= u64::from(b) << (8 * len);
            }
            len += 1;
            continue;
        }
        if (2..=MAX_FUNCTION_WORD_BYTES).contains(&len) {
            if let Ok(k) = table.binary_search_by(|&(w, _)| w.cmp(&key)) {
                counts[table[k].1] += 1;
            }
        }
        key = 0;
        len = 0;
    }
    if counts.iter().sum::<usize>() < MIN_FUNCTION_WORDS {
        return "other";
    }
    // The first language with the most words: English wins a tie.
    let best = (1..counts.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    LANGUAGES[best].0
}

#[cfg(test)]
mod tests {
    use super::{guess, LANGUAGES, MAX_FUNCTION_WORD_BYTES};

    #[test]
    fn guesses_english_german_french_and_dutch() {
        assert_eq!(
            guess("You will own the backlog and work with the team on our product."),
            "en"
        );
        assert_eq!(
            guess("Als Product Owner bist du für das Backlog verantwortlich und arbeitest mit dem Team."),
            "de"
        );
        assert_eq!(
            guess("En tant que Product Owner, vous gérez le backlog produit avec l'équipe et rédigez les récits utilisateurs."),
            "fr"
        );
        assert_eq!(
            guess("Als productmanager ben jij verantwoordelijk voor de roadmap en werk je met het team aan een nieuw product."),
            "nl"
        );
        assert_eq!(guess("Backlog, Jira, Scrum"), "other");
    }

    #[test]
    fn english_terms_in_a_french_or_dutch_posting_do_not_make_it_english() {
        assert_eq!(
            guess("Vous êtes le Product Owner de notre squad : backlog, user stories, sprint review et roadmap sont votre quotidien."),
            "fr"
        );
        assert_eq!(
            guess("Je bent de Product Owner van ons team: je werkt aan de backlog, de user stories en de sprint review."),
            "nl"
        );
    }

    #[test]
    fn the_word_lists_are_folded_short_and_disjoint() {
        let mut seen = std::collections::HashSet::new();
        for (lang, words) in LANGUAGES {
            for w in words {
                assert!(
                    seen.insert(*w),
                    "{w:?} ({lang}) is listed for two languages"
                );
                assert!(w.len() <= MAX_FUNCTION_WORD_BYTES, "{w:?} is too long");
                assert_eq!(
                    crate::text::normalize::normalize(w).text(),
                    *w,
                    "{w:?} is not folded"
                );
            }
        }
    }
}
