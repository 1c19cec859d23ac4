"""The two records the tool passes around: an article read from a file, and an event found in it.

Every output format (CSV, JSON, JSONL, Parquet, TimelineJS) and the dashboard are built from
``Event``; its fields, in ``FIELDS`` order, are the columns everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields

FIELDS = (
    "doc_id",
    "event_id",
    "date",
    "start",
    "end",
    "granularity",
    "event",
    "trigger",
    "trigger_start",
    "trigger_end",
    "actors",
    "timex_text",
    "timex_type",
    "timex_value",
    "timex_start",
    "timex_end",
    "sentence",
    "published",
    "title",
    "source",
)
# Fields holding whole numbers (or nothing), and fields that may be empty.
INT_FIELDS = frozenset({"trigger_start", "trigger_end", "timex_start", "timex_end"})
OPTIONAL_FIELDS = frozenset(
    {"start", "end", "granularity", "trigger", "trigger_start", "trigger_end", "published",
     "title", "source"}
)


@dataclass(frozen=True, slots=True)
class Document:
    """An article as read: its text and what is known about it.

    ``published`` is the publication date (given, or found in the article), ``None`` when
    unknown. ``source`` says where it came from: a path, ``path:line`` for JSONL, ``-`` for
    standard input.
    """

    doc_id: str
    text: str
    published: dt.date | None = None
    title: str | None = None
    url: str | None = None
    source: str | None = None


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, when, and where the article says so.

    ``date`` is the resolved TIMEX3 value; ``start``/``end`` the first and last ISO day it
    covers (``None`` when it cannot be placed on a calendar); offsets are character offsets
    into the document text as read. ``published`` is an ISO date or ``None``.
    """

    doc_id: str
    event_id: str
    date: str
    start: str | None
    end: str | None
    granularity: str | None
    event: str
    trigger: str | None
    trigger_start: int | None
    trigger_end: int | None
    actors: tuple[str, ...] = field(default=())
    timex_text: str = ""
    timex_type: str = ""
    timex_value: str = ""
    timex_start: int = 0
    timex_end: int = 0
    sentence: str = ""
    published: str | None = None
    title: str | None = None
    source: str | None = None

    def to_dict(self) -> dict:
        """The event as a plain dict in ``FIELDS`` order, ``actors`` as a list."""
        record = {name: getattr(self, name) for name in FIELDS}
        record["actors"] = list(self.actors)
        return record

    @classmethod
    def from_dict(cls, record: dict) -> Event:
        """Build an event from a dict with the ``FIELDS`` keys (``actors`` any sequence)."""
        values = {f.name: record.get(f.name) for f in fields(cls)}
        values["actors"] = tuple(values["actors"] or ())
        return cls(**values)

