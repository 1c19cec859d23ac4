"""Extraction rules: each is a name, a pattern over lexicon fragments, a builder and examples.

A builder reads the match's named groups and returns a ``Spec`` (or ``None`` to reject the match
after a look at its context). Patterns are compiled by ``lexicon.compile_pattern``: ``{month}``
and friends expand to lexicon alternations, a space matches any whitespace, and matching is
case-insensitive except for month and weekday names. Every rule's examples are run by the tests.
"""

from __future__ import annotations

import calendar as _cal
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from timeline.temporal import lexicon as lx
from timeline.temporal.calendar import SEASONS, When, valid_day
from timeline.temporal.spec import ANAPHORIC, DEICTIC, Spec

Builder = Callable[[re.Match, str], "Spec | None"]


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: str
    build: Builder
    examples: tuple[str, ...] = ()
    priority: int = 0
    regex: re.Pattern = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", lx.compile_pattern(self.pattern))


# --------------------------------------------------------------------------- shared fragments
# "the end of", "the very beginning of": a part of a whole period.
WHOLE_OF = r"(?:the )?(?:very )?(?:beginning|start|end|middle|close|turn) of"
# "run one day late next week", "is running late this year": "late" is the verb's, not the
# week's
_LATE = "late" + "".join(rf"(?<!\b{w}\x20late)" for w in (
    "day", "days", "hour", "hours", "minute", "minutes", "week", "weeks", "month", "months",
    "year", "years", "run", "runs", "running", "ran", "arrive", "arrives", "arrived", "arriving",
    "paid", "pay", "pays", "filed", "file", "files", "started", "start", "starts", "came",
    "come", "comes", "finish", "finished", "finishes", "too", "very", "so"))  # the word first:
# a look-behind before it would be tried at every position
PREMOD = (
    r"(?P<premod>(?:early|" + _LATE + r") in|(?:the )?(?:early|" + _LATE + r"|mid-|mid)"
    r"|" + WHOLE_OF +
    r"|the (?:early|late|latter) part of|(?:the )?(?:early|late) part of|around the end of"
    r"|the (?:first|opening|early|last|final|closing|dying) (?:few )?(?:days|weeks|months) of)"
)
# An optional "early" / "the end of" ... before an expression ("mid-" needs no space after it).
OPT_PREMOD = "(?:" + PREMOD + "(?: |(?<=-)))?"
# "circa 1450", "ca. 466 BC", "c. 1200 BC": a year given as about right.
CIRCA = r"(?:(?P<circa>circa|ca\.|c\.(?= \d)) ?)?"
# "over" is "more than" after these ("for over a year", "took over a month") and before "ago";
# elsewhere it is "during" ("repay the loan over three years") and no part of the expression.
_MORE_THAN_OVER = "|".join(
    rf"(?<=\b{w}\x20)" for w in ("for", "after", "took", "take", "takes", "lasted", "lasts",
                                 "spent", "of", "in", "is", "was", "are", "were", "been", "be"))
APPROX = (
    r"(?P<approx>about|around|approximately|roughly|some|nearly|almost|more than"
    r"|(?=over\b)(?:(?:" + _MORE_THAN_OVER + r")over(?! the)|over(?=(?:\s+\S+){1,3}\s+ago\b))"
    r"|less than|under|at least|at most|up to|no more than|just over|just under|well over"
    r"|fewer than|not more than|not quite)"
)
PREMOD_CODES = {
    "early": "START", "late": "END", "mid": "MID", "mid-": "MID", "beginning": "START",
    "start": "START", "end": "END", "middle": "MID", "close": "END", "turn": "START",
    "latter": "END", "first": "START", "opening": "START", "last": "END", "final": "END",
    "closing": "END", "dying": "END",
}
APPROX_CODES = {
    "about": "APPROX", "around": "APPROX", "approximately": "APPROX", "roughly": "APPROX",
    "some": "APPROX", "nearly": "APPROX", "almost": "LESS_THAN", "not quite": "LESS_THAN",
    "more than": "MORE_THAN", "over": "MORE_THAN", "just over": "MORE_THAN",
    "well over": "MORE_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
    "just under": "LESS_THAN", "fewer than": "LESS_THAN", "at least": "EQUAL_OR_MORE",
    "at most": "EQUAL_OR_LESS", "up to": "EQUAL_OR_LESS", "no more than": "EQUAL_OR_LESS",
    "not more than": "EQUAL_OR_LESS",
}
# "this / last / next year" and the like: how many steps from the reference.
REL_STEP = {"last": -1, "this": 0, "next": 1}
UNIT_GRAN = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year",
             "DE": "decade", "CE": "century", "2W": "week"}
TIME_UNITS = {"S", "TM", "H"}


def _ws(s: str | None) -> str:
    return " ".join(s.lower().split()) if s else ""


def premod_code(m: re.Match) -> str | None:
    """START/MID/END from "early", "mid-", "the end of" ... in group ``premod``."""
    # Each modifier holds one of the words: "the very beginning of", "the last few days of".
    words = _ws(m.groupdict().get("premod")).split()
    return next((PREMOD_CODES[w] for w in words if w in PREMOD_CODES), None)


def approx_code(m: re.Match) -> str | None:
    return APPROX_CODES.get(_ws(m.groupdict().get("approx")))


def year_of(text: str) -> int:
    if text[:1].isalpha():  # "nineteen ninety-six"
        return lx.spelled_year_value(text)
    y = int(text.lstrip("'"))
    if len(text.lstrip("'")) == 2:
        y += 1900 if y >= 30 else 2000
    return y


def _g(m: re.Match, name: str) -> str | None:
    return m.groupdict().get(name)


_LAST_WORD = re.compile(r"([\w$#%'’.-]+)\s*$")


def preceding_word(text: str, start: int) -> str:
    """The lower-cased word before offset ``start`` (empty at the start of the text)."""
    hit = _LAST_WORD.search(text, max(0, start - 40), start)
    return hit.group(1).lower() if hit else ""


def _opens_sentence(text: str, start: int) -> bool:
    """Whether no word stands right before ``start`` (past spaces, quotes, brackets)."""
    return not text[max(0, start - 12):start].rstrip(" \t\"“(")[-1:].isalnum()


def _after(*words: str) -> str:
    """A look-behind for one of ``words`` and a space before the match (the rules' own spaces
    match runs of white space, which a look-behind cannot)."""
    return "(?:" + "|".join(rf"(?<=\b{w}\x20)" for w in words) + ")"


def following_text(text: str, end: int, n: int = 30) -> str:
    return text[end:end + n]


# --------------------------------------------------------------------------- builders
def b_iso(m: re.Match, text: str) -> Spec | None:
    y, mo, d = int(m["y"]), int(m["mo"]), int(m["d"])
    if not valid_day(y, mo, d):
        return None
    if m["H"] is not None:
        hh, mi = int(m["H"]), int(m["M"])
        if hh > 24 or mi > 59:
            return None
        return Spec("TIME", when=When("minute", y, mo, d, hour=hh, minute=mi))
    return Spec("DATE", when=When("day", y, mo, d))


def b_numeric(m: re.Match, text: str) -> Spec | None:
    a, b = int(m["a"]), int(m["b"])
    y = year_of(m["y"])
    mo, d = (a, b) if a <= 12 else (b, a)  # US month/day unless impossible
    if not valid_day(y, mo, d):
        return None
    return Spec("DATE", when=When("day", y, mo, d))


def b_dotted(m: re.Match, text: str) -> Spec | None:
    """ "27.03.15": day, month, year, as written where dots separate them (never US order)."""
    y, mo, d = year_of(m["y"]), int(m["mo"]), int(m["d"])
    if preceding_word(text, m.start()).rstrip(".") in ("version", "v", "ver", "release", "build",
                                                       "firmware", "update", "no", "ip"):
        return None  # "Version 10.12.15"
    return Spec("DATE", when=When("day", y, mo, d)) if valid_day(y, mo, d) else None


# After an ordinal these make it a unit's number, not a day: "August the 6th Army".
_MILITARY_UNIT = re.compile(r"[ \t]+(?-i:Army|Armies|Division|Corps|Fleet|Regiment|Brigade"
                            r"|Battalion|Panzer|Infantry|Cavalry|Squadron|Airborne|Armou?red"
                            r"|Marines?|Guards|Mountain|Rifles|Light|Air|Parachute|SS)\b")


def b_month_day(m: re.Match, text: str) -> Spec | None:
    mo = lx.month_number(m["mon"])
    d = int(re.match(r"\d+", m["d"]).group())
    if _g(m, "by"):  # "15 March 44 BC", "March 15, 44 BC"
        year = int(m["by"])
        return Spec("DATE", when=When("day", year, mo, d, bc=True)) \
            if year and valid_day(2000, mo, d) else None
    year = year_of(m["y"]) if _g(m, "y") else None
    if not valid_day(year or 2000, mo, d):
        return None
    if (year is None and not _g(m, "wd") and m["mon"].lower() in lx.tables()["month_abbr"]
            and _capitalised_name(text, m.start(), m.end())):
        return None  # "Lester Koh Jia Jun 2": a name
    if year is None and not m["d"].isdigit() and m.end("d") == m.end() and \
            _MILITARY_UNIT.match(text, m.end()):
        return None  # "by late August the 6th Army had reached the Volga"
    spec = Spec("DATE", when=When("day", year or _named_day_year(mo, d, text, m.end()), mo, d))
    weekday = _g(m, "wd") or _g(m, "wd_after")
    if weekday and year is None:
        spec.weekday = lx.weekday_number(weekday)
    return spec


def _named_day_year(month: int, day: int, text: str, end: int) -> int | None:
    """The year of a day that names an event, when one of its words follows ("the Sept. 11
    attacks", "the Jan. 6 committee")."""
    named = lx.tables()["named_day"].get(f"{month:02d}-{day:02d}")
    if named is None:
        return None
    # the event's word, maybe after one other ("the Sept. 11 terrorist attacks")
    words = re.findall(r"[A-Za-z]+", text[end:end + 30])[:2]
    gap = re.match(r"[\s,]", text[end:end + 1])
    return named["year"] if gap and any(w.lower() in named["before"] for w in words) else None


def b_nine_eleven(m: re.Match, text: str) -> Spec | None:
    """ "9/11": the attacks' day, before their words or after "since", "after", "post-"."""
    if _named_day_year(9, 11, text, m.end()) is None and preceding_word(
            text, m.start()).rstrip("-") not in ("since", "after", "before", "post", "pre", "of"):
        return None
    return Spec("DATE", when=When("day", lx.tables()["named_day"]["09-11"]["year"], 9, 11))


def b_month_slash_day(m: re.Match, text: str) -> Spec | None:
    month, day = int(m["mo"]), int(m["d"])
    if (month, day) == (9, 11) or preceding_word(text, m.start()) not in _SLASH_DAY_BEFORE \
            or not valid_day(2000, month, day):
        return None
    return Spec("DATE", when=When("day", None, month, day))


def b_week_of(m: re.Match, text: str) -> Spec | None:
    """ "The week of March 6": the ISO week holding that day."""
    day = b_month_day(m, text)
    return replace(day, gran="week") if day is not None else None


# The day whose ISO week is "the first / second ... / last week of" a month: the week holding
# the 4th holds at least four days of the month (as ISO's own first week of a year holds four).
_WEEK_OF_MONTH_DAY = {"first": 4, "second": 11, "third": 18, "fourth": 25}


def b_week_of_month(m: re.Match, text: str) -> Spec | None:
    """ "The first week of March", "the last week of April 2013": an ISO week."""
    mo = lx.month_number(m["mon"])
    year = year_of(m["y"]) if _g(m, "y") else None
    nth = m["ord"].lower()
    last = _cal.monthrange(year or 2001, mo)[1]  # a common year when none is named
    day = last - 3 if nth in ("last", "final") else _WEEK_OF_MONTH_DAY[nth]
    return Spec("DATE", when=When("day", year, mo, day), gran="week")


def b_month_year(m: re.Match, text: str) -> Spec | None:
    mo = lx.month_number(m["mon"])
    if _g(m, "by"):  # "April 480 BC"
        return Spec("DATE", when=When("month", int(m["by"]), mo, bc=True), mod=premod_code(m))
    if _g(m, "y3") and text[m.end("mon"):m.start("y3")] != " ":
        return None  # "September, 213", "May        169.00"
    year = int(m["y3"]) if _g(m, "y3") else year_of(m["y"])  # "in October 732, Charles ..."
    return Spec("DATE", when=When("month", year, mo), mod=premod_code(m))


# Months that are also given names, and what a month's possessive reports: "May's figure".
_NAME_MONTHS = {"april", "may", "june", "august", "january"}
MONTH_DATA = re.compile(
    r"['’]s\s+(?:(?:\w+-)?\w+\s+)?(?:figures?|reading|data|report|numbers?|increase|decline|rise"
    r"|fall|gain|drop|jump|level|rate|total|payrolls|inflation|sales|output|exports|imports"
    r"|index|survey|high|low|peak|record)\b", re.I)


MONTH_CONTEXT = {"in", "since", "by", "until", "till", "til", "from", "through", "of", "during",
                 "before", "after", "last", "next", "this", "early", "late", "mid", "to",
                 "between", "and", "or", "mid-", "end", "beginning", "throughout", "for",
                 "around", "following", "previous", "past", "coming", "each", "every",
                 "that", "late-", "early-", "-", "least", "into"}  # "until at least May",
# "Investors came into May expecting a deal"


# "the March accession", "the May elections": the month before a noun; not "the March of
# Dimes", "the March on Washington".
_MONTH_AS_MODIFIER = re.compile(r"\s+(?!(?:of|on|to|for|from|in|into|through|across|past|by|at"
                                r"|with|and|or|is|was|will|has|had)\b)[a-z]{3,}\b")


# Words that make the name before them a street's: "Fourth of July Street", "Friday Road".
_STREET = r"\s+(?:Street|Road|Rd\.|Avenue|Ave\.|Lane|Square|Boulevard)(?!\w)"


def b_month(m: re.Match, text: str) -> Spec | None:
    name = m["mon"]
    mo = lx.month_number(name)
    rel = _ws(_g(m, "rel"))
    before = preceding_word(text, m.start())
    after = following_text(text, m.end(), 12)
    if _g(m, "premod") and re.match(r"\s+\d{1,2}(?!\d)", after):
        return None  # "its record close of April 30": the rule "month_day" reads the day
    # The modal and the verb: only with a preposition or modifier in front.
    if name.lower() in ("may", "march") and not rel and not _g(m, "premod") and (
            before not in MONTH_CONTEXT or re.match(r"\s+(?:be|have|not|also|well)\b", after)
    ) and not (before in ("the", "its", "their") and _MONTH_AS_MODIFIER.match(after)) and not (
            name[0] == "M" and MONTH_DATA.match(after)):
        return None
    if re.match(r"\s+[A-Z][a-z]", after) and before not in MONTH_CONTEXT and not rel:
        return None  # "August Wilson", "June Carter"
    if re.match(_STREET, after):
        return None  # "on Fourth of July Street"
    if rel == "that" and m["rel"][0] == "T" and not _opens_sentence(text, m.start()):
        return None  # a capital "That" opens its sentence ("That December, ..."), or it is a
        # headline's conjunction
    if name == "august" and not rel and (before not in MONTH_CONTEXT or before in (
            "that", "of", "and", "or", "each", "every", "-")):
        return None  # "an august institution", "that august body"
    if re.match(r"['’]s\s", after) and before not in MONTH_CONTEXT and (
            name.lower() in _NAME_MONTHS and not MONTH_DATA.match(after)):
        return None  # "May's government", "June's husband"; not "May's figure", "February's
        # increase"
    hint = {"last": -1, "this past": -1, "next": 1, "this coming": 1, "coming": 1}.get(rel)
    spec = Spec("DATE", when=When("month", None, mo), mod=premod_code(m))
    if rel in ("last", "next", "this past", "this coming", "coming"):
        spec.direction = hint  # strictly before / after the reference month
    if rel in ("the previous", "the preceding", "the following", "the next"):
        # "the previous April": the last April before the story's date
        spec.direction = -1 if rel in ("the previous", "the preceding") else 1
        spec.anchor = ANAPHORIC
    if rel == "that":  # "that December": the story's
        spec.anchor = ANAPHORIC
    if rel == "this":  # "This November, they insist they have learned": this year's
        spec.direction = 0
    return spec


# After these "that" opens what is said or known, and a month after it is its subject.
_THAT_CONJUNCTION = {"said", "says", "say", "show", "shows", "showed", "shown", "found", "find",
                     "finds", "noted", "note", "notes", "believe", "believes", "believed",
                     "think", "thinks", "thought", "know", "knows", "knew", "expect", "expects",
                     "expected", "hope", "hopes", "hoped", "announced", "reported", "confirmed",
                     "means", "meant", "suggests", "suggested", "indicates", "indicated", "clear",
                     "likely", "possible", "unlikely", "true", "sure", "certain", "so", "now",
                     "given", "fact", "news", "feared", "fears", "warned", "argued", "claimed",
                     "insisted", "added", "predicted", "forecast", "estimated", "agreed"}


_NAME_OR_DIGIT_AFTER = re.compile(r"[ \t]+(?:[A-Z][a-z]|(?:del|de|la|do|da)\b)|[ \t]*\d")


def b_month_abbr(m: re.Match, text: str) -> Spec | None:
    """ "in Jun", "July and Aug.": an abbreviated month alone, after a preposition or another
    month, and not before a name ("in Jan Smith's house")."""
    before = text[max(0, m.start() - 30):m.start()]
    if not (preceding_word(text, m.start()) in ("in", "for", "since", "until", "till")
            or re.search(lx.FRAGMENTS["month"] + r"\s*(?:,|and|or|&|/|-|to)\s*$", before)):
        return None
    if _NAME_OR_DIGIT_AFTER.match(text, m.end()):
        return None  # "in Jan Smith's", "for Mar del Plata", "Jun 2" (another rule's)
    return Spec("DATE", when=When("month", None, lx.month_number(m["mon"])))


def b_month_rel_year(m: re.Match, text: str) -> Spec | None:
    mo = lx.month_number(m["mon"])
    if _g(m, "dm") and _g(m, "d"):
        return None  # "3 March 4 next year": no date
    d = _g(m, "dm") or _g(m, "d")
    day = int(re.match(r"\d+", d).group()) if d else None
    when = When("day" if day else "month", None, mo, day)
    offset = REL_STEP[m["rel"].lower()]
    return Spec("DATE", when=when, unit="year", offset=offset, gran="year", anchor=DEICTIC,
                news_cue=True, mod=None if day else premod_code(m))


def b_day_of_rel_month(m: re.Match, text: str) -> Spec | None:
    """ "the 28th of last month", "the 5th of next month", "the 3rd of the following month"."""
    rel = _ws(m["rel"]).lower()
    offset = REL_STEP.get(rel, {"the following": 1, "the next": 1, "the previous": -1,
                                "the preceding": -1}.get(rel, 0))
    anchor = DEICTIC if rel in REL_STEP else ANAPHORIC
    when = When("day", None, None, int(re.match(r"\d+", m["d"]).group()))
    return Spec("DATE", when=when, unit="month", offset=offset, gran="day", anchor=anchor,
                news_cue=anchor == DEICTIC)


def b_month_of_that_year(m: re.Match, text: str) -> Spec | None:
    offset = {"that": 0, "the same": 0, "the following": 1, "the next": 1, "the previous": -1,
              "the preceding": -1}[_ws(m["rel"])]
    mo = lx.month_number(m["mon"])
    if _g(m, "d") and _g(m, "d0"):
        return None  # "8 November 9 of that year"
    d = _g(m, "d") or _g(m, "d0")
    day = int(re.match(r"\d+", d).group()) if d else None
    when = When("day" if day else "month", None, mo, day)
    return Spec("DATE", when=when, unit="year", offset=offset, gran="year", anchor=ANAPHORIC)


# After a number these make it a count or a measure, not a year: "1,200 troops", "1500 feet".
_MEASURED = r"%|percent|per cent|[-–]?(?:odd|strong|member|page|acre|mile|ton|foot|meter)"
_UNIT_NOUNS = (r"miles|kilometers|km|feet|meters|metres|tons|tonnes|dollars|yen|marks|francs"
               r"|pounds|euros|points|pages|words|acres|barrels|times|hours|minutes|days|years"
               r"|calories|yards|rpm|cc|horsepower|ft|lbs?|kg|mm|cm|crores?|lakhs?|million(?!-)"
               r"|billion(?!-)|rupees|yuan|pesos|rand|ringgit|baht")
_COUNT_NOUNS = (r"people|persons|troops|soldiers|workers|jobs|employees|protesters|demonstrators"
                r"|passengers|patients|visitors|tourists|infections|civilians|rebels|fighters"
                r"|militants|policemen|officers|doctors|nurses|teachers|lawmakers|inmates"
                r"|detainees|victims|migrants|participants|athletes|households|signatures"
                r"|applications|complaints|arrests|casualties|beds|villages|companies|firms"
                r"|species|votes|cases|dead|deaths|members|residents|copies|units|shares|cars"
                r"|vehicles|students|children|men|women|families|homes|houses|buildings"
                r"|prisoners|refugees|delegates|seats|rounds")
NOT_YEAR_AFTER = re.compile(
    rf"\s*(?:{_MEASURED}|\s(?:(?:new|more|additional|other|foreign|confirmed|suspected)\s+)?"
    rf"(?:{_COUNT_NOUNS}|{_UNIT_NOUNS})\b)", re.I)


# After these a year may open a clause whose subject is a count noun ("In 1998 workers went on
# strike", "since 2015 officers have ..."); a unit still makes it a number ("in 1500 feet").
_YEAR_PREPOSITIONS = {"in", "since", "by", "until", "till", "til", "before", "after", "during", "from",
                      "through"}
_UNIT_AFTER = re.compile(rf"\s*(?:{_MEASURED}|\s(?:{_UNIT_NOUNS})\b)", re.I)
_NOT_YEAR_BEFORE = {"no.", "nos.", "number", "no", "page", "pages", "p.", "route", "flight", "room",
                    "rule", "version", "model", "boeing", "airbus", "windows", "office", "article",
                    "section", "chapter", "resolution", "bill", "h.r.", "s.", "lot", "car", "unit",
                    "form", "forms", "interstate", "highway", "gate", "platform", "suite", "apt.",
                    "rs", "rs.", "inr", "usd", "eur", "gbp", "aud", "cad", "rmb", "sgd"}


# Before a year of the next century these make it one ("by 2100", "beyond 2150"); alone,
# such a number is more often a count or a level ("the index hit 2150").
_FAR_YEAR_BEFORE = {"by", "in", "until", "till", "before", "after", "through", "beyond",
                    "since", "from", "of", "year", "circa"}


def b_year(m: re.Match, text: str) -> Spec | None:
    y = int(m["y"])
    before = preceding_word(text, m.start())
    strong = _g(m, "premod") or _g(m, "fiscal") or _g(m, "fy")
    if _g(m, "about"):
        if _UNIT_AFTER.match(text, m.end()) or NOT_YEAR_AFTER.match(text, m.end()) or \
                re.match(r"\s*(?:[A-Z]{2,4}\b|A\.D\.|hrs\b|h\b)", text[m.end():m.end() + 8]):
            return None  # "about 1500 feet", "around 1115 GMT", "about 1200 AD"
        if before in ("for", "of", "to", "than", "at") or not 1000 <= y <= 2099:
            return None  # "sold for about 1500", "a total of around 2000"
    if y >= 2100 and preceding_word(text, m.start("y")) not in _FAR_YEAR_BEFORE:
        return None
    if not strong:
        if before.endswith(("$", "#", "+")) or before in _NOT_YEAR_BEFORE or (
                before == "local" and text.endswith("Local ", 0, m.start())):
            return None  # "US$1500", "flight 1549", "Union Local 1417"; not "well into 1941"
        if (NOT_YEAR_AFTER.match(text, m.end()) and not (
                before in _YEAR_PREPOSITIONS and not _UNIT_AFTER.match(text, m.end()))) \
                or re.match(
                r"\s+(?:[A-Z][a-z]+\s+)?(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Boulevard|Blvd"
                r"|Lane|Drive|Way|Place|Broadway)\b", text[m.end():m.end() + 40]):
            return None
        y0 = m.start("y")
        if re.match(r" \d{3}\b", text[m.end():m.end() + 5]):
            return None  # "call Crime Stoppers on 1800 333 000": a telephone number
        if re.match(r"[.,]\d", text[m.end():m.end() + 2]) or text[y0 - 1:y0] in (
                ".", ",", "$", "/", ":", "£", "€", "¥", "₹"):
            return None
        if not 1000 <= y <= 2199 or re.search(r"(?<!\d)\d{1,3}-$", text[max(0, y0 - 6):y0]):
            return None
    if _g(m, "era"):
        return None
    return Spec("DATE", when=When("year", y), mod=_year_mod(m))


def b_ad_year(m: re.Match, text: str) -> Spec | None:
    y = int(m["y"])
    if y < 1 or (m.group().lower().startswith("the year") and y < 100):
        return None  # "the year 0", "the year 12" (an age, a count)
    return Spec("DATE", when=When("year", y), mod=_year_mod(m))


def _year_mod(m: re.Match) -> str | None:
    return premod_code(m) or ("APPROX" if _g(m, "circa") or _g(m, "about") else None)


def b_bc_year(m: re.Match, text: str) -> Spec | None:
    y = int(m["y"])
    if _ws(m["era"]).replace(".", "") in ("bc", "bce"):
        return Spec("DATE", when=When("year", y, bc=True), mod=_year_mod(m))
    return Spec("DATE", when=When("year", y), mod=_year_mod(m))


SPELLED_YEAR_CONTEXT = {"in", "by", "since", "until", "till", "of", "before", "after", "from",
                        "to", "through", "and", "or", "early", "late", "mid"}


def b_spelled_year(m: re.Match, text: str) -> Spec | None:
    """A year as it is spoken. "Two thousand", "twelve hundred" and "twenty thirty" are numbers
    too ("two thousand troops"): they need "the year", or a preposition before them and no word
    after them."""
    if text[m.end():m.end() + 1] == "-":
        return None  # "twenty thirty-year-old cars"
    spoken = m["y"].lower()
    if (spoken.startswith(("two", "twenty")) or spoken.endswith("hundred")) and not _g(
            m, "the") and not (
            preceding_word(text, m.start()) in SPELLED_YEAR_CONTEXT
            and not re.match(r"\s*[a-z]", text[m.end():m.end() + 3])):
        return None
    if not _g(m, "the") and NOT_YEAR_AFTER.match(text, m.end()):
        return None  # "nineteen twenty-five people"
    return Spec("DATE", when=When("year", year_of(m["y"])), mod=premod_code(m))


DECADE_WORDS = {"twenties": 2, "thirties": 3, "forties": 4, "fifties": 5, "sixties": 6,
                "seventies": 7, "eighties": 8, "nineties": 9, "noughties": 10, "naughties": 10}


# "the 90s" is a decade unless it counts degrees, scores or percentages.
_NOT_A_DECADE = re.compile(r"\b(?:temperatures?|degrees?|highs?|lows?|scores?|percent|mph"
                           r"|readings?|fever|humidity|polls?|ratings?|mid|upper|lower)\b",
                           re.I)


def b_decade(m: re.Match, text: str) -> Spec | None:
    if _g(m, "bc"):  # "the 430s BC": 439 to 430 BC, BC043; "the 400s BC" is the century, BC04
        n = int(m["bc"])
        gran = "century" if n % 100 == 0 else "decade"
        return Spec("DATE", when=When(gran, n, bc=True), mod=premod_code(m))
    if _g(m, "full") and m["full"].endswith("00") and m["full"] != "2000":
        # "the 1800s" is the century, 1800-1899 ("the 2000s" is mostly the decade)
        return Spec("DATE", when=When("century", int(m["full"])), mod=premod_code(m))
    if _g(m, "full"):
        y = int(m["full"][:3]) * 10
    elif _g(m, "short"):
        y = 1900 + int(m["short"]) * 10 if m["short"] != "0" else 2000  # "the '00s"
    elif _g(m, "bare"):
        if _NOT_A_DECADE.search(text, max(0, m.start() - 60), m.start()):
            return None  # "temperatures in the 90s", "temperatures are forecast to rebound
            # into the 60s", "in the 80s percent range"
        y = 1900 + int(m["bare"]) * 10
    else:
        if preceding_word(text, m.start()) in _POSSESSIVES:
            return None  # "in his early twenties", "in their forties": an age
        y = 1900 + DECADE_WORDS[m["word"].lower()] * 10
    return Spec("DATE", when=When("decade", y), mod=premod_code(m))


_POSSESSIVES = {"his", "her", "their", "my", "your", "our", "its", "one's"}


def b_century(m: re.Match, text: str) -> Spec | None:
    raw = m["ord"].lower()
    n = lx.ordinal_value(raw) or int(re.match(r"\d+", raw).group())
    if n < 1:
        return None  # "the 0th century"
    # The 4th century BC (BC03) ran from 400 to 301 BC: its value counts hundreds, like AD's.
    bc = bool(_g(m, "era"))
    return Spec("DATE", when=When("century", (n - 1) * 100, bc=bc), mod=premod_code(m))


def _quarter_number(word: str) -> int | None:
    return {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4,
            "4th": 4, "final": 4, "last": 4}.get(word.lower())


# A game's halves and quarters are no calendar's: "Arsenal scored twice in the first half".
_GAME = re.compile(
    r"\b(?:scor(?:e[sd]?|ing)|touchdowns?|field goals?|baskets?|rebounds|innings?|half-?time"
    r"|kick-?off|quarterback|striker|goalkeeper|free throws?|equali[sz]ed|whistle|semi-?finals?"
    r"|(?:led|trailed|won|lost|lead|trail|leads|trails) by (?:as many as )?\d+(?: points?)?"
    r"|\d+-\d+ (?:run|lead)"
    r"|penalty (?:kick|shot|spot)|the game|the match)\b", re.I)


def _game_period() -> Spec:
    """A part of the game's day: the day last spoken of, or the publication's."""
    return Spec("DATE", unit="day", offset=0, gran="day", anchor=ANAPHORIC)


def _in_a_game(text: str, start: int, end: int) -> bool:
    """Whether the sentence around ``text[start:end]`` tells of a game."""
    lo = max(text.rfind(". ", 0, start), start - 150, 0)
    hi = text.find(". ", end)
    return bool(_GAME.search(text, lo, min(hi if hi >= 0 else len(text), end + 150)))


def b_quarter(m: re.Match, text: str) -> Spec | None:
    if _NOT_A_QUARTER.match(text, m.end()) and not (_g(m, "y") or _g(m, "rel")):
        return None  # "the third quarter-final", "a second quarter point"
    if not (_g(m, "y") or _g(m, "y0") or _g(m, "rel") or _g(m, "rel0")) and \
            _in_a_game(text, m.start(), m.end()):
        return _game_period()  # "Brady threw two touchdowns in the fourth quarter"
    q = _quarter_number(m["ord"]) if _g(m, "ord") else int(m["q"])
    year = _g(m, "y") or _g(m, "y0")
    mod = premod_code(m)  # "the end of the first quarter"
    if year:
        return Spec("DATE", when=When("quarter", year_of(year), n=q), mod=mod)
    rel = _ws(_g(m, "rel0") or _g(m, "rel")).removesuffix(" year's")  # "next year's", "next"
    offset = REL_STEP.get(rel)
    if offset is not None:
        return Spec("DATE", unit="year", offset=offset, gran="year", anchor=DEICTIC,
                    when=When("quarter", None, n=q), mod=mod)
    return Spec("DATE", when=When("quarter", None, n=q), mod=mod)


def b_month_span_quarter(m: re.Match, text: str) -> Spec | None:
    """ "The April-June quarter", "in January-March": the calendar quarter those months are,
    as Asian statistics offices and the wires that report them name quarters."""
    first, last = lx.month_number(m["m1"]), lx.month_number(m["m2"])
    if first % 3 != 1 or last != first + 2:
        return None  # "the March-May period" is no quarter: two months, two expressions
    year = year_of(m["y"]) if _g(m, "y") else None
    return Spec("DATE", when=When("quarter", year, n=(first - 1) // 3 + 1))


def b_fiscal_shorthand(m: re.Match, text: str) -> Spec | None:
    year = year_of(m["yy"]) if _g(m, "yy") else int(m["y"])
    mod = premod_code(m)  # "early 4Q13"
    if _g(m, "qn") or _g(m, "qn2"):
        return Spec("DATE", when=When("quarter", year, n=int(_g(m, "qn") or m["qn2"])), mod=mod)
    return Spec("DATE", when=When("half", year, n=int(_g(m, "hn") or m["hn2"])), mod=mod)


def b_month_range_quarter(m: re.Match, text: str) -> Spec | None:
    """ "The April-June quarter", as Japanese and Korean reports name them: a calendar quarter
    when its months are one."""
    first, last = lx.month_number(m["m1"]), lx.month_number(m["m2"])
    if first % 3 != 1 or last != first + 2:
        return None  # "the November-January quarter": a fiscal one, no calendar quarter
    year = year_of(m["y"]) if _g(m, "y") else None
    return Spec("DATE", when=When("quarter", year, n=first // 3 + 1))


QUARTER_REL = {"this": 0, "current": 0, "same": 0, "latest": "latest", "recent": "latest",
               "most recent": "latest", "last": -1, "past": -1, "previous": -1, "prior": -1,
               "next": 1, "coming": 1, "year-earlier": "year", "year-ago": "year",
               "comparable": "year", "prior-year": "year", "": "latest", "fiscal": "latest"}


# After "quarter" these make it a fraction or a round, not three months.
_NOT_A_QUARTER = re.compile(r"[\s-]+(?:percentage|percent|point|mile|inch|pound|ton|hour"
                            r"|century|final|note|turn)", re.I)


def b_rel_quarter(m: re.Match, text: str) -> Spec | None:
    if not _g(m, "rel") and not m.group().lower().startswith("the"):
        return None  # a bare "quarter" is a fraction
    if _NOT_A_QUARTER.match(text, m.end()):
        return None  # "the quarter-finals", "the quarter mile"
    rel = QUARTER_REL.get(_ws(_g(m, "rel")))
    if rel is None:
        return None
    if rel == "latest":
        return Spec("DATE", unit="latest_quarter", anchor=DEICTIC, gran="quarter")
    if rel == "year":
        return Spec("DATE", unit="quarter", offset=-4, anchor=ANAPHORIC, gran="quarter")
    if _ws(_g(m, "rel")) in ("previous", "prior") and m.group()[:3].lower() == "the":
        # "in the third quarter, down from 2% in the previous quarter": the one before the
        # quarter just named (resolve counts from the publication's when none was)
        return Spec("DATE", unit="quarter", offset=-1, anchor=ANAPHORIC, gran="quarter")
    return Spec("DATE", unit="quarter", offset=rel, anchor=DEICTIC, gran="quarter")


def b_year_period(m: re.Match, text: str) -> Spec | None:
    if _g(m, "ord"):
        return b_quarter(m, text)
    if _g(m, "q"):  # "the 1988 quarter": the quarter reported on, in 1988
        return Spec("DATE", when=When("quarter", int(m["y"])), follow_quarter=True)
    return Spec("DATE", when=When("year", int(m["y"])))


# What a period of the year is reported for: "first-half profit", "second-half sales" (not a
# game's "first-half goal").
_REPORTED = (r"(?:(?:net|operating|pre-?tax|core|adjusted|group) )?(?:profits?|revenues?|sales"
             r"|earnings|results|loss(?:es)?|growth|output|GDP|dividends?|figures|income"
             r"|shipments|deliveries|orders|margins?)\b")


_OF_AFTER = re.compile(r"\s+of\b")


def b_half(m: re.Match, text: str) -> Spec | None:
    word = (_g(m, "ord") or _g(m, "late") or _g(m, "two")).lower()
    n = 1 if word in ("first", "1st") else 2
    if (_g(m, "late") or _g(m, "two") or _OF_AFTER.match(text, m.end())) and \
            not (_g(m, "y") or _g(m, "rel")):
        return None  # "the last half of the game", "the first half of September"
    if _g(m, "y"):
        return Spec("DATE", when=When("half", year_of(m["y"]), n=n))
    if not _g(m, "rel") and _in_a_game(text, m.start(), m.end()):
        return _game_period()  # "Arsenal scored twice in the first half"
    rel = _ws(_g(m, "rel"))
    if rel:
        off = REL_STEP.get(rel, 0)  # "the first half of the year": this one
        return Spec("DATE", unit="year", offset=off, anchor=DEICTIC, gran="year",
                    when=When("half", None, n=n))
    return Spec("DATE", when=When("half", None, n=n))


SEASON_CONTEXT = {"in", "this", "last", "next", "during", "since", "until", "by", "of", "early",
                  "late", "through", "for"}


_SPRING_VERB = re.compile(r"\s+(?:up|back|into|from|to|of)\b", re.I)


def _bare_season(word: str, before: str, text: str, end: int) -> bool:
    """Whether a lower-case season word with no determiner is the season. "fall" is a verb
    too, and so is "spring" except after "by", "in" ... ("by spring", not "spring up"); a bare
    "autumn" wants a preposition in front."""
    if before in ("the", "a", "its", "their", "our", "his", "her", "my", "your") and \
            _SEASON_NOUN_AFTER.match(text, end):
        return True  # "the spring semester", "a fall lecture series": the season's kind of noun
    if word == "fall":
        return False
    if word == "spring":
        return before in ("by", "in", "until", "till", "since", "late", "early", "mid") and \
            not _SPRING_VERB.match(text, end)
    return word != "autumn" or before in SEASON_CONTEXT


# "the wettest spring in years", "the hottest summer on record": the season, not a verb
_SUPERLATIVE_BEFORE = re.compile(r"\b(?:the|its|their)\s+(?:\w+\s+)?\w{2,}est\s+(?:spring|summer"
                                 r"|winter|autumn)$", re.I)


# What happens in a season keeps it, in a name too: "the Spring Offensive" (1918-SP, as the
# WikiWars gold has it), "the Autumn Harvest Uprising", "the Spring Festival".
_SEASON_EVENT = re.compile(r"[ \t]+(?-i:Offensive|Harvest|Uprising|Campaign|Revolution|Revolt"
                           r"|Rising|Festival|Session|Term|Semester|Break|Storm)\b")


# A noun a season names the kind of ("the spring semester", "the summer promotion"): "the" is the
# noun's, and the season alone is tagged, as the gold tags "winter coat".
_SEASON_NOUN = (r"[ \t]+(?:semesters?|terms?|sessions?|breaks?|holidays?|vacations?|sales?"
                r"|collections?|months|hours|schedules?|promotions?|programs?|programmes?"
                r"|series|festivals?|olympics|games|camps?|classes|courses?|storms?|weather"
                r"|fashions?|menus?|tours?|meetings?|recess|exhibitions?|exhibits?|issues?"
                r"|editions?|catalogs?|catalogues?|lines?|lineups?|concerts?|leagues?|transfer"
                r"|solstice|equinox|season|offensive|campaign|harvest|crops?|intake"
                r"|internships?|jobs?|travel|reading|clothes|coats?|tires?|tyres?|lectures?"
                r"|fairs?|markets?|party|parties|events?|school|music|films?|movies?|calendar"
                r"|conferences?|workshops?|retreats?|clearance|trips?|getaways?|visitors"
                r"|tourists|tourism|lull|slump|slowdown|rains|monsoon|floods|drought|planting"
                r"|elections?|primary|primaries|budget|quarter|show|play|musical|training)\b")
_SEASON_NOUN_AFTER = re.compile(_SEASON_NOUN, re.I)
_FALL_OF = re.compile(r"\s+(?:of\s+(?!\d)|in\s+(?:the\s+)?[a-z]+\b)")
_SEASON_VERB = re.compile(r"\s+(?:in|at|on|over|near)\b")


def b_season(m: re.Match, text: str) -> Spec | None:
    s = lx.season_code(m["s"])
    det = _ws(_g(m, "det"))
    word = m["s"].lower()
    before = preceding_word(text, m.start())
    if det == "the" and word == "fall" and _FALL_OF.match(text, m.end()):
        return None  # "the fall of the old regime", "the fall in orders"
    if m["s"][0].isupper() and (
            not det and _capitalised_name(text, m.start(), m.end())
            or det == "the" and _capitalised_name(text, m.start("s"), m.end("s"), after_only=True)
    ) and not _SEASON_EVENT.match(text, m.end()) or _names_a_thing(m, text, "s"):
        return None  # "Donna Summer", "the Winter Olympics", "The Winter Park city commission"
    year = _g(m, "y") or _g(m, "by")
    superlative = not det and before.endswith("est") and bool(
        _SUPERLATIVE_BEFORE.search(text, max(0, m.end() - 40), m.end()))
    if not det and not year and not superlative and _SEASON_VERB.match(text, m.end()):
        return None  # "birds winter in Mexico": the verb
    # A headline in capitals reads as lower case: "STOCKS FALL AS SPRING RALLY FADES"
    shouted = m["s"].isupper() and not re.search(
        r"[a-z]", text[max(0, m.start() - 20):m.end() + 20])
    bare = not det and not year and not _g(m, "premod") and (m["s"].islower() or shouted)
    if bare and not superlative and not _bare_season(word, before, text, m.end()):
        return None
    if _g(m, "by"):  # "autumn of 481 BC"
        when = When("season", int(m["by"]), n=SEASONS.index(s), bc=True)
    else:
        when = When("season", year_of(m["y"]) if _g(m, "y") else None, n=SEASONS.index(s))
    if _g(m, "y2"):  # "the winter of 1941-42": the winter its January names
        y2 = int(m["y2"])
        if s != "WI" or when.year is None or y2 not in (when.year + 1, (when.year + 1) % 100):
            return None
        when = when.with_year(when.year + 1)
    spec = Spec("DATE", when=when, mod=premod_code(m))
    if _g(m, "rel"):  # "the summer of last year": that year's
        spec.unit, spec.gran, spec.anchor = "year", "year", DEICTIC
        spec.offset = REL_STEP[_ws(m["rel"])]
    elif det in ("last", "past") and s != "WI":
        # "last summer" is last year's summer, as TimeBank reads it ("last spring" in October).
        spec.unit, spec.offset, spec.gran, spec.anchor = "year", -1, "year", DEICTIC
    elif det in ("this past", "last", "past"):  # "last winter": the one before this winter
        spec.direction = -1
    elif det in ("next", "this coming", "coming"):
        spec.direction = 1
    elif det == "this":
        # "this winter": the nearest one, the tense deciding between two; "this summer" is this
        # year's ("this summer's exams have been cancelled", written in March)
        if s != "WI":
            spec.direction = 0
    elif det in ("that", "that same", "the same"):  # "that same spring": the story's
        spec.anchor = ANAPHORIC
    elif det in ("the following", "the next", "the previous"):
        spec.unit, spec.gran, spec.anchor = "year", "year", ANAPHORIC
        spec.offset = -1 if det == "the previous" else 1
    return spec


def b_holiday(m: re.Match, text: str) -> Spec | None:
    name = _ws(m["h"])
    after = following_text(text, m.end(), 20)
    if re.match(r"\s+(?:Agreement|Accord|Offensive|Massacre|Party|Island|Rising|Uprising|War"
                r"|Parade|Bridge)\b", after) or re.match(_STREET, after) or re.match(
                r"\s+(?:trees?|cards?|carols?|lights|decorations|ornaments|jumpers?|sweaters?"
                r"|pudding|cakes?|panettone|cookies|stockings?|crackers?|wreaths?|hampers?"
                r"|songs?)\b", after, re.I):
        return None  # "a Christmas tree" is a thing, "Fourth of July Street" a name
    if name.startswith("christmas") and preceding_word(text, m.start()) == "father":
        return None  # "a visit from Father Christmas"
    if name == "election day" and m["h"] != "Election Day":
        return None  # any election's day; the capitalised name is the US one
    if name == "new year" and (_g(m, "rel") or preceding_word(text, m.start()) not in (
            "happy", "at", "over", "for", "since", "until", "till", "after", "before", "around")
            or m["h"][0] == "n" and preceding_word(text, m.start()) != "happy"):
        return None  # "Happy New Year", "over New Year"; not "Chinese New Year", "a new year"
    if name == "cny" and re.search(r"\d", text[max(0, m.start() - 3):m.end() + 3]) or \
            name in ("spring festival", "holi") and not m["h"][0].isupper():
        return None  # "CNY 6.5 billion", the currency; a town's spring festival
    code = lx.tables()["holiday"][name]
    year = year_of(_g(m, "y") or m["y2"]) if _g(m, "y") or _g(m, "y2") else None
    if year is None and (y := re.match(r"\s+in\s+(1\d{3}|20\d{2})\b(?![-\u2013/]\d)", after)):
        year = int(y[1])  # "commemorate the lunar new year in 2002": that year's, "in 2002" apart
    rel = _ws(_g(m, "rel"))
    spec = Spec("DATE", holiday=code, when=When("day", year))
    if rel in ("last", "this past"):
        spec.direction = -1
    elif rel in ("next", "this coming"):
        spec.direction = 1
    if _g(m, "part"):  # "Christmas morning"
        spec.type, spec.part = "TIME", lx.part_code(m["part"])
    if _g(m, "wk"):  # "Easter week": the ISO week holding the day
        spec.gran = "weekend" if _g(m, "we") else "week"
    return spec


WEEKDAY_REL = {"nxt": 1, "last": -1, "this past": -1, "past": -1, "previous": -1, "next": 1,
               "this coming": 1, "coming": 1, "this": 0, "the following": 1, "the next": 1,
               "the previous": -1, "the preceding": -1, "that": 0}


_TEMPORAL_CAPS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
                  "january", "february", "march", "april", "may", "june", "july", "august",
                  "september", "october", "november", "december", "sept", "jan", "feb", "mar",
                  "apr", "jun", "jul", "aug", "sep", "oct", "nov", "dec", "on", "by", "last",
                  "next", "this", "early", "late", "until", "since", "from", "through", "and",
                  "or", "noon", "midnight", "the", "every", "each", "but", "then", "also",
                  "before", "after", "during", "at", "in", "for", "of", "to", "with", "as",
                  "that", "till", "around", "about", "yesterday",
                  "today", "tomorrow", "a", "an", "it", "he", "she", "they", "we", "i", "you",
                  "there", "so", "if", "when", "while", "because", "although", "though", "nor",
                  "earlier", "later", "only", "just", "even", "still", "again", "both"}


def _capitalised_name(text: str, start: int, end: int, *, after_only: bool = False) -> bool:
    """True when a capitalised word stands inside a name: "Wednesday Addams", "USA Today",
    "Donna Summer", "Daily Telegraph" (but not "Friday, Sept. 13"). With ``after_only`` only the
    next word counts: news writes "Clinton Saturday vowed", so a name before proves nothing.
    Words in capitals ("NO SCHOOL TODAY") are shouting, not names."""
    if re.fullmatch(r"[A-Z]{3,}", text[start:end]):
        return False
    if text[start:end].lower() in ("today", "yesterday", "tomorrow", "tonight") and re.search(
            r"(?:^|[.!?][\"'”’]?\s+|\n\s*)$", text[max(0, start - 5):start]):
        return False  # a sentence opens with it: "Yesterday New York's governor toured..."
    before = re.search(r"([A-Z][\w.&'’-]*)[ \t]+$", text[max(0, start - 30):start])
    if not after_only and before and before.group(1).lower().rstrip(".") not in _TEMPORAL_CAPS:
        return True
    after = re.match(r"[ \t]+([A-Z][a-z]+)", text[end:end + 30])
    return bool(after and after.group(1).lower() not in _TEMPORAL_CAPS
                and text[start].isupper() and not text[start:end].isupper())


# A capitalised season or part of the day before these names a thing: "the Winter Olympics",
# "the Summer Palace", "Good Morning America". (WikiWars tags "the Seven Years' War" P7Y.)
_NAMED_THING = re.compile(r"(?-i:['’]?[ \t]+(?:Wars?|Olympics|Olympic|Games|Palace|Star|Post"
                          r"|Herald|Oil|America|Show|Race|Paralympics|Classic|Sun)\b)")


def _names_a_thing(m: re.Match, text: str, group: str) -> bool:
    return m[group][0].isupper() and bool(_NAMED_THING.match(text, m.end()))


# "Friday Talk", "Tuesday Mini-Course": an event on that day, not a name ("Wednesday Addams").
_WEEKDAY_EVENT = re.compile(r"[ \t]+(?:Talks?|Show|Sale|Party|Class|Workshop|Session|Market"
                            r"|Brunch|Lunch|Dinner|Mini-Course|Course|Service|Meeting|Lecture"
                            r"|Seminar|Quiz|Deals?)\b")


def b_weekday(m: re.Match, text: str) -> Spec | None:
    word = m["wd"]
    rel = _ws(_g(m, "rel"))
    # The pattern takes a lower-case "that" only after "on", "by" ...; a capital one must open
    # its sentence ("That Friday, he resigned"), or it is the conjunction of a headline
    if rel == "that" and m["rel"][0] == "T" and preceding_word(text, m.start()) not in \
            _LEADS_TO_DAY and not _opens_sentence(text, m.start()):
        return None
    context = rel or preceding_word(text, m.start()) in ("on", "by")
    if word[0].islower() and word.lower() not in lx.tables()["weekday"] and not context:
        return None  # "wed", "sat" alone are words
    if not context and word.lower().startswith("sun") and word.lower() != "sunday" and \
            _NAMED_SUN.search(text, max(0, m.start() - 30), m.start()):
        return None  # "the surface of the Sun.", "the Baltimore Sun."
    shared = _SHARED_PARTS.match(text, m.end())
    if shared and not rel:  # "on Monday and Tuesday nights": every Monday night too
        day = lx.tables()["weekday"].get(word.lower())
        if day is not None:
            return Spec("SET", value=f"XXXX-WXX-{day + 1}T{lx.part_code(shared['p'][:-1])}")
    return _weekday_spec(m, text)


_NAMED_SUN = re.compile(r"(?:\bthe|\b[A-Z][a-z]+)\s+$")
_SHARED_PARTS = re.compile(r",? (?:and|or|&) (?:mon|tues|wednes|thurs|fri|satur|sun)day"
                           r" (?P<p>mornings|afternoons|evenings|nights)\b", re.I)


# After a weekday these make a name: "the Good Friday Agreement", "Monday Night Football",
# "green beer at Friday's bar", "the Friday Market", "a tavern on Friday Street".
_WEEKDAY_NAME = re.compile(r"\s+(?:Agreement|Accord|Mosque|Prayers?|Times|Night Live"
                           r"|Night Football|Morning Post)\b|\.(?:com|org|net|io|ai)\b"
                           r"|['’]s\s+(?:bar|pub|restaurant|cafe|café|grill|diner|tavern|bistro)\b"
                           r"|\s+Market\b|" + _STREET)
# Before a weekday these make it a day even when a capitalised word follows it: the words after
# open the clause ("On Friday Iraq began"), they are not a name ("Wednesday Addams").
_LEADS_TO_DAY = {"on", "by", "until", "till", "til", "since"}
_SEE_YOU = re.compile(r"\bsee (?:you|ya|u|y'all)\s+$", re.I)


def _weekday_spec(m: re.Match, text: str) -> Spec | None:
    word = m["wd"]
    rel = _ws(_g(m, "rel"))
    after = following_text(text, m.end(), 25)
    if _WEEKDAY_NAME.match(text, m.end("wd")):
        return None
    # "On Monday Peruvian President ...", "see you Friday Glasgow"
    led = preceding_word(text, m.start()) in _LEADS_TO_DAY or _SEE_YOU.search(
        text, max(0, m.start() - 12), m.start()) is not None
    if not rel and not led and not _g(m, "premod") and not _WEEKDAY_EVENT.match(after) and \
            _capitalised_name(text, m.start("wd"), m.end("wd"), after_only=True):
        return None
    spec = Spec("DATE", weekday=lx.weekday_number(word), direction=WEEKDAY_REL.get(rel),
                news_cue=not rel.startswith("the "), mod=premod_code(m))
    if rel.startswith("the ") or rel == "that":  # "That Friday": in the story's week
        spec.anchor = ANAPHORIC
    if _g(m, "wrel"):
        if rel:
            return None
        # "Monday of last week": that week's Monday
        spec.unit, spec.offset, spec.direction = "week", REL_STEP[m["wrel"].lower()], 0
        spec.anchor = DEICTIC
    part = _ws(_g(m, "part"))
    if part:
        spec.type = "TIME"
        spec.part = lx.part_code(part)
    return spec


def b_weekday_week(m: re.Match, text: str) -> Spec | None:
    """ "Monday week", "a week on Tuesday": a week after the coming weekday; "a fortnight on
    Thursday", "two weeks on Friday" two."""
    weeks = 2 if _g(m, "two") else 1
    return Spec("DATE", weekday=lx.weekday_number(m["wd"]), direction=1, unit="weeks_on",
                offset=weeks, news_cue=True)


_WEEKDAY_WORD = r"(?:mon|tues?|wed|thu|thurs?|fri|sat|sun)(?:day|nesday|rsday|urday)?\.?"
_LIST_JOIN = r"\s*(?:,|&|/|-|–|\band\b|\bor\b|\bto\b|\btill\b)\s*"
# "Mon and tues", "friday night or sat", "Sat-Sun", "wed, thur": next to another weekday.
_WEEKDAY_BEFORE = re.compile(_WEEKDAY_WORD + r"(?:\s+(?:morning|afternoon|evening|night))?"
                             + _LIST_JOIN + r"$", re.I)
_WEEKDAY_AFTER = re.compile(_LIST_JOIN + _WEEKDAY_WORD + r"(?![\w])", re.I)
# "every mon, wed, thur": the whole list recurs.
_EVERY_LIST = re.compile(r"\bevery\s+(?:" + _WEEKDAY_WORD + _LIST_JOIN + r")+$", re.I)
_CLOCK_AFTER = re.compile(r",?\s*\d{1,2}(?:[:.]\d\d)?\s*(?:[ap]\.?m\b)", re.I)


# Short weekdays that are no English word, and what makes the others days ("sat night",
# "8pm sat").
_ONLY_WEEKDAYS = {"fri", "thurs", "thur", "thu", "tues", "tue"}
_CLOCK_BEFORE = re.compile(r"\d\s?(?:am|pm|a\.m\.|p\.m\.)\s+$", re.I)
# "on sat", "since wed", "till sun"; "no work tmrw or mon"
_SHORT_DAY_AFTER = {"on", "by", "since", "until", "till", "til"}
_DAY_BEFORE = re.compile(r"\b(?:today|tomorrow|tmrw|tmr|tmw|2moro)\s*(?:,|&|/|\band\b|\bor\b)\s*$",
                         re.I)


def b_weekday_short(m: re.Match, text: str) -> Spec | None:
    """ "sat", "Wed", "tues" are words too: a weekday only with "this"/"next", after "on"/"by"/
    "since", next to another day ("Mon and tues", "Sat-Sun", "tmrw or mon"), or before a clock
    ("Sun 1:00pm")."""
    before = text[max(0, m.start() - 30):m.start()]
    if not (_g(m, "rel") or preceding_word(text, m.start()) in _SHORT_DAY_AFTER
            or m["wd"].lower() in _ONLY_WEEKDAYS or _g(m, "part")
            or _WEEKDAY_BEFORE.search(before) or _WEEKDAY_AFTER.match(text, m.end("wd"))
            or _DAY_BEFORE.search(before)
            or _CLOCK_AFTER.match(text, m.end()) or _CLOCK_BEFORE.search(before)):
        return None
    if m["wd"].lower().startswith("sun") and preceding_word(text, m.start()) not in (
            "on", "by") and not _g(m, "rel") and re.match(r"\s+(?:set|rise|shine)", text[m.end():]):
        return None  # "until sun set"
    if not _g(m, "rel") and _EVERY_LIST.search(before):
        return Spec("SET", value=f"XXXX-WXX-{lx.weekday_number(m['wd']) + 1}")
    spec = _weekday_spec(m, text)
    if spec is not None and spec.direction is None and _DAY_BEFORE.search(before):
        spec.direction = 1  # "no work tmrw or mon": the coming one, as tomorrow is
    return spec


DEICTIC_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1, "tonight": 0, "tmr": 1, "tmrw": 1,
                "tmw": 1, "2moro": 1, "2morrow": 1, "tomorow": 1, "tomolo": 1, "tomo": 1, "trmw": 1,
                "tonite": 0, "2nite": 0,
                "yday": -1, "2day": 0, "tdy": 0, "ytd": -1, "ystd": -1, "ystrdy": -1,
                "the day before yesterday": -2, "the day after tomorrow": 2}


def b_deictic_day(m: re.Match, text: str) -> Spec | None:
    word = _ws(m["w"])
    if word == "ytd" and m["w"] != "ytd":
        return None  # "YTD returns": the year to date; tweets write "ytd" for yesterday
    if m["w"][0].isupper() and _capitalised_name(text, m.start(), m.end()):
        return None  # "USA Today"
    spec = Spec("DATE", unit="day", offset=DEICTIC_DAYS[word], gran="day", anchor=DEICTIC,
                news_cue=True, mod=premod_code(m))
    part = _ws(_g(m, "part"))
    if word in ("tonight", "tonite", "2nite"):
        part = "night"
    if word == "today" and not part:
        spec.value_in_narrative = "PRESENT_REF"
    if part:
        spec.type = "TIME"
        spec.part = lx.part_code(part)
    return spec


DEICTIC_REL = {
    "this": (0, DEICTIC), "current": (0, DEICTIC), "the current": (0, DEICTIC),
    "this past": (-1, DEICTIC), "last": (-1, DEICTIC), "past": (-1, DEICTIC),
    "next": (1, DEICTIC), "nxt": (1, DEICTIC), "coming": (1, DEICTIC), "the coming": (1, DEICTIC),
    "this coming": (1, DEICTIC), "the upcoming": (1, DEICTIC), "upcoming": (1, DEICTIC),
    "the following": (1, ANAPHORIC), "the next": (1, ANAPHORIC), "the previous": (-1, ANAPHORIC),
    "the preceding": (-1, ANAPHORIC), "the prior": (-1, ANAPHORIC), "that": (0, ANAPHORIC),
    "the same": (0, ANAPHORIC), "that same": (0, ANAPHORIC), "the": (0, DEICTIC),
    "earlier this": (0, DEICTIC), "later this": (0, DEICTIC), "earlier that": (0, ANAPHORIC),
    "later that": (0, ANAPHORIC), "early this": (0, DEICTIC), "late this": (0, DEICTIC),
    "early last": (-1, DEICTIC), "late last": (-1, DEICTIC), "early next": (1, DEICTIC),
    "late next": (1, DEICTIC), "later in the": (0, DEICTIC), "earlier in the": (0, DEICTIC),
    "late in the": (0, DEICTIC), "early in the": (0, DEICTIC),
    "the past": (None, None), "the last": (None, None),
    # Earnings news: "the latest fiscal year", "for the full year" are the current one.
    "the latest": (0, DEICTIC), "the full": (0, DEICTIC),
}
# "For the next century the house stood empty" (not "a campaign for the following year")
# "For the next decade ...", ", and for the next decade the grieving queen withdrew": how long
_OPENING_FOR = re.compile(r"(?:^|[.!?]\s+|\n)[\"“]?For\s+$|,\s+and\s+for\s+$")
DURATION_CONTEXT = {"for", "during", "over", "throughout", "within", "in", "through", "all",
                    "entire", "whole", "full"}


_PERIOD_ENDED = re.compile(r"\s+(?:ended|ending|ends|to|through|until|that|which|before|after)\b",
                          re.I)


_OF_A_DATE = re.compile(r"\s+of\s+(?:\d|(?-i:[A-Z][a-z]+\.?\s+\d))")


_NOT_AFTER_CLOCK_UNIT = "".join(rf"(?<!\b{u}\s)" for u in (
    "minute", "minutes", "min", "mins", "hour", "hours", "hr", "hrs", "second", "seconds"))


def b_deictic_unit(m: re.Match, text: str) -> Spec | None:
    rel = _ws(m["rel"])
    unit = _ws(m["unit"]).removeprefix("fiscal ").removeprefix("bank ").removeprefix("holiday ")
    unit = {"yr": "year", "wk": "week", "mth": "month", "wkend": "weekend",
            "wknd": "weekend"}.get(unit, unit)
    if rel in ("the latest", "the full") and unit != "year":
        return None  # "the full week", "the latest week" ...: vague
    if m["unit"][:1] == "Y" and re.match(r"\s+\d{1,2}\b", text[m.end():m.end() + 4]):
        return None  # "the Year 6 leavers' assembly": a school's year group
    gran = {"fortnight": "week"}.get(unit, unit)
    offset, anchor = DEICTIC_REL[rel]
    before = preceding_word(text, m.start())
    mod = premod_code(m)
    if rel.startswith(("earl", "late")) and not mod:  # "earlier this year", "late last year"
        mod = "START" if rel.startswith("earl") else "END"
    if offset is None:  # "the past year", "the last month": a duration in TimeML
        if unit == "weekend":  # "the past weekend" is the last one
            return Spec("DATE", unit="week", offset=-1, gran="weekend", anchor=DEICTIC)
        if mod:
            return None
        code = lx.unit_code(unit)
        return Spec("DURATION", value=_duration_value(1, code))
    if unit == "fortnight" and offset and not mod:
        # "the next fortnight", "last fortnight": two weeks from or up to now, which no
        # calendar week can be
        return Spec("DURATION", value="P2W")
    if rel in ("the next", "the following") and mod is None and unit != "weekend" and \
            (before in ("spent", "throughout") or _OPENING_FOR.search(
                text, max(0, m.start() - 12), m.start())):
        # "He spent the next decade in exile", "for the next year": how long, not which
        return Spec("DURATION", value=_duration_value(1, lx.unit_code(unit)))
    if rel == "the" and mod is None and unit != "weekend":
        # "for the year" is a duration; "the year" and "the month" alone are the current ones;
        # "the week", "the decade" alone are too vague to place.
        if before in DURATION_CONTEXT and not (
                unit == "year" and before == "for" and not _PERIOD_ENDED.match(text, m.end())):
            # "for the year ended Sept. 30" is a year's length; "a high for the year", "For
            # the year, volume rose" is the year spoken of
            return Spec("DURATION", value=_duration_value(1, lx.unit_code(unit)))
        if unit in ("week", "decade", "century"):
            return None
    if unit == "weekend" and rel == "the":
        if _OF_A_DATE.match(text, m.end()):
            return None  # "the weekend of 14-15 June": the dates say which
        return Spec("DATE", unit="weekend_by_tense", gran="weekend", anchor=anchor)
    return Spec("DATE", unit=gran, offset=offset, gran=gran, anchor=anchor, mod=mod,
                news_cue=anchor == DEICTIC and not (rel == "the" or rel.endswith(" the")))


def _fmt_number(n: float) -> str:
    return str(int(n)) if float(n).is_integer() else f"{n:g}"


# A fraction of a unit is written in the next smaller one: P2Y6M, PT1M30S, P1DT12H, P50Y.
_SMALLER = {"CE": ("Y", 100), "DE": ("Y", 10), "Y": ("M", 12), "Q": ("M", 3), "W": ("D", 7),
            "D": ("H", 24), "H": ("TM", 60), "TM": ("S", 60)}


def _duration_value(n: float | None, code: str) -> str:
    """P3Y, PT2H, PXW, P1DE, P2Y6M ... ("TM" is minutes, "2W" fortnights)."""
    if code == "2W":
        n, code = (None if n is None else 2 * n), "W"
    if code == "ML":
        n, code = (None if n is None else n * 1000), "Y"
    if n is None:
        return f"PTX{code[-1]}" if code in TIME_UNITS else f"PX{code}"
    parts = [(n, code)]
    whole, fraction = divmod(n, 1)
    if fraction and code in _SMALLER:
        smaller, factor = _SMALLER[code]
        if float(fraction * factor).is_integer():
            parts = [(whole, code), (fraction * factor, smaller)] if whole else [
                (fraction * factor, smaller)]
    dates = "".join(f"{_fmt_number(k)}{u}" for k, u in parts if u not in TIME_UNITS)
    times = "".join(f"{_fmt_number(k)}{u[-1]}" for k, u in parts if u in TIME_UNITS)
    return f"P{dates}" + (f"T{times}" if times else "")


def _quantity(m: re.Match) -> float | None:
    raw = _ws(_g(m, "n"))
    value = 1.0 if raw in ("", "a", "an", "one") else lx.number_value(raw)
    if (_g(m, "half") or _g(m, "half2")) and value is not None:
        value += 0.5
    if _g(m, "half_of") and value is not None:  # "half an hour later"
        value /= 2
    return value


def b_ago(m: re.Match, text: str) -> Spec | None:
    if _g(m, "half2") and _ws(m["dir"]) != "ago":
        return None  # "a minute and a half later": TimeBank tags the duration alone
    n = _quantity(m)
    code = lx.unit_code(m["unit"])
    word = _ws(m["dir"])
    if code in TIME_UNITS and word in ("earlier", "later") and re.match(
            r"\s+(?:(?:this|last|next)\s+(?:week|weekend|month|year)|today|tonight|tomorrow"
            r"|yesterday)\b", text[m.end():m.end() + 20], re.I):
        return None  # "checkpoints will open 30 minutes earlier this week": earlier than they
        # do, that week; the duration and the date apart
    sign = -1 if word in ("ago", "earlier", "before", "before that", "back", "previously",
                          "prior") else 1
    anchor = DEICTIC if word in ("ago", "from now", "hence", "back") else ANAPHORIC
    if n is not None and not float(n).is_integer() and code in _SMALLER \
            and float(n * _SMALLER[code][1]).is_integer():
        # "half an hour later", "two and a half years ago", "half a century later": counted in
        # the next smaller unit (minutes, months, years)
        code, n = _SMALLER[code][0], n * _SMALLER[code][1]
    if n is None or not float(n).is_integer():
        return Spec("DATE", value="PAST_REF" if sign < 0 else "FUTURE_REF", mod=approx_code(m))
    n = int(n)
    if code in TIME_UNITS:
        return Spec("TIME", unit={"H": "hour", "TM": "minute", "S": "second"}[code],
                    offset=sign * n, gran="minute", anchor=anchor, mod=approx_code(m))
    if code == "2W":
        code, n = "W", 2 * n
    unit = {"D": "day", "W": "week", "M": "month", "Q": "quarter", "Y": "year", "DE": "decade",
            "CE": "century"}.get(code)
    if unit is None:
        return None
    if unit == "decade" and n == 1:  # "a decade ago": the year ten years back (1989), as
        unit, n = "year", 10         # AQUAINT's (TimeML) and WikiWars' (TIMEX2) gold give it
    return Spec("DATE", unit=unit, offset=sign * n, gran=unit, anchor=anchor,
                mod=approx_code(m), follow_quarter=unit == "year", news_cue=anchor == DEICTIC)


def b_year_earlier(m: re.Match, text: str) -> Spec | None:
    """ "Year-ago", "the year-earlier period": the period reported on, a year back; that is the
    quarter just mentioned a year back, else the year before the publication's (not the year
    before the last one mentioned: "the 1988 quarter ... the year-ago results" is 1988). "The
    year-ago quarter" with no quarter before it is the latest one reported, a year back."""
    if re.search(r"quarter$", m.group(), re.I):
        return Spec("DATE", unit="latest_quarter", offset=-4, gran="quarter", anchor=DEICTIC,
                    follow_quarter=True, news_cue=True)
    return Spec("DATE", unit="year", offset=-1, gran="year", anchor=DEICTIC, follow_quarter=True,
                news_cue=True)


def b_duration(m: re.Match, text: str) -> Spec | None:
    code = lx.unit_code(m["unit"])
    n = _quantity(m)
    raw_n = _ws(_g(m, "n"))
    if raw_n in lx.tables()["vague_quantity"]:
        n = None
    if (n is not None and n > 10000) or _g(m, "age"):
        return None
    if m["unit"].lower() == "second" and text.startswith("-", m.end()):
        return None  # "a second-hand suit", "a second-half goal"
    if code == "H" and re.fullmatch(_HHMM, raw_n) and (
            m["unit"].lower() in ("hrs", "h", "hr") or _military_hours(m.start("n"), raw_n, text)):
        return None  # "1030hrs", "at 1500 hours": a 24-hour clock, as armies write it
    if code == "D" and m["unit"].lower().startswith("night") and not raw_n:
        return None
    if raw_n in ("a", "an", "one") and m["unit"].lower() in ("day", "night") \
            and text[m.start("unit") - 1] == " " and part_as_modifier(text, m.end()):
        return None  # "a night club", "a day trip"
    if raw_n in ("a", "an") and (m["unit"].lower().endswith("s") or text.startswith(
            ("-long", "-time"), m.end())) and not _g(m, "half") and not _g(m, "half2"):
        return None  # "a months-long siege", "a year-long strike": the rule "units_long";
        # "under a night-time curfew": "time_of_day_adjective"
    if re.search(r":\d\d$", text[max(0, m.start() - 3):m.start("unit")]):
        return None  # "03:00hrs" is a clock
    after = text[m.end():m.end() + 20]
    if code in ("S", "Q") and re.match(r"\s+of\b", after):
        return None  # "a quarter of the voters", "three quarters of the members"
    if code == "CE" and raw_n in ("a", "an") and preceding_word(text, m.start()) not in (
            "for", "over", "than", "nearly", "almost", "about", "within", "in", "half") and (
            re.match(r"\s+(?:from|for|by)\s+(?:[a-z-]+\s+)?[A-Z]", following_text(
                text, m.end(), 40)) or preceding_word(text, m.start()) in (
                "scored", "scores", "score", "made", "hit", "hits", "maiden", "another")):
        return None  # "a century from wicketkeeper Sam Whitlock": a hundred runs
    if code == "Q" and raw_n in ("a", "an", "one") and preceding_word(text, m.start()) == "by":
        return None  # "its buying power has fallen by roughly a quarter": a share
    if code == "Q" and _NOT_A_QUARTER.match(after):
        return None  # "a quarter point", "a quarter-mile", "a quarter century" (quarter_unit)
    if raw_n in ("a", "an", "the") and m["unit"][0].isupper() and not m.group().isupper():
        return None  # "a Second Front" (but "SPENT A DAY" shouts)
    if code == "S" and raw_n in ("a", "an", "one") and (re.match(
            r"\s+(?:(?!later|ago|earlier|before|after|or|and|to)[a-z]|[$£€¥]\s?\d)", after) or (
            re.match(r",\s+[\w$£€]", after) and preceding_word(text, m.start()) not in (
                "for", "in", "within", "after", "about", "just", "only", "than", "took",
                "lasted", "paused", "waited", "stopped", "hesitated"))):
        return None  # "a second opinion", "a second £20 million round", "A second, larger
        # phase is due in 2023",
        # "said a second, weaker storm would arrive"; not "paused for a second, then spoke"
    if raw_n in ("a", "an", "per") and preceding_word(text, m.start()) in (
            "once", "twice", "thrice", "times"):
        return None  # "twice a week or more": the rule "set_times" reads "twice a week"
    if raw_n in ("a", "an") and code == "H" and m.group().lower().startswith(raw_n) and \
            _SPEED_UNIT.search(text, max(0, m.start() - 30), m.start()):
        return None  # "150 kilometres an hour": a speed
    if raw_n in ("a", "an", "per") and code in ("D", "W", "M", "Y", "H") and \
            m.group().lower().startswith(raw_n) and len(m.group().split()) == 2 and re.search(
            r"(?:\d|million|billion|thousand|hundred|percent|%|(?<![\w'’])(?!" + _S_VERBS
            + r"\s)[a-z]+s|\d\s[a-z]{3,})\s+$", text[max(0, m.start() - 20):m.start()]):
        # "$2 million a year", "500 cars a day", "400,000 riksdaler a year": a rate
        return Spec("SET", value=_duration_value(1, code))
    if m.group().lower() == "one day" and preceding_word(text, m.start()) in _FUTURE_MODALS:
        return Spec("DATE", value="FUTURE_REF")  # "Islam will one day be ...": some day
    mod = "EQUAL_OR_MORE" if _g(m, "plus") else approx_code(m)
    return Spec("DURATION", value=_duration_value(n, code), mod=mod)


# Verbs in -s before "an hour", which is then how long, not a rate: "it takes an hour".
_S_VERBS = (r"(?:is|was|has|does|takes|lasts|runs|spans|needs|requires|seems|feels|looks|ends"
            r"|begins|starts|expires|opens|closes|arrives|leaves|comes|goes|finishes|resumes"
            r"|returns|means|gives|gets|adds)")
_FUTURE_MODALS = {"will", "would", "could", "may", "might", "can", "shall", "should", "must",
                  "'ll"}


# "last" as the verb: "the strike could last weeks", "expected to last months"
_LAST_THE_VERB = re.compile(r"\b(?:could|will|may|might|would|to)\s+last\s+$", re.I)


def b_bare_units(m: re.Match, text: str) -> Spec | None:
    if m["unit"] == "Years" and re.match(r"\s+\d{1,2}\b", text[m.end():m.end() + 4]):
        return None  # "children in Years 1 to 6": school year groups
    if text[m.start() - 5:m.start()].lower() == "last " and \
            not _LAST_THE_VERB.search(text, max(0, m.start() - 20), m.start()):
        return None  # "in the last weeks of the war"
    if preceding_word(text, m.start()) == "after" and m["unit"].lower() == "hours" and \
            not text.startswith(" of ", m.end()):
        return None  # "after months of talks", "after years in exile" are some; "after hours" not
    code = lx.unit_code(m["unit"])
    return Spec("DURATION", value=_duration_value(None, code))


# "future" alone is a time only as a noun after these: "in future", "my future?"
_FUTURE_OWNERS = {"in", "for", "my", "your", "our", "his", "her", "their", "bright"}


def b_vague(m: re.Match, text: str) -> Spec | None:
    word = _ws(m["w"])
    after = following_text(text, m.end(), 20)
    if word == "recently" and (preceding_word(text, m.start()) == "most" or (
            preceding_word(text, m.start()) == "as" and after.startswith(" as "))):
        return None  # "broke down twice, most recently earlier this month": the last time;
        # "as recently as Jan. 10" says how lately, the date says when
    if word == "current" and re.match(r"\s+(?:account|affairs|events|flows?|of|and|ly)\b",
                                      after):
        return None
    if word == "the past" and re.match(r"\s+(?:\d+|one|two|three|four|five|six|seven|eight|nine"
                                       r"|ten|few|several|many|\w+teen|twenty)\s+[a-z]", after):
        return None  # "for the past three sessions": a count of something, not the past
    if word in ("future", "recent") and re.match(
            r"\s+(?:years|months|weeks|days|decades|centuries)\b", after):
        return None
    if word == "future" and not (
            preceding_word(text, m.start()) in _FUTURE_OWNERS
            and re.match(r"(?:\s*(?:[,.!?;:)]|$)|\s+(?:is|was|looks|will|dont|don't|of|and)\b)",
                         after, re.I)):
        return None  # "future plans", "the company's future growth": an adjective
    if word.startswith("recent "):  # "in recent years": some years up to now, as TimeML has it
        unit = word[7:]
        return Spec("DURATION", value="PX" + {"decades": "DE", "centuries": "CE"}.get(
            unit, unit[0].upper()))
    if word.endswith((" ago", " from now")):  # "a generation ago", "two generations from now"
        return Spec("DATE", value="PAST_REF" if word.endswith("ago") else "FUTURE_REF")
    return Spec("DATE", value=lx.tables()["vague_reference"][word])


def b_rest_of(m: re.Match, text: str) -> Spec | None:
    """ "The rest of the week": what is left of this week, which TimeML dates as the week."""
    unit = m["unit"].lower()
    return Spec("DATE", unit=unit, gran=unit, offset=0, anchor=DEICTIC, mod="END")


def b_vague_plural(m: re.Match, text: str) -> Spec | None:
    """ "The coming weeks", "the months ahead": some weeks or months from now (PXW, PXM);
    "future quarters": the future."""
    if _ws(_g(m, "ahead")) == "future":
        return Spec("DATE", value="FUTURE_REF")
    if m["unit2"] and ((word := preceding_word(text, m.start())) in lx.tables()["number"]
                       or word[:1].isdigit() or word in ("few", "several", "many")):
        return None  # "four months ahead of schedule": the count's own duration
    return Spec("DURATION", value=_duration_value(None, lx.unit_code(_g(m, "unit") or m["unit2"])))


def b_clock(m: re.Match, text: str) -> Spec | None:
    hh = int(m["h"])
    mi = int(_g(m, "mi") or _g(m, "mi_glued") or 0)
    ampm = _ws(_g(m, "ampm")).replace(".", "")
    if ampm:
        if not 1 <= hh <= 12:
            return None
        if ampm.startswith("p") and hh != 12:
            hh += 12
        elif ampm.startswith("a") and hh == 12:
            hh = 0
    elif hh > 24 or mi > 59:
        return None
    if mi > 59:
        return None
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=hh, minute=mi,
                mod=approx_code(m))


_CLOCK_PART = r"in the morning|in the afternoon|in the evening|at night"  # "4 in the morning"
# a part of a named day after a bare hour: "at 9 tonight", "at 7.45 this evening", "by 10
# tomorrow morning", "at 8 Tuesday night"; the clock and the day are then joined as one TIME
_DAY_PART_AFTER = (r"(?:tonight|tonite|2nite|(?:this|tomorrow|yesterday"
                   r"|(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?:morning|afternoon|evening"
                   r"|night))(?![\w-])")
_CLOCK_WORDS_AFTER = {"at", "by", "until", "till", "til", "around", "about", "from", "to", "before",
                      "after", "since", "was", "is", "past"}


def b_clock_words(m: re.Match, text: str) -> Spec | None:
    """ "four o'clock", "4 in the morning", "10.30 at night": an hour told by words. Without
    "o'clock" it must follow a word that leads to a time ("at 4 in the morning", "it was three in
    the morning"), not "the 4 in the morning session"."""
    hh = int(lx.number_value(m["h"]) or 0)
    mi = int(_g(m, "mi") or 0)
    if not 1 <= hh <= 12 or mi > 59:
        return None
    part = _ws(_g(m, "part") or _g(m, "part2"))
    before = preceding_word(text, m.start())
    if not _g(m, "oc") and before not in _CLOCK_WORDS_AFTER and not _g(m, "approx"):
        return None
    if not (part or _g(m, "oc")) and before in ("was", "is", "past"):
        return None  # "the score was 3 Tuesday night"
    return _clock_spec(m, hh, mi, part)


def _clock_spec(m: re.Match, hh: int, mi: int, part: str) -> Spec:
    """Today's ``hh``:``mi``, on the half of the day ``part`` ("in the evening") puts it."""
    if part == "in the morning":
        hh %= 12
    elif part in ("in the afternoon", "in the evening") or (part == "at night" and hh >= 6):
        hh = hh % 12 + 12
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=hh, minute=mi,
                mod=approx_code(m))


_HOUR_WORD = (r"1[0-2]|0?[1-9]|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
              r"|noon|midnight")


def b_clock_past(m: re.Match, text: str) -> Spec | None:
    """ "half past six", "a quarter to nine", "ten past eleven", "at half six" (British for
    half past): an hour and minutes told by words. A count of minutes needs a word that leads
    to a time or "o'clock" ("at ten past six"; not "won ten past two defenders")."""
    hour_word = m["h"].lower()
    named = {"noon": 12, "midnight": 0}
    hh = named[hour_word] if hour_word in named else int(lx.number_value(hour_word) or 0)
    if _g(m, "mn"):
        mi = int(lx.number_value(m["mn"].replace("-", " ")) or 0)
        if not (_g(m, "oc") or _g(m, "part") or preceding_word(text, m.start())
                in _CLOCK_WORDS_AFTER) or not 1 <= mi <= 30:
            return None
    else:
        mi = 30 if (_g(m, "q") or "half").lower() == "half" else 15
    if (_ws(_g(m, "dir"))) == "to":
        mi = 60 - mi
        hh = (hh - 1) % 24
        if hour_word not in named and hh == 0:
            hh = 12  # "a quarter to one": 12:45
    return _clock_spec(m, hh, mi, _ws(_g(m, "part")))


_NOT_CLOCK_AFTER = re.compile(r"\s+(?:[A-Z]|(?:pence|cents|levels?)\b)")


# "(19:00-03:00hrs)", "09:00-17:30": a range of two-digit clocks (not "John 3:16-3:18")
_CLOCK_RANGE = re.compile(r"[-–](?:[01]\d|2[0-3]):[0-5]\d(?!\d)")
_CLOCK_RANGE_BEFORE = re.compile(r"(?<!\d)(?:[01]\d|2[0-3]):[0-5]\d[-–]$")


def b_clock_24(m: re.Match, text: str) -> Spec | None:
    """ "21:43 GMT", "at 21:43", "05:30hrs", "09:00-17:30"; with a stop ("14.05 BST",
    "19.45hrs") only before a zone or "hrs": "closed at 19.45" is a price."""
    if _g(m, "mi_dot"):
        return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=int(m["h"]),
                    minute=int(m["mi_dot"]))
    in_range = len(m["h"]) == 2 and (
        _CLOCK_RANGE.match(text, m.end())
        or _CLOCK_RANGE_BEFORE.search(text, max(0, m.start() - 7), m.start()))
    if not (_g(m, "tz") or _g(m, "hrs") or in_range
            or preceding_word(text, m.start()) in ("at", "by", "until", "around", "about",
                                                   "from", "since")):
        return None
    return b_clock(m, text)


_HHMM_BEFORE = re.compile(r"(?:\bat(?: abt| about| around)?\s+|\b(?:morning|afternoon|evening"
                          r"|night|tonight|today|tomorrow),\s*)$", re.I)


_MILITARY_BEFORE = {"at", "from", "until", "till", "by", "and", "to", "between", "before",
                    "after", "since"}


def _military_hours(start: int, digits: str, text: str) -> bool:
    """Whether "1500 hours" at ``start`` is a clock ("at 1500 hours", "0600 hours"), not a
    count of hours ("volunteers logged 1800 hours")."""
    return digits.startswith("0") or preceding_word(text, start) in _MILITARY_BEFORE


def b_clock_hhmm(m: re.Match, text: str) -> Spec | None:
    """ "at 2250", "at 1200 GMT", "Fri night, 2359": a 24-hour clock written without a colon,
    after "at" or a part of the day, or before GMT or UTC ("2 p.m. (1200 GMT)"): no year is.
    "at 1999" is a year."""
    tz = (_g(m, "tz") or "").upper()
    if tz == "HOURS" and not _military_hours(m.start(), m["h"] + m["mi"], text):
        return None  # "logged 1800 hours": a duration
    zoned = tz not in ("", "H")  # "1700hrs", "1715 HKT" say it is a clock
    if not zoned and not _HHMM_BEFORE.search(text, max(0, m.start() - 12), m.start()):
        return None
    if not _g(m, "tz") and (1900 <= int(m["h"] + m["mi"]) <= 2099 or NOT_YEAR_AFTER.match(
            text, m.end()) or _NOT_CLOCK_AFTER.match(text, m.end())):
        return None  # "at 1999", "closed at 1250 points", "at 1600 Elm Street"
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=int(m["h"]),
                minute=int(m["mi"]))


def b_named_time(m: re.Match, text: str) -> Spec | None:
    word = _ws(m["w"])
    if _names_a_thing(m, text, "w"):
        return None  # "Midnight Oil"
    if preceding_word(text, m.start()) == "high":
        return None  # "High Noon", "high noon comes today": a showdown, not a clock
    if word == "midnight":  # minute None: which midnight, the day's start or end, is the tense's
        return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=24)
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, hour=12, minute=0)


# Before "per hour" these make it a speed or a rate of flow, no time: "145 miles per hour".
_SPEED_UNIT = re.compile(r"(?:miles|mile|kilometres|kilometers|km|metres|meters|feet|knots"
                         r"|litres|liters|gallons|cubic\s+\w+|words|beats|revolutions|rounds)\s+$",
                         re.I)


_PRICE_EACH = re.compile(r"\bat\s+(?:[$€£¥]\s?)?\d[\d.,]*(?:\s+(?:cents|dollars|euros|pounds|pence"
                         r"|yen|million|billion))?\s+$", re.I)


def b_set_date(m: re.Match, text: str) -> Spec | None:
    """ "every March 23", "each Christmas": a day of every year (a holiday that moves, as
    Easter does, has no such value and is left to the rule "holiday")."""
    t = lx.tables()
    if _g(m, "h"):
        code = t["holiday"][_ws(m["h"])]
        if not re.fullmatch(r"\d\d-\d\d", code):
            return None
        return Spec("SET", value=f"XXXX-{code}")
    month = t["month"][_ws(_g(m, "mon") or m["mon2"])]
    day = int(_g(m, "d") or m["d2"])
    if not valid_day(2000, month, day):
        return None
    return Spec("SET", value=f"XXXX-{month:02d}-{day:02d}")


def b_set(m: re.Match, text: str) -> Spec | None:
    t = lx.tables()
    if m.group().lower().startswith("per ") and _SPEED_UNIT.search(
            text, max(0, m.start() - 30), m.start()):
        return None  # "145 miles per hour", "90 km per hour"
    if m.group().lower().startswith("each ") and _PRICE_EACH.search(
            text, max(0, m.start() - 40), m.start()):
        return None  # "sold 6.5 million shares at $14 each Monday night": the price's "each"
    if _g(m, "adv"):  # "twice daily"
        return Spec("SET", value=t["frequency_adverb"][m["adv"].lower()])
    word = _ws(m["u"])
    other = bool(_g(m, "other"))
    part = f"T{t['part_of_day'][_ws(m['part'])]}" if _g(m, "part") else ""
    if word in t["weekday"] or word.rstrip("s") in t["weekday"]:
        # "every Saturday morning": XXXX-WXX-6TMO
        return Spec("SET", value=f"XXXX-WXX-{t['weekday'][word.rstrip('s')] + 1}{part}")
    if word in t["weekday_abbr"]:
        return Spec("SET", value=f"XXXX-WXX-{t['weekday_abbr'][word] + 1}{part}")
    if part:
        return None  # "every day morning"
    if word in t["month"]:
        return Spec("SET", value=f"XXXX-{t['month'][word]:02d}")
    if word in t["season"]:
        return Spec("SET", value=f"XXXX-{t['season'][word]}")
    if word in t["part_of_day"]:
        return Spec("SET", value=f"XXXX-XX-XXT{t['part_of_day'][word]}")
    if word in ("weekend", "weekends"):
        return Spec("SET", value="XXXX-WXX-WE")
    if word == "season":  # news speaks of sports seasons: once a year
        return Spec("SET", value=_duration_value(2 if other else 1, "Y"))
    code = lx.unit_code(word)
    return Spec("SET", value=_duration_value(2 if other else 1, code))


_PAPER_FREQUENCIES = {"daily", "weekly", "monthly", "quarterly"}


# What follows an adverb of frequency, not a noun it modifies: "billed quarterly, not monthly",
# "meets quarterly in Geneva"
_ADVERB_AFTER = re.compile(r"\s*(?:[,.;:)!?]|$|(?:and|or|rather|than|in|on|at|by|from|to|with"
                           r"|for|instead|since|until|through|as|but|because|if)\b)")


def b_frequency(m: re.Match, text: str) -> Spec | None:
    if m["w"][0].isupper() and _capitalised_name(text, m.start(), m.end()):
        return None  # "the Daily Telegraph", "Entertainment Weekly"
    if re.match(r"\s+(?:[A-Z][a-z]|[A-Z]{2})", text[m.end():m.end() + 3]) and \
            m["w"].lower() in _PAPER_FREQUENCIES:
        return None  # "the Communist Party daily Granma": a newspaper
    if m["w"].lower() == "quarterly" and not _ADVERB_AFTER.match(text, m.end()):
        return None  # "quarterly earnings", "a quarterly dividend": the adjective
    return Spec("SET", value=lx.tables()["frequency_adverb"][m["w"].lower()])


def b_weekend(m: re.Match, text: str) -> Spec | None:
    """ "weekends": every weekend; "weekend next week": that week's; "weekend": by tense."""
    if _OF_A_DATE.match(text, m.end()):
        return None  # "on the weekend of 14-15 June": the dates say which
    if m["w"].lower().endswith("s"):
        return Spec("SET", value="XXXX-WXX-WE")
    rel = _ws(_g(m, "rel"))
    if rel:
        return Spec("DATE", unit="week", offset=REL_STEP[rel],
                    gran="weekend", anchor=DEICTIC, news_cue=True)
    return Spec("DATE", unit="weekend_by_tense", gran="weekend", anchor=DEICTIC)


def b_plural_weekday(m: re.Match, text: str) -> Spec | None:
    """ "Mondays": every Monday; "Tuesday nights": every Tuesday night."""
    if _g(m, "wd1"):
        day = lx.tables()["weekday"][m["wd1"].lower()] + 1
        return Spec("SET", value=f"XXXX-WXX-{day}T{lx.part_code(m['parts'][:-1])}")
    if _WEEKDAY_NAME.match(text, m.end()) or text[max(0, m.start() - 4):m.start()] == "TGI ":
        return None  # "TGI Fridays", "Mondays.com": names
    wd = m["wd"].lower()[:-1]
    return Spec("SET", value=f"XXXX-WXX-{lx.tables()['weekday'][wd] + 1}")


def b_part_of_day(m: re.Match, text: str) -> Spec | None:
    rel = _ws(m["rel"])
    offset, anchor = {"this": (0, DEICTIC), "last": (-1, DEICTIC), "that": (0, ANAPHORIC),
                      "the same": (0, ANAPHORIC), "the next": (1, ANAPHORIC),
                      "the following": (1, ANAPHORIC), "the previous": (-1, ANAPHORIC),
                      "early this": (0, DEICTIC), "late last": (-1, DEICTIC),
                      "late this": (0, DEICTIC), "early": (0, DEICTIC),
                      "overnight": (0, DEICTIC)}[rel]
    part = lx.part_code(m["p"])
    if rel == "last" and part != "NI":
        offset = -1
    mod = "END" if rel.startswith("late") else "START" if rel.startswith("early") else None
    return Spec("TIME", unit="day", offset=offset, gran="day", anchor=anchor, part=part, mod=mod)


# How a day, week or evening was lived: "a long day", "a rainy afternoon", "a crazy week".
_DAY_ADJ = (r"long|busy|fun|great|nice|nicest|lovely|wonderful|hot|rainy|chilly|cold|tiring"
            r"|long tiring|successful|quality|productive|crazy|hectic|amazing|awesome|tough"
            r"|sunny|lazy|relaxing|fantastic|exhausting|fruitful|happy")
_DESCRIBED = re.compile(r"(?:^|[^\w'’-])(?:(?:an?|my|one|such an?) )?(?:(?:very|really|so|super|quite)"
                        r" )?(?:" + _DAY_ADJ + r")(?: (?:and|&) (?:" + _DAY_ADJ + r"))? $", re.I)
_GREETING = re.compile(r"(?:^|[^\w'’-])(?:good|gd|goo+d|gud) $", re.I)


_DAY_FOR = re.compile(r"\s+for\s+(?!the\s+(?:day|week)\b)")
_NAME_AFTER = re.compile(r"[ \t]+[A-Z][a-z]")


def b_day_described(m: re.Match, text: str) -> Spec | None:
    """ "a long [day]", "the whole day", "another day": one day or week lived through, a
    DURATION; "a rainy [afternoon]", "Good [morning]": that part of today, a TIME. The words
    that describe the day stay outside the extent, as in TimeBank ("a great [day]")."""
    unit = (_g(m, "w") or _g(m, "w2")).lower()
    before = text[max(0, m.start() - 40):m.start()].replace("\n", " ")
    if _g(m, "w"):
        greeting = unit in ("morning", "afternoon", "evening") and _GREETING.search(before)
        if not (greeting or _DESCRIBED.search(before)):
            return None
        if _DAY_FOR.match(text, m.end()):
            return None  # "a great day for Poland": the day of an event, not one lived through
        if m["w"][0].isupper() and not m["w"].isupper() and _NAME_AFTER.match(text, m.end()):
            return None  # "Good Morning America"
    if unit in ("day", "week", "month"):
        return Spec("DURATION", value=_duration_value(1, lx.unit_code(unit)))
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC,
                part=lx.part_code(unit))


# Nouns a part of the day or "day" only describes: "the night shift", "a night club", "the
# morning paper", "a day trip" name no time.
_PART_AS_MODIFIER = re.compile(
    r"[ \t]+(?:shifts?|clubs?|sky|school|owls?|trains?|bus|buses|flights?|watch"
    r"|watchman|life|lights?|vision|terrors|nurses?|porters?|guards?|staff|workers?|duty"
    r"|gowns?|dress|wear|papers?|editions?|sickness|glory|classes|commuters?|person|people"
    r"|trips?|care|jobs?|pass|passes|labou?rers?|students?|games?|baseball|racing|raids?"
    r"|fighters?|patrols?|bombers?|sorties?|curfew|skies|star|stars|rosters?|rotas?)\b(?![-'’])")


def part_as_modifier(text: str, end: int) -> bool:
    return bool(_PART_AS_MODIFIER.match(text, end))


def b_bare_part(m: re.Match, text: str) -> Spec | None:
    the = _ws(_g(m, "the"))
    if part_as_modifier(text, m.end()):
        return None
    if _names_a_thing(m, text, "p") or the == "the" and _capitalised_name(
            text, m.start("p"), m.end("p"), after_only=True):
        return None  # "Good Morning America", "The Morning Star", "The Morning Call"
    part = lx.part_code(m["p"])
    if the == "every":
        return Spec("SET", value=f"XXXX-XX-XXT{part}")
    if the == "one":
        return Spec("TIME", value=f"XXXX-XX-XXT{part}")
    if the == "the" and part == "NI":
        # "Rescuers searched through the night": in news told in the past, last night
        return Spec("TIME", unit="night_by_tense", gran="day", anchor=DEICTIC, part=part)
    return Spec("TIME", unit="day", offset=0, gran="day", anchor=DEICTIC, part=part)


def b_anaphoric_unit(m: re.Match, text: str) -> Spec | None:
    """ "the day before", "the year after"; "the night before": that part of the day before."""
    offset = -1 if m["dir"].lower() == "before" else 1
    if _g(m, "p"):
        return Spec("TIME", unit="day", offset=offset, gran="day", anchor=ANAPHORIC,
                    part=lx.part_code(m["p"]))
    unit = m["unit"].lower()
    return Spec("DATE", unit=unit, gran=unit, offset=offset, anchor=ANAPHORIC)


def b_anaphoric_day(m: re.Match, text: str) -> Spec | None:
    rel = _ws(m["rel"])
    off = {"that": 0, "the same": 0, "that same": 0, "the next": 1, "the following": 1,
           "the previous": -1, "the preceding": -1, "the prior": -1, "a": None}[rel]
    if off is None:
        return None
    return Spec("DATE", unit="day", offset=off, gran="day", anchor=ANAPHORIC)


_ORDINAL_DAY_BEFORE = {"on", "from", "until", "till", "by", "since", "before", "after", "to",
                       "through", "and", "for", "til",
                       # a schedule's verb: "The festival begins the 4th"
                       "begins", "starts", "ends", "opens", "closes", "expires",
                       # a trip's: "flying out the 22nd, back the 29th"
                       "out", "back"}
# Before a month/day with no year, a word that makes it a day: "on 3/15", "by 12/25"; not
# "went 3/10 from the field", "a 1/4 share".
_SLASH_DAY_BEFORE = (_ORDINAL_DAY_BEFORE - {"and", "for", "opens", "closes"}) | {  # "closes 1/4 up"
    "til", "thru", "starting", "sale", "due", "dated", "ends", "begins"}
# What may follow "the 20th" when it is a day: punctuation, or a word that is not its noun
# ("the 20th century", "the 20th anniversary", "the 20th floor").
_ORDINAL_DAY_AFTER = re.compile(r"\s*(?:[,.;:)!?]|$|[^\w\s'’-]|(?:and|or|to|was|were|when|at|in"
                                r"|with|but|he|she|they|it|the|a|is|are|will|had|has)\b)")


# "On the 15th Lincoln called for volunteers": a subject and its verb after the day; not "on the
# 6th Army's flank", "on the 5th Avenue side".
_ORDINAL_SUBJECT = re.compile(r"[ \t]+(?P<w>[A-Z][a-z]+)(?:[ \t]+[A-Z][a-z]+)?[ \t]+[a-z]+\b")
_ORDINAL_NOUNS = {"army", "armies", "division", "corps", "fleet", "regiment", "brigade",
                  "battalion", "panzer", "infantry", "cavalry", "street", "avenue", "amendment",
                  "congress", "parliament", "century", "dynasty", "legion", "marine", "marines",
                  "armored", "airborne", "mountain", "guards", "party", "floor", "round", "hole"}


def b_ordinal_day(m: re.Match, text: str) -> Spec | None:
    """ "The enemy's onslaught on the 20th", "from the 13th to the 19th of October": a day of
    the month just spoken of (or the publication's)."""
    before = preceding_word(text, m.start())
    if before not in _ORDINAL_DAY_BEFORE or not (
            _ORDINAL_DAY_AFTER.match(text, m.end())
            or (before == "on" and (a := _ORDINAL_SUBJECT.match(text, m.end()))
                and a["w"].lower() not in _ORDINAL_NOUNS)):
        return None
    return Spec("DATE", unit="day_of_month", offset=int(m["d"]), gran="day", anchor=ANAPHORIC)


def b_first_last_day(m: re.Match, text: str) -> Spec | None:
    """ "Last day to register!", "my first day": a post's own day. "the last day of the talks"
    names a day of some other event, and stays out."""
    if preceding_word(text, m.start()) in ("the", "a", "that", "this", "every", "each", "its",
                                           "their", "his", "her"):
        return None
    return Spec("DATE", unit="day", offset=0, gran="day", anchor=DEICTIC)


def b_unit_end(m: re.Match, text: str) -> Spec | None:
    """ "year-end", "by year's end", "At month's end": the end of the current one (of the
    story's, in a history), as "the end of the month" is."""
    unit = (_g(m, "unit") or "year").lower()
    return Spec("DATE", unit=unit, offset=0, gran=unit, anchor=DEICTIC, mod="END")


# --------------------------------------------------------------------------- the rules
_PART = r"(?P<part>morning|afternoon|evening|night|nite|arvo)"
_BC_YEAR = r"(?P<by>\d{1,4}) (?:BC|B\.C\.|BCE)(?!\w)"  # "44 BC" after a month or a season
# The feast a weekday before a date may name: "Easter Monday, 24 April 1916".
_FEAST = r"(?:{feast} )?"
_HHMM = r"(?P<h>[01]\d|2[0-3])(?P<mi>[0-5]\d)"  # "2250", "1030hrs": a 24-hour clock
# A time zone after a clock, kept in its extent: "7:15 p.m. EST", "11:38 a.m. ET", "4.30am
# AEST", "11:59 p.m. Eastern Time" (not "local time", which TempEval-3's gold leaves out).
_ZONES = (r"(?-i:[ECMP][SD]?T|GMT|UTC|BST|CET|CEST|JST|AE[SD]T|AC[SD]T|AWST|NZ[SD]T|HKT|SGT"
          r"|MSK|EET|EEST|WAT|EAT|IST)")


def _tz(group: str | None = "tz") -> str:
    """The time-zone fragment, captured as ``group`` (not captured for None)."""
    return ("(?P<" + group + ">" if group else "(?:") + (
        _ZONES + r"|(?:Eastern|Pacific|Central|Mountain)"
        r"(?: (?:Standard|Daylight))? [Tt]ime)(?![\w-])")
RULES: list[Rule] = [
    Rule("iso_date",
         r"(?P<y>\d{4})-(?P<mo>\d\d)-(?P<d>\d\d)(?:[T ](?P<H>\d\d):(?P<M>\d\d)(?::\d\d(?:\.\d+)?)?"
         r"(?:Z|[+-]\d\d:?\d\d)?)?",
         b_iso, ("2023-09-13", "2023-09-13T21:43")),
    Rule("numeric_date", r"(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4}|\d\d)", b_numeric,
         ("9/13/2023", "13/09/2023", "9/13/23")),
    Rule("nine_eleven", r"(?<![\d/.])9/11(?![\d/]|\.\d)", b_nine_eleven,
         ("since 9/11", "post-9/11")),
    Rule("month_slash_day",
         r"(?<![\d/.$£€])(?P<mo>1[0-2]|0?[1-9])/(?P<d>3[01]|[12]\d|0?[1-9])(?![\d/%]|\.\d)",
         b_month_slash_day, ("on 3/15", "by 12/25")),
    # "by end-June", "end-May 2007": the month's end, as Asian and financial wires write it
    Rule("end_month", r"end-(?P<mon>{month_name})(?: (?P<y>{year4}))?(?![\w-])",
         lambda m, t: Spec("DATE", when=When("month", year_of(m["y"]) if _g(m, "y") else None,
                                             lx.month_number(m["mon"])), mod="END"),
         ("end-June", "end-May 2007")),
    Rule("week_of",
         r"the week (?:of|beginning|starting|commencing) (?P<mon>{month}) (?P<d>{day_of_month})"
         r"(?:,? (?P<y>{year4}))?",
         b_week_of,
         ("the week of March 6", "the week of Jan. 9, 2023", "the week beginning May 4")),
    Rule("week_of_day_month",
         r"the week (?:of|beginning|starting|commencing) (?P<d>{day_of_month}) (?P<mon>{month})"
         r"(?: (?P<y>{year4}))?",
         b_week_of,
         ("the week beginning 27 October", "the week commencing 4 May 2015")),
    Rule("week_of_month",
         r"(?:the )?(?P<ord>first|second|third|fourth|last|final) week of (?P<mon>{month_name})"
         r"(?:,? (?P<y>{year4}))?",
         b_week_of_month, ("the first week of March", "the last week of April 2013")),
    Rule("dotted_date", r"(?P<d>[0-3]\d)\.(?P<mo>[01]\d)\.(?P<y>\d{4}|\d\d)(?!\d|\.\d)", b_dotted,
         ("27.03.15", "05.11.2014")),
    Rule("month_day_year",
         r"(?:" + _FEAST + r"(?P<wd>{weekday}),? )?(?P<mon>{month}) (?:the )?(?P<d>{day_of_month})"
         r"(?:,? (?P<y>{year4})|, " + _BC_YEAR + ")?",
         b_month_day, ("September 13, 2023", "Sept. 13", "Wednesday, Sept. 13", "May 31",
                       "Aug 24 2023", "March 3rd")),
    Rule("day_month_glued",
         r"(?P<d>{day_of_month})(?P<mon>jan|feb|mar|apr|may|jun|jul|aug|sept?|oct|nov|dec)"
         r"(?: ?(?P<y>{year4}))?",
         b_month_day, ("26nov 2015", "3dec")),
    # Tweets write months in lower case; with a day or a year beside them they are dates
    # ("mar 3", "20 mar", "march 22nd", "3rd april", "feb 2014"), but not "may 3" (the modal)
    # or "march 3" (the verb) without an ordinal.
    Rule("month_day_lower",
         r"(?-i:(?P<mon>{month_lower}\.?|march(?= \d+(?:st|nd|rd|th)))"
         r" (?P<d>{day_of_month})(?:,? (?P<y>{year4}))?)(?! ?%|[\w'’])",
         b_month_day, ("mar 3", "march 22nd", "feb 14 2015")),
    Rule("day_month_lower",
         r"(?<![-–/])(?-i:(?P<d>{day_of_month}) (?:of )?(?P<mon>(?:{month_lower}|march)\.?)"
         r"(?:,? (?P<y>{year4}))?)(?![\w'’])",
         b_month_day, ("20 mar", "3rd april", "the 5th of june")),
    Rule("month_year_lower",
         r"(?-i:(?P<mon>{month_lower}) (?P<y>{year4}))",
         b_month_year, ("mar 2014", "december 2015")),
    Rule("night_day_pair",  # "the night of 14/15 April 1912": the night of the 14th
         # a dash, "to" or "and" only after "night of": "the battle of 6-7 January" is two days
         r"(?<=\bof\x20)(?P<d>{day_of_month})(?:/|(?:(?<=\bnight\x20of\x20\d)"
         r"|(?<=\bnight\x20of\x20\d\d))(?:[-–]| to | and ))(?:3[01]|[12]\d|0?[1-9])"
         r"(?:st|nd|rd|th)? (?P<mon>{month})(?:,? (?P<y>{year4}))?",
         b_month_day,
         ("of 14/15 April",)),
    Rule("day_month_year",
         r"(?:" + _FEAST + r"(?P<wd>{weekday}),? )?(?:the )?(?P<d>{day_of_month}) (?:of )?(?P<mon>{month})"
         r"(?:,? (?P<y>{year4})|,? " + _BC_YEAR + r")?"
         r"(?:,? (?P<wd_after>{weekday_name})(?![\w'’]))?",
         b_month_day, ("13 September 2023", "the 13th of September", "Wednesday 13 Sept.",
                       "14th December Friday")),
    Rule("month_year",
         OPT_PREMOD + r"(?P<mon>{month}),? (?:of )?(?:(?P<y>{year4}|'\d\d|{spelled_year})"
         r"|" + _BC_YEAR + r"|(?P<y3>[1-9]\d\d)(?:(?-i: AD| A\.D\.| CE)|(?=[,;:)]|\.(?!\d)|\s*$)))",
         b_month_year, ("May 2013", "early June 1998", "February of 1940", "Sept. 1999",
                        "the end of March 1941", "January nineteen ninety-seven",
                        "April 480 BC", "October 732")),
    Rule("month",
         OPT_PREMOD + r"(?:(?P<rel>this past|this coming|this|last|next|coming|the month of"
         r"|the previous|the preceding|the following|the next|(?-i:That)"
         # "in that December", "stalled that December.": not "said that December sales rose"
         r"|(?=that\b)(?:" + _after("in", "by", "until", "during", "since")
         + r"|(?=that (?:{month_name})\s*(?:[,.;:)]|$))"
         # "scored on his debut that August and was ...", "that September nearly starved
         # them": the month, when a word that no noun is follows it
         + r"|" + "".join(rf"(?<!\b{w}\x20)" for w in sorted(_THAT_CONJUNCTION))
         + r"(?=that (?:{month_name}) (?:and|but|or|when|as|after|before|he|she|they|it|we"
           r"|the|his|her|their|its|nearly|almost|alone)\b))that) )?"
         r"(?P<mon>{month_name}|{month_name_lower})",
         b_month, ("in May", "last November", "mid-August", "the end of March", "early April",
                   "the month of April", "that December"),
         priority=-1),
    Rule("month_abbr",
         r"(?P<mon>(?-i:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.?)",
         b_month_abbr, ("in Aug.", "for Jun"), priority=-1),
    Rule("month_of_that_year",
         r"(?:(?P<d0>{day_of_month}) )?(?P<mon>{month_name})(?: (?P<d>{day_of_month}))?,? of"
         r" (?P<rel>that|the same|the following|the next|the previous|the preceding) year",
         b_month_of_that_year, ("July of that year", "July 25 of that year",
                                "8 November of that year")),
    Rule("day_of_rel_month",
         r"the (?P<d>{day_of_month}) of (?P<rel>this|last|next|that|the same|the following"
         r"|the next|the previous|the preceding) month",
         b_day_of_rel_month, ("the 28th of last month", "the 5th of next month",
                              "the 3rd of the following month")),
    Rule("month_rel_year",
         OPT_PREMOD + r"(?:(?:the )?(?P<dm>{day_of_month}) (?:of )?)?(?P<mon>{month})"
         r"(?: (?P<d>{day_of_month}))?(?:,| of)? (?P<rel>this|last|next) year(?!['’]s)",
         b_month_rel_year, ("January this year", "June last year", "March 3 next year",
                            "mid-March next year", "March of next year", "1 April this year",
                            "the 3rd of March last year")),
    Rule("anaphoric_unit",
         r"the (?:(?P<unit>day|week|month|year)|(?P<p>morning|afternoon|evening|night))"
         r" (?P<dir>before|after)(?=\s*[,.;:)]|\s*$|\s+(?:but|when|while|because|so)\b)",
         b_anaphoric_unit, ("the day before", "the year after", "the night before")),
    Rule("bc_year",
         CIRCA + OPT_PREMOD + r"(?P<y>\d{1,4}) (?P<era>BC|B\.C\.?|BCE|AD|A\.D\.|CE)(?![\w])",
         b_bc_year, ("499 BC", "218 B.C.")),
    Rule("ad_year",  # "AD 476", "A.D. 43", "the year 793": the era or "the year" says it
         CIRCA + OPT_PREMOD + r"(?:(?-i:AD|A\.D\.)|the year) (?P<y>\d{1,4})(?![\d\w]|[.,]\d)",
         b_ad_year, ("AD 476", "A.D. 43", "the year 793")),
    Rule("year",
         r"(?:(?P<about>around|about|approximately|roughly) )?"
         + CIRCA + OPT_PREMOD + r"(?:(?P<fiscal>fiscal(?: year)?|the (?:fiscal |calendar )?year"
         r"|calendar(?: year)?) |(?P<fy>(?-i:FY)) ?)?(?P<y>{year4}|21\d\d(?![\d,]\d))"
         r"(?P<era> BC| B\.C\.| BCE)?",
         b_year, ("1998", "fiscal 1999", "early 2013", "the end of 1990", "the year 2000",
                  "FY2013", "FY 1999"),
         priority=-2),
    Rule("fiscal_short", r"(?-i:FY) ?['’]?(?P<yy>\d\d)(?![\d,.]\d)",
         lambda m, t: Spec("DATE", when=When("year", year_of(m["yy"]))),
         ("FY13", "FY '99")),
    Rule("spelled_year",
         OPT_PREMOD + r"(?:(?P<the>the year) )?(?P<y>{spelled_year})",
         b_spelled_year,
         ("nineteen ninety-six", "the year two thousand", "in two thousand and one"),
         priority=-2),
    Rule("decade",
         OPT_PREMOD + r"(?:(?:the )?(?:(?P<full>1\d\d0|20\d0)['’]?s"
         r"|['’](?P<short>\d)0['’]?s|(?P<word>twenties|thirties|forties|fifties|sixties"
         r"|seventies|eighties|nineties|(?:(?<=the\x20)|(?<=early\x20)|(?<=late\x20)|(?<=mid-))n[ao]ughties))|(?:the )?(?P<bc>[1-9]\d{0,2}0)['’]?s (?:BC|B\.C\.|BCE)(?!\w)"
         r"|the (?P<bare>[2-9])0['’]?s(?![\w'’-]))",
         b_decade, ("the 1990s", "the '80s", "the mid-1990s", "the early 1960s", "the sixties",
                    "the 430s BC", "the noughties")),
    Rule("century",
         # "its 19th-century roof", "in eighteenth-century France": the century as a modifier,
         # "the" then the noun's ("the 21st-century economy")
         OPT_PREMOD + r"(?:the (?![\w]+-century))?(?P<ord>{ordinal}|\d{1,2}(?:st|nd|rd|th))"
         r"(?: |-)century(?P<era> BC| B\.C\.| BCE)?",
         b_century, ("the 19th century", "the twentieth century", "the end of the 19th century",
                     "the 4th century BC", "19th-century", "eighteenth-century")),
    Rule("mid_century",
         r"(?:the )?mid-?century(?![\w-]| (?:modern|design|furniture|architecture|style|homes?"
         r"|houses?|décor|decor|chairs?|pieces?)\b)",
         lambda m, t: Spec("DATE", unit="century", offset=0, gran="century", anchor=DEICTIC,
                           mod="MID"), ("mid-century", "midcentury")),
    Rule("month_range_quarter",
         r"(?:the )?(?P<m1>{month})[-–](?P<m2>{month}) (?:fiscal )?quarter"
         r"(?: of (?P<y>{year4}))?",
         b_month_range_quarter, ("the April-June quarter", "the Oct.-Dec. quarter of 2012")),
    Rule("month_span_quarter",
         r"(?:the )?(?P<m1>{month_name})[-–](?P<m2>{month_name})"
         r"(?: (?:quarter|period))?(?:,? (?P<y>{year4}))?(?![-–\w])",
         b_month_span_quarter, ("the April-June quarter", "January-March",
                                "the July-September period 2012")),
    Rule("quarter",
         r"(?:(?P<premod>" + WHOLE_OF + ") )?"
         r"(?:(?P<y0>{year4})(?:['’]s)? |(?P<rel0>this year's|last year's|next year's) )?"
         r"(?:the (?!\w+-quarter))?(?:fiscal[ -])?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th"
         r"|(?:final|last)(?= quarter of (?:the year|this year|last year|next year|{year4})))"
         r"(?: |-)(?:fiscal )?"
         r"(?:quarter|qtr\.?)"
         r"(?: of (?:(?:fiscal |the fiscal year |the year )?(?P<y>{year4})"
         r"|(?P<rel>this|last|next) (?:fiscal )?year(?!['’]s)))?",
         b_quarter, ("the third quarter", "third-quarter", "the fourth quarter of 2012",
                     "1998's first quarter", "this year's third quarter",
                     "the first quarter of next year")),
    Rule("q_quarter", OPT_PREMOD + r"(?-i:Q(?P<q>[1-4]))(?: |-|')?(?P<y>{year4})?",
         lambda m, t: None if _capitalised_name(t, m.start(), m.end()) else b_quarter(m, t),
         ("Q3 2013", "Q4")),
    Rule("fiscal_shorthand",  # earnings copy: "4Q13", "1H14", "H1 2014", "2H 2016", "Q4'13"
         OPT_PREMOD + r"(?-i:(?P<qn>[1-4])Q|(?P<hn>[12])H|H(?P<hn2>[12])|Q(?P<qn2>[1-4]))"
         r"(?:[ -]?['’]?(?P<yy>\d\d)|[ -]?(?P<y>{year4}))(?![\w-])",
         b_fiscal_shorthand, ("4Q13", "1H14", "H1 2014", "2H 2016", "Q4'13")),
    Rule("month_quarter",  # "the December quarter": the quarter that ends in December
         r"the (?P<mon>{month}) quarter(?![\w-])",
         lambda m, t: Spec("DATE", when=When("quarter", None, n=mo // 3))
         if (mo := lx.month_number(m["mon"])) % 3 == 0 else None,
         ("the December quarter", "the March quarter")),
    Rule("rel_quarter",
         r"(?:the )?(?:(?P<rel>this|current|same|latest|recent|most recent|last|past|previous"
         r"|prior|next|coming|year-earlier|year-ago|comparable|prior-year|fiscal) )?"
         r"(?-i:quarter)",
         b_rel_quarter, ("the quarter", "the latest quarter", "last quarter", "the current quarter",
                         "the year-earlier quarter"), priority=-1),
    Rule("latest_period", r"the (?:latest|most recent) (?:fiscal )?period",
         lambda m, t: Spec("DATE", unit="latest_quarter", anchor=DEICTIC, gran="quarter"),
         ("the latest period",)),
    Rule("vague_plural",
         r"(?:the )?(?:(?P<ahead>coming|upcoming|future) (?P<unit>days|weeks|months"
         r"|years|quarters|decades)|(?P<unit2>days|weeks|months|years|decades) ahead)",
         b_vague_plural,
         ("the coming months", "in coming weeks", "future quarters", "the years ahead")),
    Rule("comparable_period",
         r"(?:the )?(?:comparable |corresponding )?(?:year-earlier|year-ago|prior-year) (?:period"
         r"|(?:(?:first|second|third|fourth) )?quarter|nine months|six months)",
         b_year_earlier, ("the year-earlier period", "the year-ago third quarter")),
    Rule("period_year_back",
         r"the (?:corresponding|comparable|same) (?:period|quarter)(?: of| in)? (?:last year"
         r"|a year (?:ago|earlier)|the (?:previous|prior) year)|last year's (?:period|quarter)"
         r"|the quarter a year (?:ago|earlier)",
         lambda m, t: Spec("DATE", unit="latest_quarter", offset=-4, gran="quarter",
                           anchor=DEICTIC, follow_quarter=True, news_cue=True),
         ("the corresponding period last year", "last year's quarter",
          "the quarter a year ago")),
    Rule("year_period",
         r"the (?P<y>{year4}) (?:period|(?P<q>quarter)|(?P<ord>first|second|third|fourth) quarter)",
         b_year_period, ("the 1988 period", "the 1988 third quarter", "the 1988 quarter")),
    Rule("half",
         r"(?:the )?(?:(?P<ord>first|second|1st|2nd)(?: half|-half(?= " + _REPORTED + r"))"
         r"|(?:(?P<late>last|latter) half"
         r"|(?P<two>first|last|final) two quarters)(?= of))(?: of (?:(?P<y>{year4})"
         r"|(?P<rel>this|last|next|the) (?:fiscal )?year))?",
         b_half, ("the first half of 1998", "the second half", "the first half of this year",
                  "the last half of 1989", "the first two quarters of 1990")),
    Rule("season",
         OPT_PREMOD + r"(?:(?P<det>the following|the next|the previous"
         # "the Spring Offensive": the article is the name's
         r"|the(?! (?:{season})" + _SEASON_EVENT.pattern + r")(?! (?:{season})" + _SEASON_NOUN + ")"
         r"|this past|this coming|this|last|next|past|coming|that same|the same|that) )?(?P<s>{season})"
         r"(?:,? (?:of )?(?:(?P<y>{year4}|{spelled_year})(?:[-–/](?P<y2>\d\d(?:\d\d)?)(?![\d/-]))?"
         r"|" + _BC_YEAR + ")"
         r"| of (?P<rel>this|last|next) year(?!['’]s))?",
         b_season, ("the spring of 1998", "last summer", "this fall", "winter 2010",
                    "early spring", "the winter of nineteen ninety-four", "autumn of 481 BC",
                    "the summer of last year", "the winter of 1941-42")),
    Rule("holiday",
         r"(?:(?P<rel>this past|this coming|this|last|next|the(?= (?:{holiday}) [Ww]eek)"
         r"|the(?= (?:lunar|chinese) new year|(?-i:Spring Festival)|mid-autumn|dragon boat)) )?"
         r"(?P<h>{holiday})(?:,? (?P<y>{year4})| of (?P<y2>{year4}))?"
         r"(?: " + _PART + r"| (?P<wk>[Ww]eek(?P<we>end)?)\b)?",
         b_holiday, ("Christmas", "Christmas Day 2012", "Thanksgiving", "New Year's Eve",
                     "the Lunar New Year of 1998", "Deepavali", "Yom Kippur 1973",
                     "last Christmas", "Xmas evening", "Thanksgiving weekend")),
    # "in the new year", "since the New Year": the year a New Year's Day begins, the nearest
    # one the tense allows
    Rule("new_year", OPT_PREMOD + r"the new year(?![\w-])",
         lambda m, t: Spec("DATE", holiday=lx.tables()["holiday"]["new year's day"], gran="year",
                           mod=premod_code(m)),
         ("the new year", "early in the new year")),
    Rule("weekday",
         r"(?:(?P<premod>early|late) )?(?:(?P<rel>this past|this coming|last|next|this|coming|past"
         r"|previous|the following|the next|the previous|the preceding|(?-i:That)"
         r"|(?=that\b)" + _after("on", "by", "until", "since") + r"that) )?"
         # "Friday the 13th": the weekday decides the day; the 13th is not checked against it
         r"(?P<wd>{weekday})(?:(?:['’]s)? " + _PART + r"| the {day_of_month})?"
         # "Monday of last week", and as Nigerian, Kenyan and British papers write it,
         # "Thursday last week", "Friday next week"
         r"(?: (?:of )?(?P<wrel>last|next|this) week(?![\w-]|['’]s))?",
         b_weekday, ("Tuesday", "last Friday", "next Monday", "Tuesday night",
                     "Friday morning", "Wed.", "Friday the 13th", "Monday of last week",
                     "Thursday last week")),
    # British: "Monday week" is the Monday after next Monday; "a week on Tuesday", "a fortnight
    # on Thursday" a week or two after the coming one.
    Rule("weekday_week", r"(?P<wd>{weekday}) (?-i:week)(?![\w-])", b_weekday_week,
         ("Monday week", "Tuesday week")),
    Rule("weeks_on_weekday",
         r"(?:(?:an?|one) week|(?P<two>two weeks?|(?:an?|one) fortnight)) on (?P<wd>{weekday})",
         b_weekday_week, ("a week on Tuesday", "a fortnight on Thursday", "two weeks on Friday")),
    Rule("weekday_short",
         r"(?:(?P<rel>this|next|last|coming|nxt) )?"
         r"(?P<wd>mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:(?:['’]s)? " + _PART + r")?",
         b_weekday_short, ("this Sat", "next wed", "on sat", "nxt fri")),
    Rule("time_of_day_adjective",  # "a night-time curfew", "daytime temperatures": any day's
         r"(?P<p>night|day)-?time(?![\w-])",
         lambda m, t: Spec("TIME", value="XXXX-XX-XXT" + ("NI" if m["p"].lower() == "night"
                                                            else "DT")),
         ("night-time", "daytime", "nighttime")),
    Rule("bare_part_of_day",
         r"(?:(?P<the>the|this|that|one|every) |(?<=\bin\x20)|(?<=\bat\x20)|(?<=\bsince\x20)"
         r"|(?<=\bby\x20)|(?<=\bgood\x20))(?P<p>morning|afternoon|evening|night)",
         b_bare_part, ("the morning", "the night"), priority=-2),
    Rule("day_described",
         r"(?P<w>day|week|month|morning|afternoon|evening|night)"
         r"|(?:the whole|the entire|another|(?:an? )?late) (?P<w2>day|week|morning|afternoon"
         r"|evening|night)",
         b_day_described, ("Busy day", "Gd morning", "the whole day", "another day",
                           "a late night"), priority=-2),
    # "is expected to last another month": one more ("the whole year of 2005" is that year)
    Rule("another_unit", r"another (?P<u>month|year)(?![\w-])",
         lambda m, t: Spec("DURATION", value=_duration_value(1, lx.unit_code(m["u"]))),
         ("another month", "another year")),
    Rule("weekend", r"(?P<w>weekends?|wke?nds?)(?: (?P<rel>next|this|last) week\b)?", b_weekend,
         ("weekends", "weekend", "weekend next week", "wkend", "wknds"), priority=-3),
    Rule("weekday_plural", r"(?P<wd>(?:mon|tues|wednes|thurs|fri|satur|sun)days)"
         r"|(?P<wd1>(?:mon|tues|wednes|thurs|fri|satur|sun)day) (?P<parts>mornings|afternoons"
         r"|evenings|nights)",
         b_plural_weekday, ("Mondays", "on Sundays", "Tuesday nights")),
    Rule("deictic_day",
         r"(?:(?P<premod>early|late) )?(?P<w>the day before yesterday|the day after tomorrow|today|yesterday|tomorrow"
         r"|tonight|tonite|2nite|tmrw|tmr|tmw|2moro|2morrow|tomorow|tomolo|tomo|trmw|yday|2day|tdy"
         r"|ytd|ystd|ystrdy)"
         r"(?:(?:['’]s)? " + _PART + r")?",
         b_deictic_day, ("today", "yesterday afternoon", "tomorrow", "tonight", "tomo morning",
                         "trmw")),
    Rule("mid_part",
         r"[Mm]id[- ]?(?P<p>morning|afternoon|evening)(?: (?P<d>yesterday|today|tomorrow))?",
         lambda m, t: Spec("TIME", unit="day", anchor=DEICTIC, gran="day",
                           offset={"yesterday": -1, "tomorrow": 1}.get(_ws(_g(m, "d")), 0),
                           part=lx.part_code(m["p"]), mod="MID"),
         ("mid-afternoon yesterday", "mid afternoon", "midmorning")),
    # "for the past three summers": each of them, a SET, as TimeBank's gold has it
    Rule("past_seasons",
         r"the (?:past|last|previous) (?:{number}|few|several) (?P<s>summers|winters|springs"
         r"|autumns|falls)",
         lambda m, t: Spec("SET", value="XXXX-" + lx.season_code(m["s"][:-1])),
         ("the past three summers", "the last two winters")),
    # "Snow fell overnight": the night before, in news; "gusts are expected overnight" tonight
    Rule("overnight",
         r"(?<!\ban\x20)(?<!\bthe\x20)(?<!\ba\x20)overnight(?![\w-]|\s+(?:success|sensation"
         r"|stars?|celebrity|fame|hit|bags?|oats|delivery|shipping|rates?|index|lending|repo"
         r"|markets?|loans?|funds?|interest|call|borrowing|deposits?)\b)",
         lambda m, t: Spec("TIME", unit="night_by_tense", gran="day", anchor=DEICTIC, part="NI"),
         ("overnight",)),
    Rule("part_of_day",
         r"(?P<rel>this|last|that|the same|the next|the following|the previous|early this"
         r"|late last|late this) (?P<p>morning|afternoon|evening|night|nite|arvo)",
         b_part_of_day, ("this morning", "last night", "that evening", "last nite", "this arvo")),
    Rule("deictic_unit",
         # not "will open 30 minutes earlier this week": earlier than they do, that week
         OPT_PREMOD + r"(?P<rel>this past|this coming|" + _NOT_AFTER_CLOCK_UNIT +
         r"(?:earlier|later) this|earlier that"
         r"|later that|early this|" + _LATE + r" this|early last|" + _LATE + r" last|early next|"
         + _LATE + r" next|later in the|earlier in the|" + _LATE + r" in the|early in the"
         r"|the following|the next"
         r"|the previous|the preceding"
         r"|the prior|the coming|the upcoming|the current|the same|that same|the past|the last"
         r"|the latest|the full|this|last|next|nxt|current|coming|upcoming|past|that|the)"
         r" (?P<unit>week|(?:(?:bank )?holiday )?weekend|month|(?:fiscal )?year|yr|decade|century"
         r"|fortnight|wk|mth|wkend|wknd)",
         b_deictic_unit, ("this week", "last month", "next year", "the following year",
                          "earlier this year", "the end of the year", "late last year",
                          "the past year", "the weekend", "this weekend", "the year",
                          "the current fiscal year", "the full year", "nxt yr"),
         priority=-1),
    Rule("ago",
         r"(?:" + APPROX + r" )?(?P<half_of>half )?(?P<n>{anumber}|{vague_quantity})(?P<plus>\+)?"
         r"(?P<half> and (?:a )?half)?(?: more| full)?(?: |(?<=\d))(?P<unit>{unit})"
         r"(?P<half2> and a half)?(?: or so)? (?P<dir>ago|earlier|later|afterwards?|thereafter|from now|hence"
         r"|back|(?:before|after) that(?=\s*[,.;:)]|\s*$|\s+(?:the|a|an|he|she|it|they|we|i|his"
         r"|her|its|their)\b)|before(?=\s*[,.;:)]|\s*$)|after(?=\s*[,.;:)]|\s*$)"
         r"|previously|prior"
         r"(?=\s*[,.;:)]))",
         b_ago, ("two weeks ago", "three days later", "a decade ago", "a year earlier",
                 "about two years ago", "several years ago", "1+ hr ago",
                 "two years afterwards", "a year and a half ago", "half a century later",
                 "a decade after that")),
    Rule("vague_ago", r"(?:days|weeks|months|years|decades|centuries) ago",
         lambda m, t: Spec("DATE", value="PAST_REF"), ("years ago", "months ago")),
    Rule("year_earlier", r"year-(?:earlier|ago)", b_year_earlier, ("year-earlier", "year-ago")),
    Rule("ordinal_day", r"the (?P<d>3[01]|[12]\d|[1-9])(?:st|nd|rd|th)(?![\w-])", b_ordinal_day,
         ("on the 20th", "until the 3rd")),
    Rule("anaphoric_day",
         r"(?:(?:earlier|later) (?:on )?)?(?P<rel>that same|the same|that|the next|the following"
         r"|the previous|the preceding|the prior) day",
         b_anaphoric_day, ("the next day", "that day", "the same day", "later that day")),
    Rule("year_end", r"year-end|year end", b_unit_end, ("year-end",)),
    Rule("unit_end", r"(?:the )?(?P<unit>year|month|week)['’]s end", b_unit_end,
         ("year's end", "the month's end")),
    Rule("rest_of",
         r"the rest of (?:the|this) (?P<unit>day|week|month|year|decade|century)",
         b_rest_of, ("the rest of the week", "the rest of this year")),
    Rule("first_last_day", r"(?:(?:2nd|second) )?(?:first|1st|last|final) day", b_first_last_day,
         ("Last day", "my first day", "2nd last day")),
    Rule("duration",
         # "the 16-day shutdown": "the" goes with the noun, not with "16-day"
         # "the Hundred Days", "the Seven Years War": "the" is the name's, as WikiWars has it
         r"(?:" + APPROX + r" )?(?:(?:the(?! [\w.]+-(?:{unit})\b)(?! (?-i:[A-Z][a-z]+ [A-Z]))"
         r"|another|an additional"
         r"|the past|the last|the next"
         r"|the first|the final|the previous|the coming|the following|the remaining|the full"
         r"|the entire|the whole|the latest) )?"
         r"(?P<n>{number}|{vague_quantity}|an?)(?P<plus>\+)?(?P<half> and (?:a )?half|-and-a-half)?"
         r"(?: (?:more"
         r"|additional|full|whole|entire|straight|consecutive|long|successive|extra|trading"
         r"|business|working|(?<=\ba\x20)single(?=\s)))?(?: |-|(?<=\d))"
         r"(?P<unit>{unit})"
         r"(?P<half2> and a half)?(?: or so| or more)?(?P<age>[- ]old)?",
         b_duration, ("three years", "18 months", "a decade", "several weeks",
                      "the past two days", "the first nine months", "two-year", "24 hours",
                      "about three years", "more than two hours", "7hrs", "4+ hours",
                      "a whole week", "an entire year"),
         priority=-3),
    Rule("half_unit", r"(?:" + APPROX + r" )?half (?:an? )?(?P<unit>hour|hr|day|year|yr|century)(?![\w-])",
         lambda m, t: Spec("DURATION", value=_duration_value(0.5, lx.unit_code(m["unit"])),
                           mod=approx_code(m)), ("half an hour", "half a century")),
    Rule("quarter_unit",
         r"(?:" + APPROX + r" )?(?:(?P<three>three)[- ]quarters|(?:an?|one) quarter)"
         r"(?: of an? |-| )(?P<unit>hour|century)",
         lambda m, t: Spec("DURATION", value=_duration_value(
             0.75 if _g(m, "three") else 0.25, lx.unit_code(m["unit"])), mod=approx_code(m)),
         ("a quarter of an hour", "a quarter-century", "three quarters of an hour")),
    Rule("units_long",
         r"(?P<unit>(?P<plural>days|weeks|months|years|decades|centuries)"
         r"|(?<![\w-])(?:minute|hour|day|week|fortnight|month|year|decade|century))-long",
         lambda m, t: Spec("DURATION", value=_duration_value(
             None if _g(m, "plural") else 1, lx.unit_code(m["unit"]))),
         ("months-long", "decades-long", "year-long", "hour-long")),
    Rule("bare_units",
         r"(?:(?<=\bfor\x20)|(?<=\bin\x20)|(?<=\bwithin\x20)|(?<=\bover\x20)|(?<=\bfor\x20the\x20past\x20)"
         r"|(?<=\bfor\x20the\x20last\x20)|(?<=\btook\x20)|(?<=\btake\x20)|(?<=\blast\x20)"
         r"|(?<=\bafter\x20)|(?<=\bfollows\x20)|(?<=\bfollowed\x20)|(?<=\bwaiting\x20)"
         r"|(?<=\bwaited\x20)|(?<=\bspent\x20)|(?<=\bspend\x20)|(?<=\bspending\x20)"
         r"|(?=\w+ (?:in the making|in advance|beforehand)\b))"
         r"(?P<unit>years|months|weeks|days|hours|minutes|decades|centuries)",
         # (and before "in the making": tests/corpus/positive.tsv, as an example must end the match)
         b_bare_units, ("for years", "within decades", "after months"), priority=-4),
    Rule("vague",
         r"(?P<w>right now|just now|these days|the present day|the present|present day|at present"
         # not "the foreseeable future", which TimeBank's and TE3 silver's gold leave out
         r"|the (?:near|distant|indefinite) future|the (?:distant|recent) past"
         r"|(?:a|two|three|several|many|a few) generations? (?:ago|from now)|a lifetime ago"
         r"|the future|the past|nowadays|currently|now|recently"
         r"|the (?:near|short|long) term(?![- ]\w)|a (?:later|future) date"
         r"|lately|formerly|someday|recent years|recent months"
         r"|recent weeks|recent days|recent decades|recent centuries|future)",
         b_vague, ("now", "currently", "recently", "the past", "the future", "recent years",
                   "in future"),
         priority=-5),
    Rule("clock",
         r"(?:" + APPROX + r" )?(?P<h>\d{1,2})(?:[:.](?P<mi>\d\d)|(?P<mi_glued>[0-5]\d)(?=[ap]m))?"
         r"(?::\d\d)?\+? ?(?P<ampm>a\.m\.|p\.m\.|a\.m|p\.m|am|pm)(?: " + _tz() + ")?",
         b_clock, ("9:43 PM", "10 a.m.", "7:15 p.m. EST", "around 7:15 p.m.", "430pm", "7.30am",
                   "5+am")),
    Rule("clock_24",
         r"(?P<h>[01]?\d|2[0-3])(?::(?P<mi>[0-5]\d)(?: " + _tz() + r"|(?P<hrs>hrs|h)(?!\w))?"
         r"|\.(?P<mi_dot>[0-5]\d)(?: " + _tz(None) + "|hrs|h))",
         b_clock_24, ("21:43 GMT", "14.05 BST", "19.45hrs")),
    Rule("clock_hhmm",
         _HHMM + r"(?: ?(?P<tz>" + _ZONES + r"|hrs|(?<=\x20)hours|h)(?!\w))?(?![.,]\d)",
         b_clock_hhmm, ("at 1015", "at 2250", "at 1200 GMT", "night, 2359", "1200 GMT",
                        "1715 HKT")),
    Rule("clock_words",
         r"(?:" + APPROX + r" )?(?P<h>\d{1,2}|one|two|three|four|five|six|seven|eight|nine|ten"
         r"|eleven|twelve)(?:[:.](?P<mi>[0-5]\d))?(?:(?P<oc> o['’]clock)(?: (?P<part>"
         + _CLOCK_PART + r"))?| (?P<part2>" + _CLOCK_PART + r")|(?= " + _DAY_PART_AFTER + r"))",
         b_clock_words, ("four o'clock", "at 4 in the morning", "at 10.30 at night",
                         "three o'clock in the afternoon")),
    Rule("clock_past",
         r"(?:" + APPROX + r" )?(?:(?P<q>half|(?:a )?quarter) (?P<dir>past|to|after)"
         r"|(?P<mn>\d{1,2}|five|ten|twenty|twenty-five)(?: minutes)? (?P<dir2>past|after)) "
         r"(?P<h>" + _HOUR_WORD + r")(?P<oc> o['’]clock)?(?: (?P<part>" + _CLOCK_PART + r"))?"
         r"(?![\w-]|[:.]\d|\s*(?:%|percent|per\b))",
         b_clock_past, ("half past six", "a quarter to nine", "ten past eleven at night",
                        "20 minutes past 4 in the afternoon")),
    # British: "at half six" is half past six
    Rule("clock_half",
         _after("at", "by", "until", "till", "from", "around", "about", "before", "after")
         + r"half (?P<h>" + _HOUR_WORD + r")(?![\w-]|[:.]\d|\s*(?:%|percent|per\b|of\b))",
         b_clock_past, ("at half six", "by half 7")),
    Rule("named_time", r"(?P<w>noon|midday|midnight)(?: " + _tz() + ")?", b_named_time,
         ("noon", "midnight", "midnight AEST", "noon Eastern time")),
    Rule("set",
         r"(?:every|each|per)(?P<other> other)?(?: single)? (?P<u>{weekday_name}|{season}|{month_name}"
         r"|second|minute|hour|day|night|week|weekend|month|quarter|year|decade|season|morning"
         r"|afternoon|evening|(?<=every\x20)(?:mon|tues|wed|thurs?|fri|sat|sun|nite|min))"
         r"(?: (?P<part>morning|afternoon|evening|night)(?![\w-]))?",
         b_set, ("every week", "each summer", "every Monday", "every other day", "per year",
                 "every mon", "every nite", "each season", "every Saturday morning")),
    Rule("set_date",
         r"(?:every|each) (?:(?P<h>{holiday})|(?P<mon>{month_name}) (?P<d>[12]\d|3[01]|0?[1-9])"
         r"(?:st|nd|rd|th)?|(?P<d2>[12]\d|3[01]|0?[1-9])(?:st|nd|rd|th)? (?P<mon2>{month_name}))"
         r"(?![\w-])",
         b_set_date, ("every March 23", "each Christmas", "every Halloween", "every 6 November")),
    Rule("set_times",
         r"(?:once|twice|thrice|(?:{number}|{vague_quantity}) times"
         r"|(?:{number}) (?:days|nights)(?= (?:an?|per|each) (?:week|month|year)\b))"
         r" (?:(?:an?|per|each|every)"
         r" (?P<u>day|week|month|year|hour|minute|night|quarter|decade|century)"
         r"|(?P<adv>daily|weekly|monthly|yearly|annually|hourly|nightly))(?![\w-])",
         b_set, ("twice a year", "three times a week", "twice daily", "several times a day",
                 "three days a week")),
    Rule("set_every_n",
         r"(?:every|each) (?P<n>{number}|{vague_quantity}) (?P<unit>{unit})",
         lambda m, t: Spec("SET", value=_duration_value(_quantity(m), lx.unit_code(m["unit"]))),
         ("every two weeks", "every six months", "every few years")),
    Rule("frequency", r"(?P<w>{frequency_adverb})", b_frequency, ("daily", "annually")),
]


# --------------------------------------------------------------------------- where rules can match
# Every match of a rule holds at least one of its core words (or a run of digits), so the
# tagger runs a rule only near those words instead of over the whole text. The words are
# compared in lower case, as the runs of letters the text splits into ("Sept." -> "sept",
# "year's" -> "year", "2nite" -> "2" + "nite"). A digit core names what follows the run:
# "#/" a slash ("9/13/2023"), "#." a stop ("27.03.15"), "#:" a colon ("21:43"), "#a" a
# letter or an apostrophe ("20th", "26nov", "1990s", "1960's"); "#4" is any run of exactly
# four ("1998", "2250"). News is full of numbers that fit none of them ("1,200 troops"), and
# no rule needs to run there. tests/test_rules.py checks that this finds exactly what running
# every rule everywhere finds, over the development corpora.
YEAR_DIGITS = "#4"
DIGIT_CORES = {"#/": "/", "#.": ".", "#:": ":", "#a": "a"}  # core -> what follows
# The character after a digit run -> its core's key (any letter is "a" too; else "").
DIGIT_FOLLOWERS = {"/": "/", ".": ".", ":": ":", "'": "a", "’": "a"}


def _core_classes() -> dict[str, frozenset[str]]:
    t = lx.tables()
    weekdays = [*t["weekday"], *t["weekday_abbr"]]
    units = t["unit"]

    common = {"day", "night", "eve", "year", "years", "st", "saint", "may", "fourth", "lady",
              "all"}

    def longest_word(phrase: str) -> str:  # "christmas day" -> "christmas"
        # a rare word, so that the rule does not run near every weekday ("palm sunday" runs
        # near "palm", "good friday" near "good") or every "year" ("new year's" near "new")
        words = re.findall(r"[^\W\d_]+", phrase.replace("'s", "").replace("’s", ""))
        rare = [w for w in words if w not in common and w not in t["weekday"]]
        return max(rare or [w for w in words if w not in common] or words, key=len)

    return {
        "month": frozenset([*t["month"], *t["month_abbr"]]),
        "weekday": frozenset([*weekdays, *(w + "s" for w in t["weekday"])]),
        "weekday_abbr": frozenset(t["weekday_abbr"]),  # "next wed"
        "weekdays": frozenset([*(w + "s" for w in t["weekday"]),  # "Mondays", "Friday nights"
                               "mornings", "afternoons", "evenings", "nights"]),
        "unit": frozenset([*units, "weekend", "weekends", "period", "qtr", "wkend", "wknd"]),
        "units": frozenset(u for u in units if u.endswith("s") or u == "centuries"),
        "day": frozenset({"day"}),
        "lived": frozenset({"day", "week", "month", "morning", "afternoon", "evening", "night"}),
        "another": frozenset({"another"}),  # "another month"
        "century": frozenset({"century", "centuries", "midcentury"}),
        "quarter": frozenset({"quarter", "quarters", "qtr"}),
        "weekend": frozenset({"weekend", "weekends", "wkend", "wkends", "wknd", "wknds"}),
        "times": frozenset({"once", "twice", "thrice", "times", "days", "nights"}),
        "every": frozenset({"every", "each", "per"}),
        "before": frozenset({"before", "after"}),
        "end": frozenset({"end"}),
        "period": frozenset({"period"}),
        "mid": frozenset({"midmorning", "midafternoon", "midevening"}),
        "earlier": frozenset({"earlier", "ago", "prior"}),  # "year-earlier", "prior-year"
        # what follows "two weeks": "ago", "later", "from now", "before," ...
        "direction": frozenset({"ago", "earlier", "later", "now", "hence", "back", "before",
                                "after", "previously", "prior", "afterwards", "afterward",
                                "thereafter"}),
        "season": frozenset(t["season"]),
        "part": frozenset([*t["part_of_day"], "noon", "midnight"]),
        "holiday": frozenset(longest_word(h) for h in t["holiday"]),
        "frequency": frozenset(t["frequency_adverb"]),
        "vague": frozenset({"now", "present", "future", "past", "nowadays", "currently", "term",
                            "date",
                            "recently", "recent", "lately", "formerly", "someday", "these",
                            "generation", "generations", "lifetime"}),
        "deictic": frozenset({"today", "yesterday", "tomorrow", "tonight", "tonite", "nite",
                              "tmrw", "tmr", "tmw", "moro", "morrow", "tomorow", "tomolo",
                              "tomo", "trmw", "yday", "tdy", "ytd", "ystd", "ystrdy",
                              "day"}),  # "2day" -> "2" + "day"
        "half": frozenset({"half"}),
        "rest": frozenset({"rest"}),  # "the rest of the week"
        "new_year": frozenset({"new"}),
        "overnight": frozenset({"overnight"}),
        "week_word": frozenset({"week", "weeks", "fortnight"}),  # "Monday week"
        "season_plural": frozenset({"summers", "winters", "springs", "autumns", "falls"}),
        "past": frozenset({"past", "after"}),  # "ten past six"
        "spelled_year": frozenset({"eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                   "sixteen", "seventeen", "eighteen", "nineteen", "twenty",
                                   "thousand"}),
        "decade": frozenset({"twenties", "thirties", "forties", "fifties", "sixties",
                             "seventies", "eighties", "nineties", "noughties", "naughties"}),
        "clock": frozenset({"clock"}),  # "o'clock" -> "o" + "clock"
        "q": frozenset({"q"}),  # "Q3", "4Q13"
        "fy": frozenset({"fy"}),  # "FY13" -> "fy" + "13"
        "h": frozenset({"h"}),  # "H1 2014", "1H14"
        "long": frozenset({"long"}),  # "year-long"
        "ampm": frozenset({"am", "pm", "m"}),  # "10am", "9:43 PM", "10 a.m."
        "era": frozenset({"bc", "bce", "ad", "ce", "c", "d"}),  # "B.C." -> "b" + "c"
        "year_word": frozenset({"year"}),  # "the year 793"
        "daytime": frozenset({"night", "day", "nighttime", "daytime"}),
    }


_RULE_CORES = {
    "iso_date": "#4", "numeric_date": "#/", "nine_eleven": "#/", "month_slash_day": "#/", "dotted_date": "#.", "spelled_year": "spelled_year",
    "bc_year": "era", "ad_year": "era year_word", "year": "#4", "year_period": "#4", "fiscal_short": "fy",
    "q_quarter": "q", "fiscal_shorthand": "q h", "month_quarter": "quarter", "clock": "ampm", "clock_24": "#: #.", "clock_hhmm": "#4",
    "clock_words": "clock part deictic weekday", "clock_past": "half quarter past",
    "clock_half": "half", "new_year": "new_year", "overnight": "overnight", "past_seasons": "season_plural", "time_of_day_adjective": "daytime",
    "month_day_year": "month", "day_month_year": "month", "day_month_glued": "#a",
    "month_day_lower": "month", "night_day_pair": "month", "day_month_lower": "month",
    "month_year_lower": "month",
    "week_of": "month", "end_month": "month", "month_span_quarter": "month", "week_of_day_month": "month", "week_of_month": "month", "month_year": "month",
    "month": "month", "month_abbr": "month", "month_of_that_year": "month", "month_rel_year": "month",
    "day_of_rel_month": "unit",
    "decade": "#a decade", "century": "century", "mid_century": "century", "quarter": "quarter",
    "month_range_quarter": "quarter", "rel_quarter": "quarter",
    "comparable_period": "earlier", "period_year_back": "quarter period", "latest_period": "unit", "vague_plural": "units", "half": "half quarter", "season": "season", "holiday": "holiday",
    "weekday": "weekday", "weekday_week": "week_word", "weeks_on_weekday": "week_word", "weekday_short": "weekday_abbr", "weekday_plural": "weekdays",
    "bare_part_of_day": "part", "mid_part": "part mid", "part_of_day": "part", "named_time": "part",
    "day_described": "lived",
    "weekend": "weekend", "deictic_day": "deictic", "deictic_unit": "unit", "ago": "direction",
    "vague_ago": "units", "ordinal_day": "#a",
    "year_earlier": "earlier", "anaphoric_unit": "before", "anaphoric_day": "day",
    "year_end": "end", "unit_end": "end", "first_last_day": "day", "rest_of": "rest", "another_unit": "another", "duration": "unit", "half_unit": "half", "quarter_unit": "quarter", "bare_units": "units", "units_long": "long",
    "vague": "vague", "set": "every", "set_date": "every", "set_times": "times", "set_every_n": "every", "frequency": "frequency",
}


def rule_cores() -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]],
                        dict[str, tuple[int, ...]]]:
    """Which rules (indices into ``RULES``) to run near each core word, and near a run of
    digits by what follows it ("/", ".", ":", "a" for a letter, "" for anything else): for
    runs of any length but four, and for runs of four."""
    classes = _core_classes()
    by_word: dict[str, set[int]] = {}
    keys = ["", *DIGIT_CORES.values()]
    digits: dict[str, set[int]] = {key: set() for key in keys}
    year_digits: dict[str, set[int]] = {key: set() for key in keys}
    for index, rule in enumerate(RULES):
        for name in _RULE_CORES[rule.name].split():
            if name == YEAR_DIGITS:
                for key in keys:
                    year_digits[key].add(index)
            elif name in DIGIT_CORES:
                digits[DIGIT_CORES[name]].add(index)
                year_digits[DIGIT_CORES[name]].add(index)
            else:
                for word in classes[name]:
                    by_word.setdefault(word, set()).add(index)

    def frozen(table: dict[str, set[int]]) -> dict[str, tuple[int, ...]]:
        return {w: tuple(sorted(r)) for w, r in table.items() if r}

    return frozen(by_word), frozen(digits), frozen(year_digits)
