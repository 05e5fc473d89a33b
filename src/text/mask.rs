//! Masking role names: every Product Owner or Product Manager name in a text
//! replaced by a neutral word, so that only the work described is left to judge.
//!
//! Masked forms: "product owner" and "product manager" in any case, with any
//! spacing or hyphenation, glued ("ProductOwner", "Produktmanager") or glued
//! to the word before by a lost line break ("ourProduct Manager"); plurals and
//! German gender suffixes ("Product Owner*in", "Produktmanager(in)",
//! "Produktmanagerinnen", "Product Owner:in"); French ("chef de produit",
//! "cheffe de produit", "responsable produit", "propriétaire du produit",
//! "gestionnaire de produit") and Dutch ("producteigenaar", "productmanager")
//! forms; and `PO`, `PM`, `POs`, `PMs` written as upper-case words.
//!
//! The replacement, [`MASK_WORD`], is in no lexicon and no cue list, so a
//! masked text classifies the same whatever neutral word stands in its place.

use std::borrow::Cow;
use std::sync::OnceLock;

use regex::Regex;

/// The word every masked role name becomes.
pub const MASK_WORD: &str = "Zorblat";

/// Role names written out (case-insensitive), with their suffixes.
const SPELLED_OUT: &str = r"(?xi)
    (?:
        (?:product|produkt|produit)[\s\-_]*(?:owner|eigenaar|manager)
            (?: \*in(?:nen)? | :in(?:nen)? | _in(?:nen)? | \(in\) | innen | in | s | en )?
      | chef(?:fe)?s?\s+de\s+produits?
      | responsables?\s+(?:de\s+|du\s+)?produits?
      | propriétaires?\s+(?:de\s+|du\s+)?produits?
      | gestionnaires?\s+(?:de\s+|du\s+)?produits?
    )";

/// Role names as upper-case abbreviations (case-sensitive).
const ABBREVIATED: &str = r"P[OM]s?";

fn spelled_out() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // A constant pattern: a failure to compile is a bug caught by the tests.
    RE.get_or_init(|| Regex::new(SPELLED_OUT).expect("the role-name pattern compiles"))
}

fn abbreviated() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(ABBREVIATED).expect("the abbreviation pattern compiles"))
}

/// Whether `c` is part of a word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
}

/// Whether a role name at `start..end` of `text` stands as a word of its own:
/// nothing of a word right after it, and before it either no word or a
/// lower-case letter glued to its capital first letter ("ourProduct Manager").
fn stands_alone(text: &str, start: usize, end: usize) -> bool {
    let after_ok = text[end..].chars().next().is_none_or(|c| !is_word_char(c));
    let before = text[..start].chars().next_back();
    let first = text[start..].chars().next();
    let before_ok = match before {
        None => true,
        Some(c) if !is_word_char(c) => true,
        Some(c) => c.is_lowercase() && first.is_some_and(char::is_uppercase),
    };
    after_ok && before_ok
}

/// `text` with every Product Owner and Product Manager name replaced by [`MASK_WORD`].
///
/// ```
/// use popm::report::eval::mask_role_names;
///
/// let masked = mask_role_names("Our Product-Owner*in works with two PMs and the Produktmanager(in).");
/// assert_eq!(masked, "Our Zorblat works with two Zorblat and the Zorblat.");
/// ```
pub fn mask_role_names(text: &str) -> Cow<'_, str> {
    let mut spans: Vec<(usize, usize)> = spelled_out()
        .find_iter(text)
        .map(|m| (m.start(), m.end()))
        .filter(|&(s, e)| stands_alone(text, s, e))
        .collect();
    spans.extend(
        abbreviated()
            .find_iter(text)
            .map(|m| (m.start(), m.end()))
            .filter(|&(s, e)| {
                let before = text[..s].chars().next_back();
                let after = text[e..].chars().next();
                before.is_none_or(|c| !is_word_char(c)) && after.is_none_or(|c| !is_word_char(c))
            }),
    );
    if spans.is_empty() {
        return Cow::Borrowed(text);
    }
    spans.sort_unstable();
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (s, e) in spans {
        if s < at {
            continue;
        }
        out.push_str(&text[at..s]);
        out.push_str(MASK_WORD);
        at = e;
    }
    out.push_str(&text[at..]);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask_role_names(s).replace(MASK_WORD, "#")
    }

    #[test]
    fn english_forms_in_any_case_spacing_and_number() {
        assert_eq!(m("Product Owner"), "#");
        assert_eq!(m("product  owner and PRODUCT-MANAGER"), "# and #");
        assert_eq!(
            m("two Product Managers, three product owners"),
            "two #, three #"
        );
        assert_eq!(m("ProductOwner / productmanager"), "# / #");
        assert_eq!(m("Senior Product Manager (m/w/d)"), "Senior # (m/w/d)");
    }

    #[test]
    fn german_gender_suffixes() {
        assert_eq!(m("Product Owner*in"), "#");
        assert_eq!(m("Produktmanager(in) gesucht"), "# gesucht");
        assert_eq!(m("Produktmanagerin, Produktmanagerinnen"), "#, #");
        assert_eq!(m("Product Owner:in und Product-Manager_in"), "# und #");
        assert_eq!(m("als Produkt Manager"), "als #");
    }

    #[test]
    fn french_and_dutch_forms() {
        assert_eq!(m("Chef de produit H/F"), "# H/F");
        assert_eq!(m("cheffe de produit, chefs de produits"), "#, #");
        assert_eq!(m("Responsable produit"), "#");
        assert_eq!(m("propriétaire du produit"), "#");
        assert_eq!(m("De producteigenaar en de productmanager"), "De # en de #");
    }

    #[test]
    fn abbreviations_only_in_upper_case_and_as_words() {
        assert_eq!(m("our PO and two PMs; POs"), "our # and two #; #");
        assert_eq!(m("po, pm, 5 pm"), "po, pm, 5 pm");
        assert_eq!(m("POST, PMO, iPO"), "POST, PMO, iPO");
    }

    #[test]
    fn glued_to_the_word_before_only_at_a_capital() {
        assert_eq!(m("our newProduct Manager"), "our new#");
        assert_eq!(m("SAFeProduct Owner"), "SAFe#");
        assert_eq!(m("byproduct manager"), "byproduct manager");
        assert_eq!(m("productowners"), "#");
        assert_eq!(m("product ownership"), "product ownership");
        assert_eq!(m("product managerial"), "product managerial");
    }

    #[test]
    fn text_without_role_names_is_borrowed() {
        assert!(matches!(
            mask_role_names("Own the roadmap and the backlog."),
            Cow::Borrowed(_)
        ));
        assert_eq!(m(""), "");
        assert_eq!(m("ü Product Owner ö"), "ü # ö");
    }
}
