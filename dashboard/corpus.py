"""What the server holds: the events it was started with, and what each browser session added.

The served events are shared and read-only. Articles a reader adds in the browser belong to
that page's session (a random id in the page): they are kept here, per session, in a bounded
store (the least recently used session goes first), and no other session sees them.

The page's callbacks ask a corpus questions (``counts``, ``figure``, ``grid``, ``event``,
``choices`` ...) about a session (the page's ``{"id", "version"}``) and the reader's
``Filters``. ``Corpus`` answers them from DataFrames in memory; ``dashboard.store.StoreCorpus``
answers the same questions with SQL over a store (``timeline serve --db``).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
import tempfile
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard.data import (
    GRID_COLUMNS,
    OPTIONS_SHOWN,
    Counts,
    Filters,
    actor_options,
    apply_filters,
    combine,
    counts,
    document_options,
    empty_frame,
    event_row,
    events_frame,
    granularity_choices,
    grid_order,
    grid_rows,
    to_events,
    undated,
)
from dashboard.figure import FIGURE_COLUMNS, build_figure, highlight_points
from timeline.events import extract_documents, load_pipeline
from timeline.export import ExportError, read_events
from timeline.readers import read_documents
from timeline.records import Document, Event

UPLOAD_TYPES = (".txt", ".text", ".md", ".html", ".htm", ".jsonl")
EVENT_SUFFIXES = frozenset({".csv", ".parquet", ".pq", ".json"})
MAX_SESSIONS = 256
MAX_SESSION_CHARS = 50_000_000
MAX_TOTAL_CHARS = 500_000_000  # all sessions' text: the least recently used go first


class UploadError(Exception):
    """An upload the page refuses; the message says why, for the reader."""


@dataclass
class Loaded:
    """Events and the texts of the articles they came from (none for event files)."""

    events: list[Event] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    documents: int = 0


def is_event_file(path: str) -> bool:
    """An events file written by ``timeline extract`` rather than articles.

    CSV, Parquet and JSON are events; a JSONL file is events when its first record has the
    event fields (``event_id``, ``doc_id``, ``date``), articles otherwise.
    """
    suffix = Path(path).suffix.lower()
    if suffix in EVENT_SUFFIXES:
        return True
    if suffix != ".jsonl" or not Path(path).is_file():
        return False
    with open(path, "rb") as file:
        for line in file:
            if line.strip():
                try:
                    record = json.loads(line)
                except ValueError:
                    return False
                return isinstance(record, dict) and {"event_id", "doc_id", "date"} <= set(record)
    return False


def load_inputs(
    paths: Sequence[str], *, published: dt.date | None = None, mode: str = "auto",
    nlp=None, error: Callable[[str], None], warn: Callable[[str], None],
    progress: Callable[[int, int], None] = lambda documents, events: None,
) -> Loaded:
    """Read event files and extract events from articles, in the order given.

    Problems go to ``error``/``warn`` one line each and the rest is still loaded.
    """
    loaded = Loaded()
    articles: list[str] = []

    def flush() -> None:
        if articles:
            _extract_into(loaded, list(articles), published, mode, nlp, error, warn, progress)
            articles.clear()

    for path in paths:
        if not is_event_file(path):
            articles.append(path)
            continue
        flush()
        try:
            events = list(read_events(path))
        except (ExportError, OSError) as problem:
            error(str(problem))
            continue
        loaded.events.extend(events)
        loaded.documents += len({e.doc_id for e in events})
        progress(loaded.documents, len(loaded.events))
    flush()
    return loaded


def _extract_into(loaded, paths, published, mode, nlp, error, warn, progress) -> None:
    documents = read_documents(paths, published=published, error=error, warn=warn)
    nlp = nlp or load_pipeline(None)
    for document, events in extract_documents(documents, nlp=nlp, mode=mode):
        loaded.texts[document.doc_id] = document.text
        loaded.events.extend(events)
        loaded.documents += 1
        progress(loaded.documents, len(loaded.events))


# Uploads ------------------------------------------------------------------------------------


def decode_upload(contents: str, filename: str, limit: int) -> bytes:
    """The bytes of a ``dcc.Upload`` data URL, or ``UploadError`` saying what is wrong."""
    name = filename or "the file"
    suffix = Path(filename or "").suffix.lower()
    if suffix not in UPLOAD_TYPES:
        raise UploadError(f"{name}: cannot read this kind of file; add a .txt, .html or "
                          ".jsonl file, or paste the text")
    _, _, payload = (contents or "").partition(",")
    if len(payload) * 3 // 4 > limit:
        raise UploadError(f"{name}: too large ({_size(len(payload) * 3 // 4)}); the limit is "
                          f"{_size(limit)}")
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise UploadError(f"{name}: the upload arrived damaged; try again") from None
    if len(data) > limit:
        raise UploadError(f"{name}: too large ({_size(len(data))}); the limit is {_size(limit)}")
    if not data.strip():
        raise UploadError(f"{name}: the file is empty")
    return data


def _size(n: int) -> str:
    return f"{n / 1_000_000:.1f} MB" if n >= 100_000 else f"{n / 1000:.0f} kB"


def read_upload(
    data: bytes, filename: str, published: dt.date | None,
) -> tuple[list[Document], list[str]]:
    """The documents in an uploaded (or pasted) file, and the problems met, one line each.

    The file goes through the same readers as ``timeline extract`` (so HTML is reduced to its
    article text, a JSONL file may hold many articles, the publication date is found in the
    text when not given).
    """
    safe = re.sub(r"[^\w.\- ]+", "_", Path(filename).name).strip(" .") or "article.txt"
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="timeline-upload-") as folder:
        path = Path(folder) / safe
        path.write_bytes(data)

        def note(message: str) -> None:
            problems.append(message.replace(str(path), filename).replace(folder + "/", ""))

        documents = list(read_documents([str(path)], published=published, error=note,
                                        warn=note))
    documents = [replace(d, source=filename if d.source == str(path)
                         else (d.source or "").replace(str(path), filename))
                 for d in documents]
    return documents, problems


# Sessions -----------------------------------------------------------------------------------


@dataclass
class Session:
    """What one page added: its events as a frame, the texts, a version bumped on each add."""

    frame: pd.DataFrame
    texts: dict[str, str] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)
    version: int = 0
    chars: int = 0


class Corpus:
    """The served events plus per-session additions, with a small cache of filtered views."""

    def __init__(self, events: Iterable[Event] = (), texts: dict[str, str] | None = None,
                 *, mode: str = "auto", nlp=None, max_sessions: int = MAX_SESSIONS):
        self.base = events_frame(events)
        self.texts = dict(texts or {})
        self.mode = mode
        self._nlp = nlp
        self._add_lock = threading.Lock()
        self._lock = threading.Lock()
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        # The served events' views and table orders are one for every page; a session's
        # caches hold only its own events (see ``parts``).
        self._views = _Cache(16)
        self._orders = _Cache(8)
        self._own_views = _Cache(16)
        self._own_orders = _Cache(16)
        self._nothing = empty_frame()
        self.max_sessions = max_sessions

    # sessions

    @staticmethod
    def new_session_id() -> str:
        return uuid.uuid4().hex

    def session(self, ref: dict | None) -> Session | None:
        """The session a page's store names (``{"id", "version"}``), or None."""
        if not ref or not isinstance(ref, dict):
            return None
        with self._lock:
            session = self._sessions.get(str(ref.get("id")))
            if session is not None:
                self._sessions.move_to_end(str(ref.get("id")))
            return session

    def frame(self, ref: dict | None, columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The served events followed by the session's own (only ``columns`` of them, when
        given): a new frame when the session has events, not kept."""
        session = self.session(ref)
        if session is None or session.frame.empty:
            return self.base
        columns = list(columns or self.base.columns)
        return combine(self.base[columns], session.frame[columns])

    def total(self, ref: dict | None) -> int:
        """How many events the page sees, without putting the two frames together."""
        session = self.session(ref)
        return len(self.base) + (len(session.frame) if session else 0)

    def event(self, ref: dict | None, key: str | None) -> dict | None:
        """One event by its key: served events are ``b...``, the session's own ``u...``."""
        session = self.session(ref)
        frame = session.frame if session and str(key).startswith("u") else self.base
        return event_row(frame, key)

    def text(self, ref: dict | None, doc_id: str) -> str | None:
        session = self.session(ref)
        if session is not None and doc_id in session.texts:
            return session.texts[doc_id]
        return self.texts.get(doc_id)

    def add(self, ref: dict | None, documents: list[Document]) -> tuple[dict, list[Event], list]:
        """Extract ``documents`` into the session ``ref`` names (made when new); returns the
        session's new reference, the new events, and the documents as added (ids made unique).
        """
        session_id = str((ref or {}).get("id") or self.new_session_id())
        # One addition at a time, from choosing the ids to storing the session: two at once in
        # one page would choose the same ids. (Extraction, most of it, is one at a time anyway.)
        with self._add_lock:
            with self._lock:
                session = self._sessions.get(session_id)
            taken = set(self.base["doc_id"]) | set(self.texts)
            if session is not None:
                taken |= set(session.texts) | {e.doc_id for e in session.events}
            added = []
            for document in documents:
                doc_id = _unique(document.doc_id, taken)
                taken.add(doc_id)
                added.append(replace(document, doc_id=doc_id))
            if self._nlp is None:  # one pipeline, shared by the server's threads
                self._nlp = load_pipeline(None)
            pairs = list(extract_documents(added, nlp=self._nlp, mode=self.mode))
            new_events = [e for _, events in pairs for e in events]
            with self._lock:
                session = self._sessions.get(session_id) or Session(frame=empty_frame())
                chars = session.chars + sum(len(d.text) for d in added)
                if chars > MAX_SESSION_CHARS:
                    raise UploadError("this page already holds as much text as one session "
                                      "may; reload the page to start afresh")
                events = session.events + new_events
                texts = {**session.texts, **{d.doc_id: d.text for d in added}}
                frame = events_frame(events, prefix="u",
                                     first_colour=self.base["colour"].max() + 1
                                     if len(self.base) else 0, taken=set(self.base["doc"]))
                updated = Session(frame=frame, texts=texts, events=events,
                                  version=session.version + 1, chars=chars)
                self._sessions[session_id] = updated
                self._sessions.move_to_end(session_id)
                while len(self._sessions) > self.max_sessions or (
                        len(self._sessions) > 1
                        and sum(kept.chars for kept in self._sessions.values()) > MAX_TOTAL_CHARS):
                    self._sessions.popitem(last=False)
        return {"id": session_id, "version": updated.version}, new_events, added

    # views

    def parts(self, ref: dict | None, filters: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The view in two parts: the served events the filters let through (one frame for
        every page) and the session's own (cached for the last few views). They are kept
        apart so that a session holds only what it added, never a copy of the served events.
        """
        session = self.session(ref)
        served = self._filtered(self._views, (None, 0, filters), self.base)
        if session is None or session.frame.empty:
            return served, self._nothing
        key = (str(ref.get("id")), session.version, filters)
        return served, self._filtered(self._own_views, key, session.frame)

    def view(self, ref: dict | None, filters: Filters,
             columns: Sequence[str] | None = None) -> pd.DataFrame:
        """The view as one frame: the served part itself, or, when the session has events of
        its own in view, both parts put together (only ``columns`` of them, when given; a new
        frame, not kept)."""
        served, own = self.parts(ref, filters)
        if own.empty or columns is None:
            return combine(served, own)
        return combine(served[list(columns)], own[list(columns)])

    def _filtered(self, cache: _Cache, key: tuple, frame: pd.DataFrame) -> pd.DataFrame:
        view = cache.get(key)
        if view is None:
            within = self._within(cache, key)
            view = apply_filters(frame if within is None else within, key[2])
            cache.put(key, view)
        return view

    def _within(self, cache: _Cache, key: tuple) -> pd.DataFrame | None:
        """The smallest cached view that holds the view ``key`` names: the same filters with
        a shorter search text found in its text. Typing a word, each keystroke searches what
        the one before found instead of every event."""
        session, version, filters = key
        if not filters.text:
            return None
        text = filters.text.lower()
        found = None
        for (other_session, other_version, other), view in cache.items():
            if (other_session, other_version) == (session, version) \
                    and other.text.lower() in text \
                    and replace(other, text=filters.text) == filters \
                    and (found is None or len(view) < len(found)):
                found = view
        return found

    # what the page asks

    def version(self) -> int:
        """Changes when the served events do: never (what sessions add is their own)."""
        return 0

    def counts(self, ref: dict | None, filters: Filters) -> Counts:
        """How many events, documents and undated events the view holds, of how many (the
        parts' documents are apart: an added article never takes a served document's id)."""
        served, own = (counts(part, 0) for part in self.parts(ref, filters))
        return Counts(events=served.events + own.events,
                      documents=served.documents + own.documents,
                      undated=served.undated + own.undated, total=self.total(ref))

    def undated(self, ref: dict | None, filters: Filters,
                limit: int) -> tuple[pd.DataFrame, int]:
        """The first ``limit`` events of the view not on a calendar, and how many there are."""
        served, own = (undated(part) for part in self.parts(ref, filters))
        first = combine(served.head(limit), own.head(max(0, limit - len(served))))
        return first, len(served) + len(own)

    def figure(self, ref: dict | None, filters: Filters, **options) -> go.Figure:
        """The timeline of the view (``options`` as ``figure.build_figure`` takes them)."""
        return build_figure(self.view(ref, filters, FIGURE_COLUMNS), **options)

    def highlight(self, ref: dict | None, filters: Filters, key: str, order: list[str],
                  lanes: str) -> tuple[list, list]:
        """Where the ring around the event ``key`` goes on the figure's lanes ``order``."""
        served, own = self.parts(ref, filters)
        part = own if str(key).startswith("u") else served
        return highlight_points(part, key, order, lanes)

    def grid(self, ref: dict | None, filters: Filters, request: dict) -> tuple[list[dict], int]:
        """The table's rows AG Grid asked for, and how many rows the table has in all."""
        order = self._ordered(ref, filters, request)
        start = max(0, int(request.get("startRow") or 0))
        end = int(request.get("endRow") or start + 100)
        return grid_rows(order.rows(start, max(start, end))), len(order)

    def row_index(self, ref: dict | None, filters: Filters, request: dict,
                  key: str) -> int | None:
        """Where the event ``key`` is in the table's order, None when the table leaves it out."""
        return self._ordered(ref, filters, request).index(key)

    def _ordered(self, ref: dict | None, filters: Filters, request: dict) -> Order:
        """The table's order of a view, kept for the next blocks of rows (sorting 100,000
        events again for each block of 100 would cost most of each request): the served
        events' order, one for every page, and where the session's own go into it."""
        session = self.session(ref)  # first: an addition meanwhile makes a new version
        served, own = self.parts(ref, filters)
        asked = json.dumps([request.get("sortModel") or [], request.get("filterModel") or {}],
                           sort_keys=True)
        rows = self._orders.get((filters, asked))
        if rows is None:
            rows = grid_order(served, request)[["key", *GRID_COLUMNS]]
            self._orders.put((filters, asked), rows)
        if own.empty:
            return Order(rows)
        key = (str(ref.get("id")), session.version if session else 0, filters, asked)
        placed = self._own_orders.get(key)
        if placed is None:
            placed = place_own(served, own, request)
            self._own_orders.put(key, placed)
        return Order(rows, *placed)

    def choices(self, ref: dict | None) -> tuple[list, list, list]:
        """The filters' choices: documents, actors (the busiest), granularities."""
        frame = self.frame(ref, ("doc_id", "doc", "actor_list", "granularity"))
        return (document_options(frame, limit=OPTIONS_SHOWN),
                actor_options(frame, limit=OPTIONS_SHOWN), granularity_choices(frame))

    def options(self, ref: dict | None, kind: str, search: str,
                keep: Sequence[str]) -> list[dict]:
        """The ``"documents"`` or ``"actors"`` a dropdown offers for what the reader typed."""
        if kind == "documents":
            return document_options(self.frame(ref, ("doc_id", "doc")), search, keep=keep,
                                    limit=OPTIONS_SHOWN)
        return actor_options(self.frame(ref, ("actor_list",)), search, keep=keep,
                             limit=OPTIONS_SHOWN)

    def export(self, ref: dict | None, filters: Filters) -> list[Event]:
        """The events of the view, for the CSV download."""
        return [e for part in self.parts(ref, filters) for e in to_events(part)]


class _Cache:
    """A small least-recently-used cache, safe to share between the server's threads."""

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[tuple, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: tuple, value) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def items(self) -> list[tuple[tuple, object]]:
        with self._lock:
            return list(self._items.items())

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class Order:
    """The table's order of a view: the served rows in order (``served``, shared by every
    page), and the session's own rows in order (``own``) with where each one goes in the
    whole (``at``, ascending), so a session keeps nothing the size of the served events."""

    served: pd.DataFrame
    own: pd.DataFrame | None = None
    at: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.served) + len(self.at)

    def rows(self, start: int, end: int) -> pd.DataFrame:
        """The rows at places ``start`` to ``end`` (excluded) of the whole order."""
        if not len(self.at):
            return self.served.iloc[start:end]
        places = np.arange(start, min(end, len(self)))
        before = np.searchsorted(self.at, places)  # own rows before each place
        own = before < len(self.at)
        own[own] = self.at[before[own]] == places[own]
        chunk = pd.concat([self.served.iloc[places[~own] - before[~own]],
                           self.own.iloc[before[own]]])
        # back in the order of ``places``: served rows and own rows each are in order already
        where = np.concatenate([np.flatnonzero(~own), np.flatnonzero(own)])
        return chunk.iloc[np.argsort(where, kind="stable")]

    def index(self, key: str) -> int | None:
        """The place of the event ``key`` in the whole order, None when it is not there."""
        if len(self.at) and str(key).startswith("u"):
            hit = (self.own["key"] == key).to_numpy().nonzero()[0]
            return int(self.at[hit[0]]) if len(hit) else None
        hit = (self.served["key"] == key).to_numpy().nonzero()[0]
        if not len(hit):
            return None
        served_before = self.at - np.arange(len(self.at))  # served rows before each own row
        return int(hit[0] + np.searchsorted(served_before, hit[0], side="right"))


def place_own(served: pd.DataFrame, own: pd.DataFrame,
              request: dict) -> tuple[pd.DataFrame, np.ndarray]:
    """The session's own rows of a view in the table's order, and where each one goes in
    the order of the whole view (``Order.own`` and ``Order.at``).

    The two parts are sorted together once, over the columns the order looks at, to learn
    that; the frame this takes is let go at once."""
    columns = ["key", "lo", "hi", *GRID_COLUMNS]
    both = pd.concat([served[columns], own[columns]], ignore_index=True)
    places = grid_order(both, request).index.to_numpy()
    at = np.flatnonzero(places >= len(served))
    return own.iloc[places[at] - len(served)][["key", *GRID_COLUMNS]], at


def _unique(doc_id: str, taken: set[str]) -> str:
    if doc_id not in taken:
        return doc_id
    n = 2
    while f"{doc_id}-{n}" in taken:
        n += 1
    return f"{doc_id}-{n}"

