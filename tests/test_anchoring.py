"""Event anchoring against gold TLINKs: which pairs count, and the two figures."""

import json
from pathlib import Path

import pytest

from timeline.anchoring import gold_anchors, score_anchoring
from timeline.cli import main
from timeline.events import extract
from timeline.timeml import read_timeml

DOC = """<?xml version="1.0" ?>
<TimeML>
<DOCID>memo</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2023-09-13" functionInDocument="CREATION_TIME">2023-09-13</TIMEX3></DCT>
<TEXT>Kim <EVENT eid="e1" class="OCCURRENCE">arrived</EVENT> in Khasan on <TIMEX3 tid="t1" type="DATE" value="2023-09-12">Tuesday</TIMEX3> and <EVENT eid="e2" class="OCCURRENCE">met</EVENT> Putin on <TIMEX3 tid="t2" type="DATE" value="2023-09-13">Wednesday</TIMEX3>. Trade <EVENT eid="e3" class="OCCURRENCE">fell</EVENT> <TIMEX3 tid="t3" type="DATE" value="2022">last year</TIMEX3>. Officials <EVENT eid="e4" class="REPORTING">spoke</EVENT> today.</TEXT>
<MAKEINSTANCE eventID="e1" eiid="ei1" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<MAKEINSTANCE eventID="e2" eiid="ei2" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<MAKEINSTANCE eventID="e3" eiid="ei3" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<MAKEINSTANCE eventID="e4" eiid="ei4" tense="PAST" aspect="NONE" polarity="POS" pos="VERB"/>
<TLINK lid="l1" relType="IS_INCLUDED" eventInstanceID="ei1" relatedToTime="t1"/>
<TLINK lid="l2" relType="INCLUDES" timeID="t2" relatedToEventInstance="ei2"/>
<TLINK lid="l3" relType="IS_INCLUDED" eventInstanceID="ei3" relatedToTime="t3"/>
<TLINK lid="l4" relType="IS_INCLUDED" eventInstanceID="ei4" relatedToTime="t0"/>
<TLINK lid="l5" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t2"/>
</TimeML>
"""


@pytest.fixture
def gold_file(tmp_path: Path) -> Path:
    path = tmp_path / "memo.tml"
    path.write_text(DOC, encoding="utf-8")
    return path


def test_gold_anchors_are_day_links_from_either_side_but_not_the_dct(gold_file):
    doc = read_timeml(gold_file)
    assert [(a.event.text, a.day) for a in gold_anchors(doc)] == [
        ("arrived", "2023-09-12"), ("met", "2023-09-13")]


def test_scores_count_found_days_and_right_days(gold_file):
    doc = read_timeml(gold_file)
    events = extract(doc.text, doc.dct, doc_id=doc.doc_id)
    score = score_anchoring(doc.doc_id, gold_anchors(doc), events)
    assert (score.gold, score.found, score.judged, score.right) == (2, 2, 2, 2)
    moved = [e.__class__.from_dict({**e.to_dict(), "start": "2023-09-11", "end": "2023-09-11"})
             if e.trigger == "met" else e for e in events]
    score = score_anchoring(doc.doc_id, gold_anchors(doc), moved)
    assert (score.found, score.judged, score.right) == (1, 2, 1)
    assert score.recall == 0.5 and score.precision == 0.5
    assert any("met@" in line and "wrong" in line for line in score.errors)


def test_eval_events_prints_the_figures_as_json(gold_file, capsys):
    assert main(["eval", str(gold_file), "--events", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures == {"gold_anchors": 2, "found": 2, "judged": 2, "right": 2,
                       "recall": 1.0, "precision": 1.0}
