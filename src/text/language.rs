//! A simple language guess (English, German, or other) from common function words.
//!
//! Used to report accuracy per language; postings are short and mostly English
//! or German (often mixing English terms), so counting a few dozen frequent
//! function words of each language is enough and needs no model.

use crate::text::normalize::normalize;

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

/// Fewer recognised function words than this gives `other`.
pub const MIN_FUNCTION_WORDS: usize = 5;

/// Guesses the language of a text: `"en"`, `"de"` or `"other"`.
pub fn guess(text: &str) -> &'static str {
    let norm = normalize(text);
    let (mut en, mut de) = (0usize, 0usize);
    for word in norm
        .text()
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        en += usize::from(ENGLISH.contains(&word));
        de += usize::from(GERMAN.contains(&word));
    }
    if en + de < MIN_FUNCTION_WORDS {
        "other"
    } else if de > en {
        "de"
    } else {
        "en"
    }
}

#[cfg(test)]
mod tests {
    use super::guess;

    #[test]
    fn guesses_english_and_german() {
        assert_eq!(
            guess("You will own the backlog and work with the team on our product."),
            "en"
        );
        assert_eq!(
            guess("Als Product Owner bist du für das Backlog verantwortlich und arbeitest mit dem Team."),
            "de"
        );
        assert_eq!(guess("Backlog, Jira, Scrum"), "other");
    }
}
