"""A run killed mid-way (SIGKILL: no clean-up of any kind) never leaves a truncated output.

``timeline extract -o FILE`` writes to a hidden temporary file beside FILE and renames it over
FILE only when complete, so after ``kill -9`` FILE is either absent (it did not exist) or exactly
what it was before. Each test starts a real ``python -m timeline extract`` on a corpus big
enough to take several seconds, waits until the temporary file holds some output, and kills it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTICLE = ROOT / "examples" / "article.txt"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """The example article 3,000 times over under distinct ids (36,000 events)."""
    text = ARTICLE.read_text(encoding="utf-8")
    path = tmp_path_factory.mktemp("corpus") / "corpus.jsonl"
    with open(path, "w", encoding="utf-8") as f:
        for n in range(3000):
            f.write(json.dumps({"id": f"a{n}", "text": text, "published": "2023-09-13"}) + "\n")
    return path


def _kill_mid_run(corpus: Path, target: Path, fmt: str) -> None:
    command = [sys.executable, "-m", "timeline", "extract", str(corpus), "-o", str(target),
               "--format", fmt, "-q", "--workers", "1"]
    process = subprocess.Popen(command, cwd=ROOT, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            parts = [p for p in target.parent.iterdir() if p.name.endswith(".part")]
            if parts and parts[0].stat().st_size > 64 * 1024:  # well into the run
                break
            assert process.poll() is None, "the run ended before it could be killed"
            time.sleep(0.05)
        else:
            pytest.fail("no output appeared within 60 s")
        os.kill(process.pid, signal.SIGKILL)
    finally:
        process.kill()
        process.wait()
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


@pytest.mark.parametrize("fmt", ["jsonl", "csv", "parquet"])
def test_a_killed_run_leaves_the_previous_output_as_it_was(corpus, tmp_path, fmt):
    target = tmp_path / f"events.{fmt}"
    previous = b"the output of an earlier run\n"
    target.write_bytes(previous)
    _kill_mid_run(corpus, target, fmt)
    assert target.read_bytes() == previous


def test_a_killed_run_leaves_no_file_where_there_was_none(corpus, tmp_path):
    target = tmp_path / "events.jsonl"
    _kill_mid_run(corpus, target, "jsonl")
    assert not target.exists()
    # Only the hidden temporary file is left; the next run writes the whole output.
    assert [p.name.startswith(".events.jsonl.") for p in tmp_path.iterdir()] == [True]
    small = tmp_path / "small.jsonl"
    small.write_text(corpus.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "timeline", "extract", str(small), "-o",
                           str(target), "-q"], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert len(target.read_text(encoding="utf-8").splitlines()) == 12
