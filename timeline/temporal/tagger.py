"""Find TIMEX3 expressions in a text and resolve them against a reference date."""

from __future__ import annotations

import datetime as dt

from timeline.temporal.model import Timex


def tag(text: str, dct: str | dt.date | None = None, *, mode: str = "auto") -> list[Timex]:
    """Return the temporal expressions of ``text``, in order, resolved against ``dct``.

    ``dct`` is the document creation (publication) date, as a ``date`` or an ISO string; without
    it, relative expressions keep unknown parts (``XXXX-XX-XX``). ``mode`` is ``auto`` (decide
    per document), ``news`` (anchor to the DCT) or ``narrative`` (anchor to the last date).
    """
    return []
