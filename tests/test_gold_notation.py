"""The notation diagnostic (benchmarks/gold_notation.py) rewrites only what its table names."""

import importlib.util
from pathlib import Path

import pytest

_PATH = Path(__file__).resolve().parents[1] / "benchmarks" / "gold_notation.py"
_SPEC = importlib.util.spec_from_file_location("gold_notation", _PATH)
gold_notation = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(gold_notation)


@pytest.mark.parametrize(("gold", "timeml"), [
    ("2014-XX-XX", "2014"),
    ("1968-XX", "1968"),
    ("198X", "198"),
    ("2000-W7", "2000-W07"),
    ("2012-06-15-WXX-5", "2012-06-15"),
    ("2012-06-15-WXX-5TNI", "2012-06-15TNI"),
    ("2015-01-W02", "2015-W02"),
    ("P1C-#19", "18"),
    ("XXXX-WE", "XXXX-WXX-WE"),
    ("TNI", "XXXX-XX-XXTNI"),
    ("P12H", "PT12H"),
    ("2012-05-15T:07:30", "2012-05-15T07:30"),
])
def test_rewrites_the_golds_notation(gold, timeml):
    name, value = gold_notation.timeml_form(gold)
    assert name is not None and value == timeml


@pytest.mark.parametrize("value", ["2014", "1998-W33", "2000-W07", "2012-06-15", "PT12H", "198",
                                   "1998-10-XX", "PRESENT_REF", "BC0480-WI"])
def test_leaves_timeml_values_alone(value):
    assert gold_notation.timeml_form(value) == (None, value)
