"""Lexicons (package data) compiled into regular-expression fragments and lookups.

Rules write ``{month}``, ``{weekday}``, ``{number}`` ... in their patterns; ``FRAGMENTS`` holds the
alternations they stand for, longest first so that "Sept." wins over "Sep". Month and weekday
names are case-sensitive (Title or UPPER case) so that "may" the modal and "march" the verb never
look like months; everything else matches in any case.
"""

from __future__ import annotations

import re
import tomllib
from functools import cache
from importlib import resources


@cache
def tables() -> dict:
    """The English lexicon tables, read once from ``resources/en.toml``."""
    with resources.files("timeline.temporal").joinpath("resources/en.toml").open("rb") as f:
        return tomllib.load(f)


def _alternation(words, *, flags: str = "") -> str:
    """A non-capturing alternation of ``words``, longest first, each escaped."""
    ordered = sorted(set(words), key=lambda w: (-len(w), w))
    body = "|".join(re.escape(w).replace("\\ ", r"\s+") for w in ordered)
    return f"(?{flags}:{body})" if flags else f"(?:{body})"


def _cased(words) -> list[str]:
    out = []
    for w in words:
        out += [w.title(), w.upper()]
    return out


def _fragments() -> dict[str, str]:
    t = tables()
    months = list(t["month"])
    abbrs = list(t["month_abbr"])
    full_month = _alternation(_cased(months), flags="-i")
    # "Sept." / "Sept" / "SEPT": the dot is part of the expression when present.
    abbr_month = "(?-i:(?:" + "|".join(
        re.escape(a) for a in sorted(_cased(abbrs), key=len, reverse=True)) + r")\.?)"
    weekdays = list(t["weekday"])
    wd_abbr = "(?-i:(?:" + "|".join(
        re.escape(a) for a in sorted(_cased(t["weekday_abbr"]), key=len, reverse=True)) + r")\.)"
    number_words = [w for w in t["number"] if w not in ("a", "an")]
    tens = "twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety"
    units19 = "one|two|three|four|five|six|seven|eight|nine"
    compound = (rf"(?:(?:{tens})[- ](?:{units19})|(?:{units19}|{tens}|ten|a) (?:hundred|thousand)"
                rf"(?: and (?:{units19}|{tens}))?)")
    # Years as they are spoken: "nineteen ninety-six", "nineteen oh five", "two thousand and one".
    teens = "ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen"
    two_digits = rf"(?:(?:{tens})(?:[- ](?:{units19}))?|{teens}|oh[- ](?:{units19}))"
    spelled_year = (rf"(?:(?:eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen"
                    rf"|nineteen|twenty) (?:{two_digits}|hundred)"
                    rf"|two thousand(?:(?: and)? (?:{two_digits}|{units19}))?)")
    digits = r"[1-3]/[2-4](?![\d/])|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?(?:\s+1/2)?"
    number = f"(?:{compound}|{digits}|{_alternation(number_words)[3:-1]})"
    # Lower case, as tweets write them, for rules that want a day or a year beside the month;
    # "may" is always the modal, and "march" the verb unless a rule says otherwise.
    lower_month = _alternation([w for w in [*months, *abbrs] if w not in ("may", "march")],
                               flags="-i")
    return {
        "month": f"(?:{full_month}|{abbr_month})",
        "month_lower": lower_month,
        "month_name": full_month,
        # "see u in november", "january is the longest month": tweets write months in lower
        # case; not "may" and "march", nor "august" the adjective (the month rule's check)
        "month_name_lower": _alternation([w for w in months if w not in ("may", "march")],
                                         flags="-i"),
        "weekday": f"(?:{_alternation(weekdays, flags='i')}|{wd_abbr})",
        "weekday_name": _alternation(weekdays, flags="i"),
        "number": number,
        "anumber": f"(?:{number}|an?)",
        "vague_quantity": _alternation(t["vague_quantity"]),
        "ordinal": _alternation(t["ordinal"]),
        "unit": _alternation(t["unit"]),
        "season": _alternation(t["season"]),
        "part_of_day": _alternation(t["part_of_day"]),
        "holiday": _alternation(t["holiday"]),
        # The first words of the feasts named with their weekday ("Easter Monday", "Good
        # Friday"), capitalised: what may stand before a weekday that opens a date.
        "feast": _alternation([n.rsplit(" ", 1)[0].title() for n in t["holiday"]
                               if " " in n and n.rsplit(" ", 1)[1] in weekdays], flags="-i"),
        "frequency_adverb": _alternation(t["frequency_adverb"]),
        "day_of_month": r"(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?(?!\d|:\d)",
        "year4": r"(?:1\d{3}|20\d{2})(?![\d,]\d)",
        "spelled_year": spelled_year,
    }


FRAGMENTS = _fragments()


def compile_pattern(pattern: str) -> re.Pattern:
    """Compile a rule pattern: ``{name}`` references expand to lexicon fragments, a space matches
    a run of whitespace (" ?" an optional one), and the whole pattern is case-insensitive except
    the names inside ``(?-i:...)`` groups. Matches start and end on word boundaries."""
    spaced = pattern.replace(" ?", r"\s*").replace(" ", r"\s+")
    expanded = re.sub(r"\{([a-z_][a-z_0-9]*)\}", lambda m: FRAGMENTS[m.group(1)], spaced)
    return re.compile(rf"(?<!\w)(?<!\w['’])(?:{expanded})(?![\w’]|'(?!s\b)\w)", re.IGNORECASE)


def month_number(word: str) -> int:
    """1-12 for a month name or abbreviation ("Sept." -> 9)."""
    w = word.lower().rstrip(".")
    t = tables()
    return t["month"].get(w) or t["month_abbr"][w]


def weekday_number(word: str) -> int:
    """0 (Monday) to 6 (Sunday) for a weekday name or abbreviation."""
    w = word.lower().rstrip(".")
    t = tables()
    return t["weekday"][w] if w in t["weekday"] else t["weekday_abbr"][w]


_WORD_NUMBER = re.compile(r"[\s-]+")


def number_value(text: str) -> float | None:
    """The value of a number written in digits or words ("twenty-five" -> 25); None if vague."""
    s = text.lower().strip()
    if s in tables()["vague_quantity"]:
        return None
    s = s.replace(",", "")
    if s.endswith(" 1/2"):
        return float(s[:-4]) + 0.5
    if re.fullmatch(r"\d/\d", s):  # "1/2 day", "3/4 hour"
        return int(s[0]) / int(s[2])
    try:
        return float(s)
    except ValueError:
        pass
    numbers = tables()["number"]
    if s in numbers:
        return float(numbers[s])
    total, current = 0.0, 0.0
    for part in _WORD_NUMBER.split(s):
        if part == "and":
            continue
        if part in ("hundred", "thousand"):
            current = (current or 1) * (100 if part == "hundred" else 1000)
            if part == "thousand":
                total, current = total + current, 0.0
        elif part in numbers:
            current += numbers[part]
        else:
            return None
    return total + current


_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
          "eighteen", "nineteen")


def spelled_year_value(text: str) -> int | None:
    """The year a spoken form names ("nineteen ninety-six" -> 1996, "nineteen oh five" ->
    1905, "two thousand and one" -> 2001), or None."""
    words = [w for w in _WORD_NUMBER.split(text.lower().strip()) if w != "and"]
    if words[:2] == ["two", "thousand"]:
        rest = number_value(" ".join(words[2:])) if words[2:] else 0
        return None if rest is None else 2000 + int(rest)
    if not words or (words[0] not in _TEENS[1:] and words[0] != "twenty"):
        return None
    century = 20 if words[0] == "twenty" else _TEENS.index(words[0]) + 10
    rest = words[1:]
    if rest == ["hundred"]:
        return century * 100
    if rest[:1] == ["oh"]:
        rest = rest[1:]
    value = number_value(" ".join(rest)) if rest else None
    return None if value is None or not 0 <= value < 100 else century * 100 + int(value)


def ordinal_value(word: str) -> int | None:
    return tables()["ordinal"].get(word.lower())


def unit_code(word: str) -> str:
    return tables()["unit"][word.lower().rstrip(".")]


def season_code(word: str) -> str:
    return tables()["season"][word.lower()]


def part_code(word: str) -> str:
    return tables()["part_of_day"][word.lower()]
