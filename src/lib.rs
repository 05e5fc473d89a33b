//! popm tells, with evidence, whether job postings lean Product Owner or Product Manager.
//!
//! ```
//! use popm::{Classifier, Label, Lexicon};
//!
//! let classifier = Classifier::new(Lexicon::embedded()).unwrap();
//! let result = classifier.classify_text(
//!     "As Product Owner you own the product backlog, write user stories and \
//!      acceptance criteria, and run sprint planning with the development team.",
//! );
//! assert_eq!(result.verdict.label, Label::ProductOwner);
//! ```
#![deny(missing_docs)]
// Without `internals`, some stage items exist only for the benches, fuzz targets and tests.
#![cfg_attr(not(feature = "internals"), allow(dead_code))]

mod classify;
mod error;
mod input;
mod judge;
mod lexicon;
mod matching;
mod output;
mod text;

pub mod io;
pub mod report;

#[doc(hidden)]
#[cfg(feature = "internals")]
pub mod internals;

pub use classify::{
    run_ordered, thread_pool, Classification, Classifier, ClassifierBuilder, Posting,
};
pub use error::{Error, ErrorKind, Result};
pub use judge::context::Mark;
pub use judge::label::{Label, LabelCounts, Thresholds, Verdict};
pub use judge::score::{Evidence, Score, ScoringParams};
pub use judge::self_role::SelfRole;
pub use lexicon::{CategoryKind, Lexicon, Role};
pub use matching::scan::Workload;

/// The main types can be shared across threads (checked at compile time).
const _: () = {
    const fn send_sync<T: Send + Sync>() {}
    send_sync::<Classifier>();
    send_sync::<Lexicon>();
    send_sync::<Classification>();
    send_sync::<Posting<'static>>();
    send_sync::<Error>();
};
