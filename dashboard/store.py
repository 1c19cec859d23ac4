"""The dashboard over a store (``timeline serve --db PATH``): the questions the page asks (see
``dashboard.corpus``) answered with SQL, so the server holds what a view shows, never the
whole store, and the store may be larger than memory.

- The store (``timeline.store``) is read through connections opened read-only, a few kept
  for the server's threads, each question in one read transaction (one snapshot); a run of
  ``timeline extract --db`` writing the same file meanwhile is fine (the store's journal is
  a write-ahead log). ``version()`` changes whenever another connection has written.
- A view is the reader's ``Filters`` made a WHERE clause (``view_where``). Values are always
  parameters; column names come from the fixed tables here, never from a request.
- A new view is counted first, in one query (kept while the store stays as it is): that
  decides whether the figure draws its events or their counts. A view with a text search
  (which SQLite can only test row by row, over the whole events) is searched once: when it
  holds at most ``SMALL_VIEW`` events or a tenth of the store, that count also gives their
  rowids (kept for the last ``KEPT_SEARCHES`` searches), and every later question about the
  view (figure, table, list of undated events, ring, CSV) reads those rows only. Counts,
  lanes and groups of the other views are read from the indexes on ``(doc_id, granularity,
  start, end)`` and ``(start, end, granularity, doc_id)``, not from the events' rows; a store
  written without them gets them when the server opens it, if it may write it (else it is
  read without them: the same answers, slower).
- Events are keyed ``b`` + their rowid. A document's label is its title made unique (the
  later of two documents of the same title is ``title (doc_id)``), else its id, as over a
  frame; its colour follows its position in the store.
- The figure: when the view (or the span zoomed to) has at most ``MAX_POINTS`` events on a
  calendar, only those rows are fetched, with only the columns the figure needs, and drawn by
  ``figure.build_figure``; above that, SQL counts the events per lane and period, and
  ``figure.draw`` draws the counts and the overview from them.
- Articles added in the page are extracted into the store, for every reader (without a store
  they belong to the page that added them).
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go

from dashboard.corpus import UploadError
from dashboard.data import (
    NO_ACTOR,
    OPTIONS_SHOWN,
    POINT_GRANULARITIES,
    Counts,
    Filters,
    event_row,
    granularity_labels,
    granularity_order,
    keep_chosen,
    with_derived,
)
from dashboard.figure import (
    MAX_LANES,
    MAX_POINTS,
    OTHER_LANE,
    build_figure,
    draw,
    highlight_points,
    place,
)
from timeline.events import extract_document, load_pipeline
from timeline.readers import read_documents
from timeline.records import FIELDS, Document, Event
from timeline.store import (
    BUSY_TIMEOUT,
    StoreError,
    content_hash,
    extraction_settings,
    missing_indexes,
    open_store,
)

MAX_IDLE = 8  # read connections kept open between questions
MAX_ROWS = 1000  # rows of the table in one answer (AG Grid asks for blocks of 100)
CACHED = 64  # answers kept (counts, choices ...), for the store as it is now
# A searched view of at most SMALL_VIEW events, or a tenth of the store, is kept as its rowids
# (the last KEPT_SEARCHES of them; 100,000 rowids are 0.7 MB of JSON).
SMALL_VIEW = 10_000
SMALL_SHARE = 10
KEPT_SEARCHES = 8

# SQL over ``events e``: an event on a calendar, a document's label, what the granularity
# filter reads, an event drawn as a point. Fixed text: no value from a request goes in here.
# (The unary + keeps SQLite from reading "end IS NOT NULL" through the index on end, row by
# row, where a scan of the index that covers the query reads far less.)
DATED = '(+e.start IS NOT NULL AND +e."end" IS NOT NULL)'
UNDATED = '(e.start IS NULL OR e."end" IS NULL)'
LABEL = "timeline_label(e.doc_id, e.title)"  # see StoreCorpus._label
GRANULARITY = f"(CASE WHEN {DATED} THEN coalesce(e.granularity, 'none') ELSE 'none' END)"
POINT = "coalesce(e.granularity IN ({}), 0)".format(
    ", ".join(f"'{g}'" for g in sorted(POINT_GRANULARITIES)))
LOWER = "timeline_lower"  # Python's str.lower, for text other than ASCII
# The table's columns (data.GRID_COLUMNS) in SQL.
GRID_SQL = {
    "date": "e.date",
    "granularity": f"(CASE WHEN {DATED} THEN e.granularity END)",
    "event": "e.event",
    "trigger": "e.trigger",
    "actors_text": "(SELECT group_concat(value, '; ') FROM json_each(e.actors))",
    "timex_text": "e.timex_text",
    "doc": LABEL,
}
CHRONOLOGICAL = f'(NOT {DATED}), e.start, e."end", e.rowid'
SEARCHED = ("e.event", "e.sentence", "e.timex_text", "e.actors")  # what the search box reads
_COLUMNS = ", ".join(f'e."{name}"' for name in FIELDS)
_FIGURE_COLUMNS = ('e.doc_id, e.date, e.start, e."end", e.granularity, e.event, '
                   "e.timex_text, e.actors")
_KEYED = ("'b' || e.rowid AS key, {columns}, " + LABEL + " AS doc, "
          "coalesce(d.position - 1, 0) AS colour "
          "FROM events e LEFT JOIN documents d ON d.doc_id = e.doc_id")


class StoreCorpus:
    """The events of the store at ``path``, read as the page asks (see ``dashboard.corpus``).

    Raises ``StoreError`` when ``path`` is missing or not a store. Articles added in the page
    are extracted with ``nlp`` (default: the pipeline ``model`` names, else the blank one)
    in ``mode`` and written to the store.
    """

    def __init__(self, path: str | os.PathLike, *, mode: str = "auto", nlp=None,
                 model: str | None = None):
        self.path = Path(path)
        open_store(self.path, readonly=True).close()  # a store of this schema, or StoreError
        self.mode = mode
        self.model = model
        self._uri = f"{self.path.resolve().as_uri()}?mode=ro"
        self._nlp = nlp
        self._nlp_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._lock = threading.Lock()
        self._idle: list[sqlite3.Connection] = []
        self._watch = self._connect()
        if missing_indexes(self._watch):  # a store written before they were added
            with contextlib.suppress(StoreError):  # read-only, or being written: without
                open_store(self.path).close()  # (opened to write, it gets them)
        self._cache: OrderedDict[tuple, object] = OrderedDict()
        self._searched: OrderedDict[tuple, str] = OrderedDict()  # rowids of small searches
        self._renamed: tuple[int | None, dict[str, str]] = (None, {})

    # connections

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self._uri, uri=True, timeout=BUSY_TIMEOUT,
                                     isolation_level=None, check_same_thread=False)
        connection.create_function(LOWER, 1, _lower, deterministic=True)
        connection.create_function("timeline_label", 2, self._label)
        return connection

    def _label(self, doc_id: str, title: str | None) -> str:
        """A document's label, as ``data.document_labels`` makes it."""
        renamed = self._renamed[1].get(doc_id)
        if renamed is not None:
            return renamed
        return title.strip() if isinstance(title, str) and title.strip() else doc_id

    def _rename(self, sql: sqlite3.Connection) -> None:
        """Find the documents whose title an earlier document has (few, and only when the
        store has changed): their labels are ``title (doc_id)``."""
        version = self.version()
        if self._renamed[0] == version:
            return
        renamed = {}
        rows = sql.execute(
            "SELECT doc_id, trim(title) FROM documents WHERE events > 0 AND trim(title) IN "
            "(SELECT trim(title) FROM documents WHERE events > 0 AND trim(title) <> '' "
            "GROUP BY trim(title) HAVING count(*) > 1) ORDER BY position")
        seen = set()
        for doc_id, title in rows:
            if title in seen:
                renamed[doc_id] = f"{title} ({doc_id})"
            seen.add(title)
        self._renamed = (version, renamed)

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """A connection for one question, in a read transaction (one snapshot of the store)."""
        with self._lock:
            connection = self._idle.pop() if self._idle else None
        connection = connection or self._connect()
        connection.execute("BEGIN")
        try:
            self._rename(connection)
            yield connection
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")  # it read, nothing to keep
            with self._lock:
                keep = len(self._idle) < MAX_IDLE
                if keep:
                    self._idle.append(connection)
            if not keep:
                connection.close()

    def version(self) -> int:
        """Changes whenever the store has been written (by this server or another process)."""
        with self._lock:
            return self._watch.execute("PRAGMA data_version").fetchone()[0]

    def _cached(self, key: tuple, make: Callable[[], object]):
        """``make()``, kept while the store stays as it is."""
        key = (self.version(), *key)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        value = make()
        with self._lock:
            self._cache[key] = value
            while len(self._cache) > CACHED:
                self._cache.popitem(last=False)
        return value

    def _one(self, query: str, parameters: Sequence = ()) -> tuple:
        with self._read() as sql:
            return sql.execute(query, parameters).fetchone()

    # sessions: the store is the same for every page

    @staticmethod
    def new_session_id() -> str:
        return uuid.uuid4().hex

    def total(self, ref: dict | None) -> int:
        """How many events the store holds."""
        return self._cached(("total",), lambda: self._one("SELECT count(*) FROM events")[0])

    # what the page asks

    def counts(self, ref: dict | None, filters: Filters) -> Counts:
        """How many events, documents and undated events the view holds, of how many."""
        events, documents, undated = self._view(filters)
        return Counts(events=events, documents=documents, undated=undated,
                      total=self.total(ref))

    def _view(self, filters: Filters) -> tuple[int, int, int]:
        """The view's numbers of events, documents and undated events: one query, kept."""
        return self._cached(("view", filters), lambda: self._count(filters))

    def _count(self, filters: Filters) -> tuple[int, int, int]:
        """The view's numbers (``_view``); a search found small keeps its rowids too."""
        where, parameters = view_where(filters)
        if not filters.text:  # by document: the index on (doc_id, ...) read in its order
            return tuple(self._one(
                "SELECT coalesce(sum(n), 0), count(*), coalesce(sum(undated), 0) FROM (SELECT "
                f"count(*) AS n, sum(NOT {DATED}) AS undated FROM events e WHERE {where} "
                "GROUP BY e.doc_id)", parameters))
        version = self.version()  # read row by row anyway: the rows found come with the count
        *numbers, rowids = self._one(
            f"SELECT count(*), count(DISTINCT e.doc_id), coalesce(sum(NOT {DATED}), 0), CASE "
            f"WHEN count(*) <= {self._small()} THEN json_group_array(e.rowid) END FROM events e "
            f"WHERE {where}", parameters)
        if rowids is not None:
            with self._lock:
                self._searched[(version, filters)] = rowids
                while len(self._searched) > KEPT_SEARCHES:
                    self._searched.popitem(last=False)
        return tuple(numbers)

    def _small(self) -> int:
        """How many events a search may find and be kept as its rows."""
        return max(SMALL_VIEW, self.total(None) // SMALL_SHARE)

    def _rowids(self, filters: Filters) -> str | None:
        """The rowids (a JSON list) of a search found small, None for a larger view."""
        if not filters.text or self._view(filters)[0] > self._small():
            return None
        key = (self.version(), filters)
        for _ in range(2):  # counted again when its rows have been forgotten
            with self._lock:
                if key in self._searched:
                    self._searched.move_to_end(key)
                    return self._searched[key]
            self._count(filters)
        return None  # the store changed meanwhile

    def _where(self, filters: Filters) -> tuple[str, list]:
        """``view_where``, or, for a search found small, its rows."""
        rowids = self._rowids(filters)
        if rowids is not None:
            return "e.rowid IN (SELECT value FROM json_each(?))", [rowids]
        return view_where(filters)

    def undated(self, ref: dict | None, filters: Filters,
                limit: int) -> tuple[pd.DataFrame, int]:
        """The first ``limit`` events of the view not on a calendar, and how many there are."""
        total = self.counts(ref, filters).undated
        where, parameters = self._where(filters)
        with self._read() as sql:
            cursor = sql.execute(
                f"SELECT e.timex_text, e.date, e.event, {LABEL} AS doc FROM events e "
                f"WHERE {where} AND {UNDATED} ORDER BY e.rowid LIMIT ?",
                [*parameters, limit if total else 0])
            return _records(cursor), total

    def figure(self, ref: dict | None, filters: Filters, *, lanes: str = "document",
               xrange: Sequence | None = None, selected: str | None = None,
               max_points: int = MAX_POINTS, max_lanes: int = MAX_LANES,
               uirevision: str | None = None,
               empty_message: str = "No events to show") -> go.Figure:
        """The timeline of the view, as ``figure.build_figure`` draws it from a frame."""
        shown = self.counts(ref, filters)
        view = self._where(filters)
        where, parameters = view
        where = f"{where} AND {DATED}"
        inside, inside_parameters = where, parameters
        if xrange:
            x0, x1 = (pd.Timestamp(x) for x in xrange)
            inside = f'{where} AND e."end" >= ? AND e.start <= ?'
            inside_parameters = [*parameters, _iso_day(x0), _iso_day(x1)]
        by_actor = lanes == "actor"
        source = ("events e LEFT JOIN event_actors a ON a.event = e.rowid" if by_actor
                  else "events e")
        options = {"lanes": lanes, "max_points": max_points, "uirevision": uirevision,
                   "empty_message": empty_message}
        dated = shown.events - shown.undated
        with self._read() as sql:
            # the events one by one, unless there are too many to draw (in lanes: each actor,
            # so never fewer places than events)
            rows, placed = None, dated
            if xrange or dated <= max_points:
                rows = _records(sql.execute(
                    f"SELECT {_KEYED.format(columns=_FIGURE_COLUMNS)} WHERE {inside} "
                    "ORDER BY e.rowid LIMIT ?", [*inside_parameters, max_points + 1]))
                placed = sum(max(1, len(json.loads(a))) for a in rows["actors"]) \
                    if by_actor else len(rows)
            if placed <= max_points and not xrange:
                figure = build_figure(_figure_frame(rows), max_lanes=max_lanes, **options)
            else:  # the lanes of the whole view, not only of the span zoomed to
                lanes_of = _lanes(sql, source, where, parameters, by_actor, max_lanes)
                order = list(lanes_of.values())
                if placed <= max_points:
                    figure = build_figure(_figure_frame(rows), xrange=xrange, order=order,
                                          **options)
                else:
                    # a search over the text reads the events' rows: in the table's order
                    indexed = not filters.text or self._rowids(filters) is not None
                    groups = _groups(sql, source, inside, inside_parameters, lanes_of, by_actor,
                                     indexed)
                    if not by_actor:
                        drawn = int(groups["n"].sum())
                    elif not xrange:
                        drawn = dated
                    else:
                        drawn = sql.execute(f"SELECT count(*) FROM events e WHERE {inside}",
                                            inside_parameters).fetchone()[0]
                    figure = draw(place(groups, order), order, xrange=xrange, shown=drawn,
                                  **options)
            if selected is not None:
                x, y = _highlight(sql, view, selected, figure.layout.meta["lanes"], lanes)
                figure.data[0].x, figure.data[0].y = x, y
        return figure

    def highlight(self, ref: dict | None, filters: Filters, key: str, order: list[str],
                  lanes: str) -> tuple[list, list]:
        """Where the ring around the event ``key`` goes on the figure's lanes ``order``."""
        view = self._where(filters)
        with self._read() as sql:
            return _highlight(sql, view, key, order, lanes)

    def grid(self, ref: dict | None, filters: Filters, request: dict) -> tuple[list[dict], int]:
        """The table's rows AG Grid asked for (sorted, filtered and sliced by SQL), and how
        many rows the table has in all."""
        where, parameters = grid_where(self._where(filters), request)
        first = max(0, int(request.get("startRow") or 0))
        size = min(MAX_ROWS, max(0, int(request.get("endRow") or first + 100) - first))
        order = grid_sort(request.get("sortModel"))
        select = (f"SELECT 'b' || e.rowid AS key, e.date, {GRID_SQL['granularity']}, e.event, "
                  f"e.trigger, e.actors, e.timex_text, {LABEL} FROM events e")
        if request.get("filterModel"):
            total = self._cached(("grid", filters, _json(request["filterModel"])), lambda: (
                self._one(f"SELECT count(*) FROM events e WHERE {where}", parameters)[0]))
        else:
            total = self.counts(ref, filters).events
        with self._read() as sql:
            if order is not None:
                rows = sql.execute(f"{select} WHERE {where} ORDER BY {order} LIMIT ? OFFSET ?",
                                   [*parameters, size, first]).fetchall()
            else:  # by date, through the index on (start, end), then those not on a calendar
                rows = sql.execute(
                    f'{select} WHERE {where} AND {DATED} ORDER BY e.start, e."end", e.rowid '
                    "LIMIT ? OFFSET ?", [*parameters, size, first]).fetchall()
                if len(rows) < size:
                    dated = sql.execute(f"SELECT count(*) FROM events e WHERE {where} AND "
                                        f"{DATED}", parameters).fetchone()[0]
                    rows += sql.execute(
                        f"{select} WHERE {where} AND {UNDATED} ORDER BY e.rowid "
                        "LIMIT ? OFFSET ?",
                        [*parameters, size - len(rows), max(0, first - dated)]).fetchall()
        return [_grid_row(row) for row in rows], total

    def row_index(self, ref: dict | None, filters: Filters, request: dict,
                  key: str) -> int | None:
        """Where the event ``key`` is in the table's order, None when the table leaves it out."""
        rowid = _rowid(key)
        if rowid is None:
            return None
        where, parameters = grid_where(self._where(filters), request)
        order = grid_sort(request.get("sortModel")) or CHRONOLOGICAL
        row = self._one(
            f"SELECT place FROM (SELECT e.rowid AS id, row_number() OVER (ORDER BY {order}) - 1 "
            f"AS place FROM events e WHERE {where}) WHERE id = ?", [*parameters, rowid])
        return None if row is None else int(row[0])

    def event(self, ref: dict | None, key: str | None) -> dict | None:
        """One event by its key, as ``data.event_row`` gives it (None when not stored)."""
        rowid = _rowid(key)
        if rowid is None:
            return None
        with self._read() as sql:
            frame = _frame(_records(sql.execute(f"SELECT {_KEYED.format(columns=_COLUMNS)} "
                                                "WHERE e.rowid = ?", [rowid])))
        return event_row(frame, key)

    def text(self, ref: dict | None, doc_id: str) -> str | None:
        """The text of the article ``doc_id``."""
        row = self._one("SELECT text FROM documents WHERE doc_id = ?", [doc_id])
        return None if row is None else row[0]

    def choices(self, ref: dict | None) -> tuple[list, list, list]:
        """The filters' choices: documents, actors (the busiest), granularities."""
        return self._cached(("choices",), lambda: (
            self.options(ref, "documents", "", ()), self.options(ref, "actors", "", ()),
            granularity_labels(granularity_order(row[0] for row in self._all(
                f"SELECT DISTINCT {GRANULARITY} FROM events e")))))

    def options(self, ref: dict | None, kind: str, search: str,
                keep: Sequence[str], limit: int = OPTIONS_SHOWN) -> list[dict]:
        """The ``"documents"`` or ``"actors"`` a dropdown offers: those holding ``search``
        (any case), the ones with most events first when there are more than ``limit``, and
        those in ``keep`` (already picked)."""
        if kind == "documents":
            return self._document_options(search, keep, limit)
        match, parameters = contains("actor", search) if search else ("1", [])
        options = [{"label": f"{actor} ({n})", "value": actor} for actor, n in self._all(
            f"SELECT actor, count(*) AS n FROM event_actors WHERE {match} GROUP BY actor "
            "ORDER BY n DESC, actor LIMIT ?", [*parameters, limit])]
        return keep_chosen(options, keep, {})

    def _document_options(self, search: str, keep: Sequence[str], limit: int) -> list[dict]:
        label = "timeline_label(doc_id, title)"
        match, parameters = contains(label, search) if search else ("1", [])
        rows = self._all(f"SELECT doc_id, {label}, position FROM documents WHERE events > 0 "
                         f"AND {match} ORDER BY events DESC, position LIMIT ?",
                         [*parameters, limit + 1])
        if len(rows) <= limit:  # all of them: in the store's order
            rows.sort(key=lambda row: row[2])
        options = [{"label": name, "value": doc_id} for doc_id, name, _ in rows[:limit]]
        labels = dict(self._all(f"SELECT doc_id, {label} FROM documents WHERE doc_id IN "
                                "(SELECT value FROM json_each(?))", [json.dumps(list(keep))]))
        return keep_chosen(options, keep, labels)

    def _all(self, query: str, parameters: Sequence = ()) -> list[tuple]:
        with self._read() as sql:
            return sql.execute(query, parameters).fetchall()

    def export(self, ref: dict | None, filters: Filters) -> Iterator[Event]:
        """The events of the view, by document and position, read as they are written out."""
        where, parameters = self._where(filters)
        with self._read() as sql:
            cursor = sql.execute(f"SELECT {_COLUMNS} FROM events e JOIN documents d ON "
                                 f"d.doc_id = e.doc_id WHERE {where} ORDER BY d.position, e.seq",
                                 parameters)
            while rows := cursor.fetchmany(1000):
                yield from (_event(row) for row in rows)

    # articles added in the page

    def add(self, ref: dict | None, documents: list[Document]) -> tuple[dict, list[Event], list]:
        """Extract ``documents`` into the store, for every reader. A document whose id the
        store holds for another article gets a new one; one it holds already, unchanged, is
        not extracted again. Returns the page's new session reference (its version bumped, so
        the page asks again), the documents' events and the documents as added."""
        settings = extraction_settings(self.mode, self.model)
        added, found = [], []
        with self._write_lock:  # one upload at a time chooses its ids and writes
            fresh = []
            for document in documents:
                document, current = self._placed(document, settings,
                                                 {d.doc_id for d in added})
                added.append(document)
                if current:
                    found += self.export(ref, Filters(documents=(document.doc_id,)))
                else:
                    fresh.append((document, self._extract(document)))
            try:
                with open_store(self.path) as store:
                    for document, events in fresh:
                        store.put(document, events, settings)
                        found += events
            except StoreError as problem:
                raise UploadError(f"cannot add it to the store now ({problem})") from None
        session = ref or {}
        return ({"id": str(session.get("id") or self.new_session_id()),
                 "version": int(session.get("version") or 0) + 1}, found, added)

    def _placed(self, document: Document, settings: str,
                taken: set[str]) -> tuple[Document, bool]:
        """``document`` with an id neither in ``taken`` nor held by the store for another
        article, and whether the store holds it already."""
        base, n = document.doc_id, 1
        while True:
            row = self._one("SELECT content_hash, settings FROM documents WHERE doc_id = ?",
                            [document.doc_id])
            if row is None and document.doc_id not in taken:
                return document, False
            if row is not None and tuple(row) == (content_hash(document), settings):
                return document, True
            n += 1
            document = replace(document, doc_id=f"{base}-{n}")

    def _extract(self, document: Document) -> list[Event]:
        with self._nlp_lock:  # one pipeline, shared by the server's threads
            if self._nlp is None:
                self._nlp = load_pipeline(self.model)
            return extract_document(document, nlp=self._nlp, mode=self.mode)


def fill_store(
    path: str | os.PathLike, inputs: Sequence[str], *, published=None, mode: str = "auto",
    nlp=None, model: str | None = None, error: Callable[[str], None],
    warn: Callable[[str], None],
    progress: Callable[[int, bool], None] = lambda events, unchanged: None,
) -> None:
    """Extract the articles ``inputs`` into the store at ``path`` (made when missing), except
    those it holds already, unchanged and extracted with the same settings. ``progress`` hears
    of each document: its number of events, and whether it was unchanged. Problems go to
    ``error``/``warn``, one line each; ``StoreError`` when the store cannot be written."""
    settings = extraction_settings(mode, model)
    nlp = nlp or load_pipeline(model)
    with open_store(path) as store:
        for document in read_documents(inputs, published=published, error=error, warn=warn):
            if store.is_current(document, settings):
                store.update_source(document.doc_id, document.source)
                progress(store.count(document.doc_id), True)
                continue
            try:
                events = extract_document(document, nlp=nlp, mode=mode)
            except Exception as problem:  # a bug on one article must not lose the others
                error(f"{document.source or document.doc_id}: could not extract events "
                      f"(internal error: {type(problem).__name__}: {problem}); please report it")
                continue
            store.put(document, events, settings)
            progress(len(events), False)


# Views in SQL ---------------------------------------------------------------------------------


def view_where(filters: Filters) -> tuple[str, list]:
    """The WHERE clause over ``events e`` of the events ``filters`` let through, with its
    parameters (``data.apply_filters`` in SQL)."""
    parts, parameters = ["1"], []
    if filters.start:
        parts.append(f'{DATED} AND e."end" >= ?')  # periods that overlap the range
        parameters.append(filters.start.isoformat())
    if filters.end:
        parts.append(f"{DATED} AND e.start <= ?")
        parameters.append(filters.end.isoformat())
    if filters.documents:
        parts.append("e.doc_id IN (SELECT value FROM json_each(?))")
        parameters.append(json.dumps(list(filters.documents)))
    if filters.actors:
        either = ["e.rowid IN (SELECT a.event FROM event_actors a WHERE a.actor IN "
                  "(SELECT value FROM json_each(?)))"]
        parameters.append(json.dumps(list(filters.actors)))
        if NO_ACTOR in filters.actors:
            either.append("NOT EXISTS (SELECT 1 FROM event_actors a WHERE a.event = e.rowid)")
        parts.append(f"({' OR '.join(either)})")
    if filters.granularities:
        parts.append(f"{GRANULARITY} IN (SELECT value FROM json_each(?))")
        parameters.append(json.dumps(list(filters.granularities)))
    if filters.text:
        tests = [contains(column, filters.text) for column in SEARCHED]
        parts.append(f"({' OR '.join(sql for sql, _ in tests)})")
        parameters += [value for _, values in tests for value in values]
    return " AND ".join(parts), parameters


def contains(expression: str, text: str) -> tuple[str, list]:
    """SQL that is true when ``expression`` holds ``text`` in any case: LIKE (in C, which folds
    the case of ASCII only) for ASCII text, Python's ``str.lower`` for other text."""
    if text.isascii():
        return f"{expression} LIKE ? ESCAPE '\\'", [f"%{_escaped(text)}%"]
    return f"instr({LOWER}({expression}), ?) > 0", [text.lower()]


def _escaped(text: str) -> str:
    """``text`` matched literally by LIKE ... ESCAPE '\\'."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _lower(value):
    return value.lower() if isinstance(value, str) else value


# The table's own filters (AG Grid's text filter), on the lowered text as ``data`` does.
_GRID_TESTS = {
    "contains": ("{} LIKE ? ESCAPE '\\'", "%{}%"),
    "notContains": ("{} NOT LIKE ? ESCAPE '\\'", "%{}%"),
    "equals": ("{} = ?", None),
    "notEqual": ("{} <> ?", None),
    "startsWith": ("{} LIKE ? ESCAPE '\\'", "{}%"),
    "endsWith": ("{} LIKE ? ESCAPE '\\'", "%{}"),
    "blank": ("{} = ''", ""),
    "notBlank": ("{} <> ''", ""),
}


def grid_where(view: tuple[str, list], request: Mapping) -> tuple[str, list]:
    """The view's WHERE clause and parameters (``view_where``) and the table's column filters
    (``filterModel``)."""
    where, parameters = view[0], list(view[1])
    parts = [where]
    for column, spec in (request.get("filterModel") or {}).items():
        if column not in GRID_SQL or not isinstance(spec, Mapping):
            continue
        value = f"{LOWER}(coalesce({GRID_SQL[column]}, ''))"
        tests = []
        for condition in spec.get("conditions") or [spec]:
            test = isinstance(condition, Mapping) and _GRID_TESTS.get(
                condition.get("type", "contains"))
            if not test:
                continue
            sql, pattern = test
            text = str(condition.get("filter") or "").lower()
            tests.append(sql.format(value))
            if pattern != "":
                parameters.append(text if pattern is None else pattern.format(_escaped(text)))
        if tests:
            joiner = " OR " if spec.get("operator") == "OR" else " AND "
            parts.append(f"({joiner.join(tests)})")
    return " AND ".join(parts), parameters


def grid_sort(model) -> str | None:
    """The table's sort (``sortModel``) as ORDER BY, None for none (then it is by date)."""
    terms = []
    for sort in model or ():
        column = sort.get("colId") if isinstance(sort, Mapping) else None
        if column not in GRID_SQL:
            continue
        way = "DESC" if sort.get("sort") == "desc" else "ASC"
        if column == "date":  # by the first day, those not on a calendar last either way
            terms.append(f"(NOT {DATED}), e.start {way}")
        else:
            terms.append(f"lower(coalesce({GRID_SQL[column]}, '')) {way}")
    return ", ".join([*terms, "e.rowid"]) if terms else None


def _grid_row(row: tuple) -> dict:
    key, date, granularity, event, trigger, actors, timex_text, doc = row
    return {"key": key, "date": date, "granularity": granularity, "event": event,
            "trigger": trigger, "actors_text": "; ".join(json.loads(actors or "[]")),
            "timex_text": timex_text, "doc": doc}


# The figure -----------------------------------------------------------------------------------


def _lane_expression(by_actor: bool) -> str:
    """What names an event's lane: its document (whose label is its lane's), or an actor."""
    return f"coalesce(a.actor, '{_quoted(NO_ACTOR)}')" if by_actor else "e.doc_id"


def _lanes(sql: sqlite3.Connection, source: str, where: str, parameters: list,
           by_actor: bool, max_lanes: int) -> dict[str | None, str]:
    """``figure.lane_order`` in SQL: the busiest lanes (all when they fit), in order of their
    first date, each one's key (a document, an actor) with its name; a last key None stands
    for ``Other``, the rest."""
    lane = _lane_expression(by_actor)
    # A document's label from the title of its first event, looked up once the events are
    # grouped: the groups read only what the index on (doc_id, ...) holds.
    name = "lane" if by_actor else \
        "timeline_label(lane, (SELECT title FROM events WHERE rowid = seen))"
    rows = sql.execute(
        f"SELECT lane, n, first, seen, {name} FROM (SELECT {lane} AS lane, count(*) AS n, "
        f"min(e.start) AS first, min(e.rowid) AS seen FROM {source} WHERE {where} "
        "GROUP BY lane) ORDER BY n DESC, seen LIMIT ?", [*parameters, max_lanes + 1]).fetchall()
    kept = rows if len(rows) <= max_lanes else rows[: max_lanes - 1]
    lanes = {key: name for key, _, _, _, name in sorted(kept, key=lambda r: (r[2], r[4]))}
    return lanes | {None: OTHER_LANE} if len(rows) > max_lanes else lanes


def _groups(sql: sqlite3.Connection, source: str, where: str, parameters: list,
            lanes: dict[str | None, str], by_actor: bool, indexed: bool = True) -> pd.DataFrame:
    """The events ``where`` selects, counted per lane (those of ``lanes``, the rest
    ``Other``) and period, in the order of their first event: what ``figure.draw`` draws
    counts from (column ``n``), coloured by the document of that first event. ``indexed``:
    whether ``where`` reads only what the indexes hold (it searches no text)."""
    lane = _lane_expression(by_actor)
    keys = json.dumps([key for key in lanes if key is not None])
    if by_actor or None not in lanes or not indexed:
        # With one min() in a query, SQLite takes the bare doc_id from the row of that minimum.
        groups = _records(sql.execute(
            f"SELECT CASE WHEN {lane} IN (SELECT value FROM json_each(?)) THEN {lane} END "
            f'AS lane, e.start, e."end", {POINT} AS point, count(*) AS n, min(e.rowid) AS seen, '
            f"e.doc_id FROM {source} WHERE {where} GROUP BY lane, e.start, e.\"end\", point "
            "ORDER BY seen", [keys, *parameters]))
    else:
        groups = _other_groups(sql, where, parameters, keys)
    colours = dict(sql.execute(
        "SELECT doc_id, position - 1 FROM documents WHERE doc_id IN "
        "(SELECT value FROM json_each(?))",
        [json.dumps(groups["doc_id"].unique().tolist())]).fetchall())
    return groups.assign(
        lane=[lanes.get(key, OTHER_LANE) for key in groups["lane"]],
        lo=pd.to_datetime(groups["start"], format="ISO8601"),
        hi=pd.to_datetime(groups["end"], format="ISO8601"),
        granularity=groups["point"].map({1: "day", 0: None}),
        colour=groups["doc_id"].map(colours).fillna(0).astype("int64"))


def _other_groups(sql: sqlite3.Connection, where: str, parameters: list,
                  keys: str) -> pd.DataFrame:
    """``_groups`` by document with an ``Other`` lane: the documents of the lanes (JSON
    ``keys``) grouped apart, through the index on (doc_id, ...); the others' events, most of
    the view, through the index on (start, end, granularity, doc_id), in its order, so that
    SQLite groups them as they come instead of sorting them all first; their periods of
    granularities drawn alike (``point``) are put together here."""
    top = sql.execute(
        f'SELECT e.doc_id AS lane, e.start, e."end", {POINT} AS point, count(*) AS n, '
        f"min(e.rowid) AS seen, e.doc_id FROM events e WHERE {where} AND e.doc_id IN "
        '(SELECT value FROM json_each(?)) GROUP BY e.doc_id, e.start, e."end", point',
        [*parameters, keys])
    cursor = sql.execute(
        f'SELECT NULL AS lane, e.start, e."end", {POINT} AS point, count(*) AS n, '
        f"min(e.rowid) AS seen, e.doc_id FROM events e WHERE {where} AND e.doc_id NOT IN "
        '(SELECT value FROM json_each(?)) GROUP BY e.start, e."end", e.granularity',
        [*parameters, keys])
    rows = top.fetchall()
    other: dict[tuple, list] = {}
    for row in cursor.fetchall():
        same = other.get(row[1:4])
        if same is None:
            other[row[1:4]] = list(row)
        else:
            same[4] += row[4]
            if row[5] < same[5]:
                same[5], same[6] = row[5], row[6]
    rows += [tuple(row) for row in other.values()]
    rows.sort(key=lambda row: row[5])
    return pd.DataFrame.from_records(
        rows, columns=["lane", "start", "end", "point", "n", "seen", "doc_id"])


def _highlight(sql: sqlite3.Connection, view: tuple[str, list], key: str, order: list[str],
               lanes: str) -> tuple[list, list]:
    rowid = _rowid(key)
    if rowid is None:
        return [], []
    where, parameters = view
    frame = _figure_frame(_records(sql.execute(
        f"SELECT {_KEYED.format(columns=_FIGURE_COLUMNS)} WHERE e.rowid = ? AND {where}",
        [rowid, *parameters])))
    return highlight_points(frame, key, order, lanes)


# Rows ---------------------------------------------------------------------------------------


def _records(cursor: sqlite3.Cursor) -> pd.DataFrame:
    return pd.DataFrame.from_records(cursor.fetchall(),
                                     columns=[d[0] for d in cursor.description])


def _frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``_KEYED`` as the frame ``data.events_frame`` makes (Event fields not asked
    for are empty), keyed by rowid, labelled and coloured as the store says."""
    frame = pd.DataFrame({name: rows.get(name) for name in FIELDS},
                         index=rows.index, dtype=object)
    frame["actors"] = [json.loads(a or "[]") for a in rows["actors"]]
    frame = with_derived(frame)
    return frame.assign(key=rows["key"], doc=rows["doc"],
                        colour=rows["colour"].astype("int64"))


def _figure_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows of ``_KEYED`` over ``_FIGURE_COLUMNS`` as the columns ``figure.FIGURE_COLUMNS`` of
    the frame ``data.events_frame`` makes (what ``_frame`` gives, without the columns the
    figure does not read)."""
    lo = pd.to_datetime(rows["start"], errors="coerce", format="ISO8601")
    hi = pd.to_datetime(rows["end"], errors="coerce", format="ISO8601")
    on_calendar = lo.notna() & hi.notna()
    lo, hi = lo.where(on_calendar), hi.where(on_calendar)
    text = {name: rows[name].fillna("").astype(str)
            for name in ("date", "event", "timex_text")}
    return pd.DataFrame({
        "key": rows["key"], "doc": rows["doc"], "colour": rows["colour"].astype("int64"),
        **text, "lo": lo, "hi": hi,
        "granularity": rows["granularity"].astype(object).where(on_calendar, None),
        "actor_list": [tuple(json.loads(a or "[]")) for a in rows["actors"]],
    }, index=rows.index)


def _event(row: tuple) -> Event:
    values = dict(zip(FIELDS, row, strict=True))
    values["actors"] = tuple(json.loads(values["actors"] or "[]"))
    return Event(**values)


def _rowid(key) -> int | None:
    if isinstance(key, str) and key[:1] == "b" and key[1:].isdigit():
        return int(key[1:])
    return None


def _iso_day(day: pd.Timestamp) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


def _quoted(text: str) -> str:
    return text.replace("'", "''")


def _json(value) -> str:
    return json.dumps(value or {}, sort_keys=True)
