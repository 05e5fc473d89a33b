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

pub mod classify;
pub mod error;
pub mod input;
pub mod judge;
pub mod lexicon;
pub mod matching;
pub mod output;
pub mod report;
pub mod text;

pub use classify::{Classification, Classifier, ClassifierBuilder, Posting};
pub use error::{Error, ErrorKind, Result};
pub use judge::context::Mark;
pub use judge::label::{Label, LabelCounts, Thresholds, Verdict};
pub use judge::score::{Evidence, Score, ScoringParams};
pub use lexicon::{Lexicon, Role};
pub use matching::scan::Workload;
