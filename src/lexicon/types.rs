//! The lexicon's types and their accessors: fields are private to the
//! lexicon stage, so that what the parser checked stays true.

use std::collections::HashMap;
use std::fmt;

/// The default lexicon, embedded at compile time from `lexicon/default.toml`.
pub const DEFAULT_LEXICON: &str = include_str!("../../lexicon/default.toml");

/// The name under which the embedded default lexicon is reported.
pub const EMBEDDED_SOURCE: &str = "<embedded default.toml>";

/// Which role a phrase indicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Product Owner.
    Po,
    /// Product Manager.
    Pm,
}

impl Role {
    /// The short name used in lexicon files and outputs (`po`, `pm`).
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Po => "po",
            Role::Pm => "pm",
        }
    }

    /// The other role.
    pub fn other(self) -> Role {
        match self {
            Role::Po => Role::Pm,
            Role::Pm => Role::Po,
        }
    }

    /// Parses `po` or `pm` (case-insensitive).
    pub fn parse(s: &str) -> Option<Role> {
        match s.to_ascii_lowercase().as_str() {
            "po" | "product_owner" => Some(Role::Po),
            "pm" | "product_manager" => Some(Role::Pm),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Role {
    type Err = String;

    /// Parses `po`, `pm`, `product_owner` or `product_manager`, in any case.
    fn from_str(s: &str) -> std::result::Result<Role, String> {
        Role::parse(s).ok_or_else(|| {
            format!("unknown role `{s}` (expected po, pm, product_owner or product_manager)")
        })
    }
}

/// Identifies one entry of a [`Lexicon`] (its index in [`Lexicon::entries`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EntryId(pub u32);

/// Whether a category holds ordinary phrases or the role's own names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CategoryKind {
    /// Ordinary indicative phrases.
    Phrase,
    /// Names of the role itself; the colleague/self context rules apply to them.
    RoleName,
}

/// A group of entries of one role, with the reason it signals that role.
#[derive(Clone, Debug)]
pub struct Category {
    pub(super) name: String,
    pub(super) role: Role,
    pub(super) kind: CategoryKind,
    pub(super) about: String,
    /// The category's multiplier from the `[weights]` table, when it lists one.
    pub(super) multiplier: Option<f64>,
}

impl Category {
    /// Kebab-case name, unique per role.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The role its entries indicate.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Phrases or role names.
    pub fn kind(&self) -> CategoryKind {
        self.kind
    }

    /// Why this category signals its role (empty when the file gives no `about`).
    pub fn about(&self) -> &str {
        &self.about
    }

    /// What every contribution of the category's entries is multiplied by: the
    /// `[weights]` table's value (above 0, at most 10), else 1.
    pub fn multiplier(&self) -> f64 {
        self.multiplier.unwrap_or(1.0)
    }

    /// Whether the lexicon's `[weights]` table lists this category.
    pub fn has_multiplier(&self) -> bool {
        self.multiplier.is_some()
    }
}

/// One lexicon entry: one or several surface forms sharing a role, weight and category.
#[derive(Clone, Debug)]
pub struct Entry {
    pub(super) id: EntryId,
    pub(super) forms: Vec<String>,
    pub(super) role: Role,
    pub(super) weight: f64,
    pub(super) category: usize,
    pub(super) note: Option<String>,
    pub(super) is_case_sensitive: bool,
    pub(super) source: String,
    pub(super) line: usize,
}

impl Entry {
    /// This entry's id: its index in [`Lexicon::entries`].
    pub fn id(&self) -> EntryId {
        self.id
    }

    /// The surface forms as written in the file (trimmed, never empty); the first is the display name.
    pub fn forms(&self) -> &[String] {
        &self.forms
    }

    /// The entry's display name: its first form.
    pub fn phrase(&self) -> &str {
        &self.forms[0]
    }

    /// The role the entry indicates.
    pub fn role(&self) -> Role {
        self.role
    }

    /// How strongly one match indicates the role: above 0, at most 10.
    pub fn weight(&self) -> f64 {
        self.weight
    }

    /// The entry's category: an index into [`Lexicon::categories`].
    pub fn category(&self) -> usize {
        self.category
    }

    /// Why the phrase indicates the role, if the author said.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// Whether the forms match only in the exact case written (abbreviations).
    pub fn is_case_sensitive(&self) -> bool {
        self.is_case_sensitive
    }

    /// The file the entry comes from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// 1-based line of the entry in that file.
    pub fn line(&self) -> usize {
        self.line
    }
}

/// The cue phrases that decide how a role-name match is read.
#[derive(Clone, Debug)]
pub struct ContextCues {
    pub(super) window: usize,
    pub(super) colleague: Vec<String>,
    pub(super) self_before: Vec<String>,
    pub(super) self_after: Vec<String>,
    pub(super) negation: Vec<String>,
    pub(super) experience: Vec<String>,
}

impl ContextCues {
    /// How many words before (and after) a role name are looked at: 1 to [`MAX_CONTEXT_WINDOW`].
    pub fn window(&self) -> usize {
        self.window
    }

    /// Cues before a role name that make it a colleague ("work closely with").
    pub fn colleague(&self) -> &[String] {
        &self.colleague
    }

    /// Cues before a role name that make it the posting's own role ("as a").
    pub fn self_before(&self) -> &[String] {
        &self.self_before
    }

    /// Cues right after a role name that make it the posting's own role ("(m/w/d)").
    pub fn self_after(&self) -> &[String] {
        &self.self_after
    }

    /// Cues before any phrase that negate it ("no", "without").
    pub fn negation(&self) -> &[String] {
        &self.negation
    }

    /// Words before a self cue that make the role name an experience asked of
    /// the hire, not the job ("3 years of experience as a Product Owner").
    pub fn experience(&self) -> &[String] {
        &self.experience
    }
}

/// Fitted constants mapping a score margin to a calibrated confidence (Platt scaling).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Calibration {
    pub(super) a: f64,
    pub(super) b: f64,
}

impl Calibration {
    /// `a = 1`, `b = 0`: the logistic of the plain decision value (no fitted constants).
    pub const IDENTITY: Calibration = Calibration { a: 1.0, b: 0.0 };

    /// The calibration with slope `a` and intercept `b`; `None` unless both are finite.
    pub fn new(a: f64, b: f64) -> Option<Calibration> {
        (a.is_finite() && b.is_finite()).then_some(Calibration { a, b })
    }

    /// Slope on the decision value (finite).
    pub fn a(&self) -> f64 {
        self.a
    }

    /// Intercept (finite).
    pub fn b(&self) -> f64 {
        self.b
    }
}

/// The kind of section a heading opens (the keys of a `[sections.LANG]` table).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HeadingKind {
    /// What the hire will do: responsibilities, tasks, "Aufgaben".
    Role,
    /// What the hire brings: requirements, qualifications, "Ihr Profil".
    Requirements,
    /// The team the hire joins.
    Team,
    /// The company: "About us", "Über uns".
    About,
    /// What the employer offers: benefits, perks, pay, "Wir bieten".
    Benefits,
    /// How to apply, contacts, the hiring process.
    Application,
    /// Equal-opportunity, accommodation and data-protection statements.
    Legal,
}

impl HeadingKind {
    /// Every kind, in the order the lexicon file lists them.
    pub const ALL: [HeadingKind; 7] = [
        HeadingKind::Role,
        HeadingKind::Requirements,
        HeadingKind::Team,
        HeadingKind::About,
        HeadingKind::Benefits,
        HeadingKind::Application,
        HeadingKind::Legal,
    ];

    /// The key of this kind's headings in a `[sections.LANG]` table (`role`, `about` ...).
    pub fn as_str(self) -> &'static str {
        match self {
            HeadingKind::Role => "role",
            HeadingKind::Requirements => "requirements",
            HeadingKind::Team => "team",
            HeadingKind::About => "about",
            HeadingKind::Benefits => "benefits",
            HeadingKind::Application => "application",
            HeadingKind::Legal => "legal",
        }
    }
}

/// One section heading: a phrase that opens a section when a line starts with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Heading {
    pub(super) phrase: String,
    pub(super) kind: HeadingKind,
    pub(super) stands_alone: bool,
    pub(super) language: String,
}

impl Heading {
    /// The heading as written in the file (trimmed; starts with a letter or digit).
    pub fn phrase(&self) -> &str {
        &self.phrase
    }

    /// The kind of section it opens.
    pub fn kind(&self) -> HeadingKind {
        self.kind
    }

    /// Whether it must stand alone on its line (listed under `KIND_alone`) rather than lead it.
    pub fn stands_alone(&self) -> bool {
        self.stands_alone
    }

    /// The `[sections.LANG]` table it comes from (`en`, `de` ...).
    pub fn language(&self) -> &str {
        &self.language
    }
}

/// The section headings and legal-statement cues of a lexicon, every language's together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionCues {
    pub(super) headings: Vec<Heading>,
    pub(super) legal_statements: Vec<String>,
}

impl SectionCues {
    /// The headings, in file order; no two alike after case folding (hyphens and slashes as spaces).
    pub fn headings(&self) -> &[Heading] {
        &self.headings
    }

    /// Phrases that make the sentence they stand in a legal statement; no two alike, as headings.
    pub fn legal_statements(&self) -> &[String] {
        &self.legal_statements
    }

    /// Adds `other`'s cues: a heading already present takes `other`'s kind,
    /// fit and language; a legal statement already present is not added twice.
    pub(super) fn merge(&mut self, other: SectionCues) {
        let mut at: HashMap<String, usize> = self
            .headings
            .iter()
            .enumerate()
            .map(|(i, h)| (form_key(&h.phrase), i))
            .collect();
        for h in other.headings {
            match at.get(&form_key(&h.phrase)) {
                Some(&i) => self.headings[i] = h,
                None => {
                    at.insert(form_key(&h.phrase), self.headings.len());
                    self.headings.push(h);
                }
            }
        }
        for s in other.legal_statements {
            let key = form_key(&s);
            if !self.legal_statements.iter().any(|x| form_key(x) == key) {
                self.legal_statements.push(s);
            }
        }
    }
}

/// A parsed, validated lexicon.
#[derive(Clone, Debug)]
pub struct Lexicon {
    pub(super) name: String,
    pub(super) version: String,
    pub(super) categories: Vec<Category>,
    pub(super) entries: Vec<Entry>,
    pub(super) context: ContextCues,
    pub(super) calibration: Option<Calibration>,
    /// `None` when the file has no `[sections]` table: the default lexicon's apply.
    pub(super) sections: Option<SectionCues>,
    pub(super) hash: String,
}

impl Lexicon {
    /// The text of the default lexicon file, as embedded in the binary.
    pub fn default_text() -> &'static str {
        DEFAULT_LEXICON
    }

    /// Parses the embedded default lexicon.
    ///
    /// # Panics
    ///
    /// Never in a released build: the embedded file is checked by the test suite.
    pub fn embedded() -> Lexicon {
        Lexicon::parse(DEFAULT_LEXICON, EMBEDDED_SOURCE).expect("embedded lexicon is valid")
    }

    /// The lexicon's name (`[lexicon] name`; `unnamed` when absent; `a+b` when extended).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The lexicon's version (`[lexicon] version`; `0` when absent).
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Categories, in file order; names are unique per role.
    pub fn categories(&self) -> &[Category] {
        &self.categories
    }

    /// Entries, in file order; never empty, and `entries()[i].id() == EntryId(i)`.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Context cues (without a `[context]` table: none, and the default window).
    pub fn context(&self) -> &ContextCues {
        &self.context
    }

    /// Calibration constants, when the lexicon ships fitted ones.
    pub fn calibration(&self) -> Option<Calibration> {
        self.calibration
    }

    /// FNV-1a 64 hash of the source text(s), as 16 hex digits.
    pub fn hash(&self) -> &str {
        &self.hash
    }

    /// The lexicon's identity for outputs: `name@version#hash`.
    pub fn identity(&self) -> String {
        format!("{}@{}#{}", self.name, self.version, self.hash)
    }

    /// The entry with this id.
    pub fn entry(&self, id: EntryId) -> &Entry {
        &self.entries[id.0 as usize]
    }

    /// The category of an entry.
    pub fn category_of(&self, id: EntryId) -> &Category {
        &self.categories[self.entry(id).category]
    }

    /// The multiplier of category `index` (an index into [`Lexicon::categories`]): 1 unless
    /// the `[weights]` table sets it.
    pub fn category_multiplier(&self, index: usize) -> f64 {
        self.categories[index].multiplier()
    }

    /// The same lexicon with these category multipliers (`None`: not listed,
    /// i.e. 1), one per category in [`Lexicon::categories`] order, as a
    /// `[weights]` table would set them; for fitting them.
    ///
    /// # Errors
    ///
    /// When the count differs from the categories', or a multiplier is not
    /// above 0 and at most 10.
    pub fn with_multipliers(mut self, multipliers: &[Option<f64>]) -> crate::Result<Lexicon> {
        if multipliers.len() != self.categories.len() {
            return Err(crate::Error::lexicon(
                &self.name,
                None,
                format!(
                    "{} multipliers for {} categories",
                    multipliers.len(),
                    self.categories.len()
                ),
            ));
        }
        for (c, &m) in self.categories.iter().zip(multipliers) {
            if let Some(m) = m {
                check_multiplier(m).map_err(|e| {
                    crate::Error::lexicon(
                        &self.name,
                        None,
                        format!("[weights.{}] {}: {e}", c.role, c.name),
                    )
                })?;
            }
        }
        for (c, &m) in self.categories.iter_mut().zip(multipliers) {
            c.multiplier = m;
        }
        Ok(self)
    }

    /// Number of distinct surface forms for a role.
    pub fn form_count(&self, role: Role) -> usize {
        self.entries
            .iter()
            .filter(|e| e.role == role)
            .map(|e| e.forms.len())
            .sum()
    }
}

/// A key that identifies a form regardless of case, hyphens, slashes and spacing.
pub(crate) fn form_key(form: &str) -> String {
    let mut key = String::with_capacity(form.len());
    for w in form
        .split(|c: char| c.is_whitespace() || c == '-' || c == '/')
        .filter(|w| !w.is_empty())
    {
        if !key.is_empty() {
            key.push(' ');
        }
        key.extend(w.chars().flat_map(char::to_lowercase));
    }
    key
}

/// FNV-1a 64-bit hash as 16 hex digits (an identity, not a security measure).
pub(crate) fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The largest multiplier the `[weights]` table may give a category.
pub const MAX_MULTIPLIER: f64 = 10.0;

/// Checks one surface form; returns what is wrong with it.
/// Checks a category multiplier: finite, above 0, at most [`MAX_MULTIPLIER`].
pub(super) fn check_multiplier(m: f64) -> std::result::Result<(), String> {
    if m.is_finite() && m > 0.0 && m <= MAX_MULTIPLIER {
        Ok(())
    } else {
        Err(format!(
            "multiplier {m} is out of range: it must be above 0 and at most {MAX_MULTIPLIER}"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::parse::tests::SMALL;

    #[test]
    fn roles_parse_from_their_names() {
        for role in [Role::Po, Role::Pm] {
            assert_eq!(role.as_str().parse::<Role>(), Ok(role));
            assert_eq!(role.to_string().to_uppercase().parse::<Role>(), Ok(role));
        }
        assert_eq!("product_manager".parse::<Role>(), Ok(Role::Pm));
        assert!("scrum master".parse::<Role>().is_err());
    }

    #[test]
    fn extend_replaces_forms_and_drops_calibration() {
        let mut base = Lexicon::parse(
            &format!("{SMALL}\n[calibration]\na = 1.0\nb = 0.0\n"),
            "base",
        )
        .unwrap();
        assert!(base.calibration().is_some());
        let ext = Lexicon::parse(
            "[[category]]\nname = \"roadmap\"\nrole = \"pm\"\nentries = [{ phrase = \"ROADMAP\", weight = 5 }, { phrase = \"pricing\", weight = 3 }]\n",
            "ext",
        )
        .unwrap();
        base.extend(ext);
        assert!(base.calibration().is_none());
        assert_eq!(base.entries().len(), 4);
        let roadmap: Vec<_> = base
            .entries()
            .iter()
            .filter(|e| form_key(e.phrase()) == "roadmap")
            .collect();
        assert_eq!(roadmap.len(), 1);
        assert_eq!(roadmap[0].weight(), 5.0);
        for (i, e) in base.entries().iter().enumerate() {
            assert_eq!(e.id(), EntryId(i as u32));
        }
    }

    fn phrases(cues: &SectionCues) -> Vec<(&str, HeadingKind, bool)> {
        cues.headings()
            .iter()
            .map(|h| (h.phrase(), h.kind(), h.stands_alone()))
            .collect()
    }

    #[test]
    fn a_lexicon_without_sections_has_the_defaults_and_an_empty_table_has_none() {
        let default = Lexicon::embedded();
        assert!(default.section_cues().headings().len() > 200);
        assert!(!default.section_cues().legal_statements().is_empty());
        let plain = Lexicon::parse(SMALL, "t").unwrap();
        assert_eq!(plain.section_cues(), default.section_cues());
        let none = Lexicon::parse(&format!("[sections]\n{SMALL}"), "t").unwrap();
        assert!(none.section_cues().headings().is_empty());
        assert!(none.section_cues().legal_statements().is_empty());
    }

    #[test]
    fn extend_adds_and_moves_headings_of_a_language() {
        let ext = format!(
            "{SMALL}\n[sections.es]\nrole = [\"Tus funciones\"]\nabout_alone = [\"Quiénes somos\"]\n\
             legal_statements = [\"igualdad de oportunidades\"]\n\
             [sections.en]\nrole_alone = [\"About us\"]\n"
        );
        let ext = Lexicon::parse(&ext, "ext").unwrap();
        let mut lex = Lexicon::embedded();
        let before = lex.section_cues().headings().len();
        lex.extend(ext.clone());
        let cues = lex.section_cues();
        assert_eq!(cues.headings().len(), before + 2);
        let got = phrases(cues);
        assert!(got.contains(&("Tus funciones", HeadingKind::Role, false)));
        assert!(got.contains(&("Quiénes somos", HeadingKind::About, true)));
        assert!(got.contains(&("About us", HeadingKind::Role, true)));
        assert!(!got.contains(&("about us", HeadingKind::About, false)));
        assert!(cues
            .legal_statements()
            .contains(&"igualdad de oportunidades".to_string()));
        // Onto a lexicon without sections of its own: the default's, plus the extension's.
        let mut plain = Lexicon::parse(SMALL, "t").unwrap();
        plain.extend(ext);
        assert_eq!(plain.section_cues(), lex.section_cues());
        // An extension without sections leaves an empty table empty.
        let mut none = Lexicon::parse(&format!("[sections]\n{SMALL}"), "t").unwrap();
        none.extend(Lexicon::parse(SMALL, "t").unwrap());
        assert!(none.section_cues().headings().is_empty());
    }

    #[test]
    fn form_key_folds_case_hyphens_and_spaces() {
        assert_eq!(form_key("Go-to-Market"), "go to market");
        assert_eq!(form_key(" Product   Owner "), "product owner");
        assert_eq!(form_key("B2B/B2C"), "b2b b2c");
    }
}
