//! From flags to the library's settings: the lexicon, the classifier with its
//! thresholds and scoring constants, and the read options, each checked once.

use anyhow::{Context, Result};
use popm::{Classifier, Lexicon, ScoringParams, Thresholds, Workload};

use crate::cli::{LexiconArgs, ScoringArgs, ThresholdArgs};

/// Loads the lexicon chosen on the command line.
pub fn load_lexicon(args: &LexiconArgs) -> Result<Lexicon> {
    let mut lex = match &args.lexicon {
        Some(path) => read_lexicon(path)?,
        None => Lexicon::embedded(),
    };
    for path in &args.extend {
        lex.extend(read_lexicon(path)?);
    }
    Ok(lex)
}

fn read_lexicon(path: &std::path::Path) -> Result<Lexicon> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read lexicon {}", path.display()))?;
    Ok(Lexicon::parse(&text, &path.display().to_string())?)
}

/// Builds the classifier from the lexicon and threshold flags, for many texts.
pub fn classifier(lex: &LexiconArgs, t: &ThresholdArgs, s: &ScoringArgs) -> Result<Classifier> {
    classifier_for(lex, t, s, Workload::Batch)
}

/// Builds the classifier from the lexicon and threshold flags, for `workload`.
pub fn classifier_for(
    lex: &LexiconArgs,
    t: &ThresholdArgs,
    s: &ScoringArgs,
    workload: Workload,
) -> Result<Classifier> {
    let thresholds = Thresholds {
        min_score: t.min_score,
        hybrid_min: t.hybrid_min,
        hybrid_margin: t.hybrid_margin,
        strong_score: t.strong_score,
        min_score_unnamed: t.min_score_unnamed,
    };
    let params = ScoringParams {
        self_boost: s.self_boost,
        title_weight: s.title_weight,
        colleague_credit: s.colleague_credit,
        repeat_decay: s.repeat_decay,
    };
    if let Some(e) = popm::settings_out_of_range(&thresholds, &params) {
        anyhow::bail!("{}", e.message(|s| format!("--{}", s.replace('_', "-"))));
    }
    Ok(Classifier::builder(load_lexicon(lex)?)
        .scoring(params)
        .thresholds(thresholds)
        .workload(workload)
        .build()?)
}

/// Parses `--delimiter`: one character, or `tab`.
pub fn parse_delimiter(d: &str) -> Result<u8> {
    match d {
        "tab" | "\\t" | "\t" => Ok(b'\t'),
        s if s.len() == 1 && s.is_ascii() => Ok(s.as_bytes()[0]),
        other => {
            anyhow::bail!("--delimiter {other:?} is not a single ASCII character: use , ; | or tab")
        }
    }
}

/// The input reading options from the column flags.
pub fn read_options(columns: &crate::cli::ColumnArgs) -> Result<popm::io::ReadOptions> {
    Ok(popm::io::ReadOptions {
        delimiter: columns
            .delimiter
            .as_deref()
            .map(parse_delimiter)
            .transpose()?,
        has_headers: !columns.no_headers,
        encoding: popm::io::EncodingChoice::parse(&columns.encoding)?,
        format: columns
            .input_format
            .as_deref()
            .map(popm::io::InputFormat::parse)
            .transpose()?,
        sheet: columns.sheet.clone(),
        zip_limits: popm::io::ZipLimits {
            max_unzipped: columns.max_unzipped_size,
            max_ratio: columns.max_unzip_ratio,
        },
    })
}
