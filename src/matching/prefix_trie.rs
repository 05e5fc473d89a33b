//! The longest of a set of phrases that a text starts with, by a trie of
//! dense rows.
//!
//! Section headings are looked for at line starts only, so their search is
//! anchored: a walk from the root that stops at the first byte no phrase
//! continues with. A trie of dense rows (one entry per byte class) is that
//! walk at one table load a byte, and is built in one pass over the phrases'
//! bytes, where an automaton with failure transitions costs millions of
//! instructions more to build, at every start of `popm check` too.

/// At most this many table entries (64 MiB of `u32`s).
const MAX_ENTRIES: usize = 16 << 20;

/// No phrase ends at a node.
const NO_PHRASE: u32 = u32::MAX;

/// Phrases in a trie, for the longest one a text starts with.
#[derive(Clone, Debug)]
pub struct PrefixTrie {
    /// The class of every byte: bytes that no phrase contains share class 0.
    classes: [u8; 256],
    /// Entries per node: the number of classes.
    stride: usize,
    /// `table[node * stride + class]`: the node after `node` on a byte of
    /// `class`, 0 when no phrase goes on so (the root is no node's child).
    table: Vec<u32>,
    /// For each node, the index of the phrase that ends there, or [`NO_PHRASE`].
    ends: Vec<u32>,
}

impl PrefixTrie {
    /// Builds the trie of `phrases`; of two equal phrases, the first one's
    /// index is reported. `None` when it would need more than [`MAX_ENTRIES`]
    /// entries.
    pub fn new<P: AsRef<[u8]>>(phrases: &[P]) -> Option<PrefixTrie> {
        let mut used = [false; 256];
        for b in phrases.iter().flat_map(|p| p.as_ref()) {
            used[usize::from(*b)] = true;
        }
        // Each byte of the phrases gets a class of its own; the others share
        // class 0, unless the phrases hold every byte value.
        let mut classes = [0u8; 256];
        let mut stride = usize::from(!used.iter().all(|&u| u));
        for (b, _) in used.iter().enumerate().filter(|(_, &u)| u) {
            classes[b] = stride as u8; // below 256: at most 256 classes in all
            stride += 1;
        }
        let mut table = vec![0u32; stride];
        let mut ends = vec![NO_PHRASE];
        for (index, phrase) in phrases.iter().enumerate() {
            let mut node = 0;
            for &b in phrase.as_ref() {
                let at = node * stride + usize::from(classes[usize::from(b)]);
                if table[at] == 0 {
                    if table.len() + stride > MAX_ENTRIES {
                        return None;
                    }
                    table[at] = u32::try_from(ends.len()).ok()?;
                    table.resize(table.len() + stride, 0);
                    ends.push(NO_PHRASE);
                }
                node = table[at] as usize;
            }
            if ends[node] == NO_PHRASE {
                ends[node] = u32::try_from(index).ok()?;
            }
        }
        Some(PrefixTrie {
            classes,
            stride,
            table,
            ends,
        })
    }

    /// The longest phrase that `text` starts with: its index and length.
    pub fn longest_prefix(&self, text: &[u8]) -> Option<(usize, usize)> {
        let mut node = 0;
        let mut found = None;
        for (at, &b) in text.iter().enumerate() {
            node =
                self.table[node * self.stride + usize::from(self.classes[usize::from(b)])] as usize;
            if node == 0 {
                break;
            }
            if self.ends[node] != NO_PHRASE {
                found = Some((self.ends[node] as usize, at + 1));
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest phrase `text` starts with, by its definition.
    fn by_definition(phrases: &[String], text: &str) -> Option<(usize, usize)> {
        let mut best: Option<(usize, usize)> = None;
        for (i, p) in phrases.iter().enumerate() {
            let longer = best.is_none_or(|(_, len)| p.len() > len);
            if !p.is_empty() && text.as_bytes().starts_with(p.as_bytes()) && longer {
                best = Some((i, p.len()));
            }
        }
        best
    }

    #[test]
    fn the_longest_phrase_at_the_start_wins() {
        let phrases = [
            "about",
            "about us",
            "about the role",
            "aufgaben",
            "über uns",
        ];
        let t = PrefixTrie::new(&phrases).unwrap();
        assert_eq!(t.longest_prefix(b"about us: we"), Some((1, 8)));
        assert_eq!(t.longest_prefix(b"about the r"), Some((0, 5)));
        assert_eq!(t.longest_prefix("über uns".as_bytes()), Some((4, 9)));
        assert_eq!(t.longest_prefix(b"abou"), None);
        assert_eq!(t.longest_prefix(b"we are about"), None);
        assert_eq!(t.longest_prefix(b""), None);
        assert_eq!(
            PrefixTrie::new::<&str>(&[]).unwrap().longest_prefix(b"x"),
            None
        );
    }

    #[test]
    fn of_two_equal_phrases_the_first_is_reported() {
        let t = PrefixTrie::new(&["role", "the role", "role"]).unwrap();
        assert_eq!(t.longest_prefix(b"role:"), Some((0, 4)));
    }

    #[test]
    fn every_byte_value_can_be_in_a_phrase() {
        let phrases: Vec<Vec<u8>> = (0..=255u8).map(|b| vec![b, b]).collect();
        let t = PrefixTrie::new(&phrases).unwrap();
        assert_eq!(t.longest_prefix(&[7, 7, 7]), Some((7, 2)));
        assert_eq!(t.longest_prefix(&[254, 254]), Some((254, 2)));
        assert_eq!(t.longest_prefix(&[255, 255]), Some((255, 2)));
        assert_eq!(t.longest_prefix(&[0, 1]), None);
    }

    proptest::proptest! {
        #[test]
        fn finds_the_longest_phrase_the_text_starts_with(
            phrases in proptest::collection::vec("[ab \u{fc}:]{0,6}", 0..12),
            text in "[ab \u{fc}:x]{0,12}",
        ) {
            let t = PrefixTrie::new(&phrases).unwrap();
            proptest::prop_assert_eq!(t.longest_prefix(text.as_bytes()), by_definition(&phrases, &text));
        }
    }
}
