//! Sections of a posting: which part of the text a match falls in, and what it weighs.
//!
//! Job postings are built from the same parts: what the hire will do, what
//! they bring, who the company is, what it offers, how to apply, and legal
//! statements. Only the first two describe the job; a company blurb, a
//! benefits list or an equal-opportunity statement says nothing about whether
//! the job is a Product Owner's or a Product Manager's, yet it is full of
//! "vision", "market" and "revenue". [`SectionDetector::detect`] finds the
//! headings ("Your responsibilities", "Ihr Profil", "Wir bieten", "Über uns",
//! "About Acme" …) in one pass over the normalized text, and [`Sections`]
//! tells the section at any byte; [`SectionKind::weight`] is what a match in
//! it counts. A sentence that makes an equal-opportunity or similar legal
//! statement is [`SectionKind::Legal`] wherever it stands; the classifier
//! finds those statements' cues ([`SectionDetector::legal_cues`]) in the
//! lexicon scanner's pass and hands them to [`SectionDetector::detect_with_legal`].
//!
//! The headings and the legal statements are the lexicon's data (its
//! `[sections.LANG]` tables, [`SectionCues`]); what makes a line a heading is
//! decided here.
//!
//! A heading is a line that starts with a heading cue and is short: the cue
//! alone, the cue and at most [`MAX_EXTRA_WORDS`] more words ("About Acme",
//! "Benefits at Acme"), or a line of at most [`MAX_COLON_HEADING_WORDS`]
//! words ending in a colon ("Benefits of working at Acme include:"). A cue
//! followed directly by a colon starts a section inline ("Aufgaben: ...").
//! Generic one-word cues ("skills", "contact") must stand alone, so that a
//! bullet such as "Contact with customers" does not open a section.
//!
//! A company blurb is prose: an "About" section ends at the first short line
//! that is not a sentence (at most [`MAX_EXTRA_WORDS`] + 1 words), even when
//! popm does not know that heading ("Your Day"), so that a missed heading does
//! not silence the job description after it. Benefits, application and legal
//! sections are lists and run to the next known heading.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use serde::Serialize;

use crate::error::{Error, Result};
use crate::lexicon::{HeadingKind, SectionCues};
use crate::matching::prefix_trie::PrefixTrie;
use crate::matching::scan::fold_pattern;
use crate::text::normalize::{is_break_byte, is_word_byte};

/// Words a heading line may have after its cue ("About Acme Corp").
pub const MAX_EXTRA_WORDS: usize = 3;

/// Words a heading line ending in a colon may have in all.
pub const MAX_COLON_HEADING_WORDS: usize = 10;

/// How far before a colon inside a line the sentence it ends may start, for
/// that sentence to be read as an inline heading (a heading and its extra words).
pub const INLINE_HEADING_BYTES: usize = 160;

/// Weight of a match in a section that describes the company, benefits, the
/// application or legal matters rather than the job.
pub const BOILERPLATE_WEIGHT: f64 = 0.0;

/// The kind of part of a posting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// Before any heading (often the title line and a summary, sometimes a company blurb).
    Intro,
    /// What the hire will do: responsibilities, tasks, "the role", "Aufgaben".
    Role,
    /// What the hire brings: requirements, qualifications, "Ihr Profil".
    Requirements,
    /// The team the hire joins.
    Team,
    /// Under a heading popm does not know ("Your Day", "See more").
    Other,
    /// The company: "About us", "Who we are", "Über uns".
    About,
    /// What the employer offers: benefits, perks, pay, "Wir bieten".
    Benefits,
    /// How to apply, contacts, the hiring process, job metadata.
    Application,
    /// Equal-opportunity, accommodation and data-protection statements.
    Legal,
}

impl SectionKind {
    /// The name used in outputs.
    pub fn as_str(self) -> &'static str {
        match self {
            SectionKind::Intro => "intro",
            SectionKind::Role => "role",
            SectionKind::Requirements => "requirements",
            SectionKind::Team => "team",
            SectionKind::Other => "other",
            SectionKind::About => "about",
            SectionKind::Benefits => "benefits",
            SectionKind::Application => "application",
            SectionKind::Legal => "legal",
        }
    }

    /// What a match in this section counts (1 = fully, 0 = not at all).
    pub fn weight(self) -> f64 {
        match self {
            SectionKind::Intro
            | SectionKind::Role
            | SectionKind::Requirements
            | SectionKind::Team
            | SectionKind::Other => 1.0,
            SectionKind::About
            | SectionKind::Benefits
            | SectionKind::Application
            | SectionKind::Legal => BOILERPLATE_WEIGHT,
        }
    }

    /// Whether the section describes the job (its matches count).
    pub fn is_about_the_job(self) -> bool {
        self.weight() > 0.0
    }
}

impl From<HeadingKind> for SectionKind {
    fn from(kind: HeadingKind) -> SectionKind {
        match kind {
            HeadingKind::Role => SectionKind::Role,
            HeadingKind::Requirements => SectionKind::Requirements,
            HeadingKind::Team => SectionKind::Team,
            HeadingKind::About => SectionKind::About,
            HeadingKind::Benefits => SectionKind::Benefits,
            HeadingKind::Application => SectionKind::Application,
            HeadingKind::Legal => SectionKind::Legal,
        }
    }
}

/// How much of a heading line the cue must fill.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fit {
    /// The cue may be followed by a few more words ("About Acme").
    Lead,
    /// The cue must stand alone on its line (or be followed by a colon).
    Alone,
}

use Fit::{Alone, Lead};

/// A heading or legal statement folded like text (lower case, hyphens and
/// slashes as spaces), as it appears in normalized text: the same folding as
/// a lexicon phrase's.
fn fold(cue: &str) -> String {
    fold_pattern(cue)
}

/// One section: where it starts in the folded text and its kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    /// First byte of the section (its heading line) in the folded text.
    pub start: usize,
    /// What the section is about.
    pub kind: SectionKind,
}

/// The sections of one folded text, in text order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sections {
    list: Vec<Section>,
}

impl Sections {
    /// The section the byte at `pos` lies in ([`SectionKind::Intro`] before any heading).
    pub fn kind_at(&self, pos: usize) -> SectionKind {
        let i = self.list.partition_point(|s| s.start <= pos);
        if i == 0 {
            SectionKind::Intro
        } else {
            self.list[i - 1].kind
        }
    }
}

/// Finds headings and legal lines; built once, shared by every posting.
#[derive(Clone, Debug)]
pub struct SectionDetector {
    /// The heading cues, searched at line starts only: a trie walked from
    /// the line's first byte (one table load a byte, built in one pass over
    /// the cues, where the crate's contiguous NFA took about 4.6 M
    /// instructions to build at every start, `check` included, and more to walk).
    headings: PrefixTrie,
    /// For each phrase of `headings`: the folded heading, what it opens and how it fits its line.
    cues: Vec<(String, SectionKind, Fit)>,
    /// The legal statements, folded.
    legal_cues: Vec<String>,
    /// The legal cues' own searcher, for [`SectionDetector::detect`] only:
    /// built on its first use, since the classifier gets the cues from its
    /// scanner and should not pay for it at every start.
    legal: std::sync::OnceLock<AhoCorasick>,
}

impl SectionDetector {
    /// Compiles a lexicon's headings and legal statements ([`crate::Lexicon::section_cues`]).
    ///
    /// Headings are folded like text; of two that fold alike, the later one counts.
    ///
    /// # Errors
    ///
    /// When the headings' automaton cannot be built (far beyond any real list of headings).
    pub fn new(cues: &SectionCues) -> Result<SectionDetector> {
        let mut list: Vec<(String, SectionKind, Fit)> = Vec::new();
        let mut at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        for h in cues.headings() {
            let folded = fold(h.phrase());
            if folded.is_empty() {
                continue;
            }
            let fit = if h.stands_alone() { Alone } else { Lead };
            let cue = (folded.clone(), SectionKind::from(h.kind()), fit);
            match at.get(&folded) {
                Some(&i) => list[i] = cue,
                None => {
                    at.insert(folded, list.len());
                    list.push(cue);
                }
            }
        }
        let phrases: Vec<&str> = list.iter().map(|c| c.0.as_str()).collect();
        let headings = PrefixTrie::new(&phrases).ok_or_else(|| {
            Error::lexicon(
                "<lexicon>",
                None,
                format!(
                    "cannot compile the headings: {} of them, {} bytes, are too many",
                    phrases.len(),
                    phrases.iter().map(|p| p.len()).sum::<usize>()
                ),
            )
        })?;
        let mut legal_cues: Vec<String> = Vec::new();
        for s in cues.legal_statements() {
            let folded = fold(s);
            if !folded.is_empty() && !legal_cues.contains(&folded) {
                legal_cues.push(folded);
            }
        }
        Ok(SectionDetector {
            headings,
            cues: list,
            legal_cues,
            legal: std::sync::OnceLock::new(),
        })
    }

    /// The phrases that mark a legal statement (equal opportunity, accommodation), folded:
    /// the markers a scanner built [`with_markers`](crate::matching::scan::Scanner::with_markers)
    /// finds for [`SectionDetector::detect_with_legal`].
    pub fn legal_cues(&self) -> Vec<&str> {
        self.legal_cues.iter().map(String::as_str).collect()
    }

    /// The sections of normalized `text`, in one pass over its lines.
    pub fn detect(&self, text: &str) -> Sections {
        let searcher = self.legal.get_or_init(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&self.legal_cues)
                .expect("legal cues that the lexicon scanner compiled compile alone too")
        });
        let legal: Vec<usize> = searcher.find_iter(text).map(|m| m.start()).collect();
        let breaks: Vec<u32> = memchr::memchr_iter(b'\n', text.as_bytes())
            .map(|p| p as u32)
            .collect();
        self.detect_with_legal(text, &breaks, &legal, text.len())
    }

    /// [`SectionDetector::detect`], given where the [`SectionDetector::legal_cues`] occur in
    /// `text` (ascending starts; overlapping occurrences may be listed too), as
    /// a scanner built [`with_markers`](crate::matching::scan::Scanner::with_markers)
    /// finds them: the text is not searched again. `line_breaks` are where
    /// `text`'s line breaks are, in order (as the normalizer notes them).
    ///
    /// Lines that start after byte `upto` are not looked at: the sections are
    /// those of the whole text at every position up to `upto` (the classifier
    /// passes its last match, past which no section is asked for).
    pub fn detect_with_legal(
        &self,
        text: &str,
        line_breaks: &[u32],
        legal_starts: &[usize],
        upto: usize,
    ) -> Sections {
        debug_assert!(legal_starts.windows(2).all(|w| w[0] <= w[1]));
        let b = text.as_bytes();
        debug_assert!(line_breaks.iter().all(|&p| b[p as usize] == b'\n'));
        debug_assert_eq!(line_breaks.len(), memchr::memchr_iter(b'\n', b).count());
        let mut line_ends = line_breaks.iter().map(|&p| p as usize);
        let mut legal = legal_starts.iter().copied().peekable();
        let mut list: Vec<Section> = Vec::new();
        let mut current = SectionKind::Intro;
        // End of the last legal sentence: a second cue in it adds nothing.
        let mut legal_end = 0;
        let mut line_start = 0;
        while line_start < b.len() && line_start <= upto {
            // Lines follow one another: each ends at the next break.
            let line_end = line_ends.next().unwrap_or(b.len());
            match self.heading(text, line_start, line_end) {
                Some(kind) => current = kind,
                None if current == SectionKind::About
                    && is_heading_like(&text[line_start..line_end]) =>
                {
                    current = SectionKind::Other;
                }
                None => {}
            }
            // A line is cut where a heading opens inside it; each part holds
            // its own legal sentences.
            let mut part_start = line_start;
            loop {
                let inline = self.next_inline_heading(text, part_start, line_end);
                let part_end = inline.map_or(line_end, |(at, _)| at);
                push(&mut list, part_start, current);
                // Legal sentences inside the part, each from the break before it to the one after.
                while let Some(&p) = legal.peek() {
                    if p >= part_end {
                        break;
                    }
                    legal.next();
                    if p < part_start || p < legal_end {
                        continue;
                    }
                    let start = b[part_start..p]
                        .iter()
                        .rposition(|&c| is_break_byte(c))
                        .map_or(part_start, |q| part_start + q + 1);
                    let end = b[p..part_end]
                        .iter()
                        .position(|&c| is_break_byte(c))
                        .map_or(part_end, |q| p + q);
                    push(&mut list, start, SectionKind::Legal);
                    push(&mut list, end, current);
                    legal_end = end;
                }
                match inline {
                    Some((at, kind)) => {
                        current = kind;
                        part_start = at;
                    }
                    None => break,
                }
            }
            line_start = line_end + 1;
        }
        Sections { list }
    }

    /// The longest heading cue that `line` starts with: its index in
    /// `cues` and its length.
    fn longest_cue(&self, line: &[u8]) -> Option<(usize, usize)> {
        self.headings.longest_prefix(line)
    }

    /// The first heading that opens inside a line after `from` and before
    /// `end`: a heading cue that starts a sentence and is followed by a colon
    /// ("… to give life. Job description: Champion …"), as in postings
    /// flattened to one line. Its start and the section it opens.
    ///
    /// Colons are far rarer than sentence ends: each colon is taken in turn and
    /// the sentence it ends is looked at, within [`INLINE_HEADING_BYTES`].
    fn next_inline_heading(
        &self,
        text: &str,
        from: usize,
        end: usize,
    ) -> Option<(usize, SectionKind)> {
        let b = text.as_bytes();
        let mut at = from + 1;
        while at < end {
            let colon = at + memchr::memchr(b':', &b[at..end])?;
            at = colon + 1;
            let window = colon.saturating_sub(INLINE_HEADING_BYTES).max(from + 1);
            let Some(p) = memchr::memrchr3(b'.', b'!', b'?', &b[window..colon]).map(|k| window + k)
            else {
                continue;
            };
            let s = p + 2;
            if b.get(p + 1) != Some(&b' ') || s >= colon || !is_word_byte(b[s]) {
                continue;
            }
            let Some((pattern, len)) = self.longest_cue(&b[s..colon]) else {
                continue;
            };
            let e = s + len;
            if e < colon && is_word_byte(b[e]) {
                continue;
            }
            let (_, kind, fit) = self.cues[pattern];
            let extra = match fit {
                Alone => 0,
                Lead => MAX_EXTRA_WORDS,
            };
            let words = &text[e..colon];
            if !words.contains([',', ';', ':']) && count_words_up_to(words, extra + 1) <= extra {
                return Some((s, kind));
            }
        }
        None
    }

    /// The section a line opens, if it is a heading.
    fn heading(&self, text: &str, line_start: usize, line_end: usize) -> Option<SectionKind> {
        let b = text.as_bytes();
        let mut s = line_start;
        while s < line_end && !is_word_byte(b[s]) {
            s += 1;
        }
        if s == line_end {
            return None;
        }
        let (pattern, e) = self.longest_cue(&b[s..line_end])?;
        let e = s + e;
        if e < line_end && is_word_byte(b[e]) {
            return None;
        }
        let (_, kind, fit) = self.cues[pattern];
        let rest = &text[e..line_end];
        let rest_trimmed = rest.trim_start_matches(' ');
        if rest_trimmed.starts_with(':') {
            return Some(kind);
        }
        // A heading asked as a question that fills its line: "Who are we?", "Qui sommes-nous ?".
        if rest_trimmed.trim_end_matches(' ') == "?" {
            return Some(kind);
        }
        let extra = count_words_up_to(rest, MAX_EXTRA_WORDS + 1);
        let line = text[line_start..line_end].trim_end_matches(' ');
        if line.ends_with(':')
            && count_words_up_to(line, MAX_COLON_HEADING_WORDS + 1) <= MAX_COLON_HEADING_WORDS
        {
            return Some(kind);
        }
        if line.ends_with(['.', '!', '?', ',']) {
            return None;
        }
        match fit {
            Alone => (extra == 0).then_some(kind),
            Lead => (extra <= MAX_EXTRA_WORDS).then_some(kind),
        }
    }
}

/// Starts a section of `kind` at `start`, unless the text is in one already.
fn push(list: &mut Vec<Section>, start: usize, kind: SectionKind) {
    let last = list.last().map_or(SectionKind::Intro, |s| s.kind);
    if last == kind {
        return;
    }
    match list.last_mut() {
        // Two changes at one place (a legal sentence that ends its line): the later wins.
        Some(s) if s.start == start => s.kind = kind,
        _ => list.push(Section { start, kind }),
    }
}

/// Whether a line looks like a heading: a few words, not a sentence.
fn is_heading_like(line: &str) -> bool {
    let line = line.trim_end_matches(' ');
    let words = count_words_up_to(line, MAX_EXTRA_WORDS + 2);
    words > 0 && words <= MAX_EXTRA_WORDS + 1 && !line.ends_with(['.', ',', ';', '!', '?'])
}

/// Number of words (runs of word bytes) in `s`, counting no further than `limit`.
///
/// The callers only compare the count with small bounds, so a long line of
/// prose is not walked to its end.
fn count_words_up_to(s: &str, limit: usize) -> usize {
    let mut n = 0;
    let mut in_word = false;
    for &c in s.as_bytes() {
        let w = is_word_byte(c);
        if w && !in_word {
            n += 1;
            if n >= limit {
                break;
            }
        }
        in_word = w;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lexicon::Lexicon;
    use crate::text::normalize::normalize;

    /// The detector of the default lexicon's headings, built once.
    fn default_detector() -> &'static SectionDetector {
        static DETECTOR: std::sync::OnceLock<SectionDetector> = std::sync::OnceLock::new();
        DETECTOR.get_or_init(|| SectionDetector::new(Lexicon::embedded().section_cues()).unwrap())
    }

    #[test]
    fn the_default_headings_and_legal_statements_are_written_folded() {
        let cues = Lexicon::embedded();
        let cues = cues.section_cues();
        for h in cues.headings() {
            assert_eq!(fold(h.phrase()), h.phrase());
        }
        for s in cues.legal_statements() {
            assert_eq!(&fold(s), s);
        }
        let d = default_detector();
        assert_eq!(d.cues.len(), cues.headings().len());
        assert_eq!(d.legal_cues.len(), cues.legal_statements().len());
    }

    #[test]
    fn a_lexicon_brings_its_own_headings() {
        let text = "[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [{ phrase = \"backlog\", weight = 1 }]\n\
                    [sections.fr]\nrole = [\"Vos missions\"]\nabout_alone = [\"Qui sommes-nous\"]\n\
                    legal_statements = [\"égalité des chances\"]\n";
        let lexicon = Lexicon::parse(text, "t").unwrap();
        let d = SectionDetector::new(lexicon.section_cues()).unwrap();
        let posting = "Qui sommes-nous\nUne banque.\nVos missions\nLe backlog. L'égalité des chances compte.\n\
                       Benefits\nA market salary";
        let n = normalize(posting);
        let s = d.detect(n.text());
        let at = |needle: &str| s.kind_at(n.text().find(needle).unwrap());
        assert_eq!(at("une banque"), SectionKind::About);
        assert_eq!(at("le backlog"), SectionKind::Role);
        assert_eq!(at("compte"), SectionKind::Legal);
        // Only the lexicon's headings: "Benefits" is none of them.
        assert_eq!(at("market salary"), SectionKind::Role);
        // An empty [sections] table: no headings, no legal statements.
        let text = text.split("[sections.fr]").next().unwrap();
        let none = Lexicon::parse(&format!("[sections]\n{text}"), "t").unwrap();
        let d = SectionDetector::new(none.section_cues()).unwrap();
        let s = d.detect(n.text());
        assert_eq!(s.kind_at(n.text().len() - 1), SectionKind::Intro);
        assert!(d.legal_cues().is_empty());
    }

    #[test]
    fn words_are_counted_up_to_the_limit() {
        assert_eq!(count_words_up_to("", 3), 0);
        assert_eq!(count_words_up_to(" - about us: ", 9), 2);
        assert_eq!(count_words_up_to("caf\u{e9} r&d  team's goals", 9), 6);
        assert_eq!(count_words_up_to("one two three four five", 3), 3);
        assert_eq!(count_words_up_to("one two three", 9), 3);
    }

    /// The kind of the section holding the first occurrence of `needle` (folded).
    fn kind_of(text: &str, needle: &str) -> SectionKind {
        let n = normalize(text);
        let s = default_detector().detect(n.text());
        let p = n.text().find(needle).unwrap();
        s.kind_at(p)
    }

    #[test]
    fn english_headings() {
        let text = "Acme builds rockets.\n\nAbout the role\nYou own the product backlog.\n\n\
                    Requirements:\n- 3 years as a product owner\n\nBenefits\nMarket-leading pay\n\n\
                    About Acme\nWe lead the market.\n\nHow to apply\nSend your CV.";
        let cases = [
            ("acme builds", SectionKind::Intro),
            ("product backlog", SectionKind::Role),
            ("3 years", SectionKind::Requirements),
            ("market leading pay", SectionKind::Benefits),
            ("we lead the market", SectionKind::About),
            ("send your cv", SectionKind::Application),
        ];
        for (needle, want) in cases {
            assert_eq!(kind_of(text, needle), want, "{needle}");
        }
    }

    #[test]
    fn a_heading_asked_as_a_question_opens_its_section() {
        let text = "Who we are?\nWe lead the market in pricing.\n\nQui sommes-nous ?\n\
                    Nous sommes leader de la tarification.\n\nYour role\nYou own the backlog.\n\
                    Who owns the roadmap? You do.";
        assert_eq!(kind_of(text, "we lead the market"), SectionKind::About);
        assert_eq!(kind_of(text, "nous sommes leader"), SectionKind::About);
        assert_eq!(kind_of(text, "you own the backlog"), SectionKind::Role);
        // A question that is a sentence opens nothing.
        assert_eq!(kind_of(text, "you do"), SectionKind::Role);
    }

    #[test]
    fn two_legal_cues_in_one_sentence_make_one_legal_span() {
        let text = "About the role\nYou own the roadmap. We are an equal opportunity employer, \
                    provide reasonable accommodation and value pricing skills; you own pricing.";
        let n = normalize(text);
        let s = default_detector().detect(n.text());
        let starts: Vec<usize> = s.list.iter().map(|x| x.start).collect();
        assert!(starts.windows(2).all(|w| w[0] < w[1]), "{:?}", s.list);
        assert_eq!(kind_of(text, "value pricing"), SectionKind::Legal);
        assert_eq!(kind_of(text, "roadmap"), SectionKind::Role);
        assert_eq!(kind_of(text, "you own pricing"), SectionKind::Role);
    }

    #[test]
    fn german_headings() {
        let text = "<h2>Über uns</h2><p>Wir sind Marktführer.</p><h2>Deine Aufgaben</h2>\
                    <ul><li>Du pflegst das Backlog</li></ul><h2>Ihr Profil</h2><p>Erfahrung als PO</p>\
                    <h2>Wir bieten</h2><p>Eine Roadmap für deine Karriere</p>";
        let cases = [
            ("marktführer", SectionKind::About),
            ("backlog", SectionKind::Role),
            ("erfahrung als po", SectionKind::Requirements),
            ("roadmap", SectionKind::Benefits),
        ];
        for (needle, want) in cases {
            assert_eq!(kind_of(text, needle), want, "{needle}");
        }
    }

    #[test]
    fn inline_and_colon_headings() {
        let text = "Aufgaben: Du schreibst User Stories.\n\
                    Benefits of working at Acme include:\nA market salary";
        assert_eq!(kind_of(text, "user stories"), SectionKind::Role);
        assert_eq!(kind_of(text, "market salary"), SectionKind::Benefits);
    }

    #[test]
    fn a_heading_inside_a_flattened_line_opens_its_section() {
        let text = "Company description: Acme is a bank with a vision. Job description: \
                    You own the product backlog. Benefits: free lunch and a market salary. \
                    Responsibilities of the teams we meet every day: nothing";
        assert_eq!(kind_of(text, "with a vision"), SectionKind::About);
        assert_eq!(kind_of(text, "product backlog"), SectionKind::Role);
        assert_eq!(kind_of(text, "market salary"), SectionKind::Benefits);
        // More words than the cue allows before the colon: a sentence, not a heading.
        assert_eq!(kind_of(text, "nothing"), SectionKind::Benefits);
        // A heading cue that only starts a sentence, with no colon after it, opens nothing.
        let text = "Responsibilities: you own the backlog. About the market we know little.";
        assert_eq!(kind_of(text, "the market"), SectionKind::Role);
    }

    #[test]
    fn bullets_and_sentences_are_not_headings() {
        // A bullet that starts like a heading cue stays in its section.
        let text = "Responsibilities\nContact with customers\nSkills in SQL are a plus\n\
                    About us, the market leader, you will learn a lot.\nOwn the roadmap";
        assert_eq!(kind_of(text, "with customers"), SectionKind::Role);
        assert_eq!(kind_of(text, "in sql"), SectionKind::Role);
        assert_eq!(kind_of(text, "market leader"), SectionKind::Role);
        assert_eq!(kind_of(text, "own the roadmap"), SectionKind::Role);
    }

    #[test]
    fn legal_sentences_weigh_nothing_and_end_with_the_sentence() {
        let text = "Your tasks\nOwn the product vision.\n\
                    Acme is an equal opportunity employer and values market diversity.\n\
                    Run the sprint review. We are an equal opportunity employer. Own the backlog";
        assert_eq!(kind_of(text, "market diversity"), SectionKind::Legal);
        assert_eq!(kind_of(text, "sprint review"), SectionKind::Role);
        assert_eq!(kind_of(text, "we are an equal"), SectionKind::Legal);
        assert_eq!(kind_of(text, "own the backlog"), SectionKind::Role);
        assert_eq!(kind_of(text, "product vision"), SectionKind::Role);
        assert_eq!(SectionKind::Legal.weight(), BOILERPLATE_WEIGHT);
        assert!(SectionKind::Role.is_about_the_job());
    }

    #[test]
    fn a_company_blurb_ends_at_an_unknown_heading() {
        let text = "About us:\nAcme is a bank with a vision.\nYour Day\nOwn the product roadmap.\n\
                    Benefits\nFree lunch\nA market salary";
        assert_eq!(kind_of(text, "with a vision"), SectionKind::About);
        assert_eq!(kind_of(text, "product roadmap"), SectionKind::Other);
        assert_eq!(kind_of(text, "market salary"), SectionKind::Benefits);
    }

    #[test]
    fn about_the_role_is_not_about_the_company() {
        let text = "About the job\nYou own the backlog.\nAbout Toptal\nA network of talent.";
        assert_eq!(kind_of(text, "own the backlog"), SectionKind::Role);
        assert_eq!(kind_of(text, "network of talent"), SectionKind::About);
    }

    /// A scanner for a small lexicon that shares a phrase with the legal cues, finding the cues.
    fn legal_scanner() -> &'static crate::matching::scan::Scanner {
        static SCANNER: std::sync::OnceLock<crate::matching::scan::Scanner> =
            std::sync::OnceLock::new();
        SCANNER.get_or_init(|| {
            let toml = "[[category]]\nname = \"a\"\nrole = \"po\"\nentries = [\n\
                { phrase = \"affirmative action\", weight = 1 }, { phrase = \"equal\", weight = 1 },\n\
                { phrase = \"backlog\", weight = 1 },\n]\n";
            let lexicon = crate::lexicon::Lexicon::parse(toml, "t").unwrap();
            crate::matching::scan::Scanner::with_markers(&lexicon, crate::matching::scan::Workload::Batch, &default_detector().legal_cues())
                .unwrap()
        })
    }

    proptest::proptest! {
        /// The legal cues found by the lexicon's scanner make the same sections
        /// as the detector's own search, on texts of cues, cut cues, headings,
        /// sentence and line breaks.
        #[test]
        fn legal_cues_from_the_scanner_make_the_same_sections(
            pieces in proptest::collection::vec((0..default_detector().legal_cues.len() + 4, 0..40usize, 0..7usize), 1..12),
        ) {
            const OTHER: &[&str] = &["backlog", "equal", "about the job", "benefits"];
            const GLUE: &[&str] = &[" ", ". ", "\n", "", ", ", "s ", ":\n"];
            let mut text = String::new();
            for &(p, cut, glue) in &pieces {
                let legal = &default_detector().legal_cues;
                let piece = legal.get(p).map_or_else(|| OTHER[p - legal.len()], String::as_str);
                let cut = if cut < 20 { piece.len() } else { cut - 20 };
                let cut = (cut..=piece.len()).find(|&c| piece.is_char_boundary(c)).unwrap_or(piece.len());
                text.push_str(&piece[..cut]);
                text.push_str(GLUE[glue]);
            }
            let norm = crate::text::normalize::normalize(&text);
            let mut scratch = crate::matching::scan::ScanScratch::default();
            legal_scanner().scan_into(&norm, &text, &mut scratch);
            let detector = default_detector();
            let whole = detector.detect(norm.text());
            proptest::prop_assert_eq!(
                &detector.detect_with_legal(norm.text(), norm.line_breaks(), &scratch.markers, norm.text().len()),
                &whole,
                "text {:?}",
                text
            );
            // Cut short after any byte, the sections agree up to that byte.
            for upto in 0..norm.text().len() {
                let part = detector.detect_with_legal(norm.text(), norm.line_breaks(), &scratch.markers, upto);
                for pos in 0..=upto {
                    proptest::prop_assert_eq!(
                        part.kind_at(pos),
                        whole.kind_at(pos),
                        "upto {} pos {} text {:?}",
                        upto,
                        pos,
                        text
                    );
                }
            }
        }

        /// The direct automaton walk finds what `AhoCorasick::find` finds, anchored,
        /// on lines made of cues, cut cues, spaces, colons and other words.
        #[test]
        fn longest_cue_agrees_with_aho_corasick_find(
            pieces in proptest::collection::vec((0..default_detector().cues.len(), 0..40usize, 0..5usize), 1..4),
        ) {
            const GLUE: &[&str] = &[" ", ":", "", " and ", "s "];
            let mut line = String::new();
            for &(h, cut, glue) in &pieces {
                let cue = default_detector().cues[h].0.as_str();
                let cut = (cut..=cue.len()).find(|&c| cue.is_char_boundary(c)).unwrap_or(cue.len());
                line.push_str(&cue[..cut]);
                line.push_str(GLUE[glue]);
            }
            let reference = AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .start_kind(aho_corasick::StartKind::Anchored)
                .build(default_detector().cues.iter().map(|h| &h.0))
                .unwrap();
            let want = reference
                .find(aho_corasick::Input::new(&line).anchored(aho_corasick::Anchored::Yes))
                .map(|m| (m.pattern().as_usize(), m.end()));
            let detector = default_detector();
            proptest::prop_assert_eq!(detector.longest_cue(line.as_bytes()), want, "line {:?}", line);
        }
    }
}
