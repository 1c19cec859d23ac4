"""``timeline extract --scheduler``: a real local Dask cluster (a scheduler and 2 worker
processes on loopback) gives the same events as a local run, built once per worker.
"""

from __future__ import annotations

import json
import re
import socket
import sys
import time
from pathlib import Path

import pyarrow.dataset
import pytest

import timeline.cli
import timeline.cluster
import timeline.events
import timeline.limits
from timeline.cli import main
from timeline.events import blank_pipeline, document_parts
from timeline.export import read_events
from timeline.records import Document
from timeline.timeml import read_timeml

distributed = pytest.importorskip("distributed")

ARTICLE = Path(__file__).parents[1] / "examples" / "article.txt"
TE3 = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "te3-silver"
ARTICLES = 40
PARTITION = 4  # 41 documents: 11 partitions, several in flight on each worker
PARTITIONS = 11
BASE_SECONDS = timeline.limits.BASE_SECONDS  # the time limit's, as the workers start with it


@pytest.fixture(scope="module")
def cluster():
    """(scheduler address, a client of it) for the module: 2 single-thread worker processes."""
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None) as local,
        distributed.Client(local, set_as_default=False) as client,
    ):
        yield local.scheduler_address, client


@pytest.fixture
def inputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The example article and 40 te3-silver articles in a JSONL file, in small partitions."""
    if not TE3.is_dir():
        pytest.skip(f"corpus folder {TE3} is not available")
    corpus = tmp_path / "te3.jsonl"
    with corpus.open("w", encoding="utf-8") as lines:
        for path in sorted(TE3.glob("*.tml"))[:ARTICLES]:
            document = read_timeml(path)
            lines.write(json.dumps({"id": document.doc_id, "text": document.text,
                                    "published": document.dct}) + "\n")
    monkeypatch.setattr(timeline.cluster, "PARTITION", PARTITION)
    return [str(ARTICLE), str(corpus)]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the command; return the exit status and stderr (checked for tracebacks)."""
    status = main(argv)
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return status, err


def local_run(inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    local = tmp_path / "local.jsonl"
    assert run(["extract", *inputs, "-o", str(local), "-q"], capsys) == (0, "")
    return local


def test_the_cluster_writes_the_same_bytes_as_a_local_run(
    cluster, inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, _ = cluster
    remote = tmp_path / "cluster.jsonl"
    assert run(["extract", *inputs, "--scheduler", address, "-o", str(remote), "-q"],
               capsys) == (0, "")
    local = local_run(inputs, tmp_path, capsys)
    assert remote.read_bytes() == local.read_bytes()
    events = list(read_events(local))
    assert len({event.doc_id for event in events}) > ARTICLES * 3 // 4
    assert len(events) > 200


def test_a_parquet_folder_holds_the_same_events_one_part_per_partition(
    cluster, inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, _ = cluster
    folder = tmp_path / "parts"
    folder.mkdir()
    (folder / "part-00099.parquet").write_bytes(b"left by an earlier, longer run")
    status, err = run(["extract", *inputs, "--scheduler", address, "-o", f"{folder}/",
                       "--format", "parquet"], capsys)
    expected = list(read_events(local_run(inputs, tmp_path, capsys)))
    assert status == 0
    parts = sorted(path.name for path in folder.iterdir())
    assert parts == [timeline.cluster.PART.format(n) for n in range(PARTITIONS)]
    assert [e for part in parts for e in read_events(folder / part)] == expected
    summary, wrote = err.splitlines()
    assert re.fullmatch(rf"timeline: {ARTICLES + 1} documents, {len(expected):,} events, [0-9.]+ s",
                        summary)
    assert wrote == f"timeline: wrote {PARTITIONS} part files to {folder}"
    table = pyarrow.dataset.dataset(folder, format="parquet").to_table()
    assert table.column("event_id").to_pylist() == [event.event_id for event in expected]


def test_each_worker_builds_its_pipeline_once(
    cluster, inputs: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, client = cluster
    before = client.run(timeline.cluster.worker_stats)
    for n in range(2):
        output = tmp_path / f"run{n}.csv"
        assert run(["extract", *inputs, "--scheduler", address, "-o", str(output), "-q"],
                   capsys) == (0, "")
    after = client.run(timeline.cluster.worker_stats)
    assert len(after) == 2
    assert [stats["pipelines_built"] for stats in after.values()] == [1, 1]
    done = sum(after[w]["partitions"] - before[w]["partitions"] for w in after)
    assert done == 2 * PARTITIONS


def test_an_unreachable_scheduler_is_one_line_and_exit_status_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{probe.getsockname()[1]}"
    monkeypatch.setattr(timeline.cluster, "CONNECT_TIMEOUT", 1.0)
    output = tmp_path / "events.csv"
    started = time.perf_counter()
    status, err = run(["extract", str(ARTICLE), "--scheduler", address, "-o", str(output)],
                      capsys)
    assert time.perf_counter() - started < 5
    assert status == 2
    assert err.startswith(f"timeline: error: --scheduler {address}: cannot connect (")
    assert len(err.splitlines()) == 1
    assert not output.exists()


def test_without_dask_the_message_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    status, err = run(["extract", str(ARTICLE), "--scheduler", "tcp://127.0.0.1:8786"], capsys)
    assert status == 2
    assert err == ('timeline: error: --scheduler needs Dask distributed: '
                   'pip install "timeline[dask]"\n')


def test_scheduler_and_workers_together_is_a_usage_error(
    capsys: pytest.CaptureFixture[str]
) -> None:
    status, err = run(["extract", str(ARTICLE), "--scheduler", "tcp://127.0.0.1:8786",
                       "--workers", "2"], capsys)
    assert status == 2
    assert err.startswith("timeline: error: --scheduler:") and len(err.splitlines()) == 1


def test_a_document_that_fails_on_a_worker_is_reported_and_the_rest_go_on(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    extract_document = timeline.cluster.extract_document

    def fragile(document, **options):
        if document.doc_id == "bad":
            raise RuntimeError("boom")
        return extract_document(document, **options)

    monkeypatch.setattr(timeline.cluster, "extract_document", fragile)
    text = ARTICLE.read_text(encoding="utf-8")
    documents = [Document("good", text), Document("bad", text), Document("after", text)]
    results = timeline.cluster.extract_partition(documents, None, "auto")
    assert [bool(events) for events, _ in results] == [True, False, True]
    assert [problem for _, problem in results] == [
        None,
        "could not extract events (internal error: RuntimeError: boom); please report it",
        None,
    ]


# Long documents and the time limit: as a local run -------------------------------------------


def long_text(characters: int) -> str:
    """The example article over and over, a blank line between, until ``characters``."""
    article = ARTICLE.read_text(encoding="utf-8")
    return "\n\n".join([article] * (characters // (len(article) + 2) + 1))


def partitions_done(client) -> int:
    return sum(stats["partitions"] for stats in client.run(timeline.cluster.worker_stats).values())


def test_a_long_document_goes_out_in_parts_and_gives_the_same_bytes_as_a_local_run(
    cluster, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, client = cluster
    long = tmp_path / "long.txt"  # just over one part (1M characters): two parts
    long.write_text(long_text(timeline.events.MAX_PART + 20_000), encoding="utf-8")
    parts = list(document_parts(Document("long", long.read_text(encoding="utf-8")),
                                blank_pipeline()))
    assert len(parts) == 2
    inputs = [str(ARTICLE), str(long), str(ARTICLE)]
    before = partitions_done(client)
    remote = tmp_path / "cluster.jsonl"
    argv = ["--published", "2023-09-13", "-q"]
    assert run(["extract", *inputs, "--scheduler", address, "-o", str(remote), *argv],
               capsys) == (0, "")
    # The short article before it shares the first part's partition; the second part is a
    # partition of its own (one whole long document was one task), and so is the last article.
    assert partitions_done(client) - before == 3
    local = tmp_path / "local.jsonl"
    assert run(["extract", *inputs, "-o", str(local), "--workers", "1", *argv],
               capsys) == (0, "")
    assert remote.read_bytes() == local.read_bytes()
    events = list(read_events(local))
    assert [e.doc_id for e in events].count("long") > 12_000
    assert events[-1].event_id == f"{events[-1].doc_id}-12"


@pytest.fixture
def short_parts(monkeypatch: pytest.MonkeyPatch) -> int:
    """Parts of one example article each, cut in this process (the client); its length."""
    length = len(ARTICLE.read_text(encoding="utf-8"))
    monkeypatch.setattr(timeline.events, "MAX_PART", length + 100)
    monkeypatch.setattr(timeline.cluster, "PARTITION", 3)
    return length


def test_a_parquet_folder_numbers_a_long_documents_events_across_partitions(
    cluster, short_parts: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, _ = cluster
    long = tmp_path / "long.txt"
    long.write_text(long_text(20 * short_parts), encoding="utf-8")  # 20 parts, 7 partitions
    inputs = [str(ARTICLE), str(long), str(ARTICLE)]
    folder = tmp_path / "parts"
    status, err = run(["extract", *inputs, "--scheduler", address, "-o", f"{folder}/",
                       "--format", "parquet", "--published", "2023-09-13"], capsys)
    assert status == 0
    local = tmp_path / "local.parquet"
    assert run(["extract", *inputs, "-o", str(local), "--published", "2023-09-13", "-q"],
               capsys) == (0, "")
    expected = list(read_events(local))
    parts = sorted(folder.iterdir())
    assert len(parts) == 8  # the 22 parts in threes
    assert [e for part in parts for e in read_events(part)] == expected
    assert err.splitlines()[0].startswith(f"timeline: 3 documents, {len(expected):,} events, ")


@pytest.fixture
def stalling(cluster, monkeypatch: pytest.MonkeyPatch):
    """A time limit of 0.5 s plus 30 s per million characters, and an engine that loops (in
    Python, for a minute) on the document ``stalls`` and on text that holds "Stall": on the
    workers, and in this process for a local run."""
    _, client = cluster

    def stall(real):
        def extract(document, **options):  # stands in for text that sends the engine astray
            if document.doc_id == "stalls" or "Stall" in document.text:
                end = time.monotonic() + 60
                while time.monotonic() < end:
                    pass
            return real(document, **options)
        extract.real = real
        return extract

    def patch(base: float) -> None:
        import timeline.cluster
        import timeline.limits

        timeline.cluster.extract_document = stall(timeline.cluster.extract_document)
        timeline.limits.BASE_SECONDS = base

    def restore(base: float) -> None:
        import timeline.cluster
        import timeline.limits

        timeline.cluster.extract_document = timeline.cluster.extract_document.real
        timeline.limits.BASE_SECONDS = base

    monkeypatch.setattr(timeline.cli, "extract_document", stall(timeline.cli.extract_document))
    monkeypatch.setattr(timeline.limits, "BASE_SECONDS", 0.5)
    client.run(patch, 0.5)
    try:
        yield
    finally:
        client.run(restore, BASE_SECONDS)


def test_a_document_over_its_time_limit_on_a_worker_is_reported_and_the_rest_go_on(
    cluster, stalling, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, _ = cluster
    corpus = tmp_path / "corpus.jsonl"
    text = ARTICLE.read_text(encoding="utf-8")
    corpus.write_text("".join(json.dumps({"id": name, "text": text, "published": "2023-09-13"})
                              + "\n" for name in ("first", "stalls", "last")), encoding="utf-8")
    remote = tmp_path / "cluster.jsonl"
    started = time.perf_counter()
    status, err = run(["extract", str(corpus), "--scheduler", address, "-o", str(remote), "-q"],
                      capsys)
    assert time.perf_counter() - started < 20  # not the minute the stalled one would take
    assert (status, err) == (
        1, f"timeline: error: {corpus}:2: skipped: not done within its time limit (1 s)\n")
    local = tmp_path / "local.jsonl"
    assert run(["extract", str(corpus), "-o", str(local), "-q"], capsys) == (status, err)
    assert remote.read_bytes() == local.read_bytes()
    assert {e.doc_id for e in read_events(remote)} == {"first", "last"}


def stalling_long_corpus(tmp_path: Path, before: int, after: int) -> tuple[Path, str]:
    """A JSONL corpus: an article, a long document of ``before`` articles, one that stalls the
    engine ("Stall") and ``after`` more, and the article again; its path and the long text."""
    text = ARTICLE.read_text(encoding="utf-8")
    long = "\n\n".join([text] * before + [text.replace("Kim", "Stall")] + [text] * after)
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text("".join(
        json.dumps({"id": name, "text": body, "published": "2023-09-13"}) + "\n"
        for name, body in (("first", text), ("long", long), ("last", text))), encoding="utf-8")
    return corpus, long


def test_a_long_document_over_its_time_limit_in_a_part_keeps_the_parts_before_it(
    cluster, stalling, short_parts: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    address, _ = cluster
    corpus, long = stalling_long_corpus(tmp_path, 4, 5)
    folder = tmp_path / "parts"
    status, err = run(["extract", str(corpus), "--scheduler", address, "-o", f"{folder}/",
                       "--format", "parquet", "-q"], capsys)
    local = tmp_path / "local.parquet"
    assert run(["extract", str(corpus), "-o", str(local), "-q"], capsys) == (status, err)
    cuts = [start for start, _, _ in document_parts(Document("long", long), blank_pipeline())]
    failing = next(n for n, (a, b) in enumerate(zip(cuts, [*cuts[1:], len(long)], strict=True))
                   if "Stall" in long[a:b])
    kept = list(read_events(local))
    written = [e for e in kept if e.doc_id == "long"]
    assert 0 < failing < len(cuts) - 1 and len(written) > 12
    assert all(e.timex_start < cuts[failing] for e in written)
    assert (status, err) == (
        1, f"timeline: error: {corpus}:2: from character {cuts[failing]:,} on: skipped: not "
        f"done within its time limit (1 s); the {len(written)} events before it were written\n")
    assert [e for part in sorted(folder.iterdir()) for e in read_events(part)] == kept
    assert {e.doc_id for e in kept} == {"first", "long", "last"}


def test_a_long_document_over_its_time_limit_in_a_part_keeps_the_parts_before_it_in_a_file(
    cluster, stalling, short_parts: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With -o FILE the client takes the cluster's results part by part, as a local run does:
    the same bytes and the same line, the parts before the one that failed written."""
    address, _ = cluster
    corpus, _ = stalling_long_corpus(tmp_path, 3, 2)
    remote, local = tmp_path / "cluster.jsonl", tmp_path / "local.jsonl"
    status, err = run(["extract", str(corpus), "--scheduler", address, "-o", str(remote), "-q"],
                      capsys)
    assert run(["extract", str(corpus), "-o", str(local), "-q"], capsys) == (status, err)
    assert status == 1 and "from character" in err and "events before it were written" in err
    assert remote.read_bytes() == local.read_bytes()
    assert {e.doc_id for e in read_events(remote)} == {"first", "long", "last"}
