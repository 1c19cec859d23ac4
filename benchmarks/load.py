"""The dashboard under load: pages adding articles at once to a real ``timeline serve``.

    cd /work/main && python benchmarks/load.py                   # 20 pages x 5 rounds, in memory
    python benchmarks/load.py --sessions 20 --rounds 5 --db      # over a store (serve --db)
    python benchmarks/load.py --waves 3 --kb 200                 # 3 waves, articles of 200 kB
    python benchmarks/load.py --events 100000 --rounds 1         # 100k events served

The server is ``python -m timeline serve examples/article.txt`` (with ``--db``: ``serve --db
STORE examples/article.txt``, the store in a temporary folder) in a process of its own on a
free port of 127.0.0.1. ``--events N`` serves N events instead: the example article's, copied
under new document ids (in a Parquet file, or with ``--db`` in the store, whole copies). The
pages are those of ``tests/test_dashboard_load.py``: threads speaking HTTP as the browser's
pages do. In each wave ``--sessions`` pages load at once (each gets its own session), then
each adds ``--rounds`` articles, uploads and pastes in turn, each with a marker word and two
dated events (``--kb`` pads each to about that size with text without dates); after each, the
page asks what the browser would (counts, dropdown options, figure, the table's first rows),
reads the table's rows of added articles (``check``) and clicks its new event (``select``,
``source``).

Printed: the machine and its load average; the requests, the errors (answers other than 200
or 204, and failed connections), what the pages found wrong; the latency of each kind of
request (median, 95th percentile, max) and the throughput; the server's resident memory
(``VmRSS``) before and after each wave and its peak (``VmHWM``), from ``/proc``; and whether
each page sees what it should: in memory its own articles and no other page's, with a store
every page's. Exit status 1 when anything was wrong. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from test_dashboard_load import (  # noqa: E402
    EXAMPLE,
    MB,
    Page,
    Wave,
    article,
    callback_outputs,
    marker,
    run_wave,
    seen_markers,
    serving,
)

from timeline.events import extract  # noqa: E402
from timeline.export import write_events  # noqa: E402
from timeline.published import find_published  # noqa: E402
from timeline.records import Document  # noqa: E402
from timeline.store import extraction_settings, open_store  # noqa: E402

FILLER = "The delegates talked about trade, roads and schools for a long time. "
KINDS = ("layout", "add", "counts", "options", "figure", "rows", "check", "select", "source")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="pages at once; default: 20")
    parser.add_argument("--rounds", type=int, default=5,
                        help="articles each page adds; default: 5")
    parser.add_argument("--waves", type=int, default=1,
                        help="the same load again with new pages; default: 1")
    parser.add_argument("--db", action=argparse.BooleanOptionalAction, default=False,
                        help="serve a store (serve --db) instead of memory; default: --no-db")
    parser.add_argument("--events", type=int, default=0,
                        help="serve this many events (copies of the example article's); "
                        "default: the example article")
    parser.add_argument("--kb", type=float, default=0,
                        help="pad each article to about this many kB; default: no padding")
    args = parser.parse_args(argv)

    filler = FILLER * int(args.kb * 1000 / len(FILLER))
    with tempfile.TemporaryDirectory(prefix="timeline-load-") as folder:
        command = served(Path(folder), args.events, args.db)
        print(f"timeline serve {' '.join(command)}: {args.sessions} pages x {args.rounds} "
              f"articles x {args.waves} wave(s), articles of "
              f"{len(article(marker(1, 0, 0), filler)) / 1000:.1f} kB")
        print(machine())
        with serving(command, Path(folder) / "serve.log") as server:
            before = server.memory()
            waves, after = [], []
            for n in range(1, args.waves + 1):
                waves.append(run_wave(server, wave=n, sessions=args.sessions,
                                      rounds=args.rounds, shared=args.db, filler=filler))
                after.append(server.memory())
            peak = server.memory("VmHWM")
            pages = [page for wave in waves for page in wave.pages]
            seen = [seen_markers(page) for page in pages]
            fresh = Page(server, callback_outputs(server))
            fresh.open()
            seen_by_a_new_page = seen_markers(fresh)
            failures = server.failures()
        print(f"load average after: {load_average()}")

    problems = [p for wave in waves for p in wave.problems] + fresh.problems
    report(waves, problems, failures)
    waves_after = ", ".join(f"{m / MB:.1f}" for m in after)
    print(f"server RSS: before {before / MB:.1f} MB, after {waves_after} MB (each wave), "
          f"peak {peak / MB:.1f} MB")
    everything = {marker(n + 1, s, r) for n in range(args.waves)
                  for s in range(args.sessions) for r in range(args.rounds)}
    if args.db:
        sharing = sum(markers == everything for markers in seen)
        print(f"shared store: {sharing} of {len(pages)} pages see all {len(everything)} articles "
              f"added; a new page sees {len(seen_by_a_new_page)}")
        right = sharing == len(pages) and seen_by_a_new_page == everything
    else:
        own = sum(set(page.added) <= markers for page, markers in zip(pages, seen, strict=True))
        foreign = sum(bool(markers - set(page.added))
                      for page, markers in zip(pages, seen, strict=True))
        print(f"sessions apart: {own} of {len(pages)} pages see all their own articles, "
              f"{foreign} see another page's (at the end; after each round: see the problems); "
              f"a new page sees {len(seen_by_a_new_page)} added articles")
        right = own == len(pages) and foreign == 0 and not seen_by_a_new_page
    return 0 if right and not problems and not failures else 1


def served(folder: Path, events: int, db: bool) -> list[str]:
    """The arguments of ``serve``: the example article, or ``events`` events copied from it
    (a Parquet file; with ``db`` a store, of whole copies)."""
    store = folder / "store.sqlite"
    if not events:
        return [*(["--db", str(store)] if db else []), str(EXAMPLE.relative_to(ROOT))]
    text = EXAMPLE.read_text(encoding="utf-8")
    original = extract(text, doc_id="article")
    copies = [[replace(e, doc_id=f"copy{n}", event_id=f"copy{n}-{i}", title=f"Copy {n}")
               for i, e in enumerate(original)]
              for n in range(math.ceil(events / len(original)))]
    if not db:
        write_events([e for copy in copies for e in copy][:events], folder / "events.parquet",
                     "parquet")
        return [str(folder / "events.parquet")]
    published = find_published(text)
    with open_store(store) as writing:
        for n, copy in enumerate(copies):
            writing.put(Document(f"copy{n}", text, published, title=f"Copy {n}"), copy,
                        extraction_settings("auto", None))
    return ["--db", str(store)]


def report(waves: list[Wave], problems: list[str], failures: list[str]) -> None:
    timings = [t for wave in waves for t in wave.timings]
    errors = [t for t in timings if t.status not in (200, 204)]
    seconds = sum(wave.seconds for wave in waves)
    print(f"requests: {len(timings)} in {seconds:.1f} s ({len(timings) / seconds:.0f}/s), "
          f"errors: {len(errors)}, pages' problems: {len(problems)}, "
          f"server log failures: {len(failures)}")
    for line in (problems + failures)[:10]:
        print(f"  {line}")
    added = sum(len(page.added) for wave in waves for page in wave.pages)
    print(f"articles added: {added} ({added / seconds:.1f}/s)")
    print(f"{'kind':8} {'n':>6} {'median':>9} {'p95':>9} {'max':>9}  (ms)")
    for kind in (*KINDS, "all"):
        chosen = [t.seconds for t in timings if kind in ("all", t.kind)]
        if chosen:
            print(f"{kind:8} {len(chosen):6d} {_ms(percentile(chosen, 50))} "
                  f"{_ms(percentile(chosen, 95))} {_ms(max(chosen))}")


def percentile(values: list[float], q: float) -> float:
    """The nearest-rank ``q``-th percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(len(ordered) * q / 100) - 1)]


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:9.1f}"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def machine() -> str:
    return (f"machine: {os.cpu_count()} CPUs, {platform.system()} {platform.release()}, "
            f"Python {platform.python_version()}; load average before: {load_average()}")


if __name__ == "__main__":
    sys.exit(main())
