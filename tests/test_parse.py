"""A trained pipeline's parse decides the tense that places a date (timeline/parse.py).

No trained pipeline can be installed where this project is built, so the Docs are built by hand
with the heads, tags and morphology that en_core_web_sm gives these sentences.
"""

from __future__ import annotations

import datetime as dt

import spacy
from spacy.tokens import Doc

from timeline import temporal
from timeline.events import events_from_doc
from timeline.parse import tense_of_parse
from timeline.records import Document
from timeline.temporal.context import FUTURE, PAST, PRESENT

NLP = spacy.blank("en")
DAY = dt.date(2023, 9, 13)  # a Wednesday


def doc_of(rows: str, *, morph: bool = True, parse: bool = True) -> Doc:
    """Rows of ``word POS TAG head dep morphology`` (heads are token indices)."""
    table = [line.split() for line in rows.strip().splitlines()]
    words = [r[0] for r in table]
    spaces = [i + 1 < len(words) and words[i + 1] != "." for i in range(len(words))]
    annotations = {"pos": [r[1] for r in table], "tags": [r[2] for r in table]}
    if morph:
        annotations["morphs"] = [r[5] if r[5] != "_" else "" for r in table]
    if parse:
        annotations |= {"heads": [int(r[3]) for r in table], "deps": [r[4] for r in table]}
    return Doc(NLP.vocab, words=words, spaces=spaces, **annotations)


# "strode" is no verb form the word lists know: from the words alone, "November" is the
# nearest one, this year's; the parse says the clause is past, so it is last year's.
STRODE = """
The       DET   DT   1 det   _
troops    NOUN  NNS  2 nsubj Number=Plur
strode    VERB  VBD  2 ROOT  Tense=Past|VerbForm=Fin
in        ADP   IN   2 prep  _
November  PROPN NNP  3 pobj  Number=Sing
.         PUNCT .    2 punct _
"""

WILL_VISIT = """
Kim       PROPN NNP  2 nsubj Number=Sing
will      AUX   MD   2 aux   VerbForm=Fin
visit     VERB  VB   2 ROOT  VerbForm=Inf
Moscow    PROPN NNP  2 dobj  Number=Sing
in        ADP   IN   2 prep  _
August    PROPN NNP  4 pobj  Number=Sing
.         PUNCT .    2 punct _
"""

HAS_OPENED = """
The       DET   DT   1 det   _
plant     NOUN  NN   3 nsubj Number=Sing
has       AUX   VBZ  3 aux   Tense=Pres|VerbForm=Fin
opened    VERB  VBN  3 ROOT  Tense=Past|VerbForm=Part
in        ADP   IN   3 prep  _
October   PROPN NNP  4 pobj  Number=Sing
.         PUNCT .    3 punct _
"""


def value_of(doc: Doc, text: str) -> str:
    timexes = temporal.tag(doc.text, DAY, tense=tense_of_parse(doc))
    return next(t.value for t in timexes if t.text == text)


def test_the_parse_reads_a_past_verb_the_words_do_not_know():
    doc = doc_of(STRODE)
    assert temporal.tag(doc.text, DAY)[0].value == "2023-11"  # the words alone
    assert value_of(doc, "November") == "2022-11"


def test_the_tag_alone_gives_the_tense_without_morphology():
    assert value_of(doc_of(STRODE, morph=False), "November") == "2022-11"


def test_an_auxiliary_gives_the_tense():
    assert value_of(doc_of(WILL_VISIT), "August") == "2024-08"
    assert value_of(doc_of(HAS_OPENED), "October") == "2022-10"


def test_verb_tenses():
    tense = tense_of_parse(doc_of(WILL_VISIT))
    start = doc_of(WILL_VISIT).text.index("August")
    assert tense(start, start + len("August")) == (FUTURE, True)
    strode = doc_of(STRODE)
    start = strode.text.index("November")
    assert tense_of_parse(strode)(start, start + 8) == (PAST, True)
    present = doc_of(STRODE.replace("strode    VERB  VBD", "stride    VERB  VBP")
                     .replace("Tense=Past", "Tense=Pres"))
    start = present.text.index("November")
    assert tense_of_parse(present)(start, start + 8) == (PRESENT, False)


def test_without_a_parse_the_words_decide():
    doc = doc_of(STRODE, parse=False)
    assert tense_of_parse(doc) is None
    assert temporal.tag(doc.text, DAY, tense=tense_of_parse(doc))[0].value == "2023-11"


def test_events_from_a_parsed_doc_use_its_tense():
    doc = doc_of(STRODE)
    events = events_from_doc(doc, Document("d", doc.text, DAY))
    assert [(e.date, e.trigger) for e in events] == [("2022-11", "strode")]
