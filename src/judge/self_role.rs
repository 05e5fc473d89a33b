//! The role a posting names for itself: "we are hiring a Scrum Master", "Projektmanager (m/w/d)".
//!
//! A posting's own role is read from its title when there is one, else from a
//! role name in the description that a self cue introduces ("as a", "looking
//! for a", "Als", a German gender tag after it) or that stands on the first
//! line (where scraped descriptions often repeat the title). It lets a user
//! filter a mixed export; it does not change the PO/PM scores.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use serde::Serialize;

use crate::judge::context::{fold_cues, has_cue_before, is_experience, starts_with_cue, CueSet};
use crate::lexicon::ContextCues;
use crate::text::normalize::{is_break_byte, is_word_byte, normalize};

/// A role a posting can name for itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfRole {
    /// Product Owner.
    ProductOwner,
    /// Product Manager.
    ProductManager,
    /// Scrum Master.
    ScrumMaster,
    /// Project, delivery or release manager.
    ProjectManager,
    /// Program(me) manager.
    ProgramManager,
    /// Business analyst.
    BusinessAnalyst,
    /// Agile coach.
    AgileCoach,
    /// Product, UX or UI designer.
    Designer,
    /// Software engineer or developer.
    Engineer,
    /// Another role (product marketing, analyst, data scientist, ...).
    Other,
}

impl SelfRole {
    /// Whether this is a job other than Product Owner and Product Manager.
    pub fn is_other_job(self) -> bool {
        !matches!(self, SelfRole::ProductOwner | SelfRole::ProductManager)
    }

    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            SelfRole::ProductOwner => "product_owner",
            SelfRole::ProductManager => "product_manager",
            SelfRole::ScrumMaster => "scrum_master",
            SelfRole::ProjectManager => "project_manager",
            SelfRole::ProgramManager => "program_manager",
            SelfRole::BusinessAnalyst => "business_analyst",
            SelfRole::AgileCoach => "agile_coach",
            SelfRole::Designer => "designer",
            SelfRole::Engineer => "engineer",
            SelfRole::Other => "other",
        }
    }
}

/// Role names, folded like text, and the role each names.
const ROLE_NAMES: &[(&str, SelfRole)] = &[
    ("product owner", SelfRole::ProductOwner),
    ("technical product owner", SelfRole::ProductOwner),
    ("product manager", SelfRole::ProductManager),
    ("produktmanager", SelfRole::ProductManager),
    ("produktmanagerin", SelfRole::ProductManager),
    ("group product manager", SelfRole::ProductManager),
    ("scrum master", SelfRole::ScrumMaster),
    ("scrummaster", SelfRole::ScrumMaster),
    ("project manager", SelfRole::ProjectManager),
    ("projektmanager", SelfRole::ProjectManager),
    ("projektmanagerin", SelfRole::ProjectManager),
    ("projektleiter", SelfRole::ProjectManager),
    ("projektleiterin", SelfRole::ProjectManager),
    ("project lead", SelfRole::ProjectManager),
    ("project leader", SelfRole::ProjectManager),
    ("project coordinator", SelfRole::ProjectManager),
    ("delivery manager", SelfRole::ProjectManager),
    ("release manager", SelfRole::ProjectManager),
    ("program manager", SelfRole::ProgramManager),
    ("programme manager", SelfRole::ProgramManager),
    ("technical program manager", SelfRole::ProgramManager),
    ("business analyst", SelfRole::BusinessAnalyst),
    ("businessanalyst", SelfRole::BusinessAnalyst),
    ("agile coach", SelfRole::AgileCoach),
    ("agile delivery coach", SelfRole::AgileCoach),
    ("product designer", SelfRole::Designer),
    ("ux designer", SelfRole::Designer),
    ("ui designer", SelfRole::Designer),
    ("ux ui designer", SelfRole::Designer),
    ("ui ux designer", SelfRole::Designer),
    ("software engineer", SelfRole::Engineer),
    ("software developer", SelfRole::Engineer),
    ("softwareentwickler", SelfRole::Engineer),
    ("softwareentwicklerin", SelfRole::Engineer),
    ("software entwickler", SelfRole::Engineer),
    ("backend developer", SelfRole::Engineer),
    ("frontend developer", SelfRole::Engineer),
    ("full stack developer", SelfRole::Engineer),
    ("fullstack developer", SelfRole::Engineer),
    ("backend engineer", SelfRole::Engineer),
    ("frontend engineer", SelfRole::Engineer),
    ("embedded software engineer", SelfRole::Engineer),
    ("data engineer", SelfRole::Engineer),
    ("machine learning engineer", SelfRole::Engineer),
    ("developer", SelfRole::Engineer),
    ("engineer", SelfRole::Engineer),
    ("entwickler", SelfRole::Engineer),
    ("product marketing manager", SelfRole::Other),
    ("product analyst", SelfRole::Other),
    ("data scientist", SelfRole::Other),
    ("data analyst", SelfRole::Other),
    ("marketing manager", SelfRole::Other),
    ("account manager", SelfRole::Other),
    ("sales manager", SelfRole::Other),
    ("engineering manager", SelfRole::Other),
];

/// How far after a role named for the posting (in bytes of folded text, within
/// the phrase) a Product Owner or Manager named with it still counts as the
/// posting's own role ("Projektleiter R&D (m/w/d), Technical Product Owner").
pub const PAIRED_ROLE_BYTES: usize = 40;

/// Mentions of one other job, none of them a colleague's, that name a
/// description's own role when nothing else does.
pub const REPEATED_MENTIONS: usize = 2;

/// How far into a description (in bytes of folded text) a role name counts as its title line.
pub const TITLE_LINE_BYTES: usize = 120;

/// Finds the role a posting names for itself.
#[derive(Clone, Debug)]
pub struct SelfRoleDetector {
    automaton: AhoCorasick,
    cues: ContextCues,
    window: usize,
    colleague: CueSet,
    self_before: CueSet,
    self_after: Vec<String>,
    experience: CueSet,
}

impl SelfRoleDetector {
    /// Builds the detector; the self cues come from the lexicon's `[context]`.
    pub fn new(cues: &ContextCues) -> SelfRoleDetector {
        SelfRoleDetector::for_many_texts(cues, true)
    }

    /// [`SelfRoleDetector::new`], its automaton built for many texts (a DFA,
    /// fastest to search) or for a few (an NFA, a fraction of the DFA's build).
    pub fn for_many_texts(cues: &ContextCues, many: bool) -> SelfRoleDetector {
        let patterns: Vec<&str> = ROLE_NAMES.iter().map(|(p, _)| *p).collect();
        let kind = if many {
            AhoCorasickKind::DFA
        } else {
            AhoCorasickKind::ContiguousNFA
        };
        let automaton = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(kind))
            .build(patterns)
            .expect("a few dozen fixed role names always compile");
        SelfRoleDetector {
            automaton,
            cues: cues.clone(),
            window: cues.window(),
            colleague: CueSet::new(cues.colleague()),
            self_before: CueSet::new(cues.self_before()),
            self_after: fold_cues(cues.self_after()),
            experience: CueSet::new(cues.experience()),
        }
    }

    /// The context cues this detector was built with.
    pub fn cues(&self) -> &ContextCues {
        &self.cues
    }

    /// The posting's own role: from the title when given, else from the description.
    pub fn detect(&self, title: Option<&str>, description: &str) -> Option<SelfRole> {
        if let Some(t) = title.filter(|t| !t.trim().is_empty()) {
            return Some(self.in_title(normalize(t).text()));
        }
        self.in_description(normalize(description).text())
    }

    /// The role a title names (normalized text); `Other` when it names none.
    /// A title that names a Product Owner or Manager among other jobs
    /// ("Business Analyst / Product Owner") names that.
    pub fn in_title(&self, folded: &str) -> SelfRole {
        let mut first = None;
        for (_, _, role) in self.roles_in(folded) {
            if !role.is_other_job() {
                return role;
            }
            first = first.or(Some(role));
        }
        first.unwrap_or(SelfRole::Other)
    }

    /// The role a description names for itself (normalized text): on its first
    /// line, after a self cue ("we are hiring a"), or before one ("(m/w/d)").
    /// A first line, or a phrase, that names a Product Owner or Manager with
    /// another job names the Product Owner or Manager; one that names both a
    /// Product Owner and a Product Manager names neither. A self cue after an experience cue ("3 years of experience as a
    /// Product Owner") names experience asked of the hire, not the job. Failing
    /// all of these, a description that names one other job at least
    /// [`REPEATED_MENTIONS`] times in the singular (or once as the experience
    /// it asks for), and no Product Owner or Manager at all except as a
    /// colleague, is for that job.
    pub fn in_description(&self, text: &str) -> Option<SelfRole> {
        // The first role named for the posting itself: the role, where its name
        // ends, and whether it stands on the first line.
        let mut found: Option<(SelfRole, usize, bool)> = None;
        // Mentions of each role that are not a colleague's.
        let mut mentions: Vec<(SelfRole, usize)> = Vec::new();
        for (start, end, role) in self.roles_in(text) {
            let on_title_line = start < TITLE_LINE_BYTES && !text[..start].contains('\n');
            let is_colleague = has_cue_before(text, start, self.window, &self.colleague);
            if let Some((first, first_end, first_on_title_line)) = found {
                // "Business Analyst / Product Owner" on the first line, or "als
                // Projektleiter (m/w/d), Technical Product Owner" in one phrase,
                // names the PO.
                let paired = start <= first_end + PAIRED_ROLE_BYTES
                    && !text.as_bytes()[first_end..start]
                        .iter()
                        .any(|&b| is_break_byte(b));
                if !(paired || on_title_line && first_on_title_line) {
                    break;
                }
                if !role.is_other_job()
                    && !is_colleague
                    && !is_experience(text, start, self.window, &self.experience)
                {
                    if first.is_other_job() {
                        return Some(role);
                    }
                    if first != role {
                        // "Product Owner / Product Manager": both, so neither.
                        return None;
                    }
                }
                continue;
            }
            let after = text[end..].trim_start_matches(' ');
            if starts_with_cue(after, "turned") {
                // "an engineer-turned-product-manager": what the hire was, not the job.
                continue;
            }
            if is_colleague {
                // "work closely with the Product Owner": a colleague, even on the first line.
                continue;
            }
            let self_cued = has_cue_before(text, start, self.window, &self.self_before);
            let experience = self_cued && is_experience(text, start, self.window, &self.experience);
            // "our engineers", "50 developers": a plural names colleagues, not the job;
            // "3 years of experience as a developer" names the job family the posting is for.
            let is_plural = text.as_bytes().get(end - 1) == Some(&b's')
                && !ROLE_NAMES
                    .iter()
                    .any(|(name, _)| name.len() == end - start && text[start..end] == **name);
            let weight = if experience {
                REPEATED_MENTIONS
            } else {
                usize::from(!is_plural)
            };
            match mentions.iter_mut().find(|(r, _)| *r == role) {
                Some((_, n)) => *n += weight,
                None => mentions.push((role, weight)),
            }
            let cued = self_cued && !experience;
            let cued_after = self
                .self_after
                .iter()
                .any(|cue| starts_with_cue(after, cue));
            // "… experience as a Product Owner" on the first line is experience too.
            if !((on_title_line && !experience) || cued || cued_after) {
                continue;
            }
            found = Some((role, end, on_title_line));
        }
        if let Some((role, _, _)) = found {
            return Some(role);
        }
        if mentions.iter().any(|(r, _)| !r.is_other_job()) {
            return None;
        }
        mentions
            .iter()
            .filter(|(_, n)| *n >= REPEATED_MENTIONS)
            .max_by_key(|(_, n)| *n)
            .map(|(r, _)| *r)
    }

    /// Role names on whole-word boundaries in folded text, leftmost-longest.
    fn roles_in<'t>(
        &'t self,
        text: &'t str,
    ) -> impl Iterator<Item = (usize, usize, SelfRole)> + 't {
        let b = text.as_bytes();
        self.automaton.find_iter(text).filter_map(move |m| {
            let (s, e) = (m.start(), m.end());
            let left = s == 0 || !is_word_byte(b[s - 1]);
            // Plurals still name the role ("Product Owners (m/w/d)").
            let e2 = if b.get(e) == Some(&b's') { e + 1 } else { e };
            let right = e2 == b.len() || !is_word_byte(b[e2]);
            (left && right).then(|| (s, e2, ROLE_NAMES[m.pattern().as_usize()].1))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;

    fn det() -> SelfRoleDetector {
        SelfRoleDetector::new(Lexicon::embedded().context())
    }

    #[test]
    fn the_role_a_former_one_turned_into_is_the_job() {
        let d = det();
        // "an engineer-turned-product-manager": the hire was an engineer and is a PM now.
        let text = normalize(
            "We build payment tools.\nYou should ideally be an engineer-turned-product-manager \
             with 8 years of experience. If you enjoyed refactoring code as an engineer, \
             you will fit right in.",
        );
        assert_eq!(
            d.in_description(text.text()),
            Some(SelfRole::ProductManager)
        );
    }

    #[test]
    fn title_wins() {
        let d = det();
        assert_eq!(
            d.detect(
                Some("Senior Scrum Master (m/w/d)"),
                "You work with the product owner"
            ),
            Some(SelfRole::ScrumMaster)
        );
        assert_eq!(
            d.detect(Some("Product Marketing Manager"), ""),
            Some(SelfRole::Other)
        );
        assert_eq!(d.detect(Some("Data Scientist"), ""), Some(SelfRole::Other));
        assert_eq!(
            d.detect(Some("Technical Product Owner"), ""),
            Some(SelfRole::ProductOwner)
        );
    }

    #[test]
    fn description_needs_a_self_cue_or_the_first_line() {
        let d = det();
        assert_eq!(
            d.detect(
                None,
                "About us. We are looking for a Scrum Master to support the Product Owner."
            ),
            Some(SelfRole::ScrumMaster)
        );
        assert_eq!(
            d.detect(None, "Projektmanager (m/w/d)\nWir suchen Verstärkung."),
            Some(SelfRole::ProjectManager)
        );
        assert_eq!(
            d.detect(
                None,
                "About us.\nYou will work closely with the Product Manager."
            ),
            None
        );
        assert_eq!(
            d.detect(None, "About us.\nAs a Product Owner you own the backlog."),
            Some(SelfRole::ProductOwner)
        );
    }
}
