"""Huge inputs: ``timeline extract`` on a 50 MB text file and a 1 GB JSONL corpus, memory watched.

    cd /work/main && python benchmarks/huge.py                      # 50 MB text + 1 GB JSONL
    python benchmarks/huge.py --text-mb 5 --jsonl-mb 50             # a quick run
    python benchmarks/huge.py --jsonl-mb 0 --workers 2              # the text file only, 2 workers
    python benchmarks/huge.py --jsonl-mb 0 --db                     # with a store as well

Both inputs are built from the news texts of ``--corpus`` (default ``../shared/corpora/te3-silver``)
in a temporary folder (``--keep DIR`` keeps them there): the text file is the articles one after
another, a blank line between them, until it holds ``--text-mb`` MB (one document, read in parts
of at most 1M characters); the JSONL file is the articles repeated under new ids until it holds
``--jsonl-mb`` MB. Each run is one whole process, ``python -m timeline extract FILE -q --format
jsonl -o OUT``; every half second the script reads the resident memory (VmRSS) of that process and
of its worker processes from /proc, and prints the peak, the memory at each tenth of the run (flat
means streaming) and the throughput. With ``--db`` the events also go into a new SQLite store
(``--db`` of extract) beside the output. Linux only (it reads /proc).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timeline.readers import read_documents  # noqa: E402

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "te3-silver"
MB = 1024 * 1024
WORD = re.compile(r"\w+")


def build_text(path: Path, texts: list[str], megabytes: float) -> tuple[int, int]:
    """Articles one after another until ``megabytes``; (characters, words) written."""
    chars = words = 0
    with open(path, "w", encoding="utf-8") as out:
        while chars < megabytes * MB:
            for text in texts:
                piece = text.strip() + "\n\n"
                out.write(piece)
                chars += len(piece)
                words += len(WORD.findall(piece))
                if chars >= megabytes * MB:
                    break
    return chars, words


def build_jsonl(path: Path, records: list[dict], megabytes: float) -> tuple[int, int]:
    """The articles repeated under new ids until ``megabytes``; (documents, words) written."""
    size = documents = words = 0
    counts = [len(WORD.findall(r["text"])) for r in records]
    with open(path, "w", encoding="utf-8") as out:
        copy = 0
        while size < megabytes * MB:
            for record, n in zip(records, counts, strict=True):
                line = json.dumps({**record, "id": f"{record['id']}-{copy}"},
                                  ensure_ascii=False) + "\n"
                out.write(line)
                size += len(line.encode("utf-8"))
                documents += 1
                words += n
                if size >= megabytes * MB:
                    break
            copy += 1
    return documents, words


def _rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def watch(command: list[str]) -> dict:
    """Run ``command``; its time, its CPU time and its workers' (less sensitive than the time
    to what else runs on a shared machine), and memory: the main process's and its workers'
    (MB)."""
    start = time.perf_counter()
    cpu = _children_cpu()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
    samples: list[tuple[float, float, float]] = []  # (seconds, main MB, workers MB in all)
    while process.poll() is None:
        workers = sum(_rss_mb(child) for child in _children(process.pid))
        samples.append((time.perf_counter() - start, _rss_mb(process.pid), workers))
        time.sleep(0.5)
    seconds = time.perf_counter() - start
    errors = process.stderr.read()
    if process.returncode != 0:
        sys.exit(f"{' '.join(command[:5])} ... failed ({process.returncode}):\n{errors[-2000:]}")
    return {"seconds": seconds, "cpu": _children_cpu() - cpu, "samples": samples}


def _children_cpu() -> float:
    """CPU seconds of the child processes that have ended (with the workers they waited for)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def report(name: str, run: dict, words: int) -> None:
    samples = run["samples"] or [(0.0, 0.0, 0.0)]
    peak_main = max(s[1] for s in samples)
    peak_workers = max(s[2] for s in samples)
    tenths = [samples[min(len(samples) - 1, len(samples) * k // 10)] for k in range(1, 10)]
    print(f"  {name}: {run['seconds']:.1f} s ({run['cpu']:.1f} s CPU), "
          f"{words / run['seconds']:,.0f} words/s; "
          f"peak RSS {peak_main:.0f} MB (main)"
          + (f", {peak_workers:.0f} MB (workers in all)" if peak_workers else ""))
    print("    RSS at each tenth of the run (MB): "
          + " ".join(f"{s[1] + s[2]:.0f}" for s in tenths))
    # The machine is shared: what else ran meanwhile shows in the load.
    print(f"    load at the end: {_load()}", flush=True)


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def _new_store(path: Path | None) -> None:
    """No store at ``path`` yet: one that held the documents would skip them."""
    if path:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--text-mb", type=float, default=50, help="0: no text file run")
    parser.add_argument("--jsonl-mb", type=float, default=1024, help="0: no JSONL run")
    parser.add_argument("--workers", default="1", help="--workers of extract (default: 1)")
    parser.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    parser.add_argument("--db", action="store_true", help="write a SQLite store (--db) as well")
    args = parser.parse_args(argv)

    documents = list(read_documents([str(args.corpus)], error=print, warn=lambda m: None))
    if not documents:
        sys.exit(f"no documents in {args.corpus}")
    texts = [d.text for d in documents]
    records = [{"id": d.doc_id, "text": d.text,
                "published": d.published.isoformat() if d.published else None}
               for d in documents]
    print(f"Machine: {os.cpu_count()} cpus, load {_load()};"
          f" corpus {args.corpus} ({len(documents):,} documents); --workers {args.workers}")
    with tempfile.TemporaryDirectory(prefix="timeline-huge-") as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        extract = [sys.executable, "-m", "timeline", "extract", "-q", "--format", "jsonl",
                   "--workers", args.workers, "--published", "1998-03-01"]
        if args.db:
            store = folder / "events.sqlite"
            extract += ["--db", str(store)]
        if args.text_mb > 0:
            path = folder / "huge.txt"
            chars, words = build_text(path, texts, args.text_mb)
            print(f"Text file: {path.stat().st_size / MB:.1f} MB, {chars:,} characters, "
                  f"{words:,} words, one document", flush=True)
            _new_store(args.db and store)
            report("extract", watch([*extract, str(path), "-o", str(folder / "text.jsonl")]),
                   words)
        if args.jsonl_mb > 0:
            path = folder / "huge.jsonl"
            n, words = build_jsonl(path, records, args.jsonl_mb)
            print(f"JSONL corpus: {path.stat().st_size / MB:,.0f} MB, {n:,} documents, "
                  f"{words:,} words", flush=True)
            _new_store(args.db and store)
            report("extract", watch([*extract, str(path), "-o", str(folder / "corpus.jsonl")]),
                   words)


if __name__ == "__main__":
    main()
