"""Reading and writing TimeML documents."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from timeline.evaluate import score_corpus
from timeline.temporal import Timex
from timeline.timeml import (
    TimeMLError,
    document_name,
    find_timeml_files,
    read_timeml,
    write_timeml,
)

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"

HEAD = """<?xml version="1.0" ?>
<TimeML>
<DOCID>NYT19980402.0001</DOCID>
<DCT><TIMEX3 tid="t0" type="TIME" value="1998-04-02T10:30:00"
 functionInDocument="CREATION_TIME">April 2, 1998</TIMEX3></DCT>
<EXTRA><TIMEX3 tid="t1" type="DATE" value="1998" functionInDocument="NONE">1998</TIMEX3></EXTRA>
"""
BODY = (
    '<TEXT>\nAT&amp;T <EVENT eid="e1" class="OCCURRENCE">said</EVENT> '
    '<TIMEX3 tid="t5" type="DATE" value="1998-04-01">yesterday</TIMEX3> that profits '
    '<SIGNAL sid="s1">for</SIGNAL> <TIMEX3 tid="t6" type="DURATION" value="P1Q" mod="START">'
    "the first quarter</TIMEX3> rose &lt;5%.\n</TEXT>"
)
TAIL = '\n<TLINK lid="l1" relType="BEFORE" eventInstanceID="ei1" relatedToTime="t5"/>\n</TimeML>\n'
TEXT = "\nAT&T said yesterday that profits for the first quarter rose <5%.\n"


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def span(text: str, phrase: str, **attributes: str | None) -> Timex:
    start = text.index(phrase)
    values = {"type": "DATE", "value": "XXXX", "mod": None} | attributes
    return Timex(start, start + len(phrase), phrase, values["type"], values["value"], values["mod"])


@pytest.fixture
def doc_path(tmp_path: Path) -> Path:
    return write(tmp_path / "doc.tml", HEAD + BODY + TAIL)


def test_read_gives_text_dct_id_and_gold_timexes(doc_path: Path) -> None:
    doc = read_timeml(doc_path)
    assert doc.doc_id == "NYT19980402.0001"
    assert doc.dct == "1998-04-02"
    assert doc.text == TEXT
    assert doc.timexes == [
        Timex(11, 20, "yesterday", "DATE", "1998-04-01"),
        Timex(38, 55, "the first quarter", "DURATION", "P1Q", "START"),
    ]
    for timex in doc.timexes:
        assert doc.text[timex.start : timex.end] == timex.text


def test_doc_id_falls_back_to_the_file_name_without_suffixes(tmp_path: Path) -> None:
    path = write(
        tmp_path / "APW19980213.1320.tml.TE3input", HEAD.replace("DOCID", "X") + BODY + TAIL
    )
    doc = read_timeml(path)
    assert doc.doc_id == "APW19980213.1320"
    assert document_name("a/b/X.tml") == "X"
    assert document_name("X.xml") == "X"


def test_te3input_file_without_gold_timexes(tmp_path: Path) -> None:
    body = BODY.replace('<TIMEX3 tid="t5" type="DATE" value="1998-04-01">', "").replace(
        "yesterday</TIMEX3>", "yesterday"
    )
    doc = read_timeml(write(tmp_path / "X.tml.TE3input", HEAD + body + TAIL))
    assert doc.text == TEXT
    assert [t.text for t in doc.timexes] == ["the first quarter"]


def test_missing_dct_gives_none(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path / "x.xml", "<TimeML><TEXT>On Monday.</TEXT></TimeML>"))
    assert doc.dct is None
    assert doc.doc_id == "x"
    assert doc.text == "On Monday."


def test_crlf_is_read_as_newline_and_kept_when_writing(tmp_path: Path) -> None:
    raw = "<TimeML>\r\n<TEXT>\r\nOn <TIMEX3 tid='t9' type='DATE'>Monday</TIMEX3>\r\n</TEXT>\r\n"
    raw += "</TimeML>"
    doc = read_timeml(write(tmp_path / "crlf.tml", raw))
    assert doc.text == "\nOn Monday\n"
    assert doc.timexes == [Timex(4, 10, "Monday", "DATE", "")]
    out = write_timeml(doc, [span(doc.text, "On Monday\n")])
    assert out == (
        "<TimeML>\r\n<TEXT>\r\n"
        '<TIMEX3 tid="t1" type="DATE" value="XXXX">On Monday\r\n</TIMEX3></TEXT>\r\n</TimeML>'
    )


def test_cp1252_file_without_declaration_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "x.tml", "<TimeML><TEXT>Café on Monday</TEXT></TimeML>".encode("cp1252")
    )
    doc = read_timeml(path)
    assert doc.text == "Café on Monday"
    assert doc.encoding == "utf-8"


def test_declared_encoding_is_used_and_kept(tmp_path: Path) -> None:
    raw = '<?xml version="1.0" encoding="ISO-8859-1"?>\n<TimeML><TEXT>Café</TEXT></TimeML>'
    doc = read_timeml(write(tmp_path / "x.tml", raw.encode("latin-1")))
    assert doc.text == "Café"
    assert doc.encoding == "ISO-8859-1"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("<TimeML><TEXT>On <EVENT>Monday</TEXT></TimeML>", "malformed XML: mismatched tag"),
        ("<TimeML><TEXT>AT&T</TEXT></TimeML>", "malformed XML"),
        ("<TimeML><TEXT>&nbsp;</TEXT></TimeML>", "undefined entity"),
        ("<TimeML><DCT>x</DCT></TimeML>", "no <TEXT> element"),
    ],
)
def test_malformed_files_raise_an_error_naming_the_file(
    tmp_path: Path, content: str, message: str
) -> None:
    path = write(tmp_path / "bad.tml", content)
    with pytest.raises(TimeMLError, match=message) as caught:
        read_timeml(path)
    assert str(caught.value).startswith(f"{path}: ")


def test_missing_file_raises_timeml_error(tmp_path: Path) -> None:
    with pytest.raises(TimeMLError, match="cannot read"):
        read_timeml(tmp_path / "nope.tml")


def test_write_replaces_timexes_and_keeps_everything_else(doc_path: Path) -> None:
    doc = read_timeml(doc_path)
    new = [span(TEXT, "yesterday", value="1998-04-01"), span(TEXT, "first quarter", mod="START")]
    out = write_timeml(doc, new)
    assert out.startswith(HEAD)
    assert out.endswith(TAIL)
    # t0 and t1 are used outside TEXT.
    assert (
        '<EVENT eid="e1" class="OCCURRENCE">said</EVENT> '
        '<TIMEX3 tid="t2" type="DATE" value="1998-04-01">yesterday</TIMEX3>'
    ) in out
    assert 'the <TIMEX3 tid="t3" type="DATE" value="XXXX" mod="START">first quarter</TIMEX3>' in out
    assert "AT&amp;T" in out and "rose &lt;5%" in out and "t5" not in out.split("<TEXT>")[1][:300]
    ET.fromstring(out)


def test_write_without_timexes_removes_all_timex_tags(doc_path: Path) -> None:
    doc = read_timeml(doc_path)
    out = write_timeml(doc, [])
    body = out[out.index("<TEXT>") : out.index("</TEXT>")]
    assert "TIMEX3" not in body
    assert '<SIGNAL sid="s1">for</SIGNAL>' in body


def test_write_round_trips(tmp_path: Path, doc_path: Path) -> None:
    doc = read_timeml(doc_path)
    again = read_timeml(write(tmp_path / "again.tml", write_timeml(doc, doc.timexes)))
    assert again.text == doc.text
    assert again.timexes == doc.timexes
    assert again.dct == doc.dct and again.doc_id == doc.doc_id


def test_timex_crossing_an_event_boundary_is_dropped(tmp_path: Path) -> None:
    raw = '<TimeML><TEXT>They <EVENT eid="e1">left on</EVENT> Monday at noon.</TEXT></TimeML>'
    doc = read_timeml(write(tmp_path / "x.tml", raw))
    crossing = span(doc.text, "on Monday")
    fine = span(doc.text, "noon", type="TIME")
    out = write_timeml(doc, [crossing, fine])
    ET.fromstring(out)
    assert out == (
        '<TimeML><TEXT>They <EVENT eid="e1">left on</EVENT> Monday at '
        '<TIMEX3 tid="t1" type="TIME" value="XXXX">noon</TIMEX3>.</TEXT></TimeML>'
    )


def test_timex_covering_an_event_nests_with_it(tmp_path: Path) -> None:
    raw = (
        '<TimeML><TEXT><EVENT eid="e1">today</EVENT>tomorrow, '
        'the <EVENT eid="e2">week</EVENT> after</TEXT></TimeML>'
    )
    doc = read_timeml(write(tmp_path / "x.tml", raw))
    timexes = [span(doc.text, "today"), span(doc.text, "tomorrow"), span(doc.text, "the week")]
    out = write_timeml(doc, timexes)
    ET.fromstring(out)
    assert out == (
        '<TimeML><TEXT><EVENT eid="e1"><TIMEX3 tid="t1" type="DATE" value="XXXX">today</TIMEX3>'
        '</EVENT><TIMEX3 tid="t2" type="DATE" value="XXXX">tomorrow</TIMEX3>, '
        '<TIMEX3 tid="t3" type="DATE" value="XXXX">the <EVENT eid="e2">week</EVENT></TIMEX3> '
        "after</TEXT></TimeML>"
    )
    again = read_timeml(write(tmp_path / "y.tml", out))
    assert again.timexes == timexes


def test_old_timex_tags_next_to_other_markup_are_replaced(tmp_path: Path) -> None:
    raw = (
        '<TimeML><TEXT><EVENT eid="e1"><TIMEX3 tid="t7" type="DATE" value="A">today</TIMEX3>'
        '</EVENT><TIMEX3 tid="t8" type="DATE" value="B"><EVENT eid="e2">now</EVENT></TIMEX3>'
        "</TEXT></TimeML>"
    )
    doc = read_timeml(write(tmp_path / "x.tml", raw))
    assert [(t.text, t.value) for t in doc.timexes] == [("today", "A"), ("now", "B")]
    out = write_timeml(doc, [span(doc.text, "today"), span(doc.text, "now")])
    assert out == (
        '<TimeML><TEXT><EVENT eid="e1"><TIMEX3 tid="t1" type="DATE" value="XXXX">today</TIMEX3>'
        '</EVENT><EVENT eid="e2"><TIMEX3 tid="t2" type="DATE" value="XXXX">now</TIMEX3></EVENT>'
        "</TEXT></TimeML>"
    )


def test_timexes_next_to_entities(tmp_path: Path) -> None:
    raw = "<TimeML><TEXT>Q1&amp;Q2 &#8212;1998&#x2014;</TEXT></TimeML>"
    doc = read_timeml(write(tmp_path / "x.tml", raw))
    assert doc.text == "Q1&Q2 \u20141998\u2014"
    timexes = [span(doc.text, "Q1"), span(doc.text, "Q2"), span(doc.text, "1998")]
    out = write_timeml(doc, timexes)
    assert out == (
        '<TimeML><TEXT><TIMEX3 tid="t1" type="DATE" value="XXXX">Q1</TIMEX3>&amp;'
        '<TIMEX3 tid="t2" type="DATE" value="XXXX">Q2</TIMEX3> &#8212;'
        '<TIMEX3 tid="t3" type="DATE" value="XXXX">1998</TIMEX3>&#x2014;</TEXT></TimeML>'
    )


def test_overlapping_timexes_keep_the_first(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path / "x.tml", "<TimeML><TEXT>last Monday night</TEXT></TimeML>"))
    out = write_timeml(doc, [span(doc.text, "Monday night"), span(doc.text, "last Monday")])
    assert "<TEXT><TIMEX3 " in out
    assert [t.text for t in read_timeml(write(tmp_path / "y.tml", out)).timexes] == ["last Monday"]


def test_attribute_values_are_escaped(tmp_path: Path) -> None:
    doc = read_timeml(write(tmp_path / "x.tml", "<TimeML><TEXT>Monday</TEXT></TimeML>"))
    out = write_timeml(doc, [span(doc.text, "Monday", value='a"b<c&d')])
    assert 'value="a&quot;b&lt;c&amp;d"' in out
    assert read_timeml(write(tmp_path / "y.tml", out)).timexes[0].value == 'a"b<c&d'


def test_timex_not_matching_the_text_is_a_value_error(doc_path: Path) -> None:
    doc = read_timeml(doc_path)
    with pytest.raises(ValueError, match="outside the text"):
        write_timeml(doc, [Timex(0, 999, "x", "DATE", "X")])
    with pytest.raises(ValueError, match="does not match"):
        write_timeml(doc, [Timex(1, 3, "xx", "DATE", "X")])


def test_find_timeml_files_is_recursive_and_filters_suffixes(tmp_path: Path) -> None:
    for name in ("a.tml", "sub/b.tml.TE3input", "sub/c.xml", "notes.txt", "sub/deeper/d.tml"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    names = [p.relative_to(tmp_path).as_posix() for p in find_timeml_files(tmp_path)]
    assert names == ["a.tml", "sub/b.tml.TE3input", "sub/c.xml", "sub/deeper/d.tml"]
    assert find_timeml_files(tmp_path / "a.tml") == [tmp_path / "a.tml"]


CORPUS_FOLDERS = [
    "TBAQ-cleaned/TimeBank",
    "TBAQ-cleaned/AQUAINT",
    "te3-silver",
    "wikiwars-train",
    "tweets-train",
]


@pytest.mark.parametrize("folder", CORPUS_FOLDERS)
def test_real_corpora_round_trip(folder: str, tmp_path: Path) -> None:
    if not (CORPORA / folder).is_dir():
        pytest.skip(f"corpus folder {CORPORA / folder} is not available")
    documents = []
    for path in find_timeml_files(CORPORA / folder):
        doc = read_timeml(path)
        text_element = ET.fromstring(doc.raw).find(".//TEXT")
        assert text_element is not None
        assert doc.text == "".join(text_element.itertext()), path
        out = write_timeml(doc, doc.timexes)
        assert out[: doc.text_start] == doc.raw[: doc.text_start]
        assert out.endswith(doc.raw[doc.text_end :])
        copy = tmp_path / path.name
        copy.write_text(out, encoding=doc.encoding, newline="")
        again = read_timeml(copy)
        assert (again.text, again.timexes, again.dct) == (doc.text, doc.timexes, doc.dct), path
        documents.append((doc.doc_id, doc.text, doc.timexes, again.timexes))
    assert documents
    scores = score_corpus(documents)
    assert scores.to_dict()["strict"]["f1"] == 100.0
    assert scores.to_dict()["value_f1"] == 100.0
    assert scores.to_dict()["type_f1"] == 100.0
