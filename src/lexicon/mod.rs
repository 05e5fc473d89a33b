//! Stage 0, lexicon: a TOML file in, the checked [`Lexicon`] every later stage reads out.
//!
//! Weighted PO- and PM-indicative phrases grouped in categories, the context
//! cues, the section headings and legal-statement cues of each language, the
//! calibration constants and the category multipliers. [`parse`] reads a file
//! (format in `lexicon/README.md`), rejecting what cannot work with
//! `file:line`; [`types`] holds the types and their accessors. The default
//! lexicon is embedded in the binary.

pub mod parse;
pub mod types;

pub use types::*;
