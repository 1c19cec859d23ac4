"""The ``timeline`` command: extract events, tag texts, annotate TimeML files, score them,
serve the dashboard over events, draw them into one HTML file.

A thin layer over the library: it finds files, reports problems one line each on stderr, and
keeps going. Exit status: 0 when everything was processed, 1 when some input failed (the rest
is still processed and written), 2 for a usage error (bad option value, unknown model, an
output that cannot be written), 70 for an internal error (a bug: one line, and with
``--verbose`` the traceback), 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import signal
import sys
import time
import traceback
from collections import deque
from collections.abc import Iterator, Sequence
from pathlib import Path

from timeline import temporal
from timeline.anchoring import AnchoringScore, gold_anchors, score_anchoring
from timeline.cluster import ClusterError, connect, extract_parts, write_parts
from timeline.evaluate import combine, format_errors, format_table, pair_files, score_document
from timeline.events import DocumentParts, extract_document, in_document, load_pipeline
from timeline.export import FORMATS, SUFFIXES, ExportError, open_writer
from timeline.limits import TooSlow, limit_for, time_limit
from timeline.published import find_published, parse_date
from timeline.readers import read_documents
from timeline.records import Document
from timeline.store import StoreError, extraction_settings, open_store
from timeline.temporal import Timex
from timeline.timeml import (
    TimeMLDocument,
    TimeMLError,
    find_timeml_files,
    read_timeml,
    write_timeml,
)

MODES = ("auto", "news", "narrative")
TAG_COLUMNS = ("file", "start", "end", "text", "type", "value", "mod", "first_day", "last_day")
# Inputs this large (in all) are extracted in one process per core unless --workers says.
AUTO_WORKERS_MB = 20
INTERNAL_ERROR = 70  # sysexits' EX_SOFTWARE: a bug in timeline, never the user's mistake


class _Report:
    """Writes one-line errors and warnings to stderr and remembers whether any input failed."""

    def __init__(self, *, verbose: bool = False) -> None:
        self.failed = False
        self.verbose = verbose

    def error(self, message: str) -> None:
        self.failed = True
        print(f"timeline: error: {_one_line(message)}", file=sys.stderr)
        if self.verbose and sys.exc_info()[0] is not None:  # handling an exception: show it
            traceback.print_exc(file=sys.stderr)

    def warn(self, message: str) -> None:
        print(f"timeline: warning: {_one_line(message)}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status (1: some input failed, 2: usage error)."""
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    report = _Report(verbose=args.verbose)
    try:
        status = args.run(args, report)
    except BrokenPipeError:  # the reader went away ("timeline tag ... | head"): not an error
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("timeline: interrupted", file=sys.stderr)
        return 130
    except Exception as error:  # a bug, not a user mistake: one line, the details on request
        if args.verbose:
            traceback.print_exc(file=sys.stderr)
        print(f"timeline: internal error: {type(error).__name__}: {_one_line(str(error))}; "
              "please report it" + ("" if args.verbose else " (--verbose shows the details)"),
              file=sys.stderr)
        return INTERNAL_ERROR
    return status or (1 if report.failed else 0)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="timeline", description="Find and resolve temporal expressions (TIMEX3)."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-v", "--verbose", action="store_true",
                        help="with an error, show its details (the Python traceback)")

    extract = commands.add_parser(
        "extract", parents=[common],
        help="extract dated events from articles (text, HTML, JSONL, TimeML)",
    )
    extract.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files or folders of articles, or - for stdin"
    )
    extract.add_argument("-o", "--output", metavar="OUT", help="output file; default: stdout")
    extract.add_argument(
        "--db", metavar="PATH",
        help="write the events into this SQLite store (created if missing), in place of "
        "stdout unless -o is given; documents it holds unchanged are not extracted again",
    )
    extract.add_argument(
        "--format",
        choices=FORMATS,
        help="output format; default: from the -o suffix, else csv",
    )
    extract.add_argument(
        "--published",
        metavar="DATE",
        help="publication date (YYYY-MM-DD) for articles that do not carry their own",
    )
    extract.add_argument(
        "--spacy-model",
        metavar="NAME",
        help="an installed trained spaCy pipeline (en_core_web_sm ...) for better triggers "
        "and actors; default: spaCy's blank English tokenizer and the tool's own rules",
    )
    extract.add_argument(
        "--workers", type=_workers, default="auto", metavar="N",
        help="extract in N processes (same output, same order); default: auto, one per core "
        f"when the inputs hold {AUTO_WORKERS_MB} MB or more, else 1",
    )
    extract.add_argument(
        "--scheduler", metavar="ADDRESS",
        help="extract on the workers of a Dask cluster (tcp://host:8786; needs timeline[dask]); "
        "with --format parquet, an -o folder gets one part file per partition",
    )
    extract.add_argument("-q", "--quiet", action="store_true", help="no progress and no summary")
    _add_mode(extract)
    extract.set_defaults(run=_run_extract)

    tag = commands.add_parser("tag", parents=[common],
                              help="tag plain-text articles, one line per expression")
    tag.add_argument("files", nargs="+", metavar="FILE", help="text files, or - for stdin")
    tag.add_argument(
        "--published",
        metavar="DATE",
        help="publication date (YYYY-MM-DD); default: found in the text's header",
    )
    tag.add_argument("--format", choices=("tsv", "json"), default="tsv")
    _add_mode(tag)
    tag.set_defaults(run=_run_tag)

    annotate = commands.add_parser("annotate", parents=[common],
                                   help="write TIMEX3 tags into TimeML files")
    annotate.add_argument("inputs", nargs="+", metavar="INPUT", help="TimeML files or folders")
    annotate.add_argument("-o", "--output", required=True, metavar="OUT_DIR", type=Path)
    _add_mode(annotate)
    annotate.set_defaults(run=_run_annotate)

    serve = commands.add_parser(
        "serve", parents=[common], help="explore events in the browser (the dashboard)",
        description="Start the dashboard. INPUTs are articles (anything extract reads; their "
        "events are extracted now) or event files written by extract (.csv, .jsonl, "
        ".parquet, .json). With none it opens empty, ready for articles added in the page.",
    )
    serve.add_argument("inputs", nargs="*", metavar="INPUT", help="articles or event files")
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on; default: 127.0.0.1 (this machine only)")
    serve.add_argument("--port", type=_port, default=8050, help="default: 8050")
    serve.add_argument("--title", default="timeline", help="the page's title")
    serve.add_argument(
        "--upload-limit", type=_megabytes, default=5_000_000, metavar="MB",
        help="largest article a reader may add in the page, in MB; default: 5",
    )
    serve.add_argument(
        "--db", metavar="PATH",
        help="serve the events of this store (written by extract --db), read as the page asks, "
        "so it may be larger than memory; INPUTs (articles) are extracted into it first, and "
        "articles added in the page are written to it, for every reader",
    )
    _add_reading(serve)
    serve.set_defaults(run=_run_serve)

    plot = commands.add_parser(
        "plot", parents=[common], help="draw events as one standalone interactive HTML file",
        description="Draw the timeline of INPUTs (event files written by extract, or "
        "articles) into one HTML file that opens offline.",
    )
    plot.add_argument("inputs", nargs="+", metavar="INPUT", help="event files or articles")
    plot.add_argument("-o", "--output", required=True, metavar="OUT.html", type=Path)
    plot.add_argument("--lanes", choices=("document", "actor"), default="document",
                      help="one lane per document (default) or per actor")
    plot.add_argument("--title", default="timeline", help="the figure's title")
    _add_reading(plot)
    plot.set_defaults(run=_run_plot)

    evaluate = commands.add_parser("eval", parents=[common],
                                   help="score TIMEX3 annotations (TempEval-3)")
    evaluate.add_argument("gold", metavar="GOLD", type=Path, help="gold TimeML file or folder")
    evaluate.add_argument(
        "system",
        nargs="?",
        metavar="SYSTEM_DIR",
        type=Path,
        help="annotated files to score; default: tag the gold texts now",
    )
    evaluate.add_argument("--errors", action="store_true", help="list every error")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON")
    evaluate.add_argument(
        "--events",
        action="store_true",
        help="score event anchoring against the gold TLINKs instead (precision and recall of "
        "events dated to the day their TLINK gives)",
    )
    _add_mode(evaluate)
    evaluate.set_defaults(run=_run_eval)
    return parser


def _workers(text: str) -> int | str:
    return text if text == "auto" else _positive_int(text)


def _auto_workers(inputs: Sequence[str]) -> int:
    """One process per core when the inputs are large enough to repay starting them."""
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if not cores or cores < 2:
        return 1
    limit, size = AUTO_WORKERS_MB * 1024 * 1024, 0
    for name in inputs:
        path = Path(name)
        paths = path.rglob("*") if path.is_dir() else [path] if path.is_file() else []
        for item in paths:
            with contextlib.suppress(OSError):
                size += item.stat().st_size if item.is_file() else 0
            if size >= limit:
                return cores
    return 1


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1: {text!r}")
    return value


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 0 < value < 65536:
        raise argparse.ArgumentTypeError(f"not a port number (1-65535): {text!r}")
    return value


def _megabytes(text: str) -> int:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of MB: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be more than 0: {text!r}")
    return int(value * 1_000_000)


def _add_reading(parser: argparse.ArgumentParser) -> None:
    """The options of commands that read articles as well as event files."""
    parser.add_argument(
        "--published", metavar="DATE",
        help="publication date (YYYY-MM-DD) for articles that do not carry their own",
    )
    parser.add_argument("--spacy-model", metavar="NAME",
                        help="an installed trained spaCy pipeline; default: the blank one")
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress")
    _add_mode(parser)


def _add_mode(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--mode",
        choices=MODES,
        default="auto",
        help="anchor relative dates to the publication date (news), to the last date "
        "mentioned (narrative), or decide per document (auto)",
    )


def _run_extract(args: argparse.Namespace, report: _Report) -> int:
    published = _published_option(args.published)
    if published is False:
        return 2
    output = None if args.output in (None, "-") else Path(args.output)
    fmt = args.format or (SUFFIXES.get(output.suffix.lower(), "csv") if output else "csv")
    if args.scheduler is not None:
        return _run_extract_on_cluster(args, report, published, output, fmt)
    if args.workers == "auto":
        args.workers = _auto_workers(args.inputs)
    try:
        nlp = load_pipeline(args.spacy_model)
    except (OSError, ImportError) as error:
        return _usage(f"--spacy-model {args.spacy_model}: cannot load it ({_one_line(str(error))})")
    return _write_extracted(args, report, published, output, fmt, nlp)


def _run_extract_on_cluster(
    args: argparse.Namespace, report: _Report, published: dt.date | None,
    output: Path | None, fmt: str,
) -> int:
    """``extract --scheduler``: the workers of a Dask cluster extract; with ``--format parquet``
    and an ``-o`` folder, they also write the events, one part file per partition."""
    if args.workers != "auto" and args.workers > 1:
        return _usage("--scheduler: the cluster's workers do the work; leave out --workers")
    folder = fmt == "parquet" and output is not None and (
        args.output.endswith(("/", os.sep)) or output.is_dir()
        or not (output.suffix or output.exists()))
    if folder and args.db:
        return _usage("--db: the workers write the -o folder themselves; give -o a file name")
    if folder:
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            return _usage(f"-o {output}: cannot create the folder ({error.strerror or error})")
    try:
        client = connect(args.scheduler, args.spacy_model)
    except ClusterError as error:
        return _usage(str(error))
    with client:
        if folder:
            return _write_parts(client, output, args, report, published)
        return _write_extracted(args, report, published, output, fmt, None, client)


def _write_parts(
    client, folder: Path, args: argparse.Namespace, report: _Report,
    published: dt.date | None,
) -> int:
    """Extract on the cluster, each worker writing its partitions into ``folder``."""
    progress = _Progress(quiet=args.quiet)
    documents = read_documents(args.inputs, published=published, error=report.error,
                               warn=report.warn)
    try:
        for document, count, problem in write_parts(
            client, documents, folder, args.spacy_model, args.mode
        ):
            if problem:
                report.error(f"{document.source or document.doc_id}: {problem}")
            else:
                progress.step(count)
    except ClusterError as error:
        report.error(str(error))
        return 1
    finally:
        progress.done(0)
    if not args.quiet:
        parts = len(list(folder.glob("part-*.parquet")))
        print(f"timeline: wrote {parts:,} part files to {folder}", file=sys.stderr)
    return 0


def _write_extracted(
    args: argparse.Namespace, report: _Report, published: dt.date | None,
    output: Path | None, fmt: str, nlp, client=None,
) -> int:
    """Extract the events of ``args.inputs`` and write them to ``output`` as they come."""
    if output is not None and output.exists() and not output.is_file():
        return _usage(f"-o {output}: not a regular file (a folder or a device); give a file name")
    try:
        writer = open_writer(output, fmt) if args.output is not None or not args.db else None
    except ExportError as error:
        return _usage(str(error))
    try:
        store = open_store(args.db) if args.db else None
    except StoreError as error:
        if writer is not None:
            writer.abort()
        return _usage(f"--db {error}")
    progress = _Progress(quiet=args.quiet)
    outputs = _Outputs(writer, store, extraction_settings(args.mode, args.spacy_model), progress)
    documents = read_documents(args.inputs, published=published, error=report.error,
                               warn=report.warn)
    try:
        for document, start, events, problem, last in _extracted(
                outputs.fresh(documents), nlp, args, client):
            if problem is None:
                outputs.part(document, start, events, last)
            else:
                report.error(_failure(document, start, problem, outputs.failed()))
        outputs.close()
    except (ExportError, ClusterError, StoreError) as error:
        outputs.abort()
        report.error(str(error))
        return 1
    except BaseException:
        outputs.abort()
        raise
    finally:
        progress.done(writer.skipped if writer is not None and fmt == "timelinejs" else 0)
    return 0


def _failure(document: Document, start: int, problem: str, written: int) -> str:
    """The error line of a document whose extraction failed in its part from ``start``."""
    where = document.source or document.doc_id
    if not written:
        return f"{where}: {problem}"
    return (f"{where}: from character {start:,} on: {problem}; "
            f"the {written:,} events before it were written")


class _Outputs:
    """Where extract's events go, in input order: the ``-o`` writer, the ``--db`` store, or both.

    The events of a document come part by part (see ``timeline.events.document_parts``) and
    go to the ``-o`` writer and the store as they come, so that a long document costs the
    memory of one part. The store keeps a long document only once its last part is in (one
    savepoint); with ``-o`` as well, its events are then read back from the store for the
    writer, so that the output has none of a document the store does not keep. Documents the
    store holds unchanged (same text, same settings) are not extracted again: ``fresh`` leaves
    them out of the documents to extract, and their stored events take their place in the
    output.
    """

    def __init__(self, writer, store, settings: str, progress: _Progress) -> None:
        self.writer = writer
        self.store = store
        self.settings = settings
        self.progress = progress
        # Documents out for extraction (each until its last part is in), and unchanged ones
        # that come after one of them: (doc_id, unchanged, source).
        self._waiting: deque[tuple[str, bool, str | None]] = deque()
        self._started = False  # whether a document's first part has come and not its last
        self._count = 0  # the events of that document so far

    def fresh(self, documents: Iterator[Document]) -> Iterator[Document]:
        """The documents to extract; unchanged ones are written as soon as their turn comes."""
        for document in documents:
            if self.store is None or not self.store.is_current(document, self.settings):
                self._waiting.append((document.doc_id, False, None))
                yield document
            elif self._waiting:
                self._waiting.append((document.doc_id, True, document.source))
            else:
                self._unchanged(document.doc_id, document.source)

    def part(self, document: Document, start: int, events: list, last: bool) -> None:
        """Write the events of the part of ``document`` that begins at character ``start``
        (after the unchanged documents before it); the store keeps the document once ``last``."""
        first = not self._started
        if first:
            self._catch_up(document.doc_id)
            self._started = True
        events = in_document(events, start, self._count)
        self._count += len(events)
        if self.store is None:
            self.writer.write(events)
        elif first and last:  # a document in one part
            self.store.put(document, events, self.settings)
            if self.writer is not None:
                self.writer.write(events)
        else:  # a long document, in a savepoint until its last part is in
            if first:
                self.store.begin(document, self.settings)
            self.store.add(events)
            if last:
                self.store.end()
                if self.writer is not None:
                    self.writer.write(self.store.events(document.doc_id))
        if last:
            self._waiting.popleft()  # this document
            self.progress.step(self._count)
            self._started, self._count = False, 0

    def failed(self) -> int:
        """Give up the document in progress (a part failed); how many of its events were
        written (none with a store: it is not stored)."""
        written = 0 if self.store is not None else self._count
        if self.store is not None:
            self.store.cancel()
        self._started, self._count = False, 0
        return written

    def close(self) -> None:
        self._catch_up(None)
        if self.writer is not None:
            self.writer.close()
        if self.store is not None:
            self.store.close()

    def abort(self) -> None:
        """Give up the ``-o`` file; the store keeps the documents written in full."""
        if self.writer is not None:
            self.writer.abort()
        if self.store is not None:
            # When even that fails, the store stays as last committed; the run fails anyway.
            with contextlib.suppress(StoreError):
                self.store.close()

    def _catch_up(self, doc_id: str | None) -> None:
        """Write the unchanged documents waiting before ``doc_id`` (the others failed)."""
        while self._waiting:
            if self._waiting[0][0] == doc_id:
                return
            waiting, unchanged, source = self._waiting.popleft()
            if unchanged:
                self._unchanged(waiting, source)

    def _unchanged(self, doc_id: str, source: str | None) -> None:
        self.store.update_source(doc_id, source)
        events = list(self.store.events(doc_id))
        if self.writer is not None:
            self.writer.write(events)
        self.progress.step(len(events), unchanged=True)


def _extracted(documents, nlp, args: argparse.Namespace, client=None):
    """(document, start, events, problem, last) for each part of each document, in input
    order, extracted in this process, in ``args.workers`` or on the Dask cluster of
    ``client``: the events of the part that begins at character ``start`` (offsets and
    numbers those of the part alone), or a one-line ``problem`` when it failed, after which
    the rest of that document is left out.
    """
    if client is not None:  # the cluster extracts part by part (timeline.cluster.extract_parts)
        yield from extract_parts(client, documents, args.spacy_model, args.mode)
        return
    parts = _Parts(documents, nlp)
    if args.workers > 1:
        from timeline.parallel import extract_in_processes

        results = extract_in_processes(parts, args.workers, args.spacy_model, args.mode)
    else:
        results = ((part, *_extract_one(part, nlp, args.mode, verbose=args.verbose))
                   for part in parts)
    yield from parts.placed(results)


class _Parts(DocumentParts):
    """The parts of the documents to extract, each a document of its own, and which document
    each belongs to, so that the results, which come back in the same order, can be placed."""

    def __init__(self, documents: Iterator[Document], nlp) -> None:
        super().__init__(documents, nlp)
        self.sent: deque[tuple[Document, int, bool]] = deque()  # (document, start, last)

    def __iter__(self) -> Iterator[Document]:
        for document, start, part, last in super().__iter__():
            self.sent.append((document, start, last))
            yield part

    def placed(self, results) -> Iterator[tuple[Document, int, list, str | None, bool]]:
        """(document, start, events, problem, last) for each ``(part, events, problem)``."""
        for _, events, problem in results:
            document, start, last = self.sent.popleft()
            if self.wanted(document, problem):
                yield document, start, events, problem, last


def _extract_one(document: Document, nlp, mode: str, *, verbose: bool) -> tuple[list, str | None]:
    """(events, None), or no events and a one-line problem (``verbose``: the traceback of a
    bug goes to stderr now)."""
    try:
        with time_limit(limit_for(document.text)):
            return extract_document(document, nlp=nlp, mode=mode), None
    except TooSlow as error:
        return [], str(error)
    except Exception as error:  # a bug on one article must not lose the others
        if verbose:
            traceback.print_exc(file=sys.stderr)
        return [], (f"could not extract events (internal error: {type(error).__name__}: "
                    f"{error}); please report it")


class _Progress:
    """A running count on stderr while a long run goes on, and a summary line at the end."""

    def __init__(self, *, quiet: bool) -> None:
        self.quiet = quiet
        self.show = not quiet and sys.stderr.isatty()
        self.started = time.perf_counter()
        self.last = self.started
        self.documents = 0
        self.unchanged = 0  # documents a store already held as they are
        self.events = 0

    def step(self, events: int, *, unchanged: bool = False) -> None:
        self.unchanged += unchanged
        self.update(self.documents + 1, self.events + events)

    def update(self, documents: int, events: int) -> None:
        """The running totals so far."""
        self.documents, self.events = documents, events
        now = time.perf_counter()
        if self.show and now - self.last > 0.5:
            self.last = now
            print(f"\r{self._counts()} ...", end="", file=sys.stderr, flush=True)

    def done(self, skipped: int) -> None:
        if self.quiet:
            return
        if self.show:
            print("\r\033[K", end="", file=sys.stderr)
        note = f" ({skipped} without a day left out of the TimelineJS file)" if skipped else ""
        print(f"timeline: {self._counts()}{note}", file=sys.stderr)

    def _counts(self) -> str:
        seconds = time.perf_counter() - self.started
        documents = "document" if self.documents == 1 else "documents"
        events = "event" if self.events == 1 else "events"
        unchanged = f" ({self.unchanged:,} unchanged)" if self.unchanged else ""
        return (f"{self.documents:,} {documents}{unchanged}, {self.events:,} {events}, "
                f"{seconds:.1f} s")


def _load_for_view(args: argparse.Namespace, report: _Report):
    """Events (and article texts) of ``args.inputs`` for serve and plot; None on a usage error."""
    from dashboard.corpus import load_inputs

    published = _published_option(args.published)
    if published is False:
        return None, None
    try:
        nlp = load_pipeline(args.spacy_model)
    except (OSError, ImportError) as error:
        _usage(f"--spacy-model {args.spacy_model}: cannot load it ({_one_line(str(error))})")
        return None, None
    progress = _Progress(quiet=args.quiet)
    loaded = load_inputs(args.inputs, published=published, mode=args.mode, nlp=nlp,
                         error=report.error, warn=report.warn, progress=progress.update)
    if args.inputs:
        progress.done(0)
    return loaded, nlp


def _run_serve(args: argparse.Namespace, report: _Report) -> int:
    from werkzeug.serving import make_server

    from dashboard import create_app

    if args.db is not None:
        app = _store_app(args, report)
        if app is None:
            return 2
        served = app.corpus.total(None)
    else:
        loaded, nlp = _load_for_view(args, report)
        if loaded is None:
            return 2
        app = create_app(loaded.events, loaded.texts, title=args.title, mode=args.mode,
                         upload_limit=args.upload_limit, nlp=nlp)
        served = len(loaded.events)
    try:
        server = make_server(args.host, args.port, app.server, threaded=True)
    except (OSError, SystemExit) as error:
        return _usage(f"--port {args.port}: cannot listen on {args.host}:{args.port} "
                      f"({_one_line(str(error)) or 'in use'}); choose another port")
    host = f"[{args.host}]" if ":" in args.host else args.host
    print(f"timeline: serving {served:,} events on http://{host}:{args.port}/ "
          "(Ctrl+C to stop)", file=sys.stderr, flush=True)

    def stop(signum, frame):  # SIGTERM (a service manager, kill) stops it like Ctrl+C
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, stop)
    try:
        server.serve_forever()  # werkzeug's returns on Ctrl+C
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    print("timeline: stopped", file=sys.stderr)
    return 0


def _store_app(args: argparse.Namespace, report: _Report):
    """``serve --db``: the app over the store, its INPUTs extracted into it first (those it
    holds unchanged are not extracted again); None, reported, on a usage error."""
    from dashboard import create_app
    from dashboard.corpus import is_event_file
    from dashboard.store import fill_store

    db = Path(args.db)
    if not args.inputs and not db.exists():
        _usage(f"--db {db}: no such file; write one with: timeline extract INPUT... --db {db} "
               "(or give serve the articles to put in it)")
        return None
    event_files = [path for path in args.inputs if is_event_file(path)]
    if event_files:
        _usage(f"--db: {event_files[0]} holds events, not articles; a store is written from "
               "articles (their text is what the page shows): serve it without --db")
        return None
    published = _published_option(args.published)
    if published is False:
        return None
    try:
        nlp = load_pipeline(args.spacy_model)
    except (OSError, ImportError) as error:
        _usage(f"--spacy-model {args.spacy_model}: cannot load it ({_one_line(str(error))})")
        return None
    try:
        if args.inputs:
            progress = _Progress(quiet=args.quiet)
            fill_store(db, args.inputs, published=published, mode=args.mode, nlp=nlp,
                       model=args.spacy_model, error=report.error, warn=report.warn,
                       progress=lambda events, unchanged: progress.step(events,
                                                                        unchanged=unchanged))
            progress.done(0)
        return create_app(db=db, title=args.title, mode=args.mode,
                          upload_limit=args.upload_limit, nlp=nlp, model=args.spacy_model)
    except StoreError as error:
        _usage(f"--db {error}")
        return None


def _run_plot(args: argparse.Namespace, report: _Report) -> int:
    from dashboard.data import events_frame
    from dashboard.figure import build_figure, figure_html

    output: Path = args.output
    if output.exists() and not output.is_file():
        return _usage(f"-o {output}: not a regular file (a folder or a device); give a file name")
    if not output.parent.is_dir():
        return _usage(f"-o {output}: the folder {output.parent} does not exist")
    loaded, _ = _load_for_view(args, report)
    if loaded is None:
        return 2
    figure = build_figure(events_frame(loaded.events), lanes=args.lanes,
                          empty_message="No dated events")
    part = output.with_name(output.name + ".part")
    try:
        part.write_text(figure_html(figure, args.title), encoding="utf-8")
        os.replace(part, output)
    except OSError as error:
        part.unlink(missing_ok=True)
        report.error(f"{output}: cannot write it ({error.strerror or error})")
        return 1
    if not args.quiet:
        print(f"timeline: wrote {output} ({len(loaded.events):,} events)", file=sys.stderr)
    return 0


def _published_option(text: str | None) -> dt.date | None | bool:
    """The ``--published`` date, ``None`` when not given, ``False`` (reported) when unreadable."""
    if text is None:
        return None
    published = _read_date(text)
    if published is None:
        _usage(f"--published: cannot read {text!r} as a date (use YYYY-MM-DD)")
        return False
    return published


def _gold_documents(gold_files: list[Path], report: _Report) -> Iterator[TimeMLDocument]:
    """The readable gold files, each problem reported."""
    for gold_file in gold_files:
        try:
            yield read_timeml(gold_file)
        except TimeMLError as error:
            report.error(str(error))


def _usage(message: str) -> int:
    print(f"timeline: error: {_one_line(message)}", file=sys.stderr)
    return 2


def _run_tag(args: argparse.Namespace, report: _Report) -> int:
    published = _published_option(args.published)
    if published is False:
        return 2
    rows = []
    if args.format == "tsv":
        print("\t".join(TAG_COLUMNS))
    for name in args.files:
        text = _read_text(name, report)
        if text is None:
            continue
        dct = published or find_published(text)
        if dct is None:
            report.warn(
                f"{name}: no publication date found in the header; relative dates stay "
                "unresolved (give --published YYYY-MM-DD)"
            )
        for timex in temporal.tag(text, dct, mode=args.mode):
            row = _tag_row(name, timex)
            if args.format == "tsv":
                print("\t".join("" if v is None else " ".join(str(v).split()) for v in row))
            else:
                rows.append(dict(zip(TAG_COLUMNS, row, strict=True)))
    if args.format == "json":
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    return 0


def _run_annotate(args: argparse.Namespace, report: _Report) -> int:
    out_dir: Path = args.output
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        report.error(f"{out_dir}: cannot create the output folder: {error.strerror or error}")
        return 1
    for name in args.inputs:
        path = Path(name)
        if not path.exists():
            report.error(f"{path}: no such file or directory")
            continue
        root = path if path.is_dir() else path.parent
        files = find_timeml_files(path)
        if _inside(out_dir, path):  # earlier output below an input folder is not input
            files = [f for f in files if not _inside(f, out_dir)]
        if not files:
            report.warn(f"{path}: no TimeML files (.tml, .xml, .TE3input) in this folder")
        for file in files:
            _annotate_file(file, out_dir / file.relative_to(root), args.mode, report)
    return 0


def _annotate_file(source: Path, target: Path, mode: str, report: _Report) -> None:
    try:
        doc = read_timeml(source)
    except TimeMLError as error:
        report.error(str(error))
        return
    if target.resolve() == source.resolve():
        report.error(f"{source}: the output would overwrite the input; choose another -o folder")
        return
    annotated = write_timeml(doc, temporal.tag(doc.text, doc.dct, mode=mode))
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding=doc.encoding, errors="xmlcharrefreplace", newline="") as f:
            f.write(annotated)
    except OSError as error:
        report.error(f"{target}: cannot write: {error.strerror or error}")


def _run_eval(args: argparse.Namespace, report: _Report) -> int:
    gold_path: Path = args.gold
    system_dir: Path | None = args.system
    if not gold_path.exists():
        report.error(f"{gold_path}: no such file or directory")
        return 1
    if system_dir is not None and not system_dir.is_dir():
        report.error(f"{system_dir}: not a folder")
        return 1
    gold_files = find_timeml_files(gold_path)
    if args.events:
        return _eval_events(gold_files, args, report)
    if system_dir is not None and _inside(system_dir, gold_path):
        gold_files = [f for f in gold_files if not _inside(f, system_dir)]
    if not gold_files:
        report.warn(f"{gold_path}: no TimeML files (.tml, .xml, .TE3input) in this folder")
    pairs: dict[Path, Path | None] = {}
    if system_dir is not None:
        gold_root = gold_path if gold_path.is_dir() else gold_path.parent
        pairs = pair_files(gold_files, gold_root, find_timeml_files(system_dir), system_dir)
    parts = []
    for gold in _gold_documents(gold_files, report):
        gold_file = gold.path
        if system_dir is None:
            system = temporal.tag(gold.text, gold.dct, mode=args.mode)
        else:
            system = _system_timexes(gold_file, gold.text, pairs.get(gold_file), system_dir, report)
        parts.append(score_document(gold.doc_id, gold.text, gold.timexes, system))
    scores = combine(parts)
    if args.json:
        print(json.dumps(scores.to_dict(errors=args.errors), ensure_ascii=False, indent=2))
    else:
        print(format_table(scores))
        if args.errors:
            print()
            print(format_errors(scores))
    return 0


def _eval_events(gold_files: list[Path], args: argparse.Namespace, report: _Report) -> int:
    """Extract events from the gold texts and score their days against the gold TLINKs."""
    if args.system is not None:
        return _usage("eval --events extracts the events itself; give no SYSTEM_DIR")
    total = AnchoringScore()
    for gold in _gold_documents(gold_files, report):
        published = dt.date.fromisoformat(gold.dct) if gold.dct else None
        events = extract_document(
            Document(gold.doc_id, gold.text, published, source=str(gold.path)), mode=args.mode
        )
        total.add(score_anchoring(gold.doc_id, gold_anchors(gold), events))
    figures = {"gold_anchors": total.gold, "found": total.found, "judged": total.judged,
               "right": total.right, "recall": round(total.recall, 4),
               "precision": round(total.precision, 4)}
    if args.json:
        if args.errors:
            figures["errors"] = total.errors
        print(json.dumps(figures, indent=2))
    else:
        print(f"gold anchors (event, day)  {total.gold}")
        print(f"recall     {total.recall:.3f}  ({total.found} found with their day)")
        print(f"precision  {total.precision:.3f}  ({total.right} right of {total.judged} "
              "events on gold events)")
        if args.errors:
            print()
            print("\n".join(total.errors))
    return 0


def _system_timexes(
    gold_file: Path, gold_text: str, system_file: Path | None, system_dir: Path, report: _Report
) -> list[Timex]:
    """Return the system's expressions for a gold file; none (all missed) when it has none."""
    if system_file is None:
        report.warn(f"{gold_file}: no system file in {system_dir}; counted as all missed")
        return []
    try:
        system = read_timeml(system_file)
    except TimeMLError as error:
        report.error(f"{error} (counted as all missed)")
        return []
    if system.text != gold_text:
        report.warn(f"{system_file}: text differs from the gold text; offsets may not line up")
    return system.timexes


def _read_text(name: str, report: _Report) -> str | None:
    try:
        if name == "-":
            return sys.stdin.read()
        return Path(name).read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        report.error(f"{name}: not UTF-8 text")
    except OSError as error:
        report.error(f"{name}: cannot read: {error.strerror or error}")
    return None


def _read_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return parse_date(text)


def _tag_row(name: str, timex: Timex) -> tuple:
    return (
        name,
        timex.start,
        timex.end,
        timex.text,
        timex.type,
        timex.value,
        timex.mod,
        timex.first_day,
        timex.last_day,
    )


def _inside(path: Path, folder: Path) -> bool:
    return folder.resolve() in path.resolve().parents


def _one_line(message: str) -> str:
    return " ".join(message.split())
