"""From dated expressions to events: what happened, who took part, and when.

For every temporal expression that dates something, the event it dates is the verb or event noun
the expression attaches to (its *trigger*), described by the clause around that trigger, with the
names in that clause as its *actors*:

    Kim Jong-un arrived at Khasan, border town of Russia, on Tuesday, and met Putin on Wednesday.
    -> 2023-09-12  arrived  "Kim Jong-un arrived at Khasan, border town of Russia"
    -> 2023-09-13  met      "Kim Jong-un met Putin"

With a trained spaCy pipeline the trigger is read from the dependency parse (the first verb or
event noun above the expression) and the actors from the named entities. With a blank pipeline
the word classes are guessed (``timeline.syntax``) and the trigger is the nearest verb or event
noun in the clause, nearer on the left, never across a clause break or another date.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from functools import cache

from spacy.language import Language
from spacy.tokens import Doc

from timeline import temporal
from timeline.parse import TenseOf, tense_of_parse
from timeline.records import Document, Event
from timeline.syntax import (
    ADP,
    AUX,
    CCONJ,
    DET,
    NOUN,
    NUM,
    PRON,
    PROPN,
    PUNCT,
    SCONJ,
    VERB,
    Words,
    guess_classes,
    lexicon,
)
from timeline.temporal import Timex
from timeline.temporal.context import in_dateline, sentence_bounds, sentence_of

# Entity labels of a trained pipeline that name participants: people, groups, places.
ACTOR_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC"})
_BREAKS = {";", ":", "—", "--"}
# A subordinate clause opens with these: its verb is not the main clause's.
_CLAUSE_OPENERS = {"while", "whereas", "because", "although", "though", "which", "who",
                   "whom", "whose", "unless", "if"}
# Prepositions that only introduce the date and go with it.
_DATE_PREPOSITIONS = {"on", "in", "at", "during", "of", "by", "for"}
_HEADER_LINE = re.compile(
    r"\s*(?:first published|published|posted|last updated|updated|date)\b\s*(?:on|at)?\s*"
    r"[:\-\u2013\u2014]?\s*(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s*)?",
    re.I,
)
# A capitalised word: dots only inside ("U.S") or after an initial ("George W."); no "'s".
_NAME_WORD = r"[A-Z](?:[\w&-]|['’](?!s\b)|\.(?=\w))*(?:(?<=\b[A-Z])\.)?"
_NAME_JOINER = r"(?:of|de|del|da|al|bin|van|von|der|la|le|du|the)[ \t]+"
_NAME = re.compile(rf"{_NAME_WORD}(?:[ \t]+(?:{_NAME_JOINER})?{_NAME_WORD})*")
_DURATION = re.compile(r"^P(\d+(?:\.\d+)?)([YMWD])$")
_LOOKING_BACK = re.compile(r"\b(?:past|last|previous|recent|preceding)\b", re.I)
_LOOKING_AHEAD = re.compile(r"\b(?:next|coming|following|upcoming)\b", re.I)
_GRANULARITY = {"Y": "year", "M": "month", "W": "week", "D": "day"}
MAX_WORDS = 30
# After ", and" a subject of up to this many tokens before its verb opens a new clause.
SUBJECT_TOKENS = 14
# How many tokens a trigger or a clause lies at most from its date: a sentence that is one long
# list of dates would otherwise cost the square of its length.
REACH = 100
# Longer documents are read in parts of at most this many characters (spaCy's own default
# limit), so that a 50 MB text costs the memory of a 1 MB one.
MAX_PART = 1_000_000
# Strings in spaCy's vocabulary past which each part's own are freed after it (about 350 MB;
# the 2,452 documents of te3-silver leave 34,000).
VOCAB_LIMIT = 1_000_000
_SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*\s+")


@cache
def blank_pipeline() -> Language:
    """spaCy's blank English pipeline: its tokenizer, nothing trained."""
    import spacy

    return spacy.blank("en")


def load_pipeline(name: str | None) -> Language:
    """The named trained spaCy pipeline (``en_core_web_sm`` ...), or the blank one for None.

    Raises ``OSError`` with spaCy's message when the pipeline is not installed.
    """
    if not name:
        return blank_pipeline()
    import spacy

    return spacy.load(name, disable=["lemmatizer"])


def extract(
    text: str,
    published: str | dt.date | None = None,
    *,
    doc_id: str = "doc",
    title: str | None = None,
    source: str | None = None,
    nlp: Language | None = None,
    mode: str = "auto",
) -> list[Event]:
    """The dated events of ``text``, in reading order.

    ``published`` (a date or ``YYYY-MM-DD``) anchors relative dates; without it they stay
    unresolved. ``nlp`` is a spaCy pipeline; by default the blank English one.
    """
    day = _as_date(published)
    document = Document(doc_id, text, day, title=title, source=source)
    return extract_document(document, nlp=nlp, mode=mode)


def extract_document(
    document: Document, *, nlp: Language | None = None, mode: str = "auto"
) -> list[Event]:
    """The dated events of one document."""
    nlp = nlp or blank_pipeline()
    found: list[Event] = []
    for start, part, _ in document_parts(document, nlp):
        found.extend(in_document(_events_of_part(part, nlp, mode), start, len(found)))
    return found


def document_parts(document: Document, nlp: Language) -> Iterator[tuple[int, Document, bool]]:
    """(start, part, last) for each part of ``document`` that is read on its own: the document
    itself when it holds at most ``MAX_PART`` characters (and ``nlp.max_length``), else pieces
    of it cut at paragraph or sentence breaks (``text_parts``), each cut only when its turn
    comes. ``start`` is where the part begins in the document, ``last`` whether it ends it.
    (A relative date at the start of a part is anchored without the dates of the part before
    it.)"""
    spans = text_parts(document.text, min(MAX_PART, nlp.max_length))
    if len(spans) == 1:
        yield 0, document, True
        return
    for n, (start, end) in enumerate(spans, 1):
        yield start, replace(document, text=document.text[start:end]), n == len(spans)


class DocumentParts:
    """(document, start, part, last) for each part of ``documents`` (``document_parts``), in
    order, and which results count: once a part has failed (``wanted`` was told its problem),
    the rest of its document is not cut, and results of its parts already sent out are not
    wanted. The one-process, ``--workers`` and Dask paths all send parts out this way."""

    def __init__(self, documents: Iterable[Document], nlp: Language) -> None:
        self.documents = documents
        self.nlp = nlp
        self.failed: Document | None = None

    def __iter__(self) -> Iterator[tuple[Document, int, Document, bool]]:
        for document in self.documents:
            for start, part, last in document_parts(document, self.nlp):
                if self.failed is document:
                    break
                yield document, start, part, last

    def wanted(self, document: Document, problem: str | None) -> bool:
        """Whether the result of a part of ``document`` (which failed when ``problem``)
        counts: not when a part of that document before it failed."""
        if self.failed is not None:
            if self.failed is document:
                return False
            self.failed = None
        if problem is not None:
            self.failed = document
        return True


def in_document(events: list[Event], start: int, before: int) -> list[Event]:
    """The events of a part that begins at character ``start`` of its document as events of
    the whole: offsets shifted by ``start``, numbered on after the ``before`` events of the
    parts before it."""
    if start == 0 and before == 0:
        return events
    return [replace(
        event, event_id=f"{event.doc_id}-{before + n}",
        timex_start=event.timex_start + start, timex_end=event.timex_end + start,
        trigger_start=None if event.trigger_start is None else event.trigger_start + start,
        trigger_end=None if event.trigger_end is None else event.trigger_end + start)
        for n, event in enumerate(events, 1)]


def _vocabulary_zone(nlp: Language) -> AbstractContextManager:
    """Every new word stays in spaCy's vocabulary for the life of the process; past
    ``VOCAB_LIMIT`` strings, what is read inside this is let go after it (a memory zone, whose
    cost is a slower tokenizer: a news archive stays below it, arbitrary text would grow
    without it). The Docs made inside must not leave it; their events may."""
    return nlp.memory_zone() if len(nlp.vocab.strings) > VOCAB_LIMIT else nullcontext()


def _events_of_part(part: Document, nlp: Language, mode: str) -> list[Event]:
    with _vocabulary_zone(nlp):
        if not nlp.pipe_names:
            return _events_of_text(part, nlp, mode)
        return events_from_doc(nlp(part.text), part, mode=mode)


def text_parts(text: str, size: int) -> list[tuple[int, int]]:
    """(start, end) parts of ``text`` of at most ``size`` characters that cover it, each cut
    after a paragraph break when one lies in the part's second half, else after a sentence's
    end, else at a space, else where the size runs out."""
    parts, start = [], 0
    while len(text) - start > size:
        limit, half = start + size, start + size // 2
        cut = text.rfind("\n\n", half, limit)
        if cut >= 0:
            cut += 2
        else:
            ends = [m.end() for m in _SENTENCE_END.finditer(text, half, limit)]
            cut = ends[-1] if ends else text.rfind(" ", half, limit) + 1 or limit
        parts.append((start, cut))
        start = cut
    parts.append((start, len(text)))
    return parts


def extract_documents(
    documents: Iterable[Document],
    *,
    nlp: Language | None = None,
    mode: str = "auto",
    batch_size: int = 64,
) -> Iterator[tuple[Document, list[Event]]]:
    """Each document with its events, in order, through ``nlp.pipe`` (lazily)."""
    nlp = nlp or blank_pipeline()
    if not nlp.pipe_names:  # a tokenizer alone: only the sentences with a date need it
        for document in documents:
            yield document, extract_document(document, nlp=nlp, mode=mode)
        return
    pending: list[Document] = []  # long documents go in parts, between batches

    def batch() -> Iterator[tuple[Document, list[Event]]]:
        pairs = ((d.text, d) for d in pending)
        with _vocabulary_zone(nlp):
            for doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=batch_size):
                yield document, events_from_doc(doc, document, mode=mode)
        pending.clear()

    for document in documents:
        if len(document.text) > min(MAX_PART, nlp.max_length):
            yield from batch()
            yield document, extract_document(document, nlp=nlp, mode=mode)
        else:
            pending.append(document)
            if len(pending) >= batch_size:
                yield from batch()
    yield from batch()


def events_from_doc(
    doc: Doc,
    document: Document,
    *,
    timexes: Sequence[Timex] | None = None,
    mode: str = "auto",
) -> list[Event]:
    """The events of a spaCy ``doc`` of ``document.text``; ``timexes`` when already found."""
    if timexes is None:
        timexes = _tag(document, mode, tense_of_parse(doc))
    return _events(_Reader(doc, timexes, document.text), document, timexes)


def _tag(document: Document, mode: str, tense: TenseOf | None = None) -> list[Timex]:
    if document.published is None and mode == "auto":
        mode = "news"  # no date to anchor to: relative dates stay unresolved, as warned
    return temporal.tag(document.text, document.published, mode=mode, tense=tense)


def _events_of_text(document: Document, nlp: Language, mode: str) -> list[Event]:
    """The events of ``document`` with a pipeline that only tokenizes: the sentences that
    hold an expression are tokenized, and nothing else (the same tokens as the whole text
    would give them: spaCy splits at whitespace first, and sentences start after it)."""
    timexes = _tag(document, mode)
    if not timexes:
        return []
    text = document.text
    bounds = sentence_bounds(text)
    sentences = sorted({sentence_of(bounds, text, offset) for t in timexes
                        for offset in (t.start, max(t.start, t.end - 1))})
    pieces: list[list[int]] = []  # runs of adjacent sentences, tokenized as one text
    for start, end in sentences:
        if pieces and pieces[-1][1] == start:
            pieces[-1][1] = end
        else:
            pieces.append([start, end])
    words = Words.of_pieces(nlp.tokenizer, text, pieces)
    firsts = [bisect.bisect_left(words.idx, start) for start, _ in sentences]
    return _events(_Reader(None, timexes, text, (words, firsts, pieces)), document, timexes)


def _events(reader: _Reader, document: Document, timexes: Sequence[Timex]) -> list[Event]:
    found = []
    for timex in timexes:
        when = _when(timex, document.published)
        if when is None or _in_header(document.text, timex):
            continue
        for event in reader.read(timex, when[:2], document.published):
            found.append((timex, when, event))
    found.sort(key=lambda f: (f[0].start, -1 if f[2].trigger is None else f[2].trigger[1]))
    return [_event(document, n, timex, when, event)
            for n, (timex, when, event) in enumerate(found, 1)]


# --- when ----------------------------------------------------------------------------------


_When = tuple[str | None, str | None, str | None]


def _when(timex: Timex, published: dt.date | None) -> _When | None:
    """(start, end, granularity) of what ``timex`` dates, or None when it dates nothing."""
    if timex.type in ("DATE", "TIME"):
        if timex.value.endswith("_REF"):
            return None  # "now", "recently", "the past": no place on a timeline
        return timex.first_day, timex.last_day, timex.granularity or _granularity(timex.value)
    if timex.type == "DURATION" and published is not None:
        return _anchored_duration(timex, published)
    return None  # a SET ("every week") or a bare duration ("for three years")


def _granularity(value: str) -> str | None:
    """The unit of an unresolved value ("XXXX-XX-XX": day)."""
    parts = value.split("T")[0].split("-")
    if re.fullmatch(r"[\dX]{4}(?:-[\dX]{2}){0,2}", value.split("T")[0]):
        return ("year", "month", "day")[len(parts) - 1]
    return None


def _anchored_duration(timex: Timex, published: dt.date) -> _When | None:
    """The period of "the past five years" (up to the publication day) or "the next three
    weeks" (from it); None for a duration that is not anchored."""
    match = _DURATION.match(timex.value)
    if not match or "." in match[1]:
        return None
    count, unit = int(match[1]), match[2]
    if count < 1:  # "the past 0 days": no period
        return None
    try:
        if _LOOKING_BACK.search(timex.text):
            start = _shift(published, -count, unit) + dt.timedelta(days=1)
            if start <= published:  # not when the calendar's first year cut it short
                return start.isoformat(), published.isoformat(), _GRANULARITY[unit]
        elif _LOOKING_AHEAD.search(timex.text):
            end = _shift(published, count, unit) - dt.timedelta(days=1)
            if end >= published:
                return published.isoformat(), end.isoformat(), _GRANULARITY[unit]
    except OverflowError:  # the period runs off the calendar (before year 1, after 9999)
        return None
    return None


def _shift(day: dt.date, count: int, unit: str) -> dt.date:
    """``day`` moved by ``count`` units, clamped to the calendar (Mar 31 - 1 month: Feb 28)."""
    if unit in ("D", "W"):
        return day + dt.timedelta(days=count * (7 if unit == "W" else 1))
    months = day.year * 12 + day.month - 1 + count * (12 if unit == "Y" else 1)
    year, month = divmod(months, 12)
    year = min(max(year, 1), 9999)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def _in_header(text: str, timex: Timex) -> bool:
    """Whether the expression dates the article, not an event: on a "Published: ..." line, or
    in a wire dateline ("LONDON, March 22 (Reuters) -")."""
    line_start = text.rfind("\n", 0, timex.start) + 1
    if _HEADER_LINE.fullmatch(text, line_start, timex.start):
        return True
    return in_dateline(text, timex.start, timex.end)


# --- reading the sentence ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Found:
    trigger: tuple[str, int] | None  # the word and its offset
    description: str
    actors: tuple[str, ...]
    sentence: str


class _Reader:
    """Finds triggers, clauses and actors in one spaCy Doc, with tags when it has them."""

    def __init__(self, doc: Doc | None, timexes: Sequence[Timex], text: str | None = None,
                 words: tuple[Words, list[int], list[list[int]]] | None = None) -> None:
        """Read ``doc``; or, with no doc, ``words``: the tokens of some sentences of ``text``
        (all those holding an expression of ``timexes``), the token index each starts at, and
        the (start, end) character spans they cover."""
        self.doc = doc
        self._within = None if words is None else words[2]
        # ``doc.text`` joins every token again on each call: take the text as read when known.
        self.text = doc.text if text is None else text
        self.parsed = doc is not None and doc.has_annotation("DEP")
        self.tagged = doc is not None and (doc.has_annotation("TAG") or doc.has_annotation("POS"))
        self.named = doc is not None and doc.has_annotation("ENT_IOB")
        if words is None:
            self.words = Words.of(doc, self.text)  # plain lists: doc[i] makes a Token each time
            self._starts = self.words.idx
            self._sentences = self._sentence_spans()
        else:
            self.words, starts, _ = words
            self._starts = self.words.idx
            ends = [*starts[1:], len(self._starts)]
            self._sentences = [range(a, b) for a, b in zip(starts, ends, strict=True) if b > a]
        self._classes: dict[int, list[str]] = {}
        self._sentence_starts = [s.start for s in self._sentences]
        self._names: list[tuple[int, int, str]] | None = None  # found when first needed
        self._name_starts: list[int] = []
        self.dates = [self._token_range(t) for t in timexes]
        # What a description leaves out: dates and times, not durations ("after forty years")
        # or vague references ("to discuss the future of the site").
        self.cut = [d for d, t in zip(self.dates, timexes, strict=True)
                    if t.type in ("DATE", "TIME") and not t.value.endswith("_REF")]
        # Found by bisection: looking through all of a long document's expressions (or a
        # long sentence's) for each event would cost the square of their number.
        self._indexed = (_Ranges(self.dates), _Ranges(self.cut))

    def read(self, timex: Timex, span: tuple[str | None, str | None],
             published: dt.date | None) -> list[_Found]:
        """The event ``timex`` dates (first), and the other events of its clause it dates.

        ``span`` is the (first, last) ISO day the expression covers."""
        first = self._token_at(timex.start)
        last = self._token_at(timex.end - 1)
        if first is None or last is None:
            return []
        sentence = self._sentence_of(first)
        classes = self._classes_of(sentence)
        trigger = None
        if self.parsed:
            trigger = self._parsed_trigger(first, last + 1, sentence)
        if trigger is None:
            trigger = self._nearest_trigger(first, last + 1, sentence, classes)
        found = [self._found(trigger, first, last, sentence, classes)]
        if trigger is not None:
            for other in self._same_date(trigger, first, last, sentence, classes):
                if not _tense_conflict(self.words, other, span, published):
                    found.append(self._found(other, first, last, sentence, classes))
        return found

    def _found(self, trigger: int | None, first: int, last: int, sentence: range,
               classes: list[str]) -> _Found:
        """The description and actors of the event at ``trigger`` dated by tokens
        ``first``..``last``."""
        anchor = trigger if trigger is not None else first
        lo, hi = self._clause(anchor, sentence, classes)
        if trigger is not None and last < trigger:  # "In early trading Monday, X fell": X fell
            comma = next((i for i in range(last + 1, trigger) if self.words.text[i] == ","),
                         None)
            lo = max(lo, comma + 1) if comma is not None else lo
        if trigger is None:  # no event word: describe what surrounds the date
            lo, hi = min(lo, first), max(hi, last + 1)
        cut = self._indexed[1].overlapping(range(lo, hi)) + [range(first, last + 1)]
        description, kept = self._describe(lo, hi, sentence, classes, cut, trigger)
        words, starts = self.words.text, self._starts
        last_word = sentence.stop - 1
        return _Found(
            None if trigger is None else (words[trigger], starts[trigger]),
            description,
            self._actors(kept),
            self.text[starts[sentence.start]:starts[last_word] + len(words[last_word])],
        )

    def _same_date(self, trigger: int, first: int, last: int, sentence: range,
                   classes: list[str]) -> list[int]:
        """Other verbs of the trigger's clause that the same date governs ("Police seized a
        bomb and arrested two men Sunday"): no other date is nearer to them, none lies
        between, and they are not participles describing a noun."""
        if self.parsed:  # the parse says which verbs share the date: the trigger's conjuncts
            head = self.doc[trigger]
            return [c.i for c in head.children if c.dep_ == "conj" and c.pos_ == VERB
                    and not any(self._indexed[0].holds(i)
                                for i in range(c.left_edge.i, c.right_edge.i + 1))]
        lo, hi = self._clause(trigger, sentence, classes)
        own = range(first, last + 1)
        dates = self._indexed[0]
        found = []
        for i in range(lo, hi):
            if (i == trigger or i in own or classes[i - sentence.start] != VERB
                    or self._participle_cost(i, sentence.start, classes)):
                continue
            a, b = sorted((i, first))
            k = bisect.bisect_right(dates.starts, a)
            if k < len(dates.starts) and dates.starts[k] < b:
                continue  # another date lies between
            # Else only the dates either side of i can be nearer to it than its own.
            distance = min(abs(i - first), abs(i - last))
            k = bisect.bisect_left(dates.starts, i)
            if any(min(abs(i - d.start), abs(i - d[-1])) < distance
                   for d in dates.ranges[max(k - 1, 0):k + 1]
                   if d.start != first and sentence.start <= d.start < sentence.stop):
                continue
            found.append(i)
        return found

    # tokens and sentences

    def _token_at(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        return i if 0 <= i < len(self._starts) else None

    def _token_range(self, timex: Timex) -> range:
        a, b = self._token_at(timex.start), self._token_at(timex.end - 1)
        return range(a, b + 1) if a is not None and b is not None else range(0)

    def _sentence_spans(self) -> list[range]:
        if self.doc.has_annotation("SENT_START"):
            return [range(s.start, s.end) for s in self.doc.sents]
        starts = [self._token_at(c) for c in sentence_bounds(self.text)]
        starts = sorted({s for s in starts if s is not None} | {0})
        ends = starts[1:] + [len(self._starts)]
        return [range(a, b) for a, b in zip(starts, ends, strict=True) if b > a]

    def _sentence_of(self, token: int) -> range:
        i = bisect.bisect_right(self._sentence_starts, token) - 1
        return self._sentences[max(i, 0)]

    def _classes_of(self, sentence: range) -> list[str]:
        """Word classes of the sentence's tokens, indexed from the sentence start."""
        if self.tagged:
            return [t.pos_ or NOUN for t in self.doc[sentence.start:sentence.stop]]
        if sentence.start not in self._classes:
            self._classes[sentence.start] = guess_classes(self.words, sentence.start,
                                                          sentence.stop)
        return self._classes[sentence.start]

    # triggers

    def _is_trigger(self, word: str, cls: str) -> bool:
        """Whether a word of class ``cls`` (``word`` in lower case) can be an event."""
        if cls == VERB:
            return True
        if cls == NOUN:
            nouns = lexicon()["event_nouns"]
            return word in nouns or (word.endswith("s") and word[:-1] in nouns)
        return False

    def _participle_cost(self, i: int, s0: int, classes: list[str]) -> float:
        """A bare -ing form without an auxiliary ("a town bordering Ireland") is seldom the
        event a date goes with."""
        word = self.words.lower[i]
        if self.tagged or not word.endswith("ing") or i == s0:
            return 0.0
        return 0.0 if classes[i - 1 - s0] in (AUX, "ADV") else 3.0

    def _parsed_trigger(self, a: int, b: int, sentence: range) -> int | None:
        """The first verb or event noun above the expression in the dependency tree."""
        span = self.doc[a:b]
        head = span.root.head
        for _ in range(8):
            if head.i in range(a, b):
                break
            if self._is_trigger(head.lower_, head.pos_):
                return head.i
            if head.head.i == head.i:
                return head.i if head.pos_ == AUX else None
            head = head.head
        return None

    def _possessed_noun(self, b: int, sentence: range, classes: list[str]) -> int | None:
        """"Tuesday's declaration", "Friday's stock market plunge": the noun the date owns."""
        s0 = sentence.start
        if b >= sentence.stop or self.words.lower[b] not in ("'s", "’s"):
            return None
        last = None
        for i in range(b + 1, min(b + 6, sentence.stop)):
            if classes[i - s0] in (NOUN, PROPN, "ADJ"):
                last = i
            elif classes[i - s0] != NUM:
                break
        return last

    def _introduces(self, a: int, b: int, sentence: range, classes: list[str]) -> bool:
        """Whether the date sits in an opening phrase set off by a comma ("On Tuesday, ...",
        "In early trading in Tokyo Monday, ..."): its event is in the main clause after it."""
        s0 = sentence.start
        comma = next((i for i in range(b, min(b + 3, sentence.stop))
                      if self.words.text[i] == ","), None)
        if comma is None:
            return False
        return all(classes[i - s0] not in (VERB, AUX) or self.words.lower[i].endswith("ing")
                   for i in range(sentence.start, a))

    def _nearest_trigger(self, a: int, b: int, sentence: range,
                         classes: list[str]) -> int | None:
        """The nearest verb or event noun in the clause; nearer on the left."""
        s0 = sentence.start
        owned = self._possessed_noun(b, sentence, classes)
        if owned is not None:
            return owned
        opening = self._introduces(a, b, sentence, classes)
        modifies_noun = a > s0 and (
            classes[a - 1 - s0] == DET or self.words.lower[a - 1] in ("'s", "’s")
        ) or (b < sentence.stop and self.words.lower[b] in ("'s", "’s"))
        best, best_score = None, None
        lowest, highest = max(sentence.start, a - REACH), min(sentence.stop, b + REACH)
        for direction in (1,) if opening else (-1, 1):
            i = a - 1 if direction < 0 else b
            cost = 0.0 if direction < 0 or opening else 1.5
            steps = 0
            while lowest <= i < highest:
                word, lower, cls = self.words.text[i], self.words.lower[i], classes[i - s0]
                if word in _BREAKS or (lower in _CLAUSE_OPENERS and direction > 0):
                    break
                if cls == CCONJ and self._opens_clause(i + 1, sentence, classes):
                    break
                if self._indexed[0].holds(i):
                    cost += 4
                elif word == ",":
                    cost += 0 if opening else 3
                elif cls != PUNCT:
                    steps += 1
                    if self._is_trigger(lower, cls):
                        score = cost + steps + self._participle_cost(i, s0, classes)
                        if direction > 0 and i > s0 and self.words.lower[i - 1] == "to":
                            score += 2  # "fell 50 cents Friday to close at $20": fell
                        if modifies_noun and direction > 0 and cls == NOUN and steps <= 3:
                            score -= 3
                        if best_score is None or score < best_score:
                            best, best_score = i, score
                        break
                i += direction
        return best

    # the clause and its description

    def _clause(self, anchor: int, sentence: range, classes: list[str]) -> tuple[int, int]:
        """The token range of the clause around ``anchor`` inside its sentence."""
        s0 = sentence.start
        text, lower = self.words.text, self.words.lower
        reporting = lexicon()["reporting"]
        lo, lowest = anchor, max(sentence.start, anchor - REACH)
        while lo > lowest:
            cls = classes[lo - 1 - s0]
            if text[lo - 1] in _BREAKS or lower[lo - 1] in _CLAUSE_OPENERS:
                break
            if cls == CCONJ and self._opens_clause(lo, sentence, classes):
                break
            if lower[lo - 1] in reporting and lo - 1 != anchor and (
                    cls == VERB or lower[lo - 1] == "according"):
                break
            lo -= 1
        hi, highest = anchor + 1, min(sentence.stop, anchor + 1 + REACH)
        while hi < highest:
            cls = classes[hi - s0]
            if text[hi] in _BREAKS or lower[hi] in _CLAUSE_OPENERS:
                break
            if cls == CCONJ and self._opens_clause(hi + 1, sentence, classes):
                break
            if text[hi] == "," and self._reported_tail(hi + 1, sentence, classes):
                break
            hi += 1
        return lo, hi

    def _opens_clause(self, i: int, sentence: range, classes: list[str]) -> bool:
        """Whether a conjunction before token ``i`` opens a new clause: a verb follows it
        ("... and met Putin"), or, after a comma, a subject and its verb do (within
        ``SUBJECT_TOKENS``: ", and a visit to an aircraft factory in Komsomolsk-on-Amur is
        planned" has twelve tokens before its verb)."""
        s0 = sentence.start
        text = self.words.text
        if i >= s0 + 2 and text[i - 2] == ",":
            for j in range(i, min(i + SUBJECT_TOKENS, sentence.stop)):
                if classes[j - s0] in (VERB, AUX):
                    return True
                if text[j] in _BREAKS or text[j] == ",":
                    return False
            return False
        for j in range(i, min(i + 2, sentence.stop)):
            cls = classes[j - s0]
            if cls in (VERB, AUX):
                return True
            if cls != "ADV":
                return False
        return False

    def _reported_tail(self, i: int, sentence: range, classes: list[str]) -> bool:
        """Whether ", state media said." follows: the attribution, not the event."""
        reporting = lexicon()["reporting"]
        for j in range(i, min(i + 6, sentence.stop)):
            if self.words.lower[j] in reporting:
                return True
            if classes[j - sentence.start] in (VERB, PUNCT):
                return False
        return False

    def _describe(self, lo: int, hi: int, sentence: range, classes: list[str],
                  dates: list[range], trigger: int | None) -> tuple[str, list[int]]:
        """The clause's words without the dates (and the prepositions that bring them), and
        the kept token indices."""
        words = self.words
        drop: set[int] = set()
        for d in dates:
            if d and lo <= d.start < hi:
                drop.update(d)
                before = d.start - 1
                while before > lo and words.blank[before]:
                    before -= 1
                if before >= lo and words.lower[before] in _DATE_PREPOSITIONS:
                    drop.add(before)
                if d.stop < hi and words.lower[d.stop] in ("'s", "’s"):
                    drop.add(d.stop)
        kept = [i for i in range(lo, hi) if i not in drop and not words.blank[i]]
        if lo == sentence.start:
            kept = self._without_dateline(kept)
        kept = _trim(kept, words, classes, sentence.start)
        if (kept and classes[kept[0] - sentence.start] in (VERB, AUX)
                and words.lower[kept[0] - 1] not in ("to", "according")):
            kept = self._subject(kept[0], sentence, classes) + kept
        if len(kept) > MAX_WORDS:
            centre = trigger if trigger is not None else kept[0]
            at = kept.index(centre) if centre in kept else 0
            left = max(0, at - MAX_WORDS // 3)
            kept = kept[left:left + MAX_WORDS]
        return _join(words, kept), kept

    def _without_dateline(self, kept: list[int]) -> list[int]:
        """The words after a wire dateline ("VLADIVOSTOK, Sept. 13 -"), which is no part of
        the event."""
        text = self.words.text
        for n, i in enumerate(kept[:12]):
            if text[i] in ("-", "--", "—", "–", "_") and text[kept[0]].isupper():
                return kept[n + 1:]
            if text[i][:1].islower():
                break
        return kept

    def _subject(self, verb: int, sentence: range, classes: list[str]) -> list[int]:
        """The subject of the first clause of the sentence, for a clause that has none
        ("... and met Putin"): the words before that clause's first verb."""
        s0 = sentence.start
        for j in range(sentence.start, verb):
            if classes[j - s0] in (VERB, AUX):
                words = [i for i in range(sentence.start, j) if classes[i - s0] != PUNCT
                         or self.words.text[i] in "-'’"]
                words = _trim(words, self.words, classes, s0)
                if 0 < len(words) <= 8 and any(classes[i - s0] in (PROPN, NOUN, PRON)
                                                for i in words):
                    return words
                return []
        return []

    def _actors(self, kept: list[int]) -> tuple[str, ...]:
        if not kept:
            return ()
        lo, hi = self._starts[kept[0]], self._starts[kept[-1]] + len(self.words.text[kept[-1]])
        inside = set(kept)
        if self._names is None:  # found once, in text order
            self._names = ([(e.start, e.start, e.text) for e in self.doc.ents
                            if e.label_ in ACTOR_LABELS] if self.named
                           else _names_in_text(self.text, self._within))
            self._name_starts = [start for start, _, _ in self._names]
        if self.named:  # entities by token: (first token, first token, text)
            first = bisect.bisect_left(self._name_starts, kept[0])
            last = bisect.bisect_right(self._name_starts, kept[-1])
            names = [name for start, _, name in self._names[first:last] if start in inside]
        else:  # names by character offsets
            first = bisect.bisect_left(self._name_starts, lo)
            last = bisect.bisect_right(self._name_starts, hi)
            names = [name for start, end, name in self._names[first:last]
                     if end <= hi and self._token_at(start) in inside]
        return tuple(dict.fromkeys(names))


class _Ranges:
    """Token ranges in reading order (none inside another), found by where they lie."""

    def __init__(self, ranges: list[range]) -> None:
        self.ranges = [r for r in ranges if r]
        self.starts = [r.start for r in self.ranges]
        self.stops = [r.stop for r in self.ranges]

    def overlapping(self, span: range) -> list[range]:
        first = bisect.bisect_right(self.stops, span.start)
        return self.ranges[first:bisect.bisect_left(self.starts, span.stop)]

    def holds(self, i: int) -> bool:
        """Whether token ``i`` lies in one of the ranges."""
        k = bisect.bisect_right(self.starts, i) - 1
        return k >= 0 and i < self.stops[k]


def _tense_conflict(words: Words, i: int, span: tuple[str | None, str | None],
                    published: dt.date | None) -> bool:
    """Whether the verb at ``i`` cannot happen in ``span``: a past form for a day after
    publication, or a future one ("will resign", "to resign") for a day before it."""
    first, last = span
    if published is None or first is None or last is None:
        return False
    word = words.lower[i]
    before = words.lower[i - 1] if i > 0 else ""
    future = before in ("will", "would", "to", "'ll", "shall")
    past = ((word in lexicon()["irregular_past"] or word.endswith("ed"))
            and before not in ("be", "been", "being", "will", "to", "would", "is", "are"))
    day = published.isoformat()
    return (past and first > day) or (future and last < day)


def _trim(kept: list[int], words: Words, classes: list[str], s0: int) -> list[int]:
    """Drop leading conjunctions, "that" and punctuation, and trailing punctuation."""
    lo, hi = 0, len(kept)  # indices, not a slice per dropped token (quadratic)
    while lo < hi and ((classes[kept[lo] - s0] in (PUNCT, CCONJ, SCONJ, ADP)
                        and words.text[kept[lo]] not in ('"', "“"))
                       or words.lower[kept[lo]] == "that"):
        lo += 1
    while hi > lo and classes[kept[hi - 1] - s0] in (PUNCT, CCONJ, SCONJ, ADP, DET):
        hi -= 1
    return kept[lo:hi]


def _join(words: Words, kept: list[int]) -> str:
    """The words of ``kept`` as text, with their own spacing; a gap becomes one space."""
    parts = []
    for n, i in enumerate(kept):
        parts.append(words.text[i])
        nxt = kept[n + 1] if n + 1 < len(kept) else None
        if nxt is not None:
            parts.append((" " if words.space_after[i] else "") if nxt == i + 1 else " ")
    text = " ".join("".join(parts).split())
    text = re.sub(r"\s+([,.;:!?])", r"\1", text)
    return re.sub(r"([,;:])(?:\s*[,;:])+", r"\1", text)


def _names_in_text(text: str, within: Sequence[Sequence[int]] | None = None
                   ) -> list[tuple[int, int, str]]:
    """Capitalised runs of words that look like names, with their character offsets (only
    those starting inside the (start, end) spans ``within``, in order, when given).

    Function words and month or weekday names are not names. A capitalised word opening a
    sentence counts only in a run of several words or when it also appears capitalised
    mid-sentence elsewhere in the text.
    """
    words = lexicon()
    skip = _not_names()
    runs = []
    mid_sentence = set()
    for m in _NAME.finditer(text):
        before = text[max(0, m.start() - 20):m.start()]
        gap = before[len(before.rstrip()):]
        opens_sentence = not before.strip() or before.rstrip()[-1] in ".!?\"“" or "\n" in gap
        if not opens_sentence:
            mid_sentence.add(m.group().split()[0])
        runs.append((m.start(), m.group(), opens_sentence))
    found = []
    starts = [a for a, _ in within or ()]
    for start, run, opens_sentence in runs:
        if within is not None:  # only the names inside these spans are wanted
            i = bisect.bisect_right(starts, start) - 1
            if i < 0 or start >= within[i][1]:
                continue
        parts = run.split()
        while parts and parts[0].lower() in skip:
            start = text.index(parts[1], start + len(parts[0])) if len(parts) > 1 else start
            parts = parts[1:]
            opens_sentence = False
        while parts and parts[-1].lower() in skip:
            parts = parts[:-1]
        if not parts:
            continue
        name = text[start:text.index(parts[-1], start) + len(parts[-1])]
        if (opens_sentence and len(parts) == 1 and parts[0] not in mid_sentence
                and not _subject_name(parts[0], text[start + len(parts[0]):start + 40], words)):
            continue
        if len(name) >= 2 and not (name.isupper() and len(name) > 6):
            found.append((start, start + len(name), " ".join(name.split())))
    return found


def _subject_name(word: str, after: str, words: dict[str, frozenset[str]]) -> bool:
    """Whether a capitalised word opening a sentence is a name because a verb follows it
    ("Kim arrived", "Putin will visit"); a plural ("Officials said") is a common noun."""
    following = re.match(r"\s+([a-z]+)", after)
    if following is None or word.endswith("s") or word.isupper():
        return False
    verb = following.group(1)
    return (verb in words["auxiliary"] or verb in words["irregular_past"]
            or verb in words["reporting"] or (verb.endswith("ed") and len(verb) > 4))


@cache
def _not_names() -> frozenset[str]:
    """Words that start or end no name: function words, months, weekdays."""
    words = lexicon()
    return (words["determiners"] | words["prepositions"] | words["pronouns"]
            | words["conjunctions"] | words["auxiliary"] | _calendar_words())


@cache
def _calendar_words() -> frozenset[str]:
    from timeline.temporal.lexicon import tables

    t = tables()
    words = set()
    for key in ("month", "month_abbr", "weekday", "weekday_abbr"):
        table = t.get(key, {})
        items = table.keys() if isinstance(table, dict) else table
        for item in items:
            words.update(str(item).lower().replace(".", "").split())
    return frozenset(words | {"today", "yesterday", "tomorrow", "tonight"})


def _event(document: Document, number: int, timex: Timex,
           when: tuple[str | None, str | None, str | None], found: _Found) -> Event:
    start, end, granularity = when
    trigger = found.trigger
    return Event(
        doc_id=document.doc_id,
        event_id=f"{document.doc_id}-{number}",
        date=timex.value,
        start=start,
        end=end,
        granularity=granularity,
        event=found.description,
        trigger=None if trigger is None else trigger[0],
        trigger_start=None if trigger is None else trigger[1],
        trigger_end=None if trigger is None else trigger[1] + len(trigger[0]),
        actors=found.actors,
        timex_text=timex.text,
        timex_type=timex.type,
        timex_value=timex.value,
        timex_start=timex.start,
        timex_end=timex.end,
        sentence=" ".join(found.sentence.split()),
        published=None if document.published is None else document.published.isoformat(),
        title=document.title,
        source=document.source,
    )


def _as_date(value: str | dt.date | None) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"published: cannot read {value!r} as a date (use YYYY-MM-DD)") from None
