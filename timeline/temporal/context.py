"""Sentence bounds and tense around an expression, from the words alone.

No trained pipeline is needed: tense comes from auxiliaries and modals ("will", "had"), verb forms
("arrived", "met") and cue words ("ago", "next", "upcoming"), read outward from the expression,
nearest first, inside its sentence. A caller holding a trained spaCy parse can pass its own
tense instead.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from functools import cache, lru_cache
from typing import NamedTuple

from timeline.temporal.lexicon import tables

PAST, PRESENT, FUTURE = "past", "present", "future"

_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "gov", "sen", "rep", "st", "jr", "sr", "co", "corp",
    "inc", "ltd", "no", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
    "oct", "nov", "dec", "mon", "tue", "tues", "wed", "thu", "thurs", "fri", "sat", "sun", "u.s",
    "u.n", "e.g", "i.e", "a.m", "p.m", "col", "lt", "capt", "sgt", "rev", "mt", "ft", "fig", "ca",
    "etc", "approx", "est", "incl", "esp", "min", "max", "hrs", "yrs", "mins", "mos",
}
# A run of stops is tried from its first stop only: from each of 40,000 "!" would be quadratic.
# A stop before a lower-case word ends a sentence as posts write them ("0 sleep. see y'all on
# Friday") only after three lower-case letters (sentence_bounds).
_BOUNDARY = re.compile(r"(?<![.!?])[.!?]+(?:[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9])"
                       r"|\s+(?=[a-z]))|\n\s*\n|\n(?=[A-Z\"“])")
# A comma and a closing quote end what was quoted: '"We will go back on Sunday," he added'.
# A "!" or "?" inside what the sentence splitter keeps together ends a clause: "got the
# job!!! start wednesday".
_WORD = re.compile(r"\d[\d,.]*%?|[A-Za-z]+(?:['’][a-z]+)?|[;:—!?]|--|,\s*(?:\"|''|”)")


@lru_cache(maxsize=4)  # the tagger and the event reader ask for the same text in turn
def sentence_bounds(text: str) -> tuple[int, ...]:
    """Start offsets of the sentences of ``text`` (the first is 0)."""
    starts = [0]
    for m in _BOUNDARY.finditer(text):
        if m.group() == "\n" and _wrapped(text, m.start()):
            continue
        if text[m.end():m.end() + 1].islower():
            last = text[max(0, m.start() - 3):m.start()]
            if len(last) < 3 or not (last.isalpha() and last.islower()):
                continue  # "5 p.m. today", "Dr. de Souza": no sentence ends there
        before = text[max(0, m.start() - 12):m.start() + 1]
        word = re.search(r"([A-Za-z.]+)\.$", before)
        if m.group().startswith(".") and word:
            w = word.group(1).lower().rstrip(".")
            if w in _ABBREVIATIONS or len(w) == 1:
                continue
        starts.append(m.end())
    return tuple(starts)


def _wrapped(text: str, newline: int) -> bool:
    """Whether a line break is only where a long line was wrapped, inside a sentence: the line
    before is long and does not end a sentence ("met Putin on\nWednesday at the ...")."""
    line_start = text.rfind("\n", 0, newline) + 1
    line = text[line_start:newline].rstrip()
    return len(line) >= 60 and line[-1:] not in ".!?:\"”'’)"


# A wire dateline before the story: "VLADIVOSTOK, Sept. 13 -", "LONDON, March 22 (Reuters) -".
_DATELINE_BEFORE = re.compile(r"\s*[A-Z][A-Z .'-]+(?:,\s*[A-Za-z .'-]+)?,\s*$")
_DATELINE_AFTER = re.compile(r"(?:,?\s*\d{4})?\s*(?:\([^)]{1,40}\)\s*)?(?:[-\u2013\u2014]|_)")


def in_dateline(text: str, start: int, end: int) -> bool:
    """Whether the date at ``text[start:end]`` is a wire story's dateline: the day of writing,
    not a day the story tells of."""
    line_start = text.rfind("\n", 0, start) + 1
    return bool(_DATELINE_BEFORE.fullmatch(text, line_start, start)
                and _DATELINE_AFTER.match(text, end))


def sentence_of(starts: Sequence[int], text: str, offset: int) -> tuple[int, int]:
    """The (start, end) offsets of the sentence holding ``offset``."""
    i = bisect.bisect_right(starts, offset) - 1
    end = starts[i + 1] if i + 1 < len(starts) else len(text)
    return starts[i], end


class _Cues(NamedTuple):
    past: frozenset
    present: frozenset
    future: frozenset
    not_past: frozenset
    schedule: frozenset  # present forms that schedule: "expires", "opens", "takes (place)"
    schedule_base: frozenset  # their base forms: "Lawmakers return Monday"


@cache
def _cues() -> _Cues:
    t = tables()["tense"]
    return _Cues(*(frozenset(t[k]) for k in _Cues._fields))


# After "could" these make it a past ability or a guess about the past: "could not be
# reached", "could have been", "could be seen Tuesday".
_COULD_PAST = {"not", "never", "have", "'ve", "hardly", "only", "barely", "still", "also"}
_COULD_PAST_BE = {"seen", "heard", "reached", "found", "felt", "spotted", "traced", "confirmed",
                  "located", "contacted", "identified", "verified"}
_CERTAIN_FUTURE = {"will", "'ll", "shall", "won't", "wo", "would", "going", "gonna", "next",
                   "upcoming", "coming", "tomorrow", "forthcoming", "soon"}
# Participles that read as future unless a past auxiliary stands before them ("was due").
_WEAK_FUTURE = {"due", "scheduled", "expected", "planned", "slated", "supposed", "set",
                "planning", "expecting", "hoping", "intending", "aiming", "preparing"}
# Future cues that are also nouns, read as nouns after a determiner ("the plan", "their hopes").
_FUTURE_NOUNS = {"plan", "plans", "hope", "hopes", "aims"}
# Past forms that are also the base form: a past tense after a subject, before an object.
_BASE_PASTS = {"hit", "cut", "shut", "put", "beat", "spread", "hurt", "quit", "cost", "burst",
               "cast", "split", "struck", "bid", "slit", "upset", "thrust"}
_PAST_AUX = {"had"}  # "had been due to expire Friday": past; "was planned for March": future
# Before these a past form is a passive participle ("will be held"), not a tense.
_PASSIVE_AUX = {"be", "been", "being", "is", "are", "am", "'s", "get", "gets", "getting"}
_MODALS = {"may", "might", "should", "must", "can"}
# After these a past form is a state, not a tense: "will remain closed through Wednesday".
_COPULAS = {"remain", "remains", "stay", "stays", "seem", "seems", "become", "becomes",
            "appear", "appears", "look", "looks", "feel", "feels"}
_HAVE = {"has", "have", "had", "'ve", "'d"}
# After a regular -ed form these make it a verb ("changed from", "announced the").
_VERB_FOLLOWERS = {"the", "a", "an", "from", "to", "in", "on", "at", "by", "with", "its", "his",
                   "her", "their", "it", "him", "them", "for", "into", "up", "out", "off"}
_BE = (_PASSIVE_AUX - {"get", "gets", "getting"}) | {"was", "were", "'re"}
# After these a base form is no past: "will cut", "to hit", "was put", "a rate cut".
_NOT_BASE_PAST_AFTER = _PASSIVE_AUX | _BE | {
    "to", "will", "would", "'ll", "can", "could", "may", "might", "must", "should", "shall", "do",
    "does", "did", "not", "never", "i", "we", "you", "they", "rate", "tax", "budget", "price",
    "job", "spending", "interest", "direct", "big", "hard", "and", "or", "please", "let's"}
# A comma and a word that opens a clause of contrast or comparison end the words to the right
# of a date: "in August, as she has done for most of her life", "by the summer recess, but
# Labour promised" (not "on Sunday, as enforcers will close the road", whose reason is the
# date's), as ", and" with a saying does ("the measure Thursday, and committee aides said").
_COMMA_CLAUSE = re.compile(r",\s+(?:but|whereas|although|though)\b"
                           r"|,\s+as\s+(?:\w+\s+){1,2}(?:has|have|had|did|does|do)\b"
                           r"|,\s+and\s+(?:\w+\s+){1,2}(?:said|say|says|told|added)\b", re.I)
# A new clause has its own tense: "ruled Wednesday that he must be returned".
_CLAUSE_OPENERS = {"that", "which", "who", "whom", "whose", "saying", "because", "whether",
                   "when", "while", "if", "where", "although", "though", "unless"}
_BREAKS = {";", ":", "—", "--", "!", "?"}
# Past forms that are never participles: "a message that was read Wednesday night". After
# "that" no past form is, in news: "Talks that began Monday", "the bridge that collapsed".
_FINITE_PASTS = {"was", "were", "did", "had"}


def _is_break(word: str) -> bool:
    return word in _BREAKS or word[0] == ","
# A date after these is a deadline or a target, which a past sentence may set in the future
# ("the offer was extended to Nov. 16").
DEADLINE_WORDS = {"to", "until", "till", "til", "by", "through", "before", "expire", "expires",
                  "deadline", "payable", "effective", "record"}


def word_tense(word: str) -> tuple[str, bool] | None:
    """The tense a single word signals and whether it is certain: a modal, an auxiliary or a
    known verb form is; a regular -ed form (maybe an adjective) or a present form is not."""
    past, present, future, not_past, schedule, _ = _cues()
    w = word.lower().replace("’", "'")
    if w in future:
        return FUTURE, w in _CERTAIN_FUTURE
    if w in past:
        return PAST, True
    if w in schedule:
        return FUTURE, True  # "his term expires in March", "the festival takes place Saturday"
    if w in present:
        return PRESENT, False
    if w.endswith("n't"):
        return word_tense(w[:-3]) or ((FUTURE, True) if w == "won't" else None)
    if w.endswith("'ll"):  # "I'll", "we'll", "it'll"
        return FUTURE, True
    if w.endswith(("'re", "'m")):  # "we're meeting on Sunday", "I'm flying out Friday"
        return PRESENT, False
    if len(w) > 4 and w.endswith("ed") and w not in not_past:
        return PAST, False
    return None


def _will_have(before: list[str], w: str) -> bool:
    """Whether ``w`` (lower case), after the words ``before`` it, is in a future perfect: "will
    have", "'ll have been", "will have finished"."""
    if w in ("have", "'ve"):
        return bool(before) and (before[-1] in _WILL_WORDS or before[-1].endswith("'ll"))
    return len(before) >= 2 and before[-1] == "have" and (
        before[-2] in _WILL_WORDS or before[-2].endswith("'ll"))


_WILL_WORDS = frozenset({"will", "shall", "won't", "wont"})


def _cue(words: list[str], i: int, leftward: bool = False) -> tuple[str, bool] | None:
    """The tense cue of ``words[i]`` read in context, or None; ``leftward``: ``words`` are the
    (at most 10) words before the expression in its sentence."""
    w = words[i].lower()
    if i >= 3 and words[i - 1].lower() == "have" and words[i - 2].lower() == "to" and \
            words[i - 3].lower() in _HOPING_TO:
        return FUTURE, False  # "hopes to have immunised the most vulnerable by the spring"
    if (w == "were" or words[i - 1:i] == ["were"]) and "if" in (
            x.lower() for x in words[max(0, i - 5):i]) and words[i + 1:i + 2] != ["to"]:
        return None  # "if an agreement were reached by Thursday": a condition, no past
    if w in _MODALS and words[i] != "May":  # "may be resolved the week of March 6"
        after = words[i + 1].lower() if i + 1 < len(words) else ""
        return (PAST, False) if after in ("have", "'ve") else (FUTURE, False)
    if w == "could":  # "the storm could hit Miami by Sunday"; not "could not be reached"
        after = [x.lower() for x in words[i + 1:i + 3]]
        if not after or after[0] in _COULD_PAST or after[0].endswith("n't") or (
                after[0] == "be" and after[1:] and after[1] in _COULD_PAST_BE):
            return None
        return FUTURE, False
    if w == "would" and any(x.lower() in _BACKSHIFTED for x in words[max(0, i - 8):i]):
        # "had initially said they would rest their case in March", "said the deployment was
        # a routine exercise that would end by mid-February": a plan told of after it was
        # made, which may have passed; the tense only tips a close call
        return FUTURE, False
    if w in ("takes", "take") and words[i + 1:i + 2] == ["effect"]:
        return FUTURE, True  # "sanctions on Iran's petroleum sector take effect on Nov. 4"
    if w in ("go", "goes") and [x.lower() for x in words[i + 1:i + 3]] == ["on", "sale"]:
        return FUTURE, False  # "Tickets, priced from $35 to $110, go on sale at 10 a.m. Monday"
    if w == "closed" and i == 0 and leftward:
        return None  # "Closed Good Friday and Easter Monday": a notice, no tense
    if w == "left" and i >= 2 and (words[i - 2].lower() in _QUANTIFIERS
                                   or words[i - 2][0].isdigit()):
        return None  # "Still a few tables left for Mother's Day brunch": what remains
    cue = word_tense(words[i])
    before = [x.lower() for x in words[max(0, i - 3):i]]
    if cue is not None and cue[0] == PAST and _will_have(before, w):
        return FUTURE, True  # "we'll have been together five years this Saturday"
    if cue == (PAST, False) and before and before[-1] in _SUBJECT_PRONOUNS and \
            w.endswith("ed"):
        return PAST, True  # "He worked there in March": after "he", a verb, not an adjective
    if cue is None:
        if w in _cues().schedule_base:
            # leftward, tense_at gives the words before the first one it scans, so no word
            # before it means it opens the sentence
            if (not before and not leftward) or words[i + 1:i + 2] == ["of"]:
                return None  # "Alarcon, head of the assembly": a noun
            return _base_schedule(before, words, i)
        if w == "wait" and before and before[-1] in ("can't", "cant", "cannot"):
            return FUTURE, False  # "can't wait for Friday"
        return _base_past(words, i, before) if w in _BASE_PASTS else None
    if w in ("next", "earlier") and i + 1 < len(words) and words[i + 1].lower() in ("to", "than"):
        return None  # "the building next to the embassy", "no earlier than Monday"
    if w == "last" and before and before[-1] in _NOT_BASE_PAST_AFTER:
        return None  # "will last through Thursday", "expected to last": the verb, no tense
    if cue[0] == PAST and before[-2:] == ["to", "be"] and not {"was", "were", "had"} & {
            x.lower() for x in words[max(0, i - 5):i - 2]}:
        return FUTURE, False  # "the elections to be held in April", not "was due to be held"
    if cue[0] == PAST and before and w not in _FINITE_PASTS and before[-1] != "that" and (
            before[-1] in _PASSIVE_AUX or before[-1] in _COPULAS or before[-1] in _DETERMINERS
            or before[-1].endswith(("'re", "'m"))  # "We're closed on Thanksgiving Day"
            or (before[-1].endswith("ly") and before[-2:-1] and (
                before[-2] in _DETERMINERS or before[-2] in _BE))):
        return None  # "will be held"; "the newly launched classes", "will be fully closed": a
        # participle, not a tense
    if w in _cues().schedule and words[i + 1:i + 2] and words[i + 1].lower() == "of":
        return None  # "the first IBSA heads of government summit in September": a noun
    if w in ("takes", "take") and words[i + 1:i + 2] and (
            words[i + 1].lower() in _POSSESSIVES or words[i + 1].endswith(("'s", "’s"))):
        return None  # "The signing takes Northfield's spending this summer to £60m": no plan
    if (cue == (PRESENT, False) or w in _cues().schedule) and w.endswith("s") and before and (
            before[-1] in _DETERMINERS or before[-1] in _QUANTIFIERS
            or (w in _cues().schedule and before[-2:-1] and before[-2] in _POSSESSIVES
                and words[i - 1][:1].isupper())):
        return None  # "scored two runs on Friday", "the opens", "told his French hosts
        # Tuesday" (not "his term expires"): a noun, not a present verb
    if w in _FUTURE_NOUNS and before and (before[-1] in _DETERMINERS or
                                          before[-1] in _POSSESSIVES) and not (
            i + 1 < len(words) and words[i + 1].lower() in ("to", "for")):
        return None  # "In May the plan failed", "I changed my plan on Saturday night", not "we
        # plan to meet", "their plans for May"
    if w in ("is", "are") and words[i + 1:i + 2] == ["to"] and i + 2 < len(words) and \
            words[i + 2].islower() and words[i + 2] not in ("be", "blame"):
        return FUTURE, True  # "the minister is to visit China in July"
    if w in ("was", "were") and words[i + 1:i + 2] == ["to"] and i + 2 < len(words) and \
            words[i + 2].islower() and words[i + 2] not in ("be", "blame", "have") and \
            word_tense(words[i + 2]) is None:
        return FUTURE, False  # "flights were to resume on Thursday if the weather cleared"
    if w == "have" and before[-2:-1] and before[-1] == "to" and before[-2] in _HOPING_TO:
        return FUTURE, False  # "hopes to have immunised the most vulnerable by the spring"
    if w in ("has", "have") and not _participle_follows(words, i):
        return PRESENT, False  # "we have three brands", not "we have met"
    if w == "set" and not (before and before[-1] in _BE | _HAVE | _WILL_WORDS | _MODALS) and \
            (i + 1 >= len(words) or words[i + 1].lower() not in ("to", "for")):
        return PAST, False  # "when Albright set aside her plans", not "set to meet Friday"
    if w in _WEAK_FUTURE:
        if any(x in _PAST_AUX for x in before) or (
                w.endswith("ing") and before and before[-1] in _BEGAN):
            return PAST, True  # "had been due to", "We started planning this in April"
        # "the trial is scheduled to begin in December": certain; "was planned for March" not
        return FUTURE, bool(before) and before[-1] in ("is", "are", "'s", "'re", "am")
    if cue == (PAST, False) and i + 1 < len(words) and _verb_follower(words[i + 1]) \
            and not (before and before[-1] in _DETERMINERS):
        return PAST, True  # "changed from a fiscal year", "jumped 12 percent": a verb, not
        # "the proposed merger"
    return cue


def _verb_follower(word: str) -> bool:
    w = word.lower()
    return w in _VERB_FOLLOWERS or w[0].isdigit() or w in _COUNTS


def _base_past(words: list[str], i: int, before: list[str]) -> tuple[str, bool] | None:
    """ "The storm hit the island", "the company cut 500 jobs": a past tense, as news tells
    it; not "will cut", "to hit", "a rate cut"."""
    if before and before[-1] in ("which", "who") and i + 1 < len(words) and \
            words[i + 1].isalpha() and words[i + 1].islower():
        return PAST, False  # "The Federal Reserve, which cut interest rates twice in January"
    if not before or before[-1] in _NOT_BASE_PAST_AFTER or before[-1] in _DETERMINERS or \
            before[-1].endswith("n't") or i + 1 >= len(words) or \
            not (_verb_follower(words[i + 1]) or words[i + 1].lower() in ("off", "down", "back")):
        return None
    return PAST, True


def _base_schedule(before: list[str], words: list[str], i: int) -> tuple[str, bool] | None:
    """ "Lawmakers return Monday", "we meet Friday", "talks resume in March", "I start
    Monday", "Celtic begin their season on Saturday": a present that schedules, after a plural
    subject, "I", a name (British English takes a team's or a body's verb in the plural) or
    none; not "did not return", "to meet", "the open"."""
    if not before or _is_break(before[-1]):  # a verb opening its clause: "start wednesday"
        return FUTURE, False
    b = before[-1]
    if b in ("we", "they", "you", "i") or (len(b) > 3 and b.endswith("s") and b.isalpha()
                                       and b not in _NOT_PLURAL_SUBJECTS):
        return FUTURE, False
    if words[i].islower() and _named_subject(words, i):
        return FUTURE, False
    return None


def _named_subject(words: list[str], i: int) -> bool:
    """Whether a name stands right before ``words[i]`` as its subject: "Celtic begin", "England
    face Wales"; not "Did John return", "the Knesset vote", "his Masters Cup debut"."""
    j = i
    while j > 0 and words[j - 1][:1].isupper() and words[j - 1].isalpha():
        j -= 1
    # the name opens its clause: the words carry no commas, so "On Wednesday, Ricardo Alarcon,
    # head of ..." must not read as a subject and its verb
    return 0 < i - j <= 3 and (j == 0 or _is_break(words[j - 1])) and not any(
        w.lower() in _NOT_NAMES or w.lower() in _NOT_NAME_WORDS for w in words[j:i])


# Capitalised words before a verb's base form that are no name: "Please return on Monday".
_NOT_NAMES = {"please", "then", "and", "but", "so", "also", "just", "always", "never", "now",
              "i", "to", "not", "only", "still", "will", "would", "can", "could", "should",
              "must", "may", "might", "did", "do", "does", "why", "when", "where", "how", "let"}

_NOT_NAME_WORDS = {"on", "in", "at", "by", "for", "from", "with", "after", "before", "since",
                   "the", "a", "an", "his", "her", "their", "its", "our", "my", "your", "this",
                   "that", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
                   "sunday", "today", "yesterday", "tomorrow", "he", "she", "it", "we", "they"}

# Words in -s before a verb's base form that are no plural subject: "he always returns".
_NOT_PLURAL_SUBJECTS = {"this", "thus", "does", "was", "has", "his", "its", "hers", "ours",
                        "yours", "theirs", "always", "perhaps", "sometimes", "less", "unless",
                        "plus", "versus", "whereas", "afterwards", "towards", "yes", "is"}


def _participle_follows(words: list[str], i: int) -> bool:
    """Whether a past participle follows ``words[i]`` (a form of "have"), maybe after "not" or
    an adverb: "has met", "have not yet decided", "has been"."""
    for w in words[i + 1:i + 4]:
        w = w.lower()
        if w in ("not", "never", "already", "yet", "also", "just", "since") or w.endswith("ly"):
            continue
        return (w in _cues().past or w in _PARTICIPLES
                or (len(w) > 4 and w.endswith(("ed", "en", "wn"))))  # not "have ten", "a pen"
    return False


# Irregular participles not in the past list ("has met" is read there), for _participle_follows.
_PARTICIPLES = {"done", "gone", "seen", "begun", "run", "come", "become", "put", "set", "cut",
                "hit", "let", "hurt", "quit", "spread", "read", "sunk", "swum", "sung"}


def _scan(words, indices, leftward: bool = False
          ) -> tuple[tuple[str, bool] | None, tuple[str, bool] | None, int]:
    """(first decisive cue, first guessed -ed cue, the decisive cue's index) along
    ``indices``, stopping at a clause break. A regular -ed form may be an adjective ("preferred
    shares"), so it only counts when nothing else speaks."""
    guess = None
    infinitive = False
    subordinate = False  # whether ``guess`` is the verb of a clause "after ...", "since ..."
    for i in indices:
        if _is_break(words[i]) or words[i].lower() in _CLAUSE_OPENERS:
            if leftward and guess and words[i].lower() in ("which", "who"):
                # "The court, which ruled against the government on Friday, will hear": the
                # relative clause's own verb, not the main clause's
                return guess, guess, i
            if leftward and guess and words[i].lower() == "that" and i + 1 < len(words) and \
                    (word_tense(words[i + 1]) or ("",))[0] == PAST:
                # "the heat wave that buckled rail lines and emptied public pools over the
                # weekend is losing its grip": the relative clause's own past
                return guess, guess, i
            break
        if leftward and words[i].lower() == "to" and 0 < i < len(words) - 1 and (
                words[i - 1].lower() in _INTENDING
                or ((words[i - 1].lower() in tables()["weekday"]
                     or words[i - 1].lower() in ("today", "yesterday"))
                    and any(w.lower() in _INTENDING for w in words[max(0, i - 3):i - 1]))
                or any(w.lower() in _DIRECTING for w in words[max(0, i - 4):i - 1])) and \
                words[i + 1].isalpha() and \
                words[i + 1] not in _NOT_VERBS_AFTER_TO and words[i + 1] not in _DETERMINERS:
            infinitive = True
            continue
        if leftward and guess is not None and words[i].lower() in _SUBORDINATORS:
            subordinate = True
        if not leftward and i > 0 and words[i].lower() in ("after", "because"):
            break  # "follows on Dec. 19, three years after the original earned $410 million":
            # the clause after is another's
        if not leftward and words[i].lower() == "since" and i + 1 < len(words) and (
                words[i + 1][0].isdigit() or (then := words[i + 1].lower()) in _SINCE_WHAT
                or then in tables()["month"] or then in tables()["weekday"]):
            continue  # "opening Nov. 14, the studio's first musical since 2009": another date's
        cue = _cue(words, i, leftward)
        if cue is None:
            continue
        if subordinate and cue[0] == PRESENT and guess[0] == PAST:
            # "highways are currently closed after thick fog smothered north China from Sunday
            # night": the date is in the clause after "after", whose verb is its own
            return guess, guess, i
        if infinitive and cue[0] == PAST:
            # "has decided to admit Poland ... in early March", "agreed to testify Friday",
            # "ordered the defendant to appear Friday": the infinitive's time, after the
            # deciding; not "is scheduled to close Monday"
            return (FUTURE, False), guess, i
        if cue == (PAST, False) and words[i].lower() not in _cues().past:
            if leftward and (i == len(words) - 1 or (
                    i == len(words) - 2 and words[-1].lower() in ("on", "in", "during"))) and \
                    not _TEMPORAL_CLAUSE & {w.lower() for w in words[max(0, i - 4):i]} and \
                    not (len(words) == 1 and words[0][:1].isupper()):  # "Blessed Easter to all!"
                # right before the date, it is the date's verb, whatever the main clause's:
                # "The man charged Monday with arson will appear in court Friday", "areas that
                # flooded in August"; not in a clause of time, whose tense follows the main
                # one ("likely to buy its stock as soon as trading opened Monday")
                return (PAST, True), guess, i
            guess = guess or cue
            continue
        if leftward and guess and any(w.lower() in ("who", "which")
                                      for w in words[max(0, i - 3):i]):
            # "Obama, who leaves office Friday, granted clemency on Tuesday": the cue is the
            # relative clause's; the verb passed on the way is the date's
            return guess, guess, i
        return cue, guess, i
    return None, guess, -1


# After "since", these open a date of its own, as a month or weekday name does.
_SINCE_WHAT = {"last", "the", "early", "late", "mid"}
# A clause after these has its own verb, which a present further left does not override.
_SUBORDINATORS = {"after", "since", "when", "because"}
# Before "would", these make it a plan told of after it was made ("had initially said ...").
_BACKSHIFTED = {"had", "initially", "originally", "previously", "was", "were"}
# Before "planning", "preparing" ..., these make the -ing form a past's ("started planning").
_BEGAN = {"started", "began", "begun", "stopped", "finished", "quit", "kept"}
# Words that open a clause of time or condition, whose tense follows the main clause's.
_TEMPORAL_CLAUSE = {"soon", "once", "until", "till", "after", "before", "if", "unless"}
# "decided to admit", "hoped to stand": what is intended comes after the intending, also with
# a day between them ("decided on Thursday to close all schools").
# "ordered the defendant to appear": what is ordered comes after the ordering.
# Not "asked", "told", "forced": "Sharon asked Katsav to dissolve parliament on Monday" is
# when he asked.
_DIRECTING = {"ordered", "summoned", "invited", "instructed", "directed", "required"}
_INTENDING = {"decided", "agreed", "planned", "hoped", "wanted", "wished", "promised",
              "threatened", "vowed", "pledged", "intended", "prepared", "proposed", "aimed",
              "arranged", "voted", "chose", "opted", "offered", "ready", "likely", "unlikely"}
# After "to" these are no verb, nor is a determiner: "moved to early March", "agreed to about 40".
_NOT_VERBS_AFTER_TO = {"early", "late", "mid", "about", "around", "more", "less"}
_REPORTING = {"said", "told", "added", "reported", "stated", "announced"}


def _first_words(words: list[str], n: int) -> list[str]:
    """The first ``n`` words, and the numbers and the letters of clocks among them, which do
    not count ("jumped 12 percent" reads "jumped" as a verb; "travelled between 7 p.m. and 10
    p.m. on Wednesday" reads "travelled")."""
    if not any(_uncounted(w) for w in words[:n]):
        return words[:n]
    k = counted = 0
    # at most twice as many in all: a run of thousands of numbers ("2023-2023-...") would
    # make each expression in it read the whole run
    while k < len(words) and counted < n and k < 2 * n:
        counted += not _uncounted(words[k])
        k += 1
    return words[:k]


def _uncounted(word: str) -> bool:
    return word[0].isdigit() or word in ("p", "m", "P", "M")


# Before "to have" and a participle, these make it a future perfect.
_HOPING_TO = {"hopes", "hope", "hoping", "expects", "expect", "expecting", "plans",
              "plan", "planning", "aims", "aim", "aiming", "wants", "want", "intends", "intend",
              "likely", "due", "set"}
# Before "to", these look ahead from as far as "will" does.
_FAR_FUTURE = {"expected", "due", "scheduled", "set", "forecast", "slated", "hope", "hopes",
               "plans", "intends", "aims"}
_AND = {"and", "but", "yet"}
_OPENING_PREPOSITIONS = {"on", "by", "in", "at", "from", "until", "since", "after", "before",
                         "during", "till"}
_SUBJECTS = {"he", "she", "they", "we", "i", "you", "it"}
_SUBJECT_PRONOUNS = frozenset(_SUBJECTS - {"you", "it"})  # whose -ed form is a verb's


def _last_words(words: list[str], n: int) -> list[str]:
    return _first_words(words[::-1], n)[::-1]


# A relative clause set off by commas that closes a few words before a date ("..., who has held
# the seat for eight years, in the Nov. 6 election", "..., who split up in 2008, go on at 9:30
# p.m. on Friday").
_CLOSED_ASIDE = re.compile(r", (?:who|which|whose)\s[^,;:()\"“”]*,\s+"
                           r"(?P<tail>(?:[\w.:']+\s+){1,6})$", re.I)


def tense_at(text: str, sentence: tuple[int, int], start: int, end: int,
             window: int = 10) -> tuple[str | None, bool]:
    """The tense governing the expression at ``text[start:end]`` and whether it is certain:
    the nearest cue on the left inside the clause, else the nearest on the right."""
    s0, s1 = sentence
    # Words near the expression only: the whole sentence each time costs the square of its
    # length when it lists many dates.
    reach = 100 * window
    # the scan reads up to three words more before the first one, to know what that one is
    # ("is to be discussed by European heads of state during a summit on December 15")
    wider = _last_words(_WORD.findall(text, max(s0, start - reach), start), window + 3)
    left = _last_words(wider, window)
    skipped = len(wider) - len(left)
    stop = min(s1, end + reach)
    right = _first_words(_WORD.findall(text, end, stop), window)
    scans = [(wider, range(len(wider) - 1, skipped - 1, -1)), (right, range(len(right)))]
    # the regular expression only where a ", who", ", which" or ", whose" is
    opens = text.rfind(", wh", max(s0, start - reach), start)
    aside = _CLOSED_ASIDE.match(text, opens, start) if opens >= 0 else None
    if aside is not None:
        # "will face Kay Dorsey, who has held the seat for the past eight years, in the Nov. 6
        # general election", "The Late Sundays, who split up in 2008 and reunited last fall, go
        # on at 9:30 p.m. on Friday": the aside's verb is not the date's; the one after it or
        # before it is
        tail = _WORD.findall(text, aside.start("tail"), start)
        before = _last_words(_WORD.findall(text, max(s0, aside.start() - reach),
                                           aside.start()), window)
        for words in (tail, before):
            cue, guess, _ = _scan(words, range(len(words) - 1, -1, -1), True)
            if cue is not None or guess is not None:
                return cue or guess
        if not right or _scan(right, range(len(right)))[0] is None:
            return None, False
    opener = [w.lower() for w in left[-2:]]
    if right[:1] and right[0].lower() in _SUBJECTS and opener and (opener[-1] in _AND or (
            len(opener) == 2 and opener[0] in _AND and opener[1] in _OPENING_PREPOSITIONS)):
        # "She taught there for forty years, and on Friday she will ring the bell": the date
        # opens a clause of its own, whose subject and verb follow
        cue, _, _ = _scan(right, range(min(len(right), 3)))
        if cue is not None:
            return cue
    if left and left[-1].lower() in _DETERMINERS:
        scans.reverse()  # "the Aug. 7 blasts killed": the date modifies a noun; its verb follows
    guesses = []
    for words, order in scans:
        cue, guess, at = _scan(words, order, words is wider)
        at -= skipped if words is wider else 0
        if cue and words is wider and _reported_clause(left, at):
            # "Powell said a cut in March is unlikely": "that" left out, the date is in
            # what was said, whose own verb follows
            said, _, _ = _scan(right, range(len(right)))
            if said is not None and right[:1] != [","]:
                return said
        if cue and words is wider and cue == (PAST, True) and \
                _agent_after_will(wider, at + skipped):
            # "will meet at a hustings organised by the local newspaper on Tuesday evening":
            # the participle's agent says nothing of when; the "will" before it does
            return FUTURE, True
        if cue:
            if words is right and _after_aside(text, end, min(stop, end + 15 * window), at):
                # "fair in August, as she has done for most of her life", "by the summer
                # recess, but Labour promised": the other clause's verb tells only if the
                # verb that governs the date is further left than the window says nothing
                far = _far_left(text, s0, start, reach, window)
                before, _, _ = _scan(far, range(len(far) - 1, -1, -1), True)
                if before is not None:
                    return before
            if words is right and len(left) > 2 and cue == (PAST, True) and \
                    words[at].lower() in _REPORTING:
                far = _far_verb(text, s0, start, left, reach, window)
                if far is not None and far[0] == FUTURE:
                    return far  # "... and could push a storm surge onto the coast by
                    # Wednesday, forecasters said": what was said is ahead
                return PAST, False  # "the Nov. 17 poll ..., Amunugama said": when it was said
            if words is right and guesses and guesses[0] is not None and \
                    guesses[0][0] != cue[0] and any(w.lower() in _AND for w in words[:at]):
                # "The Fed raised rates on Wednesday and now expects two hikes": the verb
                # before is the date's, the one after "and" another clause's
                return guesses[0]
            if words is right and at == 0 and cue == (PRESENT, False) and guesses and \
                    guesses[0] == (PAST, False) and words[0].lower() in ("is", "are") and any(
                        wider[k].lower() in ("that", "which", "who") and
                        (word_tense(wider[k + 1]) or ("",))[0] == PAST
                        for k in range(len(wider) - 1)):
                # "the heat wave that buckled rail lines and emptied public pools over the
                # weekend is losing its grip": the date ends the subject, whose clause's
                # verb is the date's; the main verb after it is another's
                return guesses[0]
            return cue
        guesses.append(guess)
    found = next((g for g in guesses if g), None)
    if found is None and right and _is_break(right[0]):
        # The quotation ends here: what its speaker said earlier in it sets its tense
        # ('"We will travel to the capital for talks with the parliament on Sunday," he said').
        quoted = _WORD.findall(text, max(s0, start - 4 * reach), start)[-4 * window:]
        for w in reversed(quoted):
            cue = word_tense(w) if not _is_break(w) else None
            if cue is not None and cue[1]:
                return cue
    if found is None and not left[-3:-2] and len(right) >= window and \
            text.startswith(",", end):
        # A date that opens its sentence with no verb in reach is the main clause's, further
        # on ("In January, a week after the anniversary of Roe v. Wade, a bombing ... killed").
        further = _WORD.findall(text, end, min(s1, end + 4 * reach))[window:4 * window]
        cue, _, _ = _scan(further, range(len(further)))
        if cue is not None and cue[1]:
            return cue
    if found is None and (far := _far_verb(text, s0, start, left, reach, window)):
        return far
    if found is None and _progressive(left, window):
        return PRESENT, False  # "@ishneak flying out on sunday": a plan, its "am" dropped
    if found is None and (_INVITATION.match(text, s0) or _SEE_YOU.search(
            text, max(s0, start - 16), start)):
        # "Join us on Saturday!", "How about Friday night?", "..., see ya tues"
        return FUTURE, False
    if found is None and _headline_infinitive(text, s0, start):
        return FUTURE, False  # "Obama to meet Abe Tuesday", "Putin to Visit Beijing on Friday"
    return found or (None, False)


def _far_verb(text: str, s0: int, start: int, left: list[str], reach: int,
              window: int) -> tuple[str, bool] | None:
    """The tense of a clause whose verb is further left than the window, with nothing between
    that opens another clause ("Researchers will present the full results at a conference in
    Barcelona on Friday"): only "will" and its like count from that far ("invited the leaders to
    a ceremony in Independence, Mo., on March 12" is not when they were invited)."""
    if len(left) < window or any(_is_break(w) or w.lower() in _CLAUSE_OPENERS for w in left):
        return None
    lo = max(s0, start - 3 * reach)
    span = text[lo:start].lower()
    # the words are tokenized only when one is there
    if "will" in span or "shall" in span or " can " in span or " could " in span or \
            " had " in span or any(
            f"{w} to " in span for w in _FAR_FUTURE):
        far = _far_left(text, s0, start, reach, window)
        cue, _, at = _scan(far, range(len(far) - 1, -1, -1), True)
        if cue is not None and cue[0] == FUTURE and not _TEMPORAL_CLAUSE & {
                w.lower() for w in far[at:]}:
            # not "would", nor in a clause of time ("after losing X in the summer")
            if cue[1] and far[at].lower() in ("will", "shall"):
                return cue
            if far[at].lower() == "can" and far[at + 1:at + 2] and \
                    far[at + 1].lower() not in ("be", "not", "also", "only", "still", "now"):
                # "Kartal can clinch a place in the finals at home in Izmir on Sunday": a
                # chance ahead
                return FUTURE, False
            if far[at].lower() == "could":
                # "strengthened into a hurricane Sunday morning and could push a dangerous
                # storm surge onto the Florida Panhandle by Wednesday": what may come
                return FUTURE, False
            if far[at].lower() in _FAR_FUTURE and far[at + 1:at + 2] == ["to"] and \
                    not (at and far[at - 1].lower() in ("was", "were", "had", "been")):
                # "Storm Arwen is expected to bring heavy snow to parts of northern England
                # and Scotland tonight and into Saturday morning"; after "is", as near
                # ("Governments are due to submit targets by Feb. 10, ahead of a summit in
                # Belém, Brazil, in November")
                return FUTURE, at > 0 and far[at - 1].lower() in ("is", "are", "'s", "'re", "am")
        if cue is not None and cue == (PAST, True) and at > 0 and \
                far[at - 1].lower() == "had" and not (_TEMPORAL_CLAUSE | {"to"}) & {
                w.lower() for w in far[at:]}:
            # "told the jury that Reeve had bought a spade, a tarpaulin and a roll of bin
            # bags at a DIY store in Norwich on 20 December": what had been done is past;
            # not what it led up to ("had set the date for the experts to visit on Dec. 6")
            return cue
    return None


# Verbs of saying and thinking, whose clause may follow with its "that" left out.
_SAYING = _REPORTING | {"says", "say", "tells", "insisted", "insists", "argued", "argues",
                        "warned", "warns", "predicted", "predicts", "signaled", "signalled",
                        "believes", "believed", "thinks", "thought", "acknowledged", "conceded",
                        "claimed", "claims", "suggested", "suggests", "indicated", "indicates"}


def _agent_after_will(words: list[str], i: int) -> bool:
    """Whether ``words[i]`` is a participle with its agent after a gathering ("a hustings
    organised by"), in a clause whose "will" or "shall" comes before it with no break between
    (not "will face charges filed by prosecutors on Tuesday": what was filed is done)."""
    w = words[i].lower()
    if not (w.endswith("ed") and words[i + 1:i + 2] == ["by"] and i >= 2) or \
            words[i - 1].lower() not in _GATHERINGS:
        return False
    for x in reversed(words[:i - 1]):
        if _is_break(x) or x.lower() in _CLAUSE_OPENERS:
            return False
        if x.lower() in _WILL_WORDS:
            return True
    return False


_GATHERINGS = {"hustings", "meeting", "meetings", "debate", "debates", "concert", "concerts",
               "event", "events", "conference", "ceremony", "rally", "summit", "talks",
               "session", "hearing", "forum", "festival", "reception", "dinner", "match",
               "race", "tournament", "gala", "auction", "fundraiser", "vigil", "march", "parade",
               "exhibition", "show", "screening", "service", "seminar", "workshop"}


def _after_aside(text: str, end: int, stop: int, at: int) -> bool:
    """Whether the ``at``-th word after ``end`` lies past a clause of contrast or comparison
    that begins before ``stop``."""
    aside = _COMMA_CLAUSE.search(text, end, stop)
    return aside is not None and at >= len(_WORD.findall(text, end, aside.start()))


def _far_left(text: str, s0: int, start: int, reach: int, window: int) -> list[str]:
    """The words of the sentence (from ``s0``) before ``start``, three windows of them."""
    return _last_words(_WORD.findall(text, max(s0, start - 3 * reach), start), 3 * window)


def _reported_clause(left: list[str], at: int) -> bool:
    """Whether ``left[at]`` says a clause that begins after it with a noun phrase: "said a cut
    in", "told reporters the vote on"; not "said on", "said in a statement on", "said Tuesday"."""
    verb = left[at].lower()
    if verb not in _SAYING or at + 2 >= len(left):
        return False
    after = [w.lower() for w in left[at + 1:at + 3]]
    if verb in ("told", "tells"):  # "told his squad Friday they must": whom it told, then when
        return after[0].isalpha() and after[0] not in _PREPOSITIONS | _DETERMINERS and \
            after[1] in _DETERMINERS
    return after[0] in _DETERMINERS or (after[0].isalpha() and after[0] not in _PREPOSITIONS
                                        and after[1] in _DETERMINERS) or (
        # "Forecasters said thunderstorms moving in Friday night should bring relief": a
        # plural noun, with no article, opens what was said
        left[at + 1].islower() and after[0].isalpha() and len(after[0]) > 4 and
        after[0].endswith("s") and not after[0].endswith(("ss", "us", "ous", "ys", "ways"))
        and after[0] not in _NOT_PLURAL)


_NOT_PLURAL = _NOT_PLURAL_SUBJECTS | {"nevertheless", "besides", "alias"}


# Words that open an adverbial after a verb of saying ("said on", "said last week").
_PREPOSITIONS = {"on", "in", "at", "during", "by", "for", "from", "to", "with", "after",
                 "before", "since", "until", "over", "earlier", "late", "last", "this", "that"}


# -ing words that are not verbs, or not the verb of a plan.
_NOT_PROGRESSIVE = {
    "morning", "evening", "during", "meeting", "building", "spring", "thing", "things", "king",
    "ring", "nothing", "something", "anything", "everything", "wedding", "ceiling", "string",
    "wing", "bring", "sing", "sting", "swing", "offering", "hearing", "briefing", "beijing",
    "according", "including", "following", "regarding", "concerning", "pending", "opening",
    "closing", "ending", "beginning", "ruling", "funding", "spending", "training", "housing",
    "trading", "earnings", "boxing", "viking", "darling", "sibling", "shilling", "pudding",
}


def _progressive(left: list[str], window: int) -> bool:
    """Whether the sentence opens with a verb's -ing form, its subject and auxiliary dropped, a
    few words before the expression: "@ishneak flying out on sunday", "So having a long
    weekend?". Such a tweet speaks of what is under way or planned. Further into a sentence an
    -ing form is as often a participle ("shareholders tendering ... by the Tuesday deadline")."""
    if len(left) >= window:
        return False  # the sentence starts further back
    for k, w in enumerate(left[:3]):
        w = w.lower()
        if len(w) > 4 and w.endswith("ing") and w not in _NOT_PROGRESSIVE:
            return len(left) - k <= 4 and not any(
                x.lower() in _DETERMINERS or _is_break(x) for x in left[:k])
    return False


# A headline's "to" + verb after its subject is what will be: "Talks to resume Monday".
_HEADLINE_TO = re.compile(r"\s*(?:[A-Z][\w.'’-]*\s+){1,4}to\s+(?P<verb>[A-Za-z]+)\b")


def _headline_infinitive(text: str, s0: int, start: int) -> bool:
    m = _HEADLINE_TO.match(text, s0, start)
    if m is None:
        return False
    verb = m["verb"]
    if verb.islower():
        return verb not in _DETERMINERS and verb not in _NOT_VERBS_AFTER_TO
    # Title case: "Putin to Visit Beijing on Friday", not "Trip to Paris on Friday"
    words = re.findall(r"[A-Za-z]{4,}", text[s0:start])
    return bool(words) and all(w[0].isupper() for w in words)


# A sentence that invites or proposes speaks of what is to come.
_SEE_YOU = re.compile(r"\bsee (?:you|u|ya|y'?all|everyone)(?: (?:on|at|this|next))?\s+$", re.I)
_INVITATION = re.compile(r"\s*(?:@\w+[\s,:]+)*[\"“'‘(]*(?:join|come|visit|catch|book|register"
                         r"|take|grab|bring|save the date|don'?t forget|mark your"
                         r"|remember to|don'?t miss|how about|what about|let'?s"
                         r"|see (?:you|u|ya|y'?all|everyone)|meet me|meet us)\b", re.I)


_DETERMINERS = {"the", "a", "an", "its", "his", "her", "their", "our", "this", "that"}
_POSSESSIVES = {"its", "his", "her", "their", "our", "my", "your"}
_COUNTS = {"two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "several",
           "many", "few", "more", "home"}
# Before a plural noun, like a count: "almost all votes in after Sunday's elections".
_QUANTIFIERS = _COUNTS | {"all", "most", "some", "no", "any", "these", "those"}
