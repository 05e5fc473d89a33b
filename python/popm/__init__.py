"""popm: does a job posting lean Product Owner or Product Manager? With evidence.

The Python face of the popm library (https://github.com/popm): the same
lexicon, scores, labels and evidence as ``popm classify``, one call away.

Example::

    >>> import popm
    >>> r = popm.classify("You own the product backlog, write user stories and run "
    ...                   "sprint planning with the team.", title="Product Owner")
    >>> r.label
    'product_owner'
    >>> [e.phrase for e in r.evidence][:2]
    ['product owner', 'product backlog']

``classify_many`` runs a batch in parallel (the GIL released), and
``classify_frame`` classifies a pandas or Polars frame into a frame with the
columns of the CLI's CSV output.
"""

from __future__ import annotations

import threading
from typing import Iterable, List, Optional

from popm._popm import (
    BATCH_BYTES,
    BATCH_ROWS,
    OUTPUT_COLUMNS,
    Classifier,
    Evidence,
    Lexicon,
    LexiconError,
    Match,
    PopmError,
    Result,
    __version__,
)
from popm.frame import classify_frame

__all__ = [
    "BATCH_BYTES",
    "BATCH_ROWS",
    "LEXICON",
    "OUTPUT_COLUMNS",
    "Classifier",
    "Evidence",
    "Lexicon",
    "LexiconError",
    "Match",
    "PopmError",
    "Result",
    "__version__",
    "classify",
    "classify_frame",
    "classify_many",
    "default_classifier",
]

#: The embedded lexicon's identity (``name@version#hash``), as in the ``lexicon`` field of results.
LEXICON: str = Lexicon.embedded().identity

_default: Optional[Classifier] = None
_default_lock = threading.Lock()


def default_classifier() -> Classifier:
    """The classifier of the embedded lexicon with default settings, built once.

    Example::

        >>> popm.default_classifier().lexicon.identity == popm.LEXICON
        True
    """
    global _default
    with _default_lock:
        if _default is None:
            _default = Classifier()
        return _default


def classify(text: Optional[str], title: Optional[str] = None) -> Result:
    """Classifies one posting with the embedded lexicon.

    ``text`` is the description (HTML, Markdown or plain); ``title`` the job
    title, when there is one. ``None`` or NaN as text gives an ``unclear``
    result whose ``error`` says so; any other non-``str`` raises ``TypeError``.

    Example::

        >>> popm.classify("You own the roadmap, pricing and market research.").label
        'product_manager'
    """
    return default_classifier().classify(text, title)


def classify_many(
    texts: Iterable[Optional[str]],
    titles: Optional[Iterable[Optional[str]]] = None,
    threads: Optional[int] = None,
) -> List[Result]:
    """Classifies many postings in parallel with the embedded lexicon, in order.

    The GIL is released while postings are classified; ``threads`` sets the
    worker count (default: one per core). The results equal calling
    ``classify`` on each posting in turn.

    Example::

        >>> [r.label for r in popm.classify_many(
        ...     ["Own the product backlog, write user stories and run sprint planning.",
        ...      "We need a forklift driver."])]
        ['product_owner', 'unclear']
    """
    return default_classifier().classify_many(texts, titles, threads)
