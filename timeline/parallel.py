"""Extract events in several processes, with the same output in the same order as one.

Documents are read in this process and sent out in batches of at most ``BATCH`` documents and
``BATCH_CHARACTERS`` characters; each worker builds its spaCy pipeline once, when it starts.
Only a few batches are in flight at a time, so memory stays bounded however long the input is.
(The command line sends the parts of a long document as documents of their own, so that one
part, not the whole document, is out at a time: see ``timeline.cli``.)
"""

from __future__ import annotations

import itertools
import multiprocessing
from collections.abc import Iterable, Iterator

from timeline.records import Document, Event

BATCH = 32
BATCH_CHARACTERS = 1_000_000  # a batch of long texts holds one, or a few

_nlp = None


def extract_in_processes(
    documents: Iterable[Document], workers: int, model: str | None, mode: str
) -> Iterator[tuple[Document, list[Event], str | None]]:
    """(document, events, problem) for each document, in input order; ``problem`` is a
    one-line description when extraction failed on that document (its events are then empty).
    """
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_start, initargs=(model,)) as pool:
        pending = []  # (batch, its results to come)
        batches = _batches(documents)
        for batch in itertools.islice(batches, workers * 2):
            pending.append((batch, pool.apply_async(_extract_batch, (batch, mode))))
        while pending:
            batch, results = pending.pop(0)
            results = results.get()
            following = next(batches, None)
            if following is not None:
                pending.append((following, pool.apply_async(_extract_batch, (following, mode))))
            for document, (events, problem) in zip(batch, results, strict=True):
                yield document, events, problem


def _batches(documents: Iterable[Document]) -> Iterator[list[Document]]:
    """The documents in batches of at most ``BATCH``, and no more characters than
    ``BATCH_CHARACTERS`` unless a single document is longer."""
    batch: list[Document] = []
    characters = 0
    for document in documents:
        if batch and (len(batch) == BATCH
                      or characters + len(document.text) > BATCH_CHARACTERS):
            yield batch
            batch, characters = [], 0
        batch.append(document)
        characters += len(document.text)
    if batch:
        yield batch


def _start(model: str | None) -> None:
    global _nlp
    from timeline.events import load_pipeline

    _nlp = load_pipeline(model)


def _extract_batch(batch: list[Document], mode: str) -> list[tuple[list[Event], str | None]]:
    """(events, problem) for each document of ``batch``: only these go back, not the texts."""
    from timeline.events import extract_document
    from timeline.limits import TooSlow, limit_for, time_limit

    results: list[tuple[list[Event], str | None]] = []
    for document in batch:
        try:
            with time_limit(limit_for(document.text)):
                results.append((extract_document(document, nlp=_nlp, mode=mode), None))
        except TooSlow as error:
            results.append(([], str(error)))
        except Exception as error:  # one bad article must not lose the batch
            results.append(([], f"could not extract events (internal error: "
                                f"{type(error).__name__}: {error}); please report it"))
    return results
