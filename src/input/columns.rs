//! The column plan: which fields of a record are the posting's texts, title and id.
//!
//! Columns are named by the user (`--text-col`, `--title-col`, `--id-col`, by
//! name or 1-based number) or found by header name ([`TEXT_COLUMN_NAMES`],
//! [`TITLE_COLUMN_NAMES`], [`ID_COLUMN_NAMES`]); `--ignore-cols` hides columns
//! from that search. [`RecordTexts`] are one record's decoded texts.

use std::borrow::Cow;

use crate::classify::Posting;
use crate::error::{Error, Result};
use crate::input::record::{
    decode_field, ColumnSel, Header, Record, ID_COLUMN_NAMES, TEXT_COLUMN_NAMES, TITLE_COLUMN_NAMES,
};
use crate::input::source::Source;

/// The columns a user named, before they are looked up in an input's header.
#[derive(Clone, Debug, Default)]
pub struct ColumnChoice {
    /// Text columns, comma-separated names or 1-based numbers (`--text-col`).
    pub text: Option<String>,
    /// Title column (`--title-col`).
    pub title: Option<String>,
    /// Id column (`--id-col`).
    pub id: Option<String>,
    /// Columns never taken as text or title (`--ignore-cols`).
    pub ignore: Vec<String>,
}

/// Where the columns of one input are.
#[derive(Debug, Clone)]
pub struct ColumnPlan {
    /// Text columns (0-based), in order.
    pub text: Vec<usize>,
    /// Their header names (for evidence).
    pub text_names: Vec<String>,
    /// Title column.
    pub title: Option<usize>,
    /// Id column.
    pub id: Option<usize>,
}

impl ColumnPlan {
    /// Finds the columns of `src` from the flags, or by header name.
    ///
    /// # Errors
    ///
    /// When a named column is not in the header, or no description column is found.
    pub fn resolve(src: &Source, args: &ColumnChoice) -> Result<ColumnPlan> {
        ColumnPlan::for_header(src.header(), args)
    }

    /// Finds the columns of an input with this header (a data frame's column
    /// names, say) by the same rules as [`ColumnPlan::resolve`].
    ///
    /// ```
    /// use popm::io::{ColumnChoice, ColumnPlan, Header};
    ///
    /// let names = vec!["Job Title".to_string(), "Job Description".to_string()];
    /// let plan = ColumnPlan::for_header(&Header::new("frame", names), &ColumnChoice::default())
    ///     .unwrap();
    /// assert_eq!((plan.text, plan.title), (vec![1], Some(0)));
    /// ```
    ///
    /// # Errors
    ///
    /// When a named column is not in the header, or no description column is
    /// found; the message lists the columns and says which argument to give.
    pub fn for_header(header: &Header, args: &ColumnChoice) -> Result<ColumnPlan> {
        let ignored = |i: usize| {
            args.ignore.iter().any(|c| match ColumnSel::parse(c) {
                ColumnSel::Index(n) => n == i + 1,
                ColumnSel::Name(n) => header
                    .names()
                    .get(i)
                    .is_some_and(|h| h.eq_ignore_ascii_case(&n)),
            })
        };
        let text: Vec<usize> = match &args.text {
            Some(cols) => cols
                .split(',')
                .map(|c| header.resolve(&ColumnSel::parse(c), "--text-col"))
                .collect::<Result<_>>()?,
            None if header.names().is_empty() => vec![0],
            None => match header.find_column(TEXT_COLUMN_NAMES) {
                Some(i) if !ignored(i) => vec![i],
                _ => {
                    return Err(Error::usage(format!(
                        "{}: no description column found; the columns are: {}. \
                         Name the text column with --text-col NAME (or its number)",
                        header.source(),
                        header.column_list()
                    )))
                }
            },
        };
        let title = match &args.title {
            Some(c) => Some(header.resolve(&ColumnSel::parse(c), "--title-col")?),
            None => header.find_column(TITLE_COLUMN_NAMES),
        }
        .filter(|&i| !ignored(i) && !text.contains(&i));
        let id = match &args.id {
            Some(c) => Some(header.resolve(&ColumnSel::parse(c), "--id-col")?),
            None => header.find_column(ID_COLUMN_NAMES),
        };
        let text_names = text
            .iter()
            .map(|&i| {
                header
                    .names()
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", i + 1))
            })
            .collect();
        Ok(ColumnPlan {
            text,
            text_names,
            title,
            id,
        })
    }

    /// Field names for evidence: the text columns, then `title`.
    pub fn field_names(&self) -> Vec<String> {
        let mut v = self.text_names.clone();
        if self.title.is_some() {
            v.push("title".to_string());
        }
        v
    }
}

/// The texts of one record, decoded, with any warnings.
pub struct RecordTexts<'a> {
    /// Text fields then the title (when there is one).
    pub fields: Vec<Cow<'a, str>>,
    /// Whether there is a title as the last field.
    pub has_title: bool,
    /// Warnings (invalid UTF-8).
    pub warnings: Vec<String>,
    /// Why the record cannot be classified, if it cannot.
    pub error: Option<String>,
}

impl ColumnPlan {
    /// Decodes the text and title fields of `rec` (`source` names the input in warnings).
    pub fn texts<'a>(&self, rec: &'a Record, source: &str) -> RecordTexts<'a> {
        let plan = self;
        let mut warnings = Vec::new();
        let mut fields = Vec::with_capacity(plan.text.len() + 1);
        let mut missing = Vec::new();
        for (k, &i) in plan.text.iter().enumerate() {
            match rec.fields.get(i) {
                Some(bytes) => {
                    let (text, was_bad) = decode_field(bytes);
                    if was_bad {
                        warnings.push(format!(
                            "{source}:{}: row {}: invalid UTF-8 in column {:?} replaced with U+FFFD",
                            rec.line, rec.row, plan.text_names[k]
                        ));
                    }
                    fields.push(text);
                }
                None => {
                    missing.push(plan.text_names[k].clone());
                    fields.push(Cow::Borrowed(""));
                }
            }
        }
        let error = (missing.len() == plan.text.len()).then(|| {
            format!(
                "row has {} fields, so text column {:?} (column {}) is missing; check the quoting of this row",
                rec.fields.len(),
                missing[0],
                plan.text[0] + 1
            )
        });
        // A record its reader could not parse (a bad JSON Lines line) carries its own reason.
        let error = rec.error.clone().or(error);
        let mut has_title = false;
        if let Some(t) = plan.title {
            if let Some(bytes) = rec.fields.get(t) {
                let (text, was_bad) = decode_field(bytes);
                if was_bad {
                    warnings.push(format!(
                        "{source}:{}: row {}: invalid UTF-8 in the title replaced with U+FFFD",
                        rec.line, rec.row
                    ));
                }
                fields.push(text);
                has_title = true;
            }
        }
        RecordTexts {
            fields,
            has_title,
            warnings,
            error,
        }
    }
}

impl RecordTexts<'_> {
    /// The record as a [`Posting`]: its text fields, and its title when it has one.
    pub fn posting(&self) -> Posting<'_> {
        let n = self.fields.len() - usize::from(self.has_title);
        Posting {
            title: self.has_title.then(|| self.fields[n].as_ref()),
            texts: self.fields[..n].iter().map(|f| f.as_ref()).collect(),
        }
    }
}
