"""The dashboard without a browser: data, figure, callback helpers, sessions, WSGI, CLI.

The browser tests (tests/test_dashboard_browser.py) drive the same app in Chromium.
"""

from __future__ import annotations

import base64
import datetime as dt
import gc
import importlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import tracemalloc
import urllib.request
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from dash import html

import dashboard.corpus
from dashboard import create_app
from dashboard.callbacks import (
    clicked_key,
    csv_bytes,
    published_date,
    source_panel,
    undated_list,
    zoomed_range,
)
from dashboard.corpus import (
    Corpus,
    UploadError,
    decode_upload,
    is_event_file,
    load_inputs,
    read_upload,
)
from dashboard.data import (
    NO_ACTOR,
    Filters,
    actor_options,
    apply_filters,
    counts,
    document_options,
    event_row,
    events_frame,
    grid_query,
    grid_rows,
    row_index,
    to_events,
)
from dashboard.figure import MAX_POINTS, OTHER_LANE, build_figure, figure_html, lane_order
from timeline.cli import main
from timeline.events import extract
from timeline.export import read_events, write_events
from timeline.records import FIELDS, Event

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article.txt"


def event(n: int = 0, *, doc: str = "a", date: str = "2023-09-12", start: str | None = None,
          end: str | None = None, granularity: str | None = "day", text: str = "Kim arrived",
          actors=("Kim",), title: str | None = None, timex: str = "Tuesday") -> Event:
    start = start if start is not None else (date if granularity else None)
    end = end if end is not None else start
    return Event(
        doc_id=doc, event_id=f"{doc}-{n}", date=date, start=start, end=end,
        granularity=granularity, event=text, trigger=text.split()[-1], trigger_start=4,
        trigger_end=11, actors=tuple(actors), timex_text=timex, timex_type="DATE",
        timex_value=date, timex_start=15, timex_end=15 + len(timex),
        sentence=f"{text} on {timex}.", published="2023-09-13", title=title,
        source=f"{doc}.txt",
    )


def points_of(figure, name: str) -> list:
    return [t for t in figure.data if t.name == name]


# Data --------------------------------------------------------------------------------------


def test_frame_places_periods_and_leaves_unresolved_dates_off_the_calendar():
    frame = events_frame([
        event(0), event(1, date="2023", start="2023-01-01", end="2023-12-31",
                        granularity="year", timex="this year"),
        event(2, date="XXXX-09-12", start=None, end=None, granularity=None, timex="Sept. 12"),
    ])
    assert list(frame["key"]) == ["b0", "b1", "b2"]
    assert frame.loc[1, "lo"] == pd.Timestamp("2023-01-01")
    assert frame.loc[1, "hi"] == pd.Timestamp("2023-12-31")
    assert pd.isna(frame.loc[2, "lo"]) and pd.isna(frame.loc[2, "granularity"])


def test_document_labels_are_titles_made_unique():
    frame = events_frame([event(doc="a", title="Summit"), event(doc="b", title="Summit"),
                          event(doc="c")])
    assert list(frame["doc"]) == ["Summit", "Summit (b)", "c"]
    assert list(frame["colour"]) == [0, 1, 2]


def test_filters_overlap_dates_documents_actors_granularity_and_text():
    frame = events_frame([
        event(0, doc="a", text="Kim arrived", actors=("Kim",)),
        event(1, doc="b", date="2023", start="2023-01-01", end="2023-12-31",
              granularity="year", text="Trade fell", actors=()),
        event(2, doc="b", date="2019-04", start="2019-04-01", end="2019-04-30",
              granularity="month", text="Leaders met", actors=("Putin", "Kim")),
        event(3, doc="a", date="XXXX", start=None, end=None, granularity=None, text="Talks"),
    ])

    def keys(**kwargs):
        return list(apply_filters(frame, Filters(**kwargs))["key"])

    # "this year" overlaps a range inside it; an undated event leaves once dates are asked for
    assert keys(start=dt.date(2023, 6, 1), end=dt.date(2023, 6, 30)) == ["b1"]
    assert keys(start=dt.date(2023, 9, 12)) == ["b0", "b1"]
    assert keys(documents=("b",)) == ["b1", "b2"]
    assert keys(actors=("Kim",)) == ["b0", "b2", "b3"]
    assert keys(actors=(NO_ACTOR,)) == ["b1"]
    assert keys(granularities=("month", "none")) == ["b2", "b3"]
    assert keys(text="TRADE") == ["b1"]
    assert keys(text="tuesday") == ["b0", "b1", "b2", "b3"]  # the expression is searched too
    assert keys() == ["b0", "b1", "b2", "b3"]


def test_counts_sentence():
    frame = events_frame([event(0), event(1, doc="b", date="XXXX", start=None,
                                          granularity=None)])
    assert counts(frame, 2).sentence() == "2 events from 2 documents (1 not on the calendar)"
    assert counts(frame.iloc[:1], 2).sentence() == "1 of 2 events, from 1 document"


def test_grid_query_sorts_filters_and_slices_on_the_server():
    frame = events_frame([event(i, date=f"2023-09-{10 + i:02d}", text=f"event {c}")
                          for i, c in enumerate("cab")])
    rows, total = grid_query(frame, {"startRow": 0, "endRow": 2})
    assert total == 3 and list(rows["date"]) == ["2023-09-10", "2023-09-11"]
    rows, _ = grid_query(frame, {"startRow": 0, "endRow": 10,
                                 "sortModel": [{"colId": "event", "sort": "desc"}]})
    assert list(rows["event"]) == ["event c", "event b", "event a"]
    rows, total = grid_query(frame, {"startRow": 0, "endRow": 10, "filterModel": {
        "event": {"filterType": "text", "type": "contains", "filter": "B"}}})
    assert total == 1 and list(rows["event"]) == ["event b"]
    rows, total = grid_query(frame, {"filterModel": {"event": {
        "operator": "OR", "conditions": [{"type": "endsWith", "filter": "a"},
                                         {"type": "startsWith", "filter": "event c"}]}}})
    assert sorted(rows["event"]) == ["event a", "event c"]
    request = {"sortModel": [{"colId": "date", "sort": "desc"}]}
    assert row_index(frame, request, "b0") == 2
    assert row_index(frame, {"filterModel": {"event": {"type": "equals", "filter": "x"}}},
                     "b0") is None


def test_dropdowns_offer_the_busiest_and_find_the_rest():
    frame = events_frame([event(i, doc=d, title=t, actors=(a,)) for i, (d, t, a) in enumerate(
        [("a", "Summit", "Kim"), ("b", "Storm", "Putin"), ("b", "Storm", "Putin"),
         ("c", "Budget", "Lee")])])
    assert [o["value"] for o in document_options(frame, limit=1)] == ["b"]
    assert [o["value"] for o in document_options(frame, "SUM", limit=1)] == ["a"]
    # what is already picked stays offered, whatever is typed
    assert [o["value"] for o in document_options(frame, "budget", keep=["a"], limit=1)] == [
        "c", "a"]
    assert [o["value"] for o in actor_options(frame, limit=1)] == ["Putin"]
    assert [o["label"] for o in actor_options(frame, "le", keep=["Kim"])] == ["Lee (1)", "Kim"]


def test_frame_round_trips_to_events():
    events = [event(0), event(1, date="XXXX", start=None, granularity=None, actors=())]
    assert to_events(events_frame(events)) == events


# Figure -------------------------------------------------------------------------------------


def test_a_day_is_a_point_and_a_year_a_bar_over_the_whole_year():
    frame = events_frame([
        event(0),
        event(1, date="2023", start="2023-01-01", end="2023-12-31", granularity="year",
              timex="this year"),
        event(2, date="XXXX-09", start=None, granularity=None),
    ])
    figure = build_figure(frame)
    (days,) = points_of(figure, "days")
    assert [pd.Timestamp(x) for x in days.x] == [pd.Timestamp("2023-09-12 12:00")]
    bars = [t for t in figure.data if t.name == "periods" and t.mode == "lines"]
    assert len(bars) == 1
    xs = [pd.Timestamp(x) for x in bars[0].x if x is not None]
    assert xs == [pd.Timestamp("2023-01-01"), pd.Timestamp("2024-01-01")]  # all of 2023
    (middle,) = [t for t in figure.data if t.name == "periods" and t.mode == "markers"]
    assert pd.Timestamp(middle.x[0]).date() == dt.date(2023, 7, 2)
    # the undated event is not drawn anywhere
    drawn = {row[0] for t in figure.data if t.customdata is not None for row in t.customdata}
    assert drawn == {"b0", "b1"}
    assert figure.layout.meta["mode"] == "events" and figure.layout.meta["shown"] == 2


def test_hover_text_is_escaped():
    frame = events_frame([event(0, text="<img src=x onerror=alert(1)> said",
                                title="<script>x</script>")])
    (days,) = points_of(build_figure(frame), "days")
    row = list(days.customdata[0])
    assert "<img" not in row[1] and "&lt;img src=x onerror=alert(1)&gt;" in row[1]
    assert row[4] == "&lt;script&gt;x&lt;/script&gt;"
    assert list(build_figure(frame).layout.yaxis2.ticktext) == ["&lt;script&gt;x&lt;/script&gt;"]


def test_lanes_by_document_or_actor_with_an_other_lane():
    frame = events_frame([event(i, doc=f"d{i}", date=f"2023-09-{1 + i:02d}",
                                actors=("Kim", "Putin") if i == 0 else ())
                          for i in range(5)])
    figure = build_figure(frame, max_lanes=3)
    assert figure.layout.meta["lanes"] == ["d0", "d1", OTHER_LANE]
    assert list(figure.layout.yaxis2.ticktext) == ["d0", "d1", OTHER_LANE]
    by_actor = build_figure(frame, lanes="actor")
    assert sorted(by_actor.layout.meta["lanes"]) == sorted(["Kim", "Putin", NO_ACTOR])
    (days,) = points_of(by_actor, "days")
    assert len(days.x) == 6  # the event with two actors sits in both lanes


def test_lanes_run_in_order_of_their_first_date():
    frame = events_frame([event(0, doc="late", date="2024-01-01"),
                          event(1, doc="early", date="2020-01-01")])
    assert lane_order(frame.assign(lane=frame["doc"])) == ["early", "late"]


def test_many_events_are_drawn_as_counts_and_zooming_in_draws_each_one():
    frame = events_frame([event(i, doc=f"d{i % 3}", date=str(dt.date(2020, 1, 1)
                                                                + dt.timedelta(days=i % 900)))
                          for i in range(MAX_POINTS + 200)])
    figure = build_figure(frame)
    assert figure.layout.meta["mode"] == "counts"
    counted = points_of(figure, "counts")[0]
    assert sum(int(n.replace(",", "")) for n in counted.customdata[:, 0]) == MAX_POINTS + 200
    assert len(counted.x) <= 3 * 130  # one per lane and week: far fewer than events
    zoomed = build_figure(frame, xrange=["2021-01-01", "2021-02-01"])
    assert zoomed.layout.meta["mode"] == "events"
    (days,) = points_of(zoomed, "days")
    assert all(pd.Timestamp("2021-01-01") <= pd.Timestamp(x) <= pd.Timestamp("2021-02-02")
               for x in days.x)


def test_the_chosen_event_is_ringed():
    frame = events_frame([event(0), event(1, date="2023-09-13")])
    figure = build_figure(frame, selected="b1")
    assert figure.data[0].name == "chosen"
    assert [pd.Timestamp(x) for x in figure.data[0].x] == [pd.Timestamp("2023-09-13 12:00")]


def test_an_empty_figure_says_so():
    figure = build_figure(events_frame([]), empty_message="No events yet")
    assert figure.layout.annotations[0].text == "No events yet"
    assert figure.layout.meta["shown"] == 0


def test_standalone_html_has_plotly_inlined_and_the_events():
    page = figure_html(build_figure(events_frame([event(0, text="Kim arrived")])), "<My> run")
    assert "<script src=\"http" not in page  # no network needed to open it
    assert "Kim arrived" in page and "&lt;My&gt; run" in page


# Callback helpers ----------------------------------------------------------------------------


def texts_of(component) -> list:
    """Every string in a component tree, in order."""
    if isinstance(component, str):
        return [component]
    if isinstance(component, (list, tuple)):
        return [s for c in component for s in texts_of(c)]
    children = getattr(component, "children", None)
    return texts_of(children) if children is not None else []


def marks_of(component) -> list:
    found = []
    if isinstance(component, (list, tuple)):
        for c in component:
            found += marks_of(c)
    elif isinstance(component, html.Mark):
        found.append((component.className, component.children))
    elif getattr(component, "children", None) is not None:
        found += marks_of(component.children)
    return found


def test_source_panel_marks_expression_and_trigger_in_the_article():
    text = EXAMPLE.read_text(encoding="utf-8")
    events = extract(text, doc_id="article")
    row = event_row(events_frame(events), "b1")
    panel = source_panel(row, text)
    assert ("tl-timex", row["timex_text"]) in marks_of(panel)
    assert ("tl-trigger", row["trigger"]) in marks_of(panel)
    assert "".join(texts_of(panel[-1])) == text  # the whole article, unchanged


def test_source_panel_shows_hostile_markup_as_plain_strings():
    text = "Published: 2023-09-13\n\n<script>alert(1)</script> Police said on Tuesday <img " \
           "src=x onerror=alert(2)> the raid ended."
    events = extract(text, doc_id="x")
    assert events
    panel = source_panel(event_row(events_frame(events), "b0"), text)
    article = panel[-1]
    assert "".join(texts_of(article)) == text
    assert all(isinstance(c, (str, html.Mark)) for c in article.children)


def test_source_panel_without_the_article_finds_words_in_the_sentence():
    panel = source_panel(event_row(events_frame([event(0)]), "b0"), None)
    assert ("tl-timex", "Tuesday") in marks_of(panel)
    assert any("not loaded" in s for s in texts_of(panel))


def test_undated_events_are_listed_apart():
    frame = events_frame([event(0), event(1, date="XXXX-09", start=None, granularity=None,
                                          text="Talks resumed", timex="September")])
    listed = " ".join(texts_of(undated_list(frame)))
    assert "Talks resumed" in listed and "September" in listed and "Kim arrived" not in listed


def test_zoom_events_and_clicks():
    assert zoomed_range({"xaxis.range[0]": "2020-01-01", "xaxis.range[1]": "2021-01-01"}) == [
        "2020-01-01", "2021-01-01"]
    assert zoomed_range({"xaxis.range": ["2020", "2021"]}) == ["2020", "2021"]
    assert zoomed_range({"xaxis.autorange": True}) == "all"
    assert zoomed_range({"dragmode": "pan"}) is None
    assert clicked_key({"points": [{"customdata": ["b12", "x"]}]}) == "b12"
    assert clicked_key({"points": [{"customdata": ["1,204", "x"]}]}) is None  # a count
    assert clicked_key(None) is None


def test_published_date_is_checked():
    assert published_date(" 2023-09-13 ") == dt.date(2023, 9, 13)
    assert published_date("") is None
    with pytest.raises(UploadError, match="cannot read 'soon' as a date"):
        published_date("soon")


def test_csv_download_is_the_clis_csv(tmp_path):
    events = [event(0, text="=HYPERLINK(1) said"), event(1, doc="b")]
    data = csv_bytes(events_frame(events))
    assert data.splitlines()[0].decode() == ",".join(FIELDS)
    path = tmp_path / "events.csv"
    path.write_bytes(data)
    assert list(read_events(path)) == events


# Uploads and sessions ----------------------------------------------------------------------


def data_url(data: bytes) -> str:
    return "data:text/plain;base64," + base64.b64encode(data).decode()


def test_uploads_are_checked_for_type_size_and_damage():
    assert decode_upload(data_url(b"hello"), "a.txt", 100) == b"hello"
    with pytest.raises(UploadError, match=r"a\.pdf: cannot read this kind of file"):
        decode_upload(data_url(b"%PDF"), "a.pdf", 100)
    with pytest.raises(UploadError, match=r"big\.txt: too large .*the limit is"):
        decode_upload(data_url(b"x" * 5000), "big.txt", 1000)
    with pytest.raises(UploadError, match="damaged"):
        decode_upload("data:text/plain;base64,@@@", "a.txt", 100)
    with pytest.raises(UploadError, match="empty"):
        decode_upload(data_url(b"  \n"), "a.txt", 100)


def test_an_uploaded_html_page_is_read_like_extract_reads_it():
    page = (b"<html><head><title>Raid ends</title><meta property='article:published_time' "
            b"content='2023-09-13'></head><body><article><p>Police said the raid ended on "
            b"Tuesday after two days.</p><script>alert(1)</script></article></body></html>")
    documents, problems = read_upload(page, "raid.html", None)
    assert problems == []
    (document,) = documents
    assert document.doc_id == "raid" and document.published == dt.date(2023, 9, 13)
    assert "alert" not in document.text and document.source == "raid.html"


def test_typing_a_word_searches_what_the_last_keystroke_found():
    texts = ["Police arrived", "The police chief resigned", "Politicians met", "Kim arrived"]
    corpus = Corpus([event(i, doc="ab"[i % 2], text=t, granularity="day" if i else "month")
                     for i, t in enumerate(texts)])

    def keys(**filters):
        return list(corpus.view(None, Filters(**filters))["key"])

    assert keys(text="pol") == ["b0", "b1", "b2"]
    assert keys(text="Pol", granularities=("day",)) == ["b1", "b2"]
    # each longer text is searched within a cached view, and finds what a fresh search does
    for filters in ({"text": "polic"}, {"text": "police"}, {"text": "police c"},
                    {"text": "police", "granularities": ("day",)},
                    {"text": "police", "documents": ("a",)}):
        found = keys(**filters)
        assert found == list(apply_filters(corpus.base, Filters(**filters))["key"]), filters
    assert keys(text="police c") == ["b1"]
    assert keys(text="arrived") == ["b0", "b3"]  # not within "pol..."


def test_a_session_sees_its_own_articles_only(tmp_path):
    corpus = Corpus(extract(EXAMPLE.read_text(encoding="utf-8"), doc_id="article"))
    base = len(corpus.base)
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThe ministers met on Wednesday.",
                               "article.txt", None)
    ref, events, added = corpus.add({"id": "one", "version": 0}, documents)
    assert ref == {"id": "one", "version": 1} and len(events) == 1
    assert added[0].doc_id == "article-2"  # the served document keeps its id
    assert len(corpus.frame(ref)) == base + 1
    assert len(corpus.frame({"id": "two", "version": 0})) == base
    assert len(corpus.view({"id": "two"}, Filters())) == base
    assert corpus.text(ref, "article-2").startswith("Published")
    assert corpus.text({"id": "two"}, "article-2") is None
    new = corpus.frame(ref).iloc[-1]
    assert new["key"] == "u0" and new["date"] == "2023-09-13"
    assert event_row(corpus.frame(ref), "u0")["doc_id"] == "article-2"


def test_a_session_keeps_no_copy_of_the_served_events():
    # Every question a page asks, asked by sessions that added an article: what the corpus
    # keeps for them afterwards (cached views, table orders) is their own events, not a copy
    # of the served ones (with 256 sessions of 100,000 served events, that was gigabytes).
    corpus = Corpus([event(i, doc=f"d{i % 40}", text=f"Officials number {i} met",
                           date=f"20{10 + i % 14}-0{1 + i % 9}-1{i % 10}",
                           granularity=None if i % 25 == 0 else "day", actors=(f"A{i % 30}",))
                     for i in range(5000)])
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThe ministers met on Wednesday.",
                               "article.txt", None)

    def ask(ref):
        for filters in (Filters(), Filters(text="met")):
            corpus.counts(ref, filters)
            corpus.undated(ref, filters, 10)
            corpus.figure(ref, filters)
            corpus.highlight(ref, filters, "u0", [], "document")
            for request in ({}, {"sortModel": [{"colId": "event", "sort": "desc"}]}):
                corpus.grid(ref, filters, {**request, "startRow": 0, "endRow": 100})
                corpus.row_index(ref, filters, request, "u0")
            corpus.export(ref, filters)
        corpus.choices(ref)
        corpus.options(ref, "actors", "a1", ())
        corpus.options(ref, "documents", "d1", ())

    ask(None)  # the served events' views and orders: one for every page
    refs = [corpus.add({"id": f"s{n}"}, documents)[0] for n in range(4)]
    gc.collect()
    tracemalloc.start()
    try:
        for ref in refs:
            ask(ref)
        gc.collect()
        arrays = tracemalloc.take_snapshot().filter_traces(
            [tracemalloc.DomainFilter(True, np.lib.tracemalloc_domain)])  # numpy's data
    finally:
        tracemalloc.stop()
    kept = sum(stat.size for stat in arrays.statistics("filename"))
    served = int(corpus.base.memory_usage(index=False).sum())  # without the strings' text
    assert corpus.counts(refs[0], Filters()).events == 5001
    assert kept < served / 20, (kept, served)


def test_a_sessions_rows_go_into_the_tables_order_as_if_the_view_were_one_frame():
    corpus = Corpus([event(i, doc="ab"[i % 2], date=f"2023-09-{10 + i % 7:02d}",
                           text=("Kim met", "police arrived", "Putin left")[i % 3],
                           granularity=None if i % 11 == 0 else "day")
                     for i in range(60)])
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThe police met on Wednesday. Kim "
                               b"arrived on Tuesday. Putin left in 2023. Kim left on Monday.",
                               "c.txt", None)
    ref, *_ = corpus.add({"id": "one"}, documents)
    for filters in (Filters(), Filters(text="met")):
        whole = corpus.view(ref, filters)
        for sort in ([], [{"colId": "date", "sort": "desc"}], [{"colId": "event", "sort": "asc"}],
                     [{"colId": "doc", "sort": "desc"}, {"colId": "date", "sort": "asc"}]):
            for start, end in ((0, 100), (5, 23), (len(whole) - 3, len(whole) + 10)):
                request = {"sortModel": sort, "startRow": start, "endRow": end}
                chunk, total = grid_query(whole, request)
                assert corpus.grid(ref, filters, request) == (grid_rows(chunk), total)
            for key in whole["key"]:
                assert corpus.row_index(ref, filters, {"sortModel": sort}, key) == \
                    row_index(whole, {"sortModel": sort}, key)


def test_sessions_are_bounded():
    corpus = Corpus(max_sessions=2)
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThey met on Wednesday.", "a.txt",
                               None)
    for name in ("s1", "s2", "s3"):
        corpus.add({"id": name}, documents)
    assert corpus.session({"id": "s1"}) is None
    assert corpus.session({"id": "s3"}) is not None


def test_the_text_of_all_sessions_together_is_bounded(monkeypatch):
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThey met on Wednesday.", "a.txt",
                               None)
    monkeypatch.setattr(dashboard.corpus, "MAX_TOTAL_CHARS", 2.5 * len(documents[0].text))
    corpus = Corpus()
    for name in ("s1", "s2", "s3", "s4"):
        corpus.add({"id": name}, documents)
    kept = [name for name in ("s1", "s2", "s3", "s4") if corpus.session({"id": name})]
    assert kept == ["s3", "s4"]  # the least recently used went first


# Inputs, app, WSGI, command line ------------------------------------------------------------


def test_inputs_mix_articles_and_event_files(tmp_path):
    extracted = extract(EXAMPLE.read_text(encoding="utf-8"), doc_id="article")
    write_events(extracted, tmp_path / "events.jsonl", "jsonl")
    (tmp_path / "story.jsonl").write_text(json.dumps(
        {"id": "s", "text": "Published: 2023-09-14\n\nThey met on Wednesday."}) + "\n")
    assert is_event_file(str(tmp_path / "events.jsonl"))
    assert not is_event_file(str(tmp_path / "story.jsonl"))
    problems = []
    loaded = load_inputs([str(tmp_path / "events.jsonl"), str(tmp_path / "story.jsonl"),
                          str(tmp_path / "missing.csv")], error=problems.append,
                         warn=problems.append)
    assert loaded.events[: len(extracted)] == extracted
    assert [e.doc_id for e in loaded.events[len(extracted):]] == ["s"]
    assert set(loaded.texts) == {"s"}
    assert len(problems) == 1 and "missing.csv" in problems[0]


def test_the_app_serves_its_page_and_layout():
    app = create_app([event(0)], title="Test run")
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200 and b"Test run" in page.data
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    assert b"events-grid" in layout.data and b"timeline-figure" in layout.data
    assert client.get("/_dash-dependencies").status_code == 200
    assert client.get("/assets/timeline.js").status_code == 200


def test_the_page_brings_its_own_small_plotly_bundle():
    """The page loads the partial plotly.js bundle of the assets (before Dash's renderer, so
    dcc.Graph finds ``window.Plotly`` and never fetches the full bundle), of the major
    version plotly.py writes figures for, with its licence beside it."""
    from plotly.offline import get_plotlyjs_version

    client = create_app([event(0)]).server.test_client()
    page = client.get("/").get_data(as_text=True)
    assert "/assets/plotly-gl2d.min.js" in page
    assert page.index("/assets/plotly-gl2d.min.js") < page.index("dash_renderer")
    bundle = client.get("/assets/plotly-gl2d.min.js").get_data(as_text=True)
    version = re.search(r"plotly\.js \(gl2d - minified\) v(\d+)\.", bundle[:200])
    assert version and version[1] == get_plotlyjs_version().split(".")[0]
    assert "MIT License" in client.get("/assets/plotly-gl2d.LICENSE.txt").get_data(as_text=True)


def test_each_page_load_gets_its_own_session():
    client = create_app().server.test_client()

    def session_id():
        layout = client.get("/_dash-layout").get_json()
        store = layout["props"]["children"][0]["props"]
        return store["data"]["id"]

    assert session_id() != session_id()


def test_the_wsgi_entry_point_serves_the_events_it_is_given(tmp_path, monkeypatch):
    write_events([event(0, text="Kim arrived")], tmp_path / "e.csv", "csv")
    monkeypatch.setenv("TIMELINE_INPUTS", str(tmp_path / "e.csv"))
    monkeypatch.setenv("TIMELINE_TITLE", "Wire desk")
    sys.modules.pop("dashboard.wsgi", None)
    wsgi = importlib.import_module("dashboard.wsgi")
    try:
        assert len(wsgi.app.corpus.base) == 1
        response = wsgi.server.test_client().get("/")
        assert response.status_code == 200 and b"Wire desk" in response.data
        assert wsgi.server.test_client().get("/_dash-layout").status_code == 200
    finally:
        sys.modules.pop("dashboard.wsgi", None)


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "timeline", *args], capture_output=True,
                          text=True, cwd=ROOT, **kwargs)


def test_plot_writes_a_standalone_page(tmp_path):
    write_events(extract(EXAMPLE.read_text(encoding="utf-8"), doc_id="article"),
                 tmp_path / "e.parquet", "parquet")
    result = run("plot", str(tmp_path / "e.parquet"), "-o", str(tmp_path / "t.html"),
                 "--lanes", "actor", "--title", "Kim visit")
    assert result.returncode == 0, result.stderr
    page = (tmp_path / "t.html").read_text(encoding="utf-8")
    assert "Kim visit" in page and "plotly" in page and "Vladivostok" in page
    assert not (tmp_path / "t.html.part").exists()


def test_plot_usage_errors(tmp_path):
    result = run("plot", str(EXAMPLE), "-o", str(tmp_path / "nowhere" / "t.html"))
    assert result.returncode == 2 and "does not exist" in result.stderr
    assert "Traceback" not in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_extracts_articles_then_serves_them_until_stopped():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "timeline", "serve", str(EXAMPLE), "--port", str(port)],
        cwd=ROOT, stderr=subprocess.PIPE, text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout") as r:
                    assert r.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/") as r:
            assert r.status == 200
    finally:
        # SIGTERM, as a service manager stops it (a shell's background jobs ignore SIGINT)
        server.send_signal(signal.SIGTERM)
        try:
            _, stderr = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()  # never leave a server behind
            raise
    assert server.returncode == 0, stderr
    assert "timeline: stopped" in stderr
    assert "1 document, 12 events" in stderr and f"127.0.0.1:{port}" in stderr
    assert "Traceback" not in stderr


def test_serve_on_a_busy_port_is_a_usage_error():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run("serve", "--port", str(port), timeout=60)
    assert result.returncode == 2
    assert f"--port {port}: cannot listen" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.skipif(os.name != "posix", reason="POSIX signals")
def test_serve_rejects_a_bad_port_number():
    result = run("serve", "--port", "70000")
    assert result.returncode == 2 and "not a port number" in result.stderr


def test_the_wsgi_entry_point_serves_a_store(tmp_path, monkeypatch):
    db = tmp_path / "events.sqlite"
    assert main(["extract", str(EXAMPLE), "--db", str(db), "-q"]) == 0
    monkeypatch.setenv("TIMELINE_DB", str(db))
    monkeypatch.delenv("TIMELINE_INPUTS", raising=False)
    sys.modules.pop("dashboard.wsgi", None)
    wsgi = importlib.import_module("dashboard.wsgi")
    try:
        assert wsgi.app.corpus.total(None) == 12
        assert wsgi.server.test_client().get("/").status_code == 200
    finally:
        sys.modules.pop("dashboard.wsgi", None)
