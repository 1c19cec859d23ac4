"""The SQLite event store: ``timeline extract --db PATH`` and ``timeline.store``.

Real files, real extraction (spaCy's blank pipeline), the command run in-process through
``timeline.cli.main``, except for the crash test, which SIGKILLs a real ``python -m timeline``.
"""

from __future__ import annotations

import gc
import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from files import write

import timeline.cli
import timeline.events
import timeline.parallel
import timeline.store
from timeline.cli import main
from timeline.events import extract_document
from timeline.export import read_events
from timeline.readers import read_documents
from timeline.records import FIELDS, Event
from timeline.store import StoreError, extraction_settings, open_store

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples" / "article.txt"
TE3_SILVER = ROOT.parent / "shared" / "corpora" / "te3-silver"
SUMMARY = re.compile(r"timeline: (\d+) documents(?: \((\d+) unchanged\))?, ([\d,]+) events, "
                     r"\d+\.\d s")
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the command; return the exit status, stdout and stderr (checked for tracebacks)."""
    status = main([str(arg) for arg in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return status, out, err


def summary(err: str) -> tuple[int, int, int]:
    """(documents, unchanged, events) of the summary line."""
    documents, unchanged, events = SUMMARY.fullmatch(err.strip()).groups()
    return int(documents), int(unchanged or 0), int(events.replace(",", ""))


def article(n: int, verb: str = "voted") -> str:
    return (f"Story {n}\nPublished: {MONTHS[n % 12]} {n + 3}, {2010 + n}\n\n"
            f"The council of Springfield met on {DAYS[n % 7]} and {verb} on "
            f"{MONTHS[(n + 5) % 12]} {n + 1}. Mayor Quimby said {n + 2} weeks ago that a report "
            "is due next month.\n")


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Twelve short articles and the example article, in one folder."""
    folder = tmp_path / "articles"
    for n in range(12):
        write(folder / f"a{n:02}.txt", article(n))
    write(folder / "kim.txt", ARTICLE.read_text(encoding="utf-8"))
    return folder


def dump(path: Path) -> dict[str, list[tuple]]:
    """What a store holds, in its order, leaving out when documents were added."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return {
            "documents": db.execute(
                "SELECT doc_id, content_hash, settings, published, title, url, source, text, "
                "events, position FROM documents ORDER BY position").fetchall(),
            "events": db.execute(
                "SELECT e.* FROM events e JOIN documents d USING (doc_id) "
                "ORDER BY d.position, e.seq").fetchall(),
            "actors": db.execute(
                "SELECT e.doc_id, e.seq, a.actor FROM event_actors a "
                "JOIN events e ON e.rowid = a.event ORDER BY e.doc_id, e.seq, a.rowid").fetchall(),
        }


def assert_consistent(path: Path) -> None:
    """Intact file, foreign keys hold, every document has exactly its number of events."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute(
            "SELECT doc_id FROM documents d "
            "WHERE events != (SELECT count(*) FROM events e WHERE e.doc_id = d.doc_id)"
        ).fetchall() == []
        assert db.execute(
            "SELECT count(*) FROM events e JOIN event_actors a ON a.event = e.rowid"
        ).fetchone() == db.execute(
            "SELECT coalesce(sum(json_array_length(actors)), 0) FROM events").fetchone()


def count_extractions(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The ids of the documents extracted from now on (in this process)."""
    calls: list[str] = []

    def counting(document, **options):
        calls.append(document.doc_id)
        return extract_document(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", counting)
    return calls


# 1. What goes in comes out --------------------------------------------------------------------


def test_store_holds_what_extract_writes(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonl, db = tmp_path / "x.jsonl", tmp_path / "events.sqlite"
    status, _, err = run(["extract", corpus, "-o", jsonl], capsys)
    assert status == 0
    status, out, db_err = run(["extract", corpus, "--db", db], capsys)
    assert (status, out) == (0, "")  # the store replaces stdout
    assert summary(db_err) == summary(err)  # 13 documents, none unchanged, as many events
    expected = list(read_events(jsonl))
    with open_store(db, readonly=True) as store:
        assert list(store.events()) == expected
        assert store.count() == len(expected) > 30
        assert list(store.events("kim")) == [e for e in expected if e.doc_id == "kim"]
        assert store.count("kim") == sum(e.doc_id == "kim" for e in expected)
        assert store.text("kim") == ARTICLE.read_text(encoding="utf-8")
        assert store.text("no-such-document") is None
    assert_consistent(db)
    documents = dump(db)["documents"]
    assert [row[0] for row in documents] == [f"a{n:02}" for n in range(12)] + ["kim"]
    assert documents[-1][3:5] == ("2023-09-13", expected[-1].title)
    assert [row[-1] for row in documents] == list(range(1, 14))


def test_db_and_output_both_get_the_events(
    corpus: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    plain, both, db = tmp_path / "plain.csv", tmp_path / "both.csv", tmp_path / "events.sqlite"
    assert run(["extract", corpus, "-o", plain, "-q"], capsys)[0] == 0
    assert run(["extract", corpus, "-o", both, "--db", db, "-q"], capsys)[0] == 0
    assert both.read_bytes() == plain.read_bytes()
    with open_store(db) as store:
        assert list(store.events()) == list(read_events(plain))
    status, out, _ = run(["extract", ARTICLE, "-o", "-", "--db", db, "-q"], capsys)
    assert status == 0
    assert out.startswith("doc_id,event_id,")  # -o - : stdout as well


# 2. Running again -----------------------------------------------------------------------------


def test_rerun_skips_unchanged_documents_and_duplicates_nothing(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, first, again = tmp_path / "events.sqlite", tmp_path / "1.jsonl", tmp_path / "2.jsonl"
    assert run(["extract", corpus, "--db", db, "-o", first], capsys)[0] == 0
    before = dump(db)
    calls = count_extractions(monkeypatch)
    status, _, err = run(["extract", corpus, "--db", db, "-o", again], capsys)
    assert (status, calls) == (0, [])
    documents, unchanged, events = summary(err)
    assert (documents, unchanged, events) == (13, 13, len(before["events"]))
    assert dump(db) == before
    assert again.read_bytes() == first.read_bytes()  # -o still gets every event
    assert_consistent(db)
    # Other settings are another extraction: everything again, still no duplicates.
    status, _, err = run(["extract", corpus, "--db", db, "--mode", "news", "-q"], capsys)
    assert (status, len(calls)) == (0, 13)
    after = dump(db)
    assert len(after["documents"]) == 13
    assert {row[2] for row in after["documents"]} == {extraction_settings("news", None)}
    assert_consistent(db)


def test_changing_one_document_replaces_exactly_its_events(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "events.sqlite"
    assert run(["extract", corpus, "--db", db, "-q"], capsys)[0] == 0
    before = dump(db)
    write(corpus / "a03.txt", article(3, verb="adjourned") + "It will meet again on Friday.\n")
    calls = count_extractions(monkeypatch)
    status, _, err = run(["extract", corpus, "--db", db], capsys)
    assert (status, calls, summary(err)[:2]) == (0, ["a03"], (13, 12))
    after = dump(db)
    assert_consistent(db)

    def others(rows: list[tuple], column: int) -> list[tuple]:
        return [row for row in rows if row[column] != "a03"]

    # The others are untouched, rowids included; a03 keeps its place among the documents.
    assert others(after["documents"], 0) == others(before["documents"], 0)
    assert others(after["events"], 1) == others(before["events"], 1)
    assert others(after["actors"], 0) == others(before["actors"], 0)
    assert [row[0] for row in after["documents"]] == [row[0] for row in before["documents"]]
    (document,) = read_documents([str(corpus / "a03.txt")], error=print, warn=print)
    expected = extract_document(document)
    with open_store(db) as store:
        assert list(store.events("a03")) == expected
        assert store.text("a03") == document.text
    assert any(e.trigger == "adjourned" for e in expected)
    assert not any(row[9] == "voted" for row in after["events"] if row[1] == "a03")


def test_a_moved_file_is_not_extracted_again_but_its_source_follows(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, out = tmp_path / "events.sqlite", tmp_path / "moved.jsonl"
    assert run(["extract", corpus / "kim.txt", "--db", db, "-q"], capsys)[0] == 0
    moved = write(tmp_path / "elsewhere" / "kim.txt", ARTICLE.read_text(encoding="utf-8"))
    calls = count_extractions(monkeypatch)
    assert run(["extract", moved, "--db", db, "-o", out, "-q"], capsys)[0] == 0
    assert calls == []
    with open_store(db) as store:
        assert {e.source for e in store.events()} == {str(moved)}
        assert list(store.events()) == list(read_events(out))
    assert dump(db)["documents"][0][6] == str(moved)


def test_workers_1_and_2_give_the_same_store_and_rerun_idempotently(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(timeline.parallel, "BATCH", 2)  # several batches in flight at once
    one, two = tmp_path / "one.sqlite", tmp_path / "two.sqlite"
    assert run(["extract", corpus, "--db", one, "-q", "--workers", "1"], capsys)[0] == 0
    assert run(["extract", corpus, "--db", two, "-q", "--workers", "2"], capsys)[0] == 0
    assert dump(two) == dump(one)
    # Changed documents among unchanged ones, in two processes: the unchanged ones' stored
    # events keep their places in the -o output, which is what a fresh run writes.
    for n in (3, 7):
        write(corpus / f"a{n:02}.txt", article(n, verb="argued"))
    fresh, mixed = tmp_path / "fresh.jsonl", tmp_path / "mixed.jsonl"
    assert run(["extract", corpus, "-o", fresh, "-q"], capsys)[0] == 0
    status, _, err = run(["extract", corpus, "--db", two, "-o", mixed, "--workers", "2"], capsys)
    assert (status, summary(err)[:2]) == (0, (13, 11))
    assert mixed.read_bytes() == fresh.read_bytes()
    assert run(["extract", corpus, "--db", one, "-q", "--workers", "1"], capsys)[0] == 0
    assert dump(two) == dump(one)
    status, _, err = run(["extract", corpus, "--db", two, "--workers", "2"], capsys)
    assert (status, summary(err)[:2]) == (0, (13, 13))
    assert dump(two) == dump(one)
    assert_consistent(two)


def test_interrupted_run_keeps_whole_documents_and_the_next_run_finishes(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, reference = tmp_path / "events.sqlite", tmp_path / "reference.sqlite"
    assert run(["extract", corpus, "--db", reference, "-q"], capsys)[0] == 0
    calls = []

    def interrupt_on_fifth(document, **options):
        calls.append(document.doc_id)
        if len(calls) == 5:
            raise KeyboardInterrupt
        return extract_document(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", interrupt_on_fifth)
    assert run(["extract", corpus, "--db", db, "-q"], capsys)[0] == 130
    assert [row[0] for row in dump(db)["documents"]] == ["a00", "a01", "a02", "a03"]
    assert_consistent(db)
    monkeypatch.setattr(timeline.cli, "extract_document", extract_document)
    status, _, err = run(["extract", corpus, "--db", db], capsys)
    assert (status, summary(err)[:2]) == (0, (13, 4))
    assert dump(db) == dump(reference)


# 3. Schema ------------------------------------------------------------------------------------


def test_schema_and_indexes(corpus: Path, tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "events.sqlite"
    assert run(["extract", corpus, "--db", db, "-q"], capsys)[0] == 0
    with sqlite3.connect(db) as connection:
        tables = {name for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert tables == {"meta", "documents", "events", "event_actors"}
        assert dict(connection.execute("SELECT key, value FROM meta"))["schema_version"] == "1"
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)

        def columns(table: str) -> list[str]:
            return [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]

        assert columns("documents") == [
            "doc_id", "content_hash", "settings", "published", "title", "url", "source", "text",
            "events", "added", "position"]
        assert columns("events") == ["rowid", "doc_id", "seq", *FIELDS[1:]]
        assert columns("event_actors") == ["event", "actor"]

        def indexed(table: str) -> set[tuple[str, ...]]:
            return {tuple(row[2] for row in connection.execute(f"PRAGMA index_info('{name}')"))
                    for _, name, *_ in connection.execute(f"PRAGMA index_list({table})")}

        assert {("start", "end"), ("end",), ("doc_id", "seq"), ("granularity",),
                ("doc_id", "granularity", "start", "end"),
                ("start", "end", "granularity", "doc_id")} <= indexed("events")
        assert {("actor",), ("event",)} <= indexed("event_actors")

        def plan(sql: str) -> str:
            return " | ".join(row[3] for row in connection.execute("EXPLAIN QUERY PLAN " + sql))

        days = plan('SELECT * FROM events WHERE start <= \'2023-12-31\' AND "end" >= '
                    "'2023-01-01' ORDER BY start")
        assert re.search(r"SEARCH events USING INDEX events_(days|end)", days), days
        actor = plan("SELECT e.* FROM event_actors a JOIN events e ON e.rowid = a.event "
                     "WHERE a.actor = 'Kim'")
        assert "USING INDEX event_actors_actor (actor=?)" in actor, actor
        assert "USING INTEGER PRIMARY KEY (rowid=?)" in actor, actor
        document = plan("SELECT * FROM events WHERE doc_id = 'kim' ORDER BY seq")
        assert "(doc_id=?)" in document and "TEMP B-TREE" not in document, document


# 4. Errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("notes.txt", lambda p: write(p, "not a database\n" * 20), "not a SQLite database"),
        ("folder", lambda p: p.mkdir(), "a folder, not a store file; give a file name"),
        ("no/such/events.sqlite", lambda p: None, "the folder no/such does not exist"),
        ("other.sqlite", lambda p: sqlite3.connect(p).execute("CREATE TABLE t(x)").close(),
         "a SQLite database, but not a timeline store (no meta table)"),
    ],
    ids=["not-sqlite", "folder", "missing-folder", "other-schema"],
)
def test_a_db_that_cannot_be_a_store_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    name: str, make, message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    make(Path(name))
    before = sorted(p.name for p in tmp_path.iterdir())
    status, out, err = run(["extract", ARTICLE, "--db", name, "-o", "out.csv"], capsys)
    assert (status, out) == (2, "")
    assert err == f"timeline: error: --db {name}: {message}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no out.csv, no .part


def test_another_schema_version_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "events.sqlite"
    open_store(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match=r"events.sqlite: a store of schema version 2; this "
                                         r"timeline reads version 1$"):
        open_store(db)


def test_a_locked_store_is_reported_and_left_alone(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db = tmp_path / "events.sqlite"
    assert run(["extract", corpus / "a00.txt", "--db", db, "-q"], capsys)[0] == 0
    monkeypatch.setattr(timeline.store, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer
    try:
        status, _, err = run(["extract", corpus, "--db", db], capsys)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 2
    assert err == (f"timeline: error: --db {db}: locked by another process (another run "
                   "writing to it?); try again later\n")
    assert [row[0] for row in dump(db)["documents"]] == ["a00"]


def test_a_store_locked_mid_run_keeps_what_was_committed(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    db, out = tmp_path / "events.sqlite", tmp_path / "out.csv"
    monkeypatch.setattr(timeline.store, "BUSY_TIMEOUT", 0.1)
    monkeypatch.setattr(timeline.store, "BATCH_DOCUMENTS", 1)  # a commit after each document
    other = sqlite3.connect(db, isolation_level=None)
    calls = []

    def lock_on_third(document, **options):
        calls.append(document.doc_id)
        if len(calls) == 3:
            other.execute("BEGIN IMMEDIATE")  # another writer takes the store meanwhile
        return extract_document(document, **options)

    monkeypatch.setattr(timeline.cli, "extract_document", lock_on_third)
    try:
        status, _, err = run(["extract", corpus, "--db", db, "-o", out], capsys)
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert status == 1
    assert err.splitlines()[0] == (f"timeline: error: {db}: cannot write: locked by another "
                                   "process (another run writing to it?); try again later")
    assert summary(err.splitlines()[1])[:2] == (2, 0)
    assert not out.exists()
    assert [row[0] for row in dump(db)["documents"]] == ["a00", "a01"]
    assert_consistent(db)


def test_a_store_written_before_an_index_was_added_gets_it_when_opened_to_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    db = tmp_path / "events.sqlite"
    document = read_documents([str(ARTICLE)], error=print, warn=print)
    with open_store(db) as store:
        for d in document:
            store.put(d, extract_document(d), extraction_settings("auto", None))
    with sqlite3.connect(db) as connection:  # as an earlier version wrote it
        connection.execute("DROP INDEX events_view")
        connection.execute("DROP INDEX events_view_days")
    before = dump(db)
    with open_store(db, readonly=True) as store:  # a reader does without it
        assert timeline.store.missing_indexes(store._connection) == [
            "events_view", "events_view_days"]
        assert store.count() == len(before["events"])
    monkeypatch.setattr(timeline.store, "BUSY_TIMEOUT", 0.1)
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another writer: the store is left as it is
    try:
        with pytest.raises(StoreError, match="locked by another process"):
            open_store(db)
    finally:
        other.execute("ROLLBACK")
        other.close()
    with open_store(db) as store:
        assert timeline.store.missing_indexes(store._connection) == []
    with sqlite3.connect(db) as connection:
        assert [row[2] for row in connection.execute("PRAGMA index_info('events_view')")] == [
            "doc_id", "granularity", "start", "end"]
        assert [row[2] for row in connection.execute(
            "PRAGMA index_info('events_view_days')")] == ["start", "end", "granularity", "doc_id"]
    assert dump(db) == before


def test_readonly_does_not_create(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="missing.sqlite: no such file"):
        open_store(tmp_path / "missing.sqlite", readonly=True)
    assert not (tmp_path / "missing.sqlite").exists()


# 5. A crash -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def silver_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 300 te3-silver documents as a JSONL corpus (as benchmarks/throughput.py)."""
    if not TE3_SILVER.is_dir():
        pytest.skip(f"corpus folder {TE3_SILVER} is not available")
    files = sorted(TE3_SILVER.glob("*.tml"))[:300]
    path = tmp_path_factory.mktemp("silver") / "silver.jsonl"
    with open(path, "w", encoding="utf-8") as out:
        for d in read_documents([str(f) for f in files], error=print, warn=print):
            record = {"id": d.doc_id, "text": d.text,
                      "published": d.published.isoformat() if d.published else None}
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path


def stored_documents(db: Path) -> int:
    """How many documents another process has committed so far (0 before the schema)."""
    try:
        connection = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1)
    except sqlite3.Error:
        return 0
    try:
        return connection.execute("SELECT count(*) FROM documents").fetchone()[0]
    except sqlite3.Error:
        return 0
    finally:
        connection.close()


def kill_once_committed(inputs: Path, db: Path) -> None:
    """Run ``extract INPUTS --db DB`` in a process of its own and SIGKILL it as soon as it has
    committed a document."""
    command = [sys.executable, "-m", "timeline", "extract", str(inputs), "--db", str(db), "-q"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while stored_documents(db) == 0 and process.poll() is None:
            assert time.monotonic() < deadline, "nothing committed within 60 s"
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.kill()
        _, err = process.communicate()
    assert process.returncode == -signal.SIGKILL, err.decode()


def test_a_killed_run_leaves_a_consistent_store_that_the_next_run_completes(
    silver_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, reference = tmp_path / "db.sqlite", tmp_path / "reference.sqlite"
    kill_once_committed(silver_jsonl, db)
    killed_at = stored_documents(db)
    assert 0 < killed_at < 300
    assert_consistent(db)

    assert run(["extract", silver_jsonl, "--db", reference, "-q"], capsys)[0] == 0
    status, _, err = run(["extract", silver_jsonl, "--db", db], capsys)
    assert (status, summary(err)[:2]) == (0, (300, killed_at))
    assert_consistent(db)
    assert dump(db) == dump(reference)


# 6. A long document, part by part -------------------------------------------------------------


@pytest.fixture
def short_parts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parts of one example article each (as in test_cli_extract), batches of one part."""
    length = len(ARTICLE.read_text(encoding="utf-8"))
    monkeypatch.setattr(timeline.events, "MAX_PART", length + 100)
    monkeypatch.setattr(timeline.parallel, "BATCH_CHARACTERS", length + 100)


def long_text(parts: int, changed: int | None = None) -> str:
    """The example article ``parts`` times; the ``changed``-th (from 0) says Stall for Kim."""
    text = ARTICLE.read_text(encoding="utf-8")
    return "\n\n".join(text.replace("Kim", "Stall") if n == changed else text
                       for n in range(parts))


def stored_at_once(monkeypatch: pytest.MonkeyPatch) -> tuple[list[int], list[int]]:
    """From now on, how many events the store is given at each call (``put`` and ``add``),
    and how many more Event objects are alive in this process then."""
    given: list[int] = []
    alive: list[int] = []
    before = events_alive()
    put, add = timeline.store.Store.put, timeline.store.Store.add

    def putting(store, document, events, settings):
        given.append(len(events))
        alive.append(events_alive() - before)
        put(store, document, events, settings)

    def adding(store, events):
        given.append(len(events))
        alive.append(events_alive() - before)
        add(store, events)

    monkeypatch.setattr(timeline.store.Store, "put", putting)
    monkeypatch.setattr(timeline.store.Store, "add", adding)
    return given, alive


def events_alive() -> int:
    return sum(type(o) is Event for o in gc.get_objects())


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_long_document_is_stored_part_by_part_as_if_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    short_parts: None, workers: str,
) -> None:
    folder = tmp_path / "in"
    write(folder / "a.txt", article(1))
    write(folder / "b_long.txt", long_text(30))
    write(folder / "c.txt", article(2))
    plain, both, db = tmp_path / "plain.jsonl", tmp_path / "both.jsonl", tmp_path / "db.sqlite"
    argv = ["extract", folder, "-q", "--workers", workers]
    assert run([*argv, "-o", plain], capsys)[0] == 0
    given, alive = stored_at_once(monkeypatch)
    assert run([*argv, "-o", both, "--db", db], capsys)[0] == 0
    # Before: the 360 events of the long document in one put; now one part's at a time, and
    # not held meanwhile (with workers, a few parts are in flight).
    assert len(given) == 32 and given[1:-1] == [12] * 30, given
    assert max(alive) <= 6 * 12, alive
    assert both.read_bytes() == plain.read_bytes()  # read back from the store, in its place
    assert_consistent(db)
    # The same store as one given each document whole.
    whole = tmp_path / "whole.sqlite"
    with open_store(whole) as store:
        for document in read_documents([str(folder)], error=print, warn=print):
            store.put(document, extract_document(document), extraction_settings("auto", None))
    assert dump(db) == dump(whole)
    # Run again: nothing extracted, the same output and store.
    calls = count_extractions(monkeypatch)
    again = tmp_path / "again.jsonl"
    status, _, err = run([*argv, "-o", again, "--db", db], capsys)
    assert (status, calls, again.read_bytes()) == (0, [], plain.read_bytes())
    assert dump(db) == dump(whole)


def test_unchanged_documents_after_a_long_one_keep_their_place(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], short_parts: None,
) -> None:
    # With workers, documents after a long one are read while its last parts are out.
    folder, db = tmp_path / "in", tmp_path / "db.sqlite"
    write(folder / "a_long.txt", long_text(30))
    for n in range(3):
        write(folder / f"b{n}.txt", article(n))
    assert run(["extract", folder / "b0.txt", "--db", db, "-q"], capsys)[0] == 0
    plain, mixed = tmp_path / "plain.jsonl", tmp_path / "mixed.jsonl"
    assert run(["extract", folder, "-o", plain, "-q"], capsys)[0] == 0
    status, _, err = run(["extract", folder, "-o", mixed, "--db", db, "--workers", "2"], capsys)
    assert (status, summary(err)[:2]) == (0, (4, 1))
    assert mixed.read_bytes() == plain.read_bytes()
    assert [row[0] for row in dump(db)["documents"]] == ["b0", "a_long", "b1", "b2"]
    assert_consistent(db)


def test_a_long_document_given_up_part_way_is_not_stored_and_its_old_version_stays(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    short_parts: None,
) -> None:
    folder, db = tmp_path / "in", tmp_path / "db.sqlite"
    write(folder / "a.txt", article(1))
    long = write(folder / "b_long.txt", long_text(10))
    write(folder / "c.txt", article(2))
    assert run(["extract", folder, "--db", db, "-q"], capsys)[0] == 0
    old = dump(db)
    write(long, long_text(10, changed=6))
    real = timeline.cli.extract_document
    reference = tmp_path / "reference.sqlite"
    assert run(["extract", folder, "--db", reference, "-q"], capsys)[0] == 0

    def failing(exception):
        def extract(document, **options):
            if "Stall" in document.text:
                raise exception
            return real(document, **options)
        return extract

    # A part fails: the document is reported, and the store keeps the version it had.
    monkeypatch.setattr(timeline.cli, "extract_document", failing(ValueError("no good")))
    status, _, err = run(["extract", folder, "--db", db], capsys)
    assert status == 1 and "b_long.txt: could not extract events" in err
    assert summary(err.splitlines()[-1])[:2] == (2, 2)
    assert dump(db) == old
    assert_consistent(db)
    # Interrupted in a part (Ctrl+C): the same.
    monkeypatch.setattr(timeline.cli, "extract_document", failing(KeyboardInterrupt()))
    assert run(["extract", folder, "--db", db, "-q"], capsys)[0] == 130
    assert dump(db) == old
    assert_consistent(db)
    monkeypatch.setattr(timeline.cli, "extract_document", real)
    status, _, err = run(["extract", folder, "--db", db], capsys)
    assert (status, summary(err)[:2]) == (0, (3, 2))
    new, expected = dump(db), dump(reference)
    assert new["events"] != expected["events"]  # a replaced document's events get new rowids
    for stored in (new, expected):
        stored["events"] = [row[1:] for row in stored["events"]]
    assert new == expected


def test_the_store_refuses_to_commit_half_a_document(tmp_path: Path) -> None:
    (document,) = read_documents([str(ARTICLE)], error=print, warn=print)
    events = extract_document(document)
    settings = extraction_settings("auto", None)
    with open_store(tmp_path / "db.sqlite") as store:
        store.begin(document, settings)
        store.add(events[:5])
        with pytest.raises(ValueError, match="'article' is being written"):
            store.commit()
        with pytest.raises(ValueError, match="'article' is being written"):
            store.put(document, events, settings)
        store.add(events[5:])
        store.end()
        assert list(store.events("article")) == events
        store.begin(document, settings)
        store.add(events[:5])
    # Closed with a document begun: that version is left out, the one before stays.
    with open_store(tmp_path / "db.sqlite") as store:
        assert list(store.events("article")) == events
    assert_consistent(tmp_path / "db.sqlite")


@pytest.fixture(scope="module")
def long_jsonl(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five te3-silver documents, one of 2.5M characters (three parts), and five more."""
    if not TE3_SILVER.is_dir():
        pytest.skip(f"corpus folder {TE3_SILVER} is not available")
    files = sorted(TE3_SILVER.glob("*.tml"))
    documents = list(read_documents([str(f) for f in files], error=print, warn=print))
    texts, length = [], 0
    for document in documents[10:]:
        texts.append(document.text.strip())
        length += len(texts[-1]) + 2
        if length > 2_500_000:
            break
    records = [{"id": d.doc_id, "text": d.text, "published": d.published.isoformat()}
               for d in documents[:10]]
    records.insert(5, {"id": "long", "text": "\n\n".join(texts), "published": "1998-03-01"})
    path = tmp_path_factory.mktemp("long") / "long.jsonl"
    write(path, "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def test_a_run_killed_between_the_parts_of_a_long_document_leaves_it_out(
    long_jsonl: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, reference = tmp_path / "db.sqlite", tmp_path / "reference.sqlite"
    # The documents before the long one are committed once its first part is in.
    kill_once_committed(long_jsonl, db)
    assert stored_documents(db) == 5  # the long one, two parts to go, is not there
    assert_consistent(db)

    assert run(["extract", long_jsonl, "--db", reference, "-q"], capsys)[0] == 0
    status, _, err = run(["extract", long_jsonl, "--db", db], capsys)
    assert (status, summary(err)[:2]) == (0, (11, 5))
    assert_consistent(db)
    assert dump(db) == dump(reference)
    assert dump(db)["documents"][5][0] == "long" and dump(db)["documents"][5][8] > 1000
