//! One posting as a report shows it: the table's fields, the evidence per
//! phrase, and the texts cut into plain and highlighted pieces.
//!
//! A [`ReportRow`] is built from a fresh [`Classification`]
//! ([`ReportRow::from_classification`], with the posting's texts) or from a
//! result file read back (`super::results`, with whatever that format keeps).

use crate::classify::Classification;
use crate::judge::context::Mark;
use crate::judge::label::Label;
use crate::lexicon::{Lexicon, Role};

use super::highlight::{text_pieces, Highlight, Piece};

/// How the report reads one match: as it counted, or discounted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchMark {
    /// Counts as it stands.
    Plain,
    /// The posting's own role; counts extra.
    SelfRole,
    /// In the slug or subject of the posting's own job link; counts a little.
    Url,
    /// A colleague's role; does not count for its role.
    Colleague,
    /// Negated ("no …", "without …"); does not count.
    Negated,
    /// In a company blurb, benefits, application or legal section; does not count.
    Boilerplate,
}

impl MatchMark {
    /// The one-letter code the report's data and CSS classes use.
    pub fn code(self) -> &'static str {
        match self {
            MatchMark::Plain => "p",
            MatchMark::SelfRole => "s",
            MatchMark::Url => "u",
            MatchMark::Colleague => "c",
            MatchMark::Negated => "n",
            MatchMark::Boilerplate => "b",
        }
    }

    /// The word shown for the mark (empty for a plain match).
    pub fn word(self) -> &'static str {
        match self {
            MatchMark::Plain => "",
            MatchMark::SelfRole => "self",
            MatchMark::Url => "url",
            MatchMark::Colleague => "colleague",
            MatchMark::Negated => "negated",
            MatchMark::Boilerplate => "boilerplate",
        }
    }

    /// Whether the match did not count for its role.
    pub fn is_discounted(self) -> bool {
        matches!(
            self,
            MatchMark::Colleague | MatchMark::Negated | MatchMark::Boilerplate
        )
    }

    /// The mark of a result file's `mark` field (`plain`, `self`, …); unknown words read as plain.
    pub fn from_word(word: &str) -> MatchMark {
        match word {
            "self" => MatchMark::SelfRole,
            "url" => MatchMark::Url,
            "colleague" => MatchMark::Colleague,
            "negated" => MatchMark::Negated,
            "boilerplate" => MatchMark::Boilerplate,
            _ => MatchMark::Plain,
        }
    }
}

/// What one lexicon phrase contributed to a posting.
#[derive(Clone, Debug, PartialEq)]
pub struct PhraseEvidence {
    /// The phrase.
    pub phrase: String,
    /// The role it indicates.
    pub role: Role,
    /// Its lexicon category.
    pub category: String,
    /// Matches found.
    pub count: usize,
    /// Matches that counted (not colleague or negated).
    pub counted: usize,
    /// What it added to its role's score, when the result says.
    pub contribution: Option<f64>,
}

/// Where a report's texts come from, which decides what a posting's view can show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextKind {
    /// The postings' texts (classify straight to HTML): every match in place.
    Full,
    /// Snippets around each match (JSON Lines results).
    Snippets,
    /// No text, phrases and counts only (CSV, TSV and xlsx results).
    None,
}

/// One posting of a report.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ReportRow {
    /// The posting's id.
    pub id: String,
    /// The values of the report's kept columns, in order.
    pub kept: Vec<String>,
    /// The label; `None` for a row that could not be classified.
    pub label: Option<Label>,
    /// Confidence, 0.5–1.
    pub confidence: Option<f64>,
    /// Lean, −1 (PO) … +1 (PM).
    pub lean: Option<f64>,
    /// Lean of the work described alone.
    pub content_lean: Option<f64>,
    /// The role the posting names for itself (`product_owner`, …).
    pub self_role: Option<String>,
    /// Names itself one role and describes the other's work.
    pub mismatch: bool,
    /// The Product Owner score.
    pub po_score: Option<f64>,
    /// The Product Manager score.
    pub pm_score: Option<f64>,
    /// Why the row could not be classified.
    pub error: Option<String>,
    /// Evidence per phrase, in the result's order.
    pub evidence: Vec<PhraseEvidence>,
    /// The texts (field name, pieces); matches point into `evidence`.
    pub texts: Vec<(String, Vec<Piece>)>,
}

impl ReportRow {
    /// The row of a fresh classification: `fields` are the posting's texts in
    /// the order its evidence numbers them (texts, then the title) and
    /// `field_names` their names; long texts are cut to the parts around their
    /// matches (see [`text_pieces`]).
    pub fn from_classification(
        c: &Classification,
        lexicon: &Lexicon,
        fields: &[&str],
        field_names: &[String],
    ) -> ReportRow {
        let mut highlights: Vec<Vec<Highlight>> = vec![Vec::new(); fields.len()];
        let evidence = c
            .score
            .evidence
            .iter()
            .enumerate()
            .map(|(i, ev)| {
                let entry = lexicon.entry(ev.entry);
                for o in &ev.occurrences {
                    if let Some(h) = highlights.get_mut(o.field) {
                        let mark = match o.mark {
                            Mark::Colleague => MatchMark::Colleague,
                            Mark::Negated => MatchMark::Negated,
                            _ if !o.section.is_about_the_job() => MatchMark::Boilerplate,
                            Mark::SelfRole => MatchMark::SelfRole,
                            Mark::Url => MatchMark::Url,
                            Mark::Plain => MatchMark::Plain,
                        };
                        h.push(Highlight {
                            start: o.start,
                            end: o.end,
                            evidence: i,
                            mark,
                        });
                    }
                }
                PhraseEvidence {
                    phrase: entry.phrase().to_string(),
                    role: ev.role,
                    category: lexicon.category_of(ev.entry).name().to_string(),
                    count: ev.count(),
                    counted: ev.count()
                        - ev.count_marked(Mark::Colleague)
                        - ev.count_marked(Mark::Negated),
                    contribution: Some(ev.contribution),
                }
            })
            .collect();
        let texts = fields
            .iter()
            .zip(highlights.iter_mut())
            .enumerate()
            .map(|(i, (text, h))| {
                let name = field_names
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| "text".to_string());
                (name, text_pieces(text, h))
            })
            .collect();
        ReportRow {
            id: String::new(),
            kept: Vec::new(),
            label: Some(c.verdict.label),
            confidence: Some(c.verdict.confidence),
            lean: Some(c.verdict.lean),
            content_lean: Some(c.verdict.content_lean),
            self_role: c.self_role.map(|r| r.as_str().to_string()),
            mismatch: c.verdict.mismatch,
            po_score: Some(c.score.po),
            pm_score: Some(c.score.pm),
            error: None,
            evidence,
            texts,
        }
    }

    /// The row of a record that could not be classified.
    pub fn error(message: &str) -> ReportRow {
        ReportRow {
            error: Some(message.to_string()),
            ..ReportRow::default()
        }
    }

    /// Bytes of text the row's pieces hold.
    pub fn text_len(&self) -> usize {
        self.texts
            .iter()
            .flat_map(|(_, pieces)| pieces)
            .map(Piece::len)
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{Classifier, Posting};

    #[test]
    fn classified_rows_mark_colleague_and_boilerplate_matches_as_discounted() {
        let lexicon = Lexicon::embedded();
        let c = Classifier::new(lexicon.clone()).unwrap();
        let text = "We are looking for a Product Owner to own the product backlog. \
                    You will work closely with our Product Manager.";
        let result = c.classify(&Posting::new(text));
        let row = ReportRow::from_classification(&result, &lexicon, &[text], &["text".into()]);
        let marks: Vec<(String, MatchMark)> = row.texts[0]
            .1
            .iter()
            .filter_map(|p| match p {
                Piece::Match { text, mark, .. } => Some((text.clone(), *mark)),
                _ => None,
            })
            .collect();
        assert!(marks.contains(&("Product Owner".to_string(), MatchMark::SelfRole)));
        assert!(marks.contains(&("Product Manager".to_string(), MatchMark::Colleague)));
        assert!(MatchMark::Colleague.is_discounted() && !MatchMark::SelfRole.is_discounted());
        // The pieces give back the text as it was.
        let joined: String = row.texts[0].1.iter().map(Piece::text).collect();
        assert_eq!(joined, text);
    }
}
