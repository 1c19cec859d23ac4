"""Every rule's examples are run: each must be matched and built by its own rule.

An example is the expression, or the expression after the context word the rule needs
("in May": a bare "May" is the modal); the rule's match must then end the example.

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
    built = [m for m in rule.regex.finditer(example) if rule.build(m, example) is not None]
    assert built, f"rule {rule.name!r} finds nothing it accepts in its example {example!r}"
    match = max(built, key=lambda m: m.end() - m.start())
    context = example[:match.start()]
    assert match.end() == len(example) and len(context.split()) <= 1, (
        f"rule {rule.name!r} matches only {match.group()!r} of its example {example!r}"
    )


def test_every_rule_has_an_example():
    assert [rule.name for rule in RULES if not rule.examples] == []


def test_rule_names_are_unique():
    counts = Counter(rule.name for rule in RULES)
    assert [name for name, n in counts.items() if n > 1] == []


def test_public_api_is_pinned():
    assert sorted(timeline.__all__) == [
        "Document", "Event", "Timex", "extract", "read_documents", "tag"]
