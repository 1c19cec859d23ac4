"""Fuzz ``tag`` and ``extract`` with generated hostile documents and check their invariants.

    cd /work/main && python benchmarks/fuzz.py          # 10,000 documents, seed 0
    python benchmarks/fuzz.py --count 2000 --long       # documents of about 200 KB
    python benchmarks/fuzz.py --count 500 --seed 7 --jobs 2
    python benchmarks/fuzz.py --seed 0 --show 1234      # print document 1234 of seed 0

The documents come from ``tests/fuzzing.py`` (``random_document``; document N of seed S is
drawn from ``random.Random("S:N")``, so it can be made again alone): temporal phrases, news
words, date-like noise ("31/31/2023", "Feb 30", "year 99999"), odd Unicode and arbitrary code
points, joined by random separators, 3% with a 10,000-character token. Each gets a publication
date (None, a day at the calendar's edges or any day from 0001-01-01 to 9999-12-31, as a date or
an ISO string) and a mode (auto, news, narrative), and goes through ``timeline.temporal.tag``
and ``timeline.events.extract`` (blank pipeline), checked by ``fuzzing.check``: no exception,
offsets and texts, expressions inside a sentence, values in TIMEX3 syntax, calendar days in
order, events' sentences holding their expressions and triggers, unique event ids, and the
same output from a second call (not with ``--long``, where each is called once).

It prints the counts; the violations and exceptions by kind, each with the bugs of
``fuzzing.known_bug`` that explain them ("new" for the others) and its shortest examples (the
first shrunk by deleting pieces while the violation remains); the time; and every document that
took longer than ``--stall`` seconds (2; 20 with ``--long``). A document is stopped after
``--timeout`` seconds (10; 60 with ``--long``), which counts as a violation. Exit status 1 if
there was any violation or exception.
"""

from __future__ import annotations

import argparse
import collections
import datetime as dt
import multiprocessing
import os
import platform
import random
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fuzzing import (  # noqa: E402
    MODES,
    Violation,
    check,
    known_bug,
    random_document,
    random_published,
)

LONG_SIZE = 200_000
EXAMPLES = 3
SHRINK_CHECKS, SHRINK_SECONDS = 300, 30


class Timeout(BaseException):
    """A document ran past ``--timeout`` (a BaseException, so no ``except Exception`` eats it)."""


def _alarm(signum, frame) -> None:
    raise Timeout


def document(seed: int, number: int, long: bool) -> tuple[str, dt.date | str | None, str]:
    """Document ``number`` of ``seed``: its text, publication date and mode."""
    rng = random.Random(f"{seed}:{number}")
    text = random_document(rng, size=LONG_SIZE if long else None)
    return text, random_published(rng), rng.choice(MODES)


def run_one(text: str, published, mode: str, timeout: float, twice: bool = True):
    """``check`` on one document, stopped after ``timeout`` seconds: (timexes, events,
    violations, seconds)."""
    signal.setitimer(signal.ITIMER_REAL, timeout)
    start = time.perf_counter()
    try:
        timexes, events, found = check(text, published, mode, twice=twice)
    except Timeout:
        timexes, events = [], []
        found = [Violation("stall: stopped after --timeout", f"{timeout:g} s")]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    return timexes, events, found, time.perf_counter() - start


@dataclass
class Result:
    number: int
    chars: int
    timexes: int
    events: int
    violations: list[Violation]
    causes: list[str]  # the known bug of each violation, or "new"
    seconds: float


def fuzz_one(job: tuple[int, int, bool, float]) -> Result:
    """Make document ``number`` of ``seed`` and check it (in a worker process with --jobs)."""
    seed, number, long, timeout = job
    text, published, mode = document(seed, number, long)
    timexes, events, found, seconds = run_one(text, published, mode, timeout, twice=not long)
    causes = [(known_bug(v) or "new").split(":")[0] for v in found]
    return Result(number, len(text), len(timexes), len(events), found, causes, seconds)


def _start_worker() -> None:
    signal.signal(signal.SIGALRM, _alarm)


def shrink(text: str, published, mode: str, kind: str, detail: str,
           timeout: float) -> tuple[str, str]:
    """A shorter text that still breaks ``kind``, and the violation's detail: pieces deleted,
    halves first, while it does (at most ``SHRINK_CHECKS`` tries or ``SHRINK_SECONDS``)."""
    checks, until = 0, time.perf_counter() + SHRINK_SECONDS
    chunk = max(1, len(text) // 2)
    while chunk >= 1 and checks < SHRINK_CHECKS and time.perf_counter() < until:
        i = 0
        while i < len(text) and checks < SHRINK_CHECKS and time.perf_counter() < until:
            candidate = text[:i] + text[i + chunk:]
            checks += 1
            same = [v for v in run_one(candidate, published, mode, timeout)[2] if v.kind == kind]
            if same:
                text, detail = candidate, same[0].detail
            else:
                i += chunk
        chunk //= 2
    return text, detail


def _shown(text: str) -> str:
    return repr(text) if len(text) <= 400 else f"{text[:400]!r}... ({len(text):,} characters)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=10_000, help="documents (default 10,000)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--long", action="store_true",
                        help=f"documents of about {LONG_SIZE // 1000} KB instead of 1-40 pieces, "
                        "each tagged and extracted once")
    parser.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    parser.add_argument("--stall", type=float, metavar="SECONDS",
                        help="report documents slower than this (default 2; 20 with --long)")
    parser.add_argument("--timeout", type=float, metavar="SECONDS",
                        help="stop a document after this long, as a violation (default 10; "
                        "60 with --long)")
    parser.add_argument("--show", type=int, metavar="N",
                        help="print document N of --seed (and --long) and stop")
    args = parser.parse_args(argv)
    if args.stall is None:
        args.stall = 20.0 if args.long else 2.0
    if args.timeout is None:
        args.timeout = 60.0 if args.long else 10.0
    signal.signal(signal.SIGALRM, _alarm)
    if args.show is not None:
        text, published, mode = document(args.seed, args.show, args.long)
        print(f"tag/extract({text!r}, {published!r}, mode={mode!r})")
        return 0

    print(f"Machine   {platform.platform()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} cpus, load {' '.join(f'{x:.2f}' for x in os.getloadavg())}, "
          f"{dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"Fuzzing   {args.count:,} documents, seed {args.seed}, {args.jobs} process(es)"
          + (f", about {LONG_SIZE:,} characters each" if args.long else "")
          + f"; stall over {args.stall:g} s, stopped at {args.timeout:g} s", flush=True)
    jobs = ((args.seed, n, args.long, args.timeout) for n in range(1, args.count + 1))
    chars = timexes = events = 0
    kinds: collections.Counter[str] = collections.Counter()
    causes: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    # The shortest documents with each kind of violation: (length, number, detail).
    examples: dict[str, list[tuple[int, int, str]]] = collections.defaultdict(list)
    slow: list[Result] = []
    slowest = Result(0, 0, 0, 0, [], [], 0.0)
    started = time.perf_counter()
    pool = (multiprocessing.Pool(args.jobs, initializer=_start_worker)
            if args.jobs > 1 else None)
    results = pool.imap(fuzz_one, jobs, chunksize=4) if pool else map(fuzz_one, jobs)
    for done, r in enumerate(results, 1):
        chars += r.chars
        timexes += r.timexes
        events += r.events
        slowest = max(slowest, r, key=lambda x: x.seconds)
        if r.seconds > args.stall:
            slow.append(r)
            print(f"  stall: document #{r.number} took {r.seconds:.2f} s ({r.chars:,} "
                  "characters)", flush=True)
        for v, cause in zip(r.violations, r.causes, strict=True):
            kinds[v.kind] += 1
            causes[v.kind][cause] += 1
            examples[v.kind] = sorted([*examples[v.kind], (r.chars, r.number, v.detail)])
            del examples[v.kind][EXAMPLES:]
        if done % 1000 == 0:
            print(f"  {done:,} documents, {time.perf_counter() - started:.0f} s", flush=True)
    seconds = time.perf_counter() - started
    if pool:
        pool.close()

    print(f"\nDocuments   {args.count:,}")
    print(f"Characters  {chars:,}")
    print(f"Timexes     {timexes:,}")
    print(f"Events      {events:,}")
    print(f"Seconds     {seconds:.1f} ({args.count / seconds:,.1f} docs/s, "
          f"{chars / seconds / 1000:,.0f} K characters/s; each document tagged and extracted "
          f"{'once' if args.long else 'twice'}, in {args.jobs} process(es))")
    print(f"Slowest     {slowest.seconds:.2f} s, document #{slowest.number} "
          f"({slowest.chars:,} characters)")
    print(f"Stalls      {len(slow)} documents over {args.stall:g} s")
    for r in sorted(slow, key=lambda x: -x.seconds)[:10]:
        text = document(args.seed, r.number, args.long)[0]
        print(f"  #{r.number}: {r.seconds:.2f} s, {r.chars:,} characters: {text[:100]!r}...")
    exceptions = {k: n for k, n in kinds.items() if k.startswith("exception")}
    others = {k: n for k, n in kinds.items() if not k.startswith("exception")}
    for title, group in (("Violations", others), ("Exceptions", exceptions)):
        print(f"{title:<12}{sum(group.values()):,}" + ("" if group else " (none)"))
        for kind, n in sorted(group.items(), key=lambda item: -item[1]):
            known = ", ".join(f"{bug} {count:,}" for bug, count in causes[kind].most_common())
            print(f"  {n:6,}  {kind}  ({known})")
            for i, (_, number, detail) in enumerate(examples[kind]):
                text, published, mode = document(args.seed, number, args.long)
                label = f"#{number}"
                if i == 0 and not kind.startswith("stall"):
                    text, detail = shrink(text, published, mode, kind, detail, args.timeout)
                    label += " shrunk"
                print(f"          {label}: tag/extract({_shown(text)}, {published!r}, "
                      f"mode={mode!r})")
                print(f"            {detail[:300]}")
    return 1 if kinds else 0


if __name__ == "__main__":
    sys.exit(main())
