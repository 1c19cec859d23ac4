"""How much of the value error on a gold corpus is the gold's own notation.

    python benchmarks/gold_notation.py [GOLD] [--list]

Some gold corpora write values in forms that are not TimeML 1.2's. The tweets gold (Zhong et
al. 2017, ``../shared/corpora/tweets-train``, the default) writes ``2014-XX-XX`` for the year
2014, ``2012-06-15-WXX-5`` for a Friday, ``2015-01-W02`` for a week, ``P1C-#19`` for the 19th
century, ``XXXX-WE`` for weekends, ``TNI`` for a set of nights, ``P12H`` for twelve hours.
AQUAINT's gold keeps some TIMEX2 forms: ``1968-XX`` for the year 1968, ``198X`` for the 1980s,
``2000-W7`` for week 07. ``timeline`` keeps to TIMEX3, so each of these counts as a wrong
value. This script rewrites each gold value into its TimeML form and counts the wrong values
that are right once rewritten, then gives the value F1 with those counted right. Nothing else
is changed: a value that differs in any other way stays wrong.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from pathlib import Path

from timeline import temporal
from timeline.evaluate import combine, score_document
from timeline.timeml import find_timeml_files, read_timeml

DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared/corpora/tweets-train"

# (what the gold writes, its pattern, the TimeML value it stands for)
REWRITES = [
    ("a year as YYYY-XX-XX", re.compile(r"(\d{4})-XX-XX"), r"\1"),
    ("a year as YYYY-XX", re.compile(r"(\d{4})-XX"), r"\1"),
    ("a decade as DDDX", re.compile(r"(\d{3})X"), r"\1"),
    ("a week number of one digit", re.compile(r"(\d{4})-W(\d)"), r"\1-W0\2"),
    ("a weekday suffix -WXX-N", re.compile(r"(\d{4}-\d\d-\d\d)-WXX-\d(T\w+(?::\d\d)?)?"),
     r"\1\2"),
    ("a week as YYYY-MM-WNN", re.compile(r"(\d{4})-\d\d-(W\d\d)"), r"\1-\2"),
    ("a century as P1C-#N", re.compile(r"P1C-#(\d+)"), lambda m: str(int(m[1]) - 1)),
    ("weekends as XXXX-WE", re.compile(r"XXXX-WE"), "XXXX-WXX-WE"),
    ("a set of parts of days as TNI", re.compile(r"T(MO|AF|EV|NI)"), r"XXXX-XX-XXT\1"),
    ("hours or minutes without T (P12H)", re.compile(r"P(\d+)([HM])"), r"PT\1\2"),
    ("a time as T:hh:mm", re.compile(r"(.*)T:(\d\d:\d\d)"), r"\1T\2"),
]


def timeml_form(value: str) -> tuple[str | None, str]:
    """(the notation found, the value in TimeML form); (None, value) for any other value."""
    for name, pattern, replacement in REWRITES:
        m = pattern.fullmatch(value)
        if m:
            return name, replacement(m) if callable(replacement) else m.expand(replacement)
    return None, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold", nargs="?", type=Path, default=DEFAULT_GOLD)
    parser.add_argument("--list", action="store_true", help="print each notation-only error")
    args = parser.parse_args()
    parts = []
    for path in find_timeml_files(args.gold):
        doc = read_timeml(path)
        parts.append(score_document(doc.doc_id, doc.text, doc.timexes,
                                    temporal.tag(doc.text, doc.dct)))
    scores = combine(parts)
    wrong = [e for e in scores.errors if e.kind == "wrong_value"]
    found: Counter[str] = Counter()
    for error in wrong:
        name, value = timeml_form(error.gold_value or "")
        if name and value == (error.system_value or ""):
            found[name] += 1
            if args.list:
                print(f"{error.doc_id} {error.text!r}: gold {error.gold_value}, "
                      f"system {error.system_value}")
    notation = sum(found.values())
    print(f"wrong values: {len(wrong)}, of which only the gold's notation: {notation}")
    for name, count in found.most_common():
        print(f"  {count:4d}  {name}")
    right = scores.value_matches + notation
    print(f"value F1 {100 * scores.value_f1:.2f}; with those counted right "
          f"{100 * right / scores.relaxed_matches * scores.relaxed_f1:.2f}")


if __name__ == "__main__":
    main()
