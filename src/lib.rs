//! popm tells, with evidence, whether job postings lean Product Owner or Product Manager.
//!
//! Data flows one way: read → normalize → scan → judge → label → write.
//!
//! 1. [`io::Source`] reads postings from CSV, TSV, JSON Lines, a JSON array
//!    or an `.xlsx` sheet, and an [`io::ColumnPlan`] turns each record into a
//!    [`Posting`] (title and texts);
//! 2. the text is folded (markup, case, punctuation) with a map back to the
//!    original bytes, so evidence always points into the text as given;
//! 3. one multi-pattern automaton finds every [`Lexicon`] phrase;
//! 4. the judge marks role names used for colleagues or for the posting's own
//!    role and negated phrases, weighs each match by the section it is in, and
//!    sums a PO and a PM [`Score`];
//! 5. the scores become a [`Label`] with a calibrated confidence and a lean
//!    ([`Verdict`]), together a [`Classification`] with its [`Evidence`];
//! 6. [`io::Layout`] writes CSV, TSV or JSON Lines rows, [`io::XlsxWriter`] a
//!    workbook; [`report`] summarises results and measures accuracy.
//!
//! A [`Classifier`] is built once from a lexicon and shared by every thread;
//! [`Classifier::classify_batch`] runs many postings in parallel, in order.
//!
//! ```
//! use popm::{Classifier, Label, Lexicon, Posting};
//!
//! let classifier = Classifier::new(Lexicon::embedded()).unwrap();
//! let posting = Posting::new(
//!     "You own the product backlog, write user stories and acceptance criteria, \
//!      and run sprint planning with the development team.",
//! )
//! .with_title("Product Owner");
//! let result = classifier.classify(&posting);
//! assert_eq!(result.verdict.label, Label::ProductOwner);
//! assert_eq!("product_owner".parse::<Label>(), Ok(result.verdict.label));
//! ```
//!
//! # Features
//!
//! * `cli` (default): the `popm` command-line tool and its dependencies (clap …);
//! * `xlsx` (default): reading and writing `.xlsx` workbooks;
//! * `internals`: the stages' internals for popm's own benches, fuzz targets
//!   and tests; not a public API.
//!
//! A library user who needs neither the tool nor workbooks builds with
//! `default-features = false`.
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
    run_ordered, settings_out_of_range, thread_pool, Classification, Classifier, ClassifierBuilder,
    OutOfRange, Posting, MAX_FIELD_BYTES,
};
pub use error::{Error, ErrorKind, Result};
pub use judge::context::Mark;
pub use judge::label::{Label, LabelCounts, Thresholds, Verdict};
pub use judge::score::{Evidence, Occurrence, Score, ScoringParams};
pub use judge::sections::SectionKind;
pub use judge::self_role::SelfRole;
pub use lexicon::{Category, CategoryKind, Entry, EntryId, Lexicon, Role};
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
