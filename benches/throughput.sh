#!/usr/bin/env bash
# Times popm against the peers on one postings CSV, alternating the commands;
# or sweeps popm over input sizes and thread counts and draws the plot.
#
#   benches/throughput.sh [SIZE_MB] [RUNS]     peer table (defaults: 100 MB, 5 runs)
#   benches/throughput.sh --sweep [RUNS]       size x threads sweep (default 3 runs)
#
# The corpus is made once per size by scripts/make_corpus.py (deterministic;
# smaller sizes are prefixes of larger ones) in $CORPUS_DIR (default /tmp):
# $CORPUS_DIR/popm_postings_<N>mb.csv from the real postings of ../shared/data
# when it is present (POPM_DATA overrides the folder), else
# $CORPUS_DIR/popm_synthetic_<N>mb.csv made from samples/postings.csv.
#
# Peer table: each round runs every command once, in turn (the machine is
# noisy: compare only figures from the same run), and each round starts one
# command further down the list, so no command is always the one that runs
# first (after the previous round's last). Printed: median wall time,
# MB/s, peak RSS (largest of the runs), and the time ratio to popm on its
# default threads. A command that fails is reported on stderr and marked
# "failed" in the table.
# Peers, each run only when present (the ones left out are named on stderr):
# ripgrep (rg), xsv, the measuring stick built at $STICK (default /tmp/stick),
# the Python peers of ../shared/peers with the virtualenv at $PEERS_VENV
# (default ../shared/peers-venv, ./peers-venv or /tmp/peers-venv). SKIP is an
# extended regexp of command names to leave out (e.g. SKIP='pandas|flashtext'
# on 1 GB). POPM overrides the binary (default target/release/popm).
#
# Sweep: popm classify -q -j J on SIZES (default "10 30 100 300 1000" MB) for
# J in THREADS (default "1 2 0", 0 = popm's default: one per core), RUNS
# rounds (BIG_RUNS, default RUNS, for sizes of 1000 MB and more), each round
# starting one thread count further down the list; wall time
# and peak RSS of every run go to $SWEEP_CSV (default
# $CORPUS_DIR/popm_sweep.csv), then scripts/plot_benchmarks.py draws
# benches/throughput.png (matplotlib, from $PEERS_VENV when it has it).
# SWEEP_APPEND=1 adds the runs to an existing $SWEEP_CSV (e.g. a second
# call with other SIZES or RUNS); SWEEP_PLOT_ONLY=1 only redraws the plot.
set -euo pipefail

cd "$(dirname "$0")/.."
SWEEP=0
if [ "${1:-}" = --sweep ]; then
    SWEEP=1
    shift
    RUNS=${1:-3}
else
    SIZE_MB=${1:-100}
    RUNS=${2:-5}
fi
POPM=${POPM:-target/release/popm}
STICK=${STICK:-/tmp/stick}
SHARED=../shared
PEERS=$SHARED/peers
CORPUS_DIR=${CORPUS_DIR:-/tmp}
SKIP=${SKIP:-}
TIMEFMT="%e %M"

[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 2; }
if [ ! -x "$POPM" ]; then
    [ "$POPM" = target/release/popm ] || { echo "POPM=$POPM is not an executable" >&2; exit 2; }
    cargo build --release --quiet
fi

# The venv of the Python peers (and of matplotlib for the plot).
VENV=${PEERS_VENV:-}
if [ -n "$VENV" ] && [ ! -x "$VENV/bin/python" ]; then
    echo "PEERS_VENV=$VENV has no bin/python; looking elsewhere" >&2
    VENV=
fi
for v in "$SHARED/peers-venv" ./peers-venv /tmp/peers-venv; do
    if [ -z "$VENV" ] && [ -x "$v/bin/python" ]; then VENV=$v; fi
done

# has_data: whether make_corpus.py will draw on real postings.
has_data() { ls "${POPM_DATA:-$SHARED/data}"/*.csv >/dev/null 2>&1; }

# corpus SIZE_MB: prints the path of the corpus of that size, making it once.
corpus() {
    local mb=$1 path
    if has_data; then
        path=$CORPUS_DIR/popm_postings_${mb}mb.csv
    else
        path=$CORPUS_DIR/popm_synthetic_${mb}mb.csv
    fi
    [ -s "$path" ] || python3 scripts/make_corpus.py "$mb" "$path" >&2
    echo "$path"
}
# kind: what the corpora hold.
kind() {
    if has_data; then echo "real postings"; else echo "synthetic postings"; fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ "$SWEEP" = 1 ]; then
    SIZES=${SIZES:-10 30 100 300 1000}
    THREADS=${THREADS:-1 2 0}
    SWEEP_CSV=${SWEEP_CSV:-$CORPUS_DIR/popm_sweep.csv}
    PLOT=${PLOT:-benches/throughput.png}
    if [ "${SWEEP_PLOT_ONLY:-0}" != 1 ]; then
        if [ "${SWEEP_APPEND:-0}" = 1 ] && [ -s "$SWEEP_CSV" ]; then
            cp "$SWEEP_CSV" "$SWEEP_CSV.part"
        else
            echo "size_mb,bytes,threads,cores,run,wall_s,max_rss_kb" >"$SWEEP_CSV.part"
        fi
        for mb in $SIZES; do
            c=$(corpus "$mb")
            bytes=$(stat -c %s "$c")
            cat "$c" >/dev/null # warm the page cache once
            n=$RUNS
            [ "$mb" -lt 1000 ] || n=${BIG_RUNS:-$RUNS}
            read -ra threads <<<"$THREADS"
            for ((r = 1; r <= n; r++)); do
                for ((k = 0; k < ${#threads[@]}; k++)); do
                    j=${threads[$(((k + r - 1) % ${#threads[@]}))]}
                    if ! /usr/bin/time -o "$tmp/t" -f "$TIMEFMT" \
                        "$POPM" classify -q -j "$j" "$c" >/dev/null 2>"$tmp/err"; then
                        echo "failed: $POPM classify -q -j $j $c" >&2
                        cat "$tmp/err" >&2
                        continue
                    fi
                    read -r wall rss < <(tail -1 "$tmp/t")
                    echo "$mb,$bytes,$j,$(nproc),$r,$wall,$rss" >>"$SWEEP_CSV.part"
                    echo "sweep: ${mb} MB -j $j run $r: ${wall} s, ${rss} KB" >&2
                done
            done
        done
        mv "$SWEEP_CSV.part" "$SWEEP_CSV"
    fi
    PY=python3
    if [ -n "$VENV" ] && "$VENV/bin/python" -c 'import matplotlib' 2>/dev/null; then
        PY=$VENV/bin/python
    fi
    "$PY" scripts/plot_benchmarks.py "$SWEEP_CSV" "$PLOT" \
        --title "popm classify -q, corpora of $(kind) (scripts/make_corpus.py), $(nproc) cores"
    exit 0
fi

CORPUS=$(corpus "$SIZE_MB")
SOURCE="scripts/make_corpus.py $SIZE_MB, $(kind)"
BYTES=$(stat -c %s "$CORPUS")

names=()
cmds=()
add() {
    if [ -n "$SKIP" ] && [[ $1 =~ $SKIP ]]; then
        echo "skipped (SKIP): $1" >&2
        return 0
    fi
    names+=("$1")
    cmds+=("$2")
}
add "popm classify (default -j)" "$POPM classify -q '$CORPUS'"
add "popm classify -j 1" "$POPM classify -q -j 1 '$CORPUS'"
add "popm classify -j 2" "$POPM classify -q -j 2 '$CORPUS'"
add "popm classify --format jsonl" "$POPM classify -q --format jsonl '$CORPUS'"
add "cat > /dev/null" "cat '$CORPUS'"
if command -v xsv >/dev/null; then
    add "xsv count" "xsv count '$CORPUS'"
    add "xsv select description" "xsv select description '$CORPUS'"
else
    echo "left out: xsv (cargo install xsv --locked)" >&2
fi
if [ -x "$STICK/target/release/limit_st" ] && [ -f "$PEERS/lexicon.tsv" ]; then
    add "stick limit_st (1 thread)" "$STICK/target/release/limit_st $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
    add "stick limit_par (rayon)" "$STICK/target/release/limit_par $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
else
    echo "left out: the stick (not built at $STICK/target/release; see ../shared/peers/README.md)" >&2
fi
if command -v rg >/dev/null && [ -f "$PEERS/phrases.txt" ]; then
    add "rg -c -i -w -F -f phrases.txt" "rg -c -i -w -F -f $PEERS/phrases.txt '$CORPUS'"
else
    echo "left out: ripgrep (apt-get install ripgrep)" >&2
fi
if [ -n "$VENV" ]; then
    # peer script, then the module it needs
    for p in hyperscan:hyperscan pyahocorasick:ahocorasick flashtext:flashtext pandas:pandas; do
        peer=${p%%:*} module=${p#*:}
        [ -f "$PEERS/peer_$peer.py" ] || continue
        if "$VENV/bin/python" -c "import $module" 2>/dev/null; then
            add "python peer_$peer" "$VENV/bin/python $PEERS/peer_$peer.py $PEERS/lexicon.tsv '$CORPUS' /dev/stdout"
        else
            echo "left out: peer_$peer ($VENV/bin/pip install $peer)" >&2
        fi
    done
else
    echo "left out: the Python peers (no venv; set PEERS_VENV, see ../shared/peers/README.md)" >&2
fi

cat "$CORPUS" >/dev/null # warm the page cache once
for ((r = 1; r <= RUNS; r++)); do
    for ((k = 0; k < ${#cmds[@]}; k++)); do
        i=$(((k + r - 1) % ${#cmds[@]}))
        if /usr/bin/time -o "$tmp/t" -f "$TIMEFMT" bash -c "${cmds[$i]}" >/dev/null 2>"$tmp/err"; then
            tail -1 "$tmp/t" >>"$tmp/$i"
        else
            echo "failed: ${cmds[$i]}" >&2
            cat "$tmp/err" >&2
            touch "$tmp/$i.failed"
        fi
    done
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
echo "corpus: $CORPUS ($SOURCE), $BYTES bytes; $RUNS alternating runs; $(nproc) cores; load average at the end $load"
echo
echo "| command | median wall | MB/s | peak RSS | time ratio to popm |"
echo "| --- | --- | --- | --- | --- |"
median() { sort -g "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
base=0
[ -s "$tmp/0" ] && base=$(median "$tmp/0")
for i in "${!cmds[@]}"; do
    if [ ! -s "$tmp/$i" ]; then
        echo "| \`${names[$i]}\` | failed | - | - | - |"
        continue
    fi
    med=$(median "$tmp/$i")
    rss=$(awk '$2 > m {m = $2} END {print m}' "$tmp/$i")
    note=""
    [ -e "$tmp/$i.failed" ] && note=" (some runs failed)"
    awk -v n="${names[$i]}" -v t="$med" -v r="$rss" -v b="$BYTES" -v base="$base" -v note="$note" 'BEGIN {
        rate = (t > 0) ? b / 1e6 / t : 0;
        mbs = (t > 0) ? sprintf((rate < 100) ? "%.1f" : "%.0f", rate) : "-";
        ratio = (base > 0) ? sprintf("%.2f", t / base) : "-";
        printf "| `%s`%s | %.3f s | %s | %.1f MB | %s |\n", n, note, t, mbs, r / 1024, ratio }'
done
