"""Calendar values: a point at some granularity, its TIMEX3 value and its calendar bounds.

A ``When`` is what an expression means once anchored: "2023-09-12" (a day), "2023-W37" (a week),
"2023-Q3" (a quarter), "199" (a decade). Arithmetic ("last month", "two weeks ago") is done on
calendar days and then expressed at the expression's own granularity.
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
import functools
from dataclasses import dataclass

# Granularities, finest first.
GRANULARITIES = (
    "minute", "part", "day", "weekend", "week", "month", "season", "quarter", "half", "year",
    "decade", "century",
)
SEASONS = ("SP", "SU", "FA", "WI")
# Winter YYYY-WI is the one whose January and February fall in YYYY: it runs from December of
# the year before (2014-WI is 2013-12-01 to 2014-02-28). The hand-annotated corpora name a winter
# so: WikiWars writes 1915-WI for the winter of 1914-15, the tweets 2014-WI for a winter spoken
# of in January 2014. (Climatology counts December-February to the second year too.)
SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}
PARTS_OF_DAY = ("MO", "MI", "AF", "EV", "NI", "DT")


@dataclass(frozen=True, slots=True)
class When:
    """A calendar point at a granularity. ``year=None`` means the year is unknown (XXXX).

    ``n`` holds the number that the granularity needs: ISO week, quarter, half, season index.
    """

    gran: str
    year: int | None = None
    month: int | None = None
    day: int | None = None
    n: int | None = None
    part: str | None = None
    hour: int | None = None
    minute: int | None = None
    bc: bool = False

    # ----------------------------------------------------------------- construction
    @classmethod
    def of_date(cls, d: dt.date, gran: str = "day") -> When:
        """The period of granularity ``gran`` that contains day ``d``."""
        if gran in ("week", "weekend"):
            iso = d.isocalendar()
            return cls(gran, iso.year, n=iso.week)
        if gran == "month":
            return cls("month", d.year, d.month)
        if gran == "quarter":
            return cls("quarter", d.year, n=(d.month - 1) // 3 + 1)
        if gran == "half":
            return cls("half", d.year, n=1 if d.month <= 6 else 2)
        if gran == "year":
            return cls("year", d.year)
        if gran == "decade":
            return cls("decade", d.year // 10 * 10)
        if gran == "century":
            return cls("century", d.year // 100 * 100)
        if gran == "season":
            for i, s in enumerate(SEASONS):
                lo, hi = SEASON_MONTHS[s]
                if lo <= d.month <= hi or (s == "WI" and (d.month == 12 or d.month <= 2)):
                    year = d.year + 1 if d.month == 12 else d.year
                    return cls("season", year, n=i)
        return cls("day", d.year, d.month, d.day)

    # ----------------------------------------------------------------- rendering
    @property
    def value(self) -> str:
        """The TIMEX3 value string."""
        y = "XXXX" if self.year is None else f"{self.year:04d}"
        if self.bc and self.year is not None:
            y = f"BC{self.year:04d}"
        g = self.gran
        era = "BC" if self.bc else ""
        if g == "century":
            return "XX" if self.year is None else f"{era}{self.year // 100:02d}"
        if g == "decade":
            return "XXX" if self.year is None else f"{era}{self.year // 10:03d}"
        if g == "year":
            return y
        if g == "half":
            return f"{y}-H{self.n}"
        if g == "quarter":
            return f"{y}-Q{self.n if self.n else 'X'}"
        if g == "season":
            return f"{y}-{SEASONS[self.n]}"
        if g == "week":
            return f"{y}-W{self.n:02d}" if self.n else f"{y}-WXX"
        if g == "weekend":
            return f"{y}-W{self.n:02d}-WE" if self.n else f"{y}-WXX-WE"
        m = "XX" if self.month is None else f"{self.month:02d}"
        if g == "month":
            return f"{y}-{m}"
        d = "XX" if self.day is None else f"{self.day:02d}"
        date = f"{y}-{m}-{d}"
        if g == "part":
            return f"{date}T{self.part}"
        if g == "minute":
            return f"{date}T{self.hour:02d}:{self.minute or 0:02d}"
        return date

    def bounds(self) -> tuple[dt.date, dt.date] | None:
        """First and last calendar day covered, or None when the value is not fully known."""
        if self.year is None or self.bc or self.year < 1:
            return None
        try:
            return self._bounds()
        except (ValueError, OverflowError):
            return None

    def _bounds(self) -> tuple[dt.date, dt.date] | None:
        y, g = self.year, self.gran
        if g == "century":
            return dt.date(max(y, 1), 1, 1), dt.date(y + 99, 12, 31)
        if g == "decade":
            return dt.date(max(y, 1), 1, 1), dt.date(y + 9, 12, 31)
        if g == "year":
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if g in ("half", "quarter"):
            if not self.n:
                return dt.date(y, 1, 1), dt.date(y, 12, 31)
            months = 6 if g == "half" else 3
            first = (self.n - 1) * months + 1
            last = first + months - 1
            return dt.date(y, first, 1), dt.date(y, last, _cal.monthrange(y, last)[1])
        if g == "season":
            lo, hi = SEASON_MONTHS[SEASONS[self.n]]
            ly = y - 1 if hi < lo else y  # winter began in the December before
            return dt.date(ly, lo, 1), dt.date(y, hi, _cal.monthrange(y, hi)[1])
        if g in ("week", "weekend"):
            if not self.n:
                return dt.date(y, 1, 1), dt.date(y, 12, 31)
            monday = dt.date.fromisocalendar(y, self.n, 1)
            if g == "weekend":
                return monday + dt.timedelta(days=5), monday + dt.timedelta(days=6)
            return monday, monday + dt.timedelta(days=6)
        if self.month is None:
            return dt.date(y, 1, 1), dt.date(y, 12, 31)
        if g == "month" or self.day is None:
            last = _cal.monthrange(y, self.month)[1]
            return dt.date(y, self.month, 1), dt.date(y, self.month, last)
        d = dt.date(y, self.month, self.day)
        return d, d

    @property
    def is_winter(self) -> bool:
        """Whether this is a winter, the one season that spans two calendar years."""
        return self.gran == "season" and SEASONS[self.n] == "WI"

    def first_day(self) -> dt.date | None:
        b = self.bounds()
        return b[0] if b else None

    def with_year(self, year: int | None) -> When:
        # the fields in order: ``dataclasses.replace`` costs four times as much, and years are
        # tried several per expression
        return When(self.gran, year, self.month, self.day, self.n, self.part, self.hour,
                    self.minute, self.bc)


def valid_day(year: int, month: int, day: int) -> bool:
    """True when year-month-day exists on the calendar."""
    return 1 <= month <= 12 and 1 <= day <= _cal.monthrange(year, month)[1]


def add_months(d: dt.date, months: int) -> dt.date:
    """``d`` moved by whole months, the day clipped to the month's length."""
    total = d.year * 12 + d.month - 1 + months
    year, month = divmod(total, 12)
    month += 1
    return dt.date(year, month, min(d.day, _cal.monthrange(year, month)[1]))


def shift(d: dt.date, unit: str, n: int) -> dt.date:
    """Day ``d`` moved by ``n`` units (day, week, weekend, month, quarter, half, year, ...)."""
    if unit == "day":
        return d + dt.timedelta(days=n)
    if unit in ("week", "weekend"):
        return d + dt.timedelta(weeks=n)
    months = {"month": 1, "season": 3, "quarter": 3, "half": 6, "year": 12, "decade": 120,
              "century": 1200}.get(unit)
    if months is None:
        return d
    return add_months(d, months * n)


def nth_weekday(year: int, month: int, weekday: int, nth: int) -> dt.date:
    """The ``nth`` (1-based; -1 = last) ``weekday`` (0 = Monday) of a month."""
    if nth > 0:
        first = dt.date(year, month, 1)
        offset = (weekday - first.weekday()) % 7
        return first + dt.timedelta(days=offset + 7 * (nth - 1))
    last = dt.date(year, month, _cal.monthrange(year, month)[1])
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def easter(year: int) -> dt.date:
    """Western Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    lc = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * lc) // 451
    month, day = divmod(h + lc - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)



_CALENDARS = {"chinese": "_ChineseLunisolar", "islamic": "_IslamicLunar",
              "hebrew": "_HebrewLunisolar", "hindu": "_HinduLunisolar",
              "buddhist": "_BuddhistLunisolar"}


@functools.cache
def _calendar(name: str):
    import holidays.calendars  # loaded only when a text names a feast a lunar calendar moves

    return getattr(holidays.calendars, _CALENDARS[name])()


@functools.lru_cache(maxsize=1024)
def moving_feasts(code: str, year: int) -> tuple[dt.date, ...]:
    """The days in ``year`` of a feast that a lunar or lunisolar calendar moves, ``code``
    naming the calendar and its feast ("chinese:lunar_new_year", "islamic:eid_al_adha",
    "hebrew:yom_kippur"), as the calendars of the ``holidays`` package compute them; none
    outside the years they cover. The Islamic year is shorter than the Gregorian, so a year may
    hold two ("islamic:eid_al_adha" in 2006: January 10 and December 31)."""
    calendar, feast = code.split(":")
    if "|" in feast:  # "hindu:naraka_chaturdashi|diwali": the second where the first has no table
        return next(filter(None, (moving_feasts(f"{calendar}:{one}", year)
                                  for one in feast.split("|"))), ())
    cal = _calendar(calendar)
    got = getattr(cal, f"{feast}_dates", None) or getattr(cal, f"{feast}_date", None)
    if got is None:  # a feast this version of the package has no table of
        return ()
    try:
        found = got(year)
    except (KeyError, ValueError, IndexError):
        return ()
    if isinstance(found, tuple) or not isinstance(found, (set, frozenset, list)) and \
            not hasattr(found, "__next__"):
        found = [found]
    days = set()
    for one in found:
        day = one[0] if isinstance(one, tuple) else one
        if isinstance(day, dt.date) and day.year == year:
            days.add(day)
    return tuple(sorted(days))
