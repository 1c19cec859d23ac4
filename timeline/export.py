"""Write events as CSV, JSON, JSONL, Parquet or TimelineJS, and read them back.

Every format is written from ``Event`` records, one at a time, so a corpus of any size streams
through: ``open_writer(target, fmt)`` gives an ``EventWriter`` whose ``write(events)`` can be
called many times. A file target is written atomically: the events go to a hidden
``.<name>.<random>.part`` file next to it, which replaces the target only once everything has
been written; on an error the ``.part`` file is removed and any previous target is left as it was.
``None`` or ``"-"`` as the target means standard output (not for Parquet, which needs a file).

CSV rules (UTF-8, the columns of ``FIELDS``):

- A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab, a carriage return or NUL would be
  run as a formula by a spreadsheet (OWASP "CSV injection"), so it gets a leading ``'``. So that
  this can be undone exactly, a cell that already starts with ``'`` gets one too; the reader
  drops one leading ``'`` from every cell that has one (``'=x`` is written ``''=x``).
- An empty cell is ``None`` in a field that may be empty (``OPTIONAL_FIELDS``) and no actors in
  ``actors``; an empty string there is written as a lone ``'``.
- ``actors`` are joined with ``;``; a ``;`` or ``\\`` inside an actor is escaped with ``\\``.
- Whole numbers are written as digits; any Unicode text, NUL and line breaks included, round-trips.

TimelineJS output is the JSON that Knight Lab's TimelineJS3 reads
(https://timeline.knightlab.com/docs/json-format.html); it is for viewing, not for reading
back. Events without a start day cannot be placed on it and are left out
(``EventWriter.skipped`` counts them); text is HTML-escaped because TimelineJS renders it as HTML.
"""

from __future__ import annotations

import csv
import html
import json
import os
import re
import reprlib
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from timeline.records import FIELDS, INT_FIELDS, OPTIONAL_FIELDS, Event

FORMATS = ("csv", "json", "jsonl", "parquet", "timelinejs")
SUFFIXES = {".csv": "csv", ".json": "json", ".jsonl": "jsonl", ".parquet": "parquet",
            ".pq": "parquet"}
# Events per Parquet row group, and per batch read back: bounds the memory either way.
ROW_GROUP_SIZE = 10_000

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\0", "'")
_EMPTY_MEANS_NONE = OPTIONAL_FIELDS | {"actors"}
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")
_ISO_DAY = re.compile(r"([+-]?[0-9]{4,})-([0-9]{2})-([0-9]{2})")
# How much of a date TimelineJS is given, by granularity; finer ones get the day.
_TIMELINE_PRECISION = {"month": 2, "season": 2, "quarter": 2, "half": 2,
                       "year": 1, "decade": 1, "century": 1}


class ExportError(Exception):
    """Events cannot be written or read; the one-line message names the file."""


class _EncodeError(Exception):
    """An event the format cannot hold; the writer adds the file name."""


class EventWriter:
    """Streams events to a file (atomically) or to standard output, in one of ``FORMATS``.

    Use as a context manager, or call ``close()`` to finish (and ``abort()`` on failure).
    ``written`` counts the events written, ``skipped`` those the format cannot show.
    """

    def __init__(self, target: str | os.PathLike | None, fmt: str, *, title: str | None = None):
        if fmt not in FORMATS:
            raise ExportError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
        self.target = None if target is None or str(target) == "-" else Path(target)
        self.written = 0
        self.skipped = 0
        self._closed = False
        self._part: Path | None = None
        if self.target is None:
            if fmt == "parquet":
                raise ExportError("parquet needs a file: give -o PATH")
            self._file: IO = sys.stdout
        else:
            self._file = _open_part(self.target, binary=fmt == "parquet")
            self._part = Path(self._file.name)
        try:
            self._format = _ENCODERS[fmt](self._file, title)
        except BaseException:
            self._closed = True
            self._remove_part()
            raise

    def write(self, events: Iterable[Event]) -> None:
        """Write ``events`` one by one; may be called any number of times."""
        if self._closed:
            raise ValueError("the writer is closed")
        try:
            for event in events:
                if self._format.add(event):
                    self.written += 1
                else:
                    self.skipped += 1
        except _EncodeError as error:
            raise ExportError(f"{self.target}: {error}") from None

    def close(self) -> None:
        """Finish the output; a file target is only replaced now."""
        if self._closed:
            return
        try:
            self._format.finish()
            if self._part is None:
                self._file.flush()
            else:
                _commit(self._file, self._part, self.target)
        except BaseException as error:
            self.abort()
            if isinstance(error, _EncodeError):
                raise ExportError(f"{self.target}: {error}") from None
            raise
        self._closed = True

    def abort(self) -> None:
        """Give up: remove the partial file and leave any previous target untouched."""
        if self._closed:
            return
        self._closed = True
        try:
            self._format.discard()
        finally:
            self._remove_part()

    def _remove_part(self) -> None:
        if self._part is not None:
            self._file.close()
            self._part.unlink(missing_ok=True)

    def __enter__(self) -> EventWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()


def open_writer(
    target: str | os.PathLike | None, fmt: str, *, title: str | None = None
) -> EventWriter:
    """A writer of ``fmt`` events to the path ``target`` (``None`` or ``"-"``: standard output).

    ``title`` heads a TimelineJS timeline; other formats ignore it.
    """
    return EventWriter(target, fmt, title=title)


def write_events(
    events: Iterable[Event], target: str | os.PathLike | None, fmt: str,
    *, title: str | None = None,
) -> int:
    """Write all ``events`` to ``target`` in ``fmt``; returns how many were written."""
    with open_writer(target, fmt, title=title) as writer:
        writer.write(events)
    return writer.written


def read_events(path: str | os.PathLike) -> Iterator[Event]:
    """The events of a CSV, JSON, JSONL or Parquet file written by this module, as they come.

    The format comes from the suffix (``.csv``, ``.json``, ``.jsonl``, ``.parquet``/``.pq``).
    Content that is not such events raises ``ExportError`` naming the file and line (or row).
    """
    path = Path(path)
    fmt = SUFFIXES.get(path.suffix.lower())
    if fmt is None:
        raise ExportError(
            f"{path}: cannot tell the format from the suffix {path.suffix!r}: "
            "use .csv, .json, .jsonl or .parquet"
        )
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    return _READERS[fmt](path)


# Writing ------------------------------------------------------------------------------------


def _open_part(target: Path, *, binary: bool) -> IO:
    """A temporary file beside ``target``, so that the final rename stays on one file system."""
    options: dict[str, Any] = {} if binary else {"encoding": "utf-8", "newline": ""}
    try:
        return tempfile.NamedTemporaryFile(
            "wb" if binary else "w", dir=target.parent, prefix=f".{target.name}.",
            suffix=".part", delete=False, **options,
        )
    except OSError as error:
        raise ExportError(f"{target}: cannot write: {error.strerror}") from None


def _commit(file: IO, part: Path, target: Path) -> None:
    """Make ``part`` durable and put it in place of ``target``, with the target's permissions.

    Temporary files are created private (0600); the result gets the permissions of the file it
    replaces, or those any new file would get.
    """
    file.flush()
    os.fsync(file.fileno())
    file.close()
    if target.exists():
        mode = target.stat().st_mode & 0o7777
    else:
        umask = os.umask(0)
        os.umask(umask)
        mode = 0o666 & ~umask
    os.chmod(part, mode)
    os.replace(part, target)


class _Encoder:
    """One output format: ``add`` each event (False: left out), then ``finish``."""

    def add(self, event: Event) -> bool:
        raise NotImplementedError

    def finish(self) -> None:
        """Write whatever closes the output."""

    def discard(self) -> None:
        """Release resources without finishing (the output is being thrown away)."""


class _CsvEncoder(_Encoder):
    def __init__(self, out: IO, title: str | None):
        self._rows = csv.writer(out)
        self._rows.writerow(FIELDS)

    def add(self, event: Event) -> bool:
        self._rows.writerow([_encode_cell(name, getattr(event, name)) for name in FIELDS])
        return True


def _encode_cell(name: str, value: Any) -> str:
    if value is None:
        return ""
    if name == "actors":
        if not value:
            return ""
        text = ";".join(a.replace("\\", "\\\\").replace(";", "\\;") for a in value)
    else:
        text = str(value)
    if not text:
        return "'" if name in _EMPTY_MEANS_NONE else ""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


class _JsonLinesEncoder(_Encoder):
    def __init__(self, out: IO, title: str | None):
        self._out = out

    def add(self, event: Event) -> bool:
        self._out.write(_dumps(event.to_dict()) + "\n")
        return True


class _JsonArrayEncoder(_Encoder):
    """A JSON array written item by item, one per line, between ``opening`` and ``closing``."""

    def __init__(self, out: IO, opening: str, closing: str,
                 item: Callable[[Event], dict | None]):
        self._out = out
        self._closing = closing
        self._item = item
        self._separator = "\n"
        out.write(opening)

    def add(self, event: Event) -> bool:
        item = self._item(event)
        if item is None:
            return False
        self._out.write(self._separator + _dumps(item))
        self._separator = ",\n"
        return True

    def finish(self) -> None:
        self._out.write(("" if self._separator == "\n" else "\n") + self._closing + "\n")


def _json_encoder(out: IO, title: str | None) -> _JsonArrayEncoder:
    return _JsonArrayEncoder(out, "[", "]", Event.to_dict)


def _timelinejs_encoder(out: IO, title: str | None) -> _JsonArrayEncoder:
    opening = "{"
    if title:
        title_slide = {"text": {"headline": html.escape(title), "text": ""}}
        opening += f'"title": {_dumps(title_slide)},\n'
    return _JsonArrayEncoder(out, opening + '"events": [', "]}", _timelinejs_slide)


def _timelinejs_slide(event: Event) -> dict | None:
    """A TimelineJS slide for the event, or ``None`` when it has no day to be placed on."""
    precision = _TIMELINE_PRECISION.get(event.granularity or "", 3)
    start = _timelinejs_date(event.start, precision)
    if start is None:
        return None
    slide: dict[str, Any] = {"start_date": start}
    end = _timelinejs_date(event.end, precision)
    if end is not None and end != start:
        slide["end_date"] = end
    shown = event.date if event.timex_text in ("", event.date) else (
        f"{event.timex_text} ({event.date})")
    slide.update(
        text={"headline": html.escape(event.event), "text": html.escape(event.sentence)},
        group=html.escape(event.title or event.doc_id),
        unique_id=event.event_id,
        display_date=html.escape(shown),
    )
    return slide


def _timelinejs_date(day: str | None, precision: int) -> dict[str, str] | None:
    """``2023-09-12`` as TimelineJS wants it, to ``precision`` parts (1 year ... 3 day)."""
    match = _ISO_DAY.fullmatch(day or "")
    if match is None:
        return None
    numbers = [str(int(part)) for part in match.groups()[:precision]]
    return dict(zip(("year", "month", "day"), numbers, strict=False))


class _ParquetEncoder(_Encoder):
    """Buffers ``ROW_GROUP_SIZE`` events at a time and writes each batch as a row group."""

    def __init__(self, out: IO, title: str | None):
        pa, pq = _pyarrow()
        self._pa = pa
        self._schema = _parquet_schema(pa)
        self._writer = pq.ParquetWriter(out, self._schema)
        self._events: list[Event] = []

    def add(self, event: Event) -> bool:
        self._events.append(event)
        if len(self._events) >= ROW_GROUP_SIZE:
            self._flush()
        return True

    def finish(self) -> None:
        if self._events:
            self._flush()
        self._writer.close()

    def discard(self) -> None:
        self._writer.close()

    def _flush(self) -> None:
        columns = {name: [getattr(e, name) for e in self._events] for name in FIELDS}
        try:
            batch = self._pa.RecordBatch.from_pydict(columns, schema=self._schema)
            self._writer.write_batch(batch)
        except self._pa.ArrowException as error:
            raise _EncodeError(f"not writable as Parquet: {_first_line(error)}") from None
        self._events.clear()


def _pyarrow():
    # Imported on first use: pyarrow is large and only Parquet needs it.
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise ExportError("parquet needs pyarrow: pip install pyarrow") from None
    return pyarrow, pyarrow.parquet


def _parquet_schema(pa):
    """Strings, nullable int64 offsets and a list of strings for ``actors``."""
    def column(name):
        if name == "actors":
            kind = pa.list_(pa.field("element", pa.string(), nullable=False))
        elif name in INT_FIELDS:
            kind = pa.int64()
        else:
            kind = pa.string()
        return pa.field(name, kind, nullable=name in OPTIONAL_FIELDS)
    return pa.schema([column(name) for name in FIELDS])


def _dumps(record: dict) -> str:
    return json.dumps(record, ensure_ascii=False)


_ENCODERS: dict[str, Callable[[IO, str | None], _Encoder]] = {
    "csv": _CsvEncoder,
    "json": _json_encoder,
    "jsonl": _JsonLinesEncoder,
    "parquet": _ParquetEncoder,
    "timelinejs": _timelinejs_encoder,
}


# Reading ------------------------------------------------------------------------------------


def _read_csv(path: Path) -> Iterator[Event]:
    with _open_text(path) as file:
        rows = csv.reader(file)
        try:
            header = next(rows, None)
            if header != list(FIELDS):
                raise ExportError(f"{path}:1: expected the header {','.join(FIELDS)}")
            line = rows.line_num + 1
            for row in rows:
                if row:  # a blank line
                    yield _event_from_row(row, f"{path}:{line}")
                line = rows.line_num + 1
        except csv.Error as error:
            raise ExportError(f"{path}:{rows.line_num}: {error}") from None
        except UnicodeDecodeError:
            raise ExportError(f"{path}: not UTF-8 text") from None


def _event_from_row(row: list[str], where: str) -> Event:
    if len(row) != len(FIELDS):
        raise ExportError(f"{where}: expected {len(FIELDS)} cells, found {len(row)}")
    return Event(**{name: _decode_cell(name, cell, where) for name, cell in zip(FIELDS, row,
                                                                                 strict=True)})


def _decode_cell(name: str, cell: str, where: str) -> Any:
    if not cell:
        if name in INT_FIELDS and name not in OPTIONAL_FIELDS:
            raise ExportError(f"{where}: {name} is empty")
        return () if name == "actors" else None if name in OPTIONAL_FIELDS else ""
    text = cell[1:] if cell.startswith("'") else cell
    if name == "actors":
        return _split_actors(text)
    if name in INT_FIELDS:
        if not _WHOLE_NUMBER.fullmatch(text):
            raise ExportError(f"{where}: {name} is not a whole number: {reprlib.repr(cell)}")
        return int(text)
    return text


def _split_actors(text: str) -> tuple[str, ...]:
    if "\\" not in text:
        return tuple(text.split(";"))
    actors, current = [], []
    chars = iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, "\\"))
        elif char == ";":
            actors.append("".join(current))
            current = []
        else:
            current.append(char)
    actors.append("".join(current))
    return tuple(actors)


def _read_jsonl(path: Path) -> Iterator[Event]:
    with _open_text(path) as file:
        try:
            for number, line in enumerate(file, 1):
                if line.strip():
                    yield _event_from_record(_loads(line, f"{path}:{number}"), f"{path}:{number}")
        except UnicodeDecodeError:
            raise ExportError(f"{path}: not UTF-8 text") from None


def _read_json(path: Path) -> Iterator[Event]:
    with _open_text(path) as file:
        try:
            records = json.load(file)
        except json.JSONDecodeError as error:
            raise ExportError(f"{path}:{error.lineno}: not JSON: {error.msg}") from None
        except UnicodeDecodeError:
            raise ExportError(f"{path}: not UTF-8 text") from None
    if isinstance(records, dict) and "events" in records:
        raise ExportError(f"{path}: a TimelineJS file cannot be read back; use csv, json, jsonl"
                          " or parquet")
    if not isinstance(records, list):
        raise ExportError(f"{path}: expected a JSON array of events")
    for number, record in enumerate(records, 1):
        yield _event_from_record(record, f"{path}: event {number}")


def _read_parquet(path: Path) -> Iterator[Event]:
    pa, pq = _pyarrow()
    try:
        file = pq.ParquetFile(path)
    except pa.ArrowException as error:
        raise ExportError(f"{path}: not a Parquet file ({_first_line(error)})") from None
    with file:
        names = file.schema_arrow.names
        missing = [name for name in FIELDS if name not in names]
        unknown = [name for name in names if name not in FIELDS]
        if missing or unknown:
            raise ExportError(f"{path}: expected the columns {','.join(FIELDS)}; missing: "
                              f"{','.join(missing) or '-'}; unknown: {','.join(unknown) or '-'}")
        row = 0
        for batch in file.iter_batches(batch_size=ROW_GROUP_SIZE, columns=list(FIELDS)):
            for record in batch.to_pylist():
                row += 1
                yield _event_from_record(record, f"{path}: row {row}")


def _open_text(path: Path) -> IO:
    # utf-8-sig: spreadsheets often save CSV with a byte order mark.
    return path.open(encoding="utf-8-sig", newline="")


def _loads(line: str, where: str) -> Any:
    try:
        return json.loads(line)
    except json.JSONDecodeError as error:
        raise ExportError(f"{where}: not JSON: {error.msg}") from None


def _event_from_record(record: Any, where: str) -> Event:
    """Check that a decoded JSON or Parquet record is an event, field by field."""
    if not isinstance(record, dict):
        raise ExportError(f"{where}: expected an event object, found {type(record).__name__}")
    missing = [name for name in FIELDS if name not in record]
    unknown = [str(name) for name in record if name not in FIELDS]
    if missing or unknown:
        raise ExportError(f"{where}: not an event: missing fields: {','.join(missing) or '-'};"
                          f" unknown fields: {reprlib.repr(','.join(unknown) or '-')}")
    for name in FIELDS:
        value = record[name]
        if value is None and name in OPTIONAL_FIELDS:
            continue
        if name == "actors":
            ok = isinstance(value, list | tuple) and all(isinstance(a, str) for a in value)
            expected = "a list of strings"
        elif name in INT_FIELDS:
            ok = isinstance(value, int) and not isinstance(value, bool)
            expected = "a whole number"
        else:
            ok = isinstance(value, str)
            expected = "a string"
        if not ok:
            raise ExportError(f"{where}: {name} should be {expected}, found {reprlib.repr(value)}")
    return Event.from_dict(record)


def _first_line(error: Exception) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0]


_READERS: dict[str, Callable[[Path], Iterator[Event]]] = {
    "csv": _read_csv,
    "json": _read_json,
    "jsonl": _read_jsonl,
    "parquet": _read_parquet,
}
