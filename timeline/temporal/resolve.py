"""Anchor an underspecified ``Spec`` to a reference time: one pure function, no clock.

``resolve(spec, Reference(...))`` gives the ``When`` (or literal value) an expression denotes.
The reference is the publication date for deictic words ("yesterday", "last year"), the last
mentioned date for anaphoric ones ("two days later") and, in narrative text, for year-less
calendar dates too ("On September 17" after "September 1, 1939").
"""

from __future__ import annotations

import datetime as dt
import re
from calendar import isleap
from dataclasses import dataclass, replace

from timeline.temporal.calendar import (
    When,
    add_months,
    easter,
    moving_feasts,
    nth_weekday,
    shift,
    valid_day,
)
from timeline.temporal.context import FUTURE, PAST, PRESENT
from timeline.temporal.spec import ANAPHORIC, Spec


@dataclass(frozen=True, slots=True)
class Reference:
    """What an expression is anchored to.

    ``dct``: the publication date (or None); ``previous``: the last date mentioned before the
    expression (or None); ``tense``: past/present/future or None; ``narrative``: whether
    year-less dates and weekdays follow the story rather than the publication date.
    """

    dct: dt.date | None
    previous: When | None = None
    tense: str | None = None
    narrative: bool = False
    tense_is_certain: bool = False
    quarter: When | None = None  # the last quarter mentioned that had ended by the ``dct``
    # a target a past sentence sets ("moved the opener back to Friday"): ahead or behind, the
    # nearer, with no lean to the past that an untensed date has
    target: bool = False


@dataclass(frozen=True, slots=True)
class Resolved:
    type: str
    value: str
    when: When | None = None
    mod: str | None = None


def resolve(spec: Spec, ref: Reference) -> Resolved:
    """The value of ``spec`` given ``ref``."""
    if spec.value is not None:
        return Resolved(spec.type, spec.value, None, spec.mod)
    if ref.narrative and spec.value_in_narrative:
        return Resolved(spec.type, spec.value_in_narrative, None, spec.mod)
    try:
        when = _on_calendar(_resolve_when(spec, ref))
    except (ValueError, OverflowError):  # past the calendar's range (year 1 to 9999)
        when = _unknown(spec.gran or (spec.when.gran if spec.when else "day"))
    if spec.gran == "week" and spec.unit is None and when.gran == "day" and when.first_day():
        when = When.of_date(when.first_day(), "week")  # "the week of March 6"
    if spec.gran == "year" and spec.holiday and when.year is not None:
        when = When("year", when.year, bc=when.bc)  # "in the new year"
    if spec.gran == "weekend" and spec.holiday and (d := when.first_day()) is not None:
        # "Thanksgiving weekend": the weekend after a Thursday; "Labor Day weekend": the one
        # before a Monday
        when = When.of_date(d - dt.timedelta(days=1) if d.weekday() == 0 else d, "weekend")
    if spec.hour == 24 and spec.minute is None and ref.tense != FUTURE:
        spec = replace(spec, hour=0)  # "Midnight movie date": the midnight that began the day
    if spec.hour is not None and spec.unit == "day" and spec.offset == 0 and \
            _after_late_clock(when, spec, ref.previous) and when.first_day() != ref.dct:
        # "At 11:40 p.m. on 14 April ... At 2:20 a.m. it sank": the small hours after it
        when = When.of_date(when.first_day() + dt.timedelta(days=1))
    if spec.part or spec.hour is not None:
        when = _time_of_day(when, spec)
    return Resolved(spec.type, when.value, when, spec.mod)


def _after_late_clock(when: When, spec: Spec, previous: When | None) -> bool:
    """Whether a clock in the small hours follows a late-evening clock of the same day (not
    the publication's day, which a clock only falls on for want of another)."""
    late = previous is not None and (
        (previous.gran == "minute" and previous.hour is not None and previous.hour >= 20)
        or (previous.gran == "part" and previous.part in ("EV", "NI")))  # "the evening of"
    return late and spec.hour < 6 and not previous.bc and \
        when.gran == "day" and not when.bc and when.year is not None and \
        (when.year, when.month, when.day) == (previous.year, previous.month, previous.day)


def _on_calendar(when: When) -> When:
    """``when``; a ValueError when its year is off the calendar ("378988112592466 years ago",
    "600 years later" after "500 BC"): before year 1 (0 for a first century) or after 9999."""
    lowest = 0 if when.gran == "century" else 1  # the first century BC is BC00
    if when.year is not None and not lowest <= when.year <= 9999:
        raise ValueError(f"year {when.year} is off the calendar")
    return when


# --------------------------------------------------------------------------- reference days
def _previous_day(ref: Reference) -> dt.date | None:
    if ref.previous is not None and not ref.previous.bc:
        first = ref.previous.first_day()
        if first is not None:
            return first
    return None


def _anchor_day(spec: Spec, ref: Reference) -> dt.date | None:
    """The day an expression counts from: none when the story's last date is before the
    calendar's days (BC), rather than the publication's ("the next day" after 479 BC)."""
    if spec.anchor == ANAPHORIC or ref.narrative:
        if ref.previous is not None and ref.previous.bc:
            return None
        return _previous_day(ref) or ref.dct
    return ref.dct


# --------------------------------------------------------------------------- resolution
def _resolve_when(spec: Spec, ref: Reference) -> When:
    if spec.holiday:
        return _holiday(spec, ref)
    if spec.weekday is not None and (spec.when is None or spec.when.month is None):
        return _weekday(spec, ref)
    if spec.unit == "day_of_month":
        return _day_of_month(spec.offset, ref)
    if spec.unit is not None:
        return _shifted(spec, ref)
    when = spec.when
    if when.year is None:
        when = _choose_year(when, spec, ref)
    if when.gran == "quarter" and not when.n and spec.follow_quarter:
        # "the 1988 quarter": the quarter reported on, in 1988
        quarter = ref.quarter or (_latest_quarter(ref.dct)
                                  if ref.dct is not None and not ref.narrative else None)
        if quarter is not None and quarter.n:
            when = replace(when, n=quarter.n)
    return when


def _fits_weekday(w: When, spec: Spec) -> bool:
    """Whether the day ``w`` falls on the weekday the text gives with it ("Saturday, April 25")."""
    d = w.first_day() if w.gran == "day" else None
    return d is not None and d.weekday() == spec.weekday


def _weekday_year(chosen: When, when: When, spec: Spec, ref: Reference) -> When:
    """ "On Sunday, May 3" after "the winter of 1941": a year in which May 3 is a Sunday. When
    the story's year does not fit the weekday, the year after or before it, or else the
    publication's reading ("Born in 1931, she taught until 1990. She died on Sunday, March 2"),
    that does."""
    if chosen.year is None or chosen.bc or _fits_weekday(chosen, spec):
        return chosen
    options = [chosen.with_year(chosen.year + 1), chosen.with_year(chosen.year - 1)]
    if ref.dct is not None:
        options.append(_choose_year(when, spec, replace(ref, previous=None, narrative=False)))
    return next((w for w in options if _fits_weekday(w, spec)), chosen)


def _day_of_month(day: int, ref: Reference) -> When:
    """ "on the 20th": that day of the month last spoken of, or else of the publication's
    month, the one before it or the one after it as the tense says."""
    prev = ref.previous
    if prev is not None and prev.year is not None and prev.month is not None and not prev.bc:
        year, month = prev.year, prev.month
    elif ref.dct is not None and not ref.narrative:
        # a present is a plan, as for a weekday: "The vote is on the 4th", written on the 13th
        step = (-1 if ref.tense == PAST and day > ref.dct.day
                else 1 if ref.tense in (FUTURE, PRESENT) and day < ref.dct.day else 0)
        first = add_months(ref.dct.replace(day=1), step)
        year, month = first.year, first.month
    else:
        return When("day")
    return When("day", year, month, day if valid_day(year, month, day) else None)


def _shifted(spec: Spec, ref: Reference) -> When:
    day = _anchor_day(spec, ref)
    gran = spec.gran
    prev = ref.previous
    if spec.unit == "quarter" and spec.offset == -1 and spec.anchor == ANAPHORIC and \
            not (prev is not None and prev.gran == "quarter" and prev.n) and not ref.narrative:
        day = ref.dct  # "the previous quarter" with no quarter named before it
    if (prev is not None and prev.year is not None and spec.unit in _YEARS
            and (ref.narrative or spec.anchor == ANAPHORIC)):
        # Counted on the story's year: "A year earlier" after "the winter of 1701" is 1700,
        # whatever day the winter began; BC years count down.
        years = _YEARS[spec.unit] * spec.offset
        if prev.bc:  # "December of that year" after "218 BC" is BC0218-12
            if spec.when is not None:
                return replace(spec.when, year=prev.year - years, bc=True)
            return When(gran if gran in _YEARS else "year", prev.year - years, bc=True)
        if gran in _YEARS and spec.when is None and not (
                spec.follow_quarter and prev.gran == "quarter"):
            return When(gran, prev.year + years)
    if spec.when is not None:  # "this year's third quarter", "the first half of next year"
        if day is None:
            return spec.when
        moved = shift(day, spec.unit, spec.offset)
        if spec.when.month is None and spec.when.day is not None:  # "the 28th of last month"
            d = spec.when.day
            return When("day", moved.year, moved.month,
                        d if valid_day(moved.year, moved.month, d) else None)
        return spec.when.with_year(moved.year)
    if day is None and spec.unit == "day" and spec.offset == 0 and prev is not None \
            and prev.bc and prev.month is not None:
        return When("day", prev.year, prev.month, prev.day, bc=True)  # "that same day": its day
    if day is None:
        return _unknown(gran)
    if spec.unit == "weekend_by_tense":  # "the weekend": by tense, like a weekday
        return When.of_date(_weekend_day(day, ref.tense), "weekend")
    if spec.unit == "night_by_tense":  # "fell overnight": the night before the morning paper
        back = ref.tense == PAST and not ref.narrative and spec.anchor != ANAPHORIC
        return When.of_date(day - dt.timedelta(days=1) if back else day)
    # The quarter a comparison counts from: the one just mentioned, or in news the last one
    # reported on ("third-quarter profit ... losses through the third quarter of 1990 ... the
    # year-ago period": 1988-Q3).
    # A half counts the same way: "in the first half of 2005 against the same period last year"
    # is 2004-H1.
    if prev is not None and prev.gran in ("quarter", "half") and not ref.narrative \
            and day is not None and (b := prev.bounds()) is not None and b[0] > day:
        prev = ref.quarter
    reported = (spec.follow_quarter and prev is not None and prev.year is not None
                and prev.gran in ("quarter", "half") and prev.n)
    if spec.unit == "latest_quarter":  # the quarter most recently reported on
        if reported:  # "the year-ago quarter" after "the third quarter"
            return When(prev.gran, prev.year + spec.offset // 4, n=prev.n)
        return _latest_quarter(day, spec.offset)
    coarse = _coarse_story(spec, ref)
    if coarse is not None and spec.unit in _FINER_THAN_MONTH:
        # "That day", "three days later" after "In September 1989": a day of September 1989,
        # which one unknown (1989-09-XX), not the 1st.
        if gran in ("week", "weekend"):
            return When(gran, coarse.year)
        return When("day", coarse.year, coarse.month)
    if spec.unit in ("hour", "minute") and prev is not None and prev.gran == "minute" and \
            not prev.bc and None not in (prev.year, prev.month, prev.day, prev.hour) and (
                spec.anchor == ANAPHORIC or ref.narrative):
        # "At 7:48 a.m. ... An hour later": 8:48, maybe on the next day
        at = dt.datetime(prev.year, prev.month, prev.day, prev.hour, prev.minute or 0)
        at += dt.timedelta(hours=spec.offset) if spec.unit == "hour" else \
            dt.timedelta(minutes=spec.offset)
        return When("minute", at.year, at.month, at.day, hour=at.hour, minute=at.minute)
    if spec.unit in ("hour", "minute", "second"):
        return When.of_date(day, "day")
    if reported:
        # Financial news: "a year earlier" after "the third quarter" is that quarter a year back
        # (not after a forecast's "the third quarter of 1990").
        return When(prev.gran, prev.year + spec.offset, n=prev.n)
    return When.of_date(shift(day, spec.unit, spec.offset), gran)


def _latest_quarter(day: dt.date, offset: int = 0) -> When:
    """The quarter most recently reported on at ``day`` (results come out some weeks after a
    quarter ends), moved by ``offset`` quarters."""
    return When.of_date(shift(day - dt.timedelta(days=45), "quarter", offset), "quarter")


_FINER_THAN_MONTH = ("day", "week", "hour", "minute", "second")


def _coarse_story(spec: Spec, ref: Reference) -> When | None:
    """The story's last date when an expression counts days from it and it names no day (a
    month, a year ...): the days counted from it are not known."""
    prev = ref.previous
    if prev is None or prev.year is None or prev.bc or not (
            spec.anchor == ANAPHORIC or ref.narrative):
        return None
    return prev if prev.gran not in ("day", "minute", "part") or prev.day is None else None


def _weekend_day(day: dt.date, tense: str | None) -> dt.date:
    """A day of the weekend "the weekend" means on ``day``: the one under way on a Saturday or
    Sunday (the next one when a Sunday looks ahead); on a weekday the last one in the past
    tense, the next one in the present or future, and without a tense the nearer one."""
    wd = day.weekday()
    if wd >= 5:
        return day + dt.timedelta(days=7) if tense == FUTURE and wd == 6 else day
    if tense == PAST or (tense is None and wd <= 1):
        return day - dt.timedelta(days=wd + 2)  # the Saturday before
    return day + dt.timedelta(days=5 - wd)  # the Saturday after


_YEARS = {"year": 1, "decade": 10, "century": 100}
_UNKNOWABLE = ("day", "week", "weekend", "month", "quarter", "year", "decade", "century")


def _unknown(gran: str) -> When:
    """A value with no year (``XXXX-XX-XX``, ``XXXX-WXX`` ...) at ``gran`` where it has one."""
    return When(gran if gran in _UNKNOWABLE else "day")


def _weekday(spec: Spec, ref: Reference) -> When:
    day = _anchor_day(spec, ref)
    if day is None:
        return When("day")  # XXXX-XX-XX: no reference, no day
    coarse = _coarse_story(spec, ref)
    if coarse is not None and not (coarse.gran == "week" and spec.direction == 0):
        # "on Tuesday" in a story last dated "September 1989"; not "That Friday" after "the
        # week of Oct. 19, 2015", which is in that week
        return When("day", coarse.year, coarse.month)
    wd = spec.weekday
    direction = spec.direction
    if spec.unit == "week":  # "Tuesday of next week"
        day += dt.timedelta(weeks=spec.offset)
    if direction is None:
        # A history tells its days in order: "On Sunday, 7 December 1941 ... On Monday".
        direction = 1 if ref.narrative else {PAST: -1, FUTURE: 1, PRESENT: 1}.get(ref.tense, -1)
        delta = (wd - day.weekday()) % 7
        if ref.target and ref.tense is None and not ref.narrative:
            back = (day.weekday() - wd) % 7
            direction = -1 if back < delta else 1  # "pushed their opener back to Friday"
        if direction < 0:
            delta = -((day.weekday() - wd) % 7)
    elif direction == 0:
        delta = wd - day.weekday()
        if spec.anchor != ANAPHORIC and ref.tense_is_certain and (
                (ref.tense == FUTURE and delta < 0) or (ref.tense == PAST and delta > 0)):
            # "This Monday the court will hear the case", written on a Saturday: the coming
            # Monday, not the one of the week that is ending
            delta += 7 if delta < 0 else -7
        elif spec.anchor != ANAPHORIC and day.weekday() == 6 and delta < 0 and \
                ref.tense != PAST:
            # "this Saturday we finally are", on a Sunday: the coming one; the ISO week that
            # holds it ends today
            delta += 7
    elif direction > 0:
        delta = (wd - day.weekday()) % 7 or 7
        if spec.unit == "weeks_on":  # "Monday week": a week after the coming Monday
            delta += 7 * spec.offset
    else:
        delta = -((day.weekday() - wd) % 7 or 7)
    return When.of_date(day + dt.timedelta(days=delta))


def _holiday_dates(code: str, year: int) -> tuple[dt.date, ...]:
    """A holiday's days in ``year``: one, or none (February 29), or, for a feast of the Islamic
    calendar, two."""
    if code.startswith("cal:"):
        code, sign, days = code[4:].partition("-")  # "cal:chinese:lunar_new_year-1": its eve
        return tuple(d - dt.timedelta(days=int(days or 0)) for d in moving_feasts(code, year))
    d = _holiday_date(code, year)
    return (d,) if d is not None else ()


def _holiday_date(code: str, year: int) -> dt.date | None:
    if code.startswith("cal:"):
        return next(iter(_holiday_dates(code, year)), None)
    if code.startswith("easter"):
        return easter(year) + dt.timedelta(days=int(code[6:]))
    if "/" in code:
        code, _, days = code.partition("+")
        month, nth, wd = (int(x) for x in code.split("/"))
        d = nth_weekday(year, month, wd, nth)
        return d + dt.timedelta(days=int(days or 0))
    month, day = (int(x) for x in code.split("-"))
    return dt.date(year, month, day) if valid_day(year, month, day) else None


def _holiday(spec: Spec, ref: Reference) -> When:
    if spec.when is not None and spec.when.year is not None:
        d = _holiday_date(spec.holiday, spec.when.year)
        return When.of_date(d) if d else When("day", spec.when.year)
    day = _anchor_day(spec, ref)
    if day is None:
        if not re.fullmatch(r"\d\d-\d\d", spec.holiday):  # one that moves: no month-day known
            return When("day")
        month, dd = (int(x) for x in spec.holiday.split("-"))
        return When("day", None, month, dd)
    prev = ref.previous
    if ref.narrative and prev is not None and prev.year is not None and not prev.bc and \
            (near := _holiday_date(spec.holiday, prev.year)) is not None:
        # A history's Christmas is its story year's, as its "December 25" is ("That summer,
        # Italy joined the Allies. On Christmas Day the guns fell silent": 1915's)
        year = _choose_year(When("day", None, near.month, near.day), spec, ref).year
        if year is not None and (d := _holiday_date(spec.holiday, year)) is not None:
            return When.of_date(d)
    days = [d for y in (day.year - 1, day.year, day.year + 1)
            for d in _holiday_dates(spec.holiday, y)]
    if spec.direction == -1:
        days = [d for d in days if d < day][-1:]
    elif spec.direction == 1:
        days = [d for d in days if d > day][:1]
    elif spec.direction is None:
        days = [min(days, key=lambda c: _distance(When.of_date(c, spec.gran if spec.gran in (
            "week", "weekend") else "day"), day, ref))] if days else []
    else:
        days = [d for d in days if d.year == day.year][:1]
    return When.of_date(days[0]) if days else When("day")  # none: a lunar feast out of range


# A month this many months before the story's, in a narrative, is in the story's next year.
NEW_YEAR_GAP = 8


def _story_year(when: When, spec: Spec, ref: Reference, prev: When) -> When:
    """The year of a date with no year in a story: the story's (``prev``, its last date, which
    has a year), or the one before or after it as the months and seasons run."""
    if when.month == 2 and when.day == 29 and not prev.bc:  # the leap year nearest the story's
        return replace(when, year=min(range(prev.year - 3, prev.year + 4), key=lambda y: (
            not isleap(y), abs(y - prev.year), y)))
    if spec.direction and when.month is not None and prev.month is not None and not prev.bc:
        # "the previous April", "the following March": before / after the story's month
        ahead = (when.month, when.day or 0) > (prev.month, prev.day or 0)
        if spec.direction < 0:
            return replace(when, year=prev.year if not ahead and when.month != prev.month
                           else prev.year - 1)
        return replace(when, year=prev.year if ahead else prev.year + 1)
    if spec.direction and when.month is not None and prev.month is None and not prev.bc and \
            (span := prev.bounds()) is not None:
        # "the following March" after "That summer" of 1775, or after "In 1775": the first
        # March after it ends, 1776's; "the previous April" the last before it begins
        years = (prev.year - 1, prev.year, prev.year + 1, prev.year + 2)
        options = [(w, b) for y in years if (b := (w := replace(when, year=y)).bounds())]
        if spec.direction > 0:
            after = [w for w, b in options if b[0] > span[1]]
            if after:
                return after[0]
        else:
            before = [w for w, b in options if b[1] < span[0]]
            if before:
                return before[-1]
    story_day = _previous_day(ref)
    if spec.direction and when.month is None and story_day is not None and \
            (bounds := when.with_year(prev.year).bounds()) is not None:
        # "next summer" after "September 10, 2007" is 2008's; "this past spring" before it
        if spec.direction > 0:
            return when.with_year(prev.year + 1 if bounds[0] <= story_day else prev.year)
        return when.with_year(prev.year - 1 if bounds[1] >= story_day else prev.year)
    if (when.month is not None and prev.month is not None and not prev.bc and ref.narrative
            and prev.month - when.month >= NEW_YEAR_GAP):
        # A history moves on: "In January" after "in November 1941" is January 1942.
        return replace(when, year=prev.year + 1)
    if when.is_winter:
        # The winter after a story's spring, autumn or year is the one its next January
        # names: "they passed the winter" after "the autumn of 481 BC" is BC0480-WI
        next_year = (not prev.is_winter if prev.gran == "season"
                     else prev.month is None or prev.month >= 3)
    else:
        # "Early in spring" after "the autumn of 481 BC" is the next year's
        next_year = (when.gran == "season" and prev.gran == "season" and not prev.is_winter
                     and spec.direction is None and when.n < prev.n)
    if next_year:
        return replace(when, year=prev.year - 1 if prev.bc else prev.year + 1, bc=prev.bc)
    return replace(when, year=prev.year, bc=prev.bc)


def _choose_year(when: When, spec: Spec, ref: Reference) -> When:
    """A year for "May 31", "November", "the third quarter" ..., from the reference and tense."""
    prev = ref.previous
    if prev is not None and prev.year is not None and (ref.narrative or spec.anchor == ANAPHORIC):
        story = _story_year(when, spec, ref, prev)
        if spec.weekday is not None and when.day is not None:
            return _weekday_year(story, when, spec, ref)
        return story
    day = ref.dct if not ref.narrative else (_previous_day(ref) or ref.dct)
    if day is None:
        return when
    if when.month == 2 and when.day == 29:  # the leap day before or after, by the tense
        leap = [y for y in range(max(1, day.year - 8), min(9999, day.year + 8) + 1)
                if isleap(y)]
        before = [when.with_year(y) for y in leap if dt.date(y, 2, 29) <= day]
        after = [when.with_year(y) for y in leap if dt.date(y, 2, 29) >= day]
        if not before or not after:
            return (before[-1:] or after[:1] or [when])[0]
        if spec.direction == 1 or (spec.direction is None and ref.tense == FUTURE):
            return after[0]
        if spec.direction == -1 or ref.tense == PAST:
            return before[-1]
        return min(before[-1:] + after[:1], key=lambda c: _distance(c, day, ref))
    candidate = when.with_year(day.year)
    bounds = candidate.bounds()
    if bounds is None:
        return candidate
    first, last = bounds
    if spec.direction == -1:  # "last November": the latest one wholly before the reference
        return candidate.with_year(day.year - 1) if last >= day else candidate
    if spec.direction == 1:  # "next May": the first one wholly after the reference
        return candidate.with_year(day.year + 1) if first <= day else candidate
    if spec.direction == 0:
        # "this November" is this year's, whatever the tense of a clause near it; only a month
        # most of a year away moves with a certain tense ("This January sales will rise",
        # written in December)
        if when.month is not None and ref.tense_is_certain:
            gap = when.month - day.month
            if ref.tense == FUTURE and gap <= -9:
                return candidate.with_year(day.year + 1)
            if ref.tense == PAST and gap >= 9:
                return candidate.with_year(day.year - 1)
        if when.gran == "season" and ref.tense_is_certain and ref.tense == FUTURE and last < day:
            return candidate.with_year(day.year + 1)  # "This spring will be busy", in October
        return candidate
    if when.gran == "quarter":  # earnings news reports on quarters already under way
        if first > day and ref.tense != FUTURE:
            return candidate.with_year(day.year - 1)
        return candidate
    candidates = [when.with_year(y) for y in (day.year - 1, day.year, day.year + 1)]
    if spec.weekday is not None:  # "Saturday, April 25": the year whose April 25 is a Saturday
        agreeing = [c for c in candidates if _fits_weekday(c, spec)]
        candidates = agreeing or candidates
    return min(candidates, key=lambda c: _distance(c, day, ref))


# A tense pointing the other way costs this many days. A certain tense ("was", "will", "held")
# decides; a weak one (a regular -ed form, which may be an adjective) only tips a close call.
_CERTAIN_PENALTY = 400
_WEAK_PENALTY = 150
_UNTENSED_FUTURE = 100


def _distance(candidate: When, day: dt.date, ref: Reference) -> int:
    bounds = candidate.bounds()
    if bounds is None:
        return 10**6
    first, last = bounds
    penalty = _CERTAIN_PENALTY if ref.tense_is_certain else _WEAK_PENALTY
    if first > day:
        return (first - day).days + (penalty if ref.tense == PAST else
                                     _UNTENSED_FUTURE if ref.tense is None and not ref.target
                                     else 0)
    if last < day:
        return (day - last).days + (penalty if ref.tense == FUTURE else 0)
    return 0


def _time_of_day(when: When, spec: Spec) -> When:
    if when.gran not in ("day", "minute", "part"):
        return when
    if spec.part:
        return replace(when, gran="part", part=spec.part)
    return replace(when, gran="minute", hour=spec.hour, minute=spec.minute or 0)
