"""Extract events on a Dask distributed cluster, with the same events as one process.

This process (the client) reads the documents and sends them out in partitions of at most
``PARTITION`` parts and ``PARTITION_CHARACTERS`` characters, with at most two partitions per
worker thread out at a time, so memory stays flat however long the input is. A part is a
document, or a piece of a long one, cut as a local run cuts it
(``timeline.events.document_parts``): a 50 MB text goes out a part at a time, never as one
task, and the events of its parts are numbered on in order (``in_document``), the same events
as a local run. Each part has a local run's time limit (``timeline.limits``, enforced in the
worker's thread): a part not done within it is reported, and the rest of its document is not
extracted (what was written before it is kept, as in a local run).

Each worker process builds its spaCy pipeline once, when the client connects (or on its first
partition, if it joins later), and keeps it: a task carries documents, never the pipeline.
Results come back in input order; or, for a folder of Parquet parts, each worker writes its
partition's events to ``part-00000.parquet``, ``part-00001.parquet`` ... and only counts come
back (a partition that goes on with a long document waits for the one before it, which says
how many events that document has so far).

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
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from spacy.language import Language

from timeline.events import DocumentParts, extract_document, in_document, load_pipeline
from timeline.export import open_writer
from timeline.limits import TooSlow, limit_for, time_limit
from timeline.records import Document, Event

if TYPE_CHECKING:
    from distributed import Client, Future

PARTITION = 64  # parts per task (documents, or pieces of a long one)
PARTITION_CHARACTERS = 1_000_000  # and no more characters, unless a single part is longer
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


def extract_parts(
    client: Client, documents: Iterable[Document], model: str | None, mode: str
) -> Iterator[tuple[Document, int, list[Event], str | None, bool]]:
    """(document, start, events, problem, last) for each part of each document, in input
    order, extracted on the cluster: the events of the part that begins at character ``start``
    (offsets and numbers those of the part alone), or a one-line ``problem`` when it failed,
    after which the rest of that document is left out; ``last`` whether the part ends it."""
    parts = _Parts(documents, _part_length(client, model))

    def submit(index: int, partition: list[_Part], before: Future | None) -> Future:
        return client.submit(extract_partition, [item.part for item in partition], model, mode,
                             pure=False)

    for partition, results in _in_order(client, parts, submit):
        for item, (events, problem) in zip(partition, results, strict=True):
            if parts.wanted(item.document, problem):
                yield item.document, item.start, events, problem, item.last


def write_parts(
    client: Client, documents: Iterable[Document], folder: Path, model: str | None, mode: str
) -> Iterator[tuple[Document, int, str | None]]:
    """(document, number of events, problem) for each document, in input order, while the
    workers write partition ``n``'s events to ``folder/part-<n>.parquet`` (atomically).

    A long document whose part failed keeps the events of the parts before it, written
    already; ``problem`` then says from which character on it is missing. Once all are
    written, parts left in ``folder`` by an earlier, longer run are removed, so that the folder
    holds this run's events alone.
    """
    folder = folder.resolve()  # the workers' working folder is not ours
    parts = _Parts(documents, _part_length(client, model))

    def submit(index: int, partition: list[_Part], before: Future | None) -> Future:
        target = str(folder / PART.format(index))
        # A partition that goes on with the last document of the one before numbers its
        # events on from there: it waits for that partition's result.
        before = before if partition[0].start > 0 else None
        return client.submit(write_partition, [item.part for item in partition], model, mode,
                             target, [item.start for item in partition], before, pure=False)

    written = 0  # the events of the document in progress
    partitions = 0
    for partition, (results, _) in _in_order(client, parts, submit):
        partitions += 1
        for item, (count, problem) in zip(partition, results, strict=True):
            if not parts.wanted(item.document, problem):
                continue
            if problem is not None:
                if written:  # as a local run says it (timeline.cli._failure)
                    problem = (f"from character {item.start:,} on: {problem}; "
                               f"the {written:,} events before it were written")
                yield item.document, 0, problem
                written = 0
            elif item.last:
                yield item.document, written + count, None
                written = 0
            else:
                written += count
    for path in folder.iterdir():
        match = _PART_NAME.fullmatch(path.name)
        if match and int(match[1]) >= partitions:
            path.unlink(missing_ok=True)


class _Part(NamedTuple):
    document: Document
    start: int  # where the part begins in the document
    part: Document  # the document itself, or a piece of it
    last: bool  # whether the part ends the document


@dataclass(frozen=True)
class _Length:
    """What ``document_parts`` reads of a pipeline: the longest text it takes (the workers'
    pipelines are not in this process)."""

    max_length: int


class _Parts(DocumentParts):
    """The parts of the documents to send out, in order, as a local run cuts them, for
    pipelines that are not in this process (``max_length``: the longest text they take)."""

    def __init__(self, documents: Iterable[Document], max_length: int) -> None:
        super().__init__(documents, _Length(max_length))

    def __iter__(self) -> Iterator[_Part]:
        for document, start, part, last in super().__iter__():
            yield _Part(document, start, part, last)


def _part_length(client: Client, model: str | None) -> int:
    """The longest text the workers' pipelines take (spaCy's ``max_length``)."""
    return min(client.run(_max_length, model).values())


def _in_order(
    client: Client, parts: Iterable[_Part],
    submit: Callable[[int, list[_Part], Future | None], Future],
) -> Iterator[tuple[list[_Part], Any]]:
    """Each partition with its task's result, in order, at most 2 per worker thread out.
    ``submit`` is given the partition's number, the partition and the task of the one before."""
    limit = 2 * max(1, sum(client.nthreads().values()))
    partitions = enumerate(_partitions(parts))
    pending: collections.deque[tuple[list[_Part], Future]] = collections.deque()
    previous: Future | None = None

    def send(index: int, partition: list[_Part]) -> None:
        nonlocal previous
        previous = submit(index, partition, previous)
        pending.append((partition, previous))

    try:
        for index, partition in itertools.islice(partitions, limit):
            send(index, partition)
        while pending:
            partition, future = pending.popleft()
            try:
                result = future.result()
            except Exception as error:
                raise ClusterError(f"--scheduler: a task failed on the cluster "
                                   f"({_describe(error)})") from None
            following = next(partitions, None)
            if following is not None:
                send(*following)
            yield partition, result
    finally:
        if pending:  # stopped early (an error, Ctrl+C): the rest is not wanted
            client.cancel([future for _, future in pending])


def _partitions(parts: Iterable[_Part]) -> Iterator[list[_Part]]:
    """The parts in partitions of at most ``PARTITION``, and no more characters than
    ``PARTITION_CHARACTERS`` unless a single part is longer."""
    partition: list[_Part] = []
    characters = 0
    for item in parts:
        size = len(item.part.text)
        if partition and (len(partition) >= PARTITION
                          or characters + size > PARTITION_CHARACTERS):
            yield partition
            partition, characters = [], 0
        partition.append(item)
        characters += size
    if partition:
        yield partition


# Worker side ---------------------------------------------------------------------------------


def extract_partition(
    documents: list[Document], model: str | None, mode: str
) -> list[tuple[list[Event], str | None]]:
    """Run on a worker: (events, problem) for each document (or part), in order (see
    ``_extract``)."""
    nlp = _pipeline(model)
    with _lock:
        _stats["partitions"] += 1
    return [_extract(document, nlp, mode) for document in documents]


def write_partition(
    documents: list[Document], model: str | None, mode: str, target: str,
    starts: list[int] | None = None, before: tuple[Any, int | None] | None = None,
) -> tuple[list[tuple[int, str | None]], int | None]:
    """Run on a worker: write the events of the parts ``documents``, which begin at characters
    ``starts`` of their documents (a part at 0 begins a new one, the others go on with the part
    before), to the Parquet file ``target`` (through a temporary file, so a reader never sees
    half of it), as events of their documents (``in_document``). ``before`` is the result of
    the partition before, when the first part goes on with its last document.

    Returns (event count, problem) for each part, and the number of events the last document
    has so far (None once a part of it failed: the rest of it is not extracted).
    """
    nlp = _pipeline(model)
    with _lock:
        _stats["partitions"] += 1
    starts = starts or [0] * len(documents)
    so_far = before[1] if before is not None else 0
    results: list[tuple[int, str | None]] = []
    with open_writer(target, "parquet") as writer:
        for part, start in zip(documents, starts, strict=True):
            if start == 0:
                so_far = 0
            if so_far is None:  # a part of this document before failed
                results.append((0, None))
                continue
            events, problem = _extract(part, nlp, mode)
            if problem is not None:
                results.append((0, problem))
                so_far = None
                continue
            writer.write(in_document(events, start, so_far))
            so_far += len(events)
            results.append((len(events), None))
    return results, so_far


def worker_stats() -> dict[str, int]:
    """How many pipelines this process has built and partitions it has extracted
    (``client.run(worker_stats)`` asks every worker)."""
    with _lock:
        return dict(_stats)


def _prepare(model: str | None) -> None:
    """Build the pipeline now (through ``client.run``, which would send back a result)."""
    _pipeline(model)


def _max_length(model: str | None) -> int:
    return _pipeline(model).max_length


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
    """The document's events, or none and a one-line problem: one over its time limit (in a
    worker's thread, see ``timeline.limits``) or a bug on one article must not lose the
    partition."""
    try:
        with time_limit(limit_for(document.text)):
            return extract_document(document, nlp=nlp, mode=mode), None
    except TooSlow as error:
        return [], str(error)
    except Exception as error:
        return [], (f"could not extract events (internal error: {type(error).__name__}: "
                    f"{error}); please report it")


def _describe(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if isinstance(error, OSError | ValueError | TypeError) and text:
        return text
    return f"{type(error).__name__}: {text}" if text else type(error).__name__

