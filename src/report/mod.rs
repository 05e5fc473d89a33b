//! Reports over many results: summaries of a run, accuracy against gold labels,
//! phrases learned from labeled postings, the lexicon's own check, and the
//! HTML report of a run.
//!
//! Reports read results through `crate::input`, like `classify` reads
//! postings, and never keep readers of their own.

pub mod eval;
pub mod fit;
pub mod html;
pub mod learn;
pub mod lexicon_check;
pub mod summary;
#[cfg(feature = "xlsx")]
pub mod summary_sheet;
