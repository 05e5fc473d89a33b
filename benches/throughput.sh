#!/usr/bin/env bash
# Times popm against the peers on one postings CSV, alternating the commands.
#
#   benches/throughput.sh [SIZE_MB] [RUNS]        (defaults: 100 MB, 5 runs)
#
# The corpus is deterministic: ../shared/peers/make_corpus.py (real postings)
# when ../shared is present, else the rows of samples/postings.csv repeated
# with fresh ids. It is written to $CORPUS_DIR (default /tmp) once per size.
# Each round runs every command once, in turn (the machine is noisy: compare
# only figures from the same run). Printed: median wall time, MB/s, peak RSS
# (largest of the runs), and the time ratio to popm on its default threads.
#
# Peers, each run only when present: ripgrep (rg), xsv, the measuring stick
# built at $STICK (default /tmp/stick), the Python peers of ../shared/peers
# with the virtualenv at $PEERS_VENV (default ../shared/peers-venv, or
# ./peers-venv). POPM overrides the binary (default target/release/popm).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZE_MB=${1:-100}
RUNS=${2:-5}
POPM=${POPM:-target/release/popm}
STICK=${STICK:-/tmp/stick}
SHARED=../shared
PEERS=$SHARED/peers
CORPUS_DIR=${CORPUS_DIR:-/tmp}
TIMEFMT="%e %M"

[ -x "$POPM" ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }

if [ -f "$PEERS/make_corpus.py" ] && [ -d "$SHARED/data" ]; then
    CORPUS=$CORPUS_DIR/popm_postings_${SIZE_MB}mb.csv
    [ -s "$CORPUS" ] || python3 "$PEERS/make_corpus.py" "$SIZE_MB" "$CORPUS" >&2
    SOURCE="../shared/peers/make_corpus.py $SIZE_MB"
else
    CORPUS=$CORPUS_DIR/popm_samples_${SIZE_MB}mb.csv
    if [ ! -s "$CORPUS" ]; then
        python3 - "$SIZE_MB" "$CORPUS" <<'PY'
import csv, sys
size = float(sys.argv[1]) * 1e6
rows = list(csv.reader(open("samples/postings.csv", newline="", encoding="utf-8")))
header, body = rows[0], rows[1:]
with open(sys.argv[2], "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f, lineterminator="\n")
    w.writerow(header)
    i = 0
    while f.tell() < size:
        r = list(body[i % len(body)])
        r[0] = f"s{i + 1}"
        w.writerow(r)
        i += 1
PY
    fi
    SOURCE="samples/postings.csv repeated"
fi
BYTES=$(stat -c %s "$CORPUS")

names=()
cmds=()
add() { names+=("$1"); cmds+=("$2"); }
add "popm classify (default -j)" "$POPM classify -q '$CORPUS'"
add "popm classify -j 1" "$POPM classify -q -j 1 '$CORPUS'"
add "popm classify -j 2" "$POPM classify -q -j 2 '$CORPUS'"
add "popm classify --format jsonl" "$POPM classify -q --format jsonl '$CORPUS'"
add "cat > /dev/null" "cat '$CORPUS'"
if command -v xsv >/dev/null; then
    add "xsv count" "xsv count '$CORPUS'"
    add "xsv select description" "xsv select description '$CORPUS'"
fi
if [ -x "$STICK/target/release/limit_st" ] && [ -f "$PEERS/lexicon.tsv" ]; then
    add "stick limit_st (1 thread)" "$STICK/target/release/limit_st $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
    add "stick limit_par (rayon)" "$STICK/target/release/limit_par $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
fi
if command -v rg >/dev/null && [ -f "$PEERS/phrases.txt" ]; then
    add "rg -c -i -w -F -f phrases.txt" "rg -c -i -w -F -f $PEERS/phrases.txt '$CORPUS'"
fi
VENV=${PEERS_VENV:-}
for v in "$SHARED/peers-venv" ./peers-venv; do
    [ -z "$VENV" ] && [ -x "$v/bin/python" ] && VENV=$v
done
if [ -n "$VENV" ]; then
    for p in hyperscan pyahocorasick flashtext pandas; do
        [ -f "$PEERS/peer_$p.py" ] &&
            add "python peer_$p" "$VENV/bin/python $PEERS/peer_$p.py $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
    done
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for ((r = 1; r <= RUNS; r++)); do
    for i in "${!cmds[@]}"; do
        /usr/bin/time -o "$tmp/t" -f "$TIMEFMT" bash -c "${cmds[$i]}" >/dev/null 2>"$tmp/err" ||
            { echo "failed: ${cmds[$i]}" >&2; cat "$tmp/err" >&2; }
        tail -1 "$tmp/t" >>"$tmp/$i"
    done
done

echo "corpus: $CORPUS ($SOURCE), $BYTES bytes; $RUNS alternating runs; $(nproc) cores"
echo
echo "| command | median wall | MB/s | peak RSS | time ratio to popm |"
echo "| --- | --- | --- | --- | --- |"
base=$(sort -g "$tmp/0" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
for i in "${!cmds[@]}"; do
    med=$(sort -g "$tmp/$i" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    rss=$(awk '$2 > m {m = $2} END {print m}' "$tmp/$i")
    awk -v n="${names[$i]}" -v t="$med" -v r="$rss" -v b="$BYTES" -v base="$base" 'BEGIN {
        mbs = (t > 0) ? sprintf(b / 1e6 / t < 100 ? "%.1f" : "%.0f", b / 1e6 / t) : "-";
        ratio = (base > 0) ? sprintf("%.2f", t / base) : "-";
        printf "| `%s` | %.3f s | %s | %.1f MB | %s |\n", n, t, mbs, r / 1024, ratio }'
done
