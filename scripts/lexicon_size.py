#!/usr/bin/env python3
"""How much of the gap between popm and the measuring stick is the size of the lexicon.

    scripts/lexicon_size.py [SIZE_MB] [RUNS]      (defaults: 100 MB, 7 runs)

The stick (../shared/peers/limit-rs, built at $STICK, default /tmp/stick) counts the 175
phrases of ../shared/peers/lexicon.tsv; popm's default lexicon has about ten times as many.
This script times four commands on one thread, in turn, RUNS rounds (each round starts one
command further down the list), with the output written to a file:

    limit_st with its own phrases
    limit_st with popm's phrases      every form of `popm lexicon show`, but the two prefix
                                      wildcards, which the stick cannot match
    popm classify -j 1                the default lexicon
    popm classify -j 1 with the stick's phrases
                                      lexicon/default.toml with its phrase categories replaced
                                      by the stick's phrases; the role names, context cues and
                                      section headings kept, as popm reads a posting with them

and prints a Markdown table: median wall and CPU time, and the wall time against the stick's
with its own phrases, measured in the same rounds. The corpus is made as scripts/scale.sh
makes it ($CORPUS_DIR/popm_postings_<N>mb.csv, CORPUS_DIR defaults to /tmp). POPM overrides
the binary.
"""

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / "shared" / "peers"


def fail(message):
    print(f"lexicon_size.py: {message}", file=sys.stderr)
    sys.exit(2)


def popm_phrases_for_the_stick(popm, out):
    """Writes the default lexicon's phrase forms in the stick's format; returns how many."""
    shown = subprocess.run([popm, "lexicon", "show"], check=True, capture_output=True, text=True)
    rows, seen = ["role\tweight\tphrase"], set()
    for line in shown.stdout.splitlines():
        fields = line.split("\t")
        if line.startswith("#") or len(fields) < 4 or fields[0] not in ("po", "pm"):
            continue
        role, weight, phrase = fields[0], fields[2], fields[3]
        phrase = re.sub(r"\s*\((role name|case-sensitive)\)", "", phrase)
        for form in (f.strip() for f in phrase.split(" | ")):
            if not form or "*" in form or form.lower() in seen:
                continue
            seen.add(form.lower())
            rows.append(f"{role.upper()}\t{max(1, round(abs(float(weight))))}\t{form}")
    out.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return len(rows) - 1


def stick_phrases_for_popm(out):
    """Writes lexicon/default.toml with the stick's phrases as its phrase categories; returns how many."""
    default = (ROOT / "lexicon" / "default.toml").read_text(encoding="utf-8")
    blocks = re.split(r"(?m)^(?=\[\[category\]\]|\[sections\.)", default)
    head, rest = blocks[0], blocks[1:]
    role_names = [b for b in rest if b.startswith("[[category]]") and 'kind = "role-name"' in b]
    sections = [b for b in rest if b.startswith("[sections.")]
    by_role, seen = {"po": [], "pm": []}, set()
    lines = (PEERS / "lexicon.tsv").read_text(encoding="utf-8").splitlines()[1:]
    for line in lines:
        if not line.strip():
            continue
        role, weight, phrase = line.split("\t")
        folded = re.sub(r"[-/ ]+", " ", phrase.lower())  # popm folds go-to-market to go to market
        if folded in seen:
            continue
        seen.add(folded)
        by_role[role.lower()].append((phrase, int(weight)))
    categories = ""
    for role, phrases in by_role.items():
        categories += f'[[category]]\nname = "stick-{role}"\nrole = "{role}"\n'
        categories += "about = \"The measuring stick's phrases.\"\nentries = [\n"
        categories += "".join(f"  {{ phrase = {json.dumps(p)}, weight = {w} }},\n" for p, w in phrases)
        categories += "]\n\n"
    out.write_text(head + "".join(role_names) + categories + "".join(sections), encoding="utf-8")
    return len(seen)


def timed(cmd):
    """Runs cmd with its output discarded; returns (wall, cpu) seconds."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        fail(f"failed (status {status}): {' '.join(map(str, cmd))}")
    return wall, usage.ru_utime + usage.ru_stime


def main():
    size_mb = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 7
    popm = os.environ.get("POPM", str(ROOT / "target" / "release" / "popm"))
    stick = Path(os.environ.get("STICK", "/tmp/stick")) / "target" / "release" / "limit_st"
    if not (PEERS / "lexicon.tsv").is_file():
        fail(f"needs the peers at {PEERS} (the stick's phrases); they are not there")
    if not stick.is_file():
        fail(f"needs the stick built at {stick} (see {PEERS}/README.md)")
    if not os.access(popm, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    data = Path(os.environ.get("POPM_DATA", ROOT.parent / "shared" / "data"))
    if not list(data.glob("*.csv")):
        fail(f"needs the postings of {data} for the corpus; they are not there")
    corpus = Path(os.environ.get("CORPUS_DIR", "/tmp")) / f"popm_postings_{size_mb}mb.csv"
    if not corpus.is_file() or corpus.stat().st_size == 0:
        subprocess.run([sys.executable, ROOT / "scripts" / "make_corpus.py", str(size_mb), corpus], check=True)

    tmp = Path(tempfile.mkdtemp(prefix="popm-lexicon-size-"))
    try:
        popm_tsv, stick_toml = tmp / "popm_phrases.tsv", tmp / "stick_phrases.toml"
        n_popm = popm_phrases_for_the_stick(popm, popm_tsv)
        n_stick = stick_phrases_for_popm(stick_toml)
        subprocess.run([popm, "lexicon", "check", stick_toml], check=True, stdout=subprocess.DEVNULL)
        commands = [
            ("`limit_st`, its 175 phrases", [stick, PEERS / "lexicon.tsv", corpus, tmp / "a.csv"]),
            (f"`limit_st`, popm's {n_popm} phrase forms", [stick, popm_tsv, corpus, tmp / "b.csv"]),
            ("`popm classify -j 1`, the default lexicon", [popm, "classify", "-q", "-j", "1", corpus, "-o", tmp / "c.csv"]),
            (
                f"`popm classify -j 1`, the stick's {n_stick} phrases",
                [popm, "classify", "-q", "-j", "1", "--lexicon", stick_toml, corpus, "-o", tmp / "d.csv"],
            ),
        ]
        walls, cpus = [[] for _ in commands], [[] for _ in commands]
        with open(corpus, "rb") as warm:  # the page cache, once
            while warm.read(1 << 24):
                pass
        for r in range(runs):
            for k in range(len(commands)):
                i = (k + r) % len(commands)
                wall, cpu = timed(commands[i][1])
                walls[i].append(wall)
                cpus[i].append(cpu)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    base = statistics.median(walls[0])
    print(f"corpus: scripts/make_corpus.py {size_mb} ({corpus.stat().st_size} bytes); median of {runs} runs")
    print()
    print("| command | wall | CPU | wall against `limit_st` with its own phrases |")
    print("| --- | --- | --- | --- |")
    for (name, _), w, c in zip(commands, walls, cpus):
        wall = statistics.median(w)
        print(f"| {name} | {wall:.3f} s | {statistics.median(c):.3f} s | {wall / base:.2f}× |")


if __name__ == "__main__":
    main()
