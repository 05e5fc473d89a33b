"""Lexicons, classifiers with settings, errors and type errors."""

import pytest

import popm

PO = "You own the product backlog, write user stories and accept work against the definition of done."

EXTRA = """\
[[category]]
name = "ceremonies"
role = "po"
entries = [{ phrase = "refinement session", weight = 4 }]
"""


def test_version_and_lexicon_identity(cli):
    # The package's version and lexicon are the CLI's of the same checkout.
    assert cli("--version").strip() == f"popm {popm.__version__} (lexicon {popm.LEXICON})"
    assert popm.classify(PO).lexicon == popm.LEXICON
    lex = popm.Lexicon.embedded()
    assert popm.LEXICON == f"{lex.name}@{lex.version}#{lex.hash}"
    assert len(lex) > 100 and lex.is_calibrated


def test_a_lexicon_from_a_file_and_extended(tmp_path):
    path = tmp_path / "extra.toml"
    path.write_text(EXTRA)
    extra = popm.Lexicon.from_file(path)
    assert len(extra) == 1
    base = popm.Lexicon.embedded()
    for extended in (base.extended(extra), base.extended(str(path)), base.extended(path)):
        assert len(extended) == len(base) + 1
        assert not extended.is_calibrated
        r = popm.Classifier(extended).classify("We hold a refinement session every week.")
        assert [e.phrase for e in r.evidence] == ["refinement session"]
    assert popm.Classifier(extra).classify(PO).po_score == 0.0
    assert popm.Lexicon.parse(popm.Lexicon.default_text()).identity == popm.LEXICON


def test_a_bad_lexicon_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text(EXTRA.replace("weight = 4", "weight = 0"))
    with pytest.raises(popm.LexiconError, match=r"bad\.toml:4: .*weight"):
        popm.Lexicon.from_file(path)
    with pytest.raises(popm.LexiconError, match=r"mine:2: invalid lexicon"):
        popm.Lexicon.parse("[[category]]\nname = \n", source="mine")
    assert issubclass(popm.LexiconError, popm.PopmError) and issubclass(popm.PopmError, ValueError)
    with pytest.raises(OSError, match="cannot read lexicon .*missing.toml"):
        popm.Lexicon.from_file(tmp_path / "missing.toml")
    with pytest.raises(TypeError):
        popm.Lexicon.embedded().extended(42)


def test_classifier_settings_are_the_cli_flags(cli, tmp_path):
    text = "Own the backlog. Write user stories."
    path = tmp_path / "one.csv"
    path.write_text(f"description\n{text}\n")
    for kwargs, flags in [({}, []), ({"min_score": 1.0}, ["--min-score", "1"]),
                          ({"min_score": 50.0, "title_weight": 0.5}, ["--min-score", "50", "--title-weight", "0.5"])]:
        want = cli("classify", path, "--format", "jsonl", *flags)
        got = popm.Classifier(**kwargs).classify(text)
        assert f'"label":"{got.label}"' in want, (kwargs, want)
        assert f'"po_score":{got.po_score}' in want


def test_bad_settings_are_value_errors():
    with pytest.raises(ValueError, match="hybrid_margin must be between 0 and 1"):
        popm.Classifier(hybrid_margin=2.0)
    with pytest.raises(ValueError, match="min_score"):
        popm.Classifier(min_score=-1.0)
    # The same ranges as the CLI's flags (the library checks them for both).
    with pytest.raises(ValueError, match="repeat_decay must be at least 0 and below 1"):
        popm.Classifier(repeat_decay=1.0)
    assert popm.Classifier(repeat_decay=0.0).classify("backlog").label
    with pytest.raises(TypeError):
        popm.Classifier(lexicon="default")
    with pytest.raises(TypeError):
        popm.Classifier(popm.Lexicon.embedded(), 3.0)  # settings are keyword-only


def test_wrong_argument_types_are_type_errors():
    with pytest.raises(TypeError, match="text must be a str"):
        popm.classify(42)
    with pytest.raises(TypeError, match="title must be a str"):
        popm.classify(PO, title=b"Product Owner")
    with pytest.raises(TypeError):
        popm.classify_many([PO], threads="two")


def test_missing_text_is_unclear_with_a_note_never_a_crash():
    for missing in (None, float("nan")):
        r = popm.classify(missing, title="Product Owner")
        assert r.label == "unclear" and "None or NaN" in r.error
        assert r.evidence == [] and r.po_evidence is None
    assert popm.classify("").error is None


def test_result_fields_and_evidence_offsets():
    text = "<p>Über das Team: Sie verantworten das Product&nbsp;Backlog.</p> You work with the Product Manager."
    r = popm.classify(text, title="Product Owner")
    d = r.to_dict()
    assert list(d) == ["label", "confidence", "lean", "content_lean", "self_role", "mismatch", "language",
                       "po_score", "pm_score", "calibrated", "lexicon", "evidence", "error"]
    fields = {"text": text, "title": "Product Owner"}
    marks = set()
    for ev in r.evidence:
        assert ev.role in ("po", "pm") and ev.count == len(ev.matches)
        for m in ev.matches:
            assert fields[m.field][m.char_start:m.char_end] == m.text
            assert fields[m.field].encode()[m.start:m.end].decode() == m.text
            marks.add(m.mark)
    assert "colleague" in marks
    assert "product manager×1 (colleague)" in r.pm_evidence
    assert [e.to_dict() for e in r.evidence] == d["evidence"]
    assert repr(r).startswith("<popm.Result product_owner")


def test_classifier_is_shared_by_threads():
    from concurrent.futures import ThreadPoolExecutor

    clf = popm.Classifier()
    texts = [PO, "Own the roadmap and pricing."] * 20
    with ThreadPoolExecutor(4) as ex:
        got = list(ex.map(lambda t: clf.classify(t).to_dict(), texts))
    assert got == [clf.classify(t).to_dict() for t in texts]
