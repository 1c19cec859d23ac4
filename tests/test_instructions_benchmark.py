"""benchmarks/instructions.py: what it reads from valgrind, and its message without valgrind
(running it takes minutes under valgrind, so the tests do not)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _module():
    spec = importlib.util.spec_from_file_location(
        "instructions_benchmark", ROOT / "benchmarks" / "instructions.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_reads_the_instruction_count_cachegrind_prints():
    stderr = "==7053== \n==7053== I   refs:      5,188,840,389\n"
    found = _module()._REFS.search(stderr)
    assert found is not None and found.group(1) == "5,188,840,389"


def test_without_valgrind_it_says_so_and_exits(capsys):
    with pytest.raises(SystemExit) as stop:
        _module().main(["--valgrind", "/no/such/valgrind", "--limit", "1"])
    assert "no valgrind at '/no/such/valgrind'" in str(stop.value)
