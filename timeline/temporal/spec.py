"""What a rule extracts: an underspecified meaning, anchored later by ``resolve``.

Rules never look at the publication date. They say what the words mean ("the Tuesday before or
after the reference", "August 24 of a year to choose", "the reference moved back two weeks"),
and one pure function (``resolve.resolve``) turns that into a value once the reference time and
the tense are known.
"""

from __future__ import annotations

from dataclasses import dataclass

from timeline.temporal.calendar import When

# How an expression is anchored.
DEICTIC = "dct"  # to the speech time: "yesterday", "last year", "two weeks ago"
ANAPHORIC = "previous"  # to the last mentioned date: "two days later", "the following year"
CALENDAR = "calendar"  # explicit but maybe missing a year: "May 31", "the third quarter"


@dataclass(slots=True)
class Spec:
    """An expression's meaning before anchoring.

    Exactly one of the following describes it:
    - ``value``: a literal TIMEX3 value (durations, sets, PRESENT_REF ...);
    - ``when``: explicit calendar fields, ``when.year`` may be ``None`` (to be chosen);
    - ``unit`` + ``offset``: the reference moved by ``offset`` units, shown at ``gran``
      (``unit="day_of_month"``: day ``offset`` of the month last spoken of, "on the 20th");
    - ``weekday`` (0 = Monday) with ``direction`` -1 (last), +1 (next), 0 (this) or None (tense);
    - ``holiday``: a holiday code from the lexicon, in a year to choose (or ``when.year``).
    ``part`` / ``hour`` / ``minute`` turn a resolved day into a TIME.
    """

    type: str
    value: str | None = None
    when: When | None = None
    unit: str | None = None
    offset: int = 0
    gran: str | None = None
    weekday: int | None = None
    direction: int | None = None
    holiday: str | None = None
    anchor: str = CALENDAR
    part: str | None = None
    hour: int | None = None
    minute: int | None = None
    mod: str | None = None
    # "a year earlier" after "the third quarter" means that quarter a year back.
    follow_quarter: bool = False
    # The value to give instead in narrative text ("today" in a history means the present).
    value_in_narrative: str | None = None
    # Words that speak from the publication date ("yesterday", "last week", "Friday"): news.
    news_cue: bool = False
