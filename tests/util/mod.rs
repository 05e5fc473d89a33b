//! Shared helpers for the integration tests, by purpose; everything is
//! re-exported here, so tests use `crate::util::Workdir` and the like.

mod evidence;
mod postings;
mod rss;
mod table;
mod workdir;

pub use evidence::assert_offsets;
pub use postings::{generate_postings, Kind};
pub use rss::run_measured;
pub use table::{parse_jsonl, parse_table, to_csv, Table, HEADER};
pub use workdir::{data, data_path, plumb, root, run_command, sample, Run, Workdir};
