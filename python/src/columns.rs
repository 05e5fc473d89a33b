//! A data frame's columns found by the CLI's rules: which are the texts, the
//! title and the id, and what kept columns are called in the output.

use popm::io::{ColumnChoice, ColumnPlan, Format, Header, Layout};
use popm::Lexicon;
use pyo3::prelude::*;

use crate::errors::PopmError;

/// The text, title and id columns of a frame with these column names, by
/// the rules of ``popm classify`` (``--text-col``, ``--title-col``, ``--id-col``,
/// or the header names it knows); returns ``(text, title, id)`` as indices.
///
/// Example::
///
///     >>> popm._popm.find_columns(["Job Title", "Job Description"])
///     ([1], 0, None)
#[pyfunction]
#[pyo3(signature = (names, text_col = None, title_col = None, id_col = None))]
pub fn find_columns(
    names: Vec<String>,
    text_col: Option<String>,
    title_col: Option<String>,
    id_col: Option<String>,
) -> PyResult<(Vec<usize>, Option<usize>, Option<usize>)> {
    let choice = ColumnChoice {
        text: text_col,
        title: title_col,
        id: id_col,
        ignore: Vec::new(),
    };
    let header = Header::new("the frame", names);
    let plan = ColumnPlan::for_header(&header, &choice).map_err(|e| {
        // The library's message names the CLI's flags; here they are arguments.
        let message = e
            .to_string()
            .replace("--text-col NAME", "text_col=\"NAME\"")
            .replace("--text-col", "text_col=")
            .replace("--title-col", "title_col=")
            .replace("--id-col", "id_col=");
        PopmError::new_err(message)
    })?;
    Ok((plan.text, plan.title, plan.id))
}

/// The output names of kept columns: one that collides with an output
/// column (any case) gets ``_input`` appended, as in the CLI's CSV.
///
/// Example::
///
///     >>> popm._popm.kept_column_names(["title", "Label"])
///     ['title', 'Label_input']
#[pyfunction]
pub fn kept_column_names(kept: Vec<String>) -> Vec<String> {
    Layout::new(Format::Csv, &kept, false, &Lexicon::embedded())
        .kept_names()
        .to_vec()
}
