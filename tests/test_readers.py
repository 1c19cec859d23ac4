"""Reading the inputs of ``timeline extract``: files of each format, folders, standard input."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import socket
import sys
from pathlib import Path

import pytest
from files import write

from timeline.readers import read_documents
from timeline.records import Document

DATA = Path(__file__).parent / "data"
SEP_13 = dt.date(2023, 9, 13)
ARTICLE = "Bridge to close\nPublished: Sep 13, 2023\n\nThe bridge will close on Monday.\n"
TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>NYT19980402.0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="1998-04-02"
 functionInDocument="CREATION_TIME">April 2, 1998</TIMEX3></DCT>
<TEXT>
Profits <TIMEX3 tid="t1" type="DATE" value="1998-04-01">yesterday</TIMEX3> rose.
</TEXT>
</TimeML>
"""
NO_DATE = "no publication date found; relative dates stay unresolved (give --published YYYY-MM-DD)"


class Messages:
    """Collects what the reader reports."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.warnings: list[str] = []


def read(
    *paths: str | Path, published: dt.date | None = None
) -> tuple[list[Document], Messages]:
    messages = Messages()
    documents = list(
        read_documents(
            [str(p) for p in paths],
            published=published,
            error=messages.errors.append,
            warn=messages.warnings.append,
        )
    )
    return documents, messages


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin())


# Plain text


def test_text_file(tmp_path: Path) -> None:
    path = write(tmp_path / "bridge.txt", ARTICLE)
    (document,), messages = read(path)
    assert document == Document(
        doc_id="bridge",
        text=ARTICLE,
        published=SEP_13,
        title="Bridge to close",
        url=None,
        source=str(path),
    )
    assert messages.errors == messages.warnings == []


def test_published_argument_wins_over_the_text(tmp_path: Path) -> None:
    path = write(tmp_path / "bridge.txt", ARTICLE)
    (document,), _ = read(path, published=dt.date(2024, 1, 2))
    assert document.published == dt.date(2024, 1, 2)


def test_text_without_a_date_is_read_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "note.text", "The bridge will close on Monday.")
    (document,), messages = read(path)
    assert (document.doc_id, document.published, document.title) == ("note", None, None)
    assert messages.warnings == [f"note ({path}): {NO_DATE}"]


def test_markdown_heading_is_the_title(tmp_path: Path) -> None:
    path = write(tmp_path / "post.md", "# Bridge to close\n\nPosted on 13 September 2023\n\nBody.")
    (document,), _ = read(path)
    assert (document.doc_id, document.title) == ("post", "Bridge to close")
    assert document.published == SEP_13


@pytest.mark.parametrize(
    "first_line",
    ["The council said on Tuesday that the bridge will close.", "September 13, 2023", "x" * 200],
)
def test_a_sentence_or_a_date_is_not_a_title(tmp_path: Path, first_line: str) -> None:
    path = write(tmp_path / "a.txt", f"{first_line}\nMore text.")
    (document,), _ = read(path, published=SEP_13)
    assert document.title is None


def test_byte_order_marks_and_line_ends(tmp_path: Path) -> None:
    utf8 = write(tmp_path / "utf8.txt", b"\xef\xbb\xbfCaf\xc3\xa9 news\r\nSep 13, 2023\rBody")
    utf16 = write(tmp_path / "utf16.txt", "Café news\nSep 13, 2023\nBody".encode("utf-16"))
    documents, messages = read(utf8, utf16)
    assert [d.text for d in documents] == ["Café news\nSep 13, 2023\nBody"] * 2
    assert [d.published for d in documents] == [SEP_13] * 2
    assert messages.errors == messages.warnings == []


def test_undecodable_bytes_are_replaced_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "latin.txt", b"Caf\xe9 opens\nSep 13, 2023\n")
    (document,), messages = read(path)
    assert document.text == "Caf\ufffd opens\nSep 13, 2023\n"
    assert messages.warnings == [f"{path}: not valid UTF-8; undecodable bytes replaced"]


@pytest.mark.parametrize("name", ["scan.txt", "scan.html"])
def test_binary_file_is_an_error_and_the_rest_is_read(tmp_path: Path, name: str) -> None:
    binary = write(tmp_path / name, b"%PDF-1.7\n\x00\x01\x02 stream")
    good = write(tmp_path / "good.txt", ARTICLE)
    documents, messages = read(binary, good)
    assert [d.doc_id for d in documents] == ["good"]
    assert messages.errors == [f"{binary}: binary file, not text; skipped"]


@pytest.mark.parametrize("content", ["", "  \n\t\n"])
@pytest.mark.parametrize("name", ["empty.txt", "empty.html"])
def test_empty_file_is_skipped_with_a_warning(tmp_path: Path, name: str, content: str) -> None:
    empty = write(tmp_path / name, content)
    good = write(tmp_path / "good.txt", ARTICLE)
    documents, messages = read(empty, good)
    assert [d.doc_id for d in documents] == ["good"]
    assert messages.warnings == [f"{empty}: empty file; skipped"]
    assert messages.errors == []


def test_explicit_file_with_an_unknown_suffix_is_text(tmp_path: Path) -> None:
    path = write(tmp_path / "wire.log", "LONDON, Sept 13, 2023 (Reuters) - Shares fell.")
    (document,), _ = read(path)
    assert (document.doc_id, document.published) == ("wire", SEP_13)


# Missing and unreadable inputs


def test_missing_path_is_an_error_and_the_rest_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", ARTICLE)
    documents, messages = read(tmp_path / "nope.txt", good, tmp_path / "nofolder")
    assert [d.doc_id for d in documents] == ["good"]
    assert messages.errors == [
        f"{tmp_path / 'nope.txt'}: no such file or directory",
        f"{tmp_path / 'nofolder'}: no such file or directory",
    ]


def test_unreadable_file_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = write(tmp_path / "locked.txt", ARTICLE)
    good = write(tmp_path / "good.txt", ARTICLE)
    read_bytes = Path.read_bytes

    def refuse(self: Path) -> bytes:
        if self.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    documents, messages = read(locked, good)
    assert [d.doc_id for d in documents] == ["good"]
    assert messages.errors == [f"{locked}: cannot read: Permission denied"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads all")
def test_folder_that_cannot_be_listed_is_an_error(tmp_path: Path) -> None:
    locked = tmp_path / "corpus" / "locked"
    write(locked / "a.txt", ARTICLE)
    write(tmp_path / "corpus" / "z.txt", ARTICLE)
    locked.chmod(0)
    try:
        documents, messages = read(tmp_path / "corpus")
    finally:
        locked.chmod(0o755)
    assert [d.doc_id for d in documents] == ["z"]
    assert messages.errors == [f"{locked}: cannot read: Permission denied"]


def test_folder_listing_failure_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = tmp_path / "corpus" / "locked"
    write(locked / "a.txt", ARTICLE)
    write(tmp_path / "corpus" / "z.txt", ARTICLE)
    scandir = os.scandir

    def refuse(path: str | Path) -> object:
        if Path(path) == locked:
            raise PermissionError(13, "Permission denied", str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", refuse)
    documents, messages = read(tmp_path / "corpus")
    assert [d.doc_id for d in documents] == ["z"]
    assert messages.errors == [f"{locked}: cannot read: Permission denied"]


# Folders


def test_folder_is_walked_recursively_in_name_order(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "b.txt", ARTICLE)
    write(corpus / "a" / "z.md", ARTICLE)
    write(corpus / "a" / "sub" / "deep.text", ARTICLE)
    write(corpus / "c.jsonl", json.dumps({"id": "j1", "text": ARTICLE}) + "\n")
    write(corpus / "d.tml", TIMEML)
    write(corpus / "e.htm", (DATA / "news_byline.html").read_bytes())
    write(corpus / "notes.csv", "a,b\n1,2\n")
    write(corpus / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00")
    write(corpus / ".hidden.txt", ARTICLE)
    write(corpus / ".cache" / "x.txt", ARTICLE)
    documents, messages = read(corpus)
    assert [(d.doc_id, d.source) for d in documents] == [
        ("deep", str(corpus / "a" / "sub" / "deep.text")),
        ("z", str(corpus / "a" / "z.md")),
        ("b", str(corpus / "b.txt")),
        ("j1", f"{corpus / 'c.jsonl'}:1"),
        ("NYT19980402.0001", str(corpus / "d.tml")),
        ("e", str(corpus / "e.htm")),
    ]
    assert messages.errors == messages.warnings == []


def test_inputs_are_read_in_the_order_given(tmp_path: Path) -> None:
    write(tmp_path / "folder" / "b.txt", ARTICLE)
    write(tmp_path / "folder" / "a.txt", ARTICLE)
    last = write(tmp_path / "0.txt", ARTICLE)
    documents, _ = read(tmp_path / "folder", last)
    assert [d.doc_id for d in documents] == ["a", "b", "0"]


def test_same_names_get_ids_from_their_paths(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write(corpus / "2023" / "story.txt", ARTICLE)
    write(corpus / "2024" / "story.html", (DATA / "news_byline.html").read_bytes())
    other = write(tmp_path / "other" / "story.txt", ARTICLE)
    documents, messages = read(corpus, other, other)
    assert [d.doc_id for d in documents] == [
        "story",
        "2024/story",
        f"{tmp_path.as_posix()}/other/story",
        "story-2",
    ]
    assert messages.warnings == []


# HTML


def test_html_page_with_metadata() -> None:
    path = DATA / "news_meta.html"
    (document,), messages = read(path)
    assert (document.doc_id, document.source) == ("news_meta", str(path))
    assert document.title == "Council approves harbour bridge repairs"
    assert document.url == "https://gazette.example/news/harbour-bridge-repairs"
    # article:published_time, not the modified time nor a date in the body.
    assert document.published == SEP_13
    assert "engineers replace corroded cables" in document.text
    assert '"We know this is disruptive," said councillor Amir Shah.' in document.text
    for boilerplate in ("NAV-WEATHER-LINK", "FOOTER-TEXT", "RELATED-LINK-TEXT"):
        assert boilerplate not in document.text
    for code in ("TRACKING-SCRIPT-TEXT", "INLINE-SCRIPT-TEXT", "STYLE-RULE-TEXT", "<p>"):
        assert code not in document.text
    assert messages.errors == messages.warnings == []


def test_html_page_dated_by_its_visible_byline_only() -> None:
    (document,), messages = read(DATA / "news_byline.html")
    assert document.published == SEP_13
    assert document.title == "Ferry fares to rise in spring"
    assert document.text.startswith("Ferry fares to rise in spring\n")
    assert "eight percent from April" in document.text
    assert "Contact" not in document.text and "FOOTER-TEXT" not in document.text
    assert messages.warnings == []


def test_published_argument_wins_over_the_page() -> None:
    (document,), _ = read(DATA / "news_meta.html", published=dt.date(2024, 1, 2))
    assert document.published == dt.date(2024, 1, 2)


def test_html_without_main_text_falls_back_to_visible_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "contact.html",
        "<html><head><title>Contact</title><style>p { color: red; }</style></head><body>"
        "<footer><p>Contact the <b>Gazette</b>, 1 High Street.</p></footer>"
        "<script>var SCRIPT = 1;</script></body></html>",
    )
    (document,), messages = read(path)
    assert document.text == "Contact the Gazette, 1 High Street."
    assert messages.warnings == [
        f"{path}: no main text found in the HTML; using all its visible text",
        f"contact ({path}): {NO_DATE}",
    ]


def test_html_without_any_date_warns(tmp_path: Path) -> None:
    html = (DATA / "news_byline.html").read_text(encoding="utf-8")
    path = write(tmp_path / "undated.html", html.replace("Published: Sep 13, 2023 09:43 PM", ""))
    (document,), messages = read(path)
    assert document.published is None
    assert messages.warnings == [f"undated ({path}): {NO_DATE}"]


def test_html_in_another_encoding(tmp_path: Path) -> None:
    html = (DATA / "news_byline.html").read_text(encoding="utf-8")
    html = html.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Jane", "Zoë")
    path = write(tmp_path / "latin.html", html.encode("iso-8859-1"))
    (document,), messages = read(path)
    assert "By Zoë Doe" in document.text
    assert messages.errors == messages.warnings == []


# JSONL


def jsonl(*records: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def test_jsonl_records(tmp_path: Path) -> None:
    html = (DATA / "news_meta.html").read_text(encoding="utf-8")
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "a1", "text": "Body.", "published": "2023-09-13", "title": "T", "url": "u"},
            "",
            {"text": "Body.", "published": "Sep 13, 2023"},
            {"id": 7, "text": "Body.", "published": "2023-09-13T23:30:00-05:00"},
            {"id": "h", "html": html},
            {"id": "t", "text": ARTICLE},
        ),
    )
    documents, messages = read(path)
    assert [(d.doc_id, d.published, d.title, d.url, d.source) for d in documents] == [
        ("a1", SEP_13, "T", "u", f"{path}:1"),
        ("feed-3", SEP_13, None, None, f"{path}:3"),
        ("7", SEP_13, None, None, f"{path}:4"),
        (
            "h",
            SEP_13,
            "Council approves harbour bridge repairs",
            "https://gazette.example/news/harbour-bridge-repairs",
            f"{path}:5",
        ),
        ("t", SEP_13, "Bridge to close", None, f"{path}:6"),
    ]
    assert documents[0].text == "Body."
    assert "engineers replace corroded cables" in documents[3].text
    assert "FOOTER-TEXT" not in documents[3].text
    assert messages.errors == messages.warnings == []


def test_jsonl_html_fragment_and_html_without_text(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "frag", "html": "<p>By Jane Doe | Sep 13, 2023</p><p>The bridge closed.</p>"},
            {"id": "script", "html": "<html><body><script>var a = 1;</script></body></html>"},
        ),
    )
    (document,), messages = read(path)
    assert document.text == "By Jane Doe | Sep 13, 2023\nThe bridge closed."
    assert document.published == SEP_13
    assert messages.warnings == [f"{path}:2: no text in the HTML; skipped"]


def test_jsonl_record_date_wins_over_the_published_argument(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "own", "text": ARTICLE, "published": "2022-01-05"},
            {"id": "none", "text": "x"},
        ),
    )
    documents, messages = read(path, published=dt.date(2024, 1, 2))
    assert [d.published for d in documents] == [dt.date(2022, 1, 5), dt.date(2024, 1, 2)]
    assert messages.warnings == []


def test_malformed_jsonl_lines_are_errors_and_the_rest_is_read(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        jsonl(
            {"id": "first", "text": ARTICLE},
            '{"id": "broken", "text": ',
            '["an", "array"]',
            {"id": "notext", "title": "T"},
            {"id": "number", "text": 42},
            {"id": "baddate", "text": ARTICLE, "published": "next Tuesday"},
            {"id": "numdate", "text": ARTICLE, "published": 20230913},
            {"id": ["x"], "text": ARTICLE},
            {"id": "last", "text": ARTICLE},
        )
        + "\n",
    )
    good = write(tmp_path / "good.txt", ARTICLE)
    documents, messages = read(path, good)
    assert [d.doc_id for d in documents] == ["first", "last", "good"]
    assert messages.errors == [
        f"{path}:2: not valid JSON: Expecting value (column 25)",
        f"{path}:3: expected a JSON object, got an array",
        f'{path}:4: no "text" or "html" field',
        f'{path}:5: "text" must be a string, got a number',
        f"{path}:6: \"published\": cannot read 'next Tuesday' as a date (use YYYY-MM-DD)",
        f'{path}:7: "published" must be a string, got a number',
        f'{path}:8: "id" must be a string, got an array',
    ]
    assert messages.warnings == []


def test_jsonl_empty_text_and_bad_encoding(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        b'{"id": "empty", "text": "  "}\n{"id": "latin", "text": "Caf\xe9"}\n'
        + jsonl({"id": "ok", "text": ARTICLE}).encode(),
    )
    documents, messages = read(path)
    assert [d.doc_id for d in documents] == ["ok"]
    assert messages.warnings == [f'{path}:1: empty "text"; skipped']
    assert messages.errors == [f"{path}:2: not valid UTF-8"]


def test_jsonl_duplicate_ids_are_renamed_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path / "feed.jsonl", jsonl(*[{"id": "a", "text": ARTICLE}] * 3))
    documents, messages = read(path)
    assert [d.doc_id for d in documents] == ["a", "a-2", "a-3"]
    assert messages.warnings == [
        f"{path}:2: id 'a' is already used; renamed 'a-2'",
        f"{path}:3: id 'a' is already used; renamed 'a-3'",
    ]


def test_jsonl_is_read_lazily(tmp_path: Path) -> None:
    path = write(
        tmp_path / "feed.jsonl",
        jsonl({"id": "first", "text": ARTICLE}, "not json", {"id": "third", "text": ARTICLE}),
    )
    errors: list[str] = []
    documents = read_documents([str(path)], error=errors.append, warn=errors.append)
    assert next(documents).doc_id == "first"
    assert errors == []  # line 2 not reached yet
    assert next(documents).doc_id == "third"
    assert errors == [f"{path}:2: not valid JSON: Expecting value (column 1)"]


# TimeML


def test_timeml_file(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.tml.TE3input", TIMEML)
    (document,), messages = read(path, published=dt.date(2024, 1, 2))
    assert document == Document(
        doc_id="NYT19980402.0001",
        text="\nProfits yesterday rose.\n",
        published=dt.date(1998, 4, 2),
        source=str(path),
    )
    assert messages.errors == messages.warnings == []


def test_timeml_without_dct_takes_the_published_argument(tmp_path: Path) -> None:
    path = write(tmp_path / "doc.xml", TIMEML.replace("CREATION_TIME", "NONE").replace("DCT", "X"))
    (document,), _ = read(path, published=dt.date(2024, 1, 2))
    assert document.published == dt.date(2024, 1, 2)


def test_malformed_timeml_is_an_error_and_the_rest_is_read(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.tml", "<TimeML><TEXT>unclosed</TimeML>")
    good = write(tmp_path / "good.tml", TIMEML)
    documents, messages = read(bad, good)
    assert [d.source for d in documents] == [str(good)]
    assert len(messages.errors) == 1
    assert messages.errors[0].startswith(f"{bad}: malformed XML: ")


# Standard input


def test_stdin_text(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, ARTICLE.encode())
    (document,), _ = read("-")
    assert (document.doc_id, document.source, document.text) == ("stdin", "-", ARTICLE)
    assert document.published == SEP_13


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch) -> None:
    records = jsonl({"id": "a", "text": ARTICLE}, {"text": ARTICLE}, "[]")
    stdin(monkeypatch, b"\n" + records.encode())
    documents, messages = read("-")
    assert [(d.doc_id, d.source) for d in documents] == [("a", "-:2"), ("stdin-3", "-:3")]
    assert messages.errors == ["-:4: expected a JSON object, got an array"]


def test_stdin_jsonl_is_read_lazily(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, jsonl({"id": "a", "text": ARTICLE}, {"id": "b", "text": ARTICLE}).encode())
    documents = read_documents(["-"], error=print, warn=print)
    assert next(documents).doc_id == "a"
    assert sys.stdin.buffer.tell() < len(sys.stdin.buffer.getvalue())


def test_stdin_html(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, b"\n  " + (DATA / "news_meta.html").read_bytes())
    (document,), _ = read("-")
    assert (document.doc_id, document.source, document.published) == ("stdin", "-", SEP_13)
    assert "FOOTER-TEXT" not in document.text


def test_stdin_timeml(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, TIMEML.replace("<DOCID>NYT19980402.0001</DOCID>", "").encode())
    (document,), _ = read("-")
    assert (document.doc_id, document.source) == ("stdin", "-")
    assert document.text == "\nProfits yesterday rose.\n"
    assert document.published == dt.date(1998, 4, 2)


def test_stdin_malformed_timeml_names_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, b"<TimeML><TEXT>unclosed</TimeML>")
    documents, messages = read("-")
    assert documents == []
    assert [m.split(": ")[:2] for m in messages.errors] == [["-", "malformed XML"]]


def test_stdin_text_starting_with_a_bracket_is_text(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, b"<Updated> Bridge to close\nSep 13, 2023\nBody")
    (document,), _ = read("-")
    assert document.text == "<Updated> Bridge to close\nSep 13, 2023\nBody"


def test_empty_stdin_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    stdin(monkeypatch, b"")
    documents, messages = read("-")
    assert documents == []
    assert messages.warnings == ["-: empty file; skipped"]


def test_stdin_xhtml_with_inline_svg_text_is_html(monkeypatch: pytest.MonkeyPatch) -> None:
    page = (DATA / "news_byline.html").read_text(encoding="utf-8")
    page = page.replace("<!DOCTYPE html>", '<?xml version="1.0"?>\n<!DOCTYPE html>')
    page = page.replace("<body>", '<body><svg><text x="0">Logo</text></svg>')
    stdin(monkeypatch, page.encode())
    (document,), messages = read("-")
    assert document.title == "Ferry fares to rise in spring"
    assert document.published == SEP_13
    assert messages.errors == []


def test_nothing_is_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network used")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    url = "https://gazette.example/news/2023/09/13/story"
    page = write(tmp_path / "link.html", url)
    feed = write(tmp_path / "feed.jsonl", jsonl({"id": "link", "html": url, "url": url}))
    documents, _ = read(page, feed, DATA / "news_meta.html")
    assert [d.text for d in documents[:2]] == [url, url]
    assert documents[2].published == SEP_13
