"""Extract events on a Dask distributed cluster, with the same events as one process.

This process (the client) reads the documents and sends them out in partitions of
``PARTITION``, with at most two partitions per worker thread out at a time, so memory stays
flat however long the input is. Each worker process builds its spaCy pipeline once, when the
client connects (or on its first partition, if it joins later), and keeps it: a task carries
documents, never the pipeline. Results come back in input order; or, for a folder of Parquet
parts, each worker writes its partition's events to ``part-00000.parquet``,
``part-00001.parquet`` ... and only counts come back.

Workers need this package (and the spaCy model named) installed; to write parts, they need the
folder at the same path (a shared file system). Dask itself is imported only when connecting,
so that it stays optional.
"""

from __future__ import annotations

import collections
import itertools
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from spacy.language import Language

from timeline.events import extract_document, load_pipeline
from timeline.export import open_writer
from timeline.records import Document, Event

if TYPE_CHECKING:
    from distributed import Client, Future

PARTITION = 64  # documents per task
CONNECT_TIMEOUT = 10.0  # seconds to reach the scheduler, and for a worker to be there
PART = "part-{:05d}.parquet"

_PART_NAME = re.compile(r"part-([0-9]+)\.parquet")

# Worker side: the pipelines this process has built, by model, and what it has done.
_pipelines: dict[str | None, Language] = {}
_lock = threading.Lock()
_stats = {"pipelines_built": 0, "partitions": 0}


class ClusterError(Exception):
    """The cluster cannot be reached or a task failed on it; the message is one line."""


def connect(address: str, model: str | None) -> Client:
    """A client of the Dask scheduler at ``address``, whose workers have built the ``model``
    pipeline (the blank one for None), so a model missing there is reported before any work.

    Raises ``ClusterError`` when Dask is not installed, the scheduler does not answer within
    ``CONNECT_TIMEOUT`` seconds, no worker joins it in that time, or the model cannot be loaded.
    """
    try:
        from distributed import Client
    except ImportError:
        raise ClusterError(
            '--scheduler needs Dask distributed: pip install "timeline[dask]"') from None
    timeout = CONNECT_TIMEOUT
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except Exception as error:  # OSError on a timeout, ValueError or TypeError on the address
        raise ClusterError(f"--scheduler {address}: cannot connect ({_describe(error)})") from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except Exception:
        client.close()
        raise ClusterError(
            f"--scheduler {address}: no worker joined the scheduler within {timeout:g} s") from None
    try:
        client.run(_prepare, model)
    except Exception as error:
        client.close()
        raise ClusterError(f"--spacy-model {model}: cannot load it on the workers "
                           f"({_describe(error)})") from None
    return client


def extract_on_cluster(
    client: Client, documents: Iterable[Document], model: str | None, mode: str
) -> Iterator[tuple[Document, list[Event], str | None]]:
    """(document, events, problem) for each document, in input order, extracted on the cluster.

    ``problem`` is a one-line description when extraction failed on that document (its events
    are then empty); ``ClusterError`` when a whole partition failed.
    """
    def submit(index: int, partition: list[Document]) -> Future:
        return client.submit(extract_partition, partition, model, mode, pure=False)

    for partition, results in _in_order(client, documents, submit):
        for document, (events, problem) in zip(partition, results, strict=True):
            yield document, events, problem


def write_parts(
    client: Client, documents: Iterable[Document], folder: Path, model: str | None, mode: str
) -> Iterator[tuple[Document, int, str | None]]:
    """(document, number of events, problem) for each document, in input order, while the
    workers write partition ``n``'s events to ``folder/part-<n>.parquet`` (atomically).

    Once all are written, parts left in ``folder`` by an earlier, longer run are removed, so
    that the folder holds this run's events alone.
    """
    folder = folder.resolve()  # the workers' working folder is not ours

    def submit(index: int, partition: list[Document]) -> Future:
        target = str(folder / PART.format(index))
        return client.submit(write_partition, partition, model, mode, target, pure=False)

    parts = 0
    for partition, results in _in_order(client, documents, submit):
        parts += 1
        for document, (count, problem) in zip(partition, results, strict=True):
            yield document, count, problem
    for path in folder.iterdir():
        match = _PART_NAME.fullmatch(path.name)
        if match and int(match[1]) >= parts:
            path.unlink(missing_ok=True)


def _in_order(
    client: Client, documents: Iterable[Document],
    submit: Callable[[int, list[Document]], Future],
) -> Iterator[tuple[list[Document], Any]]:
    """Each partition with its task's result, in order, at most 2 per worker thread out."""
    limit = 2 * max(1, sum(client.nthreads().values()))
    partitions = enumerate(_partitions(documents))
    pending: collections.deque[tuple[list[Document], Future]] = collections.deque()
    try:
        for index, partition in itertools.islice(partitions, limit):
            pending.append((partition, submit(index, partition)))
        while pending:
            partition, future = pending.popleft()
            try:
                result = future.result()
            except Exception as error:
                raise ClusterError(f"--scheduler: a task failed on the cluster "
                                   f"({_describe(error)})") from None
            following = next(partitions, None)
            if following is not None:
                pending.append((following[1], submit(*following)))
            yield partition, result
    finally:
        if pending:  # stopped early (an error, Ctrl+C): the rest is not wanted
            client.cancel([future for _, future in pending])


def _partitions(documents: Iterable[Document]) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while partition := list(itertools.islice(iterator, PARTITION)):
        yield partition


# Worker side ---------------------------------------------------------------------------------


def extract_partition(
    documents: list[Document], model: str | None, mode: str
) -> list[tuple[list[Event], str | None]]:
    """Run on a worker: (events, problem) for each document, in order (see ``_extract``)."""
    nlp = _pipeline(model)
    with _lock:
        _stats["partitions"] += 1
    return [_extract(document, nlp, mode) for document in documents]


def write_partition(
    documents: list[Document], model: str | None, mode: str, target: str
) -> list[tuple[int, str | None]]:
    """Run on a worker: write the documents' events to the Parquet file ``target`` (through a
    temporary file, so a reader never sees half of it); (event count, problem) for each.
    """
    results = extract_partition(documents, model, mode)
    with open_writer(target, "parquet") as writer:
        for events, _ in results:
            writer.write(events)
    return [(len(events), problem) for events, problem in results]


def worker_stats() -> dict[str, int]:
    """How many pipelines this process has built and partitions it has extracted
    (``client.run(worker_stats)`` asks every worker)."""
    with _lock:
        return dict(_stats)


def _prepare(model: str | None) -> None:
    """Build the pipeline now (through ``client.run``, which would send back a result)."""
    _pipeline(model)


def _pipeline(model: str | None) -> Language:
    """This process's pipeline for ``model``, built on first use and shared by its threads
    (extraction holds the GIL, so a worker gains nothing from more than one)."""
    with _lock:
        nlp = _pipelines.get(model)
        if nlp is None:
            nlp = _pipelines[model] = load_pipeline(model)
            _stats["pipelines_built"] += 1
        return nlp


def _extract(document: Document, nlp: Language, mode: str) -> tuple[list[Event], str | None]:
    """The document's events, or none and a one-line problem: a bug on one article must not
    lose the partition."""
    try:
        return extract_document(document, nlp=nlp, mode=mode), None
    except Exception as error:
        return [], (f"could not extract events (internal error: {type(error).__name__}: "
                    f"{error}); please report it")


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, OSError | ValueError | TypeError) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

