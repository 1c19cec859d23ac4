"""Every rule's examples are run: each must be matched in full by its own rule and built.

Also pins the package's public API, so that a change to it is a deliberate one.
"""

from __future__ import annotations

from collections import Counter

import pytest

import timeline
from timeline.temporal.rules import RULES

EXAMPLES = [(rule, example) for rule in RULES for example in rule.examples]


@pytest.mark.parametrize(
    ("rule", "example"), EXAMPLES, ids=[f"{rule.name}:{example}" for rule, example in EXAMPLES]
)
def test_rule_matches_and_builds_its_example(rule, example):
    match = rule.regex.fullmatch(example)
    assert match is not None, f"rule {rule.name!r} does not match its example {example!r} in full"
    assert rule.build(match, example) is not None, (
        f"rule {rule.name!r} matches its example {example!r} but its builder rejects it"
    )


def test_every_rule_has_an_example():
    assert [rule.name for rule in RULES if not rule.examples] == []


def test_rule_names_are_unique():
    counts = Counter(rule.name for rule in RULES)
    assert [name for name, n in counts.items() if n > 1] == []


def test_public_api_is_pinned():
    assert sorted(timeline.__all__) == ["Timex", "tag"]
