//! Stage 2, text: a description as given in, the folded text the scanner reads out.
//!
//! [`normalize`] strips markup, folds case and punctuation and keeps a map from
//! every folded byte back to the original (its byte-level fast path for plain
//! ASCII runs, with an `unsafe` block and its proof, lives there too); [`spelling`] gives the US/UK variants
//! of a lexicon phrase; [`language`] guesses a posting's language from function
//! words; [`snippet`] cuts a match with its context for evidence, and `char_offsets`
//! turns many byte offsets of a field into character offsets in one count;
//! [`mask`] hides role names, to judge the work described on its own;
//! [`links`] reads the slugs and subjects of a posting's apply links.

pub(crate) mod char_offsets;
pub mod language;
pub mod links;
pub mod mask;
pub mod normalize;
pub mod snippet;
pub mod spelling;
