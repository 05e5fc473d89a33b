"""classify_many: equal to one-by-one calls, in order, for any thread count; the GIL
is released while postings are classified; memory stays bounded on a long stream."""

import json
import subprocess
import sys
import threading

import pytest

import popm

PO = "You own the product backlog, write user stories and accept work against the definition of done."
PM = "You own the product strategy and roadmap, run market research and set pricing."
TEXTS = [PO, PM, "", "We need a forklift driver for the night shift.", f"{PO} {PM}",
         "<p>Ihr Profil: Sie verantworten das Product&nbsp;Backlog und schreiben User Stories.</p>"]
TITLES = ["Product Owner", "Product Manager", None, "Driver", "Product Owner / Product Manager", ""]


def texts(n):
    """n postings cycling through TEXTS, each a little different."""
    return [f"{TEXTS[i % len(TEXTS)]} Team {i}." for i in range(n)]


def test_equals_serial_calls_for_any_thread_count():
    batch = texts(50)
    titles = [TITLES[i % len(TITLES)] for i in range(50)]
    serial = [popm.classify(t, title=ti).to_dict() for t, ti in zip(batch, titles)]
    for threads in (None, 1, 3):
        got = popm.classify_many(batch, titles, threads=threads)
        assert [r.to_dict() for r in got] == serial


def test_order_is_kept_across_batches():
    n = popm.BATCH_ROWS * 2 + 7
    batch = [PO if i % 3 else PM for i in range(n)]
    labels = [r.label for r in popm.classify_many(batch, threads=2)]
    assert labels == ["product_owner" if i % 3 else "product_manager" for i in range(n)]


def test_takes_any_iterable_and_missing_texts():
    gen = (t for t in [PO, None, float("nan"), PM])
    got = popm.classify_many(gen)
    assert [r.label for r in got] == ["product_owner", "unclear", "unclear", "product_manager"]
    assert got[1].error and "None or NaN" in got[1].error and got[0].error is None
    assert popm.classify_many([]) == []


def test_titles_must_match_texts():
    with pytest.raises(ValueError, match="one title per text"):
        popm.classify_many([PO, PM], ["Product Owner"])
    with pytest.raises(ValueError, match="one title per text"):
        popm.classify_many([PO], ["Product Owner", "Product Manager"])


def test_wrong_types_are_type_errors():
    with pytest.raises(TypeError, match=r"texts\[1\] must be a str"):
        popm.classify_many([PO, 42])
    with pytest.raises(TypeError, match="not one str"):
        popm.classify_many(PO)
    with pytest.raises(TypeError):
        popm.classify_many(17)


def test_the_gil_is_released_while_classifying():
    """Two Python threads classify at once. With a switch interval longer than the
    test, the main thread gives up the GIL only where popm releases it: a count
    kept by the other thread can then only move while the main thread is inside
    classify_many if classify_many released the GIL. (The second batch is read
    while the first is classified; the wait for the first comes before the
    third batch is read.)"""
    ticks = [0]
    started = threading.Event()
    stop = threading.Event()

    def other_thread():
        started.set()
        while not stop.is_set():
            popm.classify(PO, title="Product Owner")  # releases the GIL too
            ticks[0] += 1

    seen = []

    def batch():
        for i in range(3 * popm.BATCH_ROWS):
            if i in (0, 2 * popm.BATCH_ROWS):  # first item of the first and third batch
                seen.append(ticks[0])
            yield f"{PO} {PM} {PO}"

    old = sys.getswitchinterval()
    t = threading.Thread(target=other_thread)
    moved = False
    try:
        sys.setswitchinterval(60.0)
        t.start()
        started.wait()
        for _ in range(5):
            seen.clear()
            popm.classify_many(batch(), threads=2)
            if seen[1] > seen[0]:
                moved = True
                break
    finally:
        stop.set()
        sys.setswitchinterval(old)
        t.join()
    assert moved, f"the other thread never ran while classify_many worked: {seen}"


def test_a_large_batch_keeps_memory_bounded():
    """24 MB of texts in a list: the workers read one batch's copy at a time
    (BATCH_BYTES) and the results refer to the caller's str objects, so the
    peak memory grows by far less than the texts."""
    code = r"""
import json, resource, popm
def peak(): return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
filler = "lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 700  # 40 KB
texts = [filler + str(i) for i in range(600)]
popm.classify("warm up")
before = peak()
results = popm.classify_many(texts)
print(json.dumps({"rows": len(results), "text_bytes": sum(map(len, texts)),
                  "grew": peak() - before, "batch": popm.BATCH_BYTES}))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    m = json.loads(out.stdout)
    assert m["rows"] == 600
    assert m["grew"] < m["batch"] + m["text_bytes"] / 4, m
