"""Sentence bounds and tense around an expression, from the words alone.

No trained pipeline is needed: tense comes from auxiliaries and modals ("will", "had"), verb forms
("arrived", "met") and cue words ("ago", "next", "upcoming"), read outward from the expression,
nearest first, inside its sentence. A caller holding a trained spaCy parse can pass its own
tense instead.
"""

from __future__ import annotations

import bisect
import re
from functools import cache

from timeline.temporal.lexicon import tables

PAST, PRESENT, FUTURE = "past", "present", "future"

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "gov", "sen", "rep", "st", "jr", "sr", "co", "corp",
    "inc", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "u.s",
    "u.n", "e.g", "i.e", "a.m", "p.m", "col", "lt", "capt", "sgt", "rev", "mt", "ft", "fig",
}
_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])|\n\s*\n|\n(?=[A-Z\"“])")
_WORD = re.compile(r"[A-Za-z]+(?:['’][a-z]+)?|[;:—]|--")


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of the sentences of ``text`` (the first is 0)."""
    starts = [0]
    for m in _BOUNDARY.finditer(text):
        before = text[max(0, m.start() - 12):m.start() + 1]
        word = re.search(r"([A-Za-z.]+)\.$", before)
        if m.group().startswith(".") and word:
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or len(w) == 1:
                continue
        starts.append(m.end())
    return starts


def sentence_of(starts: list[int], text: str, offset: int) -> tuple[int, int]:
    """The (start, end) offsets of the sentence holding ``offset``."""
    i = bisect.bisect_right(starts, offset) - 1
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    return starts[i], end


@cache
def _cues() -> tuple[frozenset, frozenset, frozenset, frozenset]:
    t = tables()["tense"]
    return (frozenset(t["past"]), frozenset(t["present"]), frozenset(t["future"]),
            frozenset(t["not_past"]))


def word_tense(word: str) -> str | None:
    """The tense a single word signals, if any."""
    past, present, future, not_past = _cues()
    w = word.lower().replace("’", "'")
    if w in future:
        return FUTURE
    if w in past:
        return PAST
    if w in present:
        return PRESENT
    if w.endswith("n't"):
        return word_tense(w[:-3]) or (FUTURE if w == "won't" else None)
    if len(w) > 4 and w.endswith("ed") and w not in not_past:
        return PAST
    return None


# Participles that read as future unless a past auxiliary stands before them ("was due").
_WEAK_FUTURE = {"due", "scheduled", "expected", "planned", "slated", "supposed", "set"}
_PAST_AUX = {"was", "were", "had", "been"}


def tense_at(text: str, sentence: tuple[int, int], start: int, end: int,
             window: int = 10) -> str | None:
    """The tense governing the expression at ``text[start:end]``: the nearest cue to its left
    within ``window`` words (stopping at a clause break), else the nearest to its right."""
    s0, s1 = sentence
    left = _WORD.findall(text[s0:start])[-window:]
    for i in range(len(left) - 1, -1, -1):
        w = left[i]
        if w in (";", ":", "—", "--"):
            break
        tense = word_tense(w)
        if tense:
            if w.lower() in _WEAK_FUTURE and any(
                    x.lower() in _PAST_AUX for x in left[max(0, i - 3):i]):
                return PAST
            return tense
    right = _WORD.findall(text[end:s1])[:window]
    for w in right:
        if w in (";", ":", "—", "--"):
            break
        tense = word_tense(w)
        if tense:
            return tense
    return None
