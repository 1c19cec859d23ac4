"""The corpus is the test suite: one test per line of the tables in ``tests/corpus/``.

``positive.tsv``  sentence, expected extent, DCT, TIMEX3 type, value and mod;
``narrative.tsv`` passages whose expressions are anchored to earlier dates in the text;
``negative.tsv``  words that must not be (part of) any expression.
A rule change comes with its table lines.
"""

from __future__ import annotations

import pytest
from corpus_tables import (
    load_narrative,
    load_negative,
    load_positive,
    nth_index,
    phrase_ids,
    word_spans,
)

from timeline.temporal import Timex, tag

POSITIVE = load_positive()
NARRATIVE = load_narrative()
NEGATIVE = load_negative()

NEGATIVE_DCT = "2023-09-13"


def describe(timexes: list[Timex]) -> str:
    """All found expressions, one per line, for assertion messages."""
    lines = [
        f"  [{t.start}:{t.end}] {t.text!r} {t.type} {t.value}" + (f" mod={t.mod}" if t.mod else "")
        for t in timexes
    ]
    return "\n".join(lines) or "  (nothing found)"


@pytest.mark.parametrize("row", POSITIVE, ids=phrase_ids(r.expression for r in POSITIVE))
def test_positive(row):
    found = tag(row.sentence, row.dct)
    matches = [t for t in found if t.text == row.expression]
    context = f"{row.where}: {row.sentence!r} (DCT {row.dct})\nfound:\n{describe(found)}"
    assert matches, f"no expression with the exact extent {row.expression!r}\n{context}"
    got = matches[0]
    assert (got.type, got.value, got.mod) == (row.type, row.value, row.mod), (
        f"{row.expression!r}: expected {row.type} {row.value} mod={row.mod}, "
        f"got {got.type} {got.value} mod={got.mod}\n{context}"
    )


@pytest.mark.parametrize("row", NARRATIVE, ids=phrase_ids(r.expression for r in NARRATIVE))
def test_narrative(row):
    found = tag(row.text, row.dct)
    start = nth_index(row.text, row.expression, row.occurrence)
    matches = [t for t in found if t.start == start and t.text == row.expression]
    context = f"{row.where}: {row.text!r} (DCT {row.dct})\nfound:\n{describe(found)}"
    assert matches, (
        f"no expression {row.expression!r} at offset {start} (occurrence {row.occurrence})\n"
        f"{context}"
    )
    assert matches[0].value == row.value, (
        f"{row.expression!r}: expected {row.value}, got {matches[0].value}\n{context}"
    )


def test_a_weekday_in_a_history_dated_by_its_year_only():
    """In a narrative, "on Tuesday" after a year is a day of that year, which one unknown (a
    short passage with a weekday reads as news in ``auto``: the mode is given here)."""
    found = tag("The war began in 1987. On Tuesday the army crossed the river.", "2009-12-19",
                mode="narrative")
    assert [(t.text, t.value) for t in found] == [("1987", "1987"), ("Tuesday", "1987-XX-XX")]


# Sentences the engine is known to get wrong, with the reason; strict, so a fix shows up.
KNOWN_LIMITATIONS = {
    "Robinson Crusoe named his companion Friday.":
        "a lower-case noun before the name; needs a parser to see that Friday is an object",
    "Joe Friday was the detective in the radio series.":
        "news writes 'Clinton Friday said': a name before a weekday is usually its subject",
    "The preacher Billy Sunday drew huge crowds.":
        "news writes 'Clinton Friday said': a name before a weekday is usually its subject",
}


def _negative_params():
    for row, id_ in zip(NEGATIVE, phrase_ids(r.sentence for r in NEGATIVE), strict=True):
        reason = KNOWN_LIMITATIONS.get(row.sentence)
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        yield pytest.param(row, id=id_, marks=marks)


@pytest.mark.parametrize("row", list(_negative_params()))
def test_negative(row):
    found = tag(row.sentence, NEGATIVE_DCT)
    overlapping = [
        t
        for t in found
        for start, end in word_spans(row.sentence, row.word)
        if t.start < end and start < t.end
    ]
    assert not overlapping, (
        f"{row.where}: {row.word!r} must not be tagged in {row.sentence!r}\n"
        f"found:\n{describe(found)}"
    )
