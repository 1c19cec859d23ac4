"""Probe articles: short texts the team wrote, each with the TIMEX3 expressions a careful
annotator would mark in it, to measure the engine on writing that is not in the development
corpora.

Each file in ``benchmarks/probes/`` is one JSON object::

    {"genre": "...", "articles": [
        {"id": "...", "dct": "2023-09-13", "text": "...",
         "expected": [["phrase", occurrence, "TYPE", "VALUE"], ...]}]}

``occurrence`` counts from 1 among the exact occurrences of ``phrase`` in ``text``; VALUE is
TimeML's (see CONVENTIONS.md beside the files).

    python benchmarks/probes.py                   # score every file: right / expected
    python benchmarks/probes.py FILE --errors     # and list what differs
    python benchmarks/probes.py FILE --validate   # only check that each phrase is in its text

An expected expression is right when an expression with exactly its extent, type and value
is found. Spurious expressions (found, not expected) are counted apart.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

HERE = Path(__file__).parent / "probes"


def _spans(text: str, phrase: str) -> list[int]:
    out, i = [], text.find(phrase)
    while i >= 0:
        out.append(i)
        i = text.find(phrase, i + 1)
    return out


def load(path: Path) -> list[dict]:
    data = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for art in data["articles"]:
        for phrase, occ, typ, _value in art["expected"]:
            starts = _spans(art["text"], phrase)
            if len(starts) < occ:
                problems.append(f"{path.name} {art['id']}: {phrase!r} occurrence {occ} "
                                f"not in the text ({len(starts)} found)")
            if typ not in ("DATE", "TIME", "DURATION", "SET"):
                problems.append(f"{path.name} {art['id']}: {phrase!r}: type {typ!r}")
    if problems:
        raise SystemExit("\n".join(problems))
    return data["articles"]


def score(path: Path, errors: bool) -> tuple[int, int, int]:
    from timeline import tag

    right = total = spurious = 0
    for art in load(path):
        found = tag(art["text"], art["dct"])
        by_span = {(t.start, t.end): t for t in found}
        wanted = set()
        for phrase, occ, typ, value in art["expected"]:
            start = _spans(art["text"], phrase)[occ - 1]
            span = (start, start + len(phrase))
            wanted.add(span)
            total += 1
            got = by_span.get(span)
            if got is not None and got.type == typ and got.value == value:
                right += 1
            elif errors:
                near = [f"{t.text!r} {t.type} {t.value}" for t in found
                        if t.start < span[1] and span[0] < t.end]
                print(f"  {art['id']}: {phrase!r} want {typ} {value}, got "
                      f"{'; '.join(near) or 'nothing'}")
        for t in found:
            if (t.start, t.end) not in wanted and not any(
                    s < t.end and t.start < e for s, e in wanted):
                spurious += 1
                if errors:
                    print(f"  {art['id']}: spurious {t.text!r} {t.type} {t.value}")
    return right, total, spurious


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--errors", action="store_true")
    parser.add_argument("--validate", action="store_true")
    args = parser.parse_args(argv)
    files = args.files or sorted(HERE.glob("*.json"))
    grand = [0, 0, 0]
    for path in files:
        if args.validate:
            n = sum(len(a["expected"]) for a in load(path))
            print(f"{path.name}: {n} expected expressions, all found in their texts")
            continue
        if args.errors:
            print(path.name)
        r, t, s = score(path, args.errors)
        grand = [grand[0] + r, grand[1] + t, grand[2] + s]
        print(f"{path.name}: {r} of {t} right, {s} spurious")
    if not args.validate and len(files) > 1:
        print(f"all: {grand[0]} of {grand[1]} right, {grand[2]} spurious")
    return 0


if __name__ == "__main__":
    sys.exit(main())
