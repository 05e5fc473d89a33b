//! The column plan: which fields of a record are the posting's texts, title and id.
//!
//! Columns are named by the user (`--text-col`, `--title-col`, `--id-col`, by
//! name, 1-based number, or for JSON a dotted path such as `job.description`)
//! or found by header name ([`TEXT_COLUMN_NAMES`], [`TITLE_COLUMN_NAMES`],
//! [`ID_COLUMN_NAMES`], in English, German, French and Dutch). When no header
//! is such a name, a header that holds one as a whole word is taken
//! ([`TEXT_HEADER_WORDS`], [`TITLE_HEADER_WORDS`]: `Job Description (full)`)
//! if only one header does; with two, the user is asked to choose. A JSON
//! input with no such key at the top is searched one level down
//! (`job.description`), and the plan notes the path it used. `--ignore-cols`
//! hides columns from that search. [`RecordTexts`] are one record's decoded texts.

use std::borrow::Cow;

use crate::classify::Posting;
use crate::error::{Error, Result};
use crate::input::record::{
    decode_field, fold_header, ColumnSel, Header, Record, DELIMITER_CANDIDATES, ID_COLUMN_NAMES,
    NESTED_TEXT_NAMES, TEXT_COLUMN_NAMES, TEXT_HEADER_WORDS, TITLE_COLUMN_NAMES,
    TITLE_HEADER_WORDS,
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

impl ColumnChoice {
    /// Whether `--ignore-cols` names column `i` (0-based) of a header `names`.
    fn ignores(&self, i: usize, names: &[String]) -> bool {
        self.ignore.iter().any(|c| match ColumnSel::parse(c) {
            ColumnSel::Index(n) => n == i + 1,
            ColumnSel::Name(n) => names.get(i).is_some_and(|h| h.eq_ignore_ascii_case(&n)),
        })
    }
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
    /// How columns were found where that is worth telling (a nested JSON path).
    pub notes: Vec<String>,
}

/// The 0-based index of a user-chosen column of `src`; a dotted name that is
/// no header of a JSON input is read as a path into its nested objects.
///
/// # Errors
///
/// When there is no such column (or path); the message lists the columns,
/// and for JSON the nested paths, and names `flag`.
pub fn resolve_column(src: &mut Source, sel: &ColumnSel, flag: &str) -> Result<usize> {
    let err = match src.resolve(sel, flag) {
        Ok(i) => return Ok(i),
        Err(e) => e,
    };
    let ColumnSel::Name(name) = sel else {
        return Err(err);
    };
    if let Some(i) = src.add_nested_column(name) {
        return Ok(i);
    }
    if src.nested_paths().is_empty() {
        return Err(err);
    }
    Err(Error::usage(format!(
        "{}: no column or path {name:?} for {flag}; the columns are: {}; one level down \
         there are: {} (a path is the keys joined by dots: {flag} {})",
        src.name(),
        src.column_list(),
        src.nested_paths().join(", "),
        src.nested_paths()[0]
    )))
}

/// Headers of more words than this are never taken for holding a known word.
const MAX_HEADER_WORDS: usize = 4;

/// The words of a header name: runs of letters and digits, split where a
/// lower-case letter meets an upper-case one (`jobDescription_text` → job,
/// description, text), in lower case.
fn header_words(h: &str) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut prev_lower = false;
    let mut current = String::new();
    for c in h.chars() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            prev_lower = false;
            continue;
        }
        if c.is_uppercase() && prev_lower && !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        prev_lower = c.is_lowercase();
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        words.push(current);
    }
    words
}

/// The one header (not hidden by `ignored`) that holds one of `words` as a
/// whole word; `Err` with the first two when several do. A header with a
/// delimiter in it (`id;description`) is a sign that the line was split on
/// the wrong one, and is never taken; nor is a header of more than
/// [`MAX_HEADER_WORDS`] words, which is text rather than a name.
fn find_by_word(
    headers: &[String],
    words: &[&str],
    ignored: &dyn Fn(usize) -> bool,
) -> std::result::Result<Option<usize>, (usize, usize)> {
    let mut found = headers.iter().enumerate().filter(|&(i, h)| {
        !ignored(i)
            && !h
                .bytes()
                .any(|b| b == b'"' || DELIMITER_CANDIDATES.contains(&b))
            && {
                let found = header_words(h);
                found.len() <= MAX_HEADER_WORDS && found.iter().any(|w| words.contains(&w.as_str()))
            }
    });
    match (found.next(), found.next()) {
        (None, _) => Ok(None),
        (Some((i, _)), None) => Ok(Some(i)),
        (Some((i, _)), Some((j, _))) => Err((i, j)),
    }
}

/// The error for two headers that could both be the text (`find_by_word`'s `Err`).
fn two_texts(source: &str, names: &[String], i: usize, j: usize) -> Error {
    Error::usage(format!(
        "{source}: two columns could be the posting's text, {:?} (column {}) and {:?} \
         (column {}); choose one with --text-col NAME (or its number)",
        names[i],
        i + 1,
        names[j],
        j + 1
    ))
}

/// The first of `paths` (dotted, one level down) whose last key folds to one
/// of `names`, tried in order.
fn find_nested<'a>(paths: &'a [String], names: &[&str]) -> Option<&'a str> {
    names.iter().find_map(|want| {
        paths
            .iter()
            .find(|p| {
                p.rsplit('.')
                    .next()
                    .is_some_and(|k| fold_header(k) == *want)
            })
            .map(String::as_str)
    })
}

impl ColumnPlan {
    /// Finds the columns of `src` from the flags, or by header name; a JSON
    /// column found one level down is added to `src`.
    ///
    /// # Errors
    ///
    /// When a named column does not exist, no text column is found, or two
    /// headers could be the text (the message names both and `--text-col`).
    pub fn resolve(src: &mut Source, args: &ColumnChoice) -> Result<ColumnPlan> {
        let headers = src.headers().to_vec();
        let ignored = |i: usize| args.ignores(i, &headers);
        let mut notes = Vec::new();
        let text: Vec<usize> = match &args.text {
            Some(cols) => cols
                .split(',')
                .map(|c| resolve_column(src, &ColumnSel::parse(c), "--text-col"))
                .collect::<Result<_>>()?,
            None if headers.is_empty() => vec![0],
            None => vec![Self::find_text(src, &ignored, &mut notes)?],
        };
        let title = match &args.title {
            Some(c) => Some(resolve_column(src, &ColumnSel::parse(c), "--title-col")?),
            None => Self::find_other(src, TITLE_COLUMN_NAMES, TITLE_HEADER_WORDS, &ignored)
                .or_else(|| Self::find_one_down(src, TITLE_COLUMN_NAMES, "title", &mut notes)),
        }
        .filter(|&i| !ignored(i) && !text.contains(&i));
        let id = match &args.id {
            Some(c) => Some(resolve_column(src, &ColumnSel::parse(c), "--id-col")?),
            None => src
                .find_column(ID_COLUMN_NAMES)
                .or_else(|| Self::find_one_down(src, ID_COLUMN_NAMES, "id", &mut notes)),
        };
        Ok(ColumnPlan::assemble(text, title, id, src.headers(), notes))
    }

    /// Finds the columns of an input with this header (a data frame's column
    /// names, say) by the rules of [`ColumnPlan::resolve`] for a flat header:
    /// a known name (English, German, French, Dutch), else the one header
    /// holding a known word.
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
    /// When a named column is not in the header, no text column is found, or
    /// two headers could be the text; the message lists the columns and says
    /// which argument to give.
    pub fn for_header(header: &Header, args: &ColumnChoice) -> Result<ColumnPlan> {
        let names = header.names();
        let ignored = |i: usize| args.ignores(i, names);
        let text: Vec<usize> = match &args.text {
            Some(cols) => cols
                .split(',')
                .map(|c| header.resolve(&ColumnSel::parse(c), "--text-col"))
                .collect::<Result<_>>()?,
            None if names.is_empty() => vec![0],
            None => match header
                .find_column(TEXT_COLUMN_NAMES)
                .filter(|&i| !ignored(i))
            {
                Some(i) => vec![i],
                None => match find_by_word(names, TEXT_HEADER_WORDS, &ignored) {
                    Ok(Some(i)) => vec![i],
                    Ok(None) => {
                        return Err(Error::usage(format!(
                            "{}: no description column found; the columns are: {}. \
                             Name the text column with --text-col NAME (or its number)",
                            header.source(),
                            header.column_list()
                        )))
                    }
                    Err((i, j)) => return Err(two_texts(header.source(), names, i, j)),
                },
            },
        };
        let title = match &args.title {
            Some(c) => Some(header.resolve(&ColumnSel::parse(c), "--title-col")?),
            None => header.find_column(TITLE_COLUMN_NAMES).or_else(|| {
                find_by_word(names, TITLE_HEADER_WORDS, &ignored)
                    .ok()
                    .flatten()
            }),
        }
        .filter(|&i| !ignored(i) && !text.contains(&i));
        let id = match &args.id {
            Some(c) => Some(header.resolve(&ColumnSel::parse(c), "--id-col")?),
            None => header.find_column(ID_COLUMN_NAMES),
        };
        Ok(ColumnPlan::assemble(text, title, id, names, Vec::new()))
    }

    /// The plan of these columns of an input whose header is `names`.
    fn assemble(
        text: Vec<usize>,
        title: Option<usize>,
        id: Option<usize>,
        names: &[String],
        notes: Vec<String>,
    ) -> ColumnPlan {
        let text_names = text
            .iter()
            .map(|&i| {
                names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| format!("column {}", i + 1))
            })
            .collect();
        ColumnPlan {
            text,
            text_names,
            title,
            id,
            notes,
        }
    }

    /// The text column by name: a known name, else the one header holding a
    /// known word, else (JSON) a known key one level down. A known top-level
    /// key whose value is an object is read at its text key inside
    /// (`content.plain`).
    fn find_text(
        src: &mut Source,
        ignored: &dyn Fn(usize) -> bool,
        notes: &mut Vec<String>,
    ) -> Result<usize> {
        if let Some(i) = src.find_column(TEXT_COLUMN_NAMES).filter(|&i| !ignored(i)) {
            let prefix = format!("{}.", src.headers()[i]);
            let inside: Vec<String> = src
                .nested_paths()
                .iter()
                .filter(|p| p.starts_with(&prefix))
                .cloned()
                .collect();
            let names: Vec<&str> = TEXT_COLUMN_NAMES
                .iter()
                .chain(NESTED_TEXT_NAMES)
                .copied()
                .collect();
            if let Some(path) = find_nested(&inside, &names).map(str::to_string) {
                if let Some(j) = src.add_nested_column(&path) {
                    notes.push(Self::path_note(src.name(), "text", &path));
                    return Ok(j);
                }
            }
            return Ok(i);
        }
        match find_by_word(src.headers(), TEXT_HEADER_WORDS, ignored) {
            Ok(Some(i)) => return Ok(i),
            Ok(None) => {}
            Err((i, j)) => return Err(two_texts(src.name(), src.headers(), i, j)),
        }
        if let Some(j) = Self::find_one_down(src, TEXT_COLUMN_NAMES, "text", notes) {
            return Ok(j);
        }
        let nested = if src.nested_paths().is_empty() {
            String::new()
        } else {
            format!(
                "; one level down there are: {} (name one with --text-col PATH)",
                src.nested_paths().join(", ")
            )
        };
        Err(Error::usage(format!(
            "{}: no description column found; the columns are: {}{nested}. \
             Name the text column with --text-col NAME (or its number)",
            src.name(),
            src.column_list()
        )))
    }

    /// A title-like column: a known name, else the one header holding a known word.
    fn find_other(
        src: &Source,
        names: &[&str],
        words: &[&str],
        ignored: &dyn Fn(usize) -> bool,
    ) -> Option<usize> {
        src.find_column(names)
            .or_else(|| find_by_word(src.headers(), words, ignored).ok().flatten())
    }

    /// A known key one level down in a JSON input, added as a column (with a note).
    fn find_one_down(
        src: &mut Source,
        names: &[&str],
        what: &str,
        notes: &mut Vec<String>,
    ) -> Option<usize> {
        let path = find_nested(src.nested_paths(), names)?.to_string();
        let i = src.add_nested_column(&path)?;
        notes.push(Self::path_note(src.name(), what, &path));
        Some(i)
    }

    fn path_note(source: &str, what: &str, path: &str) -> String {
        format!("{source}: the {what} is read from {path} (choose another with --{what}-col PATH)")
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

#[cfg(test)]
mod tests {
    use super::*;

    fn names(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn header_words_split_on_case_and_punctuation() {
        assert_eq!(
            header_words("jobDescription_text (full)"),
            ["job", "description", "text", "full"]
        );
        assert_eq!(
            header_words("Intitulé du poste"),
            ["intitulé", "du", "poste"]
        );
        assert_eq!(header_words("URLs"), ["urls"]);
    }

    #[test]
    fn a_word_finds_the_one_header_that_holds_it() {
        let none = |_: usize| false;
        let h = names(&["id", "job_description_text", "company"]);
        assert_eq!(find_by_word(&h, TEXT_HEADER_WORDS, &none), Ok(Some(1)));
        let h = names(&["Job Description (full)", "company_description"]);
        assert_eq!(find_by_word(&h, TEXT_HEADER_WORDS, &none), Err((0, 1)));
        assert_eq!(
            find_by_word(&h, TEXT_HEADER_WORDS, &|i| i == 1),
            Ok(Some(0))
        );
        let h = names(&["id;description", "x"]);
        assert_eq!(find_by_word(&h, TEXT_HEADER_WORDS, &none), Ok(None));
        let h = names(&["\"description\": \"You own the product backlog and more"]);
        assert_eq!(find_by_word(&h, TEXT_HEADER_WORDS, &none), Ok(None));
        let h = names(&["descriptions_count"]);
        assert_eq!(find_by_word(&h, TEXT_HEADER_WORDS, &none), Ok(None));
    }

    #[test]
    fn nested_paths_are_found_by_their_last_key() {
        let p = names(&["job.title", "job.description", "meta.id"]);
        assert_eq!(find_nested(&p, TEXT_COLUMN_NAMES), Some("job.description"));
        assert_eq!(find_nested(&p, ID_COLUMN_NAMES), Some("meta.id"));
        assert_eq!(find_nested(&p, &["nothing"]), None);
    }
}
