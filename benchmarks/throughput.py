"""Measure how fast ``timeline extract`` reads news, against spaCy's tokenizer and dateparser.

    cd /work/main && python benchmarks/throughput.py --limit 400      # a quick run
    python benchmarks/throughput.py                                   # the whole corpus
    python benchmarks/throughput.py --repeat-corpus 10                # and memory at 10x

What it does:

1. The documents of ``--corpus`` (default ``../shared/corpora/te3-silver`` from the repository
   root: 2,452 TimeML news documents) are read once, here, with
   ``timeline.readers.read_documents`` and written to a temporary JSONL file (one
   ``{"id", "text", "published"}`` per line). Every contender reads that same file, so file
   parsing costs the same for all. Words are counted with the regex ``\\w+``.
2. Each contender is a whole process (Python start-up and imports included), timed with
   ``time.perf_counter`` around it:

   - ``tokenizer``: ``spacy.blank("en")`` and ``nlp.pipe(texts)``, the docs consumed;
   - ``extract``: ``python -m timeline extract TMP.jsonl -q --format jsonl -o OUT``, then the
     same with ``--workers 2`` (the two outputs must be byte-identical); the ``--repeat-corpus``
     runs too, with 1 and 2 workers;
   - ``dateparser``: ``dateparser.search.search_dates(text, languages=["en"])`` with
     ``RELATIVE_BASE`` at the document's publication date, on the same documents (or, with
     ``--dateparser-limit N``, the first N only, its words/s then extrapolated). Told the
     language, dateparser is at its fastest;
   - ``dateparser, defaults``: ``search_dates(text)`` as its documentation first shows it, with
     the same ``RELATIVE_BASE`` and no language, so it detects one per text. It is about 15
     times slower, so it gets the first ``--dateparser-default-limit`` documents (default 100),
     its words/s extrapolated.

   Peak RSS is the ``ru_maxrss`` of the process from ``os.wait4``, and CPU time its user +
   system time (both its own rusage, including the worker processes it waited for). The
   ratios are given on wall time and on CPU time, which moves less on a shared machine.
3. With ``--repeat-corpus K`` the JSONL is also written with the corpus repeated K times
   (distinct ids) and extract is run on it: its peak RSS should stay about the same as at 1x.
4. A profile of the extraction in this process under cProfile (``extract_documents`` with
   ``blank_pipeline()``) on the first ``--profile-limit`` documents: the top functions by
   cumulative and by total time.

Goals: extract at most 3x the tokenizer's time per word, and at least 10x dateparser's speed;
the ratio to dateparser is given against both calls.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import io
import json
import os
import platform
import pstats
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timeline.events import blank_pipeline, extract_documents  # noqa: E402
from timeline.readers import read_documents  # noqa: E402
from timeline.records import Document  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "te3-silver"
WORD = re.compile(r"\w+")
TOKENIZER_GOAL = 3.0
DATEPARSER_GOAL = 10.0

# The contenders run as ``python -c CODE JSONL [LIMIT]``; each reads the JSONL the same way.
_READ = """
import json, sys
def records(limit=None):
    with open(sys.argv[1], encoding="utf-8") as f:
        for n, line in enumerate(f):
            if limit is not None and n >= limit:
                return
            yield json.loads(line)
"""
TOKENIZER_CODE = _READ + """
import spacy
nlp = spacy.blank("en")
tokens = 0
for doc in nlp.pipe(r["text"] for r in records()):
    tokens += len(doc)
print(tokens)
"""
DATEPARSER_CODE = _READ + """
import datetime as dt
from dateparser.search import search_dates
found = 0
language = {"languages": ["en"]} if sys.argv[3] == "en" else {}
for r in records(int(sys.argv[2])):
    settings = {}
    if r["published"]:
        day = dt.date.fromisoformat(r["published"])
        settings["RELATIVE_BASE"] = dt.datetime(day.year, day.month, day.day)
    found += len(search_dates(r["text"], settings=settings, **language) or [])
print(found)
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float  # user + system, of the process and the children it waited for
    peak_rss_mb: float
    stdout: str


def run(command: list[str], workdir: Path) -> Run:
    """Run ``command`` to its end; its wall time, peak RSS and standard output."""
    out_path, err_path = workdir / "stdout.txt", workdir / "stderr.txt"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=ROOT, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
    process.returncode = code = os.waitstatus_to_exitcode(status)
    if code != 0:
        sys.exit(f"{' '.join(command[:4])} ... failed ({code}):\n{err_path.read_text()[-3000:]}")
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    scale = 1 / (1024 * 1024) if sys.platform == "darwin" else 1 / 1024
    cpu = usage.ru_utime + usage.ru_stime
    return Run(seconds, cpu, usage.ru_maxrss * scale, out_path.read_text())


def write_jsonl(path: Path, documents: list[Document], repeat: int = 1) -> None:
    with open(path, "w", encoding="utf-8") as f:
        for copy in range(repeat):
            for d in documents:
                record = {
                    "id": d.doc_id if copy == 0 else f"{d.doc_id}-r{copy}",
                    "text": d.text,
                    "published": d.published.isoformat() if d.published else None,
                }
                f.write(json.dumps(record, ensure_ascii=False) + "\n")


def words(documents: list[Document]) -> int:
    return sum(len(WORD.findall(d.text)) for d in documents)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def profile(documents: list[Document], top: int) -> None:
    """Extract ``documents`` in this process under cProfile; print the hot spots."""
    nlp = blank_pipeline()
    # Warm up first: loading the pipeline and the rules is start-up, not per-document work.
    for _ in extract_documents(documents[:1], nlp=nlp):
        pass
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    events = sum(len(found) for _, found in extract_documents(documents, nlp=nlp))
    profiler.disable()
    seconds = time.perf_counter() - start
    print(f"\nProfile: extract_documents(blank_pipeline()) on {len(documents)} documents, "
          f"{words(documents):,} words, {events:,} events, {seconds:.2f} s under cProfile")
    for order, title in (("cumulative", "cumulative time"), ("tottime", "total (own) time")):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats(order).print_stats(top)
        lines = stream.getvalue().splitlines()
        header = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"\nTop {top} by {title}:")
        for line in lines[header:]:
            if line.strip():
                print("  " + line.replace(str(ROOT) + os.sep, "").replace(sys.prefix, "<py>"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="TimeML folder (or any input of timeline extract)")
    parser.add_argument("--limit", type=int, default=None, metavar="N",
                        help="only the first N documents")
    parser.add_argument("--dateparser-limit", type=int, default=None, metavar="N",
                        help="give dateparser only the first N documents (its words/s are "
                        "then extrapolated); default: all, as the others")
    parser.add_argument("--dateparser-default-limit", type=int, default=100, metavar="N",
                        help="documents for dateparser called with its defaults (it detects "
                        "the language, about 15x slower); 0: not run; default: 100")
    parser.add_argument("--profile-limit", type=int, default=200, metavar="N",
                        help="documents profiled in process; 0 for no profile; default: 200")
    parser.add_argument("--repeat-corpus", type=int, default=1, metavar="K",
                        help="also run extract on the corpus repeated K times (peak RSS)")
    parser.add_argument("--top", type=int, default=15, help="functions in each profile list")
    args = parser.parse_args(argv)

    problems: list[str] = []
    documents = list(read_documents([str(args.corpus)], error=problems.append,
                                    warn=problems.append))
    if args.limit is not None:
        documents = documents[: args.limit]
    if not documents:
        sys.exit(f"no documents in {args.corpus}: {problems[:3]}")
    dateparser_docs = documents[: args.dateparser_limit or len(documents)]
    default_docs = documents[: args.dateparser_default_limit]
    n_words, dp_words = words(documents), words(dateparser_docs)
    default_words = words(default_docs)

    print("Machine")
    print(f"  date      {dt.datetime.now().isoformat(timespec='seconds')}")
    print(f"  platform  {platform.platform()} ({platform.machine()})")
    print(f"  python    {platform.python_version()} ({sys.executable})")
    print(f"  cpus      {os.cpu_count()}   load average {_load()}")
    print(f"Corpus      {args.corpus}: {len(documents):,} documents, {n_words:,} words "
          f"(\\w+), {sum(d.published is not None for d in documents):,} with a date; "
          f"{len(problems)} reader messages")

    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="timeline-throughput-") as tmp:
        workdir = Path(tmp)
        corpus = workdir / "corpus.jsonl"
        write_jsonl(corpus, documents)
        out1, out2 = workdir / "events-1.jsonl", workdir / "events-2.jsonl"
        extract = [python, "-m", "timeline", "extract", str(corpus), "-q", "--format", "jsonl",
                   "--workers", "1"]

        print("\nRunning (each a whole process, start-up included) ...", flush=True)
        tokenizer = run([python, "-c", TOKENIZER_CODE, str(corpus)], workdir)
        print(f"  tokenizer          {tokenizer.seconds:8.2f} s", flush=True)
        one = run([*extract, "-o", str(out1)], workdir)
        print(f"  extract            {one.seconds:8.2f} s", flush=True)
        two = run([*extract[:-1], "2", "-o", str(out2)], workdir)
        print(f"  extract --workers 2{two.seconds:8.2f} s", flush=True)
        dateparser = run([python, "-c", DATEPARSER_CODE, str(corpus), str(len(dateparser_docs)),
                          "en"], workdir)
        print(f"  dateparser         {dateparser.seconds:8.2f} s "
              f"({len(dateparser_docs)} documents)", flush=True)
        default = None
        if default_docs:
            default = run([python, "-c", DATEPARSER_CODE, str(corpus), str(len(default_docs)),
                           "detect"], workdir)
            print(f"  dateparser, defaults{default.seconds:7.2f} s "
                  f"({len(default_docs)} documents)", flush=True)
        identical = out1.read_bytes() == out2.read_bytes()
        with open(out1, encoding="utf-8") as f:
            n_events = sum(1 for _ in f)
        sums = (digest(out1), digest(out2))

        big = big_two = None
        if args.repeat_corpus > 1:
            repeated = workdir / "corpus-repeated.jsonl"
            write_jsonl(repeated, documents, args.repeat_corpus)
            big_extract = [python, "-m", "timeline", "extract", str(repeated), "-q",
                           "--format", "jsonl", "-o", str(workdir / "events-big.jsonl"),
                           "--workers"]
            big = run([*big_extract, "1"], workdir)
            print(f"  extract {args.repeat_corpus}x corpus  {big.seconds:8.2f} s", flush=True)
            big_two = run([*big_extract, "2"], workdir)
            print(f"  extract {args.repeat_corpus}x corpus, --workers 2  {big_two.seconds:8.2f} s",
                  flush=True)

    def row(name: str, n: int, r: Run, note: str = "") -> None:
        print(f"  {name:<22} {n:>11,} {r.seconds:>9.2f} {n / r.seconds:>11,.0f} "
              f"{r.cpu_seconds:>9.2f} {r.peak_rss_mb:>9.0f}  {note}")

    print(f"\n  {'contender':<22} {'words':>11} {'seconds':>9} {'words/s':>11} {'cpu s':>9} "
          f"{'peak MB':>9}")
    row("spaCy blank tokenizer", n_words, tokenizer, f"{tokenizer.stdout.strip()} tokens")
    row("timeline extract", n_words, one, f"{n_events:,} events")
    row("timeline extract -w 2", n_words, two, "identical output" if identical
        else f"OUTPUT DIFFERS {sums[0]} != {sums[1]}")
    row("dateparser search", dp_words, dateparser,
        (f"first {len(dateparser_docs)} documents only: words/s extrapolated; "
         if len(dateparser_docs) < len(documents) else "") + f"{dateparser.stdout.strip()} dates")
    if default is not None:
        row("dateparser, defaults", default_words, default,
            f"first {len(default_docs)} documents: words/s extrapolated; "
            f"{default.stdout.strip()} dates")
    if big is not None:
        row(f"extract {args.repeat_corpus}x corpus", n_words * args.repeat_corpus, big)
        row(f"extract {args.repeat_corpus}x -w 2", n_words * args.repeat_corpus, big_two)

    extract_rate, tokenizer_rate = n_words / one.seconds, n_words / tokenizer.seconds
    dateparser_rate = dp_words / dateparser.seconds
    slower = tokenizer_rate / extract_rate
    faster = extract_rate / dateparser_rate
    # CPU time too: on a shared machine it moves less with the other processes' load.
    slower_cpu = one.cpu_seconds / tokenizer.cpu_seconds
    faster_cpu = (dateparser.cpu_seconds / dp_words) / (one.cpu_seconds / n_words)
    sample = ("" if len(dateparser_docs) == len(documents)
              else f"; dateparser extrapolated from {len(dateparser_docs)} documents")
    print("\nGoals (wall time; CPU time in brackets)")
    print(f"  extract time / tokenizer time     {slower:6.2f}x [{slower_cpu:.2f}x]  (goal <= "
          f"{TOKENIZER_GOAL:g}x: {'met' if slower <= TOKENIZER_GOAL else 'NOT met'})")
    print(f"  extract words/s / dateparser's    {faster:6.1f}x [{faster_cpu:.1f}x]  (goal >= "
          f"{DATEPARSER_GOAL:g}x: {'met' if faster >= DATEPARSER_GOAL else 'NOT met'}{sample})")
    if default is not None:
        faster_default = extract_rate / (default_words / default.seconds)
        faster_default_cpu = (default.cpu_seconds / default_words) / (one.cpu_seconds / n_words)
        print(f"  ... / dateparser's, defaults      {faster_default:6.1f}x "
              f"[{faster_default_cpu:.1f}x]  (goal >= {DATEPARSER_GOAL:g}x: "
              f"{'met' if faster_default >= DATEPARSER_GOAL else 'NOT met'}; no language given, "
              f"extrapolated from {len(default_docs)} documents)")
    print(f"  --workers 2 speed-up              {one.seconds / two.seconds:6.2f}x  "
          f"(outputs {'byte-identical' if identical else 'DIFFER'}, sha256 {sums[0]})"
          + (f"; {big.seconds / big_two.seconds:.2f}x at {args.repeat_corpus}x, where "
             "starting the workers weighs less" if big_two else ""))
    print(f"  extract peak RSS                  {one.peak_rss_mb:6.0f} MB at 1x"
          + (f", {big.peak_rss_mb:.0f} MB at {args.repeat_corpus}x" if big else "")
          + "  (ru_maxrss of the process from os.wait4)")

    if args.profile_limit > 0:
        profile(documents[: args.profile_limit], args.top)


def _load() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "n/a"


if __name__ == "__main__":
    main()
