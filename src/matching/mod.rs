//! Stage 3, matching: the folded text in, every lexicon phrase it contains out.
//!
//! [`scan`] compiles the lexicon once into one multi-pattern automaton and
//! reports whole-word, leftmost-longest hits with offsets into the folded text;
//! [`flat_dfa`] is that automaton as one flat transition table for batch runs.

pub mod flat_dfa;
pub mod scan;
