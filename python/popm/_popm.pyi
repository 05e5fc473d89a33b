"""Type stubs of popm's native module (popm._popm); import from ``popm``."""

import os
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

__version__: str
BATCH_ROWS: int
BATCH_BYTES: int
OUTPUT_COLUMNS: List[str]

class PopmError(ValueError):
    """An error from popm: what was wrong, where, and what to do."""

class LexiconError(PopmError):
    """A lexicon that could not be read or holds an invalid entry (names the file and line)."""

class Lexicon:
    """The phrases popm looks for, with their roles, weights and categories (immutable)."""

    @staticmethod
    def embedded() -> Lexicon: ...
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Lexicon: ...
    @staticmethod
    def parse(text: str, source: str = "<string>") -> Lexicon: ...
    @staticmethod
    def default_text() -> str: ...
    def extended(self, other: Union[Lexicon, str, os.PathLike[str]]) -> Lexicon: ...
    @property
    def name(self) -> str: ...
    @property
    def version(self) -> str: ...
    @property
    def hash(self) -> str: ...
    @property
    def identity(self) -> str: ...
    @property
    def is_calibrated(self) -> bool: ...
    def __len__(self) -> int: ...

class Match:
    """One match of an evidence phrase, with its place in the original text."""

    field: str
    text: str
    start: int
    end: int
    char_start: int
    char_end: int
    snippet: str
    mark: str
    def to_dict(self) -> Dict[str, Any]: ...

class Evidence:
    """One matched phrase of a result: its role, weight, what it added, and its matches."""

    phrase: str
    role: str
    category: str
    weight: float
    count: int
    counted: int
    contribution: float
    credit_other: float
    matches: List[Match]
    def to_dict(self) -> Dict[str, Any]: ...

class Result:
    """One classified posting: the fields of a ``popm classify --format jsonl`` row."""

    @property
    def label(self) -> str: ...
    @property
    def confidence(self) -> float: ...
    @property
    def lean(self) -> float: ...
    @property
    def content_lean(self) -> float: ...
    @property
    def self_role(self) -> Optional[str]: ...
    @property
    def mismatch(self) -> bool: ...
    @property
    def language(self) -> str: ...
    @property
    def po_score(self) -> float: ...
    @property
    def pm_score(self) -> float: ...
    @property
    def calibrated(self) -> bool: ...
    @property
    def po_evidence(self) -> Optional[str]: ...
    @property
    def pm_evidence(self) -> Optional[str]: ...
    @property
    def evidence(self) -> List[Evidence]: ...
    @property
    def error(self) -> Optional[str]: ...
    @property
    def lexicon(self) -> str: ...
    def to_dict(self) -> Dict[str, Any]: ...

class Classifier:
    """A compiled lexicon with its thresholds; thread-safe."""

    def __init__(
        self,
        lexicon: Optional[Lexicon] = None,
        *,
        min_score: Optional[float] = None,
        hybrid_min: Optional[float] = None,
        hybrid_margin: Optional[float] = None,
        strong_score: Optional[float] = None,
        min_score_unnamed: Optional[float] = None,
        self_boost: Optional[float] = None,
        title_weight: Optional[float] = None,
        colleague_credit: Optional[float] = None,
        repeat_decay: Optional[float] = None,
    ) -> None: ...
    @property
    def lexicon(self) -> Lexicon: ...
    def classify(self, text: Optional[str], title: Optional[str] = None) -> Result: ...
    def classify_many(
        self,
        texts: Iterable[Optional[str]],
        titles: Optional[Iterable[Optional[str]]] = None,
        threads: Optional[int] = None,
    ) -> List[Result]: ...
    def classify_arrow(
        self,
        columns: Sequence[Tuple[str, Any]],  # (name, __arrow_c_stream__() capsule)
        text: Sequence[int],
        title: Optional[int] = None,
        evidence: bool = False,
        threads: Optional[int] = None,
    ) -> Dict[str, List[Any]]: ...

def find_columns(
    names: Sequence[str],
    text_col: Optional[str] = None,
    title_col: Optional[str] = None,
    id_col: Optional[str] = None,
) -> Tuple[List[int], Optional[int], Optional[int]]: ...
def kept_column_names(kept: Sequence[str]) -> List[str]: ...
