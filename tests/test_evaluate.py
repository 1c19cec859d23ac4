"""TempEval-3 scoring of TIMEX3 annotations."""

from __future__ import annotations

from pathlib import Path

import pytest

from timeline.evaluate import (
    Scores,
    combine,
    format_errors,
    format_table,
    match_timexes,
    pair_files,
    score_corpus,
    score_document,
)
from timeline.temporal import Timex

TEXT = "Sales rose last week. On Monday the index fell for three days. Nothing else."


def timex(phrase: str, value: str = "X", type_: str = "DATE", text: str = TEXT) -> Timex:
    start = text.index(phrase)
    return Timex(start, start + len(phrase), phrase, type_, value)


GOLD = [timex("last week", "2023-W36"), timex("Monday", "2023-09-11"), timex("three days", "P3D")]
# One exact match, one overlapping match with a wrong value, one gold missed.
SYSTEM = [timex("last week", "2023-W36"), timex("On Monday", "2023-09-04")]


def test_hand_computed_figures() -> None:
    scores = score_document("d1", TEXT, GOLD, SYSTEM)
    assert (scores.gold, scores.system) == (3, 2)
    assert (scores.strict_matches, scores.relaxed_matches) == (1, 2)
    assert scores.strict_precision == pytest.approx(1 / 2)
    assert scores.strict_recall == pytest.approx(1 / 3)
    assert scores.strict_f1 == pytest.approx(0.4)
    assert scores.relaxed_precision == pytest.approx(1.0)
    assert scores.relaxed_recall == pytest.approx(2 / 3)
    assert scores.relaxed_f1 == pytest.approx(0.8)
    assert scores.type_f1 == pytest.approx(0.8)
    assert scores.value_f1 == pytest.approx(0.5 * 0.8)


def test_micro_average_sums_counts_over_documents() -> None:
    other_text = "In 1998 and 1999."
    second = score_document("d2", other_text, [timex("1998", text=other_text)], [])
    scores = score_document("d1", TEXT, GOLD, SYSTEM) + second
    assert (scores.documents, scores.gold, scores.system, scores.relaxed_matches) == (2, 4, 2, 2)
    assert scores.relaxed_recall == pytest.approx(2 / 4)
    assert scores.relaxed_precision == pytest.approx(1.0)
    corpus = score_corpus(
        [("d1", TEXT, GOLD, SYSTEM), ("d2", other_text, [timex("1998", text=other_text)], [])]
    )
    assert corpus.to_dict() == scores.to_dict()


def test_matching_is_one_to_one_and_prefers_exact_then_larger_overlap() -> None:
    gold = [Timex(0, 5, "aaaaa", "DATE", "X"), Timex(6, 10, "bbbb", "DATE", "X")]
    # The long system span overlaps both gold spans; the exact one takes the first.
    system = [Timex(0, 10, "aaaaa bbbb", "DATE", "X"), Timex(0, 5, "aaaaa", "DATE", "X")]
    assert match_timexes(gold, system) == [(0, 1), (1, 0)]
    # Greatest overlap wins: system 0 shares 4 characters with gold 1, 1 with gold 0.
    system = [Timex(4, 10, "a bbbb", "DATE", "X")]
    assert match_timexes(gold, system) == [(1, 0)]
    # One system span, two gold spans: only one match.
    scores = score_document("d", "aaaaa bbbb", gold, [Timex(0, 10, "aaaaa bbbb", "DATE", "X")])
    assert (scores.relaxed_matches, scores.strict_matches) == (1, 0)
    assert [e.kind for e in scores.errors] == ["missed"]


def test_touching_spans_do_not_overlap() -> None:
    assert (
        match_timexes([Timex(0, 5, "aaaaa", "DATE", "X")], [Timex(5, 9, "bbbb", "DATE", "X")]) == []
    )


def test_values_are_compared_exactly_after_strip() -> None:
    gold = [timex("three days", " P3D ", "DURATION")]
    assert score_document("d", TEXT, gold, [timex("three days", "P3D", "DURATION")]).value_f1 == 1
    assert score_document("d", TEXT, gold, [timex("three days", "p3d", "DURATION")]).value_f1 == 0


def test_error_listing() -> None:
    system = [*SYSTEM, timex("Nothing", "PRESENT_REF"), timex("three days", "P3D", "DURATION")]
    scores = score_document("d1", TEXT, GOLD, system)
    kinds = [(e.kind, e.text) for e in scores.errors]
    assert kinds == [
        ("spurious", "Nothing"),
        ("wrong_value", "Monday"),
        ("wrong_type", "three days"),
    ]
    wrong_value = scores.errors[1]
    assert (wrong_value.doc_id, wrong_value.start, wrong_value.end) == ("d1", 25, 31)
    assert (wrong_value.gold_value, wrong_value.system_value) == ("2023-09-11", "2023-09-04")
    assert wrong_value.system_text == "On Monday"
    assert wrong_value.context == "On [Monday] the index fell for three days."
    missed = score_document("d1", TEXT, GOLD, []).errors
    assert [e.kind for e in missed] == ["missed"] * 3
    assert missed[0].context == "Sales rose [last week]."


def test_format_table_and_errors() -> None:
    scores = score_document("d1", TEXT, GOLD, SYSTEM)
    table = format_table(scores)
    assert "documents          1" in table
    assert "strict         50.00     33.33     40.00" in table
    assert "relaxed       100.00     66.67     80.00" in table
    assert table.splitlines()[-2:] == [
        "type                               80.00",
        "value                              40.00",
    ]
    listing = format_errors(scores)
    titles = [line for line in listing.splitlines() if line and not line.startswith(" ")]
    assert titles == [
        "Missed (gold, no system match): 1",
        "Spurious (system, no gold match): 0",
        "Wrong value: 1",
        "Wrong type: 0",
    ]
    assert "d1 25-31 'Monday': gold 2023-09-11 / system 2023-09-04" in listing


def test_to_dict_gives_percentages() -> None:
    data = score_document("d1", TEXT, GOLD, SYSTEM).to_dict(errors=True)
    assert data["strict"] == {"matches": 1, "precision": 50.0, "recall": 33.33, "f1": 40.0}
    assert data["relaxed"]["f1"] == 80.0
    assert (data["type_f1"], data["value_f1"]) == (80.0, 40.0)
    assert {e["kind"] for e in data["errors"]} == {"missed", "wrong_value"}


def test_nothing_to_score_gives_zero_not_an_error() -> None:
    scores = combine([])
    assert scores == Scores()
    assert scores.relaxed_f1 == scores.value_f1 == 0.0


def test_pair_files(tmp_path: Path) -> None:
    gold_root, system_root = tmp_path / "gold", tmp_path / "system"
    gold = [gold_root / "a.tml", gold_root / "sub" / "b.tml.TE3input", gold_root / "c.tml"]
    gold += [gold_root / "x" / "d.tml", gold_root / "e.tml"]
    system = [system_root / "a.tml", system_root / "sub" / "b.tml", system_root / "out" / "c.tml"]
    system += [system_root / "1" / "d.tml", system_root / "2" / "d.tml"]
    assert pair_files(gold, gold_root, system, system_root) == {
        gold[0]: system[0],  # same relative path
        gold[1]: system[1],  # same path but for .TE3input
        gold[2]: system[2],  # unique file name
        gold[3]: None,  # ambiguous file name
        gold[4]: None,  # absent
    }
