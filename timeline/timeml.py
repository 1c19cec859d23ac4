"""Read TimeML documents and write them back with new TIMEX3 annotations.

A document is kept as its raw string; only the inside of ``<TEXT>`` is ever rewritten, so
everything else (DOCID, DCT, TLINKs ...) comes back byte for byte. ``TimeMLDocument.text`` is
what an XML parser reports as the character content of ``<TEXT>`` (tags removed, entities
decoded, line ends normalised to ``\\n``); every offset in this module is an offset into it.
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from timeline.temporal import Timex

TIMEML_SUFFIXES = (".tml", ".xml", ".te3input")

_NAME_SUFFIXES = (".te3input", ".tml", ".xml")

# One markup token of an XML document. Text lies between the matches.
_MARKUP = re.compile(
    r"<!--.*?-->"
    r"|<!\[CDATA\[(?P<cdata>.*?)\]\]>"
    r"|<\?.*?\?>"
    r"|<!DOCTYPE(?:[^\[>]|\[.*?\])*>"
    r"|<(?P<close>/)?(?P<name>[^\s/>]+)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*?)(?P<empty>/)?>",
    re.DOTALL,
)
_ATTRIBUTE = re.compile(r"([^\s=]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
# Character content pieces whose decoded length differs from their raw length.
_ATOM = re.compile(r"&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_][\w.-]*);|\r\n?")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}
_ENCODING_DECLARATION = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_TID = re.compile(r"""\btid\s*=\s*(?:"([^"]*)"|'([^']*)')""")


class TimeMLError(Exception):
    """A file that cannot be read as a TimeML document; the message names the file."""


@dataclass
class TimeMLDocument:
    """A TimeML document: its text, gold TIMEX3s, and what is needed to write it back.

    ``raw`` is the whole file as a string, ``text_start``/``text_end`` the raw positions where
    the content of ``<TEXT>`` begins and ends, ``encoding`` the codec to save it with.
    ``events``, ``tlinks``, ``timex_ids`` (TEXT's TIMEX3s by ``tid``) and ``dct_tid`` (the
    creation time's ``tid``) are the gold event annotation, for scoring event anchoring.
    """

    path: Path
    doc_id: str
    dct: str | None
    text: str
    timexes: list[Timex]
    raw: str
    text_start: int
    text_end: int
    encoding: str = "utf-8"
    events: list[GoldEvent] = field(default_factory=list)
    tlinks: list[TLink] = field(default_factory=list)
    timex_ids: dict[str, Timex] = field(default_factory=dict)
    dct_tid: str | None = None


@dataclass(frozen=True, slots=True)
class GoldEvent:
    """An EVENT element of TEXT: its id, span and class, and its instance ids (``eiid``)."""

    eid: str
    start: int
    end: int
    text: str
    event_class: str
    instances: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class TLink:
    """A TLINK as written: ``source`` and ``target`` are ids prefixed by their kind
    (``"ei:ei12"``, ``"t:t3"``); ``rel_type`` is the relation from source to target."""

    source: str
    target: str
    rel_type: str


@dataclass(frozen=True, slots=True)
class _Markup:
    """A tag, comment or processing instruction inside TEXT, at text offset ``offset``."""

    start: int
    end: int
    offset: int
    kind: str  # "open", "close", "empty" or "other"
    name: str
    attrs: str


@dataclass(frozen=True, slots=True)
class _Segment:
    """A stretch of text: ``length`` characters of ``text`` read from ``raw[start:end]``.

    Literal segments map one raw character to one text character, so a tag can be put between
    any two of their characters; other segments (an entity, a CRLF, a CDATA section) cannot be
    split.
    """

    offset: int
    length: int
    start: int
    end: int
    literal: bool


@dataclass
class _Content:
    """The inside of a TEXT element, cut into text segments and markup."""

    text: str
    segments: list[_Segment]
    markups: list[_Markup]


def read_timeml(path: str | Path) -> TimeMLDocument:
    """Read the TimeML file at ``path``; raise ``TimeMLError`` when it is not one.

    Any file name works (``X.tml``, ``X.tml.TE3input``, ``X.xml``). The text is decoded from
    its BOM or XML declaration, else UTF-8, else Windows-1252.
    """
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise TimeMLError(f"{path}: cannot read: {error.strerror or error}") from error
    raw, encoding = _decode(data, path)
    try:
        root = ET.fromstring(raw)
    except ET.ParseError as error:
        raise TimeMLError(f"{path}: malformed XML: {error}") from error
    text_start, text_end = _find_text_element(raw, path)
    content = _scan_content(raw, text_start, text_end, path)
    timexes, timex_ids = _gold_timexes(content, path)
    return TimeMLDocument(
        path=path,
        doc_id=_doc_id(root, path),
        dct=_creation_date(root),
        text=content.text,
        timexes=timexes,
        raw=raw,
        text_start=text_start,
        text_end=text_end,
        encoding=encoding,
        events=_gold_events(content, root, path),
        tlinks=_tlinks(root),
        timex_ids=timex_ids,
        dct_tid=_creation_tid(root, set(timex_ids)),
    )


def write_timeml(doc: TimeMLDocument, timexes: Iterable[Timex]) -> str:
    """Return ``doc`` as a string, with ``timexes`` as the only TIMEX3 tags inside TEXT.

    Existing TIMEX3 tags inside TEXT are removed (their text stays), other markup is kept and
    the file outside TEXT is unchanged. New tags get ids ``t1``, ``t2`` ... skipping ids used
    outside TEXT. A timex that overlaps an earlier one, or that cannot be placed without
    crossing the boundary of another element (an EVENT ...), is left out so that the result
    stays well-formed. Raise ``ValueError`` for a timex whose offsets do not fit ``doc.text``.
    """
    content = _scan_content(doc.raw, doc.text_start, doc.text_end, doc.path)
    used_ids = _ids_outside(doc)
    ids = (f"t{n}" for n in range(1, 10**9) if f"t{n}" not in used_ids)
    # (raw start, order at equal starts, raw end, new text): tags to insert and old TIMEX3
    # tags to remove. At one position a closing tag goes first, a removal last.
    cuts: list[tuple[int, int, int, str]] = [
        (m.start, 2, m.end, "") for m in content.markups if m.name == "TIMEX3"
    ]
    kept = [m for m in content.markups if m.name != "TIMEX3"]
    placer = _Placer(content.segments, kept, len(content.text), doc.text_end)
    previous_end: tuple[int, int] = (0, 0)
    for timex in sorted(timexes, key=lambda t: (t.start, -t.end)):
        _check_offsets(timex, content.text)
        place = placer.place(timex.start, timex.end, previous_end)
        if place is None:
            continue
        (open_at, _), (close_at, close_gap) = place
        previous_end = close_gap
        cuts.append((open_at, 1, open_at, _open_tag(next(ids), timex)))
        cuts.append((close_at, 0, close_at, "</TIMEX3>"))
    pieces = [doc.raw[: doc.text_start]]
    position = doc.text_start
    for start, _, end, insert in sorted(cuts):
        pieces.append(doc.raw[position:start])
        pieces.append(insert)
        position = end
    pieces.append(doc.raw[position:])
    return "".join(pieces)


def find_timeml_files(path: str | Path) -> list[Path]:
    """Return ``path`` if it is a file, else the TimeML files below it, sorted.

    In a directory, files whose names end in ``.tml``, ``.xml`` or ``.TE3input`` count.
    """
    path = Path(path)
    if not path.is_dir():
        return [path]
    return sorted(
        p for p in path.rglob("*") if p.name.lower().endswith(TIMEML_SUFFIXES) and p.is_file()
    )


def document_name(path: str | Path) -> str:
    """Return a file's name without its TimeML suffixes (``X.tml.TE3input`` -> ``X``)."""
    name = Path(path).name
    while name.lower().endswith(_NAME_SUFFIXES):
        name = name[: name.rindex(".")]
    return name


class _Placer:
    """Finds where the opening and closing tag of a timex can go inside TEXT.

    A place is a gap ``(offset, index)``: text offset, and index into the markup list of the
    first markup after the gap. Several markups can sit at the same offset (``</EVENT><EVENT>``)
    and the gaps between them are the choices.
    """

    def __init__(
        self, segments: list[_Segment], markups: list[_Markup], length: int, end: int
    ) -> None:
        self._segments = segments
        self._segment_offsets = [s.offset for s in segments]
        self._markups = markups
        self._markup_offsets = [m.offset for m in markups]
        self._length = length
        self._end = end

    def place(
        self, start: int, end: int, not_before: tuple[int, int]
    ) -> tuple[tuple[int, tuple[int, int]], tuple[int, tuple[int, int]]] | None:
        """Return ``((raw, gap), (raw, gap))`` for the two tags, or ``None`` if they cannot go.

        The opening tag goes as far in and the closing tag as early as still keeps the markup
        between them balanced, so a timex that covers exactly an EVENT ends up inside it.
        """
        first_open, last_open = self._gaps(start)
        first_close, last_close = self._gaps(end)
        for open_gap in range(last_open, first_open - 1, -1):
            if (start, open_gap) < not_before:
                break
            open_at = self._raw(start, open_gap, first_open)
            if open_at is None:
                return None
            for close_gap in range(first_close, last_close + 1):
                if _balanced(self._markups[open_gap:close_gap]):
                    close_at = self._raw(end, close_gap, first_close)
                    if close_at is None:
                        return None
                    return (open_at, (start, open_gap)), (close_at, (end, close_gap))
        return None

    def _gaps(self, offset: int) -> tuple[int, int]:
        return (
            bisect.bisect_left(self._markup_offsets, offset),
            bisect.bisect_right(self._markup_offsets, offset),
        )

    def _raw(self, offset: int, gap: int, first_gap: int) -> int | None:
        """Return the raw position of a gap, or ``None`` inside an entity or CDATA."""
        if gap > first_gap:
            return self._markups[gap - 1].end
        if gap < len(self._markups) and self._markups[gap].offset == offset:
            return self._markups[gap].start
        if offset == self._length:
            return self._end
        segment = self._segments[bisect.bisect_right(self._segment_offsets, offset) - 1]
        if offset == segment.offset:
            return segment.start
        return segment.start + offset - segment.offset if segment.literal else None


def _balanced(markups: Sequence[_Markup]) -> bool:
    """Whether every element opened in ``markups`` is closed there and vice versa."""
    stack: list[str] = []
    for markup in markups:
        if markup.kind == "open":
            stack.append(markup.name)
        elif markup.kind == "close" and (not stack or stack.pop() != markup.name):
            return False
    return not stack


def _decode(data: bytes, path: Path) -> tuple[str, str]:
    """Return the file's text and the codec to write it back with."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif declared := _ENCODING_DECLARATION.match(data):
        encodings = [declared.group(1).decode("ascii")]
    else:
        encodings = ["utf-8"]
    if encodings[0].lower().replace("_", "-") in ("utf-8", "utf8"):
        # Text that claims or defaults to UTF-8 but is not is most often Windows-1252.
        encodings.append("cp1252")
    for encoding in encodings:
        try:
            return data.decode(encoding), encodings[0] if encoding == "cp1252" else encoding
        except (UnicodeDecodeError, LookupError):
            continue
    raise TimeMLError(f"{path}: cannot decode the file as {' or '.join(encodings)}")


def _local_name(name: str) -> str:
    return name.rsplit("}", 1)[-1].rsplit(":", 1)[-1]


def _find_text_element(raw: str, path: Path) -> tuple[int, int]:
    """Return the raw positions where the content of the first TEXT element begins and ends."""
    depth = 0
    content_start = -1
    for match in _MARKUP.finditer(raw):
        name = match.group("name")
        if name is None or _local_name(name) != "TEXT":
            continue
        if match.group("close"):
            depth -= 1
            if depth == 0:
                return content_start, match.start()
        elif match.group("empty"):
            if depth == 0:
                return match.end(), match.end()
        else:
            if depth == 0:
                content_start = match.end()
            depth += 1
    raise TimeMLError(f"{path}: no <TEXT> element")


def _scan_content(raw: str, start: int, end: int, path: Path) -> _Content:
    """Cut ``raw[start:end]`` into text segments and markup, decoding the text."""
    pieces: list[str] = []
    segments: list[_Segment] = []
    markups: list[_Markup] = []
    offset = 0

    def add_text(text: str, text_start: int, text_end: int, literal: bool) -> None:
        nonlocal offset
        if text:
            pieces.append(text)
            segments.append(_Segment(offset, len(text), text_start, text_end, literal))
            offset += len(text)

    def add_chars(chunk_start: int, chunk_end: int) -> None:
        position = chunk_start
        for atom in _ATOM.finditer(raw, chunk_start, chunk_end):
            add_text(raw[position : atom.start()], position, atom.start(), True)
            add_text(_decode_atom(atom, path), atom.start(), atom.end(), False)
            position = atom.end()
        add_text(raw[position:chunk_end], position, chunk_end, True)

    position = start
    for match in _MARKUP.finditer(raw, start, end):
        add_chars(position, match.start())
        position = match.end()
        if match.group("cdata") is not None:
            cdata = match.group("cdata").replace("\r\n", "\n").replace("\r", "\n")
            add_text(cdata, match.start(), match.end(), False)
            continue
        name = match.group("name") or ""
        if not name or name.startswith(("!", "?")):
            kind = "other"
        elif match.group("close"):
            kind = "close"
        else:
            kind = "empty" if match.group("empty") else "open"
        attrs = match.group("attrs") or ""
        markups.append(_Markup(match.start(), match.end(), offset, kind, _local_name(name), attrs))
    add_chars(position, end)
    return _Content("".join(pieces), segments, markups)


def _decode_atom(atom: re.Match[str], path: Path) -> str:
    reference = atom.group(1)
    if reference is None:
        return "\n"
    if reference.startswith("#"):
        number = reference[1:]
        return chr(int(number[1:], 16) if number.startswith("x") else int(number))
    if reference in _ENTITIES:
        return _ENTITIES[reference]
    raise TimeMLError(f"{path}: unsupported entity &{reference}; inside <TEXT>")


def _attributes(markup: _Markup, path: Path) -> dict[str, str]:
    """Return a tag's attributes, with entities decoded."""
    attributes = {}
    for match in _ATTRIBUTE.finditer(markup.attrs):
        value = match.group(2) if match.group(2) is not None else match.group(3)
        value = re.sub(r"[\t\r\n]", " ", value)
        attributes[match.group(1)] = _ATOM.sub(lambda m: _decode_atom(m, path), value)
    return attributes


def _elements(content: _Content, name: str, path: Path) -> list[tuple[int, int, dict[str, str]]]:
    """Return the ``(start, end, attributes)`` of every ``name`` element inside TEXT."""
    found = []
    open_tags: list[_Markup] = []
    for markup in content.markups:
        if markup.name != name:
            continue
        if markup.kind == "open":
            open_tags.append(markup)
            continue
        if markup.kind == "close" and open_tags:
            opening = open_tags.pop()
        elif markup.kind == "empty":
            opening = markup
        else:
            continue
        found.append((opening.offset, markup.offset, _attributes(opening, path)))
    return found


def _gold_timexes(content: _Content, path: Path) -> tuple[list[Timex], dict[str, Timex]]:
    """Return the TIMEX3 elements of TEXT as ``Timex`` records in document order, and them
    by ``tid``."""
    timexes = []
    by_tid = {}
    for start, end, attributes in _elements(content, "TIMEX3", path):
        timexes.append(
            Timex(
                start=start,
                end=end,
                text=content.text[start:end],
                type=attributes.get("type", ""),
                value=attributes.get("value", ""),
                mod=attributes.get("mod") or None,
            )
        )
        if attributes.get("tid"):
            by_tid[attributes["tid"]] = timexes[-1]
    return sorted(timexes, key=lambda t: (t.start, -t.end)), by_tid


def _gold_events(content: _Content, root: ET.Element, path: Path) -> list[GoldEvent]:
    """Return the EVENT elements of TEXT in document order, with their instance ids."""
    instances: dict[str, list[str]] = {}
    for element in root.iter():
        if _local_name(element.tag) == "MAKEINSTANCE" and element.get("eventID"):
            instances.setdefault(element.get("eventID"), []).append(element.get("eiid", ""))
    events = []
    for start, end, attributes in _elements(content, "EVENT", path):
        eid = attributes.get("eid", "")
        # TempEval-3 input files carry no MAKEINSTANCE: the event is its own instance there.
        ids = tuple(instances.get(eid, ())) or ((eid,) if eid else ())
        events.append(
            GoldEvent(eid, start, end, content.text[start:end], attributes.get("class", ""), ids)
        )
    return sorted(events, key=lambda e: (e.start, -e.end))


_LINK_ENDS = (("eventInstanceID", "ei"), ("timeID", "t"))
_LINK_TARGETS = (("relatedToEventInstance", "ei"), ("relatedToTime", "t"))


def _tlinks(root: ET.Element) -> list[TLink]:
    links = []
    for element in root.iter():
        if _local_name(element.tag) != "TLINK":
            continue
        source = next((f"{k}:{element.get(a)}" for a, k in _LINK_ENDS if element.get(a)), None)
        target = next((f"{k}:{element.get(a)}" for a, k in _LINK_TARGETS if element.get(a)), None)
        if source and target:
            links.append(TLink(source, target, element.get("relType", "")))
    return links


def _creation_tid(root: ET.Element, text_tids: set[str]) -> str | None:
    """The ``tid`` of the creation-time TIMEX3 outside TEXT, if it has one."""
    for element in root.iter():
        if (
            _local_name(element.tag) == "TIMEX3"
            and element.get("functionInDocument") == "CREATION_TIME"
            and element.get("tid") not in text_tids
        ):
            return element.get("tid")
    return None


def _doc_id(root: ET.Element, path: Path) -> str:
    for element in root.iter():
        if _local_name(element.tag) == "DOCID":
            doc_id = "".join(element.itertext()).strip()
            if doc_id:
                return doc_id
    return document_name(path)


def _creation_date(root: ET.Element) -> str | None:
    """Return the DCT as ``YYYY-MM-DD``, or ``None``.

    The DCT is the TIMEX3 marked ``functionInDocument="CREATION_TIME"`` (preferably inside
    ``<DCT>``), else the first TIMEX3 inside ``<DCT>``.
    """
    in_dct: list[ET.Element] = []
    creation_times: list[ET.Element] = []
    for element in root.iter():
        name = _local_name(element.tag)
        if name == "DCT":
            in_dct.extend(e for e in element.iter() if _local_name(e.tag) == "TIMEX3")
        elif name == "TIMEX3" and element.get("functionInDocument") == "CREATION_TIME":
            creation_times.append(element)
    candidates = [e for e in in_dct if e.get("functionInDocument") == "CREATION_TIME"]
    for element in candidates + creation_times + in_dct[:1]:
        day = _iso_day(element.get("value", ""))
        if day:
            return day
    return None


def _iso_day(value: str) -> str | None:
    match = re.match(r"(\d{4})-?(\d{2})-?(\d{2})(?!\d)", value.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups())).isoformat()
    except ValueError:
        return None


def _ids_outside(doc: TimeMLDocument) -> set[str]:
    outside = doc.raw[: doc.text_start] + doc.raw[doc.text_end :]
    return {m.group(1) if m.group(1) is not None else m.group(2) for m in _TID.finditer(outside)}


def _check_offsets(timex: Timex, text: str) -> None:
    if not 0 <= timex.start < timex.end <= len(text):
        raise ValueError(f"timex {timex.text!r} at {timex.start}-{timex.end} is outside the text")
    if text[timex.start : timex.end] != timex.text:
        raise ValueError(
            f"timex {timex.text!r} at {timex.start}-{timex.end} does not match the text "
            f"{text[timex.start : timex.end]!r}"
        )


def _escape_attribute(value: str) -> str:
    return (
        value.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace('"', "&quot;")
        .replace("\t", "&#9;")
        .replace("\n", "&#10;")
        .replace("\r", "&#13;")
    )


def _open_tag(tid: str, timex: Timex) -> str:
    attributes = [("tid", tid), ("type", timex.type), ("value", timex.value)]
    if timex.mod is not None:
        attributes.append(("mod", timex.mod))
    return "<TIMEX3 " + " ".join(f'{k}="{_escape_attribute(v)}"' for k, v in attributes) + ">"
