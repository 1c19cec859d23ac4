"""The ``timeline`` spaCy component: temporal expressions as spans, events on the Doc.

    import spacy
    nlp = spacy.blank("en")              # or a trained pipeline: spacy.load("en_core_web_sm")
    nlp.add_pipe("timeline", config={"published": "2023-09-13"})
    doc = nlp("Kim arrived in Khasan on Tuesday.")
    doc.spans["timeline"]                # [Tuesday]; span.label_ == "DATE", span._.timex.value
    doc._.events                         # [Event(date="2023-09-12", trigger="arrived", ...)]

The factory is registered through the ``spacy_factories`` entry point, so ``add_pipe`` finds it
without importing this package first. A publication date set on a Doc (``doc._.published``,
before the component runs) wins over the one in the config. Put the component last: it reads
the tags, parse and entities of the components before it when there are any.
"""

from __future__ import annotations

import datetime as dt

from spacy.language import Language
from spacy.tokens import Doc, Span

from timeline import temporal
from timeline.events import _as_date, events_from_doc
from timeline.parse import tense_of_parse
from timeline.records import Document

SPANS_KEY = "timeline"

for _name, _default in (("published", None), ("doc_id", None), ("events", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
if not Span.has_extension("timex"):
    Span.set_extension("timex", default=None)


@Language.factory(
    "timeline",
    default_config={"published": None, "mode": "auto", "spans_key": SPANS_KEY},
)
def make_timeline(
    nlp: Language, name: str, published: str | None, mode: str, spans_key: str
) -> TimelineComponent:
    """spaCy's factory for the component (``nlp.add_pipe("timeline", config=...)``)."""
    return TimelineComponent(published=published, mode=mode, spans_key=spans_key)


class TimelineComponent:
    """Finds and resolves temporal expressions and the events they date, for each Doc."""

    def __init__(self, *, published: str | dt.date | None = None, mode: str = "auto",
                 spans_key: str = SPANS_KEY) -> None:
        if mode not in temporal.tagger.MODES:
            raise ValueError(f"mode: {mode!r} is not one of {', '.join(temporal.tagger.MODES)}")
        self.published = _as_date(published)
        self.mode = mode
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        published = _as_date(doc._.published) if doc._.published else self.published
        timexes = temporal.tag(doc.text, published, mode=self.mode, tense=tense_of_parse(doc))
        spans = []
        for timex in timexes:
            span = doc.char_span(timex.start, timex.end, label=timex.type,
                                 alignment_mode="expand")
            if span is not None:
                span._.timex = timex
                spans.append(span)
        doc.spans[self.spans_key] = spans
        document = Document(doc._.doc_id or "doc", doc.text, published)
        doc._.events = events_from_doc(doc, document, timexes=timexes)
        return doc
