//! HTML views of results: the self-contained report of many postings and the
//! page of one posting.
//!
//! A report is one file with its style, script, data and charts inline; it
//! makes no network request and its Content-Security-Policy allows only its
//! own inline script and style, by hash ([`csp`]). Its parts, one concept per
//! file:
//!
//! * [`row`]: one posting as the report shows it ([`ReportRow`]), built from a
//!   classification or read back from a result file ([`results`]);
//! * [`highlight`]: a text cut into plain pieces and matches, long texts cut to
//!   the parts around their matches;
//! * [`data`]: the postings as compact JSON, within size budgets, with the
//!   summary [`Tally`](crate::report::summary::Tally);
//! * [`escape`]: escaping for HTML and for JSON inside a script block;
//! * [`svg`]: the summary band's charts;
//! * [`page`]: the documents themselves.
//!
//! ```
//! use popm::report::html::{write_report, PageInfo, ReportData, ReportRow, TextKind};
//! use popm::{Classifier, Lexicon, Posting};
//!
//! let lexicon = Lexicon::embedded();
//! let classifier = Classifier::new(lexicon.clone()).unwrap();
//! let text = "You own the product backlog and write user stories.";
//! let result = classifier.classify(&Posting::new(text));
//! let mut row = ReportRow::from_classification(&result, &lexicon, &[text], &["text".into()]);
//! row.id = "1".into();
//! let mut data = ReportData::new(Vec::new(), TextKind::Full);
//! data.add(row);
//! let mut html = Vec::new();
//! write_report(&data, &PageInfo::default(), &mut html).unwrap();
//! assert!(String::from_utf8(html).unwrap().contains("Content-Security-Policy"));
//! ```

pub mod csp;
pub mod data;
pub mod escape;
pub mod highlight;
pub mod page;
pub mod results;
pub mod row;
pub mod svg;

pub use data::ReportData;
pub use page::{posting_page, write_report, PageInfo};
pub use results::read_results_into;
pub use row::{ReportRow, TextKind};
