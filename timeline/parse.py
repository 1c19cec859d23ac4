"""The tense a trained pipeline's parse gives an expression's clause.

With a trained spaCy pipeline (``--spacy-model``) the verb that governs a date is known from
the dependency parse, and its tense from the verb's morphology (``Tense=Past``) or tag (``VBD``)
and its auxiliaries ("will", "has"). ``temporal.tag`` asks this first and falls back on the
words alone (``temporal.context.tense_at``) where the parse says nothing: no governing verb, or
no parse at all (``spacy.blank``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from timeline.temporal.context import FUTURE, PAST, PRESENT
from timeline.temporal.tagger import TenseOf

_FUTURE_AUX = {"will", "shall", "'ll", "wo", "’ll"}
_HAVE = {"have", "has", "'ve", "’ve"}
# How far up the tree a date may hang below its verb: "on [Tuesday]" is two steps, "the summit
# of [May] 31" three.
_MAX_CLIMB = 6


def tense_of_parse(doc: Doc) -> TenseOf | None:
    """A function from an expression's character span to the tense of the verb governing it
    (and whether it is certain), or None when ``doc`` has no dependency parse."""
    if not doc.has_annotation("DEP"):
        return None

    def tense_of(start: int, end: int) -> tuple[str, bool] | None:
        span = doc.char_span(start, end, alignment_mode="expand")
        verb = _governing_verb(span.root) if span is not None else None
        return verb_tense(verb) if verb is not None else None

    return tense_of


def _governing_verb(token: Token) -> Token | None:
    for _ in range(_MAX_CLIMB):
        if token.pos_ in ("VERB", "AUX") and token.dep_ != "amod":
            return token
        if token.head is token:
            return None
        token = token.head
    return None


def verb_tense(verb: Token) -> tuple[str, bool] | None:
    """The tense of ``verb`` with its auxiliaries: "will meet" future, "met", "has met" and
    "was held" past, "meets" present (not certain: news uses it for both)."""
    auxiliaries = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    words = {a.lower_ for a in auxiliaries}
    if words & _FUTURE_AUX:
        return FUTURE, True
    if words & _HAVE and verb.tag_ == "VBN":
        return PAST, True
    for token in [*auxiliaries, verb]:
        if "Past" in token.morph.get("Tense") or token.tag_ == "VBD":
            return PAST, True
    if "Pres" in verb.morph.get("Tense") or verb.tag_ in ("VBZ", "VBP"):
        return PRESENT, False
    return None
