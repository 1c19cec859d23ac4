"""The dashboard over a store (``timeline serve --db``): the same answers as over a frame.

Each store here is written by ``timeline.store`` from the same events as a frame
(``dashboard.corpus.Corpus``), document by document, so the event ``b{i}`` of the frame is the
row ``i + 1`` of the store, ``b{i + 1}``. The browser test is in tests/test_dashboard_browser.py.
"""

from __future__ import annotations

import datetime as dt
import json
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.request
from itertools import groupby
from pathlib import Path

import pandas as pd
import pytest

import dashboard.store
import timeline.store
from dashboard import create_app
from dashboard.app import front_page
from dashboard.callbacks import csv_bytes
from dashboard.corpus import Corpus, read_upload
from dashboard.data import GRID_COLUMNS, NO_ACTOR, Filters
from dashboard.figure import MAX_POINTS, OTHER_LANE, weighted_quantile
from dashboard.store import GRID_SQL, StoreCorpus
from timeline.events import extract
from timeline.records import Document, Event
from timeline.store import StoreError, extraction_settings, missing_indexes, open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "article.txt"


def event(n: int, *, doc: str = "a", date: str = "2023-09-12", start: str | None = None,
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


def write_store(path: Path, events: list[Event], texts: dict[str, str] | None = None) -> Path:
    """A store of ``events`` (documents in order of first appearance, each one's events
    together), as ``timeline extract --db`` writes one."""
    texts = texts or {}
    with open_store(path) as store:
        for doc_id, group in groupby(events, key=lambda e: e.doc_id):
            group = list(group)
            published = group[0].published
            store.put(Document(doc_id, texts.get(doc_id, ""), dt.date.fromisoformat(published)
                               if published else None, title=group[0].title),
                      group, extraction_settings("auto", None))
    return path


def in_store(key: str) -> str:
    return f"b{int(key[1:]) + 1}"


@pytest.fixture
def both(tmp_path):
    """``make(events, texts)``: the frame corpus and the store corpus of the same events."""
    def make(events, texts=None):
        events = sorted(events, key=lambda e: [d for d in dict.fromkeys(
            x.doc_id for x in events)].index(e.doc_id))
        store = write_store(tmp_path / f"events-{len(list(tmp_path.iterdir()))}.db", events,
                            texts)
        return Corpus(events, texts), StoreCorpus(store)

    return make


MIXED = [
    event(0, doc="a", title="Summit", text="Kim arrived", actors=("Kim",)),
    event(1, doc="a", title="Summit", date="2023-W38", start="2023-09-18", end="2023-09-24",
          granularity="week", text="Leaders will meet", actors=("Kim", "Putin"),
          timex="next week"),
    event(2, doc="a", title="Summit", date="XXXX-09", start=None, granularity=None,
          text="Talks resumed", timex="September", actors=()),
    event(3, doc="b", title="Storm", date="2023", start="2023-01-01", end="2023-12-31",
          granularity="year", text="Trade fell 50% in", actors=(), timex="this year"),
    event(4, doc="b", title="Storm", date="2019-04", start="2019-04-01", end="2019-04-30",
          granularity="month", text="Ferries stopped at the Élysée quay",
          actors=("Putin",), timex="April 2019"),
    event(5, doc="c", date="2023-09-10", text="Prices rose 500 in", actors=("Lee",)),
    event(6, doc="c", date="2023-09-11", text="a_b was said", actors=("Lee", "Kim")),
    event(7, doc="c", date="2023-09-11T10:00", start="2023-09-11", granularity="time",
          text="The minister said", actors=(), timex="10 a.m. Monday"),
]
FILTERS = [
    Filters(),
    Filters(start=dt.date(2023, 6, 1), end=dt.date(2023, 6, 30)),
    Filters(start=dt.date(2023, 9, 12)),
    Filters(end=dt.date(2020, 1, 1)),
    Filters(documents=("b", "c")),
    Filters(actors=("Kim",)),
    Filters(actors=(NO_ACTOR,)),
    Filters(actors=("Putin", NO_ACTOR)),
    Filters(granularities=("month", "none")),
    Filters(granularities=("day",)),
    Filters(text="TRADE"),
    Filters(text="tuesday"),
    Filters(text="50%"),
    Filters(text="a_b"),
    Filters(text="élysée"),
    Filters(text="ÉLYSÉE"),
    Filters(text="putin"),
    Filters(text="kim", documents=("a",), granularities=("week",)),
]


# The same answers as the frame ------------------------------------------------------------


@pytest.mark.parametrize("filters", FILTERS, ids=str)
def test_counts_table_undated_and_export_match_the_frame(both, filters):
    frame, store = both(MIXED)
    assert store.counts(None, filters) == frame.counts(None, filters)
    rows, total = frame.grid(None, filters, {"startRow": 0, "endRow": 100})
    stored, stored_total = store.grid(None, filters, {"startRow": 0, "endRow": 100})
    assert stored_total == total
    assert stored == [{**row, "key": in_store(row["key"])} for row in rows]
    first, n = frame.undated(None, filters, 10)
    stored_first, stored_n = store.undated(None, filters, 10)
    assert stored_n == n and list(stored_first["event"]) == list(first["event"])
    assert list(store.export(None, filters)) == list(frame.export(None, filters))


@pytest.mark.parametrize("small_view", [10_000, 0], ids=["rows-kept", "searched-each-time"])
@pytest.mark.parametrize("filters", [f for f in FILTERS if f.text] + [
    Filters(text="no such words"), Filters(text="e", granularities=("day", "none"))], ids=str)
def test_a_search_answers_as_the_frame_whether_its_rows_are_kept_or_not(
        both, monkeypatch, filters, small_view):
    # A search found small is read from its rows (kept once counted); a large one is searched
    # in each query: the same answers either way.
    monkeypatch.setattr(dashboard.store, "SMALL_VIEW", small_view)
    monkeypatch.setattr(dashboard.store, "SMALL_SHARE", 10 ** 9)  # the store's tenth: 0
    frame, store = both(MIXED)
    shown = store.counts(None, filters)
    assert shown == frame.counts(None, filters)
    kept = store._rowids(filters)
    assert (kept is not None) == (shown.events <= small_view)
    if kept is not None:
        assert sorted(json.loads(kept)) == sorted(
            int(in_store(row["key"])[1:]) for row in frame.grid(None, filters, {})[0])
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": "event", "sort": "desc"}]}
    for asked in ({"startRow": 0, "endRow": 100}, request,
                  {**request, "filterModel": {"event": {"type": "contains", "filter": "i"}}}):
        rows, total = frame.grid(None, filters, asked)
        assert store.grid(None, filters, asked) == (
            [{**row, "key": in_store(row["key"])} for row in rows], total)
        for row in rows:
            assert store.row_index(None, filters, asked, in_store(row["key"])) == \
                frame.row_index(None, filters, asked, row["key"])
    first, n = frame.undated(None, filters, 10)
    stored_first, stored_n = store.undated(None, filters, 10)
    assert stored_n == n and list(stored_first["event"]) == list(first["event"])
    assert list(store.export(None, filters)) == list(frame.export(None, filters))
    for lanes in ("document", "actor"):
        expected = frame.figure(None, filters, lanes=lanes, selected="b1")
        figure = store.figure(None, filters, lanes=lanes, selected="b2")
        assert drawn(figure) == drawn(expected, frame=True)
        assert list(figure.data[0].x) == list(expected.data[0].x)
        order = expected.layout.meta["lanes"]
        assert store.highlight(None, filters, "b2", order, lanes) == \
            frame.highlight(None, filters, "b1", order, lanes)


def test_a_view_is_counted_and_grouped_from_the_index_not_the_events(both, monkeypatch):
    # The queries that scan a view's events for the counts and the figure's lanes and groups
    # read the index events_view, which holds all they need, not the events' rows (nor the
    # events one by one through another index).
    _, store = both(many(7000))
    connect, statements = store._connect, []

    def traced():
        connection = connect()
        connection.set_trace_callback(statements.append)
        return connection

    monkeypatch.setattr(store, "_connect", traced)
    filters = Filters(granularities=("day", "week"))
    assert store.figure(None, filters).layout.meta["mode"] == "counts"
    assert store.counts(None, filters).events > MAX_POINTS
    scans = [q for q in statements if q.startswith("SELECT") and "FROM events e" in q]
    assert len(scans) >= 3  # counts, lanes, groups
    sql = connect()
    for query in scans:
        plan = [row[3] for row in sql.execute(f"EXPLAIN QUERY PLAN {query}")]
        read = [step for step in plan if step.startswith(("SCAN e ", "SEARCH e "))]
        assert read and all("COVERING INDEX events_view" in step for step in read), (query, plan)


def old_store(path: Path, events: list[Event]) -> tuple[Path, list[Event]]:
    """A store of ``events`` as written before the indexes events_view and events_view_days
    were added to the schema, and the events in its order (each document's together, as
    ``both`` has them)."""
    documents = list(dict.fromkeys(e.doc_id for e in events))
    events = sorted(events, key=lambda e: documents.index(e.doc_id))
    write_store(path, events)
    with sqlite3.connect(path) as connection:
        connection.execute("DROP INDEX events_view")
        connection.execute("DROP INDEX events_view_days")
    return path, events


VIEWS = [Filters(), Filters(granularities=("day",)), Filters(text="kim"),
         Filters(text="kim", granularities=("week", "month")), Filters(documents=("d1",))]


def test_a_store_written_without_the_view_index_gets_it_when_served(tmp_path):
    path, events = old_store(tmp_path / "old.db", many())
    store, frame = StoreCorpus(path), Corpus(events)
    with sqlite3.connect(path) as connection:
        assert missing_indexes(connection) == []
    for filters in VIEWS:
        assert store.counts(None, filters) == frame.counts(None, filters)
        assert drawn(store.figure(None, filters)) == drawn(frame.figure(None, filters), True)


def test_a_store_that_cannot_be_given_the_index_now_is_read_without_it(tmp_path, monkeypatch):
    path, events = old_store(tmp_path / "old.db", many())
    monkeypatch.setattr(timeline.store, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # extract --db writing it meanwhile
    try:
        store = StoreCorpus(path)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with sqlite3.connect(path) as connection:
        assert missing_indexes(connection) == ["events_view", "events_view_days"]
    frame = Corpus(events)
    for filters in VIEWS:
        assert store.counts(None, filters) == frame.counts(None, filters)
        assert drawn(store.figure(None, filters)) == drawn(frame.figure(None, filters), True)
        assert store.grid(None, filters, {})[1] == frame.grid(None, filters, {})[1]


def test_the_wildcards_of_like_are_searched_as_written(both):
    _, store = both(MIXED)
    assert store.counts(None, Filters(text="50%")).events == 1  # not "500"
    assert store.counts(None, Filters(text="a_b")).events == 1
    assert store.counts(None, Filters(text="élysée")).events == 1  # any case, beyond ASCII


@pytest.mark.parametrize("column", GRID_COLUMNS)
@pytest.mark.parametrize("way", ["asc", "desc"])
def test_table_sorts_like_the_frame(both, column, way):
    frame, store = both(MIXED)
    request = {"startRow": 0, "endRow": 100, "sortModel": [{"colId": column, "sort": way}]}
    rows, _ = frame.grid(None, Filters(), request)
    stored, _ = store.grid(None, Filters(), request)
    assert [r[column] for r in stored] == [r[column] for r in rows]
    key = rows[-1]["key"]
    assert store.row_index(None, Filters(), request, in_store(key)) == \
        frame.row_index(None, Filters(), request, key)


@pytest.mark.parametrize("model", [
    {"event": {"type": "contains", "filter": "ARRIVED"}},
    {"event": {"type": "notContains", "filter": "e"}},
    {"trigger": {"type": "equals", "filter": "said"}},
    {"trigger": {"type": "notEqual", "filter": "said"}},
    {"doc": {"type": "startsWith", "filter": "sto"}},
    {"timex_text": {"type": "endsWith", "filter": "WEEK"}},
    {"granularity": {"type": "blank"}},
    {"actors_text": {"type": "notBlank"}},
    {"actors_text": {"type": "contains", "filter": "lee; kim"}},
    {"event": {"operator": "OR", "conditions": [{"type": "startsWith", "filter": "kim"},
                                                {"type": "endsWith", "filter": "in"}]}},
    {"event": {"operator": "AND", "conditions": [{"type": "contains", "filter": "e"},
                                                 {"type": "contains", "filter": "r"}]},
     "date": {"type": "startsWith", "filter": "2023"}},
    {"event": {"type": "contains", "filter": "%"}},
    {"event": {"type": "unknownType", "filter": "x"}},
])
def test_table_filters_like_the_frame(both, model):
    frame, store = both(MIXED)
    request = {"startRow": 0, "endRow": 100, "filterModel": model}
    rows, total = frame.grid(None, Filters(), request)
    stored, stored_total = store.grid(None, Filters(), request)
    assert stored_total == total
    assert [r["key"] for r in stored] == [in_store(r["key"]) for r in rows]


def test_table_slices_across_the_events_not_on_a_calendar(both):
    frame, store = both(MIXED + [event(8 + i, doc="d", date="XXXX", start=None,
                                       granularity=None) for i in range(5)])
    everything, _ = frame.grid(None, Filters(), {"startRow": 0, "endRow": 100})
    for start in range(0, 14, 3):
        request = {"startRow": start, "endRow": start + 3}
        stored, _ = store.grid(None, Filters(), request)
        assert [r["key"] for r in stored] == [in_store(r["key"])
                                              for r in everything[start:start + 3]]
        for row in everything[start:start + 3]:
            assert store.row_index(None, Filters(), {}, in_store(row["key"])) == \
                frame.row_index(None, Filters(), {}, row["key"])


def test_the_table_refuses_what_it_does_not_know(both):
    frame, store = both(MIXED)
    hostile = {"sortModel": [{"colId": "event; DROP TABLE events", "sort": "asc"},
                             {"colId": "rowid", "sort": "desc"}],
               "filterModel": {"doc) OR 1=1 --": {"type": "equals", "filter": "x"},
                               "event": {"type": "equals", "filter": "'; DROP TABLE events --"}},
               "startRow": 0, "endRow": 10}
    assert store.grid(None, Filters(), hostile) == ([], 0)
    assert store.grid(None, Filters(), {"startRow": 0, "endRow": 10})[1] == len(MIXED)
    assert set(GRID_SQL) == set(GRID_COLUMNS)


def test_one_event_its_text_and_the_ring(both):
    text = EXAMPLE.read_text(encoding="utf-8")
    events = extract(text, "2023-09-13", doc_id="article")
    frame, store = both(events, {"article": text})
    row = store.event(None, "b3")
    expected = frame.event(None, "b2")
    assert {k: row[k] for k in Event.__slots__} == {k: expected[k] for k in Event.__slots__}
    assert store.text(None, "article") == text
    assert store.event(None, "u3") is None and store.event(None, "b999") is None
    order = frame.figure(None, Filters()).layout.meta["lanes"]
    for lanes in ("document", "actor"):
        lane_order = frame.figure(None, Filters(), lanes=lanes).layout.meta["lanes"]
        assert store.highlight(None, Filters(), "b3", lane_order, lanes) == \
            frame.highlight(None, Filters(), "b2", lane_order, lanes)
    assert store.highlight(None, Filters(text="no such words"), "b3", order, "document") == \
        ([], [])


def test_dropdowns_match_the_frame(both):
    frame, store = both([event(i, doc=d, title=t, actors=(a,)) for i, (d, t, a) in enumerate(
        [("a", "Summit", "Kim"), ("b", "Storm", "Putin"), ("b", "Storm", "Putin"),
         ("c", "Budget", "Lee")])] + MIXED[3:4])
    assert store.choices(None) == frame.choices(None)
    for kind, search, keep in (("documents", "", ()), ("documents", "SUM", ()),
                               ("documents", "budget", ("a",)), ("actors", "", ()),
                               ("actors", "le", ("Kim",)), ("actors", "%", ())):
        assert store.options(None, kind, search, keep) == frame.options(None, kind, search,
                                                                         keep)
    assert [o["value"] for o in store.options(None, "documents", "", (), limit=1)] == ["b"]


def test_documents_of_the_same_title_are_told_apart_as_over_the_frame(both, tmp_path):
    events = [event(0, doc="a", title="Summit"), event(1, doc="b", title=" Summit "),
              event(2, doc="c"), event(3, doc="d", title="Summit", date="2023-09-14")]
    frame, store = both(events)
    assert store.choices(None) == frame.choices(None)
    assert [o["label"] for o in store.choices(None)[0]] == [
        "Summit", "Summit (b)", "c", "Summit (d)"]
    assert store.grid(None, Filters(), {})[0] == [
        {**row, "key": in_store(row["key"])} for row in frame.grid(None, Filters(), {})[0]]
    assert drawn(store.figure(None, Filters())) == drawn(frame.figure(None, Filters()), True)
    assert store.options(None, "documents", "(d", ()) == [{"label": "Summit (d)",
                                                           "value": "d"}]


# The figure -------------------------------------------------------------------------------


def drawn(figure, frame: bool = False) -> dict:
    """What a figure shows, comparable between the frame and the store (keys as the store's:
    those of the ``frame``'s figure are renamed)."""
    traces = {}
    for trace in figure.data[1:]:
        custom = [list(row) for row in trace.customdata] if trace.customdata is not None \
            else None
        if frame and custom and str(custom[0][0]).startswith("b"):
            custom = [[in_store(row[0]), *row[1:]] for row in custom]
        x = [pd.Timestamp(v) if v is not None else None for v in trace.x]
        colours = trace.marker.color if trace.marker and trace.marker.color else None
        colours = [colours] * len(x) if isinstance(colours, str) or colours is None \
            else list(colours)
        points = sorted(zip(x, trace.y, [tuple(c) for c in custom] if custom else
                            [None] * len(x), colours, strict=True),
                        key=lambda p: (str(p[0]), str(p[1]), str(p[2])))
        traces.setdefault((trace.name, trace.mode), []).extend(points)
    layout = figure.layout
    return {"meta": layout.meta, "traces": {k: sorted(v, key=str) for k, v in traces.items()},
            "range": layout.xaxis.range, "slider": layout.xaxis.rangeslider.range,
            "notes": sorted(a.text for a in layout.annotations),
            "ticks": layout.yaxis2.ticktext}


def many(n: int = MAX_POINTS + 300, documents: int = 5) -> list[Event]:
    """Days over three years in ``documents`` documents, with weeks, months and a few
    events not on a calendar among them."""
    events = []
    for i in range(n):
        day = dt.date(2020, 1, 1) + dt.timedelta(days=(i * 7) % 1000)
        kind = i % 10
        if kind == 7:
            monday = day - dt.timedelta(days=day.weekday())
            e = event(i, date=f"{day:%G-W%V}", start=monday.isoformat(),
                      end=(monday + dt.timedelta(days=6)).isoformat(), granularity="week")
        elif kind == 8:
            last = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - \
                dt.timedelta(days=1)
            e = event(i, date=f"{day:%Y-%m}", start=day.replace(day=1).isoformat(),
                      end=last.isoformat(), granularity="month")
        elif kind == 9 and i % 20 == 9:
            e = event(i, date="XXXX", start=None, granularity=None)
        else:
            e = event(i, date=day.isoformat())
        doc = f"d{i % documents}"
        events.append(Event(**{**e.to_dict(), "doc_id": doc, "event_id": f"{doc}-{i}",
                               "title": f"Doc {i % documents}",
                               "actors": tuple(["Kim", "Putin", "Lee"][: i % 4])}))
    return events


@pytest.mark.parametrize("lanes", ["document", "actor"])
def test_a_few_events_are_drawn_one_by_one_as_over_the_frame(both, lanes):
    frame, store = both(MIXED)
    for filters in (Filters(), Filters(documents=("a", "b"))):
        expected = frame.figure(None, filters, lanes=lanes, selected="b1")
        figure = store.figure(None, filters, lanes=lanes, selected="b2")
        assert drawn(figure) == drawn(expected, frame=True)
        assert list(figure.data[0].x) == list(expected.data[0].x)


@pytest.mark.parametrize("lanes", ["document", "actor"])
@pytest.mark.parametrize("max_lanes", [30, 3])
def test_many_events_are_counted_by_sql_and_drawn_as_over_the_frame(both, lanes, max_lanes):
    frame, store = both(many())
    expected = frame.figure(None, Filters(), lanes=lanes, max_lanes=max_lanes)
    figure = store.figure(None, Filters(), lanes=lanes, max_lanes=max_lanes)
    assert expected.layout.meta["mode"] == "counts"
    if max_lanes == 3:
        assert OTHER_LANE in figure.layout.meta["lanes"]
    assert drawn(figure) == drawn(expected, frame=True)


def test_the_other_lane_counts_times_and_days_of_the_same_day_together(both):
    # Other's events are grouped by period and granularity, then by how they are drawn: a
    # time and a day on the same day are one count, as over the frame.
    events = many()
    times = [Event(**{**e.to_dict(), "doc_id": f"t{i % 7}", "event_id": f"t-{i}",
                      "granularity": "time", "date": f"{e.date}T10:00", "title": None})
             for i, e in enumerate(events[:700]) if e.granularity == "day"]
    frame, store = both(events + times)
    for max_lanes in (3, 8, 30):
        expected = frame.figure(None, Filters(), max_lanes=max_lanes)
        assert expected.layout.meta["mode"] == "counts"
        assert drawn(store.figure(None, Filters(), max_lanes=max_lanes)) == \
            drawn(expected, frame=True)


@pytest.mark.parametrize("xrange", [["2021-01-01", "2021-02-01 12:30"],
                                    ["2019-06-01", "2022-12-31"]])
def test_zooming_in_draws_the_span_as_over_the_frame(both, xrange):
    frame, store = both(many())
    expected = frame.figure(None, Filters(), xrange=xrange)
    figure = store.figure(None, Filters(), xrange=xrange)
    assert drawn(figure) == drawn(expected, frame=True)
    assert figure.layout.meta["lanes"] == expected.layout.meta["lanes"]


@pytest.mark.parametrize("small_view", [10_000, 0], ids=["rows-kept", "searched-each-time"])
def test_filtered_many_events_match_the_frame(both, monkeypatch, small_view):
    monkeypatch.setattr(dashboard.store, "SMALL_VIEW", small_view)
    monkeypatch.setattr(dashboard.store, "SMALL_SHARE", 10 ** 9)  # the store's tenth: 0
    frame, store = both(many())
    for filters in (Filters(text="kim", granularities=("day", "week")),
                    Filters(start=dt.date(2021, 3, 1), actors=("Putin", NO_ACTOR))):
        for max_lanes in (30, 3):  # an Other lane: its groups read apart unless searched
            assert drawn(store.figure(None, filters, max_lanes=max_lanes)) == \
                drawn(frame.figure(None, filters, max_lanes=max_lanes), True)
        assert store.counts(None, filters) == frame.counts(None, filters)
    assert (store._rowids(Filters(text="kim", granularities=("day", "week"))) is None) == \
        (small_view == 0)


def test_a_search_whose_rows_were_forgotten_is_counted_again(both, monkeypatch):
    monkeypatch.setattr(dashboard.store, "KEPT_SEARCHES", 1)
    frame, store = both(MIXED)
    first, second = Filters(text="kim"), Filters(text="putin")
    assert store.counts(None, first) == frame.counts(None, first)
    assert store.counts(None, second) == frame.counts(None, second)  # the first's rows go
    assert [key[1] for key in store._searched] == [second]
    rows, total = frame.grid(None, first, {})
    assert store.grid(None, first, {}) == ([{**row, "key": in_store(row["key"])}
                                            for row in rows], total)
    assert [key[1] for key in store._searched] == [first]


def test_an_empty_store_says_so(tmp_path):
    store = StoreCorpus(write_store(tmp_path / "empty.db", []))
    figure = store.figure(None, Filters(), empty_message="No events yet")
    assert figure.layout.annotations[0].text == "No events yet"
    assert store.counts(None, Filters()).sentence() == "0 events from 0 documents"
    assert store.grid(None, Filters(), {}) == ([], 0)
    assert len(store.choices(None)[2]) > 5  # every granularity, as for an empty frame


def test_weighted_quantiles_are_those_of_the_repeated_values():
    values = pd.Series(pd.to_datetime(["2020-01-01", "2020-03-01", "2021-07-15 12:00",
                                       "2019-05-05"], format="ISO8601"))
    weights = pd.Series([3, 1, 5, 2])
    repeated = values.repeat(weights)
    for q in (0.0, 0.1, 0.37, 0.5, 0.9, 1.0):
        assert abs(weighted_quantile(values, weights, q) - repeated.quantile(q)) < \
            pd.Timedelta(milliseconds=1)


# Reading while another process writes; adding articles ------------------------------------


def test_the_store_is_read_only_and_follows_another_writer(tmp_path):
    path = write_store(tmp_path / "s.db", MIXED[:3])
    corpus = StoreCorpus(path)
    app = create_app(db=path)
    before = corpus.version()
    with corpus._read() as sql, pytest.raises(sqlite3.OperationalError, match="readonly"):
        sql.execute("DELETE FROM events")
    assert corpus.total(None) == 3 and corpus.counts(None, Filters()).events == 3
    first = app.layout()
    with open_store(path) as writer:  # extract --db, meanwhile
        writer.put(Document("late", "Late text", None), [event(9, doc="late")],
                   extraction_settings("auto", None))
    assert corpus.version() != before
    assert corpus.total(None) == 4 and corpus.counts(None, Filters()).events == 4
    assert "3 events" in json.dumps(first.to_plotly_json(), default=str)
    assert "4 events" in json.dumps(app.layout().to_plotly_json(), default=str)


def test_a_front_page_is_made_once_while_nothing_changes():
    corpus = Corpus([event(0)])
    made = []
    corpus.choices = lambda ref, choices=corpus.choices: made.append(1) or choices(ref)
    front = front_page(corpus)
    front()
    front()
    assert made == [1]


def test_articles_added_in_a_page_go_into_the_store_for_every_reader(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8")
    path = write_store(tmp_path / "s.db", extract(text, "2023-09-13", doc_id="article"),
                       {"article": text})
    app = create_app(db=path)
    corpus = app.corpus
    served = corpus.total(None)
    documents, _ = read_upload(b"Published: 2023-09-14\n\nThe ministers met on Wednesday.",
                               "article.txt", None)
    ref, events, added = corpus.add({"id": "one", "version": 0}, documents)
    assert ref == {"id": "one", "version": 1} and len(events) == 1
    assert added[0].doc_id == "article-2"  # the stored article keeps its id
    assert corpus.total({"id": "two"}) == served + 1  # another page sees it too
    assert corpus.text(None, "article-2").startswith("Published")
    with open_store(path, readonly=True) as store:
        assert [e.event for e in store.events("article-2")] == [events[0].event]
    # the same article again is not stored twice
    _, again, added_again = corpus.add({"id": "two"}, documents)
    assert added_again[0].doc_id == "article-2" and again == events
    assert corpus.total(None) == served + 1
    # two articles of one file, of the same id, are both kept
    pair, _ = read_upload(b'{"id": "x", "text": "They met on 2023-09-12."}\n'
                          b'{"id": "x", "text": "They left on 2023-09-14."}\n', "two.jsonl", None)
    _, _, both_added = corpus.add(None, pair)
    assert [d.doc_id for d in both_added] == ["x", "x-2"]
    assert corpus.total(None) == served + 3


def test_csv_of_a_store_is_the_clis_csv(both, tmp_path):
    frame, store = both(MIXED)
    assert csv_bytes(store.export(None, Filters(text="kim"))) == \
        csv_bytes(frame.export(None, Filters(text="kim")))


def test_a_missing_file_or_another_kind_of_file_is_refused(tmp_path):
    with pytest.raises(StoreError, match="no such file"):
        StoreCorpus(tmp_path / "missing.db")
    (tmp_path / "text.db").write_text("not a database")
    with pytest.raises(StoreError, match="not a SQLite database"):
        create_app(db=tmp_path / "text.db")
    assert not (tmp_path / "missing.db").exists()


def test_the_app_over_a_store_serves_its_page(tmp_path):
    app = create_app(db=write_store(tmp_path / "s.db", MIXED), title="Store run")
    client = app.server.test_client()
    page = client.get("/")
    assert page.status_code == 200 and b"Store run" in page.data
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200 and b"8 events from 3 documents" in layout.data


# Command line ------------------------------------------------------------------------------


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "timeline", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=120, **kwargs)


def test_serve_db_refuses_a_missing_store_and_other_files(tmp_path):
    result = run("serve", "--db", str(tmp_path / "missing.db"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "missing.db: no such file" in result.stderr
    assert not (tmp_path / "missing.db").exists()
    (tmp_path / "notes.db").write_text("hello")
    result = run("serve", "--db", str(tmp_path / "notes.db"))
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "notes.db: not a SQLite database" in result.stderr
    (tmp_path / "e.csv").write_text("doc_id\n")
    result = run("serve", "--db", str(tmp_path / "new.db"), str(tmp_path / "e.csv"))
    assert result.returncode == 2 and "holds events, not articles" in result.stderr
    assert "Traceback" not in result.stderr


def serve_until_up(args: list[str], port: int) -> subprocess.Popen:
    server = subprocess.Popen([sys.executable, "-m", "timeline", "serve", *args, "--port",
                               str(port)], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_dash-layout") as response:
                assert response.status == 200
                return server
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise AssertionError(server.communicate()[1]) from None
            time.sleep(0.2)


def stop(server: subprocess.Popen) -> str:
    server.send_signal(signal.SIGTERM)
    try:
        _, stderr = server.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()
        raise
    assert server.returncode == 0, stderr
    return stderr


def test_serve_db_extracts_its_inputs_into_the_store_once(tmp_path):
    from test_dashboard import free_port

    db = tmp_path / "events.db"
    port = free_port()
    stderr = stop(serve_until_up(["--db", str(db), str(EXAMPLE)], port))
    assert "1 document, 12 events" in stderr and "serving 12 events" in stderr
    with open_store(db, readonly=True) as store:
        assert store.count() == 12
    stderr = stop(serve_until_up(["--db", str(db), str(EXAMPLE)], port))
    assert "1 document (1 unchanged), 12 events" in stderr
    stderr = stop(serve_until_up(["--db", str(db)], port))
    assert "serving 12 events" in stderr and "Traceback" not in stderr
