"""Load the corpus tables in ``tests/corpus/`` and reject malformed lines with file:line.

Each table is UTF-8, tab-separated, with a header line; blank lines and lines starting with
``#`` (family headings) are skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from timex3_syntax import MODS, TYPES, VALUE_RE

CORPUS_DIR = Path(__file__).parent / "corpus"


class TableError(ValueError):
    """A corpus table line that cannot be used as a test."""


class PositiveRow(NamedTuple):
    where: str
    sentence: str
    expression: str
    dct: str
    type: str
    value: str
    mod: str | None


class NarrativeRow(NamedTuple):
    where: str
    text: str
    expression: str
    occurrence: int
    dct: str
    value: str


class NegativeRow(NamedTuple):
    where: str
    sentence: str
    word: str


def load_positive() -> list[PositiveRow]:
    """Rows of ``positive.tsv``: the expression occurs exactly once in its sentence."""
    rows = []
    for where, f in _read("positive.tsv", PositiveRow._fields[1:], optional={"mod"}):
        _check_dct(where, f["dct"])
        _check_value(where, f["value"])
        if f["type"] not in TYPES:
            raise TableError(f"{where}: type {f['type']!r} is not one of {sorted(TYPES)}")
        if f["mod"] and f["mod"] not in MODS:
            raise TableError(f"{where}: mod {f['mod']!r} is not a TIMEX3 mod")
        if (n := f["sentence"].count(f["expression"])) != 1:
            raise TableError(f"{where}: {f['expression']!r} occurs {n} times in the sentence")
        rows.append(PositiveRow(where, **{**f, "mod": f["mod"] or None}))
    return rows


def load_narrative() -> list[NarrativeRow]:
    """Rows of ``narrative.tsv``: ``occurrence`` counts the expression's places in the text."""
    rows = []
    for where, f in _read("narrative.tsv", NarrativeRow._fields[1:]):
        _check_dct(where, f["dct"])
        _check_value(where, f["value"])
        count = f["text"].count(f["expression"])
        if not f["occurrence"].isdigit() or not 1 <= int(f["occurrence"]) <= count:
            raise TableError(
                f"{where}: occurrence {f['occurrence']!r} but {f['expression']!r} occurs "
                f"{count} times in the text"
            )
        rows.append(NarrativeRow(where, **{**f, "occurrence": int(f["occurrence"])}))
    return rows


def load_negative() -> list[NegativeRow]:
    """Rows of ``negative.tsv``: the word occurs (as a whole word) in its sentence."""
    rows = []
    for where, f in _read("negative.tsv", NegativeRow._fields[1:]):
        if not word_spans(f["sentence"], f["word"]):
            raise TableError(f"{where}: {f['word']!r} is not a whole word of the sentence")
        rows.append(NegativeRow(where, **f))
    return rows


def word_spans(text: str, word: str) -> list[tuple[int, int]]:
    """Character spans of ``word`` in ``text``, case-sensitive, not inside a longer word."""
    pattern = rf"(?<!\w){re.escape(word)}(?!\w)"
    return [m.span() for m in re.finditer(pattern, text)]


def nth_index(text: str, part: str, n: int) -> int:
    """Offset of the ``n``-th (1-based) occurrence of ``part`` in ``text``."""
    index = -1
    for _ in range(n):
        index = text.index(part, index + 1)
    return index


def phrase_ids(phrases: Iterable[str]) -> list[str]:
    """Test ids: the phrase itself, with ``#2``, ``#3``... on its repeats."""
    seen: Counter[str] = Counter()
    ids = []
    for phrase in phrases:
        seen[phrase] += 1
        ids.append(phrase if seen[phrase] == 1 else f"{phrase} #{seen[phrase]}")
    return ids


def _read(
    name: str, columns: tuple[str, ...], optional: Collection[str] = ()
) -> Iterator[tuple[str, dict[str, str]]]:
    """Yield ``("name:line", {column: field})`` for every data line of a table."""
    header_seen = False
    lines = (CORPUS_DIR / name).read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        where = f"{name}:{number}"
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if not header_seen:
            if tuple(fields) != columns:
                raise TableError(f"{where}: header must be {'<TAB>'.join(columns)}")
            header_seen = True
            continue
        if len(fields) == len(columns) - 1 and columns[-1] in optional:
            fields.append("")  # an empty last column whose tab an editor trimmed
        if len(fields) != len(columns):
            raise TableError(
                f"{where}: {len(fields)} tab-separated fields, expected {len(columns)} "
                f"({', '.join(columns)})"
            )
        for column, field in zip(columns, fields, strict=True):
            if field != field.strip():
                raise TableError(f"{where}: {column} has leading or trailing spaces")
            if not field and column not in optional:
                raise TableError(f"{where}: {column} is empty")
        yield where, dict(zip(columns, fields, strict=True))


def _check_dct(where: str, dct: str) -> None:
    try:
        dt.date.fromisoformat(dct)
    except ValueError:
        raise TableError(f"{where}: dct {dct!r} is not an ISO date (YYYY-MM-DD)") from None


def _check_value(where: str, value: str) -> None:
    if not VALUE_RE.fullmatch(value):
        raise TableError(f"{where}: {value!r} is not a well-formed TIMEX3 value")
