"""Extract events in several processes, with the same output in the same order as one.

Documents are read in this process and sent out in batches; each worker builds its spaCy
pipeline once, when it starts. Only a few batches are in flight at a time, so memory stays
bounded however long the input is.
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator

from timeline.records import Document, Event

BATCH = 32

_nlp = None


def extract_in_processes(
    documents: Iterable[Document], workers: int, model: str | None, mode: str
) -> Iterator[tuple[Document, list[Event], str | None]]:
    """(document, events, problem) for each document, in input order; ``problem`` is a
    one-line description when extraction failed on that document (its events are then empty).
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start, initargs=(model,)) as pool:
        pending = []
        batches = _batches(documents, BATCH)
        for batch in itertools.islice(batches, workers * 2):
            pending.append(pool.apply_async(_extract_batch, (batch, mode)))
        while pending:
            results = pending.pop(0).get()
            following = next(batches, None)
            if following is not None:
                pending.append(pool.apply_async(_extract_batch, (following, mode)))
            yield from results


def _batches(documents: Iterable[Document], size: int) -> Iterator[list[Document]]:
    iterator = iter(documents)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _start(model: str | None) -> None:
    global _nlp
    from timeline.events import load_pipeline

    _nlp = load_pipeline(model)


def _extract_batch(
    batch: list[Document], mode: str
) -> list[tuple[Document, list[Event], str | None]]:
    from timeline.events import extract_document
    from timeline.limits import TooSlow, limit_for, time_limit

    results = []
    for document in batch:
        try:
            with time_limit(limit_for(document.text)):
                events = extract_document(document, nlp=_nlp, mode=mode)
            results.append((document, events, None))
        except TooSlow as error:
            results.append((document, [], str(error)))
        except Exception as error:  # one bad article must not lose the batch
            results.append((document, [], f"could not extract events (internal error: "
                                          f"{type(error).__name__}: {error}); please report it"))
    return results
