"""Word classes for events when no trained spaCy pipeline is at hand.

A trained pipeline tags every token (``token.pos_``); a blank one only tokenizes. For the blank
case ``guess_classes`` reads the classes that matter for finding events from the words and their
neighbours: auxiliaries, verbs (irregular forms, -ed/-ing forms, a bare form after a modal or
"to"), event nouns, names (capitalised words), and the closed classes. It is a guess, made only
for the sentences that hold a date, and it uses spaCy's universal tag names so the code that
reads it works the same with a real tagger.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import cache
from importlib import resources

from spacy.tokens import Token

VERB, AUX, NOUN, PROPN, ADP, DET, PRON, CCONJ, SCONJ, PUNCT, NUM, ADV = (
    "VERB", "AUX", "NOUN", "PROPN", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "PUNCT", "NUM", "ADV"
)
_COORDINATING = {"and", "or", "but", "nor", "yet"}
_ADVERBS = {"not", "n't", "also", "just", "only", "even", "still", "already", "never", "then",
            "now", "reportedly", "officially", "finally", "later", "again", "ever", "jointly"}
# Before a bare verb form: "will meet", "to meet", "didn't meet".
_BARE_VERB_BEFORE = {"to", "will", "would", "shall", "should", "can", "could", "may", "might",
                     "must", "'ll", "do", "does", "did", "wo", "ca", "n't", "not"}
_BE = {"be", "am", "is", "are", "was", "were", "been", "being", "'s", "'re", "'m"}
_HAVE = {"have", "has", "had", "having", "'ve", "'d"}




@cache
def lexicon() -> dict[str, frozenset[str]]:
    """The word lists of ``resources/events_en.toml``, with the irregular verb forms split."""
    text = resources.files("timeline.resources").joinpath("events_en.toml").read_text("utf-8")
    data = tomllib.loads(text)
    forms = [line.split() for line in data.pop("irregular")]
    words = {name: frozenset(values) for name, values in data.items()}
    words["irregular_base"] = frozenset(f[0] for f in forms)
    # A past form that differs from the base is a verb wherever it stands ("met", "took").
    words["irregular_past"] = frozenset(
        form for f in forms for form in f[1:] if form != f[0]
    ) - words["not_verbs"]
    words["verbs"] = words["verbs"] | words["irregular_base"]
    return words


def guess_classes(tokens: Sequence[Token]) -> list[str]:
    """A universal part-of-speech tag for each token of a sentence, guessed from the words."""
    words = lexicon()
    lowers = [t.lower_ for t in tokens]
    classes: list[str] = []
    for i, token in enumerate(tokens):
        classes.append(_guess(token, lowers[i], i, lowers, classes, words))
    return classes


def _guess(token: Token, w: str, i: int, lowers: list[str], classes: list[str],
           words: dict[str, frozenset[str]]) -> str:
    if token.is_punct or token.is_space:
        return PUNCT
    if token.like_num:
        return NUM
    before = _previous_word(lowers, classes, i)
    if w in words["auxiliary"] or w in ("wo", "ca"):
        # "has" and "had" stand alone as verbs too ("had talks"), but rarely date anything.
        return AUX
    if w in words["determiners"]:
        return DET
    if w in words["pronouns"]:
        return PRON
    if w in _COORDINATING:
        return CCONJ
    if w in words["conjunctions"]:
        return SCONJ
    if w in words["prepositions"]:
        return ADP
    if w in _ADVERBS or (w.endswith("ly") and len(w) > 4):
        return ADV
    capitalised = token.text[:1].isupper()
    if capitalised and i > 0 and not token.is_sent_start:
        return PROPN
    if w in words["not_verbs"]:
        return NOUN
    after_determiner = before in words["determiners"] or before.endswith("'s")
    if w in words["reporting"] or w in words["irregular_past"]:
        return VERB
    if not w.isalpha() and "-" not in w:
        return PROPN if capitalised else NOUN
    if before in _BARE_VERB_BEFORE and (w in words["verbs"] or (
            not capitalised)):
        return VERB
    if len(w) > 4 and w.endswith("ed"):
        return NOUN if after_determiner else VERB
    if len(w) > 5 and w.endswith("ing"):
        return NOUN if after_determiner or before in words["prepositions"] else VERB
    if not after_determiner and _verb_form(w, words["verbs"]) and _subject_before(classes):
        return VERB
    return PROPN if capitalised and i > 0 else NOUN


def _verb_form(w: str, verbs: frozenset[str]) -> bool:
    return w in verbs or (w.endswith("s") and w[:-1] in verbs) or (
        w.endswith("es") and w[:-2] in verbs)


def _subject_before(classes: list[str]) -> bool:
    """Whether the word before could end a subject ("Putin visits", "they meet")."""
    previous = next((c for c in reversed(classes) if c != ADV), None)
    return previous in (PROPN, PRON, NOUN)


def _previous_word(lowers: list[str], classes: list[str], i: int) -> str:
    """The nearest word before ``i`` that is not an adverb ("will not meet": "will")."""
    for j in range(i - 1, -1, -1):
        if classes[j] != ADV:
            return lowers[j]
    return ""
