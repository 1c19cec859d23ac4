"""Properties every ``tag`` result must have, whatever the text and the reference date."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from corpus_tables import load_narrative, load_positive
from timex3_syntax import FULL_DATE_RE, MODS, TYPES, VALUE_RE

from timeline.temporal import Timex, tag

LONGER_TEXTS = [
    (
        (
            "The ministry said on Wednesday, Sept. 13, that exports fell 4% in August after a "
            "weak second quarter. Officials expect a recovery early next year, although the "
            "factory in the north has been idle for the past two weeks and will stay shut "
            "until Oct. 2. A spokesman said the board meets every Monday and will decide by "
            "the end of the month."
        ),
        "2023-09-13",
    ),
    (
        (
            "On 1 March 1921 the strike began. Three days later the mines closed; by the "
            "spring of 1922 they had reopened, and from 1923 to 1925 output doubled. The "
            "union's archive (1921\u20131930) records the events of those years."
        ),
        "2009-12-19",
    ),
    (
        (
            "The blast happened at 21:43 GMT, shortly before midnight. Rescue teams worked "
            "through the night and 24 hours later, at noon Thursday, the last survivor was "
            "found.\nMay 31 2021: the report was published.\n\nNow, two years on, little "
            "has changed."
        ),
        "2023-09-13",
    ),
    ("Prices may fall in May, and the march on the capital is set for March 3.", "1998-02-13"),
    ("", "2023-09-13"),
    ("   \n\t ", "2023-09-13"),
    ("No dates here at all.", "2023-09-13"),
    ("1998 1999 2000 2001 2002 2003", "2023-09-13"),
]

CASES = sorted(
    {(r.sentence, r.dct) for r in load_positive()}
    | {(r.text, r.dct) for r in load_narrative()}
    | set(LONGER_TEXTS)
)
CASE_IDS = [text[:48] for text, _ in CASES]

# Relative expressions that need a reference date: without one, no calendar day may appear.
RELATIVE = [
    ("The minister resigned yesterday.", "yesterday"),
    ("The results will be published tomorrow.", "tomorrow"),
    ("The central bank raised rates today.", "today"),
    ("The plant shut down last Friday.", "last Friday"),
    ("The delegation arrived on Tuesday.", "Tuesday"),
    ("The plant was sold two weeks ago.", "two weeks ago"),
    ("Oil prices fell this week.", "this week"),
    ("The factory closed last month.", "last month"),
    ("The company lost money last year.", "last year"),
    ("The board met on Aug. 24 to review the offer.", "Aug. 24"),
    ("Sales fell last quarter.", "last quarter"),
    ("The reservoir ran dry last summer.", "last summer"),
    ("Rescue workers reached the village last night.", "last night"),
    ("The fire started at 3:30 p.m. yesterday.", "3:30 p.m. yesterday"),
]

# Fully written dates do not depend on the reference date.
ABSOLUTE = [
    (
        "The merger was completed on September 13, 2023, after months of talks.",
        "September 13, 2023",
        "2023-09-13",
    ),
    ("The company was incorporated on 4 July 1986 in Delaware.", "4 July 1986", "1986-07-04"),
    ("The bank collapsed in May 2013.", "May 2013", "2013-05"),
    ("The theatre was built in 1998.", "1998", "1998"),
    ("Profits plunged in the fourth quarter of 2012.", "the fourth quarter of 2012", "2012-Q4"),
]


def assert_well_formed(text: str, timexes: list[Timex]) -> None:
    """Offsets, order, type, value, mod and calendar days of every expression."""
    for t in timexes:
        assert 0 <= t.start < t.end <= len(text), f"bad offsets {t}"
        assert text[t.start : t.end] == t.text, f"text[{t.start}:{t.end}] is not {t.text!r}"
        assert t.type in TYPES, f"type {t.type!r} of {t.text!r}"
        assert VALUE_RE.fullmatch(t.value), f"value {t.value!r} of {t.text!r}"
        assert t.mod is None or t.mod in MODS, f"mod {t.mod!r} of {t.text!r}"
        check_days(t)
    for before, after in itertools.pairwise(timexes):
        assert before.end <= after.start, f"unsorted or overlapping: {before} / {after}"


def check_days(t: Timex) -> None:
    """first_day/last_day are ISO days in order, around the day the value names (if any)."""
    first = dt.date.fromisoformat(t.first_day) if t.first_day is not None else None
    last = dt.date.fromisoformat(t.last_day) if t.last_day is not None else None
    if first and last:
        assert first <= last, f"first_day after last_day in {t}"
    if (day := FULL_DATE_RE.fullmatch(t.value)) and t.type in ("DATE", "TIME"):
        named = dt.date.fromisoformat(day.group(1))  # also rejects 2023-02-30
        if first and last:
            assert first <= named <= last, f"{t.value} outside {t.first_day}..{t.last_day}"


@pytest.mark.parametrize(("text", "dct"), CASES, ids=CASE_IDS)
def test_well_formed_with_dct(text, dct):
    assert_well_formed(text, tag(text, dct))


@pytest.mark.parametrize(("text", "dct"), CASES, ids=CASE_IDS)
def test_well_formed_without_dct(text, dct):
    assert_well_formed(text, tag(text, None))


@pytest.mark.parametrize(("text", "dct"), CASES, ids=CASE_IDS)
def test_deterministic(text, dct):
    first = tag(text, dct)
    assert tag(text, dct) == first
    assert tag(text, dt.date.fromisoformat(dct)) == first, "a date and its ISO string differ"


@pytest.mark.parametrize(("sentence", "expression"), RELATIVE, ids=[e for _, e in RELATIVE])
def test_relative_expressions_stay_unresolved_without_dct(sentence, expression):
    found = [t for t in tag(sentence, None) if t.text == expression]
    assert found, f"{expression!r} should be found without a DCT in {sentence!r}"
    t = found[0]
    assert not t.value[:4].isdigit(), f"{expression!r} got a year without a DCT: {t.value}"
    assert t.first_day is None and t.last_day is None, f"{expression!r} placed on a calendar: {t}"


@pytest.mark.parametrize(
    ("sentence", "expression", "value"), ABSOLUTE, ids=[e for _, e, _ in ABSOLUTE]
)
def test_absolute_dates_need_no_dct(sentence, expression, value):
    found = [t for t in tag(sentence, None) if t.text == expression]
    assert found and found[0].value == value, f"{expression!r} without DCT: {found}"


# Self-test of the value pattern: TimeML forms it must accept, near misses it must reject.
WELL_FORMED_VALUES = [
    "2023",
    "2023-09",
    "2023-09-13",
    "XXXX-08-24",
    "XXXX-XX-XX",
    "199",
    "18",
    "XXX",
    "2023-W37",
    "2020-W53",
    "2023-W37-WE",
    "2023-W37-3",
    "XXXX-WXX-1",
    "2023-Q3",
    "2023-QX",
    "2023-H2",
    "1998-SP",
    "XXXX-SU",
    "2023-09-13T21:43",
    "2023-09-13T21:43:05",
    "1989-10-27T24:00",
    "2023-09-13T21:43Z",
    "2023-09-13T09:00-05:00",
    "2023-09-13TMO",
    "XXXX-WXX-2TNI",
    "P3Y",
    "P18M",
    "PT2H",
    "PT45M",
    "P1DE",
    "P2CE",
    "P1Q",
    "PXY",
    "PTXH",
    "P1Y6M",
    "P1DT12H",
    "P1.5Y",
    "PRESENT_REF",
    "PAST_REF",
    "FUTURE_REF",
]
MALFORMED_VALUES = [
    "2023-9-13",
    "2023-13",
    "2023-09-32",
    "13-09-2023",
    "2023/09/13",
    "20230913",
    "2023-W54",
    "2023-Q5",
    "2023-H3",
    "2023-AU",
    "2023-09-13T25:00",
    "2023-09-13T",
    "2023-09-13TXX",
    "P",
    "PT",
    "P1YT",
    "P3",
    "3Y",
    "p3y",
    "NOW",
    "present_ref",
    "yesterday",
    "1",
] + ["", " 2023"]


@pytest.mark.parametrize("value", WELL_FORMED_VALUES)
def test_value_pattern_accepts(value):
    assert VALUE_RE.fullmatch(value)


@pytest.mark.parametrize("value", MALFORMED_VALUES)
def test_value_pattern_rejects(value):
    assert not VALUE_RE.fullmatch(value)


@pytest.mark.parametrize(("sentence", "dct", "value", "first", "last"), [
    ("The siege lasted through the winter of 1941-42.", None, "1942-WI", "1941-12-01",
     "1942-02-28"),
    ("The winter of 2024 was mild.", None, "2024-WI", "2023-12-01", "2024-02-29"),
    ("Snow is forecast this winter.", "2014-12-22", "2015-WI", "2014-12-01", "2015-02-28"),
    ("Last winter was mild.", "2014-01-20", "2013-WI", "2012-12-01", "2013-02-28"),
    ("The summer of 1998 was hot.", None, "1998-SU", "1998-06-01", "1998-08-31"),
])
def test_season_bounds(sentence, dct, value, first, last):
    """A winter is named by the year of its January and February; it begins in the December
    before."""
    (t,) = tag(sentence, dct)
    assert (t.value, t.first_day, t.last_day) == (value, first, last)
