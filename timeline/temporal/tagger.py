"""Find TIMEX3 expressions in a text and resolve them against a reference date.

Three steps: every rule proposes candidate spans (``_candidates``); the longest non-overlapping
ones win (``_select``), and a clock time next to a day joins it ("10 a.m. Tuesday"); then the
expressions are resolved in reading order, each knowing the last date mentioned before it and the
tense of its clause (``_resolve_all``).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import statistics
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from functools import cache

from timeline.temporal.calendar import When, add_months, valid_day
from timeline.temporal.context import (
    DEADLINE_WORDS,
    FUTURE,
    PAST,
    PRESENT,
    in_dateline,
    sentence_bounds,
    sentence_of,
    tense_at,
)
from timeline.temporal.lexicon import number_value, tables
from timeline.temporal.model import Timex
from timeline.temporal.resolve import Reference, Resolved, resolve
from timeline.temporal.rules import (
    DIGIT_FOLLOWERS,
    MONTH_DATA,
    NOT_YEAR_AFTER,
    RULES,
    Rule,
    preceding_word,
    rule_cores,
)
from timeline.temporal.spec import ANAPHORIC, CALENDAR, DEICTIC, Spec

MODES = ("auto", "news", "narrative")
# The tense of an expression's clause from elsewhere (a parse), by its offsets; None: no word.
TenseOf = Callable[[int, int], "tuple[str, bool] | None"]
# A deadline word that opens a sentence: "Until Thursday, they had not ...".
_WORD_BEFORE = re.compile(r"\b(?:until|till|til|by|before|through)\s*$", re.I)
# "until Tuesday", "as early as Friday": whatever the verb's tense, the date lies ahead.
# "23 days til Christmas", "two weeks to go until the election": a countdown's day is ahead.
_LOOKS_AHEAD = re.compile(r"\b(?:until|till|til)(?: at least| as late as| after)?\s+$"
                          r"|\b(?:as (?:soon|early) as|no later than|no earlier than)\s+$"
                          r"|\b(?:\d+|a few|few|several|two|three|four|five|six|seven|eight|nine"
                          r"|ten|eleven|twelve) (?:more )?(?:days|weeks|months|sleeps|hours)"
                          r"(?: to go)?(?: to| until| till| til| before)\s+$", re.I)
# ... but what went on until a day, or stayed closed until it, ended then: "talks continued
# until Wednesday", "negotiators talked until 3 a.m. Wednesday", "the school remained closed
# until Monday", "the road was closed until Tuesday".
_DURATIVE_UNTIL = re.compile(
    r"\b(?:(?:continued|lasted|ran|remained|stayed|lingered|persisted|waited|talked|worked"
    r"|negotiated|met|debated|fought|raged|burned|searched|celebrated|partied|danced|played"
    r"|sat|slept|lived|served|reigned|ruled|went on|dragged on|carried on|held out)"
    r"(?:\s+[a-z]+)?|(?:was|were|had been)\s+(?:closed|shut|open|blocked|sealed|cordoned off))"
    r"\s+(?:until|till|til)\s+$", re.I)
# A day named for what a past sentence prepared for: "police increased security ahead of
# Sunday's rally", "was dissolved ahead of the May 3 election" look ahead; "before Tuesday's
# vote" takes the nearest Tuesday.
_AHEAD_OF = re.compile(r"\b(?P<ahead>ahead of|in advance of|in the run-up to|bracing for"
                       r"|waiting for|awaiting|preparing for|prepared for)"
                       r"(?:\s+(?:the|a|its|their|his|her|next))?\s+$"
                       r"|\bbefore(?:\s+(?:the|a|its|their|his|her))?\s+$", re.I)
# What is booked or called for a day is for a day ahead, whenever it was booked: "spaces for
# July 4 sold out", "had canceled 80 flights for Saturday", "Rooms I priced for mid-August",
# "has called a community meeting for Thursday".
_BOOKED_FOR = re.compile(
    r"\b(?:flights|tickets|seats|spaces|places|reservations|bookings|rooms|tables|appointments"
    r"|slots|sailings|crossings|meeting|hearing|vote|rally|summit|vigil|ceremony|conference"
    r")(?:\s+(?:I|we|you|they|he|she)\s+[a-z]+ed)?\s+for\s+$", re.I)
# The day a meeting was moved from: "postponed from March 17 to June 2".
_MOVED = r"postponed|delayed|moved|pushed back|rescheduled|brought forward"
_MOVED_FROM = re.compile(
    r"\b(?:" + _MOVED + r"|changed|shifted)(?:\s+\w+){0,3}\s+from\s+$", re.I)
# "was postponed to Tuesday", "set sentencing for Thursday": a day put off is ahead.
_RESCHEDULED = re.compile(
    r"\b(?:" + _MOVED + r"|reset|adjourned|deferred|put off|set)(?:\s+\w+){0,2}"
    r"\s+(?:to|until|till|for)\s+$", re.I)
# A weekday that opens a line of a forecast or a listing: "Saturday: Showers likely."
_LISTED = re.compile(r"[ \t]*:[ \t]")
# A commodity's delivery month is ahead, whatever its price did.
_DELIVERY_AFTER = re.compile(r"\s+(?:delivery|contracts?|futures)\b", re.I)
_DELIVERY_BEFORE = re.compile(r"\b(?:delivery\s+(?:in\s+)?|(?:futures|contracts?|crude|oil|gold"
                              r"|Brent|WTI)\s+for\s+)$", re.I)  # "Brent crude futures for January"
# The nouns of a period's figures.
_FIGURES = r"report|reports|data|figures|numbers|statistics|index|readings?"
_REPORT_FOR = re.compile(rf"\b(?:{_FIGURES}|output|sales)\s+for\s+$", re.I)
_MEETING_AFTER = re.compile(r"\s+(?:policy\s+)?(?:meeting|meetings|session|summit|review"
                            r"|decision)\b", re.I)
# A month's figures: "the August jobs report", "September inflation data", "the May sales pace".
_DATA_AFTER = re.compile(rf"(?:\s+[\w-]+){{0,2}}?\s+(?:{_FIGURES}|payrolls|survey|pace)\b", re.I)
_MINUTES_OF = re.compile(r"\bminutes of (?:its|the|their) $", re.I)  # "minutes of its June meeting"
# A period's results are reported once it is over or under way.
_RESULTS_AFTER = re.compile(r"(?:\s+(?:earnings|financial|operating|sales|profit))?\s+"
                            r"(?:results|earnings|figures|numbers|report|reports|statements)\b",
                            re.I)


@dataclass(slots=True)
class _Candidate:
    start: int
    end: int
    rule: Rule
    spec: Spec
    # A clock and the day after its "on", resolved as one ("until midnight on Thursday") and
    # written as two, as TimeML does: the day's start and its own meaning.
    day_at: int | None = None
    day_spec: Spec | None = None


# How far a match may reach before its first core word and after its last one, in characters:
# "the very beginning of the following" ... "year"; "days" ... "or so ago". A number and its
# hedges reach further: "not more than an additional ninety thousand and seventy" ... "years".
_BEFORE, _BEFORE_NUMBERS, _AFTER = 48, 96, 48
_NUMBERS_BEFORE_CORE = frozenset({"duration", "ago"})
_WORDS = re.compile(r"[^\W\d_]+|\d+")


@cache
def _cores() -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]],
                     dict[str, tuple[int, ...]]]:
    return rule_cores()


_REACH = [_BEFORE_NUMBERS if rule.name in _NUMBERS_BEFORE_CORE else _BEFORE for rule in RULES]


def _candidates(text: str) -> list[_Candidate]:
    """What every rule matches, each rule run only in the stretches around its core words.

    Running the 44 rules over every character costs five times what tokenizing does; most of
    a news text holds no word any given rule needs."""
    by_word, digits, year_digits = _cores()
    windows: list[list[list[int]]] = [[] for _ in RULES]
    for m in _WORDS.finditer(text):
        word = m.group()
        if word[0].isdigit():
            after = text[m.end():m.end() + 1]
            rules = (year_digits if len(word) == 4 else digits).get(
                "a" if after.isalpha() else DIGIT_FOLLOWERS.get(after, ""))
        else:
            rules = by_word.get(word.lower())
        if not rules:
            continue
        start, hi = m.start(), m.end() + _AFTER
        for index in rules:
            lo = start - _REACH[index]
            spans = windows[index]
            if spans and spans[-1][1] >= lo:
                spans[-1][1] = hi
            else:
                spans.append([lo, hi])
    found = []
    for rule, spans in zip(RULES, windows, strict=True):
        for m in _matches_near(rule.regex, text, spans):
            spec = rule.build(m, text)
            if spec is not None:
                found.append(_Candidate(m.start(), m.end(), rule, spec))
    return found


def _matches_near(regex: re.Pattern, text: str, spans: list[list[int]]) -> Iterator[re.Match]:
    """The non-empty matches ``regex.finditer(text)`` gives that start inside ``spans``."""
    n = len(text)
    pos = 0
    for lo, hi in spans:
        pos, hi = max(pos, lo, 0), min(hi, n)
        while pos < hi:
            m = regex.search(text, pos, hi)
            if m is None:
                break
            if m.end() == hi < n:  # cut off by the window's end: match the whole text there
                m = regex.match(text, m.start())
                if m is None:
                    pos += 1
                    continue
            if m.end() == m.start():
                pos = m.end() + 1
                continue
            yield m
            pos = m.end()


def _candidates_everywhere(text: str) -> list[_Candidate]:
    """Every rule over the whole text: what ``_candidates`` must equal (for the tests)."""
    found = []
    for rule in RULES:
        for m in rule.regex.finditer(text):
            if m.end() == m.start():
                continue
            spec = rule.build(m, text)
            if spec is not None:
                found.append(_Candidate(m.start(), m.end(), rule, spec))
    return found


_BREAK = re.compile(r"[.!?\n]")


def _within_sentences(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """No expression runs across a sentence or paragraph break ("in MARCH\n\n5 people"), and
    none starts a hashtag: "#Friday", "#Christmas" label a post, they do not date it."""
    starts = sentence_bounds(text)
    return [c for c in cands if text[c.start - 1:c.start] != "#" and (
        # only a stop or a line break can end a sentence inside an expression
        not _BREAK.search(text, c.start, c.end) or c.end <= sentence_of(starts, text, c.start)[1])]


def _select(cands: list[_Candidate]) -> list[_Candidate]:
    """Longest first, then rule priority; keep those that overlap nothing already kept."""
    cands.sort(key=lambda c: (-(c.end - c.start), -c.rule.priority, c.start))
    taken: list[_Candidate] = []
    covered = bytearray(max((c.end for c in cands), default=0))  # 1 where a kept span is
    for c in cands:
        if covered.find(1, c.start, c.end) >= 0:
            continue
        taken.append(c)
        covered[c.start:c.end] = b"\x01" * (c.end - c.start)
    taken.sort(key=lambda c: c.start)
    return taken


# Ranges are two expressions in TimeML. "10-12 October", "April 8-12", "May 4 and 5", "from 12
# to 14 July", "May 2 - 3, 9 - 10": the other end of a range of days is a date in the same
# month. A list goes on only in pairs ("June 3, 10 people" is not June 10).
_DAY_BEFORE = re.compile(r"(?<![\d:./,-])(\d{1,2})\s*(?:[-–—]|\bto|\band|\bor)\s*$")
_DAY_AFTER = re.compile(r"\s*(?:[-–—]|\band\b|\bor\b|\bto\b|\bthrough\b)\s*(\d{1,2})"
                        r"(?![\d:%]|[.,]\d|\s*(?:[ap]\.?m\b|%))")
_DAY_PAIR = re.compile(r"\s*,\s*(\d{1,2})\s*[-–]\s*(\d{1,2})(?![\d:%]|[.,]\d)")
_RANGE_YEAR = re.compile(r",?\s+((?:1\d|20)\d\d)(?![\d,]\d)")
_MONTH_DAY_RULES = frozenset({"month_day_year", "day_month_year"})


def _day_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """The days that share the month of a date next to them: "[10]-[12 October]",
    "[March 5]-[9, 1918]"."""
    out = list(cands)
    for c in cands:
        when = c.spec.when
        if c.rule.name not in _MONTH_DAY_RULES or when is None or when.day is None:
            continue
        days: list[tuple[int, int, int]] = []
        before = _DAY_BEFORE.search(text, max(0, c.start - 10), c.start)
        if before and text[c.start].isdigit() and int(before[1]) < when.day:
            days.append((before.start(1), before.end(1), int(before[1])))
        after = _DAY_AFTER.match(text, c.end)
        if (after and text[c.end - 1].isdigit() and when.year is None and int(after[1]) > when.day
                and not NOT_YEAR_AFTER.match(text, after.end(1))):  # "May 5 - 6 percent"
            end, year = after.end(1), _RANGE_YEAR.match(text, after.end(1))
            if year:  # the year closes the range: it is the year of both ends
                end, when = year.end(1), replace(when, year=int(year[1]))
                out = [o for o in out if not after.end(1) <= o.start < end]
                out[out.index(c)] = replace(c, spec=replace(c.spec, when=when))
            days.append((after.start(1), end, int(after[1])))
            pos, last = after.end(), int(after[1])
            while (not year and (pair := _DAY_PAIR.match(text, pos))
                   and last < int(pair[1]) < int(pair[2])):
                days += [(pair.start(i), pair.end(i), int(pair[i])) for i in (1, 2)]
                pos, last = pair.end(), int(pair[2])
        for start, end, day in days:
            if (valid_day(when.year or 2000, when.month, day)
                    and not any(o.start < end and start < o.end for o in out)):
                spec = replace(c.spec, when=replace(when, day=day), weekday=None)
                out.append(_Candidate(start, end, c.rule, spec))
    out.sort(key=lambda c: c.start)
    return out


# "1915-17", "the 1998-99 season": the second year in two digits, in the century of the first.
_YEAR_AFTER = re.compile(r"[-–/](\d\d)(?![\w]|[.,]\d)")


def _year_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """``cands`` and the second years of the ranges of years they open."""
    out: list[_Candidate] = []
    for n, c in enumerate(cands):
        out.append(c)
        when = c.spec.when
        if (c.rule.name != "year" or when is None or when.gran != "year" or when.bc
                or c.end - c.start != 4 or c.spec.unit is not None):
            continue
        m = _YEAR_AFTER.match(text, c.end)
        if m and (n + 1 == len(cands) or cands[n + 1].start >= m.end(1)):
            second = when.year // 100 * 100 + int(m[1])
            second += 100 if second <= when.year else 0
            out.append(_Candidate(m.start(1), m.end(1), c.rule, replace(
                c.spec, when=replace(when, year=second), mod=None)))
    return out


# The first year of a range whose second is BC: "(499-493 BC)", "from 264 to 241 BC".
_BC_RANGE_START = re.compile(r"(?<![\w.,$])(\d{1,4})(?:\s*[-–]\s*|\s+to\s+)$"
                             r"|\b[Bb]etween\s+(\d{1,4})\s+and\s+$")


def _bc_ranges(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """``cands`` and the first years of the BC ranges they close."""
    out: list[_Candidate] = []
    for c in cands:
        when = c.spec.when
        m = None
        if c.rule.name == "bc_year" and when is not None and when.bc and c.spec.mod is None:
            m = _BC_RANGE_START.search(text, max(0, c.start - 20), c.start)
        g = 1 if m and m[1] else 2  # "from 1200 to 300 BC", "between 264 and 146 BC"
        if m and int(m[g]) > when.year:
            if out and (out[-1].start, out[-1].end) == m.span(g) and out[-1].rule.name == "year":
                out.pop()  # "from 1200 to 300 BC": 1200 BC
            if not out or out[-1].end <= m.start(g):
                out.append(_Candidate(m.start(g), m.end(g), c.rule, replace(
                    c.spec, when=replace(when, year=int(m[g])))))
        out.append(c)
    return out


def _shared_years(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """A month or season joined to a dated one takes its year: "between March and April 1918",
    "the spring and early summer of 1943" (and "from November to February 1990": 1989); a
    day of the month joined to a date takes its month: "from the 13th to the 19th of October"."""
    out = list(cands)
    for n, (c, d) in enumerate(zip(cands, cands[1:], strict=False)):
        join = _SHARED_YEAR.fullmatch(text, c.end, d.start)
        if join and c.spec.unit == "day_of_month" and (then := d.spec.when) is not None and \
                then.month is not None and then.day is not None and not d.spec.unit:
            # "from the 13th to the 19th of October 1950": the day of that month
            day = c.spec.offset if valid_day(then.year or 2000, then.month, c.spec.offset) \
                else None
            when = When("day", then.year, then.month, day, bc=then.bc)
            out[n] = replace(c, spec=replace(c.spec, unit=None, offset=0, anchor=CALENDAR,
                                             when=when))
            continue
        if join is None or not _takes_year_of(c.spec, d.spec):
            continue
        when, then = c.spec.when, d.spec.when
        year = then.year
        if (join["to"] or join["dash"]) and when.gran != "season" and \
                (when.month, when.day or 0) > (then.month, then.day or 0):
            year += 1 if then.bc else -1  # "from November to February 1990"
        out[n] = replace(c, spec=replace(c.spec, when=replace(when, year=year, bc=then.bc)))
    return out


def _takes_year_of(first: Spec, second: Spec) -> bool:
    """Whether ``first`` (a month, season or month-day with no year, no weekday, no "next")
    may take the year of ``second`` (one of the same granularity with a year). Seasons do,
    winters too: a winter is named by the year of its January, so "the winter-spring of 1920"
    is 1920-WI (from December 1919), and "the fall and winter of 1943" begins in 1943-FA."""
    when, then = first.when, second.when
    if when is None or then is None or when.year is not None or then.year is None:
        return False
    if first.unit is not None or second.unit is not None or first.direction or first.weekday \
            is not None or when.bc or when.gran != then.gran:
        return False
    return when.gran in ("month", "season") or (when.gran == "day" and when.month is not None)


_SHARED_YEAR = re.compile(r"\s+(?:and|or|(?P<to>to|through|until|till))\s+|\s*(?P<dash>[-–])\s*")


_DURATION_JOIN = re.compile(r"\s*(?:,\s*|\s(?:and|&)\s+)?")
_DURATION_PARTS = re.compile(r"P(?!$)((?:\d+Y)?(?:\d+M)?(?:\d+W)?(?:\d+D)?)"
                             r"(?:T((?:\d+H)?(?:\d+M)?(?:\d+S)?))?")
_ORDER = "YMWD", "HMS"
# How many of the second unit make one of the first: "two years and 14 months" lists two.
_CARRY = {((0, "Y"), (0, "M")): 12, ((0, "Y"), (0, "W")): 53, ((0, "M"), (0, "W")): 5,
          ((0, "M"), (0, "D")): 31, ((0, "W"), (0, "D")): 7, ((0, "D"), (1, "H")): 24,
          ((1, "H"), (1, "M")): 60, ((1, "M"), (1, "S")): 60}


# "Ten years ago today", "a week ago today", "Five years ago this week": one date, the day
# (week, month) of publication that many units back.
_AGO_THIS = {"today": "day", "this week": "week", "this month": "month"}
_FINER = {"day": ("week", "month", "year", "decade"), "week": ("month", "year", "decade"),
          "month": ("year", "decade")}


def _merge_ago_today(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """``cands`` with each "N units ago" and the "today" / "this week" / "this month" right
    after it one candidate, at the finer granularity."""
    out: list[_Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        gran = _AGO_THIS.get(" ".join(text[c.start:c.end].lower().split()))
        if (gran is not None and prev is not None and prev.rule.name == "ago"
                and prev.spec.anchor == DEICTIC and prev.spec.offset < 0
                and prev.spec.unit in _FINER[gran] and not text[prev.end:c.start].strip(" \t")):
            spec = replace(prev.spec, gran=gran, follow_quarter=False)
            out[-1] = _Candidate(prev.start, c.end, prev.rule, spec)
            continue
        out.append(c)
    return out


def _merge_durations(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """ "an hour thirty minutes", "two hours and 17 minutes", "three years and four months":
    one DURATION (PT1H30M), when the second unit is smaller than the first."""
    out: list[_Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        if (prev is not None and "\n" not in text[prev.end:c.start]
                and _DURATION_JOIN.fullmatch(text, prev.end, c.start)):
            value = _sum_durations(prev.spec, c.spec)
            if value is not None:
                out[-1] = _Candidate(prev.start, c.end, prev.rule, replace(prev.spec, value=value))
                continue
        out.append(c)
    return out


def _sum_durations(first: Spec, second: Spec) -> str | None:
    """P1Y + P4M = P1Y4M, PT1H + PT30M = PT1H30M, P2D + PT3H = P2DT3H; None unless both are
    plain counted durations and the second's units all come after the first's. The first may
    carry a hedge for both ("about an hour and 45 minutes")."""
    if first.type != "DURATION" or second.type != "DURATION" or second.mod:
        return None
    a, b = (_DURATION_PARTS.fullmatch(s.value or "") for s in (first, second))
    if a is None or b is None:
        return None
    units = [(i, u) for m in (a, b) for i, part in enumerate(m.groups())
             for u in re.findall(r"[A-Z]", part or "")]
    split = len(re.findall(r"[A-Z]", (a[1] or "") + (a[2] or "")))
    rank = [(i, _ORDER[i].index(u)) for i, u in units]
    if not rank[:split] or not rank[split:] or max(rank[:split]) >= min(rank[split:]):
        return None
    carry = _CARRY.get((units[split - 1], units[split]))
    if carry is not None and int(re.match(r"\d+", (b[1] or "") + (b[2] or ""))[0]) >= carry:
        return None  # "three years, 18 months": two durations, not P3Y18M
    date = (a[1] or "") + (b[1] or "")
    time = (a[2] or "") + (b[2] or "")
    return "P" + date + ("T" + time if time else "")


_JOIN = re.compile(r"\s*,?\s*(?:on\s+)?$")
_ON = re.compile(r"\bon\s+$")
_CLOCK_RANGE_GAP = re.compile(r"\s*(?:to|until|till|[-–])\s*", re.I)
_DAY_RANGE_END = re.compile(r"(?:\b(?:through|thru|to|until|till)|[-–])\s*$", re.I)


def _at_clock(days: str, clock: Spec) -> str:
    """The value of ``clock``'s hour on ``days`` ("XXXX-WXX-7" -> "XXXX-WXX-7T14:00")."""
    return f"{days}T{clock.hour:02d}:{clock.minute or 0:02d}"


def _of_any_day(text: str, prev: _Candidate | None, gap: str) -> bool:
    """Whether a clock after ``prev`` and ``gap`` is the hour of any of some days, not of one:
    "airs Sundays at 9pm", "every night at 10", "open Monday through Saturday, 9 a.m. to 9 p.m."
    (both clocks)."""
    if prev is None:
        return False
    if _AT_JOIN.fullmatch(gap):
        return _is_daily_set(prev) or (prev.spec.type == "SET" and prev.spec.value == "P1D")
    if "," in gap and _JOIN.match(gap) and prev.spec.weekday is not None:
        return _DAY_RANGE_END.search(text, max(0, prev.start - 12), prev.start) is not None
    return _is_clock(prev) and (prev.spec.value or "").startswith("XXXX-XX-XXT") and \
        _CLOCK_RANGE_GAP.fullmatch(gap) is not None
_AT_JOIN = re.compile(r"[ \t]+at[ \t]+(?:about[ \t]+|around[ \t]+)?")
_PART_OF = re.compile(r"(?:early in )?the (?:early |late )?(?P<p>morning|afternoon|evening|night)"
                      r"(?: hours)? of\s+$", re.I)
_PART_CODES = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


# The bare hour that opens a clock range: "from 9 to 11 a.m.", "5-7pm", "between 2 and 3 p.m.".
_HOUR_BEFORE = re.compile(r"(?<![\w.,:/$£€-])(?P<h>1[0-2]|0?[1-9])(?::(?P<mi>[0-5]\d))?"
                          r"(?P<gap>\s*(?:to|until|till|[-–])\s*|\s+and\s+)$", re.I)
_RANGE_START = re.compile(r"(?:\b(?:from|between)\s+|^|[\s(@]|\bat\s+)$", re.I)


def _clock_range_starts(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """``cands`` and the bare hours that open the ranges their clocks close, in the end's
    half of the day unless that would put the start after the end ("11 to 1 p.m.")."""
    out: list[_Candidate] = []
    for c in cands:
        m = _HOUR_BEFORE.search(text, max(0, c.start - 12), c.start) if (
            _is_clock(c) and _AM_PM.search(text, c.start, c.end)) else None
        if m is not None and (not out or out[-1].end <= m.start()) and (
                "and" not in m["gap"].lower() or _BETWEEN.search(text, max(0, m.start() - 9),
                                                                m.start())) and \
                _RANGE_START.search(text, max(0, m.start() - 9), m.start()):
            hour, minute = int(m["h"]) % 12, int(m["mi"] or 0)
            end_hour = c.spec.hour
            if end_hour >= 12 and (hour + 12, minute) <= (end_hour, c.spec.minute or 0):
                hour += 12  # "5-7pm": 17:00; "11 to 1 p.m.": 11:00
            spec = replace(c.spec, hour=hour, minute=minute, mod=None)
            out.append(_Candidate(m.start(), m.start("gap"), c.rule, spec))
        out.append(c)
    return out


def _merge_clock_with_day(text: str, cands: list[_Candidate]) -> list[_Candidate]:
    """ "10 a.m. Tuesday" / "Tuesday, 10 a.m." -> one TIME whose day is the date's."""
    out: list[_Candidate] = []
    for c in cands:
        prev = out[-1] if out else None
        part_of = _PART_OF.search(text, max(0, c.start - 40), c.start)
        if part_of and _is_day(c):  # "the night of 20 June 1791"
            if prev is not None and prev.end > part_of.start():
                out.pop()
            spec = replace(c.spec, type="TIME", part=_PART_CODES[part_of["p"].lower()])
            out.append(_Candidate(part_of.start(), c.end, c.rule, spec))
            continue
        gap = text[prev.end:c.start] if prev is not None else "\n"
        if prev is not None and _is_clock(prev) and _is_daily_set(c) and \
                "T" not in c.spec.value and re.fullmatch(r"[ \t]+(?:on[ \t]+)?", gap):
            # "Matinees play at 2 p.m. Sundays": that hour of every such day
            value = _at_clock(c.spec.value, prev.spec)
            out[-1] = _Candidate(prev.start, c.end, c.rule, replace(c.spec, value=value))
            continue
        if _JOIN.match(gap) and "\n" not in gap and _is_clock(c) and _is_daily_set(prev):
            # "every nite 10pm", "every Monday 9am": the set's days at that time
            value = _at_clock(prev.spec.value.split("T")[0], c.spec)
            out[-1] = _Candidate(prev.start, c.end, prev.rule, replace(prev.spec, value=value))
            continue
        if _is_clock(c) and _of_any_day(text, prev, gap):
            out.append(replace(c, spec=replace(c.spec, value=_at_clock("XXXX-XX-XX", c.spec))))
            continue
        if _JOIN.match(gap) and "\n" not in gap and not _opens_next_sentence(text, prev, c):
            clock, day = (prev, c) if _is_clock(prev) else (c, prev)
            hour = clock.spec.hour if _is_clock(clock) else None
            if hour is not None and hour < 12 and day.spec.part in ("AF", "EV", "NI") and \
                    not _in_part(hour, day.spec.part) and _in_part(hour + 12, day.spec.part) \
                    and not _AM_PM.search(text, clock.start, clock.end):
                hour += 12  # "at 9:30 tonight", "6:30 Friday night": the evening's hour
            if hour is not None and (_is_day(day) or (_is_day(replace(day, spec=replace(
                    day.spec, part=None))) and _in_part(hour, day.spec.part))):
                # "7pm tonight", "Friday night, 10pm"; not "at noon, Tuesday night"
                spec = replace(day.spec, type="TIME", hour=hour,
                               minute=clock.spec.minute or 0, part=None, mod=clock.spec.mod)
                on = clock is prev and _ON.search(gap) is not None
                out[-1] = _Candidate(prev.start, c.end, day.rule, spec,
                                     c.start if on else None, c.spec if on else None)
                continue
        out.append(c)
    for i, c in enumerate(out):  # "At 5:34 AM Baghdad time on March 20, 2003": its day
        if not _is_clock(c):
            continue
        if i + 1 < len(out) and _is_clock_on_day(out[i + 1]) and \
                _joins_range(text, c.start, c.end, out[i + 1].start):
            # "from 9 a.m. to 3 p.m. Saturday": the range's start is on its end's day
            out[i] = replace(c, spec=replace(out[i + 1].spec, hour=c.spec.hour,
                                             minute=c.spec.minute or 0, mod=c.spec.mod))
            continue
        # the day may come after a clock in brackets: "10:35 a.m. (0735 GMT) Friday"
        for day in out[i + 1:i + 3]:
            if _is_day(day) and _CLOCK_THEN_DAY.fullmatch(text, c.end, day.start):
                out[i] = replace(c, spec=replace(day.spec, type="TIME", hour=c.spec.hour,
                                                 minute=c.spec.minute or 0, part=None,
                                                 mod=c.spec.mod))
                break
    return out


def _opens_next_sentence(text: str, prev: _Candidate, c: _Candidate) -> bool:
    """Whether ``c`` opens the sentence after a clock that ends the one before: "struck at
    11:11 p.m. Three days later, ..." (not "at 10 a.m. Tuesday", "at 9 p.m. Jan. 5")."""
    if not text.startswith(".", prev.end - 1) or not text[c.start:c.start + 1].isupper():
        return False
    word = re.match(r"[A-Za-z]+", text[c.start:c.end])
    return word is not None and word.group().lower() not in _names_after_clock()


@cache
def _names_after_clock() -> frozenset[str]:
    t = tables()
    return frozenset([*t["weekday"], *t["weekday_abbr"], *t["month"], *t["month_abbr"]])


# "At 5:34 AM Baghdad time on March 20", "at about 10:35 a.m. (0735 GMT) Friday", "at 3:42
# a.m. local time (1942 GMT) on Monday"
_CLOCK_THEN_DAY = re.compile(r"(?:[ \t]+[A-Za-z]+){0,3}[ \t]+on[ \t]+"
                             r"|(?:[ \t]+[A-Za-z]+){0,2}[ \t]*\([^()\n]{1,30}\)[ \t]+(?:on[ \t]+)?")


# The hours a part of the day may hold: "9 a.m. this morning", "Friday night, 1 a.m.".
_PART_HOURS = {"MO": range(0, 12), "AF": range(12, 19), "EV": range(16, 24),
               "NI": (*range(18, 24), *range(0, 6))}


def _in_part(hour: int, part: str | None) -> bool:
    return hour in _PART_HOURS.get(part, range(24))


def _is_daily_set(c: _Candidate | None) -> bool:
    """A set of days or of parts of days: "every night", "every Monday" (not "every week")."""
    return c is not None and c.spec.type == "SET" and c.spec.value is not None and bool(
        re.fullmatch(r"XXXX-(?:XX-XX|WXX-[1-7])(?:T[A-Z]{2})?", c.spec.value))


_AM_PM = re.compile(r"[ap]\.?m\b|\bnoon|\bmidnight", re.I)  # not "o'clock": "10 o'clock tonight"


def _is_clock_on_day(c: _Candidate) -> bool:
    """A clock time joined to its day: "3 p.m. Saturday", "10 a.m. on March 5"."""
    s = c.spec
    return s.type == "TIME" and s.hour is not None and not _is_clock(c) and _is_day(
        replace(c, spec=replace(s, hour=None, minute=None)))


def _is_clock(c: _Candidate) -> bool:
    return c.spec.hour is not None and c.spec.unit == "day" and c.spec.offset == 0 \
        and c.spec.weekday is None and c.rule.name != "deictic_day"


def _is_day(c: _Candidate) -> bool:
    s = c.spec
    if s.value is not None or s.part is not None or s.hour is not None:
        return False
    if s.weekday is not None or s.holiday:
        return True
    if s.when is not None and s.when.gran == "day" and s.unit is None:
        return True
    return s.unit == "day" and s.gran == "day"


def _is_narrative(text: str, cands: list[_Candidate], dct: dt.date | None) -> bool:
    """A document is narrative when its explicit years lie mostly far from its date."""
    if dct is None:
        return True
    dated = [c for c in cands
             if c.spec.when is not None and c.spec.when.year is not None and c.spec.unit is None]
    years = [-c.spec.when.year if c.spec.when.bc else c.spec.when.year for c in dated]
    # "Eighty years ago, Allied soldiers waded ashore": an anniversary's frame, which opens the
    # story and dates it as a far year does, not from the publication's day
    frame = cands[0] if cands and _far_ago(cands[0]) else None
    if frame is not None:
        years.append(dct.year + frame.spec.offset)
    first = cands[0].spec.when if cands else None
    opens_far = frame is not None or (first is not None and first.year is not None
                                      and abs(_signed_year(first) - dct.year) > 2)
    if not years:
        return False
    far = sum(abs(y - dct.year) > 2 for y in years)
    # News speaks from its date: weekdays, "yesterday", "last week" ...; histories rarely do.
    # Weekdays just after a dated day are that story's: "On Sunday, 7 December 1941, Japanese
    # aircraft attacked Pearl Harbor. On Monday Roosevelt addressed Congress".
    news_cues, told_day = 0, False
    coda = 0  # the cues in the last quarter of the text: a history's closing present
    # (or in its last paragraph: "Today, as world leaders gather at the American cemetery")
    close = min(0.75 * len(text), max(text.rfind("\n\n"), 0.5 * len(text)))
    for c in cands:
        if c.spec.weekday is not None and c.spec.direction is None and told_day:
            continue  # told in order after the day
        cue = c.spec.news_cue and not _generic_today(text, c) and c is not frame
        news_cues += cue
        coda += cue and c.start > close
        told_day = _dated_day(c, dct) or (told_day and c.spec.weekday is not None
                                          and c.spec.direction is None)
    if len(years) < 3:  # a short passage: narrative if all its years are far and nothing deictic
        # (a clock given in a zone is the wire's: "Brent was up 7.1% at 0945 GMT")
        zoned = any(c.spec.hour is not None and _ZONED.search(text, c.start, c.end) for c in cands)
        # nor is a year after "since" a story's time: "its weakest result since 2009"
        told = any(preceding_word(text, c.start) != "since" for c in dated)
        return far == len(years) and news_cues == 0 and not zoned and told
    if len(years) >= 20 and news_cues < len(years) / 10:
        return True  # a long chronicle, even of recent years, that rarely speaks from its date
    if far / len(years) > 0.8 and news_cues == coda and (
            len(years) >= 10 or (len(years) >= 5 and opens_far)):
        # a history of many far years that speaks from its date only at its close ("Today
        # Estmark buys launches abroad ... It recorded 392 million journeys last year"), or
        # of fewer that opens far back, as an anniversary's does ("At 11 a.m. on November 11,
        # 1918, the guns fell silent ... Today, ceremonies will be held")
        return True
    return (far / len(years) > 0.6 and abs(statistics.median(years) - dct.year) > 3
            and news_cues < max(1, len(years) / 10))


def _far_ago(c: _Candidate) -> bool:
    """ "Eighty years ago", "a decade ago": ten years or more counted back from publication (not
    "semi-finalists four years ago")."""
    s = c.spec
    return s.unit in ("year", "decade") and s.anchor == DEICTIC and s.offset is not None and \
        s.when is None and s.offset * (10 if s.unit == "decade" else 1) <= -10 and \
        s.hour is None and s.weekday is None


_ZONED = re.compile(r"\b(?:GMT|UTC|ET|EST|EDT|PST|PDT|CET|BST)\b")


def _generic_today(text: str, c: _Candidate) -> bool:
    """ "Today the site is a park", "the church survives today": the present of a history,
    which does not speak from the document's date as "said today" or "will vote today" do."""
    if text[c.start:c.end].lower() != "today":
        return False
    sentence = sentence_of(sentence_bounds(text), text, c.start)
    tense, _ = tense_at(text, sentence, c.start, c.end)
    # "Shares are trading lower today" is news; "Today the site is a park" opens a history's
    # present, as "The battle is today remembered" tells of one (not "is today expected to")
    return tense is None or (tense == PRESENT and (
        not text[sentence[0]:c.start].strip(" \"'“")
        or _STATE_TODAY.match(text, c.end) is not None and
        text[max(0, c.start - 5):c.start].lower().endswith((" is ", " are "))))


# A state that "is today" what a history made it: remembered, known, regarded as ...
_STATE_TODAY = re.compile(r"\s+(?:remembered|known|regarded|considered|seen|celebrated"
                          r"|commemorated|honou?red|preserved|displayed|housed|kept|buried"
                          r"|called|named|used|owned|run)\b")


def _dated_day(c: _Candidate, dct: dt.date) -> bool:
    """Whether ``c`` names a day, with its year, long before the document's date."""
    w = c.spec.when
    return w is not None and w.year is not None and w.day is not None and \
        dct.year - _signed_year(w) > 2


def _as_date(dct: str | dt.date | None) -> dt.date | None:
    if dct is None or isinstance(dct, dt.date):
        return dct.date() if isinstance(dct, dt.datetime) else dct
    text = str(dct).strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        if re.fullmatch(r"\d{8}", text[:8]):
            return dt.date(int(text[:4]), int(text[4:6]), int(text[6:8]))
        raise ValueError(f"not an ISO date: {dct!r}") from None


def tag(text: str, dct: str | dt.date | None = None, *, mode: str = "auto",
        tense: TenseOf | None = None) -> list[Timex]:
    """Return the temporal expressions of ``text``, in order, resolved against ``dct``.

    ``dct`` is the document creation (publication) date, as a ``date`` or an ISO string; without
    it, relative expressions keep unknown parts (``XXXX-XX-XX``). ``mode`` is ``auto`` (decide
    per document), ``news`` (anchor to the DCT) or ``narrative`` (anchor to the last date).
    ``tense``, given an expression's (start, end) offsets, returns the tense of its clause and
    whether it is certain, or None to let the words decide (a parse's: ``timeline.parse``).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
    day = _as_date(dct)
    original = text
    if any(chr(c) in text for c in _APOSTROPHES):
        text = text.translate(_APOSTROPHES)  # "today’s": one character for one
    cands = [c for c in _select(_within_sentences(text, _candidates(text)))
             if not _in_quoted_title(text, c.start, c.end)]
    cands = _merge_ago_today(text, _merge_durations(text, cands))
    cands = _merge_clock_with_day(text, _clock_range_starts(
        text, _year_ranges(text, _day_ranges(text, cands))))
    cands = _bc_ranges(text, cands)
    cands = _shared_years(text, cands)
    narrative = mode == "narrative" or (mode == "auto" and _is_narrative(text, cands, day))
    out = _resolve_all(text, cands, day, narrative, tense)
    if original is not text:
        out = [replace(t, text=original[t.start:t.end]) for t in out]
    return out


# Typographic apostrophes, as phones and publishing systems write them, read as the plain one.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'"})


def _resolve_all(text: str, cands: list[_Candidate], dct: dt.date | None,
                 narrative: bool, tense_of: TenseOf | None = None) -> list[Timex]:
    starts = sentence_bounds(text)
    previous: When | None = None
    story_before: When | None = None  # the story's date before ``previous``
    moved = -1  # the index of the expression that set ``previous``
    quarter: When | None = None
    reported_years: set[int] = set()  # the years of the quarters named that had ended
    day_in_sentence: tuple[tuple[int, int], When] | None = None
    story_day: tuple[tuple[int, int], When] | None = None  # the last day of its sentence
    day_told = False  # whether ``day_in_sentence`` was counted from a day before it
    topic_year: tuple[tuple[int, int], int] | None = None  # the year a sentence opens with
    background = False  # whether ``previous`` is a news story's background, not its time
    span: tuple[When, When] | None = None  # the range a history just gave, while it is told
    opened: When | None = None  # what the expression before resolved to
    out: list[Timex] = []
    resolved: list[tuple[_Candidate, When | None]] = []  # what each of ``out`` came from
    named_years = [_named_year(c) for c in cands]
    told: tuple[tuple[int, int], str] | None = None  # the last tense found, in its sentence
    # the last past day of a sentence, and where it ends: "said on Wednesday that ..."
    said_day: tuple[tuple[int, int], When, int] | None = None
    # a date of a plan in a history, kept out of its story, and its sentence
    plan: tuple[tuple[int, int], When, int] | None = None
    done_day: tuple[tuple[int, int], When, str] | None = None  # "Friday's earthquake"
    few_years = sum(y is not None for y in named_years) <= FEW_YEARS
    for index, c in enumerate(cands):
        told_on = False  # whether ``c`` goes on with a story told day by day
        sentence = sentence_of(starts, text, c.start)
        parsed = tense_of(c.start, c.end) if tense_of is not None else None
        tense, certain = parsed or tense_at(text, sentence, c.start, c.end)
        clause_tense = tense
        if tense is None and told is not None and told[0] == sentence and \
                preceding_word(text, c.start) not in ("by", "before"):
            # "camps in July and the exam in Jun": one tense; not "a storm bore down on Tuesday,
            # and forecasters warned of snow before it tapers off by Thursday", whose "by"
            # with no verb of its own looks ahead (below)
            tense, certain = told[1], False
        elif tense is not None:
            told = (sentence, tense)
        # A deadline a past sentence sets may lie ahead ("extended until Friday"); one that
        # opens its sentence is read with the sentence's verb ("Until Thursday, they had not").
        target = False  # a target the past sentence sets, ahead or behind
        opens = c.start - sentence[0] <= 12 and not _WORD_BEFORE.sub(
            "", text[sentence[0]:c.start]).strip()
        if not (opens and certain):
            if tense == PAST and preceding_word(text, c.start) in DEADLINE_WORDS and \
                    c.spec.unit != "night_by_tense":  # "searched through the night": no deadline
                # a target ahead or behind ("pushed the opener back to Friday"), not the end
                # of a range told in the past ("from Oct. 14 to Thursday")
                word = preceding_word(text, c.start)
                lasted = word in ("until", "till", "til") and _DURATIVE_UNTIL.search(
                    text, max(0, c.start - 30), c.start) is not None
                tense, target = PAST if lasted else None, ((word == "to" and not _BACK_TO.search(
                    text, max(sentence[0], c.start - 30), c.start)) or (
                    word in ("until", "till", "til") and bool(
                        _PUT_OFF.search(text, max(sentence[0], c.start - 60), c.start)))) and \
                    not _FROM_BEFORE.search(text, max(sentence[0], c.start - 45), c.start)
            elif tense in (PRESENT, None) and not certain and \
                    preceding_word(text, c.start) in ("by", "before") and \
                    not text.startswith(("'s", "’s"), c.end):
                # "terminated if the deal does not close by Dec. 31"; not "before Friday's
                # purchases is far below", whose verb is not the day's
                tense = FUTURE
            if (_LOOKS_AHEAD.search(text, max(0, c.start - 25), c.start)
                    and not _DURATIVE_UNTIL.search(text, max(0, c.start - 30), c.start)) or \
                    _RESCHEDULED.search(text, max(0, c.start - 40), c.start) or \
                    _BOOKED_FOR.search(text, max(0, c.start - 40), c.start):
                tense, certain = FUTURE, False
            elif tense != FUTURE and (
                    ahead := _AHEAD_OF.search(text, max(0, c.start - 30), c.start)):
                tense, certain = (FUTURE, False) if ahead["ahead"] else (None, False)
            elif tense == PAST and _MOVED_FROM.search(text, max(0, c.start - 50), c.start):
                tense = None
        if c.spec.when is not None and tense == FUTURE and (
                (c.spec.when.gran in ("quarter", "half") and _RESULTS_AFTER.match(text, c.end))
                or (c.spec.when.gran == "month" and (
                    _DATA_AFTER.match(text, c.end)
                    or _MINUTES_OF.search(text, max(0, c.start - 25), c.start)))):
            # "will report fourth-quarter results", "the August jobs report will show": the
            # nearest period reported on, under way or over, not next year's
            tense, certain = None, False
        if c.spec.when is not None and c.spec.when.gran == "month" and (
                _DELIVERY_AFTER.match(text, c.end)
                or _DELIVERY_BEFORE.search(text, max(0, c.start - 25), c.start)):
            tense, certain = FUTURE, True  # "crude for January delivery slid 52 cents"
        elif _reported_month(text, c):
            tense, certain = None, False
        if c.spec.when is not None and c.spec.when.day is not None and \
                c.spec.when.year is None and c.spec.direction is None and \
                preceding_word(text, c.start) == "the" and _done_right_after(text, c.end):
            # "the January 13 incident", "the Aug. 7 bomb attacks": what is over once it
            # happened, whatever the verb
            tense, certain = PAST, True
        if c.spec.weekday is not None and c.spec.direction is None and \
                _LISTED.match(text, c.end) and not text[sentence[0]:c.start].strip(" \t*-•"):
            # A forecast or a schedule: "Saturday: Showers likely." ("Monday: Stocks fell" is
            # read with its own verb)
            after, sure = tense_at(text, sentence, c.end + 1, c.end + 1)
            tense, certain = (after, sure) if after is not None else (FUTURE, False)
        if c.spec.weekday is not None and c.spec.direction is None and \
                text.startswith(("'s", "’s"), c.end):
            if tense == PRESENT:
                tense = None  # "Friday's purchases is far below": the clause's tense, not the day's
            elif tense == FUTURE and _names_done(text, c.end + 2):
                tense, certain = PAST, False  # "they will appeal Wednesday's ruling"
        if c.spec.weekday is not None and c.spec.direction is None and tense == PRESENT and \
                not certain and _done_before(text, max(sentence[0], c.start - 90), c.start):
            # "Detectives are appealing for witnesses to a stabbing outside a nightclub on
            # Friday night": what is over once it happened, in the present of its aftermath
            tense = PAST
        if c.spec.weekday is not None and c.spec.direction is None and c.spec.unit is None \
                and dct is not None and not narrative and \
                _PLAN_UNDONE.search(text, max(0, c.start - 50), c.start):
            # "originally planned for Saturday, was postponed", "had planned to leave the
            # country Monday but was stopped": a plan whose day may have passed or not; the
            # nearest such day
            back, ahead = (dct.weekday() - c.spec.weekday) % 7, (c.spec.weekday - dct.weekday()) % 7
            tense, certain = (PAST if back <= ahead else FUTURE), True
        if c.spec.when is not None and c.spec.when.year is None and c.spec.when.month is not None \
                and c.spec.unit is None and dct is not None and not narrative and \
                _PLAN_UNDONE.search(text, max(0, c.start - 50), c.start):
            # "Restrictions had been due to end on 21 June", a week before it: the nearest one
            tense, certain = None, False
        spec, ref_previous = c.spec, previous
        if dct is not None and dct.month <= 3 and dct.year - 1 in reported_years and \
                tense != FUTURE and spec.unit == "year" and \
                spec.offset == 0 and text[c.start:c.end].lower() in _REPORTED_YEAR:
            # "reported results for the fourth quarter of 2010. For the full year, revenue
            # rose", in February 2011: the year those results close
            spec = replace(spec, offset=-1)
        if not narrative and topic_year is not None and topic_year[0] == sentence and \
                spec.when is not None and spec.when.year is None and spec.unit is None and \
                spec.direction is None and spec.weekday is None and \
                (spec.when.month is not None or spec.holiday):
            # "In 2004, the company opened a plant in March", "Last year, patrols attended
            # 14,000 call-outs on Christmas Eve alone": the year the sentence opens with
            spec = replace(spec, when=replace(spec.when, year=topic_year[1]))
        if narrative and moved == index - 1 and spec.anchor == ANAPHORIC and spec.offset and \
                spec.unit in ("year", "month", "week", "day") and \
                _APPOSED.fullmatch(text, cands[index - 1].end, c.start):
            # "It ended in May 1945, nearly six years later": counted from the date before
            ref_previous = story_before
        if not narrative and background and spec.anchor == ANAPHORIC and \
                ref_previous is previous and previous is not None \
                and day_in_sentence is not None and (spec.unit in _DAY_UNITS or (
                    spec.part is not None and spec.unit is None and spec.when is None)):
            # "The blast came Tuesday, igniting chemicals stored there since 2014. The next
            # day ...": in news, a day counted from a day, the last one named, not from a year
            # in the background (a history's year or month is its story's time)
            ref_previous = day_in_sentence[1]
        elif not narrative and spec.anchor == ANAPHORIC and spec.offset and \
                spec.unit in _WEEK_OR_DAY and ref_previous is previous and \
                previous is not None and previous.day is None and \
                previous.gran not in ("week", "weekend") and (day := next((
                    d[1] for d in (day_in_sentence, said_day)
                    if d is not None and _fits_tense(d[1], dct, tense)), None)) is not None:
            # "... a blaze Friday night. The building was cited last October. Residents had
            # smelled smoke a week earlier": in news, weeks and days count from the last day
            # named that the clause's tense can be on, not from a month (a week of a month is
            # no date)
            ref_previous = day
        if narrative and plan is not None and plan[0] == sentence and plan[2] > moved and \
                tense == FUTURE and spec.anchor == ANAPHORIC:
            # "He will retire in 2030 and move abroad the following year": counted from the
            # plan's date, which the story does not move to
            ref_previous = plan[1]
        from_now = dct is not None and tense == FUTURE and certain and (
            narrative or (spec.anchor == ANAPHORIC and spec.offset > 0
                          and spec.unit in _COUNTED_UNITS)) and ref_previous is not None \
            and (b := ref_previous.bounds()) is not None and b[1] < dct and \
            _WILL.search(text, max(sentence[0], c.start - 80), min(sentence[1], c.end + 40)) \
            is not None
        if not from_now and narrative and few_years and dct is not None:
            from_now = _speaks_of_now(text, sentence, c, spec, clause_tense, ref_previous, dct)
        if not from_now and narrative and dct is not None and spec.news_cue and \
                spec.anchor == DEICTIC and spec.when is None and spec.unit in _COUNTED_UNITS \
                and spec.unit != "day" and c.start > 0.75 * len(text) \
                and _PRESENT_DAY.search(text, _close_start(text, starts, sentence, c.start),
                                        sentence[1]):
            # a history's close, which speaks of today: "Marenna now has a population of about
            # 380,000. Last year the government turned the old palace into a museum"; "Today,
            # as leaders gather ... One has come back every June since 2004. A decade ago" (two
            # sentences back, or in the same paragraph)
            from_now = True
        if from_now:
            # "The rules, written in the 1990s, will be overhauled over the next decade", "...
            # her last Giselle in 1989. Next spring she will stage her first opera": a plan is
            # seen from now, not from a past date named before
            spec, ref_previous = replace(spec, anchor=DEICTIC), None
        named_day = day_in_sentence[1] if day_in_sentence and day_in_sentence[0] == sentence \
            else None
        if not narrative and tense == FUTURE and spec.weekday is not None and \
                spec.direction is None and spec.unit is None and said_day is not None and \
                said_day[0] == sentence and _seen_from_then(text, said_day[2], c.start):
            # "He said on Wednesday that he would announce his decision on Friday", in a
            # Saturday paper: the Friday after the saying, which has passed
            spec, ref_previous = replace(spec, anchor=ANAPHORIC, direction=1), said_day[1]
        if named_day is None and not narrative and story_day is not None and _is_clock(c) and \
                c.spec.anchor != ANAPHORIC and \
                ((later := _sentences_on(starts, story_day[0][0], c.start)) == 1 or (
                    later == 2 and _near_publication(story_day[1], dct))) and \
                _fits_tense(story_day[1], dct, tense) and \
                not _EVERY_AFTER.search(text, c.end, c.end + 25):
            # "Jackson died on Thursday. Paramedics were called at 12:21 p.m.": the day the
            # sentence before is on, not the day of publication
            named_day = story_day[1]
            if done_day is not None and done_day[0] == story_day[0] and re.search(
                    done_day[2][-5:], text[sentence[0]:c.start], re.I):
                # "... buried their dead on Monday, cut off since Friday night's earthquake.
                # The quake struck at 11:11 p.m.": the day of what the sentence speaks of
                named_day = done_day[1]
        if named_day is None and not narrative and day_in_sentence is not None and \
                spec.weekday is not None and spec.direction is None and spec.unit is None and \
                tense == PAST and dct is not None and day_told and (b := day_in_sentence[1]
                                                                    .bounds()) is not None and \
                (dct - b[1]).days > _STORY_PAST and \
                _next_sentence(starts, day_in_sentence[0][0], c.start):
            # "On the night of Jan. 11, 1996, the first flakes fell. By the next afternoon 34
            # inches lay on the streets. On Saturday, the roof gave way": a news story telling
            # of long ago, day after day, goes on in that story's days, the first such weekday
            # after (not "Police seized the car on Nov. 5, 1998. Until Thursday, they had not
            # called him a suspect": that is this week's)
            spec, ref_previous = replace(spec, anchor=ANAPHORIC, direction=1), day_in_sentence[1]
            told_on = True
        if named_day is not None and (_is_clock(c) or _names_weekday_of(text, c) or (
                c.rule.name == "bare_part_of_day" and c.spec.unit == "night_by_tense")) and \
                not (preceding_word(text, c.start) == "since" and
                     not _fits_tense(named_day, dct, PAST)):
            # "weakened late on Friday but brought rain through the night": that day's night
            # "tomorrow at 12pm", "May 5 - 6 (Tues-Wed 9:00am - 5:30pm)": the day the sentence
            # just named, and a weekday in brackets after it is that day's; not one ahead for
            # a time since which ("midterm at 9am tmrw and I've been in the library since 2pm")
            spec, ref_previous = replace(spec, anchor=ANAPHORIC), named_day
            if spec.weekday is not None:
                spec.direction = 0  # in that day's week
        if spec.when is not None and spec.when.year is None and spec.unit is None and \
                spec.weekday is None and not spec.holiday and clause_tense != PAST and \
                _HABIT.search(text, max(sentence[0], c.start - 60), c.start):
            # "Flu season usually peaks in February": any year's February, XXXX-02
            res = resolve(spec, Reference(None))
        else:
            res = resolve(spec, Reference(dct, ref_previous, tense, narrative and not from_now,
                                          certain, quarter, target and tense is None))
            if tense == PAST and certain and spec.anchor == ANAPHORIC and (
                    spec.offset > 0 or spec.direction == 1) and \
                    dct is not None and story_before is not None and \
                    ref_previous is previous and previous is not None and \
                    (p := previous.bounds()) is not None and p[0] <= dct and \
                    (dct - p[1]).days <= 7 and res.when is not None and \
                    (b := res.when.bounds()) is not None and b[0] > dct:
                # '"... would handle it," she said this week. State examiners arrived the
                # following March': what happened cannot follow the paper, so it follows the
                # story's date before this week's, which only says when it was told
                res = resolve(spec, Reference(dct, story_before, tense, narrative, certain,
                                              quarter, False))
            if span is not None and ref_previous is previous and spec.unit is None and \
                    spec.when is not None and spec.when.year is None and \
                    spec.when.month is not None and not _within(res.when, span):
                # "It lasted from February 1915 to January 1916. The naval phase began on 19
                # February": a date the range holds when counted from its start, not its end
                alt = resolve(spec, Reference(dct, span[0], tense, narrative, certain, quarter,
                                              False))
                if _within(alt.when, span):
                    res = alt
        w, start, value, mod = res.when, c.start, res.value, res.mod
        counted = _counted_from(text, c, res)
        if counted is not None:  # "the day before last Tuesday", "two weeks after May 5"
            start, w = counted
            value, mod = w.value, None
            while out and out[-1].start >= start:
                out.pop()  # "two weeks", now inside the date
                resolved.pop()
        bounds = w.bounds() if w is not None else None
        out.append(Timex(
            start=start, end=c.end, text=text[start:c.end], type=res.type, value=value,
            mod=mod, first_day=bounds[0].isoformat() if bounds else None,
            last_day=bounds[1].isoformat() if bounds else None,
            granularity=_granularity(w),
        ))
        resolved.append((c, w if counted is None else None))
        # Comparisons ("a year earlier", "the previous day") do not move the story on.
        looks_back = c.spec.offset < 0 and (c.spec.follow_quarter or c.spec.anchor == ANAPHORIC) \
            or c.spec.unit == "night_by_tense"  # "overnight" tells no story's day
        aside = _in_parentheses(text, c.start, c.end) or (
            narrative and (_far_aside(text, sentence, c, w, previous, named_years, index)
                           or _looks_far_back(text, c, w, previous)
                           or clause_tense == FUTURE
                           # "by next summer": a plan, not the story; "the following June" is
                           or (c.spec.direction == 1 and c.spec.anchor != ANAPHORIC)
                           or _flash(cands, named_years, index, previous)))
        if aside and clause_tense == FUTURE and w is not None and w.year is not None:
            plan = (sentence, w, index)
        # A winter the text gives no year spans two: it says nothing of the story's year
        # ("Over the winter ... at the end of the year", "in the winter break ... in the summer").
        unnamed_winter = w is not None and w.is_winter and (
            c.spec.when is None or c.spec.when.year is None)
        if w is not None and w.year is not None and not looks_back and not aside and not (
                narrative and _coarser_same(w, previous)) and not unnamed_winter and \
                not _era_of(w, previous):
            span = (opened, w) if narrative and opened is not None and \
                _closes_range(text, cands, index) else None
            story_before, previous, moved = previous, w, index
            # a year or month in the background of a news story: "stored there since 2014",
            # "winning the 2012 Olympics", "a trial is expected to begin in January"
            background = w.day is None and (clause_tense == FUTURE or preceding_word(
                text, c.start) in ("since", "the"))
        if w is not None and w.gran == "year" and w.year is not None and not w.bc and \
                res.type == "DATE" and (lead := text[sentence[0]:c.start].strip(
                    " \t\n\"'“(").lower()) in ("", "in", "during") and (
                text.startswith(",", c.end) or (lead == "in" and text.startswith(" ", c.end)
                                                and text[c.end + 1:c.end + 2].isalpha())):
            # "In 2004, ...", "Last year, ...", "In 1961 she moved to Connecticut, and in May"
            topic_year = (sentence, w.year)
        if w is not None and w.day is not None and w.year is not None and \
                c.spec.unit != "night_by_tense":  # "overnight ... at 0630 GMT" is today's
            day_in_sentence = (sentence, w)
            # whether that day goes on with a story told day by day ("By the next afternoon")
            day_told = told_on or (c.spec.anchor == ANAPHORIC and c.spec.weekday is None
                                   and c.spec.when is None)
            if dct is not None and clause_tense == PAST and (d := w.first_day()) is not None \
                    and d < dct and w.gran == "day":
                said_day = (sentence, w, c.end)
            if (not text.startswith(("'s", "’s"), c.end) or _names_done(text, c.end + 2)) \
                    and preceding_word(text, c.start) not in DEADLINE_WORDS and \
                    not _SAID_ON.search(text, max(0, c.start - 20), c.start) and \
                    not in_dateline(text, c.start, c.end) and not looks_back and \
                    not _in_parentheses(text, c.start, c.end) and not (
                        dct is not None and clause_tense == PAST and
                        (d := w.first_day()) is not None and d > dct):
                # the day the sentence is on, the last it names ("was sentenced Wednesday for
                # a crash on Christmas Eve"): not "from Friday's close", "reach Manila by
                # Friday", "Police said on Thursday that" ("Saturday's earthquake" is), nor a
                # day ahead a past clause looks to ("as they prepared for Cyber Monday"), nor a
                # dateline's, nor one in brackets ("at 5:08 a.m. (2108 GMT Monday)"), nor a
                # look back ("chosen on Wednesday evening by a conclave opened the previous
                # afternoon. White smoke rose at 19:06")
                story_day = (sentence, w)
            if text.startswith(("'s", "’s"), c.end) and (noun := _done_noun(text, c.end + 2)):
                done_day = (sentence, w, noun)  # "since Friday night's earthquake"
        if w is not None and w.gran == "quarter" and w.n and w.year is not None and (
                dct is None or (b := w.bounds()) is None or b[1] < dct):
            quarter = w
            reported_years.add(w.year)
        opened = w
    _order_ranges(text, out, resolved)
    _schedule_forward(text, starts, out, resolved, dct)
    _order_weekday_ranges(text, out, resolved)
    _order_clock_ranges(text, out, resolved)
    _quarters_ended(text, out, resolved)
    if any(c.day_at is not None for c, _ in resolved):
        out = _split_clock_on_day(text, out, resolved)
    return out


def _split_clock_on_day(text: str, out: list[Timex],
                        resolved: list[tuple[_Candidate, When | None]]) -> list[Timex]:
    """ "at 10 a.m. on Tuesday" -> "10 a.m." (TIME, that Tuesday's hour) and "Tuesday" (its
    DATE): two expressions, the preposition outside both, as the TempEval-3 data write them."""
    split: list[Timex] = []
    for t, (c, _) in zip(out, resolved, strict=True):
        if c.day_at is None or t.start != c.start or t.type != "TIME" or c.day_spec is None:
            split.append(t)
            continue
        clock_end = c.start + len(_ON_GAP.sub("", text[c.start:c.day_at]))
        day = t.value.split("T")[0]
        part = c.day_spec.part
        split.append(replace(t, end=clock_end, text=text[t.start:clock_end]))
        split.append(Timex(start=c.day_at, end=t.end, text=text[c.day_at:t.end],
                           type="TIME" if part else "DATE",
                           value=f"{day}T{part}" if part else day, mod=c.day_spec.mod,
                           first_day=t.first_day, last_day=t.last_day,
                           granularity="part" if part else "day"))
    return split


_ON_GAP = re.compile(r"\s*,?\s*on\s*$")


# A habit, in the same clause before a month or day with no year: "typically begins in late
# May", "is always held in June"; not across a comma ("usually peak in December, but this year
# in October").
_HABIT = re.compile(r"\b(?:typically|usually|normally|generally|traditionally|customarily"
                    r"|routinely|always|often|tends? to)\s[^.;:!?,]*$", re.I)
# A plan that was changed or foiled: "originally scheduled for", "had planned to leave".
_FROM_BEFORE = re.compile(r"\b(?:from|between)\b", re.I)
# "a pay rise backdated to April", "dating back to May": behind, as the past says
_BACK_TO = re.compile(r"\b(?:backdated|dated back|dating back|dates back|traced back|goes back"
                      r"|went back|going back|harks back|harked back|retroactive)\s+to\s+$", re.I)
# "postponed until March" sets a target; "worked there until March", "was in force until
# March" tell how long something lasted
_PUT_OFF = re.compile(r"\b(?:postponed|delayed|deferred|extended|adjourned|put off|pushed back"
                      r"|put back|suspended|moved|rescheduled|held over)\b", re.I)
_PLAN_UNDONE = re.compile(r"\b(?:had(?: been)?|originally|initially|first)\s+(?:planned|scheduled"
                          r"|set|slated|due|expected|intended|meant|hoped)\b[^.;:!?]{0,40}$", re.I)
# Between a past day and a later weekday, the future of that past: "said Monday that the
# chairman would step down on Wednesday", "voted on Monday to release the report on Wednesday",
# "said on Friday it expected the convoy to cross on Sunday"; not "will", "is due to", which
# count from the publication. The past day's own verb may intend: "voted on Monday to".
_THEN_FUTURE = re.compile(r"\b(?:would|was|were)\b|'d\b|\A\s+to\s+[a-z]+\b"
                          r"|\b[a-z]+ed\b(?:\s+[\w'-]+){0,4}?\s+to\s+[a-z]+\b", re.I)
_NOW_FUTURE = re.compile(r"\b(?:will|shall|is|are|am|has|have)\b|'ll\b|'s\b", re.I)


def _seen_from_then(text: str, said_end: int, start: int) -> bool:
    """Whether the clause between a past day (ending at ``said_end``) and a weekday at
    ``start`` speaks of a future seen from that day."""
    between = text[said_end:start]
    return len(between) < 150 and _THEN_FUTURE.search(between) is not None and \
        _NOW_FUTURE.search(between) is None


_SAID_ON = re.compile(r"\b(?:said|says|told|announced|reported|stated|added)(?:\s+on)?\s+$", re.I)
_EVERY_AFTER = re.compile(r"\b(?:every|each|daily|everyday)\b", re.I)  # "8:00 to 21:00 everyday"


def _reported_month(text: str, c: _Candidate) -> bool:
    """Whether ``c``, a month with no year, is one that figures report or a meeting is held in,
    which is the nearest such month whatever the verb: "the U.S. jobs report for January",
    "May's figure leaves inflation above target", "February's increase was revised", "bets on
    a hike at the Fed's September meeting" (any month after an owner's "'s"), "at its March
    meeting"."""
    when = c.spec.when
    if when is None or when.gran != "month" or when.year is not None or \
            c.spec.direction is not None:
        return False
    return MONTH_DATA.match(text, c.end) is not None or \
        _REPORT_FOR.search(text, max(0, c.start - 25), c.start) is not None or (
            _MEETING_AFTER.match(text, c.end) is not None
            and preceding_word(text, c.start) in ("its", "their", "the")) or \
        text[max(0, c.start - 3):c.start] in ("'s ", "’s ")  # "the Fed's June ..."


def _sentences_on(starts: tuple[int, ...], start: int, at: int) -> int:
    """How many sentences on from the one starting at ``start`` ``at`` lies (1: the next)."""
    return bisect.bisect_right(starts, at) - bisect.bisect_right(starts, start)


def _next_sentence(starts: tuple[int, ...], start: int, at: int) -> bool:
    """Whether ``at`` lies in the sentence after the one starting at ``start``."""
    return _sentences_on(starts, start, at) == 1


def _near_publication(day: When, dct: dt.date | None, days: int = 3) -> bool:
    """Whether ``day`` is within ``days`` of publication: the story's own day, not its
    background ("Best died on November 25 ... The cortege left shortly after 10:00 am")."""
    bounds = day.bounds()
    return dct is not None and bounds is not None and \
        abs((bounds[0] - dct).days) <= days and bounds[1] - bounds[0] <= dt.timedelta(days=1)


def _fits_tense(day: When, dct: dt.date | None, tense: str | None) -> bool:
    """Whether a clause of ``tense`` can be on ``day``: not a past one after publication, nor
    a future one before it."""
    bounds = day.bounds()
    if dct is None or bounds is None:
        return True
    return not ((tense == PAST and bounds[0] > dct) or (tense == FUTURE and bounds[1] < dct))


_DAY_UNITS = frozenset({"day", "hour", "minute", "second"})
_WEEK_OR_DAY = frozenset({"week", "day"})
# The year a company's results for a quarter of it close, told in the new year's first months.
_REPORTED_YEAR = frozenset({"the full year", "the year", "the first half of the year",
                            "the second half of the year", "the full fiscal year"})
_STORY_PAST = 13  # days: a day this far back is a past story's, not this week's news
_COUNTED_UNITS = frozenset({"week", "month", "quarter", "year", "decade", "century"})
_WILL = re.compile(r"\b(?:will|shall)\b|\w'll\b", re.I)
# A present perfect: "has cut its classes by a third since last autumn"
_PERFECT = re.compile(r"\b(?:has|have|'ve)\s+(?:(?:not|never|already|just|also|now)\s+)?"
                      r"(?:been\s+)?[a-z]+(?:ed|en|wn|ne|t|ng)\b", re.I)
_WOULD = re.compile(r"\b(?:would|had|was|were)\b|\w'd\b", re.I)
# A text naming at most this many years, all long past, is a short piece with a background,
# not a history: its present speaks of now.
FEW_YEARS = 2

_APPOSED = re.compile(r",[ \t]*")
_ENDS_CLAUSE = re.compile(r"\s*(?:[.;!?]|,?\s+and\b|$)")
_RANGE_OPENER = re.compile(r"\b(?:[Bb]etween|[Ff]rom)\s+$")


def _order_ranges(text: str, out: list[Timex], resolved: list[tuple[_Candidate, When | None]]
                  ) -> None:
    """A range begins before it ends: in "Between January and October, Hong Kong surpassed
    Japan" (November 2006) January is 2006, though a weak past alone put it in 2007."""
    for i in range(len(out) - 1):
        (c, w), (_, v) = resolved[i], resolved[i + 1]
        if w is None or v is None or out[i].type != "DATE" or out[i].value != w.value or \
                w.year is None or v.year is None or w.bc or v.bc or \
                c.spec.when is None or c.spec.when.year is not None or c.spec.unit is not None \
                or w.gran not in ("month", "day") or v.gran not in ("month", "day"):
            continue
        if not (_SHARED_YEAR.fullmatch(text, out[i].end, out[i + 1].start)
                and _RANGE_OPENER.search(text, max(0, out[i].start - 10), out[i].start)):
            continue
        first, last = w.bounds(), v.bounds()
        if first is None or last is None or first[0] <= last[1]:
            continue
        earlier = w.with_year(w.year - 1)
        out[i], resolved[i] = _placed(out[i], earlier), (c, earlier)


# Between two dates of a schedule: "resumes on Monday 9 January and continues until 31 March,
# with a final teaching block from 24 April to 16 June".
_SCHEDULE_JOIN = re.compile(r"\b(?:until|till|to|through|then|(?P<from>from))\s+$")
_RANGE_TO = re.compile(r"\s*(?:to|until|till|through|[-–])\s")


def _schedule_forward(text: str, starts: tuple[int, ...], out: list[Timex],
                      resolved: list[tuple[_Candidate, When | None]], dct: dt.date | None) -> None:
    """A schedule runs forward: in a sentence whose date lies ahead of publication in a later
    year, a day or month with no year that comes next, until or from which something runs, is
    not before it ("Teaching resumes on Monday 9 January and continues until 31 March", in May:
    the next March)."""
    if dct is None:
        return
    for i in range(1, len(out)):
        (_, w), (c, v) = resolved[i - 1], resolved[i]
        if w is None or v is None or w.year is None or v.year is None or w.bc or v.bc or \
                w.year <= dct.year or out[i].value != v.value or c.spec.when is None or \
                c.spec.when.year is not None or c.spec.unit is not None or \
                v.gran not in ("day", "month") or \
                not (join := _SCHEDULE_JOIN.search(text, max(0, out[i].start - 12), out[i].start)):
            continue
        if join["from"] and not _RANGE_TO.match(text, out[i].end):
            continue  # "from February and accepted Angola as a new member from January 1"
        first, this = w.bounds(), v.bounds()
        if first is None or this is None or first[0] <= dct or this[1] >= first[0] or \
                sentence_of(starts, text, out[i - 1].start) != sentence_of(starts, text,
                                                                            out[i].start):
            continue
        later = v.with_year(v.year + 1)
        if (b := later.bounds()) is not None and b[0] >= first[0] and \
                (b[0] - first[1]).days < 366:
            out[i], resolved[i] = _placed(out[i], later), (c, later)


_NOUN_AFTER = re.compile(r"(?:\s+(?:[A-Za-z-]+|\d+(?:[.-]\d+)?)){1,3}")  # "7.2 earthquake"


def _names_done(text: str, at: int) -> bool:
    """Whether one of the three words after ``at`` names what is over once it happened
    ("'s ruling", "'s court ruling", "'s deadly attack")."""
    return _done_noun(text, at) is not None


_TWO_WORDS_AFTER = re.compile(r"\s+([A-Za-z-]+)(?:\s+([A-Za-z-]+))?")


def _done_right_after(text: str, at: int) -> bool:
    """Whether a noun for what is over once it happened follows ``at`` right away, or after
    one word that is no preposition ("the Jan. 13 incident in", "the Aug. 7 bomb blasts"; not
    "the Jan. 13 deadline for attacks")."""
    m = _TWO_WORDS_AFTER.match(text, at)
    if m is None:
        return False
    done = _done_nouns()
    return m[1].lower() in done or (m[2] is not None and m[2].lower() in done and m[1].lower()
                                    not in ("in", "on", "at", "of", "for", "to", "by", "from"))


def _done_noun(text: str, at: int) -> str | None:
    """That noun, if one of the three words after ``at`` is one."""
    m = _NOUN_AFTER.match(text, at)
    return next((w.lower() for w in m.group().split() if w.lower() in _done_nouns()), None) \
        if m is not None else None


_ARTICLE_NOUN = re.compile(r"\b(?:a|an|the|last)\s+([\w-]+)(?:\s+([\w-]+))?", re.I)


# What may follow such a noun ("a stabbing outside a nightclub"); not another noun ("a fire
# safety day").
_AFTER_DONE = {"on", "in", "at", "outside", "near", "inside", "of", "off", "along", "by", "from",
               "involving", "late", "early", "last"}


def _done_before(text: str, lo: int, hi: int) -> bool:
    """Whether a noun for what is over once it happened, after an article, stands in
    ``text[lo:hi]`` with no verb of a clause of its own after it ("to a stabbing outside a
    nightclub in the town centre on")."""
    for m in _ARTICLE_NOUN.finditer(text, lo, hi):
        group = next((g for g in (1, 2) if m[g] and m[g].lower() in _done_nouns()), None)
        if group is not None:  # "a stabbing outside", "the deadly attack"
            rest = text[m.end(group):hi].lower().split()
            return len(rest) <= 9 and (not rest or rest[0] in _AFTER_DONE) and not any(
                w in ("is", "are", "will", "was", "were", "has") for w in rest)
    return False


@cache
def _done_nouns() -> frozenset[str]:
    return frozenset(tables()["tense"]["done_nouns"])


def _order_weekday_ranges(text: str, out: list[Timex],
                          resolved: list[tuple[_Candidate, When | None]]) -> None:
    """A range of weekdays lies within a week, its start first: in "a warning for snow from
    6am on Wednesday until 9am Thursday" (has issued, said on a Tuesday) Wednesday is the next
    one, as Thursday is; in "between Monday and Wednesday next week" Wednesday follows
    Monday. Each day was placed by its own words: an end placed before its start moves a week
    on, and so does a start placed a week or more before its end."""
    for i in range(len(out) - 1):
        (b, w), (c, v) = resolved[i], resolved[i + 1]
        if w is None or v is None or out[i].value != w.value or out[i + 1].value != v.value or \
                None in (w.year, w.month, w.day, v.year, v.month, v.day) or w.bc or v.bc or \
                b.spec.weekday is None or c.spec.weekday is None or \
                not (_joins_range(text, out[i].start, out[i].end, out[i + 1].start)
                     or _OR_DAY.fullmatch(text, out[i].end, out[i + 1].start)):
            continue
        days = (dt.date(v.year, v.month, v.day) - dt.date(w.year, w.month, w.day)).days
        if days < 0 and c.spec.direction is None:
            later = _day_moved(v, 7)
            out[i + 1], resolved[i + 1] = _placed(out[i + 1], later), (c, later)
        elif days >= 7 and b.spec.direction is None:
            later = _day_moved(w, 7)
            out[i], resolved[i] = _placed(out[i], later), (b, later)


# Two days given as one or the other lie within a week too: "expected to make landfall late on
# Wednesday or early on Thursday".
_OR_DAY = re.compile(r"\s+or\s+(?:(?:early|late)\s+)?(?:on\s+)?")


def _placed(t: Timex, w: When) -> Timex:
    """``t`` moved to ``w``: its value and the calendar days it covers."""
    bounds = w.bounds()
    return replace(t, value=w.value, first_day=bounds[0].isoformat() if bounds else None,
                   last_day=bounds[1].isoformat() if bounds else None)


_CLOCK_RANGE = re.compile(r"\s*(?:to|until|till|through|[-–])\s*")
_CLOCK_BETWEEN, _BETWEEN = re.compile(r"\s+and\s+"), re.compile(r"\b[Bb]etween\s+$")


def _order_clock_ranges(text: str, out: list[Timex], resolved: list[tuple[_Candidate,
                                                                          When | None]]) -> None:
    """A curfew "from 10 p.m. to 5 a.m." ends the next morning: a bare clock that closes a
    range before the hour it opens with is on the next day. When the end names its day ("from
    10 p.m. to 5 a.m. Friday"), the start is on the day before."""
    for i in range(len(out) - 1):
        (b, w), (c, v) = resolved[i], resolved[i + 1]
        if not (_is_placed_clock(out[i], w) and _is_placed_clock(out[i + 1], v)
                and (w.year, w.month, w.day) == (v.year, v.month, v.day)
                and (v.hour, v.minute or 0) < (w.hour, w.minute or 0)
                and (_is_clock(c) or _is_clock_on_day(c))):
            continue
        if not _joins_range(text, out[i].start, out[i].end, out[i + 1].start):
            continue
        if _is_clock(c):
            later = _day_moved(v, 1)
            out[i + 1], resolved[i + 1] = _placed(out[i + 1], later), (c, later)
        else:
            earlier = _day_moved(w, -1)
            out[i], resolved[i] = _placed(out[i], earlier), (b, earlier)


def _joins_range(text: str, start: int, end: int, next_start: int) -> bool:
    """Whether the clock at ``text[start:end]`` opens a range that the expression at
    ``next_start`` closes: "from 9 a.m. to 3 p.m.", "between 9 a.m. and 5 p.m."."""
    return bool(_CLOCK_RANGE.fullmatch(text, end, next_start) or (
        _CLOCK_BETWEEN.fullmatch(text, end, next_start)
        and _BETWEEN.search(text, max(0, start - 12), start)))


def _day_moved(w: When, days: int) -> When:
    """A placed clock ``w`` on the day ``days`` later (earlier when negative)."""
    day = dt.date(w.year, w.month, w.day) + dt.timedelta(days=days)
    return replace(w, year=day.year, month=day.month, day=day.day)


def _is_placed_clock(t: Timex, w: When | None) -> bool:
    """Whether ``t`` is a clock time on a known day, as its ``w`` was resolved."""
    return w is not None and w.gran == "minute" and t.value == w.value and not w.bc and \
        None not in (w.year, w.month, w.day)


_QUARTER_ENDED = re.compile(r"\s+(?:that\s+)?(?:ended|ending|ends)\s+(?:on\s+|in\s+)?")


def _quarters_ended(text: str, out: list[Timex], resolved: list[tuple[_Candidate, When | None]]
                    ) -> None:
    """ "The quarter ended March 31", said in June, is the first quarter: the one its end day
    falls in, not the one the news is written in."""
    for i in range(len(out) - 1):
        (c, w), (_, end) = resolved[i], resolved[i + 1]
        if w is None or w.gran != "quarter" or c.rule.name != "rel_quarter" or end is None or \
                end.gran not in ("month", "day") or end.bc or end.year is None or \
                end.month is None or out[i + 1].value != end.value or \
                not _QUARTER_ENDED.fullmatch(text, out[i].end, out[i + 1].start):
            continue
        quarter = When("quarter", end.year, n=(end.month - 1) // 3 + 1)
        out[i], resolved[i] = _placed(out[i], quarter), (c, quarter)


_COUNTED_FROM = re.compile(
    r"(?:\b(?P<det>[Tt]he|[Aa]n?)|\b(?P<n>\d{1,3}|[A-Za-z]+))[ \t\xa0]+"
    r"(?P<unit>days?|weeks?|months?|years?)[ \t\xa0]+(?P<dir>before|after|earlier than|later than)"
    r"[ \t\xa0]+$")


def _counted_from(text: str, c: _Candidate, res: Resolved) -> tuple[int, When] | None:
    """Where a date counted from this one starts, and the date: "the day before last
    Tuesday" is the Monday, "two weeks after May 5" May 19, "a year after 1990" 1991."""
    w = res.when
    if res.type != "DATE" or w is None or w.year is None or w.bc or w.month is None and \
            w.gran != "year":
        return None
    m = _COUNTED_FROM.search(text, max(0, c.start - 40), c.start)
    if m is None:
        return None
    if c.spec.holiday and c.spec.gran == "year":  # "eight days before the new year": its day
        w = When.of_date(dt.date(w.year, 1, 1))
    unit = m["unit"].lower().removesuffix("s")
    if m["n"]:
        n = number_value(m["n"])
        if n is None or n != int(n) or not 0 < n < 1000:
            return None
        n = int(n)
    elif m["unit"].endswith("s"):
        return None  # "the days before Christmas"
    else:
        n = 1
    n = -n if m["dir"] in ("before", "earlier than") else n
    if unit in ("day", "week") and w.day is not None and w.gran in ("day", "part", "minute"):
        return m.start(), When.of_date(dt.date(w.year, w.month, w.day)
                                       + dt.timedelta(days=n * (7 if unit == "week" else 1)))
    if unit == "month" and w.gran in ("day", "month"):
        first = dt.date(w.year, w.month, w.day or 1)
        return m.start(), When.of_date(add_months(first, n), "day" if w.day else "month")
    if unit == "year" and w.gran in ("day", "month", "year"):
        return m.start(), w.with_year(w.year + n)
    return None


# A bare year more than this far from the story's date, in the middle of a sentence, is an
# aside ("declassified in 2005", "arranged as in 1614") that does not move the story on.
ASIDE_YEARS = 10


def _far_aside(text: str, sentence: tuple[int, int], c: _Candidate, w: When | None,
               previous: When | None, named_years: list[int | None], index: int) -> bool:
    if w is None or previous is None or w.gran != "year" or previous.year is None \
            or w.year is None or c.spec.when is None:
        return False
    year, story = _signed_year(w), _signed_year(previous)
    opening = len(text[sentence[0]:c.start].split()) <= 2  # "In 1976, ...", "By 1614 ..."
    if abs(year - story) <= ASIDE_YEARS or opening:
        return False
    # An aside when the story comes back after it ("a publication declassified in 2005 revealed
    # that there was no attack on 4 August"), not when it goes on from there ("He entered
    # politics in 1832. Two years later ...")
    later = next((y for j in range(index + 1, len(named_years))
                  if (y := named_years[j]) is not None and y != year), None)
    if later is not None:
        return abs(later - story) < abs(later - year)
    # Nothing to tell: a year that ends its clause is the main clause's time ("He entered
    # politics in 1832."), one the clause goes on after is an aside ("declassified in 2005
    # revealed that ...")
    return not _ENDS_CLAUSE.match(text, c.end)


_PRESENT_DAY = re.compile(r"\b(?:now|[Tt]oday|currently|nowadays)\b")


def _close_start(text: str, starts: tuple[int, ...], sentence: tuple[int, int], at: int) -> int:
    """Where the words that may set a history's closing present begin: two sentences before
    the one at ``at``, or its paragraph's start if that is further back."""
    two_back = _sentence_before(starts, (_sentence_before(starts, sentence), sentence[1]))
    paragraph = text.rfind("\n\n", 0, at)
    return two_back if paragraph < 0 else min(two_back, paragraph)


def _sentence_before(starts: tuple[int, ...], sentence: tuple[int, int]) -> int:
    """Where the sentence before ``sentence`` begins (``sentence``'s own start for the first)."""
    i = bisect.bisect_right(starts, sentence[0]) - 1
    return starts[i - 1] if i > 0 else sentence[0]


def _speaks_of_now(text: str, sentence: tuple[int, int], c: _Candidate, spec: Spec,
                   clause_tense: str | None, previous: When | None, dct: dt.date) -> bool:
    """In a short piece whose only dates are its background's years, whether what its present
    or its plan says is seen from now: "The novel, first published in 1962, returns to
    bookshops next spring", "The college, founded in 1890, has cut its classes since last
    autumn" (a history's "would follow him to the guillotine on 16 October", "was planned for
    5 June" are its story's)."""
    if clause_tense not in (FUTURE, PRESENT) and not (clause_tense == PAST and _PERFECT.search(
            text, max(sentence[0], c.start - 60), c.start)):
        return False
    if spec.anchor == ANAPHORIC or (spec.when is None and not spec.news_cue) or (
            spec.when is not None and spec.when.year is not None):
        return False
    if previous is None or previous.gran != "year" or (b := previous.bounds()) is None \
            or b[1] >= dct:
        return False
    return not _WOULD.search(text, max(sentence[0], c.start - 80), min(sentence[1], c.end + 40))


def _looks_far_back(text: str, c: _Candidate, w: When | None, previous: When | None) -> bool:
    """ "met on 5 May 1789 for the first time since 1614": a year long before the story's,
    after "since", is a look back that does not move the story."""
    return w is not None and previous is not None and w.year is not None and \
        previous.year is not None and not w.bc and not previous.bc and \
        previous.year - w.year > ASIDE_YEARS and preceding_word(text, c.start) == "since"


_RANGE_JOIN = re.compile(r"\s*(?:to|until|till|through|and|-|–|—)\s*", re.I)


def _closes_range(text: str, cands: list[_Candidate], i: int) -> bool:
    """Whether ``cands[i]`` ends a range that the one before opens ("from May to August")."""
    if i == 0:
        return False
    opener = cands[i - 1]
    return _RANGE_JOIN.fullmatch(text, opener.end, cands[i].start) is not None and \
        preceding_word(text, opener.start) in ("from", "between")


def _within(w: When | None, span: tuple[When, When]) -> bool:
    """Whether ``w`` lies wholly between the start of ``span[0]`` and the end of ``span[1]``."""
    inner, first, last = (x.bounds() if x is not None else None for x in (w, *span))
    return inner is not None and first is not None and last is not None and \
        first[0] <= inner[0] and inner[1] <= last[1]


def _coarser_same(w: When, previous: When | None) -> bool:
    """Whether ``w`` is the story's own year, or month, said again ("December 8, 1941 ... in
    1941"): the story stays on its day."""
    if previous is None or previous.year != w.year or previous.bc != w.bc:
        return False
    if w.gran == "year":
        return previous.month is not None
    return w.gran == "month" and previous.month == w.month and previous.day is not None


def _era_of(w: When, previous: When | None) -> bool:
    """Whether ``w`` is a decade or century that holds the story's date ("He reached Paris the
    following spring and, like many who arrived in the 1950s, swept floors. Two years later
    ..."): the story stays on its date, which the count goes on from."""
    if previous is None or w.gran not in ("decade", "century") or previous.year is None:
        return False
    inner, outer = previous.bounds(), w.bounds()
    return inner is not None and outer is not None and outer[0] <= inner[0] and \
        inner[1] <= outer[1]


def _named_year(c: _Candidate) -> int | None:
    """The year a candidate names itself ("November 2008", "1944"), BC years negative."""
    when = c.spec.when
    if when is None or when.year is None or c.spec.unit is not None:
        return None
    return _signed_year(when)


def _signed_year(when: When) -> int:
    """The year of ``when`` on one line, BC years negative (so that 480 BC is before 479 BC)."""
    return -when.year if when.bc else when.year


# A date naming a year this far from the story's, when the next year named returns to the
# story, is a flash forward or back ("In November 2008, protesters staged a similar stomping"
# in an account of April 2003): it does not move the story on.
FLASH_YEARS, FLASH_REACH = 5, 2000


def _flash(cands: list[_Candidate], named_years: list[int | None], i: int,
           previous: When | None) -> bool:
    year = named_years[i]
    if year is None or previous is None or previous.year is None:
        return False
    story = _signed_year(previous)
    if abs(year - story) < FLASH_YEARS:
        return False
    for j in range(i + 1, len(cands)):
        if cands[j].start - cands[i].end > FLASH_REACH:
            return False
        if named_years[j] is not None:
            return abs(named_years[j] - story) <= 1
    return False


def _names_weekday_of(text: str, c: _Candidate) -> bool:
    """A weekday alone in brackets right after a date: "May 5 (Tues)", "May 5 - 6 (Tues-Wed)"."""
    return (c.spec.weekday is not None and c.spec.direction is None and c.spec.when is None
            and re.search(r"\d\s*\([^()]{0,20}$", text[max(0, c.start - 21):c.start]) is not None)


# (the text's curly single quotes are straight ones by now: see _APOSTROPHES)
_OPEN_QUOTES, _CLOSE_QUOTES = ('"', "“", "``", "''"), ('"', "”", "''")
_SINGLE_OPEN = re.compile(r"(?:^|(?<=[\s(]))'(?=\w)")
_SINGLE_CLOSE = re.compile(r"(?<=[\w.,!?])'(?!\w)")
_TITLE_SMALL_WORDS = {"of", "the", "a", "an", "and", "in", "on", "at", "to", "for", "with", "&"}


def _in_quoted_title(text: str, start: int, end: int) -> bool:
    """Whether the expression is part of a quoted title of two to six capitalised words: ABC's
    "This Week", the film "High Noon" or 'High Noon', ``Good Morning America''. A title is a
    name."""
    before, after = text[max(0, start - 50):start], text[end:end + 50]
    opened = max((before.rfind(q) + len(q) for q in _OPEN_QUOTES if q in before), default=-1)
    lo = max(0, start - 50)
    singles = [m.end() - lo for m in _SINGLE_OPEN.finditer(text, lo, start + 1)]
    opened = max(opened, singles[-1] if singles else -1)
    if opened == -1 or "\n" in before[opened:]:
        return False
    closes = [i for i in (after.find(q) for q in _CLOSE_QUOTES) if i != -1]
    single_close = _SINGLE_CLOSE.search(text, end - 1, end + 50)
    if single_close:
        closes.append(single_close.start() - end)
    if not closes or "\n" in after[:min(closes)]:
        return False
    title = (before[opened:] + text[start:end] + after[:min(closes)]).rstrip(",.!?")
    words = title.split()
    return 2 <= len(words) <= 6 and words[0][0].isupper() and all(
        w[0].isupper() or w[0].isdigit() or w.lower() in _TITLE_SMALL_WORDS for w in words)


def _in_parentheses(text: str, start: int, end: int) -> bool:
    """An aside "(1937-1945)" or "(born 1890)" does not move the story's date."""
    opened = text.rfind("(", max(0, start - 60), start)
    return opened != -1 and ")" not in text[opened:start] and ")" in text[end:end + 60]


def _granularity(w: When | None) -> str | None:
    """The unit the value's calendar days span: "1989-09-XX" (a day of September, which one
    unknown) spans the month, as its first and last days do."""
    if w is None:
        return None
    if w.year is not None and w.gran == "day" and w.day is None:
        return "month" if w.month is not None else "year"
    if w.year is not None and w.gran in ("week", "weekend") and w.n is None:
        return "year"
    return {"minute": "time", "part": "time"}.get(w.gran, w.gran)
