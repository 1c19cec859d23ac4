"""``timeline extract`` end to end: real articles in, events out, in every format.

Run in-process through ``timeline.cli.main`` (and once as the installed ``timeline`` script),
with the real tagger and spaCy's blank English pipeline.
"""

from __future__ import annotations

import contextlib
import csv
import gc
import io
import json
import os
import re
import shutil
import signal
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from files import write

import timeline.cli
import timeline.events
import timeline.export
import timeline.limits
import timeline.parallel
from timeline.cli import main
from timeline.events import blank_pipeline, document_parts, extract_document
from timeline.export import read_events
from timeline.readers import read_documents
from timeline.records import FIELDS, Document, Event

ARTICLE = Path(__file__).parents[1] / "examples" / "article.txt"
HEADER = (
    "doc_id,event_id,date,start,end,granularity,event,trigger,trigger_start,trigger_end,actors,"
    "timex_text,timex_type,timex_value,timex_start,timex_end,sentence,published,title,source"
)
SUMMARY = re.compile(r"timeline: (\d+) documents?, (\d+) events?, \d+\.\d s")
HTML_PAGE = """<!doctype html>
<html><head><title>Factory closes</title>
<meta property="article:published_time" content="2023-09-13T10:00:00Z">
</head><body>
<nav>Home | World</nav>
<article><h1>Factory closes</h1>
<p>The factory closed on Monday after forty years of production in the town.</p>
<p>Workers will hold a meeting on Friday to discuss the future of the site.</p>
</article>
<footer>Copyright 2020</footer>
</body></html>
"""
TIMEML = """<?xml version="1.0" ?>
<TimeML>
<DOCID>wsj_0001</DOCID>
<DCT><TIMEX3 tid="t0" type="DATE" value="2023-09-13" temporalFunction="false"
 functionInDocument="CREATION_TIME">2023-09-13</TIMEX3></DCT>
<TEXT>
The company said Tuesday it would cut jobs.
</TEXT>
</TimeML>
"""
JSONL = (
    '{"id": "j1", "text": "Shares fell on Tuesday.", "published": "2023-09-13", '
    '"title": "Markets"}\n'
    '{"text": "Prices fell on Monday, and the index closed lower on May 31, 2023."}\n'
)


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command; return the exit status, stdout and stderr (checked for tracebacks)."""
    status = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def lines(err: str, kind: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith(f"timeline: {kind}: ")]


def events_of(*paths: Path) -> list[Event]:
    """What the library finds in ``paths``: the reference for the command's output."""
    documents = read_documents([str(p) for p in paths], error=_ignore, warn=_ignore)
    return [event for document in documents for event in extract_document(document)]


def _ignore(message: str) -> None:
    pass


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with a JSONL file, an HTML page, and below it a text and a TimeML file."""
    root = tmp_path / "corpus"
    write(root / "news.jsonl", JSONL)
    write(root / "page.html", HTML_PAGE)
    write(root / "sub" / "kim.txt", ARTICLE.read_text(encoding="utf-8"))
    write(root / "sub" / "wsj.tml", TIMEML)
    write(root / "sub" / "notes.log", "Not an article: skipped in a folder, on Monday.")
    return root


# 1. The example article --------------------------------------------------------------------


@pytest.fixture(scope="module")
def article_run() -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["extract", str(ARTICLE)])
    return status, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def article_rows(article_run: tuple[int, str, str]) -> list[dict[str, str]]:
    return csv_rows(article_run[1])


def test_article_csv_on_stdout(
    article_run: tuple[int, str, str], article_rows: list[dict[str, str]]
) -> None:
    status, out, err = article_run
    assert status == 0
    assert out.splitlines()[0] == HEADER
    assert len(err.splitlines()) == 1
    assert SUMMARY.fullmatch(err.strip()).groups() == ("1", str(len(article_rows)))
    text = ARTICLE.read_text(encoding="utf-8")
    assert {row["doc_id"] for row in article_rows} == {"article"}
    assert [row["event_id"] for row in article_rows] == [
        f"article-{n}" for n in range(1, len(article_rows) + 1)
    ]
    for row in article_rows:
        assert row["published"] == "2023-09-13"
        assert row["title"] == "Kim and Putin meet at Russian space port as border talks continue"
        assert row["source"] == str(ARTICLE)
        start, end = int(row["timex_start"]), int(row["timex_end"])
        assert text[start:end] == row["timex_text"]
        if row["trigger"]:
            assert text[int(row["trigger_start"]):int(row["trigger_end"])] == row["trigger"]
    starts = [int(row["timex_start"]) for row in article_rows]
    assert starts == sorted(starts)


@pytest.mark.parametrize(
    ("timex", "date", "start", "end", "granularity", "trigger"),
    [
        ("Wednesday", "2023-09-13", "2023-09-13", "2023-09-13", "day", "met"),
        ("Tuesday", "2023-09-12", "2023-09-12", "2023-09-12", "day", "arrived"),
        ("Friday", "2023-09-15", "2023-09-15", "2023-09-15", "day", "meet"),
        ("next week", "2023-W38", "2023-09-18", "2023-09-24", "week", "planned"),
        ("August 24", "2023-08-24", "2023-08-24", "2023-08-24", "day", "launch"),
        ("this year", "2023", "2023-01-01", "2023-12-31", "year", "launch"),
        ("two weeks ago", "2023-W35", "2023-08-28", "2023-09-03", "week", "said"),
        ("last year", "2022", "2022-01-01", "2022-12-31", "year", "fell"),
        ("May 31", "2023-05-31", "2023-05-31", "2023-05-31", "day", "released"),
    ],
)
def test_article_event(
    article_rows: list[dict[str, str]],
    timex: str, date: str, start: str, end: str, granularity: str, trigger: str,
) -> None:
    found = [row for row in article_rows if row["timex_text"] == timex]
    assert found, f"no event for {timex!r}"
    first = found[0]
    assert (first["date"], first["start"], first["end"], first["granularity"], first["trigger"],
            first["timex_value"], first["timex_type"]) == (
        date, start, end, granularity, trigger, date, "DATE")


def test_article_header_and_dateline_are_not_events(article_rows: list[dict[str, str]]) -> None:
    body = ARTICLE.read_text(encoding="utf-8").index("North Korean leader")
    assert all(int(row["timex_start"]) >= body for row in article_rows)
    assert not {"Sep 13, 2023", "Sept. 13", "Sep 13, 2023 09:43 PM"} & {
        row["timex_text"] for row in article_rows}


def test_article_descriptions_keep_to_their_clause(article_rows: list[dict[str, str]]) -> None:
    friday = next(row for row in article_rows if row["timex_text"] == "Friday")
    next_week = next(row for row in article_rows if row["timex_text"] == "next week")
    assert "planned" not in friday["event"]
    assert "meet again" not in next_week["event"]


def test_installed_script_reports_a_missing_input_and_goes_on(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("timeline")
    command = str(script) if script.exists() else shutil.which("timeline")
    if command is None:
        pytest.skip("the timeline script is not installed")
    missing = tmp_path / "missing.txt"
    done = subprocess.run(
        [command, "extract", str(missing), str(ARTICLE)],
        capture_output=True, text=True, timeout=60, check=False,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[0] == f"timeline: error: {missing}: no such file or directory"
    assert SUMMARY.fullmatch(done.stderr.splitlines()[1])
    assert len(done.stderr.splitlines()) == 2
    assert done.stdout.splitlines()[0] == HEADER
    assert [row["doc_id"] for row in csv_rows(done.stdout)] == ["article"] * len(
        events_of(ARTICLE))


# 2. Output formats ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "magic"),
    [("out.csv", HEADER.encode()), ("out.json", b"["), ("out.jsonl", b'{"doc_id": "j1"'),
     ("out.parquet", b"PAR1"), ("out.pq", b"PAR1")],
)
def test_every_format_reads_back_to_the_library_events(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, magic: bytes
) -> None:
    out = tmp_path / name
    status, stdout, err = run(["extract", str(corpus), "-o", str(out), "-q"], capsys)
    assert status == 0
    assert stdout == ""
    assert out.read_bytes().startswith(magic)  # the format comes from the suffix
    expected = events_of(corpus)
    assert len(expected) > 15
    assert list(read_events(out)) == expected
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".part")] == []


def test_timelinejs(corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "timeline.json"
    status, _, err = run(["extract", str(corpus), "-o", str(out), "--format", "timelinejs"],
                         capsys)
    assert status == 0
    timeline_js = json.loads(out.read_text(encoding="utf-8"))
    expected = events_of(corpus)
    placed = [e for e in expected if e.start is not None]
    left_out = len(expected) - len(placed)
    assert left_out == 1  # "Monday" in a record without a publication date
    assert [slide["unique_id"] for slide in timeline_js["events"]] == [e.event_id for e in placed]
    first = timeline_js["events"][0]
    assert first["start_date"] == {"year": "2023", "month": "9", "day": "12"}
    assert first["text"]["headline"] == "Shares fell"
    assert first["group"] == "Markets"
    assert f"({left_out} without a day left out of the TimelineJS file)" in err


# 3. Several inputs ----------------------------------------------------------------------------


def test_folder_of_mixed_formats(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "kim.txt", ARTICLE.read_text(encoding="utf-8"))
    status, out, err = run(["extract", "corpus", "kim.txt"], capsys)
    assert status == 0
    rows = csv_rows(out)
    documents = []
    for row in rows:
        if not documents or documents[-1] != row["doc_id"]:
            documents.append(row["doc_id"])
    # Name order, walking down into sub/; a name already given out gets a number.
    assert documents == ["j1", "news-2", "page", "kim", "wsj_0001", "kim-2"]
    by_doc = {doc: [row for row in rows if row["doc_id"] == doc] for doc in documents}
    for doc, doc_rows in by_doc.items():
        assert [row["event_id"] for row in doc_rows] == [
            f"{doc}-{n}" for n in range(1, len(doc_rows) + 1)]
        starts = [int(row["timex_start"]) for row in doc_rows]
        assert starts == sorted(starts)

    def first(doc: str) -> tuple:
        row = by_doc[doc][0]
        return (row["timex_text"], row["date"], row["trigger"], row["published"], row["title"],
                row["source"])

    assert first("j1") == ("Tuesday", "2023-09-12", "fell", "2023-09-13", "Markets",
                           "corpus/news.jsonl:1")
    assert first("news-2") == ("Monday", "XXXX-XX-XX", "fell", "", "", "corpus/news.jsonl:2")
    assert first("page") == ("Monday", "2023-09-11", "closed", "2023-09-13", "Factory closes",
                             "corpus/page.html")
    assert first("wsj_0001") == ("Tuesday", "2023-09-12", "said", "2023-09-13", "",
                                 "corpus/sub/wsj.tml")
    assert by_doc["kim"][0]["source"] == "corpus/sub/kim.txt"
    assert "2020" not in {row["date"] for row in rows}  # the page footer is not the article
    assert lines(err, "warning") == [
        "timeline: warning: news-2 (corpus/news.jsonl:2): no publication date found; relative "
        "dates stay unresolved (give --published YYYY-MM-DD)"]


def test_description_keeps_durations_that_do_not_date_the_event(
    corpus: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, _ = run(["extract", str(corpus / "page.html"), "-q"], capsys)
    assert status == 0
    descriptions = [row["event"] for row in csv_rows(out)]
    assert not [d for d in descriptions if " after of " in d or " discuss of " in d]


# 4. Bad input ---------------------------------------------------------------------------------


def test_missing_input_is_reported_and_the_rest_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(["extract", "missing.txt", str(ARTICLE), "-o", "out.csv"], capsys)
    assert status == 1
    assert out == ""
    assert lines(err, "error") == ["timeline: error: missing.txt: no such file or directory"]
    expected = events_of(ARTICLE)
    assert list(read_events(tmp_path / "out.csv")) == expected
    assert SUMMARY.fullmatch(err.splitlines()[-1]).groups() == ("1", str(len(expected)))


def test_malformed_jsonl_lines_are_reported_by_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "feed.jsonl",
          '{"id": "a", "text": "Sales rose on Tuesday.", "published": "2023-09-13"}\n'
          "{bad\n"
          "[1, 2]\n"
          '{"id": "b", "text": "Prices will fall on Friday.", "published": "2023-09-13"}\n'
          '{"id": "c", "text": "Talks ended on Monday.", "published": "soon"}\n')
    status, out, err = run(["extract", "feed.jsonl", "-q"], capsys)
    assert status == 1
    assert lines(err, "error") == [
        "timeline: error: feed.jsonl:2: not valid JSON: Expecting property name enclosed in "
        "double quotes (column 2)",
        "timeline: error: feed.jsonl:3: expected a JSON object, got an array",
        "timeline: error: feed.jsonl:5: \"published\": cannot read 'soon' as a date "
        "(use YYYY-MM-DD)",
    ]
    assert [(r["doc_id"], r["date"], r["source"]) for r in csv_rows(out)] == [
        ("a", "2023-09-12", "feed.jsonl:1"), ("b", "2023-09-15", "feed.jsonl:4")]


def test_binary_and_empty_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "scan.txt", b"%PDF-1.7\n\x00\x01\x02binary")
    write(tmp_path / "empty.txt", b"")
    write(tmp_path / "blank.txt", b"  \n\n")
    write(tmp_path / "good.txt", "Published: 2023-09-13\n\nShares fell on Tuesday.\n")
    status, out, err = run(["extract", "scan.txt", "empty.txt", "blank.txt", "good.txt"], capsys)
    assert status == 1
    assert lines(err, "error") == ["timeline: error: scan.txt: binary file, not text; skipped"]
    assert lines(err, "warning") == ["timeline: warning: empty.txt: empty file; skipped",
                                     "timeline: warning: blank.txt: empty file; skipped"]
    assert [(r["doc_id"], r["date"]) for r in csv_rows(out)] == [("good", "2023-09-12")]
    assert SUMMARY.fullmatch(err.splitlines()[-1]).groups() == ("1", "1")


def test_only_empty_files_is_not_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out, err = run(["extract", str(write(tmp_path / "empty.txt", b""))], capsys)
    assert status == 0
    assert out == HEADER + "\r\n"
    assert lines(err, "warning") == [f"timeline: warning: {tmp_path}/empty.txt: empty file; "
                                     "skipped"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--published", "not-a-date"],
         "timeline: error: --published: cannot read 'not-a-date' as a date (use YYYY-MM-DD)"),
        (["--spacy-model", "no_such_model"],
         "timeline: error: --spacy-model no_such_model: cannot load it ([E050] Can't find model "
         "'no_such_model'."),
        (["-o", "no/such/folder/out.csv"],
         "timeline: error: no/such/folder/out.csv: cannot write: No such file or directory"),
        (["--format", "parquet"], "timeline: error: parquet needs a file: give -o PATH"),
    ],
    ids=["published", "spacy-model", "output-folder", "parquet-to-stdout"],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    options: list[str], message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    status, out, err = run(["extract", str(ARTICLE), *options], capsys)
    assert status == 2
    assert out == ""
    assert len(err.splitlines()) == 1
    assert err.startswith(message)
    assert not (tmp_path / "no").exists()


def test_published_accepts_a_date_in_words(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = write(tmp_path / "plain.txt", "Shares fell on Tuesday.\n")
    status, out, err = run(["extract", str(text), "--published", "13 September 2023"], capsys)
    assert (status, lines(err, "warning")) == (0, [])
    assert [(r["date"], r["published"]) for r in csv_rows(out)] == [("2023-09-12", "2023-09-13")]


def test_document_without_publication_date(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "undated.txt",
          "The company said on Tuesday that it had bought the plant on May 31, 2023.\n")
    status, out, err = run(["extract", "undated.txt"], capsys)
    assert status == 0
    assert lines(err, "warning") == [
        "timeline: warning: undated (undated.txt): no publication date found; relative dates "
        "stay unresolved (give --published YYYY-MM-DD)"]
    raw = list(csv.reader(io.StringIO(out)))[1:]
    start, published = FIELDS.index("start"), FIELDS.index("published")
    tuesday = [row for row in raw if row[FIELDS.index("timex_text")] == "Tuesday"]
    may = [row for row in raw if row[FIELDS.index("timex_text")] == "May 31, 2023"]
    assert tuesday and may
    assert {(row[FIELDS.index("date")], row[start], row[published]) for row in tuesday} == {
        ("XXXX-XX-XX", "", "")}
    assert {(row[FIELDS.index("date")], row[start]) for row in may} == {
        ("2023-05-31", "2023-05-31")}


def test_no_date_warning_matches_what_happens(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = write(tmp_path / "undated.txt", "Prices rose on March 3, 2021, and again on Monday.\n")
    status, out, err = run(["extract", str(text)], capsys)
    assert status == 0
    monday = [r for r in csv_rows(out) if r["timex_text"] == "Monday"]
    assert monday
    if "relative dates stay unresolved" in err:
        assert [r["start"] for r in monday] == [""]


def test_output_is_a_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    status, out, err = run(["extract", str(ARTICLE), "-o", str(folder)], capsys)
    assert status == 2
    errors = lines(err, "error")
    assert len(errors) == 1
    assert str(folder) in errors[0]


def test_output_to_a_fifo_is_not_replaced(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # so that opening it to write won't block
    try:
        status, _, err = run(["extract", str(ARTICLE), "-o", str(fifo), "-q"], capsys)
        assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
        if status == 0:
            assert os.read(reader, 1 << 16).startswith(HEADER.encode())
        else:
            assert (status, len(err.splitlines())) == (2, 1)
    finally:
        os.close(reader)


# 5. Several processes -------------------------------------------------------------------------

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def test_workers_give_the_same_bytes_in_the_same_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "articles"
    for n in range(12):
        write(folder / f"a{n:02}.txt",
              f"Story {n}\nPublished: {MONTHS[n]} {n + 3}, {2010 + n}\n\n"
              f"The council met on {DAYS[n % 7]} and voted on {MONTHS[(n + 5) % 12]} {n + 1}. "
              f"Officials said {n + 2} weeks ago that a report is due next month.\n")
    monkeypatch.setattr(timeline.parallel, "BATCH", 2)  # several batches in flight at once
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    assert run(["extract", str(folder), "-o", str(one), "-q", "--workers", "1"], capsys)[0] == 0
    assert run(["extract", str(folder), "-o", str(two), "-q", "--workers", "2"], capsys)[0] == 0
    assert two.read_bytes() == one.read_bytes()
    rows = csv_rows(one.read_text(encoding="utf-8"))
    assert list(dict.fromkeys(row["doc_id"] for row in rows)) == [f"a{n:02}" for n in range(12)]
    assert {row["published"] for row in rows} == {
        f"{2010 + n}-{n + 1:02}-{n + 3:02}" for n in range(12)}
    assert len(rows) >= 36


# 6. Standard input ----------------------------------------------------------------------------


def stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    class Stdin:
        buffer = io.BytesIO(data)

    monkeypatch.setattr(sys, "stdin", Stdin())


def test_stdin_text(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, b"Plant to close\nPublished: Sep 13, 2023\n\nThe plant closed on Monday.\n")
    status, out, err = run(["extract", "-"], capsys)
    assert status == 0
    assert [(r["doc_id"], r["event_id"], r["date"], r["trigger"], r["title"], r["source"])
            for r in csv_rows(out)] == [
        # "-" is neutralised like any cell that starts with a minus sign.
        ("stdin", "stdin-1", "2023-09-11", "closed", "Plant to close", "'-")]
    assert SUMMARY.fullmatch(err.strip()).groups() == ("1", "1")


def test_stdin_jsonl(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    stdin(monkeypatch, b'{"id": "x", "text": "Sales rose on Tuesday.", "published": "2023-09-13"}'
                       b'\n{"text": "Sales will fall on Friday.", "published": "2023-09-13"}\n')
    status, out, _ = run(["extract", "-", "-q"], capsys)
    assert status == 0
    assert [(r["doc_id"], r["date"], r["source"]) for r in csv_rows(out)] == [
        ("x", "2023-09-12", "'-:1"), ("stdin-2", "2023-09-15", "'-:2")]


# 7. Atomic output -----------------------------------------------------------------------------


def test_interrupted_run_leaves_the_old_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("a", "b", "c"):
        write(tmp_path / "in" / f"{name}.txt", "Published: 2023-09-13\n\nShares fell on Monday.\n")
    out = write(tmp_path / "out.csv", "old,output\n")
    calls = []

    def interrupt_on_second(document, **options):
        calls.append(document.doc_id)
        if len(calls) == 2:
            raise KeyboardInterrupt
        return extract_document(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", interrupt_on_second)
    status, _, err = run(["extract", str(tmp_path / "in"), "-o", str(out)], capsys)
    assert status == 130
    assert calls == ["a", "b"]
    assert "timeline: interrupted" in err.splitlines()
    assert out.read_text(encoding="utf-8") == "old,output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in", "out.csv"]


# 8. CSV formula neutralisation ----------------------------------------------------------------


def test_csv_cells_that_look_like_formulas_are_neutralised(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    records = [
        {"id": "eq", "text": '=HYPERLINK("http://x.example","click") was posted on Tuesday.'},
        {"id": "minus", "text": "-5 percent was the drop on Monday."},
        {"id": "plus", "text": "+1 more arrived on Friday."},
        {"id": "at", "text": "@channel announced on Wednesday."},
        {"id": "quote", "text": "'Quoted' news broke on Monday."},
    ]
    feed = write(tmp_path / "feed.jsonl", "".join(json.dumps(r) + "\n" for r in records))
    out = tmp_path / "out.csv"
    status, _, _ = run(["extract", str(feed), "-o", str(out), "--published", "2023-09-13", "-q"],
                       capsys)
    assert status == 0
    raw = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))[1:]
    event, sentence = FIELDS.index("event"), FIELDS.index("sentence")
    assert [(row[0], row[event][:3], row[sentence][:3]) for row in raw] == [
        ("eq", "'=H", "'=H"), ("minus", "'-5", "'-5"), ("plus", "'+1", "'+1"),
        ("at", "'@c", "'@c"), ("quote", "Quo", "''Q")]  # the description drops the quote
    assert [e.event for e in read_events(out)] == [e.event for e in events_of(feed)]
    assert next(read_events(out)).event == '=HYPERLINK("http://x.example","click") was posted'


@pytest.mark.xfail(strict=True, reason="a sentence that starts with '-' (or '+', '=', '@', a "
                   "lower-case letter) is not split from the one before: 'Monday' gets the "
                   "trigger 'rose' of the previous sentence")
def test_sentence_starting_with_a_sign(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = write(tmp_path / "drop.txt",
                 "Sales rose on Tuesday.\n-5 percent was the drop on Monday.\n")
    status, out, _ = run(["extract", str(text), "--published", "2023-09-13", "-q"], capsys)
    assert status == 0
    monday = next(row for row in csv.reader(io.StringIO(out))
                  if row[FIELDS.index("timex_text")] == "Monday")
    assert monday[FIELDS.index("sentence")] == "'-5 percent was the drop on Monday."
    assert monday[FIELDS.index("trigger")] != "rose"


def test_workers_default_to_one_per_core_only_for_large_inputs(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(timeline.cli.os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    assert timeline.cli._auto_workers([str(ARTICLE)]) == 1
    assert timeline.cli._auto_workers(["-"]) == 1  # standard input: size unknown
    monkeypatch.setattr(timeline.cli, "AUTO_WORKERS_MB", 0)
    assert timeline.cli._auto_workers([str(ARTICLE.parent)]) == 2
    calls = []
    real = timeline.parallel.extract_in_processes

    def spy(documents, workers, model, mode):
        calls.append(workers)
        return real(documents, workers, model, mode)

    monkeypatch.setattr(timeline.parallel, "extract_in_processes", spy)
    out = tmp_path / "events.jsonl"
    assert run(["extract", str(ARTICLE), "-o", str(out), "-q"], capsys)[0] == 0
    assert calls == [2] and out.read_text(encoding="utf-8").count("\n") == 12


def test_a_document_over_its_time_limit_is_reported_and_the_rest_go_on(
        tmp_path, monkeypatch, capsys):
    corpus = tmp_path / "corpus.jsonl"
    text = ARTICLE.read_text(encoding="utf-8")
    corpus.write_text("".join(json.dumps({"id": name, "text": text, "published": "2023-09-13"})
                              + "\n" for name in ("first", "stalls", "last")), encoding="utf-8")
    monkeypatch.setattr(timeline.limits, "BASE_SECONDS", 0.5)
    real = timeline.cli.extract_document

    def extract(document, **options):  # stands in for text that sends the engine astray
        if document.doc_id == "stalls":
            re.match(r"(a+)+b", "a" * 64)  # catastrophic backtracking: hours
        return real(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", extract)
    out = tmp_path / "events.jsonl"
    status, _, err = run(["extract", str(corpus), "-o", str(out)], capsys)
    assert status == 1
    assert lines(err, "error") == [
        f"timeline: error: {corpus}:2: skipped: not done within its time limit (1 s)"]
    ids = {json.loads(line)["doc_id"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert ids == {"first", "last"}


def test_the_time_limit_grows_with_the_document_and_leaves_no_timer_behind():
    assert timeline.limits.limit_for("x" * 2_000_000) == timeline.limits.BASE_SECONDS + 60
    with timeline.limits.time_limit(5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, None)


# 7. Documents longer than a part: their events stream part by part ---------------------------


@pytest.fixture
def short_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Parts of one example article each (the parts are cut in this process, also with
    workers), and batches of one part; the article's length."""
    length = len(ARTICLE.read_text(encoding="utf-8"))
    monkeypatch.setattr(timeline.events, "MAX_PART", length + 100)
    monkeypatch.setattr(timeline.parallel, "BATCH_CHARACTERS", length + 100)
    return length


def _events_alive() -> int:
    return sum(type(o) is Event for o in gc.get_objects())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_long_documents_events_are_written_part_by_part_not_held(
        tmp_path, monkeypatch, capsys, short_parts, workers):
    long = write(tmp_path / "long.txt", "\n\n".join([ARTICLE.read_text(encoding="utf-8")] * 60))
    expected = events_of(long)  # the library, in the same parts: 60 x 12 events
    del expected  # not held while the command runs
    alive = []  # Event objects in this process each time the writer is given some
    write_events = timeline.export.EventWriter.write

    def counting(writer, events):
        events = list(events)
        alive.append(_events_alive() - before)
        write_events(writer, events)

    monkeypatch.setattr(timeline.export.EventWriter, "write", counting)
    out = tmp_path / "events.jsonl"
    before = _events_alive()
    argv = ["extract", str(long), "-o", str(out), "-q", "--published", "2023-09-13",
            "--workers", workers]
    assert run(argv, capsys)[0] == 0
    assert list(read_events(out)) == events_of(long)
    # Before: all 720 events at once; now at most a few parts' (with workers, those in flight).
    assert max(alive) <= 6 * 12, alive
    assert len(alive) == 60  # one write per part


def test_a_long_document_failing_in_a_part_keeps_what_was_written_and_the_rest_go_on(
        tmp_path, monkeypatch, capsys, short_parts):
    text = ARTICLE.read_text(encoding="utf-8")
    long = "\n\n".join([text] * 4 + [text.replace("Kim", "Stall")] + [text] * 5)
    corpus = write(tmp_path / "corpus.jsonl", "".join(
        json.dumps({"id": name, "text": body, "published": "2023-09-13"}) + "\n"
        for name, body in (("first", text), ("long", long), ("last", text))))
    parts = []
    real = timeline.cli.extract_document

    def fragile(document, **options):
        parts.append(document.doc_id)
        if "Stall" in document.text:
            raise ValueError("no good")
        return real(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", fragile)
    out = tmp_path / "events.jsonl"
    status, _, err = run(["extract", str(corpus), "-o", str(out), "-q"], capsys)
    assert status == 1
    cuts = [start for start, _, _ in document_parts(Document("long", long), blank_pipeline())]
    failing = next(n for n, (a, b) in enumerate(zip(cuts, [*cuts[1:], len(long)], strict=True))
                   if "Stall" in long[a:b])
    kept = [e for e in events_of(corpus) if e.doc_id != "long" or e.timex_start < cuts[failing]]
    assert 0 < failing < len(cuts) - 1 and len(kept) > 24
    assert lines(err, "error") == [
        f"timeline: error: {corpus}:2: from character {cuts[failing]:,} on: could not extract "
        f"events (internal error: ValueError: no good); please report it; the {len(kept) - 24} "
        "events before it were written"]
    assert parts == ["first"] + ["long"] * (failing + 1) + ["last"]  # the rest is not read
    assert list(read_events(out)) == kept
    # A store takes a document whole or not at all: then the output has none of it either.
    status, _, err = run(["extract", str(corpus), "-o", str(out), "-q", "--db",
                          str(tmp_path / "events.sqlite")], capsys)
    assert status == 1
    assert lines(err, "error") == [
        f"timeline: error: {corpus}:2: could not extract events (internal error: ValueError: "
        "no good); please report it"]
    assert {e.doc_id for e in read_events(out)} == {"first", "last"}


def test_a_lone_surrogate_escape_in_jsonl_becomes_a_replacement_character(tmp_path, capsys):
    corpus = tmp_path / "corpus.jsonl"
    line = ('{"id": "a", "title": "Bad \\ud800 title", "published": "2023-09-13", '
            '"text": "Kim \\udfff arrived on Tuesday. Emoji \\ud83d\\ude00 are fine."}\n')
    corpus.write_text(line, encoding="utf-8")
    for fmt in ("jsonl", "csv"):
        out = tmp_path / f"events.{fmt}"
        status, _, err = run(["extract", str(corpus), "-o", str(out)], capsys)
        assert status == 0
        assert lines(err, "warning") == [
            f'timeline: warning: {corpus}:1: a lone surrogate escape (\\ud800-\\udfff) in '
            '"text", "title" is not a character; replaced by U+FFFD']
    event = json.loads((tmp_path / "events.jsonl").read_text(encoding="utf-8"))
    assert event["title"] == "Bad \ufffd title" and event["date"] == "2023-09-12"
    assert event["sentence"] == "Kim \ufffd arrived on Tuesday."


def test_a_bug_is_one_line_and_exit_70_and_verbose_shows_the_traceback(
        tmp_path, monkeypatch, capsys):
    def broken(args, report, *rest):
        raise RuntimeError("the sky fell\nin two lines")

    monkeypatch.setattr(timeline.cli, "_write_extracted", broken)
    argv = ["extract", str(ARTICLE), "-o", str(tmp_path / "e.csv")]
    assert main(argv) == 70
    err = capsys.readouterr().err
    assert err == ("timeline: internal error: RuntimeError: the sky fell in two lines; please "
                   "report it (--verbose shows the details)\n")
    assert main([*argv, "--verbose"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "the sky fell" in err


def test_verbose_shows_the_details_of_an_error_on_one_document(tmp_path, monkeypatch, capsys):
    def broken(document, **options):
        raise ValueError("no good")

    monkeypatch.setattr(timeline.cli, "extract_document", broken)
    argv = ["extract", str(ARTICLE), "-o", str(tmp_path / "e.csv"), "-q"]
    status, _, err = run(argv, capsys)
    assert status == 1 and "internal error: ValueError: no good" in err
    assert main([*argv, "-v"]) == 1
    assert "Traceback (most recent call last)" in capsys.readouterr().err
