//! Stage 5, classify: postings in, classifications out, one at a time or many in parallel.
//!
//! [`Classifier`] ties the text, matching and judge stages together for one
//! [`Posting`]; [`batch`] runs it over many postings on a rayon pool, keeping
//! their order, and over a stream of record batches while the next batch is
//! read and the previous one written.

pub mod batch;
pub mod classifier;
pub mod posting;
pub mod settings;

pub use batch::{run_ordered, thread_pool};
pub use classifier::{Classification, Classifier, ClassifierBuilder};
pub use posting::{Posting, MAX_FIELD_BYTES};
pub use settings::{settings_out_of_range, OutOfRange};
