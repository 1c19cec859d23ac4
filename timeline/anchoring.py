"""How well events are anchored to days, measured against TimeML TLINKs.

The gold: every EVENT linked by a TLINK (``IS_INCLUDED``, ``DURING``, ``SIMULTANEOUS``,
``BEGINS``, ``ENDS``, or the inverse relation from the time's side) to a DATE TIMEX3 inside the
text whose value is a single day (``YYYY-MM-DD``); the document creation time is not one of
them. Each such (event, day) pair is one gold anchor.

- recall: the share of gold anchors for which some extracted event has a trigger overlapping
  the gold EVENT and covers exactly that day;
- precision: of the extracted events whose trigger overlaps a gold EVENT that has anchors, the
  share that cover exactly one of that EVENT's days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from timeline.records import Event
from timeline.timeml import GoldEvent, TimeMLDocument

RELATIONS = {"IS_INCLUDED", "DURING", "SIMULTANEOUS", "BEGINS", "ENDS"}
# The same relations read from the time's side: "t INCLUDES e" is "e IS_INCLUDED t".
INVERSES = {"INCLUDES": "IS_INCLUDED", "DURING_INV": "DURING", "SIMULTANEOUS": "SIMULTANEOUS",
            "BEGUN_BY": "BEGINS", "ENDED_BY": "ENDS"}
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass(frozen=True, slots=True)
class Anchor:
    """A gold EVENT and a day it happened on."""

    event: GoldEvent
    day: str


def gold_anchors(doc: TimeMLDocument) -> list[Anchor]:
    """The (event, day) pairs of ``doc``'s TLINKs, as described in the module docstring."""
    by_instance = {i: e for e in doc.events for i in e.instances}
    anchors = {}
    for link in doc.tlinks:
        if link.source.startswith("ei:") and link.target.startswith("t:"):
            instance, tid, relation = link.source[3:], link.target[2:], link.rel_type
        elif link.source.startswith("t:") and link.target.startswith("ei:"):
            instance, tid, relation = link.target[3:], link.source[2:], INVERSES.get(
                link.rel_type, "")
        else:
            continue
        timex = doc.timex_ids.get(tid)
        event = by_instance.get(instance)
        if (relation in RELATIONS and timex is not None and event is not None
                and tid != doc.dct_tid and timex.type == "DATE"
                and _DAY.fullmatch(timex.value)):
            anchors[(event.start, timex.value)] = Anchor(event, timex.value)
    return sorted(anchors.values(), key=lambda a: (a.event.start, a.day))


@dataclass
class AnchoringScore:
    """Counts behind precision and recall, and the errors for inspection."""

    gold: int = 0
    found: int = 0
    judged: int = 0
    right: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.right / self.judged if self.judged else 0.0

    def add(self, other: AnchoringScore) -> None:
        self.gold += other.gold
        self.found += other.found
        self.judged += other.judged
        self.right += other.right
        self.errors.extend(other.errors)


def score_anchoring(doc_id: str, anchors: Sequence[Anchor],
                    events: Iterable[Event]) -> AnchoringScore:
    """Score one document's events against its gold anchors."""
    events = [e for e in events if e.trigger_start is not None]
    score = AnchoringScore(gold=len(anchors))
    days_of: dict[GoldEvent, set[str]] = {}
    for anchor in anchors:
        days_of.setdefault(anchor.event, set()).add(anchor.day)
    for anchor in anchors:
        if any(_covers(e, anchor.event) and _single_day(e) == anchor.day for e in events):
            score.found += 1
        else:
            score.errors.append(
                f"{doc_id}\tmissed\t{anchor.event.text}@{anchor.event.start}\t{anchor.day}\t"
                + "; ".join(f"{e.trigger}@{e.trigger_start}={e.date}" for e in events
                            if _covers(e, anchor.event))
            )
    for event in events:
        gold = next((g for g in days_of if _covers(event, g)), None)
        if gold is None:
            continue
        score.judged += 1
        if _single_day(event) in days_of[gold]:
            score.right += 1
        else:
            score.errors.append(
                f"{doc_id}\twrong\t{event.trigger}@{event.trigger_start}\t{event.date}\t"
                f"gold {sorted(days_of[gold])}\t{event.timex_text!r}"
            )
    return score


def _covers(event: Event, gold: GoldEvent) -> bool:
    return event.trigger_start < gold.end and gold.start < event.trigger_end


def _single_day(event: Event) -> str | None:
    return event.start if event.start is not None and event.start == event.end else None
