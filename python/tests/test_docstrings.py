"""Every docstring example of the package runs and shows what it says; every public
function, class and method has one."""

import doctest
import inspect

import pytest

import popm
import popm.frame

PUBLIC = [popm.classify, popm.classify_many, popm.classify_frame, popm.default_classifier,
          popm.frame.evidence_arrow_type, popm.Lexicon, popm.Classifier, popm.Result, popm.Evidence,
          popm.Match, popm._popm.find_columns, popm._popm.kept_column_names]


def members(obj):
    yield obj
    if inspect.isclass(obj):
        for name, member in vars(obj).items():
            if not name.startswith("_") and name != "classify_arrow":
                yield getattr(obj, name)


def examples():
    finder = doctest.DocTestFinder(recurse=False)
    seen = [popm]
    for obj in PUBLIC:
        seen.extend(members(obj))
    for obj in seen:
        for test in finder.find(obj, name=getattr(obj, "__qualname__", getattr(obj, "__name__", "popm")),
                                globs={"popm": popm}):
            if test.examples:
                yield test


@pytest.mark.parametrize("test", list(examples()), ids=lambda t: t.name)
def test_docstring_example(test):
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    result = runner.run(test, out=lambda s: pytest.fail(s))
    assert result.failed == 0


def test_every_public_callable_has_an_example():
    missing = []
    for obj in PUBLIC:
        doc = inspect.getdoc(obj) or ""
        if "Example::" not in doc:
            missing.append(getattr(obj, "__qualname__", repr(obj)))
    assert not missing, missing
