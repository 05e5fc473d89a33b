#!/usr/bin/env bash
# Prints popm's accuracy figures on the labeled postings of ../shared/data (description only,
# title hidden): the headline eval (per source and per language, `other` included), the same on
# the work described alone (role names masked), and the leave-one-source-out calibration.
# Skips cleanly when the data is not there. Extra arguments go to every `popm eval`.
#
#   scripts/accuracy.sh                 # the three reports, as text
#   scripts/accuracy.sh --json          # the same as JSON, one document per report
#   POPM_DATA=DIR scripts/accuracy.sh   # another folder of labeled CSV files
set -euo pipefail
cd "$(dirname "$0")/.."
data="${POPM_DATA:-../shared/data}"
if ! ls "$data"/*.csv >/dev/null 2>&1; then
    echo "accuracy.sh: no labeled data in $data (it is optional); skipping" >&2
    exit 0
fi
cargo build --release --quiet
popm=./target/release/popm
eval_args=("$data"/*.csv --label-col label --ignore-cols title)

echo "== postings as written (targets: macro-F1 and coverage, other jobs labelled as a role)"
"$popm" eval "${eval_args[@]}" "$@"
echo
echo "== the work described alone: role names masked (--mask-roles)"
"$popm" eval "${eval_args[@]}" --mask-roles "$@"
echo
echo "== calibration, leave-one-source-out (--calibrate)"
"$popm" eval "${eval_args[@]}" --calibrate "$@" | sed -n '/^calibration/,$p'
