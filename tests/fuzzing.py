"""Hostile documents, and the invariants every result of ``tag`` and ``extract`` must keep.

Shared by the property tests (``tests/test_properties.py``, through hypothesis strategies built
on these pools) and the fuzzing script (``benchmarks/fuzz.py``, through ``random_document``, a
plain ``random.Random`` generator that is much faster than drawing hypothesis examples).

A document is pieces joined by separators (spaces, newlines, punctuation or nothing). A piece is
a real temporal phrase ("last Tuesday", "the third quarter of 2013"), a word of news prose, fixed
date-like noise ("31/31/2023", "Feb 30", "year 99999"), noise made from a template and edge-case
numbers ("{}/{}/{}" with 0, 13, 32, 10**30 ...), odd Unicode (RTL marks, joiners, combining
marks, emoji, other scripts and their digits) or arbitrary code points; now and then one
10,000-character token (a digit run, "May" repeated without a space, emoji ...).

``check`` runs ``tag`` and ``extract`` on one document and returns the invariants they break
(``Violation``: a kind and what was seen). ``known_bug`` names the open bug behind a violation;
the section "known bugs" below lists them.
"""

from __future__ import annotations

import datetime as dt
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from timex3_syntax import MODS, TYPES, VALUE_RE

from timeline.events import extract
from timeline.records import Event
from timeline.temporal import Timex, tag
from timeline.temporal.context import sentence_bounds, sentence_of

MODES = ("auto", "news", "narrative")

PHRASES = (
    "last Tuesday", "two weeks ago", "May 31", "the third quarter of 2013", "yesterday",
    "tomorrow morning", "next year", "this week", "last month", "September 13, 2023",
    "13 September 2023", "Wednesday, Sept. 13", "Sept. 13", "the 13th of September", "May 2013",
    "early June 1998", "the end of March 1941", "mid-August", "last November", "the 1990s",
    "the '80s", "the sixties", "the 19th century", "499 BC", "218 B.C.", "10 a.m. Tuesday",
    "Tuesday, 10 a.m.", "the night of 20 June 1791", "three days later", "a year earlier",
    "the past five years", "the next three weeks", "the past two days", "the first nine months",
    "every Monday", "twice a year", "every two weeks", "weekends", "the weekend",
    "Christmas Day 2012", "last Christmas", "New Year's Eve", "the first half of 1998",
    "early spring", "the spring of 1998", "Q3 2013", "Q4", "fiscal 1999",
    "the year-earlier quarter",
    "year-end", "about two years ago", "now", "recently", "the past", "the future",
    "the day before", "the next day", "21:43 GMT", "9:43 PM", "7:15 p.m. EST", "noon",
    "midnight", "9/13/2023", "13/09/2023", "2023-09-13", "2023-09-13T21:43", "until Friday",
    "as early as Friday", "no later than Oct. 2", "for years", "within decades", "half an hour",
    "18 months", "a decade", "several weeks", "24 hours", "daily", "annually", "July of that year",
    "June last year", "the following year", "earlier this year", "late last year", "that day",
    "this morning", "last night", "Tuesday night", "the day after tomorrow", "1998", "2023",
    "the year 2000", "the 1988 period",
)
FILLER = (
    "The", "the", "minister", "said", "met", "will", "meet", "arrived", "on", "in", "at", "by",
    "Putin", "Kim Jong-un", "Officials", "and", "but", "while", "which", "was", "had", "been",
    "expected", "to", "resign", "talks", "launch", "visit", "(", ")", "\"", "'s", "Reuters",
    "LONDON,", "VLADIVOSTOK, Sept. 13 -", "Published:", "Updated on", "Posted on", "-", "--",
    "\u2014", ";", ":", "according to", "may", "march", "sun", "second", "May", "March", "we",
    "U.S.", "Mr.", "No.", "e.g.", "a.m.", "p.m.", "St.", "fell", "rose", "closed", "plans",
)
NOISE = (
    "31/31/2023", "Feb 30", "February 30, 2023", "the 32nd", "the 32nd of May", "year 99999",
    "the year 99999", "0000-00-00", "9999-99-99", "2023-02-29", "2024-02-30", "2023-13-01",
    "13:61", "24:00", "99:99", "25 p.m.", "0 a.m.", "13 pm", "Q9 2023", "Q0", "Q5", "Q4 9999",
    "the 1990s's", "the 1990s'", "'99", "-5 BC", "0 BC", "9999 BC", "10000 AD", "0 AD",
    "the 0th century", "the 99th century", "the 100th century", "May 0", "May 99", "May 32",
    "0/0/0000", "12/31/9999", "1/1/0001", "00/00/00", "9999-12-31T23:59", "0001-01-01T00:00",
    "9999-12-31T24:00Z", "2023-09-13T99:99+99:99", "31 February 9999", "29 February 1900",
    "9999", "10000", "0000", "0001", "the year 0", "fiscal 0000", "the 1000000s", "the 0s",
    "the 00s", "Sept. 31", "Mon., Feb. 29, 2023", "week 54", "W53", "2023-W54", "the 0th",
    "the -1st", "1,000,000 years ago", "999999999999 days later", "the past 99999 years",
    "the next 10000 centuries", "every 0 days", "0 times a week", "Christmas Day 9999",
    "Christmas 0001", "Easter 9999", "last Christmas", "the spring of 9999", "the winter of 1000",
    "early 10000", "1.5.2023", "2023.05.01", "20230913", "2023/09/13", "13.09.", "T21:43",
    "P3Y", "XXXX-XX-XX", "PRESENT_REF",
)
# Odd Unicode: bidi controls, joiners, combining marks, emoji, other scripts and their digits,
# characters whose case mapping changes their length, line and paragraph separators.
ODD = (
    "\u200f", "\u202e", "\u202c", "\u2066", "\u200d", "\u200b", "\u200c", "\ufeff", "\u0301",
    "a\u0301", "\u0308\u0308\u0308", "\U0001f600", "\U0001f469\u200d\U0001f469\u200d\U0001f467",
    "\U0001f1fa\U0001f1e6", "\U0001f44d\U0001f3fd", "\u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "\u0661\u0662/\u0663/\u0662\u0660\u0662\u0663", "\u05e2\u05d1\u05e8\u05d9\u05ea",
    "\u65e5\u672c\u8a9e", "\uff12\uff10\uff12\uff13\u5e74", "\u0968\u0966\u0968\u0969",
    "\u0395\u03bb\u03bb\u03b7\u03bd\u03b9\u03ba\u03ac",
    "\u0440\u0443\u0441\u0441\u043a\u0438\u0439",
    "\u0130", "\u0130stanbul", "\u00df", "\ufb01", "\u216b", "\u00b2", "\u00bd", "\u07c0",
    "\u00a0", "\u2028", "\u2029", "\x85", "\x00", "\r\n", "\r", "\t", "\x0b", "\x0c", "\x1c",
    "\u3000", "\ud7ff", "\U0010ffff", "\ufffd", "\u2060",
)
SEPARATORS = (
    " ", " ", " ", "", "\n", "\n\n", ", ", ". ", "; ", ": ", " - ", "\u2014", "\t", "  ", "!",
    "? ", "(", ") ", "\"", "/", "-", "\u00a0", "\u2009", "\r\n", "\n \n", ".\n",
)
# Noise templates: "{}" takes an edge-case number, "{M}" a month name, "{W}" a weekday.
TEMPLATES = (
    "{}/{}/{}", "{}-{}-{}", "{:04d}-{:02d}-{:02d}", "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}",
    "{}:{}", "{}:{}:{}", "{} p.m.", "{} a.m.", "{}:{} pm", "Q{} {}", "the {}th", "the {}nd",
    "year {}", "the year {}", "{} BC", "-{} BC", "{} AD", "'{}", "the {}s", "the {}0s's",
    "the {}th century", "{} years ago", "{} days later", "the past {} days", "the next {} weeks",
    "every {} months", "{} times a year", "{M} {}", "{M} {}, {}", "{} {M} {}", "{W}, {M} {}",
    "{M} {} {W}", "{} {M}", "{M} {}st", "week {}", "{}-W{}", "{} {} {}", "{}{}{}",
    "{W} {}:{}", "the {}th of {M} {}", "{M}, {}", "fiscal {}", "Q{}-{}", "{}'s", "{}.{}.{}",
)
EDGE_NUMBERS = (
    0, 1, 2, 9, 10, 12, 13, 19, 20, 23, 24, 25, 28, 29, 30, 31, 32, 52, 53, 54, 59, 60, 61, 99,
    100, 999, 1000, 1582, 1899, 1900, 1999, 2000, 2023, 2024, 2099, 2100, 9999, 10000, 99999,
    10**9, 10**19, 10**30,
)
MONTHS = ("May", "Feb", "February", "Sept.", "Dec", "MARCH", "Jun.", "may", "march")
WEEKDAYS = ("Tuesday", "Mon.", "FRIDAY", "Sun", "sunday", "Wed.")
EDGE_DATES = (
    dt.date(1, 1, 1), dt.date(1, 1, 2), dt.date(1, 12, 31), dt.date(2, 1, 1), dt.date(100, 2, 28),
    dt.date(1582, 10, 15), dt.date(1900, 3, 1), dt.date(2000, 2, 29), dt.date(2023, 9, 13),
    dt.date(9998, 12, 31), dt.date(9999, 1, 1), dt.date(9999, 12, 25), dt.date(9999, 12, 30),
    dt.date(9999, 12, 31),
)
GIANT_LENGTH = 10_000


def fill(template: str, numbers: list[int], month: str, weekday: str) -> str:
    """``template`` with its "{}" slots taken from ``numbers`` (as many as it needs)."""
    return template.format(*numbers[: template.count("{")], M=month, W=weekday)


def _giant_tokens() -> dict[str, Callable[[random.Random], str]]:
    """Makers of 10,000-character tokens with no whitespace in them, by name."""
    n = GIANT_LENGTH

    def repeat(unit: str) -> Callable[[random.Random], str]:
        return lambda rng: (unit * (n // len(unit) + 1))[:n]

    def digits(rng: random.Random) -> str:
        return "".join(rng.choices("0123456789", k=n))

    def letters(rng: random.Random) -> str:
        return "".join(rng.choices("abcdefghijklmnopqrstuvwxyzMTSFQ", k=n))

    def code_points(rng: random.Random) -> str:
        chars = (chr(rng.randrange(0x21, 0x30000)) for _ in range(n * 2))
        word = "".join(c for c in chars if not c.isspace() and not 0xD800 <= ord(c) < 0xE000)
        return word[:n]

    units = ("a", "1", "9", "0", "May", "May31", "2023-", "1/", "12:", "Q", "'", "-", ".", ",",
             "1,", "s", "Jan.", "Tuesday", "\U0001f600", "a\u0301", "\u200f", "\u202e1",
             "the", "1st", "31st", "BC", "ago", "T", "XXXX", "1990s")
    makers = {"digits": digits, "letters": letters, "code points": code_points}
    return makers | {f"{unit!r} repeated": repeat(unit) for unit in units}


GIANTS = _giant_tokens()
GIANT_NAMES = tuple(GIANTS)


# --------------------------------------------------------------------------- random documents


def random_number(rng: random.Random) -> int:
    """An edge-case number most of the time, else any size up to 40 digits."""
    if rng.random() < 0.7:
        return rng.choice(EDGE_NUMBERS)
    return rng.randrange(10 ** rng.randint(1, 40))


def random_piece(rng: random.Random) -> str:
    """One piece of a document: a phrase, a word, noise or odd Unicode."""
    kind = rng.random()
    if kind < 0.3:
        phrase = rng.choice(PHRASES)
        return phrase.upper() if rng.random() < 0.05 else phrase
    if kind < 0.55:
        return rng.choice(FILLER)
    if kind < 0.67:
        return rng.choice(NOISE)
    if kind < 0.82:
        numbers = [random_number(rng) for _ in range(5)]
        return fill(rng.choice(TEMPLATES), numbers, rng.choice(MONTHS), rng.choice(WEEKDAYS))
    if kind < 0.92:
        return rng.choice(ODD)
    top = 0x110000 if rng.random() < 0.3 else 0x3000  # mostly the scripts in daily use
    codes = (rng.randrange(top) for _ in range(rng.randint(1, 12)))
    return "".join(chr(c) for c in codes if not 0xD800 <= c < 0xE000)


def random_document(rng: random.Random, *, size: int | None = None,
                    giant_chance: float = 0.03) -> str:
    """A document of 1 to 40 pieces or, with ``size``, of pieces up to about ``size``
    characters; now and then with one 10,000-character token."""
    pieces: list[str] = []
    length = 0
    target = rng.randint(1, 40) if size is None else None
    while (len(pieces) < 2 * target) if target is not None else length < size:
        piece, separator = random_piece(rng), rng.choice(SEPARATORS)
        pieces += [piece, separator]
        length += len(piece) + len(separator)
    if rng.random() < giant_chance:
        at = rng.randrange(len(pieces) + 1)
        pieces.insert(at, GIANTS[rng.choice(GIANT_NAMES)](rng))
    return "".join(pieces)


def random_published(rng: random.Random) -> dt.date | str | None:
    """None, a day at the calendar's edges or any day from 0001-01-01 to 9999-12-31, as a
    ``date`` or an ISO string."""
    kind = rng.random()
    if kind < 0.15:
        return None
    if kind < 0.45:
        day = rng.choice(EDGE_DATES)
    else:
        day = dt.date.fromordinal(rng.randint(1, dt.date.max.toordinal()))
    return day.isoformat() if rng.random() < 0.5 else day


# --------------------------------------------------------------------------- invariants


@dataclass(frozen=True)
class Violation:
    """A broken invariant: its kind (for counting) and what was seen."""

    kind: str
    detail: str


def check(text: str, published: dt.date | str | None, mode: str, *,
          twice: bool = True) -> tuple[list[Timex], list[Event], list[Violation]]:
    """The expressions and events of one document, and every invariant they break (with
    ``twice``, a second call giving something else is one)."""
    timexes, found = check_tag(text, published, mode, twice=twice)
    events, more = check_extract(text, published, mode, timexes, twice=twice)
    return timexes or [], events or [], found + more


def check_tag(text: str, published: dt.date | str | None, mode: str, *,
              twice: bool = True) -> tuple[list[Timex] | None, list[Violation]]:
    """``tag(text, published, mode=mode)`` (None if it raised) and what it gets wrong: an
    exception, offsets, text, sentence, type, value, mod, calendar days, order, or (with
    ``twice``) a second call that differs."""
    try:
        first = tag(text, published, mode=mode)
        second = tag(text, published, mode=mode) if twice else first
    except Exception as error:  # any exception is a finding
        return None, [_failure(error, "tag")]
    found = [v for t in first for v in _timex_violations(text, t)]
    for before, after in zip(first, first[1:], strict=False):
        if before.end > after.start:
            found.append(Violation("tag: overlapping or unsorted", f"{before} / {after}"))
    if first != second:
        found.append(Violation("tag: nondeterministic", f"{first} != {second}"))
    return first, found


def _timex_violations(text: str, t: Timex) -> list[Violation]:
    found = []

    def fail(kind: str, detail: str) -> None:
        found.append(Violation(f"tag: {kind}", f"{detail} in {t}"))

    if not 0 <= t.start < t.end <= len(text):
        fail("offsets", f"0 <= {t.start} < {t.end} <= {len(text)} fails")
    elif text[t.start:t.end] != t.text:
        fail("text", f"text[{t.start}:{t.end}] is {text[t.start:t.end]!r}")
    else:
        first, last = sentence_of(sentence_bounds(text), text, t.start)
        if t.end > last:
            fail("crosses a sentence", f"sentence {first}..{last} {text[first:last]!r}")
    if t.type not in TYPES:
        fail("type", f"type {t.type!r}")
    if not VALUE_RE.fullmatch(t.value):
        fail("value", f"value {t.value!r}")
    if t.mod is not None and t.mod not in MODS:
        fail("mod", f"mod {t.mod!r}")
    if problem := _day_problem(t.first_day, t.last_day):
        fail("calendar days", f"first_day/last_day: {problem}")
    return found


def check_extract(text: str, published: dt.date | str | None, mode: str,
                  timexes: list[Timex] | None = None, *,
                  twice: bool = True) -> tuple[list[Event] | None, list[Violation]]:
    """``extract(text, published, mode=mode)`` with the blank pipeline (None if it raised)
    and what it gets wrong: an exception, timex and trigger offsets, a sentence without its
    timex or trigger, values, days, published date, ids, order, a timex ``tag`` does not give
    (``timexes``: its result, when known), or (with ``twice``) a second call that differs."""
    try:
        first = extract(text, published, mode=mode, doc_id="d")
        second = extract(text, published, mode=mode, doc_id="d") if twice else first
        if timexes is None or (published is None and mode == "auto"):
            # Without a date, extract tags in "news" mode: relative dates stay unresolved.
            timexes = tag(text, published, mode="news" if published is None else mode)
    except Exception as error:  # any exception is a finding
        return None, [_failure(error, "extract")]
    found = []

    def fail(kind: str, detail: str, event: Event) -> None:
        found.append(Violation(f"extract: {kind}", f"{detail} in {event}"))

    tagged = {(t.start, t.end, t.type, t.value) for t in timexes}
    iso = published.isoformat() if isinstance(published, dt.date) else published
    for e in first:
        if e.timex_start >= e.timex_end or text[e.timex_start:e.timex_end] != e.timex_text:
            fail("timex offsets", f"text[{e.timex_start}:{e.timex_end}] is not the timex", e)
        if (e.timex_start, e.timex_end, e.timex_type, e.timex_value) not in tagged:
            fail("timex not from tag", "tag() gives no such expression", e)
        if len({e.trigger is None, e.trigger_start is None, e.trigger_end is None}) > 1:
            fail("trigger offsets", "trigger and its offsets not all given or all None", e)
        elif e.trigger is not None and text[e.trigger_start:e.trigger_end] != e.trigger:
            fail("trigger offsets", f"text[{e.trigger_start}:{e.trigger_end}] is not the "
                 "trigger", e)
        if _normal(e.timex_text) not in e.sentence:
            fail("sentence lacks the timex", f"{e.timex_text!r} not in the sentence", e)
        if e.trigger is not None and _normal(e.trigger) not in e.sentence:
            fail("sentence lacks the trigger", f"{e.trigger!r} not in the sentence", e)
        if not VALUE_RE.fullmatch(e.date) or e.date != e.timex_value:
            fail("value", f"date {e.date!r}", e)
        if e.timex_type not in TYPES:
            fail("type", f"type {e.timex_type!r}", e)
        if problem := _day_problem(e.start, e.end):
            fail("start/end", f"start/end: {problem}", e)
        if e.published != iso:
            fail("published", f"published {e.published!r}, not {iso!r}", e)
    ids = [e.event_id for e in first]
    if len(set(ids)) != len(ids):
        found.append(Violation("extract: duplicate event ids", repr(ids)))
    starts = [e.timex_start for e in first]
    if starts != sorted(starts):
        found.append(Violation("extract: events out of order", repr(starts)))
    if first != second:
        found.append(Violation("extract: nondeterministic", f"{first} != {second}"))
    return first, found


def _failure(error: BaseException, call: str) -> Violation:
    """An exception as a violation, named by its type and the innermost timeline frame."""
    frames = [f for f in traceback.extract_tb(error.__traceback__)
              if "timeline" in Path(f.filename).parts]
    where = f" at {Path(frames[-1].filename).name}:{frames[-1].lineno} {frames[-1].name}" \
        if frames else ""
    return Violation(f"exception in {call}: {type(error).__name__}{where}",
                     f"{type(error).__name__}: {error}")


def _day_problem(first: str | None, last: str | None) -> str | None:
    """What is wrong with a (first, last) pair of ISO days that may both be None."""
    if (first is None) != (last is None):
        return f"one of them only ({first!r}, {last!r})"
    try:
        days = [dt.date.fromisoformat(d) for d in (first, last) if d is not None]
    except ValueError:
        return f"not ISO days ({first!r}, {last!r})"
    return f"{first} after {last}" if days and days[0] > days[1] else None


def _normal(text: str) -> str:
    """``text`` with its whitespace runs made one space, as ``Event.sentence`` has them."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- known bugs
# Bugs found and not fixed yet: (name and description, a test of a violation's kind and
# detail). The property tests leave these violations out and reproduce each bug in an
# xfail(strict=True) test of its own; when a fix lands, that test passes (XPASS), which fails
# the suite: delete the bug here and its mark there. The fuzzing script counts them apart.
# None is open: the last five (weekends' value, expressions across a sentence break, years off
# the calendar, many dates in one sentence, long runs without whitespace) were fixed, and their
# reproductions are plain regression tests in tests/test_properties.py.
KNOWN_BUGS: list[tuple[str, Callable[[Violation], bool]]] = []


def known_bug(v: Violation) -> str | None:
    """The known bug that explains ``v``, or None."""
    return next((bug for bug, explains in KNOWN_BUGS if explains(v)), None)
