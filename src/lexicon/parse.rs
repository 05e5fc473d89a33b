//! Reading a lexicon file: TOML in, a validated [`Lexicon`] out.
//!
//! Everything a lexicon cannot work with (a bad weight, a bad wildcard, an
//! empty or over-long phrase, a heading listed twice) is refused here, with
//! `file:line`, so that the types in the parent module can promise it.

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use serde::Deserialize;
use toml::Spanned;

use super::types::check_multiplier;
use super::{
    fnv1a_hex, form_key, Calibration, Category, CategoryKind, ContextCues, Entry, EntryId, Heading,
    HeadingKind, Lexicon, Role, SectionCues, DEFAULT_LEXICON, EMBEDDED_SOURCE,
};
use crate::error::{Error, Result};

/// The largest weight an entry may carry.
pub const MAX_WEIGHT: f64 = 10.0;

/// The longest phrase form accepted, in characters (headings and legal statements too).
pub const MAX_PHRASE_CHARS: usize = 80;

/// The most words a phrase form may have (headings and legal statements too).
pub const MAX_PHRASE_WORDS: usize = 8;

/// The shortest stem a prefix wildcard (`stem*`) may have, in characters.
pub const MIN_WILDCARD_STEM: usize = 3;

/// The most surface forms (phrases, counting every form of every entry) one
/// lexicon file may hold.
///
/// The scanner's automaton grows with the forms: 100,000 forms take about
/// 40 s of CPU to build in a debug build (a few seconds in a release build),
/// 20,000 about 10 s. A lexicon beyond this is refused at the entry that
/// crosses the limit, rather than left to build for minutes. The default
/// lexicon has under 1,000 forms.
pub const MAX_FORMS: usize = 100_000;

/// The default window of words looked at around a role name.
pub const DEFAULT_CONTEXT_WINDOW: usize = 6;

/// The most words the context window may span.
pub const MAX_CONTEXT_WINDOW: usize = 20;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    lexicon: Option<RawMeta>,
    context: Option<RawContext>,
    calibration: Option<RawCalibration>,
    weights: Option<RawWeights>,
    sections: Option<BTreeMap<String, Spanned<RawLanguage>>>,
    #[serde(default)]
    category: Vec<Spanned<RawCategory>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeta {
    name: Option<String>,
    version: Option<String>,
    #[allow(dead_code)]
    description: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContext {
    window: Option<usize>,
    #[serde(default)]
    colleague: Vec<String>,
    #[serde(default, rename = "self")]
    self_before: Vec<String>,
    #[serde(default)]
    self_after: Vec<String>,
    #[serde(default)]
    negation: Vec<String>,
    #[serde(default)]
    experience: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCalibration {
    a: f64,
    b: f64,
    #[allow(dead_code)]
    method: Option<String>,
    #[allow(dead_code)]
    fitted_on: Option<String>,
}

/// The `[weights]` table: a multiplier per category name, one sub-table per role.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    #[serde(default)]
    po: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    pm: BTreeMap<String, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCategory {
    name: Spanned<String>,
    role: Spanned<String>,
    kind: Option<Spanned<String>>,
    about: Option<String>,
    #[serde(default)]
    entries: Vec<Spanned<RawEntry>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    phrase: OneOrMany,
    weight: f64,
    note: Option<String>,
    #[serde(default)]
    case_sensitive: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// One `[sections.LANG]` table: the headings of each kind, and the legal statements.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    #[serde(default)]
    role: Vec<Spanned<String>>,
    #[serde(default)]
    role_alone: Vec<Spanned<String>>,
    #[serde(default)]
    requirements: Vec<Spanned<String>>,
    #[serde(default)]
    requirements_alone: Vec<Spanned<String>>,
    #[serde(default)]
    team: Vec<Spanned<String>>,
    #[serde(default)]
    team_alone: Vec<Spanned<String>>,
    #[serde(default)]
    about: Vec<Spanned<String>>,
    #[serde(default)]
    about_alone: Vec<Spanned<String>>,
    #[serde(default)]
    benefits: Vec<Spanned<String>>,
    #[serde(default)]
    benefits_alone: Vec<Spanned<String>>,
    #[serde(default)]
    application: Vec<Spanned<String>>,
    #[serde(default)]
    application_alone: Vec<Spanned<String>>,
    #[serde(default)]
    legal: Vec<Spanned<String>>,
    #[serde(default)]
    legal_alone: Vec<Spanned<String>>,
    #[serde(default)]
    legal_statements: Vec<Spanned<String>>,
}

impl RawLanguage {
    /// The heading lists, each with its kind and whether it must stand alone, in key order.
    fn heading_lists(&mut self) -> [(HeadingKind, bool, Vec<Spanned<String>>); 14] {
        use std::mem::take;
        use HeadingKind as K;
        [
            (K::Role, false, take(&mut self.role)),
            (K::Role, true, take(&mut self.role_alone)),
            (K::Requirements, false, take(&mut self.requirements)),
            (K::Requirements, true, take(&mut self.requirements_alone)),
            (K::Team, false, take(&mut self.team)),
            (K::Team, true, take(&mut self.team_alone)),
            (K::About, false, take(&mut self.about)),
            (K::About, true, take(&mut self.about_alone)),
            (K::Benefits, false, take(&mut self.benefits)),
            (K::Benefits, true, take(&mut self.benefits_alone)),
            (K::Application, false, take(&mut self.application)),
            (K::Application, true, take(&mut self.application_alone)),
            (K::Legal, false, take(&mut self.legal)),
            (K::Legal, true, take(&mut self.legal_alone)),
        ]
    }
}

/// Only the `[sections]` table of a lexicon file, for the default lexicon's fallback cues.
#[derive(Deserialize)]
struct RawSectionsOnly {
    sections: Option<BTreeMap<String, Spanned<RawLanguage>>>,
}

/// The default lexicon's section cues, which a lexicon without a `[sections]` table uses.
///
/// Only the text from the first `[sections` table on is read: the whole file
/// took a `--lexicon` run's start 2 ms longer. (Were other tables to follow,
/// they would be read and ignored; the test suite parses the whole file.)
pub(super) fn default_section_cues() -> &'static SectionCues {
    static CUES: OnceLock<SectionCues> = OnceLock::new();
    CUES.get_or_init(|| {
        let start = DEFAULT_LEXICON.find("\n[sections").map_or(0, |p| p + 1);
        let text = &DEFAULT_LEXICON[start..];
        let raw: RawSectionsOnly = toml::from_str(text).expect("embedded lexicon is valid");
        let tables = raw.sections.expect("the embedded lexicon has [sections]");
        section_cues(tables, &LineIndex::new(text), EMBEDDED_SOURCE)
            .expect("embedded lexicon is valid")
    })
}

impl Lexicon {
    /// Parses a lexicon from TOML text; `source` names it in error messages.
    ///
    /// # Errors
    ///
    /// A TOML syntax error, an unknown field, an unknown role or kind, a weight
    /// outside (0, 10], an empty, over-long or badly wildcarded phrase, a
    /// heading or legal statement listed twice or unfit to match: each
    /// reported with `source:line`.
    pub fn parse(text: &str, source: &str) -> Result<Lexicon> {
        let raw: RawFile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            let column = e.span().map_or(String::new(), |s| {
                let start = s.start.min(text.len());
                let line_start = text[..start].rfind('\n').map_or(0, |p| p + 1);
                format!(" at column {}", text[line_start..start].chars().count() + 1)
            });
            // One line per message: the TOML parser's can span several.
            let message = e.message().trim().replace('\n', ": ");
            Error::lexicon(source, line, format!("invalid lexicon{column}: {message}"))
        })?;
        let meta = raw.lexicon.unwrap_or(RawMeta {
            name: None,
            version: None,
            description: None,
        });
        let context = match raw.context {
            Some(c) => {
                let window = c.window.unwrap_or(DEFAULT_CONTEXT_WINDOW);
                if window == 0 || window > MAX_CONTEXT_WINDOW {
                    return Err(Error::lexicon(
                        source,
                        None,
                        format!("[context] window must be 1 to {MAX_CONTEXT_WINDOW} words, not {window}"),
                    ));
                }
                ContextCues {
                    window,
                    colleague: c.colleague,
                    self_before: c.self_before,
                    self_after: c.self_after,
                    negation: c.negation,
                    experience: c.experience,
                }
            }
            None => ContextCues {
                window: DEFAULT_CONTEXT_WINDOW,
                colleague: Vec::new(),
                self_before: Vec::new(),
                self_after: Vec::new(),
                negation: Vec::new(),
                experience: Vec::new(),
            },
        };
        let calibration = match raw.calibration {
            Some(c) => Some(Calibration::new(c.a, c.b).ok_or_else(|| {
                Error::lexicon(source, None, "[calibration] a and b must be finite numbers")
            })?),
            None => None,
        };
        let lines = LineIndex::new(text);
        let sections = match raw.sections {
            Some(tables) => Some(section_cues(tables, &lines, source)?),
            None => None,
        };
        let mut lex = Lexicon {
            name: meta.name.unwrap_or_else(|| "unnamed".to_string()),
            version: meta.version.unwrap_or_else(|| "0".to_string()),
            categories: Vec::new(),
            entries: Vec::new(),
            context,
            calibration,
            sections,
            hash: fnv1a_hex(text.as_bytes()),
        };
        lex.add_categories(raw.category, &lines, source)?;
        if let Some(weights) = raw.weights {
            lex.set_weights(weights, &lines, source)?;
        }
        if lex.entries.is_empty() {
            return Err(Error::lexicon(
                source,
                None,
                "the lexicon has no entries: add [[category]] tables with entries",
            ));
        }
        Ok(lex)
    }

    /// Sets the multipliers of the `[weights.po]` and `[weights.pm]` tables.
    fn set_weights(&mut self, weights: RawWeights, lines: &LineIndex, source: &str) -> Result<()> {
        for (role, table) in [(Role::Po, weights.po), (Role::Pm, weights.pm)] {
            for (name, value) in table {
                let line = lines.line(value.span().start);
                let Some(cat) = self
                    .categories
                    .iter_mut()
                    .find(|c| c.role == role && c.name == name)
                else {
                    let known: Vec<&str> = self
                        .categories
                        .iter()
                        .filter(|c| c.role == role)
                        .map(|c| c.name.as_str())
                        .collect();
                    return Err(Error::lexicon(
                        source,
                        Some(line),
                        format!(
                            "[weights.{role}] names no {role} category {name:?} (the {role} categories: {})",
                            known.join(", ")
                        ),
                    ));
                };
                let m = *value.get_ref();
                check_multiplier(m).map_err(|e| {
                    Error::lexicon(source, Some(line), format!("[weights.{role}] {name}: {e}"))
                })?;
                cat.multiplier = Some(m);
            }
        }
        Ok(())
    }

    fn add_categories(
        &mut self,
        cats: Vec<Spanned<RawCategory>>,
        lines: &LineIndex,
        source: &str,
    ) -> Result<()> {
        let mut form_total: usize = self.entries.iter().map(|e| e.forms.len()).sum();
        for cat in cats {
            let cat_line = lines.line(cat.span().start);
            let cat = cat.into_inner();
            let name = cat.name.get_ref().trim().to_string();
            if name.is_empty() {
                return Err(Error::lexicon(
                    source,
                    Some(lines.line(cat.name.span().start)),
                    "category name is empty",
                ));
            }
            let role = Role::parse(cat.role.get_ref()).ok_or_else(|| {
                Error::lexicon(
                    source,
                    Some(lines.line(cat.role.span().start)),
                    format!(
                        "unknown role {:?} in category {name:?}: use \"po\" or \"pm\"",
                        cat.role.get_ref()
                    ),
                )
            })?;
            let kind = match cat.kind.as_ref().map(|k| k.get_ref().as_str()) {
                None | Some("phrase") => CategoryKind::Phrase,
                Some("role-name") => CategoryKind::RoleName,
                Some(other) => {
                    return Err(Error::lexicon(
                        source,
                        cat.kind.as_ref().map(|k| lines.line(k.span().start)),
                        format!("unknown category kind {other:?}: use \"phrase\" or \"role-name\""),
                    ))
                }
            };
            if self
                .categories
                .iter()
                .any(|c| c.name == name && c.role == role)
            {
                return Err(Error::lexicon(
                    source,
                    Some(cat_line),
                    format!("category {name:?} is defined twice for role {role}: merge the two"),
                ));
            }
            let cat_index = self.categories.len();
            self.categories.push(Category {
                name: name.clone(),
                role,
                kind,
                about: cat.about.unwrap_or_default(),
                multiplier: None,
            });
            for raw in cat.entries {
                let line = lines.line(raw.span().start);
                let raw = raw.into_inner();
                let forms = match raw.phrase {
                    OneOrMany::One(s) => vec![s],
                    OneOrMany::Many(v) => v,
                };
                if forms.is_empty() {
                    return Err(Error::lexicon(
                        source,
                        Some(line),
                        "entry has an empty phrase list: give at least one phrase",
                    ));
                }
                form_total += forms.len();
                if form_total > MAX_FORMS {
                    return Err(Error::lexicon(
                        source,
                        Some(line),
                        format!(
                            "too many phrases: this entry brings the lexicon to {form_total} \
                             forms, and the limit is {MAX_FORMS}; split the lexicon or drop rare \
                             phrases"
                        ),
                    ));
                }
                for form in &forms {
                    validate_form(form).map_err(|m| Error::lexicon(source, Some(line), m))?;
                }
                if !(raw.weight.is_finite() && raw.weight > 0.0 && raw.weight <= MAX_WEIGHT) {
                    return Err(Error::lexicon(
                        source,
                        Some(line),
                        format!(
                            "weight {} of {:?} is out of range: use a number above 0 and at most {MAX_WEIGHT}",
                            raw.weight, forms[0]
                        ),
                    ));
                }
                let id = EntryId(self.entries.len() as u32);
                self.entries.push(Entry {
                    id,
                    forms: forms.into_iter().map(|f| f.trim().to_string()).collect(),
                    role,
                    weight: raw.weight,
                    category: cat_index,
                    note: raw.note,
                    is_case_sensitive: raw.case_sensitive,
                    source: source.to_string(),
                    line,
                });
            }
        }
        Ok(())
    }
}

fn validate_form(form: &str) -> std::result::Result<(), String> {
    let f = form.trim();
    if f.is_empty() {
        return Err("empty phrase: remove it or write the phrase".to_string());
    }
    let chars = f.chars().count();
    if chars > MAX_PHRASE_CHARS {
        return Err(format!(
            "phrase {:?}... is {chars} characters long: the limit is {MAX_PHRASE_CHARS}",
            f.chars().take(30).collect::<String>()
        ));
    }
    let words = f.split_whitespace().count();
    if words > MAX_PHRASE_WORDS {
        return Err(format!(
            "phrase {f:?} has {words} words: the limit is {MAX_PHRASE_WORDS}"
        ));
    }
    if let Some(pos) = f.find('*') {
        if pos != f.len() - 1 {
            return Err(format!(
                "bad wildcard in {f:?}: `*` is allowed only at the very end (`prioriti*`)"
            ));
        }
        let stem = &f[..pos];
        let last_word = stem.rsplit(' ').next().unwrap_or("");
        if stem.ends_with([' ', '-', '/']) || last_word.is_empty() {
            return Err(format!(
                "bad wildcard in {f:?}: `*` must end a word stem (`prioriti*`), not stand alone"
            ));
        }
        if stem.chars().filter(|c| c.is_alphanumeric()).count() < MIN_WILDCARD_STEM {
            return Err(format!(
                "bad wildcard in {f:?}: the stem before `*` needs at least {MIN_WILDCARD_STEM} letters"
            ));
        }
    }
    if !f.chars().any(|c| c.is_alphanumeric()) {
        return Err(format!(
            "phrase {f:?} has no letters or digits: it can never match a word"
        ));
    }
    Ok(())
}

/// The section cues of a file's `[sections]` tables, languages in file order.
fn section_cues(
    tables: BTreeMap<String, Spanned<RawLanguage>>,
    lines: &LineIndex,
    source: &str,
) -> Result<SectionCues> {
    let mut tables: Vec<(String, Spanned<RawLanguage>)> = tables.into_iter().collect();
    tables.sort_by_key(|(_, t)| t.span().start);
    let mut cues = SectionCues::default();
    // Where each heading and legal statement was first listed, by form key.
    let mut heading_line: HashMap<String, usize> = HashMap::new();
    let mut statement_line: HashMap<String, usize> = HashMap::new();
    for (language, table) in tables {
        let table_line = lines.line(table.span().start);
        validate_language(&language).map_err(|m| Error::lexicon(source, Some(table_line), m))?;
        let mut table = table.into_inner();
        for (kind, stands_alone, list) in table.heading_lists() {
            for phrase in list {
                let line = lines.line(phrase.span().start);
                let phrase = phrase.into_inner().trim().to_string();
                validate_cue(&phrase, "heading")
                    .map_err(|m| Error::lexicon(source, Some(line), m))?;
                if let Some(first) = heading_line.insert(form_key(&phrase), line) {
                    return Err(Error::lexicon(
                        source,
                        Some(line),
                        format!(
                            "heading {phrase:?} is listed twice (also at line {first}): keep one; \
                             every language's headings apply to every posting"
                        ),
                    ));
                }
                cues.headings.push(Heading {
                    phrase,
                    kind,
                    stands_alone,
                    language: language.clone(),
                });
            }
        }
        for phrase in table.legal_statements {
            let line = lines.line(phrase.span().start);
            let phrase = phrase.into_inner().trim().to_string();
            validate_cue(&phrase, "legal statement")
                .map_err(|m| Error::lexicon(source, Some(line), m))?;
            if let Some(first) = statement_line.insert(form_key(&phrase), line) {
                return Err(Error::lexicon(
                    source,
                    Some(line),
                    format!("legal statement {phrase:?} is listed twice (also at line {first}): keep one"),
                ));
            }
            cues.legal_statements.push(phrase);
        }
    }
    Ok(cues)
}

/// Checks the name of a `[sections.LANG]` table; returns what is wrong with it.
fn validate_language(language: &str) -> std::result::Result<(), String> {
    let ok = language.starts_with(|c: char| c.is_ascii_lowercase())
        && language
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "[sections.{language}]: name a language with a lower-case code such as \"en\" or \"de\""
        ))
    }
}

/// Checks one heading or legal statement (`what` says which); returns what is wrong with it.
fn validate_cue(cue: &str, what: &str) -> std::result::Result<(), String> {
    if cue.is_empty() {
        return Err(format!("empty {what}: remove it or write the {what}"));
    }
    let chars = cue.chars().count();
    if chars > MAX_PHRASE_CHARS {
        return Err(format!(
            "{what} {:?}... is {chars} characters long: the limit is {MAX_PHRASE_CHARS}",
            cue.chars().take(30).collect::<String>()
        ));
    }
    let words = cue.split_whitespace().count();
    if words > MAX_PHRASE_WORDS {
        return Err(format!(
            "{what} {cue:?} has {words} words: the limit is {MAX_PHRASE_WORDS}"
        ));
    }
    if cue.contains('*') {
        return Err(format!(
            "{what} {cue:?} has a `*`: headings and legal statements take no wildcard"
        ));
    }
    if !cue.chars().any(char::is_alphanumeric) {
        return Err(format!(
            "{what} {cue:?} has no letters or digits: it can never match"
        ));
    }
    if what == "heading" && !cue.starts_with(char::is_alphanumeric) {
        return Err(format!(
            "heading {cue:?} must start with a letter or digit: marks before a heading are skipped"
        ));
    }
    Ok(())
}

/// The 1-based line containing byte `offset` of `text`.
fn line_of(text: &str, offset: usize) -> usize {
    LineIndex::new(text).line(offset)
}

/// The start of every line of a text, so that the line of each of many
/// offsets is a binary search rather than a count from the top (counting
/// made parsing a lexicon of 20,000 entries take minutes).
struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    /// Indexes the lines of `text`.
    fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex { starts }
    }

    /// The 1-based line containing byte `offset` (the last line past the end).
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }
}

impl Lexicon {
    /// Adds the categories, entries and section cues of `other` to this lexicon.
    ///
    /// An entry of `other` whose form is already present replaces the old
    /// entry's form (so an extension can re-weight a phrase). Context cues are
    /// appended. A heading of `other` is added, or replaces the same heading's
    /// kind (so an extension can add a language's headings or move one); its
    /// legal statements are added. Categories keep the base's `[weights]`
    /// multipliers; a category the extension's `[weights]` lists takes the
    /// extension's. The result carries no calibration: its
    /// confidences are uncalibrated, since the fitted constants belonged to the
    /// base lexicon.
    pub fn extend(&mut self, other: Lexicon) {
        let mut replaced: HashMap<String, ()> = HashMap::new();
        for e in &other.entries {
            for f in &e.forms {
                replaced.insert(form_key(f), ());
            }
        }
        // Drop replaced forms from the base, and entries left without forms.
        let mut kept = Vec::new();
        for mut e in std::mem::take(&mut self.entries) {
            e.forms.retain(|f| !replaced.contains_key(&form_key(f)));
            if !e.forms.is_empty() {
                kept.push(e);
            }
        }
        self.entries = kept;
        let mut cat_map = Vec::with_capacity(other.categories.len());
        for c in other.categories {
            let existing = self
                .categories
                .iter()
                .position(|x| x.name == c.name && x.role == c.role);
            match existing {
                Some(i) => {
                    if c.multiplier.is_some() {
                        self.categories[i].multiplier = c.multiplier;
                    }
                    cat_map.push(i);
                }
                None => {
                    cat_map.push(self.categories.len());
                    self.categories.push(c);
                }
            }
        }
        for mut e in other.entries {
            e.category = cat_map[e.category];
            self.entries.push(e);
        }
        for (i, e) in self.entries.iter_mut().enumerate() {
            e.id = EntryId(i as u32);
        }
        let ctx = other.context;
        self.context.colleague.extend(ctx.colleague);
        self.context.self_before.extend(ctx.self_before);
        self.context.experience.extend(ctx.experience);
        self.context.self_after.extend(ctx.self_after);
        self.context.negation.extend(ctx.negation);
        // An extension without a [sections] table adds none (it does not bring the default's back).
        if let Some(cues) = other.sections {
            let mut base = self
                .sections
                .take()
                .unwrap_or_else(|| default_section_cues().clone());
            base.merge(cues);
            self.sections = Some(base);
        }
        self.calibration = None;
        self.name = format!("{}+{}", self.name, other.name);
        self.hash = fnv1a_hex(format!("{}{}", self.hash, other.hash).as_bytes());
    }

    /// The section headings and legal-statement cues: the file's own, or the
    /// default lexicon's when the file has no `[sections]` table.
    pub fn section_cues(&self) -> &SectionCues {
        self.sections
            .as_ref()
            .unwrap_or_else(|| default_section_cues())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A two-category lexicon, also used by the tests of `types`.
    pub(crate) const SMALL: &str = r#"
[lexicon]
name = "t"
version = "1"

[[category]]
name = "backlog"
role = "po"
entries = [
  { phrase = "product backlog", weight = 3 },
  { phrase = ["user story", "user stories"], weight = 2, note = "x" },
]

[[category]]
name = "roadmap"
role = "pm"
entries = [
  { phrase = "roadmap", weight = 2 },
]
"#;

    #[test]
    fn parses_entries_with_lines() {
        let lex = Lexicon::parse(SMALL, "t.toml").unwrap();
        assert_eq!(lex.entries().len(), 3);
        assert_eq!(lex.entries()[0].line(), 10);
        assert_eq!(lex.entries()[1].forms(), vec!["user story", "user stories"]);
        assert_eq!(lex.entries()[2].role(), Role::Pm);
        assert_eq!(lex.identity(), format!("t@1#{}", lex.hash()));
    }

    #[test]
    fn an_entry_may_go_on_over_several_lines() {
        // TOML 1.1: an inline table may span lines; the entry's line is where it opens.
        let text = SMALL.replace(
            "{ phrase = \"product backlog\", weight = 3 }",
            "{ phrase = \"product backlog\",\n    weight = 3,\n  }",
        );
        let lex = Lexicon::parse(&text, "t.toml").unwrap();
        assert_eq!(lex.entries()[0].forms(), vec!["product backlog"]);
        assert_eq!(lex.entries()[0].line(), 10);
        assert_eq!(lex.entries()[1].line(), 13);
    }

    fn err_of(text: &str) -> String {
        Lexicon::parse(text, "x.toml").unwrap_err().to_string()
    }

    #[test]
    fn rejects_bad_weight_with_line() {
        let text = SMALL.replace("weight = 3", "weight = 0");
        let e = err_of(&text);
        assert!(e.starts_with("x.toml:10:"), "{e}");
        assert!(e.contains("out of range"), "{e}");
        let e = err_of(&SMALL.replace("weight = 3", "weight = 11"));
        assert!(e.contains("out of range"), "{e}");
    }

    #[test]
    fn rejects_bad_wildcards() {
        for bad in ["*", "ab*", "pro*duct", "product *"] {
            let text = SMALL.replace("phrase = \"roadmap\"", &format!("phrase = {bad:?}"));
            let e = err_of(&text);
            assert!(e.contains("wildcard"), "{bad}: {e}");
        }
        let ok = SMALL.replace("phrase = \"roadmap\"", "phrase = \"roadmap*\"");
        assert!(Lexicon::parse(&ok, "x").is_ok());
    }

    #[test]
    fn rejects_syntax_errors_with_line() {
        let e = err_of("[lexicon]\nname = \"x\"\n[[category]\n");
        assert!(e.starts_with("x.toml:3:"), "{e}");
        let e = err_of(&SMALL.replace(
            "{ phrase = \"product backlog\", weight = 3 }",
            "{ phrase = \"product backlog\" weight = 3 }",
        ));
        assert!(
            e.starts_with("x.toml:10: invalid lexicon at column 32: "),
            "{e}"
        );
        assert!(!e.contains('\n'), "one line: {e}");
    }

    #[test]
    fn rejects_unknown_role_and_empty_phrase() {
        assert!(err_of(&SMALL.replace("role = \"pm\"", "role = \"pmo\"")).contains("unknown role"));
        assert!(
            err_of(&SMALL.replace("phrase = \"roadmap\"", "phrase = \"  \""))
                .contains("empty phrase")
        );
        let long = "x".repeat(200);
        assert!(
            err_of(&SMALL.replace("phrase = \"roadmap\"", &format!("phrase = {long:?}")))
                .contains("limit")
        );
    }

    #[test]
    fn refuses_more_forms_than_the_limit_at_the_entry_that_crosses_it() {
        let forms: Vec<String> = (0..MAX_FORMS).map(|i| format!("w{i}")).collect();
        let text = format!(
            "[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [\n  {{ phrase = {forms:?}, weight = 1 }},\n  {{ phrase = \"one more\", weight = 1 }},\n]\n"
        );
        let e = err_of(&text);
        assert!(e.starts_with("x.toml:6: too many phrases"), "{e}");
        assert!(e.contains(&format!("{}", MAX_FORMS + 1)), "{e}");
        let at_limit = text.replace("  { phrase = \"one more\", weight = 1 },\n", "");
        assert_eq!(
            Lexicon::parse(&at_limit, "x").unwrap().form_count(Role::Po),
            MAX_FORMS
        );
    }

    #[test]
    fn line_index_agrees_with_counting() {
        let text = "a\nbb\n\nccc";
        let idx = LineIndex::new(text);
        for off in 0..text.len() + 3 {
            let counted = text.as_bytes()[..off.min(text.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            assert_eq!(idx.line(off), counted, "offset {off}");
        }
    }

    #[test]
    fn rejects_bad_weights_of_every_kind() {
        for bad in [
            "0",
            "-1",
            "-0.0",
            "nan",
            "inf",
            "-inf",
            "10.000001",
            "1e308",
        ] {
            let e = err_of(&SMALL.replace("weight = 3", &format!("weight = {bad}")));
            assert!(e.starts_with("x.toml:10: weight"), "{bad}: {e}");
            assert!(e.contains("above 0 and at most 10"), "{bad}: {e}");
        }
        let e = err_of(&SMALL.replace("weight = 3", "weight = \"3\""));
        assert!(e.starts_with("x.toml:10:"), "{e}");
        for ok in ["10", "0.001", "1e-3"] {
            assert!(
                Lexicon::parse(&SMALL.replace("weight = 3", &format!("weight = {ok}")), "x")
                    .is_ok(),
                "{ok}"
            );
        }
    }

    #[test]
    fn parses_section_tables_in_file_order() {
        let text = format!(
            "{SMALL}\n[sections.en]\nrole = [\"Your tasks\", \"the role\"]\nrole_alone = [\"tasks\"]\n\
             legal_statements = [\"equal opportunity employer\"]\n\
             [sections.de]\nabout = [\"über uns\"]\n"
        );
        let lex = Lexicon::parse(&text, "t").unwrap();
        let cues = lex.section_cues();
        let got: Vec<_> = cues
            .headings()
            .iter()
            .map(|h| (h.phrase(), h.kind(), h.stands_alone(), h.language()))
            .collect();
        assert_eq!(
            got,
            [
                ("Your tasks", HeadingKind::Role, false, "en"),
                ("the role", HeadingKind::Role, false, "en"),
                ("tasks", HeadingKind::Role, true, "en"),
                ("über uns", HeadingKind::About, false, "de"),
            ]
        );
        assert_eq!(cues.legal_statements(), ["equal opportunity employer"]);
    }

    #[test]
    fn rejects_bad_section_tables_with_line() {
        let with = |tables: &str| err_of(&format!("{SMALL}\n{tables}"));
        // SMALL has 20 lines; the tables start on line 21.
        let e = with("[sections.en]\nrole = [\"tasks\"]\nteam_alone = [\"Tasks\"]\n");
        assert!(
            e.starts_with("x.toml:23: heading \"Tasks\" is listed twice (also at line 22)"),
            "{e}"
        );
        let e =
            with("[sections.en]\nabout = [\"about-us\"]\n[sections.de]\nabout = [\"About us\"]\n");
        assert!(e.starts_with("x.toml:24: heading"), "{e}");
        let e = with("[sections.en]\nlegal_statements = [\"eeo\", \"EEO\"]\n");
        assert!(
            e.starts_with("x.toml:22: legal statement \"EEO\" is listed twice"),
            "{e}"
        );
        let e = with("[sections.en]\nperks = [\"perks\"]\n");
        assert!(
            e.starts_with("x.toml:22:") && e.contains("unknown field"),
            "{e}"
        );
        let e = with("[sections.en]\nrole = [\"about*\"]\n");
        assert!(
            e.starts_with("x.toml:22:") && e.contains("no wildcard"),
            "{e}"
        );
        let e = with("[sections.en]\nrole = [\"  \"]\n");
        assert!(e.starts_with("x.toml:22: empty heading"), "{e}");
        let e = with("[sections.en]\nrole = [\"- tasks\"]\n");
        assert!(e.contains("must start with a letter or digit"), "{e}");
        let e = with("[sections.EN]\nrole = [\"tasks\"]\n");
        assert!(e.contains("lower-case code"), "{e}");
        let e = with("[sections.en]\nrole = \"tasks\"\n");
        assert!(e.starts_with("x.toml:22:"), "{e}");
    }

    #[test]
    fn weights_set_category_multipliers_and_bad_ones_are_refused_with_line() {
        let lex =
            Lexicon::parse(&format!("{SMALL}\n[weights.po]\nbacklog = 1.5\n"), "x.toml").unwrap();
        assert_eq!(lex.category_multiplier(0), 1.5);
        assert_eq!(lex.category_multiplier(1), 1.0);
        assert!(lex.categories()[0].has_multiplier() && !lex.categories()[1].has_multiplier());
        // SMALL has 20 lines; the blank line is 20, the table header 21, its value 22.
        for (bad, needle) in [
            (
                "[weights.po]\nbacklogs = 2\n",
                "names no po category \"backlogs\"",
            ),
            (
                "[weights.pm]\nbacklog = 2\n",
                "names no pm category \"backlog\"",
            ),
            ("[weights.po]\nbacklog = 0\n", "out of range"),
            ("[weights.po]\nbacklog = -1\n", "out of range"),
            ("[weights.po]\nbacklog = 10.5\n", "out of range"),
            ("[weights.po]\nbacklog = nan\n", "out of range"),
            ("[weights.po]\nbacklog = inf\n", "out of range"),
        ] {
            let e = err_of(&format!("{SMALL}\n{bad}"));
            assert!(e.starts_with("x.toml:22:"), "{bad}: {e}");
            assert!(e.contains(needle), "{bad}: {e}");
        }
        let e = err_of(&format!("{SMALL}\n[weights]\nbacklog = 2\n"));
        assert!(
            e.starts_with("x.toml:22:") && e.contains("unknown field"),
            "{e}"
        );
        let e = err_of(&format!("{SMALL}\n[weights.po]\nbacklog = \"x\"\n"));
        assert!(e.starts_with("x.toml:22:"), "{e}");
    }
}
