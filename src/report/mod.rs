//! Reports over many results: summaries of a run, accuracy against gold labels,
//! phrases learned from labeled postings, and the lexicon's own check.
//!
//! Reports read results through `crate::input`, like `classify` reads
//! postings, and never keep readers of their own.

pub mod eval;
pub mod fit;
pub mod learn;
pub mod lexicon_check;
pub mod summary;
#[cfg(feature = "xlsx")]
pub mod summary_sheet;
