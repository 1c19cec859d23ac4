"""The TIMEX3 vocabulary the tests hold the engine to (TimeML 1.2.1 / TempEval-3)."""

from __future__ import annotations

import re

TYPES = frozenset({"DATE", "TIME", "DURATION", "SET"})

MODS = frozenset(
    {
        "BEFORE",
        "AFTER",
        "ON_OR_BEFORE",
        "ON_OR_AFTER",
        "LESS_THAN",
        "MORE_THAN",
        "EQUAL_OR_LESS",
        "EQUAL_OR_MORE",
        "START",
        "MID",
        "END",
        "APPROX",
    }
)

# Building blocks; "X" stands for an unknown digit or field (XXXX-08-24, XXXX-WXX-1, PXY).
# A year before the common era takes the "BC" prefix of TIMEX2 and HeidelTime (BC0499).
_YEAR = r"(?:[0-9X]{4}|BC[0-9]{4})"
_MONTH = r"(?:0[1-9]|1[0-2]|XX)"
_DAY = r"(?:0[1-9]|[12][0-9]|3[01]|XX)"
_WEEK = r"(?:0[1-9]|[1-4][0-9]|5[0-3]|XX)"
_WEEKDAY = r"[1-7X]"

_CALENDAR = (
    rf"{_YEAR}(?:-{_MONTH}(?:-{_DAY})?)?"  # 2023, 2023-09, 2023-09-13, XXXX-08-24
    rf"|{_YEAR}-W{_WEEK}(?:-{_WEEKDAY}|-WE)?"  # 2023-W37, 2023-W37-WE, XXXX-WXX-1
    rf"|{_YEAR}-(?:Q[1-4X]|H[12X]|SP|SU|FA|WI)"  # 2023-Q3, 2023-H1, 2023-SU
    r"|(?:BC)?[0-9X]{2,3}"  # decade 199, century 18, unknown XXX, BC decade BC048, century BC03
)
_CLOCK = (
    r"(?:[01][0-9]|2[0-4])(?::[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?)?"
    r"(?:Z|[+-](?:[01][0-9]|2[0-3])(?::?[0-5][0-9])?)?"
)
_TIME = rf"(?:{_YEAR}-{_MONTH}-{_DAY}|{_YEAR}-W{_WEEK}-{_WEEKDAY})T(?:{_CLOCK}|MO|AF|EV|NI|DT)"
_AMOUNT = r"(?:[0-9]+(?:\.[0-9]+)?|X)"
_DURATION = (
    rf"P(?:{_AMOUNT}(?:DE|CE|ML|WE|Y|Q|M|W|D))+(?:T(?:{_AMOUNT}[HMS])+)?"  # P3Y, P1DE, P1Y6M
    rf"|PT(?:{_AMOUNT}[HMS])+"  # PT2H, PTXH
)
_REFERENCE = r"PRESENT_REF|PAST_REF|FUTURE_REF"

VALUE_RE = re.compile(rf"(?:{_TIME}|{_CALENDAR}|{_DURATION}|{_REFERENCE})")
"""Matches (with ``fullmatch``) every well-formed TIMEX3 ``value``."""

FULL_DATE_RE = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})(?:T.*)?")
"""A value that names one calendar day (optionally with a time of that day)."""
