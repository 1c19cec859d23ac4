"""The record a temporal expression becomes once it is found and resolved."""

from __future__ import annotations

from dataclasses import dataclass

TIMEX_TYPES = ("DATE", "TIME", "DURATION", "SET")


@dataclass(frozen=True, slots=True)
class Timex:
    """A TIMEX3 expression found in a text.

    ``start``/``end`` are character offsets into the text (``text[start:end] == self.text``).
    ``value`` follows TimeML syntax (``2023-09-12``, ``2023-W37``, ``P2W``, ``PRESENT_REF``,
    ``XXXX-08-24`` ...); ``mod`` is a TIMEX3 modifier (``START``, ``APPROX`` ...) or ``None``.
    ``first_day``/``last_day`` are the ISO calendar days the value covers (``None`` when it
    cannot be placed on a calendar) and ``granularity`` names its unit (``day``, ``month``...).
    """

    start: int
    end: int
    text: str
    type: str
    value: str
    mod: str | None = None
    first_day: str | None = None
    last_day: str | None = None
    granularity: str | None = None
