"""Count the instructions ``timeline extract`` executes against spaCy's tokenizer, under valgrind.

    cd /work/main && python benchmarks/instructions.py              # the first 300 documents
    python benchmarks/instructions.py --limit 100 --jobs 1

Wall and CPU time on a shared machine move by 10% and more from one run to the next (see the
README's Speed section), which hides a change of a few percent. The number of instructions a
process executes does not move: this script runs the same two contenders as
``benchmarks/throughput.py`` (spaCy's blank tokenizer over the texts, and ``python -m timeline
extract``), each as a whole process under ``valgrind --tool=cachegrind --cache-sim=no`` with
``PYTHONHASHSEED=0``, once on the first ``--limit`` documents of ``--corpus`` and once on none,
and prints the instructions of each:

- whole process: start-up (Python, spaCy, the rules) included, as ``throughput.py`` times it;
- per document: the run on no document subtracted, so start-up is left out.

The two ratios say how much more work extraction is than tokenizing; run it before and after a
change (in two checkouts) to see what the change costs. It is slow: valgrind runs Python about
20 times slower, so 300 documents take a few minutes. Instructions are not time (a tokenizer
written in Cython does more per cycle than the tagger's Python), so the goal in
``throughput.py`` stays a time ratio.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from throughput import DEFAULT_CORPUS, TOKENIZER_CODE, write_jsonl  # noqa: E402

from timeline.readers import read_documents  # noqa: E402

_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def instructions(command: list[str], valgrind: str) -> int:
    """The instructions ``command`` executes, as cachegrind counts them."""
    env = dict(os.environ, PYTHONHASHSEED="0")
    done = subprocess.run(
        [valgrind, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         *command], cwd=ROOT, env=env, capture_output=True, text=True)
    found = _REFS.search(done.stderr)
    if done.returncode != 0 or found is None:
        sys.exit(f"{' '.join(command[:4])} ... failed under valgrind ({done.returncode}):\n"
                 f"{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS,
                        help="TimeML folder (or any input of timeline extract)")
    parser.add_argument("--limit", type=int, default=300, metavar="N",
                        help="the first N documents; default: 300")
    parser.add_argument("--jobs", type=int, default=2, help="valgrind runs at once; default: 2")
    parser.add_argument("--valgrind", default=shutil.which("valgrind") or "valgrind",
                        help="the valgrind to run (Debian: apt-get install valgrind)")
    args = parser.parse_args(argv)
    if shutil.which(args.valgrind) is None:
        sys.exit(f"no valgrind at {args.valgrind!r}: install it (Debian: apt-get install "
                 "valgrind) or pass --valgrind PATH")

    problems: list[str] = []
    documents = list(read_documents([str(args.corpus)], error=problems.append,
                                    warn=problems.append))[: args.limit]
    if not documents:
        sys.exit(f"no documents in {args.corpus}: {problems[:3]}")
    python = sys.executable
    with tempfile.TemporaryDirectory(prefix="timeline-instructions-") as tmp:
        work = Path(tmp)
        full, empty = work / "corpus.jsonl", work / "empty.jsonl"
        write_jsonl(full, documents)
        empty.write_text("")

        def extract(corpus: Path) -> list[str]:
            return [python, "-m", "timeline", "extract", str(corpus), "-q", "--format", "jsonl",
                    "--workers", "1", "-o", str(work / f"events-{corpus.stem}.jsonl")]

        runs = {
            "tokenizer": [python, "-c", TOKENIZER_CODE, str(full)],
            "tokenizer, no document": [python, "-c", TOKENIZER_CODE, str(empty)],
            "extract": extract(full),
            "extract, no document": extract(empty),
        }
        print(f"{len(documents)} documents of {args.corpus}; {len(runs)} runs under valgrind, "
              f"{args.jobs} at a time ...", flush=True)
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            counts = dict(zip(runs, pool.map(lambda c: instructions(c, args.valgrind),
                                             runs.values()), strict=True))

    tok, ext = counts["tokenizer"], counts["extract"]
    tok0, ext0 = counts["tokenizer, no document"], counts["extract, no document"]
    print(f"\n  {'':<24} {'instructions':>16} {'start-up':>16} {'per document':>14}")
    for name, whole, start in (("spaCy blank tokenizer", tok, tok0),
                               ("timeline extract", ext, ext0)):
        print(f"  {name:<24} {whole:>16,} {start:>16,} {(whole - start) // len(documents):>14,}")
    print(f"\n  extract / tokenizer: {ext / tok:.2f}x whole process, "
          f"{(ext - ext0) / (tok - tok0):.2f}x per document (start-up left out)")


if __name__ == "__main__":
    main()
