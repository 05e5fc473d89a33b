//! Stage 3, matching: the folded text in, every lexicon phrase it contains out.
//!
//! [`scan`] compiles the lexicon once into one multi-pattern automaton and
//! reports whole-word, leftmost-longest hits with offsets into the folded text;
//! [`flat_dfa`] is that automaton as one flat transition table for batch runs;
//! [`prefix_trie`] finds the longest of a set of phrases a line starts with.

pub mod flat_dfa;
pub mod prefix_trie;
pub mod scan;
