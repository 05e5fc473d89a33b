#!/usr/bin/env bash
# Prints popm's accuracy on the labeled postings of ../shared/data (description only, title
# hidden), overall and per source. Skips cleanly when the data is not there.
set -euo pipefail
cd "$(dirname "$0")/.."
data="${POPM_DATA:-../shared/data}"
if ! ls "$data"/*.csv >/dev/null 2>&1; then
    echo "accuracy.sh: no labeled data in $data; skipping" >&2
    exit 0
fi
cargo build --release --quiet
./target/release/popm eval "$data"/*.csv --label-col label --ignore-cols title "$@"
