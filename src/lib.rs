//! popm tells, with evidence, whether job postings lean Product Owner or Product Manager.
//!
//! Data flows one way:
//!
//! 1. [`input`] reads postings from CSV ([`csv_split`] cuts records on the reading
//!    thread and fields on the workers); [`source`] also from JSON Lines, JSON or
//!    `.xlsx` ([`json_input`], [`xlsx_input`]), after [`decode`] turns the bytes into UTF-8;
//! 2. [`normalize`] folds each text (markup, case, punctuation) keeping an offset map;
//! 3. [`scan`] finds lexicon phrases with one multi-pattern automaton;
//! 4. [`context`] marks role names used for colleagues, the posting's own role, negations;
//! 5. [`score`] sums weights with diminishing returns into a PO and a PM score;
//! 6. [`label`] turns the scores into a label, a confidence and a lean;
//! 7. [`output`] writes CSV, TSV or JSON Lines with the evidence.
//!
//! [`classify`] ties steps 2–6 together and runs them in parallel, in order.
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

pub mod calibrate;
pub mod classify;
pub mod context;
pub mod csv_split;
pub mod decode;
pub mod error;
pub mod eval;
mod flat_dfa;
pub mod input;
pub mod json_input;
pub mod label;
pub mod language;
pub mod learn;
pub mod lexicon;
pub mod lexicon_check;
pub mod normalize;
pub mod output;
pub mod scan;
pub mod score;
pub mod sections;
pub mod self_role;
pub mod source;
pub mod spelling;
pub mod summary;
pub mod xlsx;
pub mod xlsx_input;

pub use classify::{Classification, Classifier, Field};
pub use context::Mark;
pub use error::{Error, ErrorKind, Result};
pub use label::{Label, Thresholds, Verdict};
pub use lexicon::{Lexicon, Role};
pub use scan::Workload;
pub use score::{Evidence, Score, ScoringParams};
