#!/usr/bin/env bash
# How popm scales with threads on this machine: one table, one row per thread count.
#
#   scripts/scale.sh [SIZE_MB] [RUNS]      (defaults: 100 MB, 3 runs)
#
# Builds the release binary when needed and the corpus once with scripts/make_corpus.py
# ($CORPUS_DIR/popm_postings_<N>mb.csv from ../shared/data when it is there, else
# $CORPUS_DIR/popm_synthetic_<N>mb.csv from samples/; CORPUS_DIR defaults to /tmp). Then it
# times, RUNS rounds each, every command in turn (each round starts one command further down
# the list, so none always runs first), with the output written to a file as a user would:
#
#   popm classify -j N          for N = 1, 2, 4, 8 … up to nproc (and nproc itself)
#   popm classify -j nproc --format jsonl
#   the measuring stick limit_st / limit_par, when built at $STICK (default /tmp/stick;
#   see ../shared/peers/README.md), and rg -c -i -w -F -f phrases.txt when rg is installed
#
# and prints a Markdown table: median wall time, MB/s, peak RSS (largest run), and the
# speed-up over `-j 1` measured in the same run. POPM overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_MB=${1:-100}
RUNS=${2:-3}
POPM=${POPM:-target/release/popm}
STICK=${STICK:-/tmp/stick}
PEERS=../shared/peers
CORPUS_DIR=${CORPUS_DIR:-/tmp}

[ -x /usr/bin/time ] || { echo "scale.sh needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -x "$POPM" ]; then
    [ "$POPM" = target/release/popm ] || { echo "POPM=$POPM is not an executable" >&2; exit 2; }
    cargo build --release --quiet
fi

if ls "${POPM_DATA:-../shared/data}"/*.csv >/dev/null 2>&1; then
    corpus=$CORPUS_DIR/popm_postings_${SIZE_MB}mb.csv
    kind="real postings"
else
    corpus=$CORPUS_DIR/popm_synthetic_${SIZE_MB}mb.csv
    kind="synthetic postings"
fi
[ -s "$corpus" ] || python3 scripts/make_corpus.py "$SIZE_MB" "$corpus" >&2
bytes=$(stat -c %s "$corpus")
cores=$(nproc)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

names=()
cmds=()
add() {
    names+=("$1")
    cmds+=("$2")
}
threads=()
for ((j = 1; j < cores; j *= 2)); do threads+=("$j"); done
threads+=("$cores")
for j in "${threads[@]}"; do
    add "\`-j $j\`" "$POPM classify -q -j $j '$corpus' -o $tmp/out.csv"
done
add "\`-j $cores --format jsonl\`" "$POPM classify -q -j $cores --format jsonl '$corpus' -o $tmp/out.jsonl"
if [ -x "$STICK/target/release/limit_st" ] && [ -f "$PEERS/lexicon.tsv" ]; then
    add "stick \`limit_st\`" "$STICK/target/release/limit_st $PEERS/lexicon.tsv '$corpus' $tmp/stick.csv"
    add "stick \`limit_par\`" "$STICK/target/release/limit_par $PEERS/lexicon.tsv '$corpus' $tmp/stick.csv"
else
    echo "left out: the stick (not built at $STICK/target/release; see ../shared/peers/README.md)" >&2
fi
if command -v rg >/dev/null && [ -f "$PEERS/phrases.txt" ]; then
    add "\`rg -c -i -w -F -f phrases.txt\`" "rg -c -i -w -F -f $PEERS/phrases.txt '$corpus' > $tmp/rg.txt"
else
    echo "left out: ripgrep (apt-get install ripgrep)" >&2
fi

cat "$corpus" >/dev/null # warm the page cache once
for ((r = 1; r <= RUNS; r++)); do
    for ((k = 0; k < ${#cmds[@]}; k++)); do
        i=$(((k + r - 1) % ${#cmds[@]}))
        if /usr/bin/time -o "$tmp/t" -f "%e %M" bash -c "${cmds[$i]}" 2>"$tmp/err"; then
            tail -1 "$tmp/t" >>"$tmp/$i"
        else
            echo "failed: ${cmds[$i]}" >&2
            cat "$tmp/err" >&2
        fi
    done
done

# median FILE: the median wall time of the runs recorded in FILE.
median() { cut -d' ' -f1 "$1" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
base=$(median "$tmp/0")

echo "corpus: scripts/make_corpus.py $SIZE_MB ($kind, $bytes bytes); $cores cores; median of $RUNS runs"
echo
echo "| command | wall | MB/s | peak RSS | speed-up over \`-j 1\` |"
echo "| --- | --- | --- | --- | --- |"
for ((i = 0; i < ${#cmds[@]}; i++)); do
    if [ ! -s "$tmp/$i" ]; then
        echo "| ${names[$i]} | failed | | | |"
        continue
    fi
    wall=$(median "$tmp/$i")
    rss=$(cut -d' ' -f2 "$tmp/$i" | sort -g | tail -1)
    awk -v n="${names[$i]}" -v w="$wall" -v b="$bytes" -v r="$rss" -v base="$base" 'BEGIN {
        printf "| %s | %.2f s | %.0f | %.1f MB | %.2f× |\n", n, w, b / 1e6 / w, r / 1024, base / w
    }'
done
