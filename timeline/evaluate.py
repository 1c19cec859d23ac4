"""Score TIMEX3 annotations against gold ones, the TempEval-3 way.

In each document, system expressions are matched one-to-one to gold expressions whose span
overlaps theirs (see ``match_timexes``). Strict matches are matched pairs with identical spans.
Precision is matches / system expressions, recall matches / gold expressions; counts are summed
over documents before dividing (micro-average). Type F1 and value F1 are the share of relaxed
matches with the same type / value, times relaxed F1.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from timeline.temporal import Timex

ERROR_KINDS = ("missed", "spurious", "wrong_value", "wrong_type")

_ERROR_TITLES = {
    "missed": "Missed (gold, no system match)",
    "spurious": "Spurious (system, no gold match)",
    "wrong_value": "Wrong value",
    "wrong_type": "Wrong type",
}
_COUNTS = (
    "documents",
    "gold",
    "system",
    "strict_matches",
    "relaxed_matches",
    "type_matches",
    "value_matches",
)
_SENTENCE_END = re.compile(r"[.!?][\"')\]]*\s|\n\s*\n")


@dataclass(frozen=True, slots=True)
class ErrorEntry:
    """One entry of the error listing: a missed, spurious, or matched-but-different expression.

    ``start``/``end``/``text`` are the gold expression's (the system one's for ``spurious``);
    ``system_text`` is the system expression's text when it differs from ``text``.
    ``context`` is the text around it, with the expression in [brackets].
    """

    kind: str
    doc_id: str
    start: int
    end: int
    text: str
    gold_type: str | None
    gold_value: str | None
    system_type: str | None
    system_value: str | None
    system_text: str | None
    context: str


@dataclass
class Scores:
    """Counts summed over documents, the TempEval-3 figures derived from them, and errors.

    Figures are fractions between 0 and 1; ``to_dict`` gives them as percentages.
    """

    documents: int = 0
    gold: int = 0
    system: int = 0
    strict_matches: int = 0
    relaxed_matches: int = 0
    type_matches: int = 0
    value_matches: int = 0
    errors: list[ErrorEntry] = field(default_factory=list)

    def __add__(self, other: Scores) -> Scores:
        return combine([self, other])

    @property
    def strict_precision(self) -> float:
        return _ratio(self.strict_matches, self.system)

    @property
    def strict_recall(self) -> float:
        return _ratio(self.strict_matches, self.gold)

    @property
    def strict_f1(self) -> float:
        return _f1(self.strict_precision, self.strict_recall)

    @property
    def relaxed_precision(self) -> float:
        return _ratio(self.relaxed_matches, self.system)

    @property
    def relaxed_recall(self) -> float:
        return _ratio(self.relaxed_matches, self.gold)

    @property
    def relaxed_f1(self) -> float:
        return _f1(self.relaxed_precision, self.relaxed_recall)

    @property
    def type_f1(self) -> float:
        return _ratio(self.type_matches, self.relaxed_matches) * self.relaxed_f1

    @property
    def value_f1(self) -> float:
        return _ratio(self.value_matches, self.relaxed_matches) * self.relaxed_f1

    def to_dict(self, errors: bool = False) -> dict:
        """Return counts and figures (percentages, 2 decimals) as plain data, for JSON."""
        data: dict = {"documents": self.documents, "gold": self.gold, "system": self.system}
        for kind in ("strict", "relaxed"):
            data[kind] = {
                "matches": getattr(self, f"{kind}_matches"),
                "precision": _percent(getattr(self, f"{kind}_precision")),
                "recall": _percent(getattr(self, f"{kind}_recall")),
                "f1": _percent(getattr(self, f"{kind}_f1")),
            }
        data["type_matches"] = self.type_matches
        data["value_matches"] = self.value_matches
        data["type_f1"] = _percent(self.type_f1)
        data["value_f1"] = _percent(self.value_f1)
        if errors:
            data["errors"] = [asdict(error) for error in self.errors]
        return data


def match_timexes(gold: Sequence[Timex], system: Sequence[Timex]) -> list[tuple[int, int]]:
    """Pair gold and system expressions one-to-one; return ``(gold index, system index)`` pairs.

    Only overlapping spans can pair. Greedily, identical spans pair first, then the pairs with
    the most characters in common (ties: earlier gold, then earlier system expression); each
    expression is used once. Pairs come back sorted by gold index.
    """
    candidates = []
    for g, gold_timex in enumerate(gold):
        for s, system_timex in enumerate(system):
            overlap = min(gold_timex.end, system_timex.end) - max(
                gold_timex.start, system_timex.start
            )
            if overlap > 0:
                exact = (gold_timex.start, gold_timex.end) == (system_timex.start, system_timex.end)
                candidates.append((not exact, -overlap, g, s))
    used_gold: set[int] = set()
    used_system: set[int] = set()
    pairs = []
    for _, _, g, s in sorted(candidates):
        if g not in used_gold and s not in used_system:
            used_gold.add(g)
            used_system.add(s)
            pairs.append((g, s))
    return sorted(pairs)


def score_document(
    doc_id: str, text: str, gold: Sequence[Timex], system: Sequence[Timex]
) -> Scores:
    """Score one document's system expressions against its gold ones.

    ``text`` is the document text the offsets point into; it is used for error contexts.
    """
    scores = Scores(documents=1, gold=len(gold), system=len(system))
    pairs = match_timexes(gold, system)
    scores.relaxed_matches = len(pairs)
    for g, s in pairs:
        gold_timex, system_timex = gold[g], system[s]
        if (gold_timex.start, gold_timex.end) == (system_timex.start, system_timex.end):
            scores.strict_matches += 1
        if _same(gold_timex.type, system_timex.type):
            scores.type_matches += 1
        else:
            scores.errors.append(_error("wrong_type", doc_id, text, gold_timex, system_timex))
        if _same(gold_timex.value, system_timex.value):
            scores.value_matches += 1
        else:
            scores.errors.append(_error("wrong_value", doc_id, text, gold_timex, system_timex))
    matched_gold = {g for g, _ in pairs}
    matched_system = {s for _, s in pairs}
    for g, gold_timex in enumerate(gold):
        if g not in matched_gold:
            scores.errors.append(_error("missed", doc_id, text, gold_timex, None))
    for s, system_timex in enumerate(system):
        if s not in matched_system:
            scores.errors.append(_error("spurious", doc_id, text, None, system_timex))
    scores.errors.sort(key=lambda e: (ERROR_KINDS.index(e.kind), e.start))
    return scores


def score_corpus(documents: Iterable[tuple[str, str, Sequence[Timex], Sequence[Timex]]]) -> Scores:
    """Score ``(doc_id, text, gold, system)`` documents and sum their counts (micro-average)."""
    return combine(score_document(*document) for document in documents)


def combine(scores: Iterable[Scores]) -> Scores:
    """Sum the counts of several ``Scores`` and concatenate their errors."""
    total = Scores()
    for part in scores:
        for name in _COUNTS:
            setattr(total, name, getattr(total, name) + getattr(part, name))
        total.errors.extend(part.errors)
    return total


def pair_files(
    gold_files: Sequence[Path], gold_root: Path, system_files: Sequence[Path], system_root: Path
) -> dict[Path, Path | None]:
    """Find each gold file's system file, or ``None``.

    A system file matches by relative path first, then by file name when the name is unique
    in ``system_files``; either way a ``.TE3input`` suffix is ignored (the system output of
    ``X.tml.TE3input`` may be ``X.tml``).
    """
    by_path: dict[str, Path] = {}
    by_name: dict[str, list[Path]] = {}
    for path in system_files:
        relative = _relative(path, system_root)
        by_path.setdefault(relative, path)
        by_path.setdefault(_without_te3input(relative), path)
        for name in {path.name, _without_te3input(path.name)}:
            by_name.setdefault(name, []).append(path)
    paired: dict[Path, Path | None] = {}
    for gold_path in gold_files:
        relative = _relative(gold_path, gold_root)
        found = by_path.get(relative) or by_path.get(_without_te3input(relative))
        for name in (gold_path.name, _without_te3input(gold_path.name)):
            if found is None and len(set(by_name.get(name, []))) == 1:
                found = by_name[name][0]
        paired[gold_path] = found
    return paired


def format_table(scores: Scores) -> str:
    """Return the counts and figures as a text table (percentages with 2 decimals)."""
    rows = [
        ("strict", scores.strict_precision, scores.strict_recall, scores.strict_f1),
        ("relaxed", scores.relaxed_precision, scores.relaxed_recall, scores.relaxed_f1),
    ]
    lines = [
        f"{'documents':<10}{scores.documents:>10}",
        f"{'gold':<10}{scores.gold:>10}",
        f"{'system':<10}{scores.system:>10}",
        "",
        f"{'':<10}{'precision':>10}{'recall':>10}{'F1':>10}",
    ]
    for name, precision, recall, f1 in rows:
        lines.append(f"{name:<10}{100 * precision:>10.2f}{100 * recall:>10.2f}{100 * f1:>10.2f}")
    lines.append(f"{'type':<30}{100 * scores.type_f1:>10.2f}")
    lines.append(f"{'value':<30}{100 * scores.value_f1:>10.2f}")
    return "\n".join(lines)


def format_errors(scores: Scores) -> str:
    """Return the error listing, grouped: missed, spurious, wrong value, wrong type."""
    sections = []
    for kind in ERROR_KINDS:
        errors = [e for e in scores.errors if e.kind == kind]
        lines = [f"{_ERROR_TITLES[kind]}: {len(errors)}"]
        lines.extend(f"  {_describe(error)}" for error in errors)
        sections.append("\n".join(lines))
    return "\n\n".join(sections)


def _describe(error: ErrorEntry) -> str:
    where = f"{error.doc_id} {error.start}-{error.end} {error.text!r}"
    if error.kind == "missed":
        detail = f"gold {error.gold_type} {error.gold_value}"
    elif error.kind == "spurious":
        detail = f"system {error.system_type} {error.system_value}"
    else:
        field_name = "value" if error.kind == "wrong_value" else "type"
        gold = getattr(error, f"gold_{field_name}")
        system = getattr(error, f"system_{field_name}")
        detail = f"gold {gold} / system {system}"
        if error.system_text is not None:
            detail += f" (system span {error.system_text!r})"
    return f"{where}: {detail}\n      | {error.context}"


def _error(
    kind: str, doc_id: str, text: str, gold: Timex | None, system: Timex | None
) -> ErrorEntry:
    shown = gold if gold is not None else system
    assert shown is not None
    system_text = None
    if gold is not None and system is not None and system.text != gold.text:
        system_text = system.text
    return ErrorEntry(
        kind=kind,
        doc_id=doc_id,
        start=shown.start,
        end=shown.end,
        text=shown.text,
        gold_type=gold.type if gold else None,
        gold_value=gold.value if gold else None,
        system_type=system.type if system else None,
        system_value=system.value if system else None,
        system_text=system_text,
        context=_context(text, shown.start, shown.end),
    )


def _context(text: str, start: int, end: int, width: int = 80) -> str:
    """Return the sentence-ish window around ``text[start:end]``, which is put in [brackets]."""
    left = text[max(0, start - width) : start]
    ends = list(_SENTENCE_END.finditer(left))
    if ends:
        left = left[ends[-1].end() :]
    elif start > width:
        left = "..." + left
    right = text[end : end + width]
    first_end = _SENTENCE_END.search(right)
    if first_end:
        right = right[: first_end.start() + 1]
    elif end + width < len(text):
        right += "..."
    return " ".join(f"{left}[{text[start:end]}]{right}".split())


def _same(gold: str | None, system: str | None) -> bool:
    return (gold or "").strip() == (system or "").strip()


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _percent(fraction: float) -> float:
    return round(100 * fraction, 2)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.name


def _without_te3input(name: str) -> str:
    return name[: -len(".TE3input")] if name.lower().endswith(".te3input") else name
