"""Property-based tests of ``timeline.temporal.tag`` and ``timeline.events.extract`` on hostile
text: whatever the text, the publication date and the mode, they keep their invariants.

Documents come from the pools of ``tests/fuzzing.py`` (which ``benchmarks/fuzz.py`` also
draws on): arbitrary Unicode (every category but surrogates), odd characters (RTL marks
U+200F/U+202E, zero-width joiners, combining marks, emoji, other scripts and their digits),
date-like noise ("31/31/2023", "Feb 30", "the 32nd", "year 99999", "0000-00-00", "13:61",
"25 p.m.", "Q9 2023", "'99", "-5 BC" ... and templates filled with edge-case numbers and
long digit runs), real temporal phrases and news words, joined by spaces, newlines,
punctuation or nothing, sometimes with a 10,000-character token. Publication dates are None
or any day from 0001-01-01 to 9999-12-31 (the extremes drawn on purpose), as a ``date`` or an
ISO string; the mode is auto, news or narrative.

The invariants (``fuzzing.check_tag``, ``fuzzing.check_extract``): no exception; each
expression's text is the document's text at its offsets, 0 <= start < end <= len(text), inside
one sentence, in order and not overlapping; its value is TIMEX3 (``timex3_syntax``), its type
DATE/TIME/DURATION/SET, its mod TIMEX3, its calendar days ISO and first <= last; each event's
timex and trigger are the text at their offsets, its sentence holds both, its date is its timex
value and TIMEX3, start <= end, its timex is one ``tag`` gives, its id unique, events in order;
the same input gives the same output. A document with a 10,000-character token goes through
both in under ``STALL_SECONDS`` (an alarm stops it). Also through the command line: a JSONL file
of generated documents through ``timeline extract -o out.jsonl -q``.

Deterministic in CI: every test runs with ``derandomize=True`` (examples derived from the test
itself, the same on every run) and no example database; the module takes about 25 s on a shared
2-core machine. ``TIMELINE_FRESH_EXAMPLES=1`` in the environment draws fresh examples instead,
five times as many, for a longer hunt:

    TIMELINE_FRESH_EXAMPLES=1 python -m pytest tests/test_properties.py

Known bugs (``fuzzing.known_bug``; none is open now): the broad properties leave their
violations out, and each bug has a test of its own marked ``xfail(strict=True)`` that names it.
When it is fixed, that test passes, which fails the run: delete the mark and the bug's entry.
The tests under "fixed bugs" are the shortest reproductions of bugs the fuzzing found.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal

import pytest
from fuzzing import (
    EDGE_DATES,
    EDGE_NUMBERS,
    FILLER,
    GIANTS,
    MODES,
    MONTHS,
    NOISE,
    ODD,
    PHRASES,
    SEPARATORS,
    TEMPLATES,
    WEEKDAYS,
    Violation,
    check,
    check_extract,
    check_tag,
    fill,
    known_bug,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from timeline.cli import main
from timeline.events import extract
from timeline.export import read_events
from timeline.published import find_published
from timeline.records import FIELDS

FRESH = os.environ.get("TIMELINE_FRESH_EXAMPLES") == "1"
SETTINGS = settings(derandomize=not FRESH, database=None, deadline=None, print_blob=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                           HealthCheck.large_base_example])


def examples(n: int) -> settings:
    """The settings of a test drawing ``n`` examples (five times as many when fresh)."""
    return settings(SETTINGS, max_examples=n * 5 if FRESH else n)


# --------------------------------------------------------------------------- strategies

numbers = st.one_of(st.sampled_from(EDGE_NUMBERS), st.integers(0, 10**40))
template_noise = st.builds(fill, st.sampled_from(TEMPLATES),
                           st.lists(numbers, min_size=5, max_size=5),
                           st.sampled_from(MONTHS), st.sampled_from(WEEKDAYS))
digit_runs = st.text("0123456789", min_size=5, max_size=400)
noise = st.one_of(st.sampled_from(NOISE), template_noise, digit_runs)
any_unicode = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=24)
pieces = st.one_of(st.sampled_from(PHRASES), st.sampled_from(FILLER), noise,
                   st.sampled_from(ODD), any_unicode)
giants = st.builds(lambda name, seed: GIANTS[name](random.Random(seed)),
                   st.sampled_from(list(GIANTS)),
                   st.integers(0, 2**16))


@st.composite
def documents(draw: st.DrawFn, piece: st.SearchStrategy[str] = pieces,
              max_pieces: int = 24) -> str:
    """Pieces joined by separators; one document in 20 with a 10,000-character token."""
    parts = draw(st.lists(st.tuples(piece, st.sampled_from(SEPARATORS)), max_size=max_pieces))
    text = "".join(p + s for p, s in parts)
    if draw(st.sampled_from([False] * 19 + [True])):
        at = draw(st.integers(0, len(text)))
        text = text[:at] + draw(giants) + text[at:]
    return text


def as_given(day: dt.date, iso: bool) -> dt.date | str:
    return day.isoformat() if iso else day


published_dates = st.one_of(
    st.none(),
    st.builds(as_given, st.sampled_from(EDGE_DATES), st.booleans()),
    st.builds(as_given, st.dates(dt.date.min, dt.date.max), st.booleans()),
)
modes = st.sampled_from(MODES)


def assert_none_new(found: list[Violation]) -> None:
    """No violation but those of the known bugs."""
    new = [v for v in found if known_bug(v) is None]
    assert not new, "\n".join(f"{v.kind}: {v.detail}" for v in new[:5])


# --------------------------------------------------------------------------- properties


@examples(300)
@given(documents(), published_dates, modes)
def test_tag_keeps_its_invariants(text, published, mode):
    assert_none_new(check_tag(text, published, mode)[1])


@examples(150)
@given(documents(), published_dates, modes)
def test_extract_keeps_its_invariants(text, published, mode):
    assert_none_new(check_extract(text, published, mode)[1])


@examples(150)
@given(documents(noise, max_pieces=30), published_dates, modes)
def test_date_like_noise(text, published, mode):
    assert_none_new(check(text, published, mode)[2])


@examples(150)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=300), published_dates,
       modes)
def test_arbitrary_unicode(text, published, mode):
    assert_none_new(check(text, published, mode)[2])


@examples(100)
@given(documents(st.sampled_from(PHRASES + FILLER)), st.sampled_from(EDGE_DATES), modes)
def test_publication_at_the_calendars_edges(text, published, mode):
    assert_none_new(check(text, published, mode)[2])


@examples(20)
@given(st.lists(st.tuples(documents(max_pieces=12),
                          st.one_of(st.none(), st.dates(dt.date(1900, 1, 1),
                                                        dt.date(2100, 12, 31)))),
                min_size=1, max_size=6))
def test_command_line_writes_valid_jsonl(tmp_path_factory, drawn):
    """``timeline extract`` on a JSONL file of generated documents (those without a date go
    through the date finder first): exit status 0, and one JSON object per line, its keys in
    ``FIELDS`` order, that ``read_events`` reads back, holding the events ``extract`` gives.
    (The calendar's edges are the tests above's business; here, the plumbing's.)"""
    folder = tmp_path_factory.mktemp("cli")
    records = [{"id": f"doc{n}", "text": f"{text} It happened on Tuesday.",
                "published": None if day is None else day.isoformat()}
               for n, (text, day) in enumerate(drawn)]
    source, out = folder / "in.jsonl", folder / "out.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")

    assert main(["extract", str(source), "-o", str(out), "-q"]) == 0
    # Lines end at "\n" only: a JSON string may hold U+2028 or U+0085, which splitlines() cuts.
    lines = out.read_text(encoding="utf-8").split("\n")
    assert lines.pop() == ""
    rows = [json.loads(line) for line in lines]
    assert all(list(row) == list(FIELDS) for row in rows)
    assert [e.to_dict() for e in read_events(out)] == rows
    for r in records:
        published = r["published"] or find_published(r["text"])
        expected = [e.to_dict() for e in extract(r["text"], published, doc_id=r["id"])]
        got = [row for row in rows if row["doc_id"] == r["id"]]
        assert [_without_origin(row) for row in got] == [_without_origin(e) for e in expected]


def _without_origin(event: dict) -> dict:
    return {k: v for k, v in event.items() if k not in ("title", "source")}


# --------------------------------------------------------------------------- giant tokens

STALL_SECONDS = 4.0


class Stalled(BaseException):
    """Raised by the alarm (a BaseException: no ``except Exception`` swallows it)."""


def _alarm(signum, frame):
    raise Stalled


def check_in_time(text: str, published, mode: str,
                  seconds: float = STALL_SECONDS) -> list[Violation]:
    """The violations of ``check(..., twice=False)``, a stall if it takes ``seconds``."""
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return check(text, published, mode, twice=False)[2]
    except Stalled:
        return [Violation("stall", f"stopped after {seconds:g} s")]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize("name", list(GIANTS))
def test_giant_token_in_a_sentence(name):
    """A 10,000-character token between dated sentences: the invariants hold and tag plus
    extract take less than ``STALL_SECONDS``."""
    token = GIANTS[name](random.Random(0))
    text = f"Kim met Putin on May 31, 2023, and {token} arrived yesterday. Talks end Friday."
    assert_none_new(check_in_time(text, "2023-09-13", "auto"))


def test_a_long_run_of_stops_does_not_stall():
    text = "The talks ended on May 31" + "!" * 40_000 + " Kim left on Tuesday."
    assert_none_new(check_in_time(text, "2023-09-13", "auto"))


# --------------------------------------------------------------------------- fixed bugs
# The shortest reproductions the fuzzing found (the fuzzing script shrinks them).


def assert_no_violation(text: str, published, mode: str) -> None:
    found = check(text, published, mode)[2]
    assert not found, "\n".join(f"{v.kind}: {v.detail}" for v in found[:5])


def test_weekends_value_is_timex3():
    assert_no_violation("Markets close on weekends.", "2023-09-13", "auto")


@pytest.mark.parametrize(("text", "published"), [
    ("Prices rose over the past two days.", dt.date(1, 1, 1)),
    ("Prices will rise over the next three weeks.", dt.date(9999, 12, 31)),
    ("Prices rose over the past 0 days.", dt.date(9999, 12, 31)),
    ("Prices rose over the past five years.", dt.date(1, 12, 31)),
    ("Prices rose over the past 0 days.", dt.date(2023, 9, 13)),
])
def test_durations_at_the_calendars_edges(text, published):
    assert_no_violation(text, published, "news")


@pytest.mark.parametrize("text", ["MARCH\n\n5 people came.", "at 9\n\npm", "early spring\n\n2023"])
def test_expressions_stay_in_their_sentence(text):
    assert_no_violation(text, "2000-02-29", "auto")


@pytest.mark.parametrize(("text", "published", "mode"), [
    ("the 0th century", "9999-01-01", "narrative"),
    ("They met at noon, and the following year they split.", "9999-12-30", "news"),
    ("Troy fell in 9999 BC; a year earlier the walls were built.", "2023-09-13", "narrative"),
    ("In 1920 he wrote that the flood came about 4,000 years ago.", "2005-12-14", "narrative"),
    ("In 1900, and 378988112592466 years ago", "1900-03-01", "narrative"),
])
def test_years_stay_on_the_calendar(text, published, mode):
    assert_no_violation(text, published, mode)


