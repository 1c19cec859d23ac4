"""Read the articles given to ``timeline extract``: text, HTML, JSONL and TimeML files,
folders of them, and standard input.

Problems with the input (a missing file, a malformed JSONL line ...) are reported through the
``error`` and ``warn`` callbacks as one-line messages naming the file (and line), and reading
goes on with the rest: nothing here raises for a user's mistake.
"""

from __future__ import annotations

import codecs
import datetime as dt
import itertools
import json
import os
import re
import sys
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from timeline.published import find_published, parse_date
from timeline.records import Document
from timeline.timeml import TIMEML_SUFFIXES, TimeMLError, document_name, read_timeml

TEXT_SUFFIXES = (".txt", ".text", ".md")
HTML_SUFFIXES = (".html", ".htm")
JSONL_SUFFIXES = (".jsonl",)

# A NUL byte this early means a binary file (PDF, image ...), not text.
_BINARY_SNIFF = 8192
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+")
_TITLE_MAX = 200
# Page metadata and date markup only: htmldate's extensive search also reads free text, where
# it takes dates of events in the body, or a copyright year as 1 January, for the publication.
_DATE_SEARCH = {"extensive_search": False, "original_date": True, "outputformat": "%Y-%m-%d"}
_JSON_TYPES = {
    bool: "a boolean", int: "a number", float: "a number", str: "a string", list: "an array",
    dict: "an object", type(None): "null",
}
_INVISIBLE = "//head|//script|//style|//noscript|//template"
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    }
)


class InputProblem(Exception):
    """Something wrong with one input (a JSONL line ...); the message says what."""


def read_documents(
    paths: Sequence[str],
    *,
    published: dt.date | None = None,
    error: Callable[[str], None],
    warn: Callable[[str], None],
) -> Iterator[Document]:
    """Yield the documents in ``paths``, in order, reading each only when it is asked for.

    A path is a file, a folder (walked recursively in name order, hidden entries skipped,
    taking ``.txt``/``.text``/``.md`` as text, ``.html``/``.htm``, ``.jsonl`` and
    ``.tml``/``.xml``/``.TE3input`` as TimeML), or ``-`` for standard input (its format is
    sniffed). A file named explicitly with another suffix is read as text. A JSONL line is an
    object with ``text`` or ``html`` (``text`` wins), and optional ``id``, ``published``,
    ``title``, ``url``.

    The publication date is, first, what the input states about itself (a JSONL record's
    ``published``, a TimeML DCT); then ``published`` (``--published``); then what is found in
    the content (HTML metadata and date markup, then the header of the text). Without one,
    ``warn`` says so and the document keeps ``published=None``.

    ``doc_id`` is the file name without suffix, a JSONL record's ``id`` (else
    ``<file stem>-<line>``), a TimeML DOCID, or ``stdin``. An id already given out is replaced
    by the file's path below the folder given (or as given) without suffix, else gets ``-2``,
    ``-3`` ... Unreadable inputs and malformed JSONL lines go to ``error`` and are skipped;
    empty files and undecodable bytes go to ``warn``.
    """
    reader = _Reader(published, error, warn)
    for name in paths:
        yield from reader.read(name)


@dataclass(frozen=True, slots=True)
class _Page:
    """What is read from an HTML page; ``main`` is false when ``text`` is all visible text."""

    text: str
    main: bool
    title: str | None
    url: str | None
    published: dt.date | None


class _Reader:
    """Reads inputs one by one and remembers the ids given out, to keep them unique."""

    def __init__(
        self,
        published: dt.date | None,
        error: Callable[[str], None],
        warn: Callable[[str], None],
    ) -> None:
        self.published = published
        self.error = error
        self.warn = warn
        self.ids: set[str] = set()

    def read(self, name: str) -> Iterator[Document]:
        """Yield the documents of one command-line input."""
        if name == "-":
            yield from self._stdin()
        elif os.path.isdir(name):
            for path in self._walk(Path(name)):
                yield from self._file(path, _without_suffix(path.relative_to(name)))
        elif os.path.exists(name):
            yield from self._file(Path(name), _without_suffix(Path(name)), explicit=True)
        else:
            self.error(f"{name}: no such file or directory")

    def _walk(self, folder: Path) -> Iterator[Path]:
        try:
            entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
        except OSError as problem:
            self.error(f"{folder}: cannot read: {_reason(problem)}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            # Linked folders are not followed: they can loop.
            if entry.is_dir(follow_symlinks=False):
                yield from self._walk(Path(entry.path))
            elif _format(Path(entry.name)) is not None and entry.is_file():
                yield Path(entry.path)

    def _file(self, path: Path, alias: str, *, explicit: bool = False) -> Iterator[Document]:
        kind = _format(path) or ("text" if explicit else None)
        try:
            if kind == "timeml":
                document = self._timeml(path, alias, str(path))
            elif kind == "jsonl":
                with path.open("rb") as lines:
                    yield from self._jsonl(lines, str(path), path.stem)
                return
            elif kind == "html":
                document = self._html(path.read_bytes(), path.stem, alias, str(path))
            else:
                document = self._text(path.read_bytes(), path.stem, alias, str(path))
        except OSError as problem:
            self.error(f"{path}: cannot read: {_reason(problem)}")
            return
        if document is not None:
            yield document

    def _stdin(self) -> Iterator[Document]:
        stream = sys.stdin.buffer
        head = []
        for line in stream:
            head.append(line)
            if line.strip():
                break
        if _start(b"".join(head)).startswith(b"{"):
            yield from self._jsonl(itertools.chain(head, stream), "-", "stdin")
            return
        data = b"".join(head) + stream.read()
        start = _start(data[:_BINARY_SNIFF])
        markup = start.startswith(b"<")
        if markup and (b"<TimeML" in start or re.search(rb"<TEXT[\s>]", start)):
            document = self._stdin_timeml(data)
        elif markup and re.search(rb"<html|<!doctype html", start, re.IGNORECASE):
            document = self._html(data, "stdin", None, "-")
        else:
            document = self._text(data, "stdin", None, "-")
        if document is not None:
            yield document

    def _text(self, data: bytes, name: str, alias: str | None, source: str) -> Document | None:
        if self._binary(data, source):
            return None
        utf16 = data.startswith(_UTF16_BOMS)
        codec = "utf-16" if utf16 else "utf-8-sig"
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            encoding = "UTF-16" if utf16 else "UTF-8"
            self.warn(f"{source}: not valid {encoding}; undecodable bytes replaced")
            text = data.decode(codec, errors="replace")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            self.warn(f"{source}: empty file; skipped")
            return None
        published = self.published or find_published(text)
        return self._done(name, alias, text, published, _title(text), None, source)

    def _html(self, data: bytes, name: str, alias: str | None, source: str) -> Document | None:
        if self._binary(data, source):
            return None
        if not data.strip():
            self.warn(f"{source}: empty file; skipped")
            return None
        page = self._page(data, source)
        if page is None:
            return None
        published = self.published or page.published or find_published(page.text)
        return self._done(name, alias, page.text, published, page.title, page.url, source)

    def _page(self, html: bytes | str, source: str) -> _Page | None:
        page = _read_html(html)
        if page is None:
            self.warn(f"{source}: no text in the HTML; skipped")
        elif not page.main:
            self.warn(f"{source}: no main text found in the HTML; using all its visible text")
        return page

    def _jsonl(self, lines: Iterable[bytes], name: str, stem: str) -> Iterator[Document]:
        for number, line in enumerate(lines, start=1):
            if number == 1:
                line = line.removeprefix(codecs.BOM_UTF8)
            if not line.strip():
                continue
            source = f"{name}:{number}"
            try:
                record = _json_object(line)
                if _LONE_SURROGATE.search(line.decode("utf-8", "replace")):
                    record = _without_lone_surrogates(record, source, self.warn)
                document = self._record(record, f"{stem}-{number}", source)
            except InputProblem as problem:
                self.error(f"{source}: {problem}")
                continue
            if document is not None:
                yield document

    def _record(self, record: dict[str, Any], default_id: str, source: str) -> Document | None:
        """Return the document of a JSONL record; raise ``InputProblem`` if it is malformed."""
        given_id = _id_field(record)
        text, html = _string_field(record, "text"), _string_field(record, "html")
        title, url = _string_field(record, "title"), _string_field(record, "url")
        published = _date_field(record) or self.published
        if text is None and html is None:
            raise InputProblem('no "text" or "html" field')
        if not (text if text is not None else html).strip():
            self.warn(f'{source}: empty "{"text" if text is not None else "html"}"; skipped')
            return None
        if text is None:
            page = self._page(html, source)
            if page is None:
                return None
            text, published = page.text, published or page.published
            title, url = title or page.title, url or page.url
        else:
            title = title or _title(text)
        published = published or find_published(text)
        document = self._done(given_id or default_id, None, text, published, title, url, source)
        if given_id and document.doc_id != given_id:
            self.warn(f"{source}: id {given_id!r} is already used; renamed {document.doc_id!r}")
        return document

    def _timeml(self, path: Path, alias: str | None, source: str) -> Document | None:
        try:
            doc = read_timeml(path)
        except TimeMLError as problem:
            self.error(str(problem).replace(str(path), source, 1))
            return None
        published = (doc.dct and _parse_published(doc.dct)) or self.published
        return self._done(doc.doc_id, alias, doc.text, published, None, None, source)

    def _stdin_timeml(self, data: bytes) -> Document | None:
        # read_timeml reads files only.
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder, "stdin.tml")
            path.write_bytes(data)
            return self._timeml(path, None, "-")

    def _binary(self, data: bytes, source: str) -> bool:
        if b"\0" in data[:_BINARY_SNIFF] and not data.startswith(_UTF16_BOMS):
            self.error(f"{source}: binary file, not text; skipped")
            return True
        return False

    def _done(
        self,
        name: str,
        alias: str | None,
        text: str,
        published: dt.date | None,
        title: str | None,
        url: str | None,
        source: str,
    ) -> Document:
        """Return the document, with an id not given out before; warn if it has no date."""
        candidates = itertools.chain([name, alias], (f"{name}-{n}" for n in itertools.count(2)))
        doc_id = next(c for c in candidates if c and c not in self.ids)
        self.ids.add(doc_id)
        if published is None:
            self.warn(
                f"{doc_id} ({source}): no publication date found; relative dates stay "
                "unresolved (give --published YYYY-MM-DD)"
            )
        return Document(doc_id, text, published, title, url, source)


def _read_html(html: bytes | str) -> _Page | None:
    """Return the main text and metadata of an HTML page, ``None`` if it shows no text.

    Only the markup given is read: trafilatura and htmldate are never given a URL, so nothing
    is fetched.
    """
    import trafilatura  # slow to import; only needed for HTML

    tree = _parse_html(html)
    if tree is None:
        return None
    extracted = trafilatura.bare_extraction(
        tree, with_metadata=True, include_comments=False, date_extraction_params=_DATE_SEARCH
    )
    main_text = (extracted.text or "").strip() if extracted is not None else ""
    text = main_text or _visible_text(_parse_html(html))
    if not text:
        return None
    if extracted is None:
        return _Page(text, False, None, None, None)
    published = _parse_published(extracted.date) if extracted.date else None
    return _Page(text, bool(main_text), extracted.title, extracted.url, published)


def _parse_html(html: bytes | str) -> Any:
    """Return the lxml tree of a page, or of a fragment or bare text wrapped in a page."""
    from trafilatura import load_html

    tree = load_html(html)
    if tree is None:
        if isinstance(html, bytes):
            tree = load_html(b"<html><body>" + html + b"</body></html>")
        else:
            tree = load_html(f"<html><body>{html}</body></html>")
    return tree


def _visible_text(tree: Any) -> str:
    """Return the text a browser would show, one line per block, spaces collapsed."""
    if tree is None:
        return ""
    for element in tree.xpath(_INVISIBLE):
        element.drop_tree()
    for element in tree.iter():
        if isinstance(element.tag, str) and element.tag.lower() in _BLOCKS:
            element.tail = "\n" + (element.tail or "")
    lines = (" ".join(line.split()) for line in tree.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def _json_object(line: bytes) -> dict[str, Any]:
    try:
        record = json.loads(line.strip())
    except UnicodeDecodeError:
        raise InputProblem("not valid UTF-8") from None
    except json.JSONDecodeError as problem:
        raise InputProblem(f"not valid JSON: {problem.msg} (column {problem.colno})") from None
    if not isinstance(record, dict):
        raise InputProblem(f"expected a JSON object, got {_json_type(record)}")
    return record


def _id_field(record: dict[str, Any]) -> str | None:
    value = record.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _string_field(record, "id")


# A JSON escape of half a UTF-16 pair ("\ud800") with no other half: not a character.
_LONE_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(record: Any, source: str, warn: Callable[[str], None]) -> Any:
    """``record`` with each lone surrogate in its strings replaced by U+FFFD (one character
    for one, so offsets hold), and a warning when there was any."""
    replaced: set[str] = set()

    def clean(value: Any, name: str) -> Any:
        if isinstance(value, str) and _SURROGATE.search(value):
            replaced.add(name)
            return _SURROGATE.sub("\ufffd", value)
        return value

    if isinstance(record, dict):
        record = {k: clean(v, k) for k, v in record.items()}
    if replaced:
        fields = ", ".join(f'"{name}"' for name in sorted(replaced))
        warn(f"{source}: a lone surrogate escape (\\ud800-\\udfff) in {fields} is not a "
             "character; replaced by U+FFFD")
    return record


def _string_field(record: dict[str, Any], name: str) -> str | None:
    value = record.get(name)
    if value is None or isinstance(value, str):
        return value
    raise InputProblem(f'"{name}" must be a string, got {_json_type(value)}')


def _date_field(record: dict[str, Any]) -> dt.date | None:
    value = _string_field(record, "published")
    if value is None or not value.strip():
        return None
    day = _parse_published(value.strip())
    if day is None:
        raise InputProblem(f'"published": cannot read {value!r} as a date (use YYYY-MM-DD)')
    return day


def _parse_published(value: str) -> dt.date | None:
    """Read an ISO date or datetime (the date as written), else a date in words."""
    for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
        try:
            parsed = parse(value)
        except ValueError:
            continue
        return parsed.date() if isinstance(parsed, dt.datetime) else parsed
    return parse_date(value)


def _json_type(value: Any) -> str:
    return _JSON_TYPES[type(value)]


def _title(text: str) -> str | None:
    """Return the first line when it looks like a headline with more text below it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None
    title = _MARKDOWN_HEADING.sub("", lines[0])
    if not title or len(title) >= _TITLE_MAX or title.endswith((".", ",", ":", ";")):
        return None
    if find_published(title) is not None:  # a date line, not a headline
        return None
    return title


def _format(path: Path) -> str | None:
    """Return how a file is read, from its name: text, html, jsonl, timeml, or ``None``."""
    name = path.name.lower()
    for kind, suffixes in (
        ("timeml", TIMEML_SUFFIXES),
        ("text", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("jsonl", JSONL_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


def _without_suffix(path: Path) -> str:
    """Return ``path`` as a POSIX string, without its suffix (TimeML ones all removed)."""
    name = document_name(path) if _format(path) == "timeml" else path.stem
    return (path.parent / name).as_posix()


def _start(data: bytes) -> bytes:
    """Return ``data`` without leading white space and byte order mark."""
    return data.lstrip().removeprefix(codecs.BOM_UTF8).lstrip()


def _reason(problem: OSError) -> str:
    return problem.strerror or str(problem)
