//! The accuracy floor: when the labeled postings of `../shared/data` are
//! there (they are optional, beside the repository), `popm eval` on them must
//! not fall below the figures the default lexicon and rules reach today.
//! A lexicon or scoring change that lowers one fails here until it earns its
//! place back, or the floor is lowered on purpose in the same commit, with
//! the reason in its message. `docs/ACCURACY.md` has the figures.

use std::path::PathBuf;

use crate::util::{root, Workdir};

/// The figures this test holds popm to (description only, title hidden).
struct Floor {
    /// `overall.macro_f1`, PO and PM postings only.
    macro_f1: f64,
    /// `overall.coverage`: share of PO and PM postings labelled one of the two.
    coverage: f64,
    /// `overall.other_as_role_share`: share of other jobs labelled PO, PM or hybrid (at most).
    other_as_role: f64,
}

/// The postings as written.
const AS_WRITTEN: Floor = Floor {
    macro_f1: 0.95,
    coverage: 0.94,
    other_as_role: 0.08,
};

/// The work described alone (`--mask-roles`).
const MASKED: Floor = Floor {
    macro_f1: 0.72,
    coverage: 0.74,
    other_as_role: 0.06,
};

/// The evaluation files, or `None` (with a note) when they are not there.
fn data_files() -> Option<Vec<String>> {
    let dir = std::env::var_os("POPM_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("..").join("shared").join("data"));
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    if files.is_empty() {
        eprintln!(
            "accuracy floor: no labeled data in {}; skipped",
            dir.display()
        );
        return None;
    }
    Some(files)
}

fn check(extra: &[&str], floor: &Floor, what: &str) {
    let Some(files) = data_files() else { return };
    let wd = Workdir::new();
    let mut args = vec!["eval"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--label-col", "label", "--ignore-cols", "title", "--json"]);
    args.extend(extra);
    let r = wd.run(&args);
    r.expect_code(0);
    let v = r.json();
    let o = &v["overall"];
    let get = |k: &str| {
        o[k].as_f64()
            .unwrap_or_else(|| panic!("no overall.{k} in the eval JSON"))
    };
    let (f1, cov, other) = (get("macro_f1"), get("coverage"), get("other_as_role_share"));
    assert!(
        f1 >= floor.macro_f1,
        "{what}: macro-F1 {f1:.3} fell below the floor {}",
        floor.macro_f1
    );
    assert!(
        cov >= floor.coverage,
        "{what}: coverage {cov:.3} fell below the floor {}",
        floor.coverage
    );
    assert!(
        other <= floor.other_as_role,
        "{what}: {other:.3} of other jobs labelled as a role, above the ceiling {}",
        floor.other_as_role
    );
}

#[test]
fn the_postings_as_written_keep_their_figures() {
    check(&[], &AS_WRITTEN, "as written");
}

#[test]
fn the_work_described_alone_keeps_its_figures() {
    check(&["--mask-roles"], &MASKED, "role names masked");
}
