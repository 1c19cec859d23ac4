"""From dated expressions to events: triggers, descriptions, actors and dates, with the blank
pipeline's guessed word classes and with a trained pipeline's parse and entities (Docs built by
hand, so no model has to be installed)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import spacy
from hypothesis import given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc

import timeline.events
from timeline import temporal
from timeline.events import events_from_doc, extract, extract_document, extract_documents
from timeline.records import Document, Event

PUBLISHED = "2023-09-13"  # a Wednesday
DAY = dt.date(2023, 9, 13)


def only(text: str, published: str | None = PUBLISHED) -> Event:
    """The single event of ``text``."""
    events = extract(text, published)
    assert len(events) == 1, events
    return events[0]


# --- blank pipeline ------------------------------------------------------------------------


def test_past_weekday_dates_the_verb_before_it():
    event = only("Kim arrived in Khasan on Tuesday.")
    assert (event.date, event.start, event.end, event.granularity) == (
        "2023-09-12", "2023-09-12", "2023-09-12", "day"
    )
    assert event.trigger == "arrived"
    assert event.event == "Kim arrived in Khasan"
    assert event.actors == ("Kim", "Khasan")  # a name opening the sentence before its verb
    assert (event.timex_text, event.timex_type) == ("Tuesday", "DATE")


def test_future_weekday_after_will():
    event = only("Kim and Putin will meet on Friday.")
    assert (event.date, event.start, event.end) == ("2023-09-15", "2023-09-15", "2023-09-15")
    assert event.trigger == "meet"
    assert event.event == "Kim and Putin will meet"


def test_two_dates_in_one_sentence_give_two_events():
    text = ("Kim Jong-un arrived at Khasan, border town of Russia, on Tuesday, and met Putin "
            "at the Vostochny cosmodrome on Wednesday.")
    arrival, meeting = extract(text, PUBLISHED)
    assert (arrival.date, arrival.trigger) == ("2023-09-12", "arrived")
    assert arrival.event == "Kim Jong-un arrived at Khasan, border town of Russia"
    assert arrival.actors == ("Kim Jong-un", "Khasan", "Russia")
    assert (meeting.date, meeting.trigger) == ("2023-09-13", "met")
    assert meeting.event == "Kim Jong-un met Putin at the Vostochny cosmodrome"
    assert meeting.actors == ("Kim Jong-un", "Putin", "Vostochny")


def test_opening_date_phrase_dates_the_main_clause():
    event = only("On Tuesday, the United States and the Soviet Union conferred in Washington.")
    assert (event.date, event.trigger) == ("2023-09-12", "conferred")
    assert event.event == "the United States and the Soviet Union conferred in Washington"
    assert event.actors == ("United States", "Soviet Union", "Washington")


def test_possessive_date_dates_the_noun_it_owns():
    first, *_ = extract("Tuesday's declaration by Ford surprised the markets.", PUBLISHED)
    assert (first.date, first.trigger, first.trigger_start) == ("2023-09-12", "declaration", 10)
    assert first.actors == ("Ford",)


def test_reported_speech_tail_is_not_part_of_the_event():
    event = only("The two leaders will meet again on Friday, officials said.")
    assert (event.date, event.trigger) == ("2023-09-15", "meet")
    assert event.event == "The two leaders will meet again"


def test_anchored_duration_ends_on_the_publication_day():
    event = only("Over the past five years, trade has doubled.")
    assert (event.timex_text, event.timex_type, event.date) == (
        "the past five years", "DURATION", "P5Y"
    )
    assert (event.start, event.end, event.granularity) == ("2018-09-14", "2023-09-13", "year")
    assert (event.trigger, event.event) == ("doubled", "trade has doubled")


def test_this_year_covers_the_calendar_year():
    event = only("Exports have risen sharply this year.")
    assert (event.date, event.start, event.end, event.granularity) == (
        "2023", "2023-01-01", "2023-12-31", "year"
    )
    assert (event.trigger, event.event) == ("risen", "Exports have risen sharply")


@pytest.mark.parametrize("text", [
    "The board meets every Monday.",
    "The talks lasted for three years.",
    "The talks lasted three years, and prices rose every week.",
    "Prices are rising now.",
])
def test_sets_bare_durations_and_present_give_no_event(text):
    assert extract(text, PUBLISHED) == []


def test_without_publication_date_only_absolute_dates_resolve():
    text = "Kim arrived on Tuesday and the summit opened on August 24, 2023."
    relative, absolute = extract(text, None)
    assert (relative.date, relative.start, relative.end, relative.granularity) == (
        "XXXX-XX-XX", None, None, "day"
    )
    assert relative.trigger == "arrived"
    assert relative.published is None
    assert (absolute.date, absolute.start, absolute.end, absolute.granularity) == (
        "2023-08-24", "2023-08-24", "2023-08-24", "day"
    )
    assert absolute.trigger == "opened"


def test_publication_header_line_is_not_an_event():
    text = "Published: Sep 13, 2023 09:43 PM\nKim arrived in Khasan on Tuesday."
    assert [t.text for t in temporal.tag(text, DAY)] == ["Sep 13, 2023 09:43 PM", "Tuesday"]
    event = only(text)
    assert (event.timex_text, event.date, event.trigger) == ("Tuesday", "2023-09-12", "arrived")


ARTICLE = (
    "Published: Sep 13, 2023 09:43 PM\n"
    "“We are ready,” Kim said on Tuesday. Putin will visit Pyongyang next year — a first "
    "since 2000. Over the past five years, trade has doubled, officials said."
)


def test_events_in_reading_order_with_numbered_ids():
    events = extract(ARTICLE, PUBLISHED, doc_id="tass-77", title="Summit", source="tass.html")
    assert [(e.event_id, e.timex_text, e.trigger, e.date) for e in events] == [
        ("tass-77-1", "Tuesday", "said", "2023-09-12"),
        ("tass-77-2", "next year", "visit", "2024"),
        ("tass-77-3", "2000", None, "2000"),
        ("tass-77-4", "the past five years", "doubled", "P5Y"),
    ]
    assert [e.timex_start for e in events] == sorted(e.timex_start for e in events)
    assert {(e.doc_id, e.title, e.source, e.published) for e in events} == {
        ("tass-77", "Summit", "tass.html", "2023-09-13")
    }


def test_offsets_point_into_the_text():
    events = extract(ARTICLE, PUBLISHED)
    assert events
    for event in events:
        assert ARTICLE[event.timex_start:event.timex_end] == event.timex_text
        if event.trigger is not None:
            assert ARTICLE[event.trigger_start:event.trigger_end] == event.trigger
        assert event.timex_text in event.sentence
    assert events[0].sentence == "“We are ready,” Kim said on Tuesday."


def test_published_is_stored_as_iso_string():
    assert only("Kim arrived on Tuesday.", DAY).published == "2023-09-13"
    assert only("Kim arrived on Tuesday.", " 2023-09-13 ").published == "2023-09-13"


def test_unreadable_published_says_what_to_use():
    with pytest.raises(ValueError, match=r"published: cannot read '13/09/2023'.*YYYY-MM-DD"):
        extract("Kim arrived on Tuesday.", "13/09/2023")


def test_an_explicit_blank_pipeline_gives_the_same_events():
    assert extract(ARTICLE, PUBLISHED, nlp=spacy.blank("en")) == extract(ARTICLE, PUBLISHED)


def test_given_timexes_are_the_only_ones_read():
    text = "Putin said on Wednesday that Kim had arrived on Tuesday."
    wednesday, tuesday = temporal.tag(text, DAY)
    doc = spacy.blank("en")(text)
    events = events_from_doc(doc, Document("d", text, DAY), timexes=[tuesday])
    assert [(e.event_id, e.timex_text, e.trigger) for e in events] == [
        ("d-1", "Tuesday", "arrived")
    ]


# Known weaknesses: these document the expected behaviour and fail today.


@pytest.mark.xfail(strict=True, reason="_same_date stops at the clause break before 'and "
                   "arrested', so its own docstring example loses 'seized'")
def test_verbs_joined_by_and_share_their_date():
    events = extract("Police seized a bomb and arrested two men Sunday.", PUBLISHED)
    assert [(e.trigger, e.date) for e in events] == [
        ("seized", "2023-09-10"), ("arrested", "2023-09-10")
    ]


def test_a_word_opening_a_line_is_not_a_name():
    event = only("Published: Sep 13, 2023 09:43 PM\nOfficials met in Seoul on Tuesday.")
    assert event.actors == ("Seoul",)


@pytest.mark.xfail(strict=True, reason="_opens_clause needs a comma before 'and' + subject, so "
                   "both events get the description 'Kim arrived and the summit opened'")
def test_and_with_a_new_subject_splits_the_description():
    arrival, opening = extract(
        "Kim arrived on Tuesday and the summit opened on Wednesday.", PUBLISHED
    )
    assert (arrival.event, opening.event) == ("Kim arrived", "the summit opened")


# --- trained pipeline, from a hand-built parse ---------------------------------------------

NLP = spacy.blank("en")


def parsed(table: str, *, parse: bool = True) -> Doc:
    """A Doc with tags, entities and (with ``parse``) heads and dependencies, from rows of
    ``word POS TAG head dep IOB``; heads are token indices."""
    rows = [line.split() for line in table.strip().splitlines()]
    words = [r[0] for r in rows]
    spaces = [i + 1 < len(words) and words[i + 1] not in {".", ",", "'s"}
              for i in range(len(words))]
    annotations = {
        "pos": [r[1] for r in rows], "tags": [r[2] for r in rows], "ents": [r[5] for r in rows],
    }
    if parse:
        annotations |= {"heads": [int(r[3]) for r in rows], "deps": [r[4] for r in rows]}
    else:
        annotations["sent_starts"] = [i == 0 for i in range(len(rows))]
    return Doc(NLP.vocab, words=words, spaces=spaces, **annotations)


def doc_events(doc: Doc) -> list[Event]:
    return events_from_doc(doc, Document("d", doc.text, DAY))


REPORTED = """
Putin    PROPN NNP 1 nsubj B-PERSON
said     VERB  VBD 1 ROOT  O
on       ADP   IN  1 prep  O
Wednesday PROPN NNP 2 pobj B-DATE
that     SCONJ IN  7 mark  O
Kim      PROPN NNP 7 nsubj B-PERSON
had      AUX   VBD 7 aux   O
arrived  VERB  VBN 1 ccomp O
on       ADP   IN  7 prep  O
Tuesday  PROPN NNP 8 pobj  B-DATE
.        PUNCT .   1 punct O
"""

# "on Tuesday" attaches to "arrived", far to the left; "to meet" is nearer, to the right.
ARRIVAL = """
Kim       PROPN NNP 1  nsubj    B-PERSON
arrived   VERB  VBD 1  ROOT     O
at        ADP   IN  1  prep     O
the       DET   DT  5  det      O
Vostochny PROPN NNP 5  compound O
cosmodrome NOUN NN  2  pobj     O
in        ADP   IN  5  prep     O
the       DET   DT  9  det      O
Amur      PROPN NNP 9  compound B-LOC
region    NOUN  NN  6  pobj     O
on        ADP   IN  1  prep     O
Tuesday   PROPN NNP 10 pobj     B-DATE
to        PART  TO  13 aux      O
meet      VERB  VB  1  advcl    O
Putin     PROPN NNP 13 dobj     B-PERSON
.         PUNCT .   1  punct    O
"""

# "on Wednesday" attaches to "signed", not to "drafted" right before it.
SIGNED = """
The       DET   DT  1 det   O
leaders   NOUN  NNS 2 nsubj O
signed    VERB  VBD 2 ROOT  O
the       DET   DT  4 det   O
agreement NOUN  NN  2 dobj  O
that      PRON  WDT 8 dobj  O
the       DET   DT  7 det   O
ministers NOUN  NNS 8 nsubj O
drafted   VERB  VBD 4 relcl O
on        ADP   IN  2 prep  O
Wednesday PROPN NNP 9 pobj  B-DATE
.         PUNCT .   2 punct O
"""


def test_hand_built_doc_has_what_a_trained_pipeline_gives():
    doc = parsed(ARRIVAL)
    assert doc.text == ("Kim arrived at the Vostochny cosmodrome in the Amur region on Tuesday "
                        "to meet Putin.")
    assert all(doc.has_annotation(a) for a in ("POS", "TAG", "DEP", "ENT_IOB", "SENT_START"))
    assert [(e.text, e.label_) for e in doc.ents] == [
        ("Kim", "PERSON"), ("Amur", "LOC"), ("Tuesday", "DATE"), ("Putin", "PERSON")
    ]


def test_parsed_triggers_follow_the_attachment():
    said, arrived = doc_events(parsed(REPORTED))
    assert (said.timex_text, said.date, said.trigger) == ("Wednesday", "2023-09-13", "said")
    assert said.event == "Putin said that Kim had arrived"
    assert (arrived.timex_text, arrived.date, arrived.trigger) == (
        "Tuesday", "2023-09-12", "arrived"
    )
    assert arrived.event == "Kim had arrived"
    assert arrived.actors == ("Kim",)


def test_parse_wins_over_the_nearest_verb():
    # Without the parse the nearest verb, "meet", is dated Tuesday too; the parse says only
    # the arrival was (a past day cannot date "to meet").
    guessed = doc_events(parsed(ARRIVAL, parse=False))
    assert [(e.trigger, e.date) for e in guessed] == [
        ("arrived", "2023-09-12"), ("meet", "2023-09-12")
    ]
    event, = doc_events(parsed(ARRIVAL))
    assert (event.trigger, event.trigger_start, event.date) == ("arrived", 4, "2023-09-12")
    assert event.event == ("Kim arrived at the Vostochny cosmodrome in the Amur region to meet "
                           "Putin")


def test_actors_come_from_the_entities():
    event, = doc_events(parsed(ARRIVAL))
    # "Vostochny" is no entity; "Tuesday" is a DATE entity, not a participant.
    assert event.actors == ("Kim", "Amur", "Putin")
    blank, *_ = extract(parsed(ARRIVAL).text, PUBLISHED)
    assert blank.actors == ("Kim", "Vostochny", "Amur", "Putin")


def test_entity_labels_outside_the_actor_set_are_ignored():
    doc = parsed(REPORTED.replace("B-PERSON", "B-PRODUCT", 1))
    said, arrived = doc_events(doc)
    assert said.actors == ("Kim",)
    assert arrived.actors == ("Kim",)


def test_parse_decides_which_other_verbs_share_the_date():
    events = doc_events(parsed(SIGNED))
    assert [(e.trigger, e.date) for e in events] == [("signed", "2023-09-13")]


# --- many documents ------------------------------------------------------------------------

DOCUMENTS = [
    Document("a", "Kim arrived in Khasan on Tuesday.", DAY, title="Arrival"),
    Document("b", "No dates here at all.", DAY),
    Document("c", ARTICLE, DAY, source="tass.html"),
    Document("d", "Kim arrived on Tuesday and the summit opened on August 24, 2023.", None),
]


def test_extract_documents_matches_one_by_one_in_order():
    pairs = list(extract_documents(iter(DOCUMENTS), batch_size=2))
    assert [document for document, _ in pairs] == DOCUMENTS
    assert [events for _, events in pairs] == [extract_document(d) for d in DOCUMENTS]
    assert [len(events) for _, events in pairs] == [1, 0, 4, 2]


def test_extract_documents_is_lazy():
    def documents():
        yield DOCUMENTS[0]
        raise AssertionError("read too far")

    document, events = next(extract_documents(documents(), batch_size=1))
    assert document is DOCUMENTS[0]
    assert [e.event_id for e in events] == ["a-1"]


# --- properties ----------------------------------------------------------------------------

PIECES = st.one_of(
    st.sampled_from([
        "Kim", "Putin", "arrived", "met", "will", "meet", "said", "the", "summit", "on", "in",
        "and", ",", ".", ";", "—", "\n", "'s", "Published:", "officials", "Tuesday", "May 31",
        "last month", "2023", "the past five years", "every week", "Tuesday's declaration",
    ]),
    st.text(max_size=8),
)


@settings(max_examples=200, deadline=None)
@given(
    pieces=st.lists(PIECES, max_size=30),
    joiner=st.sampled_from([" ", "", "  ", "\n"]),
    published=st.one_of(st.none(), st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31))),
)
def test_extract_never_breaks_its_contract(pieces, joiner, published):
    text = joiner.join(pieces)
    events = extract(text, published, doc_id="p")
    for event in events:
        assert text[event.timex_start:event.timex_end] == event.timex_text
        if event.trigger is not None:
            assert text[event.trigger_start:event.trigger_end] == event.trigger
        if event.start is not None and event.end is not None:
            assert event.start <= event.end
    assert [e.event_id for e in events] == [f"p-{n}" for n in range(1, len(events) + 1)]
    assert extract(text, published, doc_id="p") == events


# --- documents longer than a part (spaCy's max_length): read in parts, offsets kept ------------

LONG = (Path(__file__).parents[1] / "examples" / "article.txt").read_text(encoding="utf-8")


def _placed(events):
    return [(e.timex_start, e.timex_end, e.date, e.trigger_start) for e in events]


@pytest.mark.parametrize("with_pipes", [False, True], ids=["tokenizer only", "with a pipe"])
def test_a_document_longer_than_a_part_is_read_in_parts(monkeypatch, with_pipes):
    nlp = spacy.blank("en")
    if with_pipes:
        nlp.add_pipe("sentencizer")
    text = "\n\n".join([LONG] * 6)
    whole = extract_document(Document("d", text, dt.date(2023, 9, 13)), nlp=nlp)
    monkeypatch.setattr(timeline.events, "MAX_PART", len(LONG) + 500)
    document = Document("d", text, dt.date(2023, 9, 13))
    parts = extract_document(document, nlp=nlp)
    streamed = [e for _, found in extract_documents([document], nlp=nlp) for e in found]
    assert len(whole) == 6 * 12 and _placed(parts) == _placed(whole) and streamed == parts
    assert [e.event_id for e in parts] == [f"d-{n}" for n in range(1, len(parts) + 1)]
    for e in parts:
        assert text[e.timex_start:e.timex_end] == e.timex_text
        assert e.trigger is None or text[e.trigger_start:e.trigger_end] == e.trigger


def test_spacy_max_length_is_respected_with_a_trained_style_pipeline():
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2000  # nlp(text) refuses anything longer
    text = "\n\n".join([LONG] * 3)
    events = extract_document(Document("d", text, dt.date(2023, 9, 13)), nlp=nlp)
    assert len(events) == 36


@given(st.text(alphabet="ab .\n!", max_size=400), st.integers(min_value=8, max_value=60))
@settings(max_examples=300, deadline=None)
def test_text_parts_cover_the_text_in_pieces_no_longer_than_asked(text, size):
    parts = timeline.events.text_parts(text, size)
    assert parts[0][0] == 0 and parts[-1][1] == len(text)
    assert all(a < b or len(text) == 0 for a, b in parts)
    assert all(b - a <= size for a, b in parts)
    assert all(parts[i][1] == parts[i + 1][0] for i in range(len(parts) - 1))


def _junk_documents(n: int) -> list[Document]:
    """Documents whose dated sentences are full of words seen nowhere else."""
    def text(i: int) -> str:
        words = " ".join(f"w{i}x{j}" for j in range(200))
        return f"Kim met Putin on May 31, 2023. Then {words} left on Tuesday."

    return [Document(f"d{i}", text(i), dt.date(2023, 9, 13)) for i in range(n)]


def test_a_long_run_lets_go_of_the_words_past_the_vocabulary_limit(monkeypatch):
    documents = _junk_documents(40)
    unbounded = spacy.blank("en")
    expected = [extract_document(d, nlp=unbounded) for d in documents]
    assert len(unbounded.vocab.strings) > 40 * 200  # every document's words stay
    monkeypatch.setattr(timeline.events, "VOCAB_LIMIT", len(spacy.blank("en").vocab.strings) + 500)
    bounded = spacy.blank("en")
    assert [extract_document(d, nlp=bounded) for d in documents] == expected
    assert len(bounded.vocab.strings) < timeline.events.VOCAB_LIMIT + 2 * 200
    parsed = spacy.blank("en")
    parsed.add_pipe("sentencizer")  # not a bare tokenizer: documents go through nlp.pipe
    pairs = list(extract_documents(documents, nlp=parsed, batch_size=4))
    assert [events for _, events in pairs] == expected
    assert len(parsed.vocab.strings) < timeline.events.VOCAB_LIMIT + 2 * 4 * 200
