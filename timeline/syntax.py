"""Word classes for events when no trained spaCy pipeline is at hand.

A trained pipeline tags every token (``token.pos_``); a blank one only tokenizes. For the blank
case ``guess_classes`` reads the classes that matter for finding events from the words and their
neighbours: auxiliaries, verbs (irregular forms, -ed/-ing forms, a bare form after a modal or
"to"), event nouns, names (capitalised words), and the closed classes. It is a guess, made only
for the sentences that hold a date, and it uses spaCy's universal tag names so the code that
reads it works the same with a real tagger.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, LIKE_NUM, SENT_START, SPACY
from spacy.tokens import Doc

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
# spaCy's tokenizer takes time quadratic in the length of a run without whitespace
# (explosion/spaCy#4362: 10,000 apostrophes take 7 s); no word is this long.
LONGEST_RUN = 100
_LONG_RUN = re.compile(rf"\S{{{LONGEST_RUN + 1},}}")




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


# What Words reads of each token, in its fields' order after ``text`` and ``lower``.
_ATTRIBUTES = [IDX, LENGTH, SPACY, IS_SPACE, IS_PUNCT, LIKE_NUM, SENT_START]


@dataclass(frozen=True, slots=True)
class Words:
    """The tokens of a spaCy Doc as plain lists, read in one pass.

    Reading tokens one at a time builds a ``Token`` object on every ``doc[i]``, which cost
    more than everything else the event reader does; these lists are indexed like the Doc."""

    text: list[str]
    lower: list[str]
    idx: list[int]
    space_after: list[int]  # 1 or 0, as spaCy's arrays give them
    blank: list[int]  # whitespace tokens
    punct: list[int]
    number: list[int]  # like_num
    sent_start: list[int]  # 1: starts a sentence; 0: unknown; -1: does not

    @classmethod
    def of(cls, doc: Doc, text: str) -> Words:
        """The words of ``doc``, whose text is ``text``."""
        if not len(doc):
            return cls([], [], [], [], [], [], [], [])
        idx, length, space, blank, punct, number, start = doc.to_array(_ATTRIBUTES).T.tolist()
        words = [text[i:i + n] for i, n in zip(idx, length, strict=True)]
        return cls(words, [w.lower() for w in words], idx, space, blank, punct, number, start)

    @classmethod
    def of_pieces(cls, tokenizer: Callable[[str], Doc], text: str,
                  pieces: Sequence[Sequence[int]]) -> Words:
        """The words of the (start, end) ``pieces`` of ``text`` (in order, apart) tokenized
        each on its own, with offsets into ``text``."""
        rows: list[list[int]] = [[] for _ in _ATTRIBUTES]
        for start, end in (part for piece in pieces for part in _cut_long_runs(text, *piece)):
            doc = tokenizer(text[start:end])
            if not len(doc):
                continue
            columns = doc.to_array(_ATTRIBUTES).T.tolist()
            columns[0] = [i + start for i in columns[0]]
            for row, column in zip(rows, columns, strict=True):
                row.extend(column)
        idx, length, space, blank, punct, number, first = rows
        words = [text[i:i + n] for i, n in zip(idx, length, strict=True)]
        return cls(words, [w.lower() for w in words], idx, space, blank, punct, number, first)


def _cut_long_runs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``text[start:end]`` in parts, cut inside any run without whitespace every
    ``LONGEST_RUN`` characters, so that the tokenizer never sees a longer one."""
    cuts = [start]
    for m in _LONG_RUN.finditer(text, start, end):
        cuts += range(m.start() + LONGEST_RUN, m.end(), LONGEST_RUN)
    return list(zip(cuts, [*cuts[1:], end], strict=True))


def guess_classes(words: Words, start: int, stop: int) -> list[str]:
    """A universal part-of-speech tag for each token of the sentence ``start``..``stop``,
    guessed from the words."""
    lexicon_words = lexicon()
    lowers = words.lower[start:stop]
    classes: list[str] = []
    for i in range(stop - start):
        classes.append(_guess(words, start + i, lowers[i], i, lowers, classes, lexicon_words))
    return classes


@cache
def _closed_classes() -> dict[str, str]:
    """The class of each word of a closed class (auxiliaries, determiners ...), whatever its
    neighbours; a word in several lists takes the first of AUX, DET, PRON, CCONJ, SCONJ, ADP,
    ADV."""
    words = lexicon()
    ordered = [(AUX, words["auxiliary"] | {"wo", "ca"}), (DET, words["determiners"]),
               (PRON, words["pronouns"]), (CCONJ, _COORDINATING),
               (SCONJ, words["conjunctions"]), (ADP, words["prepositions"]), (ADV, _ADVERBS)]
    classes: dict[str, str] = {}
    for cls, members in reversed(ordered):
        classes.update(dict.fromkeys(members, cls))
    return classes


def _guess(tokens: Words, t: int, w: str, i: int, lowers: list[str], classes: list[str],
           words: dict[str, frozenset[str]]) -> str:
    if tokens.punct[t] or tokens.blank[t]:
        return PUNCT
    if tokens.number[t]:
        return NUM
    # "has" and "had" stand alone as verbs too ("had talks"), but rarely date anything: AUX.
    closed = _closed_classes().get(w)
    if closed is not None:
        return closed
    if w.endswith("ly") and len(w) > 4:
        return ADV
    capitalised = tokens.text[t][:1].isupper()
    if capitalised and i > 0 and tokens.sent_start[t] != 1:
        return PROPN
    if w in words["not_verbs"]:
        return NOUN
    before = _previous_word(lowers, classes, i)
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
