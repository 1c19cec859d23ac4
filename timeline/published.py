"""Find an article's publication date in the header of its plain text.

Only the first non-blank lines are read. In order of trust:

1. a line, or a part of a line between ``|``, ``•``, ``·`` or `` / ``, labelled ``Published``,
   ``Posted``, ``First published`` or ``Date`` ("Published: Sep 13, 2023 09:43 PM",
   "Posted on 13 September 2023", "Updated: Sep 14, 2023 | Published: Sep 13, 2023");
2. a line, or such a part of one, that is only a date, maybe with a weekday, a time or a
   byline ("September 13, 2023", "2023-09-13T21:43:00Z", "By Jane Doe | Sep 13, 2023 | Reuters");
3. a line (or part) labelled ``Updated`` or ``Last updated``;
4. a wire dateline ("LONDON, March 22 (Reuters) -") with a year, or whose year comes from
   elsewhere: the one year in the paths of links above it, else of copyright notices.

Date strings are parsed with dateparser, which requires day, month and year.
"""

from __future__ import annotations

import datetime as dt
import re

HEADER_LINES = 10

_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d{2}"
_ISO_TIME = r"T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?"
# Dates with day, month and year written out; numeric ones as YYYY-MM-DD (maybe with an ISO
# time, which dateparser reads as local: the date stays the one written), YYYY/MM/DD or D/M/Y
# (dateparser decides the order of the last kind).
_DATE = re.compile(
    rf"(?<!\w)(?:{_MONTH}\s+{_DAY},?\s+{_YEAR}"
    rf"|{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR}"
    rf"|{_YEAR}-\d{{1,2}}-\d{{1,2}}(?:{_ISO_TIME})?"
    rf"|{_YEAR}/\d{{1,2}}/\d{{1,2}}"
    rf"|\d{{1,2}}[/.]\d{{1,2}}[/.]{_YEAR})(?!\d)",
    re.IGNORECASE,
)
_SHORT_NUMERIC_DATE = re.compile(r"(?<![\w/.])\d{1,2}[/.]\d{1,2}[/.]\d{2}(?![\d/.])")
# Bylines put several items on one line ("By Jane Doe | Published: ..."); each is read alone.
_SEPARATOR = re.compile(r"[|•·]|\s/\s")
# A label opens an item.
_LABEL = re.compile(
    r"^\W*(?P<label>first published|published|posted|last updated|updated|date)\b"
    r"(?:\s+(?:on|at))?\s*[:\-\u2013\u2014]?\s*(?P<rest>.*)",
    re.IGNORECASE,
)
# What may surround a date on a line that is only a date.
_DATE_LINE_EXTRAS = re.compile(
    r"^\s*by\s+[^|•·,]+[|•·,]"
    r"|\b(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\b\.?"
    r"|\b\d{1,2}[:.]\d{2}(?::\d{2})?\s*(?:[ap]\.?m\.?)?"
    r"|\b(?:at|(?-i:[A-Z]{2,4})|UTC[+-]?\d*|GMT[+-]?\d*)\b",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    rf"^[A-Z][A-Z.'\- ]+(?:,\s*[A-Za-z.'\- ]+)?,\s+(?P<month>{_MONTH})\s+(?P<day>\d{{1,2}})"
    rf"(?:,?\s+(?P<year>{_YEAR}))?\s*(?:\([^)]*\)\s*)?[-\u2013\u2014]"
)
_URL_YEAR = re.compile(rf"https?://\S*?/(?P<year>{_YEAR})/")
_COPYRIGHT_YEAR = re.compile(rf"(?:©|\(c\)|copyright)\s*(?P<year>{_YEAR})", re.IGNORECASE)
_SETTINGS = {
    "PREFER_DAY_OF_MONTH": "first",
    "RETURN_AS_TIMEZONE_AWARE": False,
    "REQUIRE_PARTS": ["day", "month", "year"],
}


def find_published(text: str) -> dt.date | None:
    """Return the publication date written in the header of ``text``, or ``None``."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:HEADER_LINES]
    labelled = [
        (m["label"].lower(), m["rest"])
        for line in lines
        for item in _SEPARATOR.split(line)
        if (m := _LABEL.match(item))
    ]
    for label, rest in labelled:
        if "updated" not in label and (day := _date_in(rest)):
            return day
    for line in lines:
        if (day := _date_line(line)) is not None:
            return day
    for label, rest in labelled:
        if "updated" in label and (day := _date_in(rest)):
            return day
    return _dateline_date(lines, text)


def parse_date(text: str) -> dt.date | None:
    """Parse a string known to be a date (with day, month and year); ``None`` if it is not."""
    import dateparser  # slow to import; only needed here

    parsed = dateparser.parse(text, settings=_SETTINGS, languages=["en"])
    return parsed.date() if parsed else None


def _date_in(rest: str) -> dt.date | None:
    """Return the first date in what follows a label."""
    match = _DATE.search(rest) or _SHORT_NUMERIC_DATE.search(rest)
    return parse_date(match.group()) if match else None


def _date_line(line: str) -> dt.date | None:
    """Return the date of a line, or of an item of a byline, that holds only a date."""
    if len(line) > 80:
        return None
    for item in [line, *_SEPARATOR.split(line)]:
        if (day := _date_only(item)) is not None:
            return day
    return None


def _date_only(line: str) -> dt.date | None:
    """Return the date of text that holds only a date (and a weekday, time, byline)."""
    match = _DATE.search(line)
    if match is None:
        return None
    rest = _DATE_LINE_EXTRAS.sub(" ", line[: match.start()] + " " + line[match.end() :])
    if re.search(r"[^\W\d_]", rest):
        return None
    return parse_date(match.group())


def _dateline_date(lines: list[str], text: str) -> dt.date | None:
    """Return the date of a wire dateline, with its year or the year found elsewhere."""
    for index, line in enumerate(lines):
        match = _DATELINE.match(line)
        if match is None:
            continue
        year = match["year"] or _only_year(lines[:index], text)
        if year is None:
            return None
        return parse_date(f"{match['month']} {match['day']}, {year}")
    return None


def _only_year(header: list[str], text: str) -> str | None:
    """Return the one year of the links above the dateline, else of copyright notices.

    A bare year in a headline says nothing about when the article appeared, so it is not used.
    """
    years = {m["year"] for line in header for m in _URL_YEAR.finditer(line)}
    if not years:
        years = {m["year"] for m in _COPYRIGHT_YEAR.finditer(text)}
    return years.pop() if len(years) == 1 else None
