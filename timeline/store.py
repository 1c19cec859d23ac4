"""A SQLite store of events, for corpora larger than memory: ``timeline extract --db PATH``.

One file holds the documents (their text too, for the dashboard's source panel) and their
events, indexed for date ranges, documents and actors, so that a reader queries only what it
shows. A document is keyed by its ``doc_id``: writing it again replaces its row and all its
events, never duplicates them. ``content_hash`` (the text, publication date, title and URL)
and ``settings`` (mode, spaCy pipeline, tool and schema version) tell whether a document seen
again needs extracting at all (``Store.is_current``).

Writes are grouped into transactions of up to ``BATCH_DOCUMENTS`` documents or about
``BATCH_SECONDS``, each document within one atomic (a savepoint), so a run killed at any moment
leaves a consistent store holding whole documents only; the next run does the rest. A long
document's events may come part by part (``begin``, ``add``, ``end``): its savepoint then stays
open, and its transaction uncommitted, until its last part is in. The journal
is a write-ahead log (readers go on reading while a run writes), ``synchronous=NORMAL``
(a commit does not wait for the disk; a power cut may lose the last ones, never consistency).

Schema (version 1; ``start``/``end`` are ISO days or NULL, so text order is date order)::

    meta(key TEXT PRIMARY KEY, value TEXT)         schema_version, created, timeline_version
    documents(doc_id PRIMARY KEY, content_hash, settings, published, title, url, source,
              text, events (its number of event rows), added, position (first-written order))
    events(rowid INTEGER PRIMARY KEY, doc_id REFERENCES documents ON DELETE CASCADE,
           seq (1, 2 ... in the document), <the Event fields but doc_id, actors as JSON>,
           UNIQUE(doc_id, seq))
    event_actors(event REFERENCES events(rowid) ON DELETE CASCADE, actor)

Indexes: events(start, end), events(end), events(granularity), event_actors(actor) and
event_actors(event); and events(doc_id, granularity, start, end) and events(start, end,
granularity, doc_id), which hold all that the dashboard counts and groups a view by (a scan of
one reads a tenth of what a scan of the events does; the first in documents' order, the second
in dates' order, so that events grouped by their dates come in order, with no sorting). An
index added after stores of this schema were written (``ADDED_INDEXES``) is made when such a
store is next opened for writing; readers do without it, only slower.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import operator
import os
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from timeline import __version__
from timeline.records import FIELDS, INT_FIELDS, OPTIONAL_FIELDS, Document, Event

SCHEMA_VERSION = "1"
# A batch (one transaction) ends after this many documents or this many seconds.
BATCH_DOCUMENTS = 100
BATCH_SECONDS = 1.0
# How long to wait for another process's write to finish before calling the store locked.
BUSY_TIMEOUT = 5.0
_ROWS = 1000  # rows fetched at a time when reading events

_EVENT_COLUMNS = tuple(name for name in FIELDS if name != "doc_id")
_VALUES = operator.attrgetter(*_EVENT_COLUMNS)
_ACTORS = _EVENT_COLUMNS.index("actors")


def _column(name: str) -> str:
    kind = "INTEGER" if name in INT_FIELDS else "TEXT"
    null = "" if name in OPTIONAL_FIELDS else " NOT NULL"
    return f'"{name}" {kind}{null}'


_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS documents(
    doc_id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL,
    settings TEXT NOT NULL,
    published TEXT,
    title TEXT,
    url TEXT,
    source TEXT,
    text TEXT NOT NULL,
    events INTEGER NOT NULL,
    added TEXT NOT NULL,
    position INTEGER NOT NULL UNIQUE
);
CREATE TABLE IF NOT EXISTS events(
    rowid INTEGER PRIMARY KEY,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    {", ".join(_column(name) for name in _EVENT_COLUMNS)},
    UNIQUE(doc_id, seq)
);
CREATE TABLE IF NOT EXISTS event_actors(
    event INTEGER NOT NULL REFERENCES events(rowid) ON DELETE CASCADE,
    actor TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_days ON events(start, "end");
CREATE INDEX IF NOT EXISTS events_end ON events("end");
CREATE INDEX IF NOT EXISTS events_granularity ON events(granularity);
CREATE INDEX IF NOT EXISTS event_actors_actor ON event_actors(actor);
CREATE INDEX IF NOT EXISTS event_actors_event ON event_actors(event);
"""
# Indexes of schema version 1 that its first stores were written without: made when missing.
ADDED_INDEXES = {
    "events_view": 'CREATE INDEX IF NOT EXISTS events_view ON events(doc_id, granularity, '
                   'start, "end")',
    "events_view_days": 'CREATE INDEX IF NOT EXISTS events_view_days ON events(start, "end", '
                        'granularity, doc_id)',
}
# events(doc_id, seq) needs no index of its own: UNIQUE(doc_id, seq) is one.
_META = f"""
INSERT OR IGNORE INTO meta(key, value) VALUES ('schema_version', '{SCHEMA_VERSION}'),
    ('timeline_version', '{__version__}'), ('created', strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
"""

_INSERT_DOCUMENT = """
INSERT INTO documents(doc_id, content_hash, settings, published, title, url, source, text,
                      events, added, position)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, strftime('%Y-%m-%dT%H:%M:%SZ', 'now'),
        coalesce(?, (SELECT coalesce(max(position), 0) + 1 FROM documents)))
"""
_QUOTED = [f'"{name}"' for name in _EVENT_COLUMNS]
_INSERT_EVENT = (f"INSERT INTO events(rowid, doc_id, seq, {', '.join(_QUOTED)}) "
                 f"VALUES ({', '.join('?' * (len(_QUOTED) + 3))})")
_SELECT_EVENTS = (f"SELECT e.doc_id, {', '.join('e.' + name for name in _QUOTED)} "
                  "FROM events e JOIN documents d ON d.doc_id = e.doc_id")


@dataclasses.dataclass
class _Begun:
    """A document being stored part by part: its events so far, its position to be."""

    document: Document
    settings: str
    events: int = 0
    position: int | None = None


class StoreError(Exception):
    """The store cannot be opened, read or written; the one-line message names the file."""


def extraction_settings(mode: str, model: str | None) -> str:
    """What, besides the document, decides its events: the ``settings`` column's value."""
    return f"mode={mode} model={model or 'blank'} timeline={__version__} schema={SCHEMA_VERSION}"


def content_hash(document: Document) -> str:
    """SHA-256 of what of a document its stored row and events come from (but its source)."""
    published = document.published.isoformat() if document.published else None
    what = json.dumps([document.text, published, document.title, document.url])
    return hashlib.sha256(what.encode()).hexdigest()


def open_store(path: str | os.PathLike, *, readonly: bool = False) -> Store:
    """The store at ``path``, created (file and schema) when missing unless ``readonly``.

    Raises ``StoreError`` for a folder, a missing folder, a file that is not a SQLite
    database or not a store of this schema version, and a store another process keeps locked.
    """
    path = Path(path)
    if path.is_dir():
        raise StoreError(f"{path}: a folder, not a store file; give a file name")
    if not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    if readonly and not path.is_file():
        raise StoreError(f"{path}: no such file")
    try:
        if readonly:
            uri = f"{path.resolve().as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT,
                                         isolation_level=None)
        else:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT, isolation_level=None)
    except sqlite3.Error as error:
        raise StoreError(f"{path}: cannot open it ({_reason(error)})") from None
    try:
        _prepare(connection, path, readonly)
    except BaseException as error:
        connection.close()
        if isinstance(error, sqlite3.Error):
            raise StoreError(f"{path}: {_reason(error)}") from None
        raise
    return Store(connection, path)


def _prepare(connection: sqlite3.Connection, path: Path, readonly: bool) -> None:
    """Check (or create) the schema and set the connection up; raises StoreError."""
    connection.execute("PRAGMA foreign_keys = ON")
    tables = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables and not readonly:
        connection.execute("PRAGMA journal_mode = WAL")  # outside a transaction; it stays set
        # One transaction; IF NOT EXISTS and OR IGNORE: another process may have been first.
        added = ";\n".join(ADDED_INDEXES.values())
        connection.executescript(f"BEGIN IMMEDIATE; {_SCHEMA}; {added}; {_META}; COMMIT;")
        tables = {"meta"}
    if "meta" not in tables:
        raise StoreError(f"{path}: a SQLite database, but not a timeline store (no meta table)")
    row = connection.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    if row is None or row[0] != SCHEMA_VERSION:
        found = "no schema_version" if row is None else f"schema version {row[0]}"
        raise StoreError(f"{path}: a store of {found}; this timeline reads version "
                         f"{SCHEMA_VERSION}")
    if not readonly:
        connection.execute("PRAGMA synchronous = NORMAL")
        # Fail now, not after the first batch has been extracted, when another run writes.
        connection.execute("BEGIN IMMEDIATE")
        missing = missing_indexes(connection)  # a store written before they were added
        for name in missing:
            connection.execute(ADDED_INDEXES[name])
        connection.execute("COMMIT" if missing else "ROLLBACK")


def missing_indexes(connection: sqlite3.Connection) -> list[str]:
    """The names of ``ADDED_INDEXES`` the store open on ``connection`` lacks."""
    present = {row[0] for row in connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'index'")}
    return [name for name in ADDED_INDEXES if name not in present]


def _reason(error: Exception) -> str:
    name = getattr(error, "sqlite_errorname", "")
    if name == "SQLITE_NOTADB":
        return "not a SQLite database"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return "locked by another process (another run writing to it?); try again later"
    return str(error) or type(error).__name__


class Store:
    """An open store: write documents with their events, read them back.

    Writing starts a transaction that is committed every ``BATCH_DOCUMENTS`` documents or
    ``BATCH_SECONDS``, and by ``commit()`` and ``close()``. Use as a context manager, or call
    ``close()``. Errors raise ``StoreError``.
    """

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.path = path
        self._connection = connection
        self._batch = 0
        self._batch_started = 0.0
        self._closed = False
        self._open: _Begun | None = None  # between begin() and end()

    # Writing ----------------------------------------------------------------------------

    def is_current(self, document: Document, settings: str) -> bool:
        """Whether the store holds this document, unchanged, extracted with ``settings``."""
        row = self._one("SELECT content_hash, settings FROM documents WHERE doc_id = ?",
                        (document.doc_id,))
        return row == (content_hash(document), settings)

    def put(self, document: Document, events: list[Event], settings: str) -> None:
        """Store ``document`` and its ``events`` in place of what it had (all or nothing).

        A document written before keeps its place in the store's order.
        """
        with self._document():
            position = self._delete(document.doc_id)
            self._insert_document(document, settings, len(events), position)
            self._insert_events(document.doc_id, events, 0)

    def begin(self, document: Document, settings: str) -> None:
        """Start storing ``document`` as ``put`` does, its events to come part by part
        (``add``), so that a long document's are never all held at once. Nothing of it is
        committed before ``end``: a crash, ``cancel()`` or ``close()`` before then leaves the
        store as it was (the document's old version, or none). The documents written before
        it are committed now, not held back while it is written.
        """
        self.commit()
        self._savepoint()
        # Its row, with its number of events, comes last (rewriting it would copy its text):
        # until the commit, its events may wait for it.
        self._write("PRAGMA defer_foreign_keys = ON")
        self._open = _Begun(document, settings)
        with self._undone_on_error():
            self._open.position = self._delete(document.doc_id)

    def add(self, events: list[Event]) -> None:
        """Store the next events of the document begun (``begin``), numbered on."""
        begun = self._open
        with self._undone_on_error():
            self._insert_events(begun.document.doc_id, events, begun.events)
        begun.events += len(events)

    def end(self) -> None:
        """The document begun is complete: keep it, with its number of events."""
        begun = self._open
        with self._undone_on_error():
            self._insert_document(begun.document, begun.settings, begun.events, begun.position)
        self._open = None
        self._release()

    def cancel(self) -> None:
        """Give up the document begun, if any: the store is left as before ``begin``."""
        if self._open is not None:
            self._roll_back()

    def update_source(self, doc_id: str, source: str | None) -> None:
        """Record where an unchanged document was read from this time (it and its events)."""
        row = self._one("SELECT source FROM documents WHERE doc_id = ?", (doc_id,))
        if row is None or row[0] == source:
            return
        with self._document():
            for table in ("documents", "events"):
                self._connection.execute(f"UPDATE {table} SET source = ? WHERE doc_id = ?",
                                         (source, doc_id))

    def commit(self) -> None:
        """Make everything written so far durable (not while a document is begun)."""
        self._not_open()
        if self._connection.in_transaction:
            try:
                self._connection.execute("COMMIT")
            except sqlite3.Error as error:
                raise StoreError(f"{self.path}: cannot write: {_reason(error)}") from None
        self._batch = 0

    def close(self) -> None:
        """Commit the rest, but a document begun and not ended, and close the file (once;
        closing again does nothing)."""
        if self._closed:
            return
        self._closed = True
        try:
            self.cancel()
            self.commit()
        finally:
            self._connection.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()

    # Reading ----------------------------------------------------------------------------

    def events(self, doc_id: str | None = None) -> Iterator[Event]:
        """The events of one document, or of all, by document (in the store's order) and
        position; read as they are asked for (write nothing until they have all come)."""
        if doc_id is None:
            cursor = self._read(f"{_SELECT_EVENTS} ORDER BY d.position, e.seq")
        else:
            cursor = self._read(f"{_SELECT_EVENTS} WHERE e.doc_id = ? ORDER BY e.seq", (doc_id,))
        while rows := self._fetch(cursor):
            for row in rows:
                yield _event(row)

    def text(self, doc_id: str) -> str | None:
        """The text of a stored document, ``None`` when there is none of that id."""
        row = self._one("SELECT text FROM documents WHERE doc_id = ?", (doc_id,))
        return None if row is None else row[0]

    def count(self, doc_id: str | None = None) -> int:
        """The number of events of one document, or of all."""
        if doc_id is None:
            return self._one("SELECT count(*) FROM events")[0]
        return self._one("SELECT count(*) FROM events WHERE doc_id = ?", (doc_id,))[0]

    # Internals --------------------------------------------------------------------------

    @contextlib.contextmanager
    def _document(self) -> Iterator[None]:
        """One document's writes, in the batch's transaction: all kept (and counted), or none."""
        self._savepoint()
        with self._undone_on_error():
            yield
        self._release()

    def _savepoint(self) -> None:
        """Start one document's writes (and the batch's transaction, if none is open)."""
        self._not_open()
        if not self._connection.in_transaction:
            self._write("BEGIN IMMEDIATE")
            self._batch_started = time.monotonic()
        self._write("SAVEPOINT document")

    def _not_open(self) -> None:
        if self._open is not None:  # it would be committed, or nested, half written
            raise ValueError(f"{self.path}: the document {self._open.document.doc_id!r} is "
                             "being written")

    @contextlib.contextmanager
    def _undone_on_error(self) -> Iterator[None]:
        """Writes of the document in progress: on an error, all of that document's undone."""
        try:
            yield
        except BaseException as error:
            self._roll_back()
            # UnicodeEncodeError: a lone surrogate (JSON "\ud800") is not text SQLite holds.
            if isinstance(error, sqlite3.Error | UnicodeEncodeError):
                raise StoreError(f"{self.path}: cannot write: {_reason(error)}") from None
            raise

    def _roll_back(self) -> None:
        """Undo the document in progress (the rest of the batch stays)."""
        self._open = None
        if self._connection.in_transaction:  # SQLite may have rolled it all back itself
            self._connection.execute("ROLLBACK TO document")
            self._connection.execute("RELEASE document")

    def _release(self) -> None:
        """Keep the document in progress."""
        self._write("RELEASE document")
        self._written()

    def _delete(self, doc_id: str) -> int | None:
        """Delete a document and its events (if stored); its position in the store's order."""
        sql = self._connection.execute
        row = sql("SELECT position FROM documents WHERE doc_id = ?", (doc_id,)).fetchone()
        sql("DELETE FROM documents WHERE doc_id = ?", (doc_id,))  # cascades
        return row and row[0]

    def _insert_document(self, document: Document, settings: str, events: int,
                         position: int | None) -> None:
        """Its row, at ``position`` (after the others when ``None``)."""
        published = document.published.isoformat() if document.published else None
        self._connection.execute(_INSERT_DOCUMENT, (
            document.doc_id, content_hash(document), settings, published, document.title,
            document.url, document.source, document.text, events, position))

    def _insert_events(self, doc_id: str, events: list[Event], before: int) -> None:
        """Its ``events``, numbered on after the ``before`` it has."""
        sql = self._connection.execute
        first = sql("SELECT coalesce(max(rowid), 0) + 1 FROM events").fetchone()[0]
        rows = [(first + n, doc_id, before + n + 1, *_event_values(event))
                for n, event in enumerate(events)]
        self._connection.executemany(_INSERT_EVENT, rows)
        self._connection.executemany(
            "INSERT INTO event_actors(event, actor) VALUES (?, ?)",
            [(first + n, actor) for n, event in enumerate(events) for actor in event.actors])

    def _written(self) -> None:
        """One more document in the batch: commit the batch when it is full or old."""
        self._batch += 1
        if (self._batch >= BATCH_DOCUMENTS
                or time.monotonic() - self._batch_started >= BATCH_SECONDS):
            self.commit()

    def _write(self, sql: str) -> None:
        try:
            self._connection.execute(sql)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot write: {_reason(error)}") from None

    def _read(self, sql: str, parameters: tuple = ()) -> sqlite3.Cursor:
        try:
            return self._connection.execute(sql, parameters)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read: {_reason(error)}") from None

    def _fetch(self, cursor: sqlite3.Cursor) -> list:
        try:
            return cursor.fetchmany(_ROWS)
        except sqlite3.Error as error:
            raise StoreError(f"{self.path}: cannot read: {_reason(error)}") from None

    def _one(self, sql: str, parameters: tuple = ()) -> tuple | None:
        return self._read(sql, parameters).fetchone()


def _event_values(event: Event) -> list:
    values = list(_VALUES(event))
    values[_ACTORS] = json.dumps(values[_ACTORS], ensure_ascii=False)  # a tuple: a JSON list
    return values


def _event(row: tuple) -> Event:
    values = dict(zip(FIELDS, row, strict=True))
    values["actors"] = tuple(json.loads(values["actors"]))
    return Event(**values)
