//! A simple language guess (English, German, French, Dutch, or other) from common function words.
//!
//! Used to report accuracy per language; postings are short and mostly in one
//! of these languages (often mixing in English terms), so counting a few dozen
//! frequent function words of each language is enough and needs no model. The
//! lists are disjoint: words two languages share ("de" in French and Dutch,
//! "die" in German and Dutch, "in", "is", "we" ...) are left out, so each word
//! counts for one language at most.

use crate::text::normalize::{normalize, word_mask};

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

/// Bits of each word counter in [`guess_folded`]: room for [`SAMPLE_BYTES`] / 2 words.
const COUNTER_BITS: usize = 12;
const _: () =
    assert!(SAMPLE_BYTES / 2 < 1 << COUNTER_BITS && COUNTER_BITS * (LANGUAGES.len() + 1) <= 64);

/// A word of at most eight bytes packed into an integer (zero-padded), for lookup.
fn pack(word: &[u8]) -> u64 {
    word.iter()
        .take(8)
        .enumerate()
        .fold(0, |key, (i, &b)| key | u64::from(b) << (8 * i))
}

/// Slots of [`FunctionWords`]: a power of two, about sixteen times the number
/// of words, so that a multiplier that puts every word in a slot of its own is
/// found within a few dozen tries.
const SLOTS: usize = 2048;

/// Every function word packed by [`pack`], each in a slot of its own (a
/// perfect hash: the multiplier is searched for when the table is built),
/// with its index into [`LANGUAGES`]. A lookup is a multiply, one load and
/// one compare, with no branch on whether the word was found.
struct FunctionWords {
    multiplier: u64,
    /// Each slot's word (0: none) and language index ([`LANGUAGES`]`.len()` when empty).
    slots: Box<[(u64, u8)]>,
}

impl FunctionWords {
    /// The slot of a key.
    fn slot(&self, key: u64) -> usize {
        Self::slot_with(self.multiplier, key)
    }

    fn slot_with(multiplier: u64, key: u64) -> usize {
        (key.wrapping_mul(multiplier) >> (64 - SLOTS.trailing_zeros())) as usize
    }

    fn build() -> FunctionWords {
        let keys: Vec<(u64, u8)> = LANGUAGES
            .iter()
            .enumerate()
            .flat_map(|(lang, (_, words))| {
                words.iter().map(move |w| (pack(w.as_bytes()), lang as u8))
            })
            .collect();
        let empty = (0u64, LANGUAGES.len() as u8);
        // The multiplier the search below found for these word lists (the
        // 29th from 0x9E37_79B9_7F4A_7C15): the first try fits. Should the
        // lists change, the search goes on from it.
        let mut multiplier = 0x374C_AD18_27F0_78F5u64;
        loop {
            let mut slots = vec![empty; SLOTS].into_boxed_slice();
            let fits = keys.iter().all(|&(key, lang)| {
                let at = Self::slot_with(multiplier, key);
                let free = slots[at].0 == 0;
                slots[at] = (key, lang);
                free
            });
            if fits {
                return FunctionWords { multiplier, slots };
            }
            // The next odd multiplier of a well-mixed sequence.
            multiplier = multiplier.wrapping_add(0x6A09_E667_F3BC_C908) | 1;
        }
    }

    /// The language index of a packed word, if it is a function word.
    #[cfg(test)]
    fn language_of(&self, key: u64) -> Option<usize> {
        let (k, lang) = self.slots[self.slot(key)];
        (k == key && key != 0).then_some(usize::from(lang))
    }

    /// The counter of [`guess_folded`] a packed word adds to: its language's,
    /// else the last one (which no language has). Key 0 (no word) is never found.
    fn counter_of(&self, key: u64) -> usize {
        let (k, lang) = self.slots[self.slot(key)];
        // Without a branch: all ones when found, else zero.
        let found = usize::from(k == key && key != 0).wrapping_neg();
        (usize::from(lang) & found) | (LANGUAGES.len() & !found)
    }
}

/// The function-word table, built once.
fn function_words() -> &'static FunctionWords {
    static TABLE: std::sync::OnceLock<FunctionWords> = std::sync::OnceLock::new();
    TABLE.get_or_init(FunctionWords::build)
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
    let n = folded.len().min(SAMPLE_BYTES);
    // The sample, zero-padded: zero is not a word byte, so a word ends at the
    // sample's end, and every word's first eight bytes can be loaded at once.
    let mut sample = [0u8; SAMPLE_BYTES + 8];
    sample[..n].copy_from_slice(&folded.as_bytes()[..n]);
    // Folded text: words are runs of word bytes (letters, digits, any byte of a
    // multi-byte letter). Bit k of `words[k / 64]` is set for a word byte at k;
    // the words are visited from these masks, without a branch per byte.
    let mut words = [0u64; SAMPLE_BYTES / 64 + 1];
    for (mask, block) in words
        .iter_mut()
        .zip(sample[..SAMPLE_BYTES].chunks_exact(64))
    {
        *mask = word_bits(block);
    }
    let table = function_words();
    // One 12-bit counter per language and one for every other word, packed in
    // one integer (a sample holds at most 256 words, each a byte and a
    // separator): counting is an add in a register, with no branch on whether
    // the word was found.
    let mut packed = 0u64;
    let mut at = 0;
    while let Some(start) = next_bit(&words, at, false) {
        let end = next_bit(&words, start, true).unwrap_or(SAMPLE_BYTES);
        at = end;
        let len = end - start;
        let mut first = [0u8; 8];
        first.copy_from_slice(&sample[start..start + 8]);
        let word = u64::from_le_bytes(first) & (u64::MAX >> (64 - 8 * len.min(8)));
        // A word of another length is looked up as key 0, which is no word.
        let fits = u64::from((2..=MAX_FUNCTION_WORD_BYTES).contains(&len));
        packed += 1 << (COUNTER_BITS * table.counter_of(word * fits));
    }
    let counts: [usize; LANGUAGES.len()] = std::array::from_fn(|lang| {
        ((packed >> (COUNTER_BITS * lang)) & ((1 << COUNTER_BITS) - 1)) as usize
    });
    if counts.iter().sum::<usize>() < MIN_FUNCTION_WORDS {
        return "other";
    }
    // The first language with the most words: English wins a tie.
    let best = (1..counts.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
    LANGUAGES[best].0
}

/// The first bit at or after `from` in `masks` that is set (`clear`: that is
/// clear), if any below `64 * (masks.len() - 1)`; the last mask is a sentinel.
fn next_bit(masks: &[u64], from: usize, clear: bool) -> Option<usize> {
    let flip = if clear { u64::MAX } else { 0 };
    let mut w = from / 64;
    let mut bits = (masks.get(w)? ^ flip) & (u64::MAX << (from % 64));
    while bits == 0 {
        w += 1;
        bits = masks.get(w)? ^ flip;
    }
    let k = w * 64 + bits.trailing_zeros() as usize;
    (k < 64 * (masks.len() - 1)).then_some(k)
}

/// Bit k set for each word byte `block[k]` (see [`crate::text::normalize::is_word_byte`]).
fn word_bits(block: &[u8]) -> u64 {
    block
        .chunks_exact(16)
        .enumerate()
        .fold(0, |mask, (i, chunk)| {
            let chunk: &[u8; 16] = chunk.try_into().unwrap_or(&[0; 16]);
            mask | u64::from(word_mask(chunk)) << (16 * i)
        })
}

#[cfg(test)]
mod tests {
    use super::{function_words, guess, guess_folded, pack, LANGUAGES, MAX_FUNCTION_WORD_BYTES};

    #[test]
    fn the_table_finds_every_function_word_and_nothing_else() {
        let table = function_words();
        for (lang, (_, words)) in LANGUAGES.iter().enumerate() {
            for w in *words {
                assert_eq!(table.language_of(pack(w.as_bytes())), Some(lang), "{w:?}");
            }
        }
        for w in [
            "them", "thee", "xy", "backlog", "sprint", "produkt", "équipe", "a", "",
        ] {
            assert_eq!(table.language_of(pack(w.as_bytes())), None, "{w:?}");
        }
    }

    /// The guess as first written: byte by byte, a binary search per short word.
    fn bytewise(folded: &str) -> &'static str {
        let mut table: Vec<(u64, usize)> = LANGUAGES
            .iter()
            .enumerate()
            .flat_map(|(i, (_, words))| words.iter().map(move |w| (pack(w.as_bytes()), i)))
            .collect();
        table.sort_unstable();
        let sample = &folded.as_bytes()[..folded.len().min(super::SAMPLE_BYTES)];
        let mut counts = [0usize; LANGUAGES.len()];
        let (mut key, mut len) = (0u64, 0usize);
        for i in 0..=sample.len() {
            let b = sample.get(i).copied().unwrap_or(b' ');
            if crate::text::normalize::is_word_byte(b) {
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
        if counts.iter().sum::<usize>() < super::MIN_FUNCTION_WORDS {
            return "other";
        }
        let best =
            (1..counts.len()).fold(0, |best, i| if counts[i] > counts[best] { i } else { best });
        LANGUAGES[best].0
    }

    /// Words the property test builds texts from: function words of every
    /// language, their prefixes and extensions, other words, separators.
    const PIECES: &[&str] = &[
        "the", "and", "und", "der", "le", "les", "het", "een", "th", "andx", "theirs", "für",
        "être", "worden", "wordenx", "backlog", "x", " ", "  ", ", ", ".", "\n", "é", "ü", "12",
        "a1", "sprint",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(500))]

        /// Any text, short or past the sample's end: the guess as first written.
        #[test]
        fn the_guess_is_the_bytewise_guess(picks in proptest::collection::vec(0..PIECES.len(), 0..400)) {
            let text: String = picks.iter().map(|&k| PIECES[k]).collect();
            proptest::prop_assert_eq!(guess_folded(&text), bytewise(&text), "{:?}", text);
        }
    }

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
    fn a_sample_full_of_words_counts_every_one() {
        // As many words as a sample can hold, function words or not.
        assert_eq!(guess_folded(&"a ".repeat(400)), "other");
        assert_eq!(guess_folded(&"of ".repeat(400)), "en");
        assert_eq!(guess_folded(&"x der ".repeat(200)), "de");
        assert_eq!(
            guess_folded(&format!("{}{}", "le ".repeat(100), "of ".repeat(100))),
            bytewise(&format!("{}{}", "le ".repeat(100), "of ".repeat(100)))
        );
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
