"""Writing events in every format and reading them back: exact round trips, safe CSV and HTML,
atomic files, standard output."""

from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from timeline import export
from timeline.export import ExportError, open_writer, read_events, write_events
from timeline.records import FIELDS, Event

VOTE = Event(
    doc_id="dw-2023-0912", event_id="dw-2023-0912-e1", date="2023-09-12", start="2023-09-12",
    end="2023-09-12", granularity="day", event="the Bundestag voted on the heating law",
    trigger="voted", trigger_start=1_234_567_890_123, trigger_end=1_234_567_890_128,
    actors=("Bundestag", "Olaf Scholz"), timex_text="on Tuesday", timex_type="DATE",
    timex_value="2023-09-12", timex_start=1_234_567_890_100, timex_end=1_234_567_890_110,
    sentence='On Tuesday, the Bundestag "finally" voted,\nafter months of rows.',
    published="2023-09-13", title="Heating law passes", source="articles/dw.jsonl:12",
)
STRIKE = Event(
    doc_id="bbc-strike", event_id="bbc-strike-e4", date="2023-09", start="2023-09-01",
    end="2023-09-30", granularity="month", event="nurses went on strike", trigger="strike",
    trigger_start=0, trigger_end=6, actors=(), timex_text="last month", timex_type="DATE",
    timex_value="2023-09", timex_start=40, timex_end=50, sentence="Nurses struck last month.",
)
FALL = Event(
    doc_id="wall", event_id="wall-e2", date="1989", start="1989-01-01", end="1989-12-31",
    granularity="year", event="=HYPERLINK(\"http://evil.example\",\"click\")", trigger="+fell",
    trigger_start=7, trigger_end=11, actors=("Ngũgĩ wa Thiong'o", "AT&T; Inc.", "back\\slash;"),
    timex_text="-1989", timex_type="DATE", timex_value="1989", timex_start=-3, timex_end=4,
    sentence="\tThe wall fell in 1989.", published="@SUM(A1:A9)", title="'=already quoted",
    source="\rcarriage",
)
WEEK = Event(
    doc_id="ap-week", event_id="ap-week-e1", date="2023-W37", start="2023-09-11",
    end="2023-09-17", granularity="week", event="<script>alert('x')</script> & more",
    trigger=None, trigger_start=None, trigger_end=None, actors=("",), timex_text="this week",
    timex_type="DATE", timex_value="2023-W37", timex_start=5, timex_end=14,
    sentence="Riots <b>this week</b>.", title="Week of <i>unrest</i>",
)
UNRESOLVED = Event(
    doc_id="memo", event_id="memo-e9", date="XXXX-08-24", start=None, end=None,
    granularity=None, event="the treaty was signed", trigger=None, trigger_start=None,
    trigger_end=None, actors=("", "Ruritania"), timex_text="August 24", timex_type="DATE",
    timex_value="XXXX-08-24", sentence="", published="", title="", source="",
)
EVENTS = [VOTE, STRIKE, FALL, WEEK, UNRESOLVED]
READABLE = ("csv", "json", "jsonl", "parquet")


def suffix(fmt: str) -> str:
    return {"timelinejs": "json"}.get(fmt, fmt)


@pytest.mark.parametrize("fmt", READABLE)
def test_every_readable_format_round_trips_exactly(tmp_path, fmt):
    path = tmp_path / f"events.{suffix(fmt)}"
    assert write_events(EVENTS, path, fmt) == 5
    back = list(read_events(path))
    assert back == EVENTS
    assert back[0].trigger_start == 1_234_567_890_123
    assert type(back[0].actors) is tuple
    assert back[4].trigger is None and back[4].title == "" and back[4].actors == ("", "Ruritania")


@pytest.mark.parametrize("fmt", READABLE)
def test_no_events_is_still_a_valid_file(tmp_path, fmt):
    path = tmp_path / f"none.{suffix(fmt)}"
    assert write_events([], path, fmt) == 0
    assert list(read_events(path)) == []


def test_writer_takes_events_in_several_calls(tmp_path):
    path = tmp_path / "events.jsonl"
    with open_writer(path, "jsonl") as writer:
        writer.write(EVENTS[:2])
        writer.write(iter(EVENTS[2:]))
    assert writer.written == 5
    assert list(read_events(path)) == EVENTS


def csv_cells(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file))


def test_csv_neutralises_formulas_and_says_none_with_an_empty_cell(tmp_path):
    path = tmp_path / "events.csv"
    write_events(EVENTS, path, "csv")
    assert path.read_bytes().split(b"\r\n")[0] == ",".join(FIELDS).encode()
    vote, strike, fall, week, unresolved = csv_cells(path)
    assert fall["event"] == "'=HYPERLINK(\"http://evil.example\",\"click\")"
    assert fall["trigger"] == "'+fell"
    assert fall["timex_text"] == "'-1989"
    assert fall["timex_start"] == "'-3"
    assert fall["published"] == "'@SUM(A1:A9)"
    assert fall["title"] == "''=already quoted"
    assert fall["sentence"] == "'\tThe wall fell in 1989."
    assert fall["source"] == "'\rcarriage"
    assert fall["actors"] == "Ngũgĩ wa Thiong'o;AT&T\\; Inc.;back\\\\slash\\;"
    assert vote["actors"] == "Bundestag;Olaf Scholz"
    assert vote["trigger_start"] == "1234567890123"
    assert vote["sentence"] == 'On Tuesday, the Bundestag "finally" voted,\nafter months of rows.'
    assert strike["actors"] == "" and strike["published"] == "" and strike["title"] == ""
    assert week["actors"] == "'" and week["trigger_start"] == ""
    assert unresolved["title"] == "'" and unresolved["sentence"] == ""
    assert unresolved["actors"] == ";Ruritania"


def test_json_is_not_neutralised_and_keeps_unicode(tmp_path):
    path = tmp_path / "events.json"
    write_events(EVENTS, path, "json")
    text = path.read_text(encoding="utf-8")
    assert '"event": "=HYPERLINK(' in text and "'=HYPERLINK" not in text
    assert '"title": "\'=already quoted"' in text
    assert "Ngũgĩ" in text
    assert json.loads(text)[2]["actors"] == ["Ngũgĩ wa Thiong'o", "AT&T; Inc.", "back\\slash;"]
    assert text.startswith("[\n{") and text.endswith("}\n]\n")


def test_jsonl_has_one_event_object_per_line(tmp_path):
    path = tmp_path / "events.jsonl"
    write_events(EVENTS, path, "jsonl")
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[-1] == "" and len(lines) == 6
    assert json.loads(lines[1]) == STRIKE.to_dict()


def test_parquet_schema_and_row_groups(tmp_path, monkeypatch):
    monkeypatch.setattr(export, "ROW_GROUP_SIZE", 2)
    path = tmp_path / "events.parquet"
    write_events(EVENTS, path, "parquet")
    file = pq.ParquetFile(path)
    assert file.metadata.num_row_groups == 3
    schema = file.schema_arrow
    assert schema.names == list(FIELDS)
    assert str(schema.field("trigger_start").type) == "int64"
    assert schema.field("trigger_start").nullable
    assert not schema.field("timex_start").nullable
    assert str(schema.field("actors").type) == "list<element: string not null>"
    assert str(schema.field("title").type) == "string"
    assert list(read_events(path)) == EVENTS


def timeline(tmp_path, events, **options) -> tuple[dict, export.EventWriter]:
    path = tmp_path / "timeline.json"
    with open_writer(path, "timelinejs", **options) as writer:
        writer.write(events)
    return json.loads(path.read_text(encoding="utf-8")), writer


def test_timelinejs_dates_follow_granularity(tmp_path):
    data, writer = timeline(tmp_path, EVENTS, title="Autumn <2023>")
    assert data["title"] == {"text": {"headline": "Autumn &lt;2023&gt;", "text": ""}}
    vote, strike, fall, week = data["events"]
    assert vote["start_date"] == {"year": "2023", "month": "9", "day": "12"}
    assert "end_date" not in vote
    assert strike["start_date"] == {"year": "2023", "month": "9"}
    assert "end_date" not in strike
    assert fall["start_date"] == {"year": "1989"}
    assert "end_date" not in fall
    assert week["start_date"] == {"year": "2023", "month": "9", "day": "11"}
    assert week["end_date"] == {"year": "2023", "month": "9", "day": "17"}


def test_timelinejs_leaves_out_unresolved_events_and_counts_them(tmp_path):
    data, writer = timeline(tmp_path, EVENTS)
    assert "title" not in data
    assert [e["unique_id"] for e in data["events"]] == [
        "dw-2023-0912-e1", "bbc-strike-e4", "wall-e2", "ap-week-e1"]
    assert (writer.written, writer.skipped) == (4, 1)


def test_timelinejs_slide_text_is_html_escaped(tmp_path):
    data, _ = timeline(tmp_path, EVENTS)
    vote, strike, _, week = data["events"]
    assert week["text"] == {
        "headline": "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more",
        "text": "Riots &lt;b&gt;this week&lt;/b&gt;.",
    }
    assert week["group"] == "Week of &lt;i&gt;unrest&lt;/i&gt;"
    assert vote["group"] == "Heating law passes"
    assert strike["group"] == "bbc-strike"
    assert vote["display_date"] == "on Tuesday (2023-09-12)"
    assert vote["text"]["text"] == (
        "On Tuesday, the Bundestag &quot;finally&quot; voted,\nafter months of rows.")


def test_timelinejs_with_no_events(tmp_path):
    data, writer = timeline(tmp_path, [UNRESOLVED])
    assert data == {"events": []}
    assert writer.skipped == 1


def failing_events():
    yield VOTE
    yield STRIKE
    raise RuntimeError("the tagger crashed")


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_a_failed_write_leaves_the_previous_file_untouched(tmp_path, fmt):
    target = tmp_path / f"events.{suffix(fmt)}"
    target.write_bytes(b"previous run\n")
    with pytest.raises(RuntimeError, match="the tagger crashed"):
        write_events(failing_events(), target, fmt)
    assert target.read_bytes() == b"previous run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_abort_removes_the_partial_file(tmp_path):
    target = tmp_path / "events.csv"
    writer = open_writer(target, "csv")
    writer.write(EVENTS)
    parts = [p.name for p in tmp_path.iterdir()]
    assert len(parts) == 1 and parts[0].startswith(".events.csv.") and parts[0].endswith(".part")
    writer.abort()
    assert list(tmp_path.iterdir()) == []


def test_a_finished_write_replaces_the_file_with_ordinary_permissions(tmp_path):
    target = tmp_path / "events.csv"
    target.write_text("old", encoding="utf-8")
    target.chmod(0o640)
    write_events(EVENTS, target, "csv")
    assert list(read_events(target)) == EVENTS
    assert target.stat().st_mode & 0o777 == 0o640
    fresh = tmp_path / "fresh.csv"
    write_events(EVENTS, fresh, "csv")
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "fresh.csv"]


def test_parquet_without_pyarrow_leaves_nothing_behind(tmp_path, monkeypatch):
    def no_pyarrow():
        raise ExportError("parquet needs pyarrow: pip install pyarrow")

    monkeypatch.setattr(export, "_pyarrow", no_pyarrow)
    with pytest.raises(ExportError, match="parquet needs pyarrow"):
        write_events(EVENTS, tmp_path / "events.parquet", "parquet")
    assert list(tmp_path.iterdir()) == []


def test_an_event_parquet_cannot_hold_names_the_file(tmp_path):
    target = tmp_path / "events.parquet"
    broken = Event.from_dict(VOTE.to_dict() | {"event": None})
    with pytest.raises(ExportError, match=rf"^{target}: not writable as Parquet: "):
        write_events([broken], target, "parquet")
    assert list(tmp_path.iterdir()) == []


def test_a_missing_directory_is_an_export_error(tmp_path):
    with pytest.raises(ExportError, match="nowhere/events.csv: cannot write"):
        write_events(EVENTS, tmp_path / "nowhere" / "events.csv", "csv")


@pytest.mark.parametrize("fmt", ["csv", "json", "jsonl"])
@pytest.mark.parametrize("target", [None, "-"])
def test_writing_to_standard_output(tmp_path, capsys, fmt, target):
    assert write_events(EVENTS, target, fmt) == 5
    out = capsys.readouterr().out
    copy = tmp_path / f"copy.{fmt}"
    with copy.open("w", encoding="utf-8", newline="") as file:
        file.write(out)
    assert list(read_events(copy)) == EVENTS


def test_timelinejs_to_standard_output(capsys):
    write_events(EVENTS, "-", "timelinejs")
    assert len(json.loads(capsys.readouterr().out)["events"]) == 4


def test_parquet_to_standard_output_is_refused(capsys):
    with pytest.raises(ExportError, match=r"^parquet needs a file: give -o PATH$"):
        write_events(EVENTS, "-", "parquet")
    assert capsys.readouterr().out == ""


def test_unknown_format_is_refused(tmp_path):
    with pytest.raises(ExportError, match="unknown format 'xml'"):
        open_writer(tmp_path / "events.xml", "xml")
    assert list(tmp_path.iterdir()) == []


# Reading bad files ----------------------------------------------------------------------------


def test_unknown_suffix_names_the_file(tmp_path):
    path = tmp_path / "events.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(ExportError, match=r"events\.txt: cannot tell the format"):
        read_events(path)


def test_missing_file(tmp_path):
    with pytest.raises(ExportError, match=r"absent\.csv: no such file"):
        read_events(tmp_path / "absent.csv")


def test_csv_without_the_header(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("doc_id,date\nd1,2023\n", encoding="utf-8")
    with pytest.raises(ExportError, match=rf"^{path}:1: expected the header doc_id,event_id,"):
        list(read_events(path))


def test_csv_errors_name_the_line_and_come_after_the_good_rows(tmp_path):
    path = tmp_path / "events.csv"
    write_events([VOTE, STRIKE], path, "csv")
    good = path.read_bytes()
    bad_number = ["d", "e", "2023"] + [""] * 6 + ["x"] + [""] * 10
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.writer(file).writerow(bad_number)
    events = read_events(path)
    assert next(events) == VOTE  # streamed: the first row comes before the bad one is read
    assert next(events) == STRIKE
    with pytest.raises(ExportError, match=rf"^{path}:5: trigger_end is not a whole number: 'x'$"):
        next(events)
    path.write_bytes(good + b"too,short\r\n")
    with pytest.raises(ExportError, match=rf"^{path}:5: expected 20 cells, found 2$"):
        list(read_events(path))


def test_csv_with_a_byte_order_mark(tmp_path):
    path = tmp_path / "events.csv"
    write_events(EVENTS, path, "csv")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert list(read_events(path)) == EVENTS


def test_jsonl_line_that_is_not_an_event(tmp_path):
    path = tmp_path / "events.jsonl"
    lines = [json.dumps(VOTE.to_dict()), json.dumps({"doc_id": "d"}), "not json"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match=rf"^{path}:2: not an event: missing fields: event_id,"):
        list(read_events(path))
    path.write_text("\n".join([lines[0], "", lines[2]]) + "\n", encoding="utf-8")
    with pytest.raises(ExportError, match=rf"^{path}:3: not JSON: "):
        list(read_events(path))


def test_jsonl_field_of_the_wrong_type(tmp_path):
    path = tmp_path / "events.jsonl"
    record = VOTE.to_dict() | {"timex_start": "12"}
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    with pytest.raises(ExportError,
                       match=rf"^{path}:1: timex_start should be a whole number, found '12'$"):
        list(read_events(path))


def test_json_reader_refuses_a_timelinejs_file(tmp_path):
    path = tmp_path / "timeline.json"
    write_events(EVENTS, path, "timelinejs")
    with pytest.raises(ExportError, match="a TimelineJS file cannot be read back"):
        list(read_events(path))


def test_json_item_that_is_not_an_event(tmp_path):
    path = tmp_path / "events.json"
    path.write_text(json.dumps([VOTE.to_dict(), ["not", "an", "event"]]), encoding="utf-8")
    with pytest.raises(ExportError, match=rf"^{path}: event 2: expected an event object"):
        list(read_events(path))


def test_a_file_that_is_not_parquet(tmp_path):
    path = tmp_path / "events.parquet"
    path.write_text("doc_id,event_id\n", encoding="utf-8")
    with pytest.raises(ExportError, match=rf"^{path}: not a Parquet file"):
        list(read_events(path))


# Any text at all ------------------------------------------------------------------------------

optional_text = st.none() | st.text()
events = st.builds(
    Event,
    doc_id=st.text(), event_id=st.text(), date=st.text(), start=optional_text,
    end=optional_text, granularity=optional_text, event=st.text(), trigger=optional_text,
    trigger_start=st.none() | st.integers(-2**63, 2**63 - 1),
    trigger_end=st.none() | st.integers(-2**63, 2**63 - 1),
    actors=st.lists(st.text(), max_size=4).map(tuple), timex_text=st.text(),
    timex_type=st.text(), timex_value=st.text(), timex_start=st.integers(-2**63, 2**63 - 1),
    timex_end=st.integers(-2**63, 2**63 - 1), sentence=st.text(), published=optional_text,
    title=optional_text, source=optional_text,
)


@settings(max_examples=150, deadline=None)
@given(st.lists(events, max_size=4))
def test_any_events_round_trip(sample):
    with tempfile.TemporaryDirectory() as directory:
        for fmt in READABLE:
            path = Path(directory) / f"events.{fmt}"
            write_events(sample, path, fmt)
            assert list(read_events(path)) == sample, fmt


@given(st.lists(events, max_size=3))
def test_any_events_round_trip_through_standard_output(sample):
    buffer = io.StringIO(newline="")
    with tempfile.TemporaryDirectory() as directory, pytest.MonkeyPatch.context() as patch:
        patch.setattr("sys.stdout", buffer)
        write_events(sample, None, "csv")
        path = Path(directory) / "events.csv"
        path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
        assert list(read_events(path)) == sample
