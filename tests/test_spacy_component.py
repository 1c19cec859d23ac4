"""The ``timeline`` spaCy component, found through the ``spacy_factories`` entry point."""

import datetime as dt

import pytest
import spacy

from timeline.events import extract


def test_add_pipe_finds_the_component_and_fills_spans_and_events():
    nlp = spacy.blank("en")
    nlp.add_pipe("timeline", config={"published": "2023-09-13"})
    text = "Kim arrived in Khasan on Tuesday and will meet Putin next week."
    doc = nlp(text)
    spans = doc.spans["timeline"]
    assert [s.text for s in spans] == ["Tuesday", "next week"]
    assert [s.label_ for s in spans] == ["DATE", "DATE"]
    assert [s._.timex.value for s in spans] == ["2023-09-12", "2023-W38"]
    assert [(e.trigger, e.date) for e in doc._.events] == [
        ("arrived", "2023-09-12"), ("meet", "2023-W38")]
    assert doc._.events == extract(text, "2023-09-13")


def test_a_date_set_on_the_doc_wins_over_the_config():
    nlp = spacy.blank("en")
    nlp.add_pipe("timeline", config={"published": "2023-09-13"})
    doc = nlp.make_doc("They met on Friday.")
    doc._.published = dt.date(2020, 1, 1)  # a Wednesday
    doc._.doc_id = "memo"
    doc = nlp.get_pipe("timeline")(doc)
    assert [(e.doc_id, e.date) for e in doc._.events] == [("memo", "2019-12-27")]


def test_without_a_date_relative_expressions_stay_unresolved():
    nlp = spacy.blank("en")
    nlp.add_pipe("timeline")
    doc = nlp("They met on Friday, August 24, 2023.")
    assert [s._.timex.value for s in doc.spans["timeline"]] == ["2023-08-24"]
    doc = nlp("They met on Friday.")
    assert [(e.date, e.start) for e in doc._.events] == [("XXXX-XX-XX", None)]


def test_a_bad_config_is_refused_with_the_reason():
    nlp = spacy.blank("en")
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        nlp.add_pipe("timeline", config={"published": "soon"})
    with pytest.raises(ValueError, match="mode"):
        nlp.add_pipe("timeline", name="t2", config={"mode": "sideways"})
