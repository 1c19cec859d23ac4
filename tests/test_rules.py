"""Every rule's examples are run: each must be matched and built by its own rule.

An example is the expression, or the expression after the context word the rule needs
("in May": a bare "May" is the modal); the rule's match must then end the example.

Also pins the package's public API, so that a change to it is a deliberate one.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import timeline
from timeline.readers import read_documents
from timeline.temporal.rules import RULES
from timeline.temporal.tagger import _candidates, _candidates_everywhere

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


# --- the tagger runs each rule only near its core words: it must find what running it everywhere
# finds.

CORPORA = Path(__file__).resolve().parents[1].parent / "shared" / "corpora"
_WORDS = (  # noqa: SIM905 (a line of words reads better than a list)
    "the on in of at about some more than last next this past early late mid- a an and or so "
    "ago later earlier before after from now back hence previously prior every each per twice "
    "times once fiscal year years day days week weekend month months quarter decade century "
    "half hour minute Monday Tue. Sept. May may March march June spring fall Christmas Eve Day "
    "New Year's today tonight yesterday morning night noon midnight recently currently future "
    "present daily annually 1998 2023 13 9:43 p.m. 2023-09-13 9/13/23 '80s 1990s 1990's "
    "nineties FY2013 FY13 Q3 first third 13th twenty-five forty four o'clock several few said "
    "troops miles , . ; ( ) - — \n"
).split(" ") + ["the very beginning of", "around the end of", "the following", "not more than",
                "the last week of", "an additional", "ninety thousand and seventy", "consecutive",
                "this coming", "late the preceding", "Wednesday,", "of the fiscal year", "or so",
                "from now"]


def _found(candidates):
    return sorted((c.start, c.end, c.rule.name, repr(c.spec)) for c in candidates)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from([" ", "  ", "\n", "", " \n "])),
                max_size=60))
def test_rules_near_their_cores_find_what_rules_everywhere_find(pieces):
    text = "".join(word + space for word, space in pieces)
    assert _found(_candidates(text)) == _found(_candidates_everywhere(text))


@pytest.mark.parametrize("text", [
    "13thSept. ",  # a day glued to its month: the rule's core is the digits, not "sept"
    "They stayed for not more than an additional twenty-five consecutive years in all.",
    "It was not more than an additional one hundred and twenty years ago.",
    "approximately a number of and a half more years ago",
    "at the very beginning of the following year, and around the end of this coming March",
    "late the preceding Wednesday, on Wednesday, the 13th of September, 2023",
    "the third fiscal quarter of the fiscal year 2023 and next year's fourth fiscal quarter",
])
def test_rules_near_their_cores_reach_the_longest_expressions(text):
    assert _found(_candidates(text)) == _found(_candidates_everywhere(text)) != []


@pytest.mark.skipif(not CORPORA.is_dir(), reason="needs ../shared/corpora")
@pytest.mark.parametrize("corpus", ["TBAQ-cleaned", "wikiwars-train", "tweets-train"])
def test_rules_near_their_cores_on_the_corpora(corpus):
    files = sorted(str(p) for p in (CORPORA / corpus).rglob("*.tml"))
    different = [d.doc_id for d in read_documents(files, error=print, warn=lambda m: None)
                 if _found(_candidates(d.text)) != _found(_candidates_everywhere(d.text))]
    assert files and different == []
