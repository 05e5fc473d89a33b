//! The stages' internals, for popm's own benchmarks, fuzz targets and tests.
//!
//! Compiled only with the `internals` feature and hidden from the documentation:
//! nothing here is part of the public API, and any of it may change in any release.

pub use crate::classify::batch;
pub use crate::input::{csv, csv_split, decode, record, source};
pub use crate::judge::{context, label, score, sections, self_role};
pub use crate::lexicon::Entry;
pub use crate::matching::{flat_dfa, scan};
pub use crate::report::lexicon_check;
pub use crate::text::{language, normalize, spelling};
