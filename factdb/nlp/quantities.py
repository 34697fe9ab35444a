"""Find the quantities in a sentence and store each one as an interval plus what it counts.

``extract_quantities`` reads one sentence of a parsed article and returns a `Quantity` for
every amount in it: plain counts ("75 planes"), qualified ones ("more than 3,800 people"),
vague ones ("dozens of people"), ranges ("between 10 and 20"), money ("$2.3 billion"),
percentages, durations, earthquake magnitudes and physical measures ("30 basis points",
"lasted 45 seconds", "a 7.4-magnitude quake", "a 400-mile fault"), ranges with units ("30
feet to 90 feet"), and measures that are no counts (DOMAIN.md): ages ("Nazarbayev, 81,", "in
her 40s": unit ``year``, counted ``age``), clock times ("1:52 a.m." = 112 minutes after
midnight, unit ``clock_time``), an ordinal day of something ("the 20th day of the strike" =
20 days) and fractions and shares in percent ("three-quarters of", "one in five", "the
majority of"). Numbers that are not quantities are left out: years and dates ("in 1991",
"bonds due 2045", "Jan. 5"), ordinal positions ("a second day"), labels ("Flight 990",
"W-2"), street numbers ("221 Baker Street") and phone numbers.

Every quantity with a unit also carries its value in the base unit of its dimension
(`factdb.nlp.units`, with pint), so "100 miles" and "161 km" compare.

Each amount becomes an interval so that two reports can be compared by overlap (see
DOMAIN.md, Quantity). The word lists and the bands behind the intervals live in
``factdb/data/quantities.json``:

- ``about / around / roughly / some / approximately / an estimated N`` → ``[0.9N, 1.1N]``
  (``approx_band`` = 10 %), or ±1 % (``approx_band_precise``) when N is written with 3 or
  more significant digits ("some 12,040"), qualifier ``approx``.
- ``nearly / almost / close to N`` → ``[0.9N, N]`` (``nearly_band``), qualifier ``approx``.
- ``at least N`` → ``[N, ∞)``; ``more than / over N`` → ``(N, ∞)``; ``up to / as many as N`` →
  ``[0, N]``; ``fewer / less than N`` → ``[0, N)``.
- Vague words have fixed bands: ``a dozen`` [12, 12], ``dozens`` [24, 99], ``scores of``
  [40, 99], ``hundreds`` [200, 999], ``thousands`` [2,000, 9,999], ``tens of thousands``
  [20,000, 99,999], ``hundreds of thousands`` [200,000, 999,999], ``millions``
  [2,000,000, 9,999,999]; their ``value`` is None except for ``a dozen`` (12).

What is counted comes from the dependency parse: the noun the number modifies ("18 security
guards" → ``security guard``), or the object of ``of`` ("dozens of people" → ``people``), or,
when the noun is left out, the noun of the coordinated number before it ("dozens of people
were killed and hundreds injured" → ``people`` for both). The predicate is the verb or
predicate adjective that governs that noun, never a reporting verb ("the president said 20,000
bandits attacked" → ``attack``); a number that names no noun takes the adjective right after it
("Izmit 4,179 dead" → ``dead``), and money takes the verb of its price or means ("buy Brightwater
for $2.3 billion" → ``buy``). A count that names no noun but people ("all 217 aboard", "4,179
dead", "3,046 deaths", "the death toll rose to 7,085") counts ``people``; a measure counts what
it measures ("a depth of 250 feet", "55 meters of water", "Payload: 63,800 kg"); an increment
("an additional 2.5 million") is kept apart from the total.
"""

from __future__ import annotations

import calendar
import itertools
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, TypeVar

from spacy.tokens import Doc, Span, Token
from word2number import w2n

from factdb.nlp.pipeline import doc_text
from factdb.nlp.types import Qualifier, Quantity
from factdb.nlp.units import to_base

__all__ = ["extract_quantities", "parse_number"]

Phrase = tuple[str, ...]
_V = TypeVar("_V")

# A number written in digits: "26", "3,800", "2.3", ".5". Thousands groups must be well formed
# so that "1,5" is not read as 15.
_DIGITS = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$|^\.\d+$")
# Digits with a letter suffix glued on: "1.5bn", "5m", "1.3million" (the suffix must be a
# magnitude word; "1990s" and "2nd" do not qualify).
_GLUED = re.compile(r"^((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)([a-z]+)\.?$", re.IGNORECASE)
# Letters glued before digits mark a label, not an amount: "W-2", "G20", "F-16", "COVID-19".
_LABEL_CHUNK = re.compile(r"[A-Za-z]-?\d")
# Several digit groups joined by separators are phone numbers, dates or codes:
# "1-800-685-1111", "8-17-99", "8/17", "12.03.2021", and a local phone number "555-0199"
# (not the round range "100-1000").
_CODE_CHUNK = re.compile(r"\d([-/.])\d+\1\d|\d/\d|(?<![\d,.-])\d{3}-(?!\d\d00)\d{4}(?![\d-])")
# Every number word word2number understands ("point" is only valid between number words).
_NUMBER_WORDS = frozenset(w2n.american_number_system) - {"point"}
# Number words that combine into one number: "twenty five", never "five five".
_TENS = frozenset({"twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"})
_UNITS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine"})
# Magnitude words (from the lexicon) that only count when glued to digits: "£5m", not "5 m".
_SHORT_MAGNITUDES = frozenset({"k", "m", "mn", "mln", "bn", "b", "tn"})
# A clock time: "1:52", "11:05" (with a.m./p.m. or a zone after it), "0002" before a zone.
_CLOCK = re.compile(r"^(\d{1,2})(?::(\d{2}))?$")
_CLOCK_24 = re.compile(r"^([01]\d|2[0-3])([0-5]\d)$")
# A decade of life: "40s", "40's" (the age in "in her 40s").
_DECADE = re.compile(r"^([1-9])0'?s$")
# Currency letters glued after a dollar sign: "$US4,200", "$A50".
_DOLLAR_PREFIX = re.compile(r"^([A-Za-z]{1,2})((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)$")
# A number glued to "sub-": "sub-9000" (below 9,000).
_BELOW = re.compile(r"^([A-Za-z]+)-((?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)$")
# An ordinal in digits: "20th", "1st", "22nd", "3rd".
_ORDINAL = re.compile(r"^(\d+)(?:st|nd|rd|th)$", re.IGNORECASE)
_RANGE_DASHES = frozenset({"-", "\u2013", "\u2014"})  # hyphen, en dash, em dash
# Prepositions through which a number still belongs to the verb: "the toll rose to 7,085";
# with a unit also "surged by 30 percent"; for money also a price or a means: "agreed to buy
# Brightwater for $2.3 billion", "finance the purchase with $1.5bn".
_VERB_PREPOSITIONS = frozenset({"to", "at", "from"})
_UNIT_PREPOSITIONS = _VERB_PREPOSITIONS | {"by"}
_MONEY_PREPOSITIONS = _UNIT_PREPOSITIONS | {"for", "with"}
# Verbs that link a subject to its state like a copula: "remain missing", "stay closed".
_LINKING_VERBS = frozenset({"remain", "stay", "seem", "appear", "become", "lie"})
_CLOCK_PREPOSITIONS = _VERB_PREPOSITIONS | {"after", "before", "around", "about", "by", "until"}
# Units whose "of" phrase names what is measured: "45 percent of the population".
_SHARE_UNITS = frozenset({"percent", "percentage_point"})
# A counted "noun" with one of these entity labels is a place or name heading a table row
# ("Istanbul 984 dead"), not the thing counted.
_PLACE_AND_NAME_LABELS = frozenset({"GPE", "LOC", "ORG", "PERSON", "FAC"})
_TIME_LABELS = frozenset({"DATE", "TIME"})
# Days and months by name: the recogniser does not always tag them ("six Friday").
_CALENDAR = frozenset(
    {calendar.day_name[i].lower() for i in range(7)}
    | {calendar.month_name[i].lower() for i in range(1, 13)}
)
_CONJUNCTIONS = frozenset({"and", "or", "but", "while", "whereas"})
_CORE_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "obj", "attr", "oprd", "dative", "csubj"})


@dataclass(frozen=True)
class _Band:
    """The interval a vague number word stands for ("dozens" → 24..99)."""

    low: float
    high: float
    needs_of: bool


@dataclass(frozen=True)
class _Lexicon:
    """The contents of ``factdb/data/quantities.json``, indexed for matching."""

    approx_band: float
    nearly_band: float
    qualifiers_before: dict[Phrase, str]
    qualifiers_after: dict[Phrase, str]
    verb_qualifiers: dict[str, str]
    vague: dict[Phrase, _Band]
    magnitudes: dict[str, float]
    currency_symbols: dict[str, str]
    units: dict[Phrase, str]
    currencies: frozenset[str]
    time_units: frozenset[str]
    temporal_words: frozenset[str]
    magnitude_cue: str
    magnitude_word: str
    magnitude_nouns: frozenset[str]
    months: frozenset[str]
    clock_words: frozenset[str]
    age_before: frozenset[str]
    age_after: dict[Phrase, bool]
    fraction_words: frozenset[str]
    determiners_not_one: frozenset[str]
    name_labels: frozenset[str]
    year_low: int
    year_high: int
    ignored_modifiers: frozenset[str]
    elided_nouns: frozenset[str]
    label_nouns: frozenset[str]
    total_nouns: frozenset[str]
    reporting_verbs: frozenset[str]
    approx_band_precise: float
    approx_precise_digits: int
    people_noun: str
    people_after: dict[Phrase, bool]
    person_predicates: frozenset[str]
    person_events: dict[str, str]
    age_unit: str
    age_counted: str
    age_decade_parts: dict[str, tuple[int, int]]
    age_possessives: frozenset[str]
    clock_am: frozenset[str]
    clock_pm: frozenset[str]
    clock_zones: frozenset[str]
    clock_words_alone: dict[str, float]
    clock_band: float
    clock_qualifiers: dict[Phrase, str]
    ordinal_words: dict[str, int]
    fraction_values: dict[str, int]
    majority_words: frozenset[str]
    ratio_words: dict[Phrase, bool]
    dollar_prefixes: dict[str, str]
    below_prefixes: frozenset[str]
    per_words: frozenset[str]
    street_words: frozenset[str]
    range_verbs: frozenset[str]
    increment_word: str
    increment_before: frozenset[str]
    increment_after: frozenset[str]
    force_nouns: frozenset[str]


def _phrase(text: str) -> Phrase:
    return tuple(text.lower().split())


@cache
def _lexicon() -> _Lexicon:
    """Load the lexical data once per process."""
    raw: dict[str, Any] = json.loads(
        resources.files("factdb.data").joinpath("quantities.json").read_text(encoding="utf-8")
    )
    year_low, year_high = raw["year_range"]
    return _Lexicon(
        approx_band=float(raw["approx_band"]),
        nearly_band=float(raw["nearly_band"]),
        qualifiers_before={_phrase(k): v for k, v in raw["qualifiers_before"].items()},
        qualifiers_after={_phrase(k): v for k, v in raw["qualifiers_after"].items()},
        verb_qualifiers=dict(raw["verb_qualifiers"]),
        vague={
            _phrase(entry["phrase"]): _Band(
                float(entry["low"]), float(entry["high"]), bool(entry.get("needs_of", False))
            )
            for entry in raw["vague"]
        },
        magnitudes={k: float(v) for k, v in raw["magnitudes"].items()},
        currency_symbols=dict(raw["currency_symbols"]),
        units={_phrase(k): v for k, v in raw["units"].items()},
        currencies=frozenset(raw["currencies"]),
        time_units=frozenset(raw["time_units"]),
        temporal_words=frozenset(raw["temporal_words"]),
        magnitude_cue=raw["magnitude_cue"],
        magnitude_word=raw["magnitude_word"],
        magnitude_nouns=frozenset(raw["magnitude_nouns"]),
        months=frozenset(raw["months"]),
        clock_words=frozenset(raw["clock_words"]),
        age_before=frozenset(raw["age_words_before"]),
        age_after={_phrase(p): True for p in raw["age_words_after"]},
        fraction_words=frozenset(raw["fraction_words"]),
        determiners_not_one=frozenset(raw["determiners_not_one"]),
        name_labels=frozenset(raw["name_labels"]),
        year_low=int(year_low),
        year_high=int(year_high),
        ignored_modifiers=frozenset(raw["ignored_modifiers"]),
        elided_nouns=frozenset(raw["elided_nouns"]),
        label_nouns=frozenset(raw["label_nouns"]),
        total_nouns=frozenset(raw["total_nouns"]),
        reporting_verbs=frozenset(raw["reporting_verbs"]),
        approx_band_precise=float(raw["approx_band_precise"]),
        approx_precise_digits=int(raw["approx_precise_digits"]),
        people_noun=raw["people_noun"],
        people_after={_phrase(p): True for p in raw["people_after"]},
        person_predicates=frozenset(raw["person_predicates"]),
        person_events=dict(raw["person_events"]),
        age_unit=raw["age_unit"],
        age_counted=raw["age_counted"],
        age_decade_parts={k: (int(v[0]), int(v[1])) for k, v in raw["age_decade_parts"].items()},
        age_possessives=frozenset(raw["age_possessives"]),
        clock_am=frozenset(raw["clock_am"]),
        clock_pm=frozenset(raw["clock_pm"]),
        clock_zones=frozenset(raw["clock_zones"]),
        clock_words_alone={k: float(v) for k, v in raw["clock_words_alone"].items()},
        clock_band=float(raw["clock_band"]),
        clock_qualifiers={_phrase(k): v for k, v in raw["clock_qualifiers"].items()},
        ordinal_words={k: int(v) for k, v in raw["ordinal_words"].items()},
        fraction_values={k: int(v) for k, v in raw["fraction_values"].items()},
        majority_words=frozenset(raw["majority_words"]),
        ratio_words={_phrase(p): True for p in raw["ratio_words"]},
        dollar_prefixes=dict(raw["dollar_prefixes"]),
        below_prefixes=frozenset(raw["below_prefixes"]),
        per_words=frozenset(raw["per_words"]),
        street_words=frozenset(raw["street_words"]),
        range_verbs=frozenset(raw["range_verbs"]),
        increment_word=raw["increment_word"],
        increment_before=frozenset(raw["increment_before"]),
        increment_after=frozenset(raw["increment_after"]),
        force_nouns=frozenset(raw["force_nouns"]),
    )


# ---------------------------------------------------------------------------------------------
# Numbers as text


def _split_glued(word: str, magnitudes: Mapping[str, float]) -> list[str]:
    """``"1.5bn"`` → ``["1.5", "bn"]``; anything else is returned as one word."""
    match = _GLUED.match(word)
    if match and match.group(2).lower() in magnitudes:
        return [match.group(1), match.group(2).lower()]
    return [word]


def parse_number(text: str) -> float | None:
    """Read a written number: ``"3,800"``, ``"2.3"``, ``"1.5bn"``, ``"19 million"``,
    ``"nineteen million"``, ``"three"``, ``"a dozen"``, ``"two dozen"``.

    Returns None when the text is not a number on its own ("hundreds", "second", "3 people").
    Number words are read by ``word2number``; magnitude words and suffixes (``million``,
    ``bn``, ``m``, ``dozen``) come from the lexicon.
    """
    magnitudes = _lexicon().magnitudes
    words: list[str] = []
    for word in re.split(r"[\s\-]+", text.strip()):
        if word and not _DIGITS.match(word):
            word = word.rstrip(".")  # "m." at the end of a sentence
        words.extend(w if _DIGITS.match(w) else w.lower() for w in _split_glued(word, magnitudes))
    words = [w for w in words if w]
    if not words:
        return None
    multiplier = 1.0
    if _DIGITS.match(words[0]):
        # "19 million", "1.5 bn": digits, then only magnitude words.
        for word in words[1:]:
            if word not in magnitudes:
                return None
            multiplier *= magnitudes[word]
        return float(words[0].replace(",", "")) * multiplier
    if words[0] in ("a", "an") and len(words) > 1:
        words[0] = "one"  # "a dozen", "a million"
    while words and words[-1] == "dozen":
        # word2number has no "dozen": "two dozen" = 2 x 12.
        multiplier *= magnitudes["dozen"]
        words.pop()
    if not words:
        return multiplier
    if not all(w in _NUMBER_WORDS or w in ("and", "point") for w in words):
        return None
    try:
        value = w2n.word_to_num(" ".join(words))
    except ValueError:
        return None
    return float(value) * multiplier


# ---------------------------------------------------------------------------------------------
# Token-level matching


def _keys(token: Token) -> tuple[str, str]:
    return token.lower_, token.lemma_.lower()


def _match_at(doc: Doc, i: int, stop: int, phrases: Mapping[Phrase, _V]) -> tuple[int, _V] | None:
    """The longest phrase that starts at token ``i`` and ends before ``stop``."""
    best: tuple[int, _V] | None = None
    if i >= stop:
        return None
    first = _keys(doc[i])
    for phrase, value in phrases.items():
        n = len(phrase)
        if (
            phrase[0] in first
            and (best is None or n > best[0])
            and i + n <= stop
            and all(phrase[k] in _keys(doc[i + k]) for k in range(1, n))
        ):
            best = (n, value)
    return best


def _match_before(
    doc: Doc, end: int, floor: int, phrases: Mapping[Phrase, _V]
) -> tuple[int, _V] | None:
    """The longest phrase that ends right before token ``end`` and starts at or after ``floor``."""
    best: tuple[int, _V] | None = None
    if end - 1 < floor:
        return None
    last = _keys(doc[end - 1])
    for phrase, value in phrases.items():
        n = len(phrase)
        if (
            phrase[-1] in last
            and (best is None or n > best[0])
            and end - n >= floor
            and all(phrase[k] in _keys(doc[end - n + k]) for k in range(n - 1))
        ):
            best = (n, value)
    return best


def _glued(left: Token, right: Token) -> bool:
    """True when no space separates two adjacent tokens ("10-20", "7.4-magnitude")."""
    return left.i + 1 == right.i and not left.whitespace_


def _chunk(doc: Doc, first: int, last: int) -> str:
    """The run of text around tokens ``first..last`` that has no space in it."""
    while first > 0 and not doc[first - 1].whitespace_:
        first -= 1
    while last < len(doc) - 1 and not doc[last].whitespace_:
        last += 1
    return str(doc[first : last + 1].text)


# ---------------------------------------------------------------------------------------------
# Reading one quantity


@dataclass
class _Number:
    """The tokens of one written number and its value ("19 million" → 19e6, multiplier 1e6)."""

    start: int
    end: int
    value: float
    multiplier: float
    suffix_m: bool = False


@dataclass
class _Candidate:
    """A quantity being read: its token span, interval and the tokens the syntax rules need.

    `rule` names how the interval is built (``exact``, ``at_least``, ``approx``, ``nearly``,
    ``range``, ``vague`` ...); `vague` marks plural vague words ("dozens"), which keep their
    band and take no qualifier; `is_count` turns False for years, dates and labels. `kind`
    says what sort of quantity it is: ``count`` (and plain measures), ``age``, ``clock``
    (minutes after midnight), ``share`` (a fraction in percent) or ``duration`` (an ordinal
    day of something); `counted` is what it counts when the words fix it ("age").
    """

    start: int
    end: int
    numbers: list[_Number]
    low: float | None
    high: float | None
    value: float | None
    rule: str
    unit: str | None = None
    unit_tokens: tuple[int, int] | None = None
    hyphen_noun: int | None = None
    has_qualifier: bool = False
    is_count: bool = True
    vague: bool = False
    kind: str = "count"
    counted: str | None = None
    low_open: bool = False


def _is_number_token(token: Token, lex: _Lexicon) -> bool:
    """Digits ("3,800", "1.5bn") or a cardinal number word tagged CD ("three", not "no one")."""
    if _DIGITS.match(token.text):
        return True
    if len(_split_glued(token.text, lex.magnitudes)) == 2:
        return True
    return token.tag_ == "CD" and token.lower_ in _NUMBER_WORDS


def _read_number(doc: Doc, i: int, stop: int, lex: _Lexicon) -> _Number | None:
    """Read the number that starts at token ``i``: "26", "19 million", "one hundred and five",
    "twenty-five", "a million", "£5m" (the "5" and the glued "m")."""
    first = doc[i]
    word_magnitudes = {w for w in lex.magnitudes if w not in _SHORT_MAGNITUDES}
    prefixed = _dollar_prefix(doc, i, lex)
    if first.lower_ in ("a", "an"):
        if not (i + 1 < stop and doc[i + 1].lower_ in word_magnitudes):
            return None
    elif prefixed is None and not _is_number_token(first, lex):
        return None
    j = i + 1
    multiplier = 1.0
    suffix_m = False
    while j < stop:
        tok = doc[j]
        prev = doc[j - 1]
        word = tok.lower_.rstrip(".")
        hyphen = tok.text == "-" and j + 1 < stop and _glued(prev, tok) and _glued(tok, doc[j + 1])
        nxt = doc[j + 1].lower_ if hyphen else word
        if word in word_magnitudes or (word in _SHORT_MAGNITUDES and _glued(prev, tok)):
            multiplier *= lex.magnitudes[word]
            suffix_m = suffix_m or tok.text.rstrip(".") == "m"
            j += 1
        elif prev.lower_ in _TENS and nxt in _UNITS:
            j += 2 if hyphen else 1  # "twenty five", "twenty-five"
        elif prev.lower_ in word_magnitudes and (
            nxt in _NUMBER_WORDS or (word == "and" and doc[j + 1].lower_ in _NUMBER_WORDS)
        ):
            j += 2 if word == "and" else 1  # "one hundred five", "one hundred and five"
        else:
            break
    text = doc[i:j].text if prefixed is None else f"{prefixed[1]} {doc[i + 1 : j].text}"
    value = parse_number(text)
    if value is None:
        return None
    glued = _split_glued(first.text, lex.magnitudes)
    if len(glued) == 2:
        multiplier *= lex.magnitudes[glued[1]]
        suffix_m = suffix_m or first.text.rstrip(".").endswith("m")
    return _Number(i, j, value, multiplier, suffix_m)


def _dollar_prefix(doc: Doc, i: int, lex: _Lexicon) -> tuple[str, str] | None:
    """(currency, digits) of a token such as "US4,200" glued after a dollar sign ("$US4,200")."""
    if i == 0 or doc[i - 1].text != "$" or doc[i - 1].whitespace_:
        return None
    match = _DOLLAR_PREFIX.match(doc[i].text)
    if match is None or match.group(1).lower() not in lex.dollar_prefixes:
        return None
    return lex.dollar_prefixes[match.group(1).lower()], match.group(2)


def _read_range_end(
    doc: Doc, first: _Number, start: int, stop: int, lex: _Lexicon
) -> _Number | None:
    """The upper number of a range after ``first``: "10 to 20", "10-20", "two or three",
    "between 10 and 20". Not "from 7,085 to 12,000", which is a change, not a range."""
    j = first.end
    if j + 1 >= stop:
        return None
    connector = doc[j].lower_
    if start > 0 and doc[start - 1].lower_ in lex.currency_symbols:
        start -= 1  # "between €300 million and €450 million": the sign stands before the number
    before = doc[start - 1].lower_ if start > 0 else ""
    if connector == "and":
        if before != "between":
            return None
    elif connector not in ("to", "or", *_RANGE_DASHES) or before == "from":
        return None
    k = j + 1
    if doc[k].lower_ in lex.currency_symbols and k + 1 < stop:
        k += 1
    second = _read_number(doc, k, stop, lex)
    if second is None:
        return None
    if _range_low(first, second) >= second.value:
        return None  # "won 3-2" is a score, not a range
    return second


def _range_low(first: _Number, second: _Number) -> float:
    """The low end of a range; "between 20 and 40 billion dollars" scales both ends."""
    if first.multiplier == 1.0 and second.multiplier > 1.0:
        return first.value * second.multiplier
    return first.value


def _significant_digits(value: float) -> int:
    """Significant digits of a written number: 12,040 → 4, 145 million → 3, 20,000 → 1."""
    digits = f"{abs(value):.12g}".replace(".", "").split("e")[0]
    return max(1, len(digits.strip("0")))


def _interval(
    rule: str, value: float, lex: _Lexicon
) -> tuple[float | None, float | None, bool, bool, Qualifier]:
    """(low, high, low_inclusive, high_inclusive, qualifier) for a qualifier rule applied to N."""
    if rule == "at_least":
        return value, None, True, True, Qualifier.AT_LEAST
    if rule == "more_than":
        return value, None, False, True, Qualifier.MORE_THAN
    if rule == "at_most":
        return 0.0, value, True, True, Qualifier.AT_MOST
    if rule == "less_than":
        return 0.0, value, True, False, Qualifier.LESS_THAN
    if rule == "approx":
        precise = _significant_digits(value) >= lex.approx_precise_digits
        band = lex.approx_band_precise if precise else lex.approx_band
        return value * (1 - band), value * (1 + band), True, True, Qualifier.APPROX
    if rule == "nearly":
        return value * (1 - lex.nearly_band), value, True, True, Qualifier.APPROX
    return value, value, True, True, Qualifier.EXACT


def _read_special(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """The quantities whose words are not a plain number: clock times, a decade of life,
    "the 20th day of", fractions and majorities, "more than a mile", "sub-9000"."""
    tok = doc[i]
    if not (
        tok.text[:1].isdigit()
        or tok.like_num
        or "-" in tok.text
        or tok.lower_ in ("a", "an", "the", "half")
        or tok.lower_ in lex.clock_words_alone
        or tok.lower_ in lex.ordinal_words
    ):
        return None  # none of the shapes below starts with this word
    for reader in (_read_clock, _read_decade_age, _read_ordinal_duration, _read_share):
        cand = reader(doc, i, sent, lex)
        if cand is not None:
            return cand
    return _read_one_unit(doc, i, sent, lex) or _read_below(doc, i, sent, lex)


def _single(i: int, end: int, value: float, *, unit: str | None, kind: str) -> _Candidate:
    """A candidate for one value read from tokens ``i..end``."""
    return _Candidate(
        start=i,
        end=end,
        numbers=[_Number(i, end, value, 1.0)],
        low=value,
        high=value,
        value=value,
        rule="exact",
        unit=unit,
        kind=kind,
    )


def _read_clock(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """A clock time in minutes after midnight: "1:52 a.m. EST" = 112, "2 p.m." = 840,
    "0002 GMT" = 2, "at noon" = 720; "just after noon" = [720, 735] (``clock_band``)."""
    stop = sent.end
    tok = doc[i]
    nxt = doc[i + 1].lower_ if i + 1 < stop else ""
    minutes: float | None = None
    end = i + 1
    if tok.lower_ in lex.clock_words_alone:
        if i > sent.start and doc[i - 1].pos_ == "ADP":
            minutes = lex.clock_words_alone[tok.lower_]
    elif (match := _CLOCK.match(tok.text)) is not None:
        hours, mins = int(match.group(1)), int(match.group(2) or 0)
        if nxt in lex.clock_am | lex.clock_pm and 1 <= hours <= 12 and mins < 60:
            minutes = (hours % 12 + (12 if nxt in lex.clock_pm else 0)) * 60 + mins
            end = i + 2
        elif match.group(2) is not None and nxt in lex.clock_zones and hours < 24 and mins < 60:
            minutes = hours * 60 + mins  # "14:30 GMT"
    elif (match := _CLOCK_24.match(tok.text)) is not None and nxt in lex.clock_zones:
        minutes = int(match.group(1)) * 60 + int(match.group(2))  # "0002 GMT"
    if minutes is None:
        return None
    if end < stop and doc[end].lower_ in lex.clock_zones:
        end += 1
    cand = _single(i, end, minutes, unit="clock_time", kind="clock")
    qualifier = _match_before(doc, i, sent.start, lex.clock_qualifiers)
    if qualifier is not None:
        n, rule = qualifier
        band = lex.clock_band
        low = minutes - band if rule in ("before", "approx") else minutes
        high = minutes + band if rule in ("after", "approx") else minutes
        cand.start, cand.low, cand.high, cand.value, cand.rule = i - n, low, high, None, "range"
        cand.has_qualifier = True
    return cand


def _read_decade_age(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """A decade of life after a possessive: "in her 40s" = 40..49 years, "his early 50s" =
    50..53 (``age_decade_parts``); "the 1990s" is a period, not an age."""
    match = _DECADE.match(doc[i].text)
    if match is None or i == sent.start:
        return None
    start = i - 1
    first, last = 0, 9
    if doc[start].lower_ in lex.age_decade_parts and start > sent.start:
        first, last = lex.age_decade_parts[doc[start].lower_]
        start -= 1
    if doc[start].lower_ not in lex.age_possessives:
        return None
    decade = int(match.group(1)) * 10
    cand = _single(start + 1, i + 1, decade, unit=lex.age_unit, kind="age")
    cand.low, cand.high, cand.value, cand.rule, cand.vague = (
        decade + first,
        decade + last,
        None,
        "vague",
        True,
    )
    cand.counted = lex.age_counted
    return cand


def _ordinal_value(token: Token, lex: _Lexicon) -> int | None:
    match = _ORDINAL.match(token.text)
    if match is not None:
        return int(match.group(1))
    return lex.ordinal_words.get(token.lower_)


def _read_ordinal_duration(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """ "the 20th day of the strike": 20 days of it. A position without "the ... of" stays a
    position ("fell for a second day")."""
    value = _ordinal_value(doc[i], lex)
    if value is None or i == sent.start or doc[i - 1].lower_ != "the":
        return None
    unit = _match_at(doc, i + 1, sent.end, lex.units)
    if unit is None or unit[1] not in lex.time_units:
        return None
    end = i + 1 + unit[0]
    if end >= sent.end or doc[end].lower_ != "of":
        return None
    cand = _single(i, end, value, unit=unit[1], kind="duration")
    cand.unit_tokens = (i + 1, end)
    return cand


def _read_share(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """A fraction or a majority, in percent: "three-quarters of" = 75, "two-thirds" = 66.7,
    "a third of" / "half of" = 33.3 / 50, "the majority of" = (50, 100]."""
    stop = sent.end
    tok = doc[i]
    before = doc[i - 1].lower_ if i > sent.start else ""
    after = doc[i + 1].lower_ if i + 1 < stop else ""
    if tok.lower_ in ("the", "a") and after in lex.majority_words:
        if i + 2 < stop and doc[i + 2].lower_ == "of":
            cand = _single(i, i + 2, 50.0, unit="percent", kind="share")
            cand.high, cand.value, cand.rule, cand.low_open = 100.0, None, "range", True
            return cand
        return None
    if tok.lower_ == "half" and after == "of" and before not in ("the", "a", "first", "second"):
        return _single(i, i + 1, 50.0, unit="percent", kind="share")
    numerator: float | None = None
    k = i + 1
    if tok.lower_ in ("a", "an") and after in lex.fraction_values:
        numerator = 1.0
        if not (i + 2 < stop and doc[i + 2].lower_ == "of"):
            return None  # "a third time", "a quarter century"
    elif _is_number_token(tok, lex) and after == "-" and _glued(tok, doc[i + 1]):
        numerator = parse_number(tok.text)
        k = i + 2
    if numerator is None or k >= stop or doc[k].lower_ not in lex.fraction_values:
        return None
    denominator = lex.fraction_values[doc[k].lower_]
    cand = _single(i, k + 1, 100.0 * numerator / denominator, unit="percent", kind="share")
    cand.unit_tokens = (k, k + 1)
    _read_qualifier(doc, cand, sent, lex)  # "about three-quarters"
    return cand


def _read_one_unit(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """ "more than a mile", "for almost an hour": "a" stands for one unit after a qualifier."""
    if doc[i].lower_ not in ("a", "an"):
        return None
    unit = _match_at(doc, i + 1, sent.end, lex.units)
    if unit is None or unit[1] in lex.currencies:
        return None
    if _match_before(doc, i, sent.start, lex.qualifiers_before) is None:
        return None
    cand = _single(i, i + 1 + unit[0], 1.0, unit=unit[1], kind="count")
    cand.unit_tokens = (i + 1, i + 1 + unit[0])
    _read_qualifier(doc, cand, sent, lex)
    return cand if cand.has_qualifier else None


def _read_below(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """ "sub-9000": below 9,000."""
    match = _BELOW.match(doc[i].text)
    if match is None or match.group(1).lower() not in lex.below_prefixes:
        return None
    value = parse_number(match.group(2))
    if value is None:
        return None
    cand = _single(i, i + 1, value, unit=None, kind="count")
    cand.rule, cand.has_qualifier = "less_than", True
    return cand


def _read_unit_range(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> None:
    """A range whose ends both carry the unit: "30 feet to 90 feet", "between 6% and 12.5%",
    "$30 million-$40 million". Not "from 30 feet to 90 feet", which is a change."""
    if cand.unit is None or cand.rule != "exact" or cand.kind != "count" or cand.has_qualifier:
        return
    stop = sent.end
    j = cand.end
    if j + 1 >= stop:
        return
    before = doc[cand.start - 1].lower_ if cand.start > sent.start else ""
    connector = doc[j].lower_
    if connector == "and":
        if before != "between":
            return
    elif connector not in ("to", "or", *_RANGE_DASHES) or before == "from":
        return
    k = j + 1
    sign = doc[k].lower_ in lex.currency_symbols
    if sign:
        k += 1
    second = _read_number(doc, k, stop, lex)
    if second is None:
        return
    end = second.end
    if not sign:
        unit = _match_at(doc, end, stop, lex.units)
        if unit is None or unit[1] != cand.unit:
            return
        end += unit[0]
    elif lex.currency_symbols[doc[k - 1].lower_] != cand.unit:
        return
    low = cand.numbers[0].value
    if low >= second.value:
        return
    cand.numbers.append(second)
    cand.end = end
    cand.low, cand.high, cand.value, cand.rule = low, second.value, None, "range"


def _read_ratio(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> None:
    """ "one in five adults", "nine out of 10": a share in percent (20, 90)."""
    if cand.unit is not None or cand.rule != "exact" or cand.value is None:
        return
    words = _match_at(doc, cand.end, sent.end, lex.ratio_words)
    if words is None or not cand.value.is_integer() or not 0 < cand.value <= 20:
        return
    second = _read_number(doc, cand.end + words[0], sent.end, lex)
    if second is None or not second.value.is_integer() or not cand.value < second.value <= 1000:
        return
    share = 100.0 * cand.value / second.value
    cand.numbers.append(second)
    cand.end = second.end
    cand.low = cand.high = cand.value = share
    cand.unit, cand.kind = "percent", "share"


def _read_price_per(doc: Doc, cand: _Candidate, stop: int, lex: _Lexicon) -> None:
    """Money for each of something is its price: "$45-a-share", "$90 million per launch"
    count "price per share", "price per launch" ("$4,200 a month" is a rate in time: no)."""
    if cand.unit not in lex.currencies or cand.kind != "count":
        return
    k = cand.end
    if k < stop and doc[k].text == "-":
        k += 1
    if k >= stop or doc[k].lower_ not in lex.per_words:
        return
    k += 1
    if k < stop and doc[k].text == "-":
        k += 1
    if k >= stop or doc[k].pos_ != "NOUN":
        return
    unit = _match_at(doc, k, stop, lex.units)
    if unit is not None and unit[1] in lex.time_units:
        return
    cand.counted = f"price per {doc[k].lemma_.lower()}"
    cand.end = k + 1


def _read_age_cues(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> None:
    """Ages written without "-year-old": "aged 81" and "Nazarbayev, 81, ceded" (a small
    number set off by commas after a name)."""
    if cand.kind == "age":
        cand.unit, cand.counted = lex.age_unit, lex.age_counted
        return
    if cand.kind != "count" or cand.unit is not None or cand.has_qualifier:
        return
    number = cand.numbers[0]
    head = _head_of(doc, number.start, number.end)
    if cand.start > sent.start and doc[cand.start - 1].lower_ in lex.age_before:
        cand.start -= 1  # "aged 81"
    elif not (
        head.dep_ == "appos"
        # "Cantor, 51,"; after a common noun when the tagger reads it as a time span, as it
        # does ages ("The captain, 56, and his son"), or when the noun is one person with a
        # determiner: "The girl, 10, was pulled", "his son, 12,".
        and (
            head.head.pos_ == "PROPN"
            or (head.head.pos_ == "NOUN" and head.ent_type_ == "DATE")
            or _one_determined(head.head)
        )
        and _looks_like_age(doc, number)
        and cand.end < sent.end
        # set off by a comma, or ending the sentence after a name ("as Jane Doe, 45.")
        and (doc[cand.end].text == "," or (doc[cand.end].text == "." and head.head.pos_ == "PROPN"))
    ):
        return
    cand.kind, cand.unit, cand.counted = "age", lex.age_unit, lex.age_counted


def _read_candidate(doc: Doc, i: int, sent: Span, lex: _Lexicon) -> _Candidate | None:
    """Read the quantity whose number starts at token ``i``, with its qualifier and unit."""
    stop = sent.end
    cand: _Candidate | None = _read_special(doc, i, sent, lex)
    if cand is not None:
        return cand
    vague = _match_at(doc, i, stop, lex.vague)
    if vague is not None:
        n, band = vague
        if not band.needs_of or (i + n < stop and doc[i + n].lower_ == "of"):
            single = band.low == band.high
            cand = _Candidate(
                start=i,
                end=i + n,
                numbers=[_Number(i, i + n, band.low, 1.0)],
                low=band.low,
                high=band.high,
                value=band.low if single else None,
                rule="vague",
                vague=not single,
            )
    if cand is None:
        number = _read_number(doc, i, stop, lex)
        if number is None:
            return None
        cand = _Candidate(
            start=i,
            end=number.end,
            numbers=[number],
            low=number.value,
            high=number.value,
            value=number.value,
            rule="exact",
        )
        second = _read_range_end(doc, number, i, stop, lex)
        if second is not None:
            low = _range_low(number, second)
            cand.numbers.append(second)
            cand.end = second.end
            cand.low, cand.high, cand.value, cand.rule = low, second.value, None, "range"
    if cand.start > sent.start and doc[cand.start - 1].lower_ in lex.currency_symbols:
        cand.start -= 1  # "$2.3 billion", "£5m"
        cand.unit = lex.currency_symbols[doc[cand.start].lower_]
        prefixed = _dollar_prefix(doc, cand.numbers[0].start, lex)
        if prefixed is not None:
            cand.unit = prefixed[0]  # "$US4,200", "$A50"
    number = cand.numbers[0]
    if number.suffix_m and cand.unit is None and len(cand.numbers) == 1:
        following = doc[number.end] if number.end < stop else None
        if following is None or following.tag_ not in ("NNS", "NNPS"):
            # "£5m", "1.5m people" and "7.5M" are millions; "12.2m (39.9 ft)" is metres.
            metres = number.value / lex.magnitudes["m"]
            cand.low = cand.high = cand.value = metres
            cand.unit = "m"
    _read_unit_after(doc, cand, stop, lex)
    _read_unit_range(doc, cand, sent, lex)
    _read_ratio(doc, cand, sent, lex)
    _read_price_per(doc, cand, stop, lex)
    _read_magnitude(doc, cand, sent, lex)
    _read_qualifier(doc, cand, sent, lex)
    _read_age_cues(doc, cand, sent, lex)
    cand.is_count = cand.is_count and _is_amount(doc, cand, lex)
    return cand


def _read_unit_after(doc: Doc, cand: _Candidate, stop: int, lex: _Lexicon) -> None:
    """Attach what follows the number: a unit ("30 basis points", "7.4-magnitude", "billions of
    dollars"), a trailing qualifier ("100 or more"), or mark ages and fractions as non-amounts."""
    k = cand.end
    if k >= stop:
        return
    if cand.unit is not None:
        # The unit is known already (a currency sign, metres): only a trailing qualifier may
        # follow. "£1.3million days after the hack" has no unit "day".
        _read_qualifier_after(doc, cand, stop, lex)
        return
    age = _match_at(doc, k, stop, lex.age_after)
    if age is not None:
        cand.kind = "age"  # "81 years old", "a 4-year-old boy"
        cand.end = k + age[0]
        return
    if doc[k].text == "-" and k + 1 < stop and _glued(doc[k - 1], doc[k]):
        after = doc[k + 1]
        if after.lower_ in lex.fraction_words:
            cand.is_count = False  # "one-sixth"
            cand.end = k + 2
            return
        unit = _match_at(doc, k + 1, stop, lex.units)
        if unit is not None:
            cand.unit, cand.unit_tokens = unit[1], (k + 1, k + 1 + unit[0])
            cand.end = k + 1 + unit[0]
        elif after.pos_ == "NOUN" and _glued(doc[k], after):
            cand.hyphen_noun = after.i  # "a 4-digit PIN" counts digits
            cand.end = k + 2
        return
    unit = _match_at(doc, k, stop, lex.units)
    pounds_of = k + 2 < stop and doc[k].lemma_.lower() == "pound" and doc[k + 1].lower_ == "of"
    if unit is None and pounds_of:
        # "5 million pounds of thrust" weighs or pushes: money in pounds has no "of" after it
        # ("£5m" or "5 million pounds in fines").
        measured = next((c for c in doc[k + 1].children if c.dep_ == "pobj"), doc[k + 2])
        force = measured.lemma_.lower() in lex.force_nouns  # "pounds of liftoff thrust"
        unit = (1, "lbf" if force else "lb")
    of_unit = None
    if cand.vague and doc[k].lower_ == "of" and k + 1 < stop:
        # "billions of dollars"
        of_unit = _match_at(doc, k + 1, stop, lex.units)
    if unit is not None:
        cand.unit, cand.unit_tokens = unit[1], (k, k + unit[0])
        cand.end = k + unit[0]
    elif of_unit is not None:
        cand.unit, cand.unit_tokens = of_unit[1], (k + 1, k + 1 + of_unit[0])
        cand.end = k + 1 + of_unit[0]
    _read_qualifier_after(doc, cand, stop, lex)


def _read_qualifier_after(doc: Doc, cand: _Candidate, stop: int, lex: _Lexicon) -> None:
    """A qualifier after the number or its unit: "100 or more", "four degrees or above"."""
    after = _match_at(doc, cand.end, stop, lex.qualifiers_after)
    if after is not None and cand.rule == "exact":
        cand.rule = after[1]
        cand.has_qualifier = True
        cand.end += after[0]


def _read_qualifier(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> None:
    """Attach the qualifier before the number ("more than 3,800"), or "between" of a range."""
    start = cand.start
    if cand.rule == "range":
        if start > sent.start and doc[start - 1].lower_ == "between":
            cand.start = start - 1
        return
    if cand.vague:
        return
    while start > sent.start and doc[start - 1].is_quote:
        start -= 1  # 'some "750 employees had suspicious activity'
    qualifier = _match_before(doc, start, sent.start, lex.qualifiers_before)
    if qualifier is None:
        return
    n, rule = qualifier
    if n == 1 and doc[start - 1].dep_ == "prep":
        # "control over 138 domains": the word is a preposition heading the noun phrase,
        # unlike "over 10,000 people" where the parser makes it a modifier of the number.
        return
    cand.start = start - n
    cand.has_qualifier = True
    cand.rule = rule


def _read_magnitude(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> None:
    """Recognise earthquake magnitudes written without "-magnitude": "magnitude 7.4" and
    "a 6-point magnitude" (the word joins the span), "a magnitude of 7.8", "measuring 7.4 on
    the Richter scale" and "7.4 degrees on the Richter scale" (the cue word within six
    tokens, no number between). See also `_is_magnitude`."""
    if cand.unit not in (None, "degree"):
        return
    if cand.unit == "degree" and any(t.lemma_.lower() in lex.magnitude_nouns for t in sent):
        cand.unit = "magnitude"  # "a 6.7-degree earthquake", "aftershocks of four degrees"
        return
    if cand.end < sent.end and doc[cand.end].lower_ == lex.magnitude_word:
        # "a 6-point magnitude": the hyphenated noun was only a unit of the magnitude
        cand.unit, cand.unit_tokens, cand.hyphen_noun = "magnitude", (cand.end, cand.end + 1), None
        cand.end += 1
        return
    start = cand.start
    if start - 1 >= sent.start and doc[start - 1].lower_ == lex.magnitude_word:
        cand.unit, cand.unit_tokens, cand.start = "magnitude", (start - 1, start), start - 1
        return
    if (
        start - 2 >= sent.start
        and doc[start - 2].lower_ == lex.magnitude_word
        and (doc[start - 1].lower_ == "of")
    ):
        cand.unit = "magnitude"
        return
    for tok in doc[cand.end : min(sent.end, cand.end + 6)]:
        if tok.lower_ == lex.magnitude_cue:
            cand.unit = "magnitude"
            return
        if tok.like_num:
            return


# ---------------------------------------------------------------------------------------------
# Numbers that are not amounts


def _head_of(doc: Doc, first: int, end: int) -> Token:
    """The token of ``doc[first:end]`` whose syntactic head lies outside that range."""
    for tok in doc[first:end]:
        if not first <= tok.head.i < end or tok.head.i == tok.i:
            return tok
    return doc[end - 1]


def _is_year(doc: Doc, number: _Number, lex: _Lexicon) -> bool:
    """A bare four-digit number in the year range: "in 1991", "since 2019", "due 2045",
    "the 2020 elections". "2000 people" stays a count (a plural noun outside a date)."""
    tok = doc[number.start]
    if number.end - number.start != 1 or not re.fullmatch(r"\d{4}", tok.text):
        return False
    if not lex.year_low <= int(tok.text) <= lex.year_high:
        return False
    return not (tok.dep_ == "nummod" and tok.head.tag_ == "NNS" and tok.ent_type_ != "DATE")


def _entity_has_words(doc: Doc, token: Token) -> bool:
    """True when the named entity around ``token`` has a word in it, not only numbers."""
    start, end = token.i, token.i + 1
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return any(t.is_alpha and not t.like_num for t in doc[start:end])


def _is_model_number(doc: Doc, cand: _Candidate) -> bool:
    """A short integer that names rather than counts: "Falcon 9", "Flight 990 crashed",
    "Apollo 11 astronauts" (right after a proper noun), "lift a 737", "this is a 10" (a bare
    number after "a"). A number after a name that is followed by a predicate still counts:
    "Bolu 226 dead" in a table of casualties."""
    number = cand.numbers[0]
    if len(cand.numbers) > 1 or number.end - number.start != 1 or number.start == 0:
        return False
    tok = doc[number.start]
    if not re.fullmatch(r"\d+", tok.text):
        return False
    before = doc[number.start - 1]
    if _is_variant_suffix(doc, number.start):
        return True
    if before.pos_ == "PROPN" and before.whitespace_:
        # A headline in title case capitalises its verb: "Driver Kills 7 People".
        headline_count = _is_title_case(tok.sent) and _counts_noun_after(doc, number)
        return not (_has_predicate_after(doc, number) or headline_count)
    return before.lower_ in ("a", "an") and tok.dep_ != "nummod" and cand.hyphen_noun is None


def _is_variant_suffix(doc: Doc, index: int) -> bool:
    """The second half of a model designation: "767-300", "A320-200", written with a hyphen
    and no spaces after a number (or a name ending in digits) larger than itself, so it
    cannot be a range ("10-20"); three digits at least, so a score ("won 5-3") is not one."""
    if index < 2 or doc[index - 1].text not in ("-", "–") or doc[index - 1].whitespace_:
        return False
    first = doc[index - 2]
    if first.whitespace_:
        return False
    digits = re.search(r"(\d+)$", first.text)
    second = int(doc[index].text)
    return digits is not None and int(digits.group(1)) > second >= 100


def _has_predicate_after(doc: Doc, number: _Number) -> bool:
    """True when an adjective or past participle follows the number, as in the casualty rows
    "Bolu 226 dead" and "Golcuk 1,000 dead": the name before it is a place, not a model."""
    after = doc[number.end] if number.end < len(doc) else None
    return after is not None and (after.pos_ == "ADJ" or after.tag_ == "VBN")


def _counts_noun_after(doc: Doc, number: _Number) -> bool:
    """True when the number modifies the plural noun right after it and does not continue a
    name: "310 Chileans and 9 Britons" (the tagger puts "9 Britons" in an ORG), and in a
    title-case headline "Driver Kills 7 People"; not "Apollo 11 astronauts"."""
    if number.end >= len(doc):
        return False
    noun = doc[number.end]
    first = doc[number.start]
    if noun.tag_ not in ("NNS", "NNPS") or first.head.i != noun.i:
        return False
    starts_entity = first.ent_iob_ == "B" or (
        number.start > 0 and doc[number.start - 1].ent_type_ != first.ent_type_
    )
    return starts_entity or _is_title_case(first.sent)


def _is_title_case(sent: Span) -> bool:
    """A headline in title case: every word of four letters or more is capitalised."""
    words = [t for t in sent if t.is_alpha and len(t) >= 4]
    return len(words) >= 2 and all(t.text[0].isupper() for t in words)


# Words written before a number to make it a label: "No. 1", "number 9", "#3".
_DESIGNATORS = frozenset({"no", "no.", "nos", "nos.", "number", "#"})


def _designated(doc: Doc, start: int) -> bool:
    """The number is written after a designator word (`_DESIGNATORS`), possibly split by the
    tokenizer into "No" and "."."""
    before = [t.lower_ for t in doc[max(0, start - 2) : start]]
    return bool(before) and (
        before[-1] in _DESIGNATORS or (before[-1] == "." and "".join(before[-2:]) in _DESIGNATORS)
    )


def _is_street_number(doc: Doc, number: _Number, lex: _Lexicon) -> bool:
    """A house number: a number followed by capitalised words ending in a street word."""
    k = number.end
    while k < len(doc) and doc[k].pos_ == "PROPN" and doc[k].lower_ not in lex.street_words:
        k += 1
    return k > number.end and k < len(doc) and doc[k].lower_ in lex.street_words


def _one_determined(noun: Token) -> bool:
    """A singular common noun with a determiner or possessive ("the girl", "his son")."""
    return (
        noun.pos_ == "NOUN"
        and noun.tag_ == "NN"
        and any(child.dep_ in ("det", "poss") for child in noun.children)
    )


def _looks_like_age(doc: Doc, number: _Number) -> bool:
    """A small whole number set off by a comma: the age in "Nazarbayev, 81, ceded"."""
    text = doc[number.start : number.end].text
    return (
        re.fullmatch(r"\d{1,3}", text) is not None
        and int(text) <= 120
        and number.start > 0
        and doc[number.start - 1].text == ","
    )


def _is_amount(doc: Doc, cand: _Candidate, lex: _Lexicon) -> bool:
    """False for numbers that are dates, times, ages, labels or other non-amounts."""
    number = cand.numbers[0]
    first = doc[number.start]
    last = doc[cand.numbers[-1].end - 1]
    plain = cand.unit is None and not cand.has_qualifier
    chunk = _chunk(doc, number.start, cand.numbers[-1].end - 1)
    if cand.vague or cand.kind != "count":
        return True  # ages, clock times, shares and durations were read from their own shapes
    if _LABEL_CHUNK.search(chunk) and _dollar_prefix(doc, number.start, lex) is None:
        return False  # "W-2", "G20", "COVID-19" (not "$US4,200")
    if _CODE_CHUNK.search(chunk):
        return False  # "1-800-685-1111", "8/17/99"
    if any(_is_year(doc, n, lex) for n in cand.numbers) and plain:
        return False
    if cand.unit is None or cand.unit in lex.time_units:
        # "Aug. 17", "17 August", "3 a.m.", "0002 GMT"
        before = doc[number.start - 1].text.rstrip(".") if number.start > 0 else ""
        after = doc[last.i + 1] if last.i + 1 < len(doc) else None
        if before in lex.months or (after is not None and after.text.rstrip(".") in lex.months):
            return False
        if after is not None and after.lower_ in lex.clock_words:
            return False
    if number.start > 0 and doc[number.start - 1].lower_ in lex.age_before:
        return False  # "aged 81"
    head = _head_of(doc, number.start, number.end)
    if (
        cand.unit is None
        and first.ent_type_ in lex.name_labels
        and _entity_has_words(doc, first)
        and not _has_predicate_after(doc, number)
        and not _counts_noun_after(doc, number)
    ):
        return False  # "Falcon 9", "Boeing 767"; a bare "747" tagged PRODUCT may be a count
    if plain and _is_street_number(doc, number, lex):
        return False  # "221 Baker Street"
    if plain and head.head.i == number.start - 1 and head.head.lemma_.lower() in lex.label_nouns:
        return False  # "page 5", "Section 8
    if plain and _designated(doc, number.start):
        return False  # "the No. 1 engine", "No. 10 Downing Street": a label, not an amount"
    if plain and _is_model_number(doc, cand):
        return False
    if (
        plain
        and head.dep_ == "appos"
        and head.head.pos_ == "PROPN"
        and _looks_like_age(doc, number)
    ):
        return False  # "Nazarbayev, 81, ceded the presidency"
    if (
        not cand.has_qualifier
        and first.lower_ == "one"
        and number.end - number.start == 1
        and cand.rule != "range"
    ):
        # "one of the strongest quakes", "a new one", "one way or another", "one day" are
        # idioms or pronouns; "one station is operational" (a subject or object) counts.
        before_one = doc[number.start - 1].lower_ if number.start > 0 else ""
        return (
            head.dep_ == "nummod"
            and head.head.dep_ in _CORE_DEPS
            and before_one not in lex.determiners_not_one
        )
    return True


# ---------------------------------------------------------------------------------------------
# What is counted, and what happened to it


@dataclass
class _Syntax:
    """Where a quantity sits in the parse: what it counts and its predicate. `has_noun` is
    False for a bare number whose noun was left out ("and 748 injured")."""

    counted: str | None
    predicate: str | None
    has_noun: bool


def _noun_phrase(noun: Token, outside: Iterable[int], lex: _Lexicon) -> str:
    """The counted noun, lemmatized, after its noun and meaningful adjective modifiers, lower
    case: "18 security guards" → "security guard", "two consecutive quakes" → "quake",
    "injured people" → "injured people" (adjectives keep their form: not "injure people")."""
    skip = set(outside)
    words: list[Token] = []

    def collect(tok: Token) -> None:
        for child in tok.lefts:
            if child.i in skip or child.dep_ not in ("compound", "amod", "nmod"):
                continue
            if child.pos_ not in ("NOUN", "PROPN", "ADJ", "VERB"):
                continue
            if {child.lower_, child.lemma_.lower()} & lex.ignored_modifiers:
                continue
            if any(t.like_num for t in child.subtree):
                continue  # "five five-story buildings": "story" belongs to another number
            collect(child)
            words.append(child)
            # "14 current or former ministers": a coordinated modifier keeps its alternative.
            for conj in child.children:
                if conj.dep_ in ("cc", "conj") and conj.pos_ in ("CCONJ", "ADJ", "NOUN"):
                    words.append(conj)

    collect(noun)
    words.sort(key=lambda t: t.i)
    text = ""
    for word in words:
        text += word.lemma_ if word.pos_ in ("NOUN", "PROPN") else word.text
        # Keep hyphenated modifiers whole: "re-usable core", not "re - usable core".
        glued = (
            not word.whitespace_ and word.i + 1 < len(word.doc) and word.doc[word.i + 1] in words
        )
        text += "" if glued else " "
    return (text + noun.lemma_).lower()


def _of_object(tokens: Iterable[Token]) -> Token | None:
    """The object of an "of" hanging on the number: "dozens of people" → people."""
    for tok in tokens:
        for child in tok.rights:
            if child.dep_ == "prep" and child.lower_ == "of":
                for obj in child.children:
                    if obj.dep_ == "pobj" and obj.pos_ in ("NOUN", "PROPN"):
                        return obj
    return None


def _governor(tok: Token, prepositions: frozenset[str]) -> Token | None:
    """The verb (or copula) an NP head depends on, climbing through coordination,
    apposition and the given `prepositions`; None when it hangs on another noun."""
    seen: set[int] = set()
    while tok.i not in seen:
        seen.add(tok.i)
        dep = tok.dep_
        if dep in _CORE_DEPS:
            return tok.head if tok.head.pos_ in ("VERB", "AUX", "ADJ") else None
        if dep == "npadvmod" and tok.head.pos_ == "VERB":
            return tok.head  # "inflation rose 4.5 percent"
        if dep == "pobj":
            prep = tok.head
            if prep.lower_ not in prepositions:
                return None  # "a country of 19 million people" hangs on a noun
            while prep.dep_ == "prep" and prep.head.dep_ == "prep":
                prep = prep.head  # "rose from 7,085 to 12,000": "to" hangs on "from"
            # "the toll rose to 7,085"; "surged by 30 percent"; "buy it for $2.3 billion".
            return prep.head if prep.head.pos_ in ("VERB", "AUX") else None
        if dep in ("conj", "appos") and tok.head.pos_ in ("NOUN", "PROPN", "NUM"):
            # "killed 10 soldiers and 20 civilians": civilians share "killed".
            tok = tok.head
            continue
        return None
    return None


def _relative_clause_verb(noun: Token) -> Token | None:
    """The verb of a relative clause on the counted noun: "2,000 people who died" → died."""
    for child in noun.rights:
        if child.dep_ == "relcl" and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.tag_ in ("WP", "WDT") for c in child.children
        ):
            return child
    return None


def _predicate_of(verb: Token, lex: _Lexicon) -> str | None:
    """Lemma of the predicate a governing token stands for: the verb itself, the predicate
    adjective of a copula ("18 security guards were dead" → "dead"), or the complement of a
    reporting verb ("600 people were confirmed dead" → "dead", "four brothers were believed
    buried" → "bury"); a reporting verb alone is no predicate ("officials reported 12,000
    deaths" → None)."""
    if verb.lemma_ == "be" or verb.pos_ == "AUX":
        for child in verb.children:
            if child.dep_ == "acomp":
                return str(child.lemma_.lower())
        return None
    if verb.lemma_.lower() in _LINKING_VERBS:
        # "Several people remain unaccounted for": the state, not "remain".
        for child in verb.children:
            if child.dep_ == "acomp":
                return str(child.lemma_.lower())
    if verb.lemma_.lower() in lex.reporting_verbs:
        for child in verb.children:
            if child.dep_ in ("oprd", "acomp", "xcomp") and child.pos_ in ("VERB", "AUX", "ADJ"):
                return _predicate_of(child, lex)
            if child.dep_ == "prep" and child.lower_ == "as":
                # "16,000 people were listed as injured"
                for obj in child.children:
                    if obj.pos_ in ("VERB", "ADJ"):
                        return str(obj.lemma_.lower())
        return None
    if verb.pos_ in ("VERB", "ADJ"):
        return str(verb.lemma_.lower())
    return None


def _counted_noun(doc: Doc, cand: _Candidate, lex: _Lexicon) -> tuple[Token | None, Token]:
    """The noun a quantity counts (None if it names none) and the head of its noun phrase,
    the token whose place in the parse gives the predicate."""
    number_end = cand.numbers[-1].end
    anchor = _head_of(doc, cand.numbers[0].start, number_end)
    noun: Token | None = None
    np_head = anchor
    if cand.unit_tokens is not None:
        # "30 basis points", "45 percent of the population": the unit word heads the phrase;
        # only a share says what it is a share of ("20 feet of rubble" counts no rubble).
        first = min(cand.unit_tokens[0], cand.numbers[0].start)
        np_head = _head_of(doc, first, max(cand.unit_tokens[1], number_end))
        if cand.unit in _SHARE_UNITS:
            noun = _of_object([np_head])
    elif cand.hyphen_noun is not None:
        noun = doc[cand.hyphen_noun]  # "a 4-digit PIN" counts digits
        np_head = noun.head if noun.head.pos_ in ("NOUN", "PROPN") else noun
    elif anchor.dep_ in ("nummod", "quantmod", "compound", "amod", "nmod") and (
        anchor.head.pos_ in ("NOUN", "PROPN") and anchor.head.i >= cand.end
    ):
        noun = np_head = anchor.head  # "18 security guards"
    else:
        noun = _of_object(doc[cand.start : cand.end])  # "Dozens of people"
        while noun is not None and noun.i < cand.end:
            noun = _of_object([noun])  # "hundreds of thousands (of people)": past the number
        if noun is None and cand.end < len(doc) and doc[cand.end].tag_ in ("NNS", "NNPS"):
            # A plural noun right after the number is what it counts even when the parser
            # attaches both to the verb: "left 1.5m people without power".
            noun = doc[cand.end]
    named = noun is not None and noun.ent_type_ in _PLACE_AND_NAME_LABELS
    if noun is not None and (
        (noun.ent_type_ in _TIME_LABELS and noun.ent_iob_ == "B") or noun.lower_ in _CALENDAR
    ):
        # "rose to at least six Friday": a day the parser hung the number on, outside the
        # number's own entity ("three days" is one DATE), counts nothing.
        named = True
    if named and noun is not None and noun.i == cand.end and noun.tag_ in ("NNS", "NNPS"):
        named = False  # "9 Britons" (tagged ORG) counts Britons
    if noun is not None and (
        noun.lemma_.lower() in lex.elided_nouns or named or cand.unit in lex.currencies
    ):
        # "45,000 others injured" leaves the noun out; "Istanbul 984 dead" names a place;
        # money counts no noun ("a record $115 million" is not a count of records).
        noun = None
    return noun, np_head


def _predicate_verb(doc: Doc, cand: _Candidate, np_head: Token, lex: _Lexicon) -> Token | None:
    """The verb (or copula, or participle) that says what happened to the quantity."""
    after = doc[cand.end].lower_ if cand.end < len(doc) else ""
    if cand.unit in lex.time_units and after in lex.temporal_words:
        return None  # "two days after the quake hit" dates "hit"; it is no amount of hitting
    anchor = _head_of(doc, cand.numbers[0].start, cand.numbers[-1].end)
    for tok in (anchor, np_head):
        for child in tok.rights:
            # "hundreds injured", "748 injured", "people killed in the quake": a past participle
            # right after the noun (the tagger sometimes says VBD). Not a description set off
            # by a comma ("3,046 deaths, followed by") or with a clause of its own ("30,000
            # shelters designed to withstand quakes"), nor "five aftershocks ranging from".
            if (
                child.dep_ == "acl"
                and child.tag_ in ("VBN", "VBD")
                and doc[child.i - 1].text != ","
                and not any(c.dep_ in ("xcomp", "ccomp") for c in child.children)
            ):
                return child
    if cand.kind == "clock":
        prepositions = _CLOCK_PREPOSITIONS  # "took off at 1:52 a.m.", "started just after noon"
    elif cand.unit in lex.currencies:
        prepositions = _MONEY_PREPOSITIONS
    elif cand.unit in lex.time_units:
        prepositions = _UNIT_PREPOSITIONS | {"for"}  # "the shooting lasted for 40 minutes"
    elif cand.unit is not None:
        prepositions = _UNIT_PREPOSITIONS
    else:
        prepositions = _VERB_PREPOSITIONS
    if cand.unit is not None and cand.unit not in lex.time_units and cand.kind == "count":
        prepositions = prepositions | {"in"}  # "lies in 60 meters of water"
    verb = _governor(np_head, prepositions) or _relative_clause_verb(np_head)
    if verb is None and np_head.dep_ == "pobj" and np_head.head.lower_ == "of":
        owner = np_head.head.head
        if owner.pos_ == "NOUN" and cand.unit is not None:
            # "lies at a depth of 200 feet": the measure belongs to the verb of its owner.
            verb = _governor(owner, prepositions)
    if verb is not None and verb.lemma_.lower() in lex.reporting_verbs and np_head.dep_ == "dobj":
        return _verb_after_reported_object(doc, np_head) or verb
    return verb


def _verb_after_reported_object(doc: Doc, np_head: Token) -> Token | None:
    """The verb right after a noun phrase the parser made the object of a reporting verb:
    in "the president claimed 20,000 "bandits" had attacked" the bandits attacked; nothing
    in "the ministry reported 12,000 deaths on Friday"."""
    for tok in doc[np_head.right_edge.i + 1 :]:
        if tok.is_punct or tok.is_quote or tok.pos_ == "AUX":
            continue
        return tok if tok.pos_ == "VERB" and tok.tag_ != "VBG" else None
    return None


def _is_magnitude(cand: _Candidate, noun: Token | None, sent: Span, lex: _Lexicon) -> bool:
    """A bare number with a fraction is an earthquake magnitude when it rates a quake noun
    ("the 7.4 killer quake"; "two consecutive quakes" counts them) or stands alone in a
    sentence about magnitudes ("a preliminary magnitude of 7.8, downgraded to 7.4")."""
    if cand.unit is not None or cand.value is None or cand.value.is_integer():
        return False
    if noun is not None:
        return noun.lemma_.lower() in lex.magnitude_nouns
    return any(t.lower_ in (lex.magnitude_word, lex.magnitude_cue) for t in sent)


def _adjective_after(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> Token | None:
    """A predicate adjective or participle right after a number that names no noun: casualty
    tables and headlines leave out noun and verb ("Izmit 4,179 dead", "Tekirdag 35 injured"),
    and "left more than 100,000 homeless" or "the more than 10,000 dead" claim the adjective,
    not the verb the parser hangs the number on."""
    if cand.end >= sent.end:
        return None
    word = doc[cand.end]
    if word.tag_ not in ("JJ", "VBN") or {word.lower_, word.lemma_.lower()} & lex.ignored_modifiers:
        return None  # "five more", "20 other"
    if word.head.i > word.i and word.head.pos_ in ("NOUN", "PROPN"):
        return None  # "revised that figure down to 12,514 early today": it describes "today"
    return word


def _analyse(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> _Syntax:
    """Find the counted noun and the predicate of a quantity from the dependency parse."""
    if cand.kind == "age":
        return _Syntax(cand.counted, None, True)  # a measure of a person, never a count
    span_ids = range(cand.start, cand.end)
    noun, np_head = _counted_noun(doc, cand, lex)
    if _is_magnitude(cand, noun, sent, lex):
        cand.unit, noun = "magnitude", None
    counted = None if noun is None else _noun_phrase(noun, span_ids, lex)
    label = _colon_label(doc, cand, sent, lex) if cand.unit is None else None
    if label is not None:
        counted = label  # "Engines: 27"
    elif cand.counted is not None:
        counted = cand.counted  # "$45-a-share" is a price per share
    elif counted is None and cand.unit is not None and cand.kind != "clock":
        counted = _measured_noun(doc, cand, np_head, sent, lex)
    anchor = _head_of(doc, cand.numbers[0].start, cand.numbers[-1].end)
    if counted is None and cand.unit is None and anchor.dep_ == "pobj":
        total = anchor.head.head
        if anchor.head.lower_ == "of" and total.lemma_.lower() in lex.total_nouns:
            counted = _noun_phrase(total, span_ids, lex)  # "a population of 12 million"
        elif anchor.head.lower_ == "to":
            counted = _number_of(doc, cand, sent, lex)
    verb = _adjective_after(doc, cand, sent, lex) if noun is None and cand.unit is None else None
    if verb is None:
        verb = _predicate_verb(doc, cand, np_head, lex)
    predicate: str | None = None
    if verb is not None:
        predicate = _predicate_of(verb, lex)
        if predicate is not None and not predicate.isalpha():
            predicate = None  # a mis-lemmatized token such as a curly-quote "'s"
        if counted is None and cand.unit is None:
            for child in verb.children:
                # "the death toll rose to 7,085" counts the death toll.
                if child.dep_ in ("nsubj", "nsubjpass") and child.lemma_.lower() in lex.total_nouns:
                    counted = _noun_phrase(child, span_ids, lex)
        rule = lex.verb_qualifiers.get(verb.lemma_.lower())
        if rule is not None and np_head.dep_ == "dobj" and cand.rule == "exact":
            cand.rule = rule  # "the death toll exceeded 7,000"
    has_noun = noun is not None or cand.unit is not None or counted is not None
    if cand.unit is None and cand.kind == "count":
        counted, predicate, has_noun = _people(doc, cand, counted, predicate, has_noun, lex)
    if cand.unit is None and _is_increment(doc, cand, lex):
        # "an additional 2.5 million Americans", "some 2.5 million more": an increment is a
        # fact of its own, never the total, and takes no noun from the number before it.
        counted = None if counted is None else f"{lex.increment_word} {counted}"
        has_noun = True
    return _Syntax(counted, predicate, has_noun)


def _is_increment(doc: Doc, cand: _Candidate, lex: _Lexicon) -> bool:
    """True for a number that counts an increment: an increment word right before it
    ("an additional 2.5 million", "another 40") or right after it ("2.5 million more")."""
    before = doc[cand.start - 1].lower_ if cand.start > 0 else ""
    after = doc[cand.end].lower_ if cand.end < len(doc) else ""
    return before in lex.increment_before or after in lex.increment_after


def _number_of(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> str | None:
    """ "raised its estimate of the number of Americans affected to 145.5 million": a figure
    that a total ("the number of X") is brought "to" counts X."""
    for tok in reversed(doc[sent.start : cand.start]):
        if tok.lemma_.lower() in lex.total_nouns:
            obj = _of_object([tok])
            if obj is not None and obj.tag_ in ("NNS", "NNPS"):
                return _noun_phrase(obj, range(cand.start, cand.end), lex)
    return None


def _measured_noun(
    doc: Doc, cand: _Candidate, np_head: Token, sent: Span, lex: _Lexicon
) -> str | None:
    """What a measure measures, where the sentence says it: "a depth of 250 feet" (depth),
    "40 to 55 meters of water" (water), "the 20th day of the strike" (strike), "40 minutes
    into the flight" (flight time), "Payload to orbit: 63,800 kg" (payload)."""
    span_ids = range(cand.start, cand.end)
    unit_token = doc[cand.unit_tokens[0]] if cand.unit_tokens is not None else np_head
    if cand.unit in lex.time_units and cand.end + 1 < sent.end and doc[cand.end].lower_ == "into":
        obj = next((c for c in doc[cand.end].children if c.dep_ == "pobj"), None)
        if obj is not None and obj.pos_ == "NOUN":
            return f"{obj.lemma_.lower()} time"  # "40 minutes into the flight"
        return None
    modified = _modified_noun(np_head, cand)
    if modified is not None:
        return _noun_phrase(modified, span_ids, lex)  # "a six-month supply", "$1 million reward"
    if cand.unit in lex.time_units and cand.kind != "duration":
        return None  # "lasted 45 seconds", "two days after the quake": the time is the unit
    if np_head.dep_ == "pobj" and np_head.head.lower_ == "of":
        owner = np_head.head.head
        if (
            owner.pos_ == "NOUN"
            and owner.i < cand.start
            and owner.lower_ not in lex.fraction_values
            and owner.lower_ not in lex.majority_words
        ):
            return _noun_phrase(owner, span_ids, lex)  # "a depth of 250 feet"
    if cand.unit not in _SHARE_UNITS:
        obj = _of_object([unit_token, np_head])
        if obj is not None and obj.pos_ == "NOUN" and obj.i >= cand.end:
            return _noun_phrase(obj, span_ids, lex)  # "55 meters of water", "day of the strike"
    return _colon_label(doc, cand, sent, lex)


# Dependencies by which a measure modifies the noun after it.
_MODIFYING = frozenset({"compound", "amod", "npadvmod", "nummod", "nmod", "quantmod"})


def _modified_noun(np_head: Token, cand: _Candidate) -> Token | None:
    """The noun a measure modifies, the thing it measures: "a six-month supply", "the
    31-month search", "the 500,000-acre forest", "a $1 million reward", "the 54-meter-high
    balloon" (through the adjective it measures)."""
    token = np_head
    while token.dep_ in _MODIFYING and token.head.i > token.i:
        token = token.head
    if token.i < cand.end or token.pos_ not in ("NOUN", "PROPN"):
        return None
    return token


def _colon_label(doc: Doc, cand: _Candidate, sent: Span, lex: _Lexicon) -> str | None:
    """The label of a table row: "Height: 70 meters (229.6 feet) Engines: 27 Payload to orbit:
    63,800 kg" gives "height", "engine", "payload"; the label runs back from the colon before
    the figure to the figure or bracket before it."""
    colon = cand.start - 1
    if colon <= sent.start or doc[colon].text != ":":
        return None
    first = colon
    while first > sent.start and not (doc[first - 1].like_num or doc[first - 1].text == ")"):
        first -= 1
    if first == colon:
        return None
    label = _head_of(doc, first, colon)
    if label.pos_ not in ("NOUN", "PROPN"):
        return None
    return _noun_phrase(label, range(label.i + 1, colon), lex)


def _people(
    doc: Doc,
    cand: _Candidate,
    counted: str | None,
    predicate: str | None,
    has_noun: bool,
    lex: _Lexicon,
) -> tuple[str | None, str | None, bool]:
    """Counts of people written without "people" (see ``_people`` in quantities.json):
    "3,046 deaths" and "the death toll rose to 7,085" count people who died; "all 217 aboard",
    "4,179 dead", "35,000 missing" count people. A noun left out stays open to the noun of a
    coordinated number before it (`has_noun` unchanged): "18 guards dead and 748 injured"."""
    if counted is not None:
        words = counted.split()
        event = next((w for w in words if w in lex.person_events), None)
        if event is not None and (words[-1] == event or words[-1] in lex.total_nouns):
            return lex.people_noun, lex.person_events[event], True
        return counted, predicate, has_noun
    if _match_at(doc, cand.end, min(len(doc), cand.end + 2), lex.people_after) is not None:
        return lex.people_noun, predicate, has_noun  # "killing all 217 aboard"
    if predicate is not None and predicate in lex.person_predicates:
        return lex.people_noun, predicate, has_noun
    return counted, predicate, has_noun


# ---------------------------------------------------------------------------------------------
# Public API


def _build(doc: Doc, cand: _Candidate, syntax: _Syntax, lex: _Lexicon) -> Quantity:
    """Turn a finished candidate into the public `Quantity`: interval, offsets and raw text."""
    low_inc = high_inc = True
    if cand.rule in ("range", "vague") or cand.value is None:
        # Ranges and vague words keep the interval they were read with ("a dozen" = [12, 12]).
        low, high, value = cand.low, cand.high, cand.value
        qualifier = Qualifier.RANGE if cand.rule == "range" else Qualifier.VAGUE
        low_inc = not cand.low_open  # "the majority of" = (50, 100]
    else:
        value = cand.value
        low, high, low_inc, high_inc, qualifier = _interval(cand.rule, value, lex)
    first, last = doc[cand.start], doc[cand.end - 1]
    start, end = first.idx, last.idx + len(last.text)
    base = to_base(cand.unit, value, low, high)
    return Quantity(
        raw=doc_text(doc)[start:end],
        value=value,
        low=low,
        high=high,
        qualifier=qualifier,
        unit=cand.unit,
        counted=syntax.counted,
        predicate=syntax.predicate,
        low_inclusive=low_inc,
        high_inclusive=high_inc,
        start=start,
        end=end,
        token_start=cand.start,
        token_end=cand.end,
        base_value=None if base is None else base.value,
        base_low=None if base is None else base.low,
        base_high=None if base is None else base.high,
        base_unit=None if base is None else base.unit,
    )


def _heading_word(sent: Span) -> str | None:
    """The word of a short heading line that ends in a colon right before the sentence
    ("*DEAD:" on its own line before "At least 12,018"), lower case; None when there is none."""
    doc = sent.doc
    k = sent.start - 1
    while k >= 0 and doc[k].is_space:
        k -= 1
    if k < 0 or doc[k].text != ":" or k == sent.start - 1:
        return None  # no colon, or the colon is not followed by a line break
    words = [t for t in doc[k].sent if t.is_alpha]
    return str(words[-1].lower_) if 1 <= len(words) <= 3 else None


def _merge_stated_ranges(
    doc: Doc, found: list[tuple[_Candidate, _Syntax]], lex: _Lexicon
) -> list[tuple[_Candidate, _Syntax]]:
    """ "Estimates range from $4.5 billion, for lost output, to about $17 billion": two figures
    that a verb of ranging ties with "from ... to" are the ends of one range [4.5, 17]."""
    merged: list[tuple[_Candidate, _Syntax]] = []
    for cand, syntax in found:
        if merged:
            first = merged[-1][0]
            low_prep, high_prep = doc[first.start - 1], doc[cand.start - 1]
            if (
                first.start > 0
                and cand.start > 0
                and low_prep.lower_ == "from"
                and high_prep.lower_ == "to"
                and low_prep.head.i == high_prep.head.i
                and (  # the parser may tag "range" a noun: look right before "from" too
                    low_prep.head.lemma_.lower() in lex.range_verbs
                    or doc[low_prep.i - 1].lemma_.lower() in lex.range_verbs
                )
                and first.unit == cand.unit
                and first.value is not None
                and cand.value is not None
                and first.value < cand.value
            ):
                first.numbers.extend(cand.numbers)
                first.end = cand.end
                first.low, first.high = first.value, cand.value
                first.value, first.rule = None, "range"
                continue
        merged.append((cand, syntax))
    return merged


def _seconds(unit: str | None, value: float | None) -> float | None:
    """A duration in seconds, None when `unit` is not a unit of time."""
    base = to_base(unit, value, value, value)
    return base.value if base is not None and base.unit == "second" else None


# A compound duration steps down to the next unit (hours to minutes, years to months, at
# most 60 of the smaller in the larger), never skips to a much smaller one: "3 days, and 40
# minutes later" is two figures.
_NEXT_UNIT_RATIO = 60


def _merge_compound_durations(
    doc: Doc, found: list[tuple[_Candidate, _Syntax]], lex: _Lexicon
) -> list[tuple[_Candidate, _Syntax]]:
    """ "7 minutes and 58 seconds", "2 hours 30 minutes", "3 hours, 12 minutes and 5 seconds":
    one duration written in falling units is one quantity, in its smallest unit (478
    seconds), read as its first part is ("about", "nearly")."""
    merged: list[tuple[_Candidate, _Syntax]] = []
    for cand, syntax in found:
        if merged:
            first = merged[-1][0]
            between = [t.lower_ for t in doc[first.end : cand.start]]
            whole = _seconds(first.unit, first.value)
            part = _seconds(cand.unit, cand.value)
            one = _seconds(cand.unit, 1.0) or 0.0  # the smaller unit, in seconds
            larger = _seconds(first.unit, 1.0) or 0.0
            if (
                whole is not None
                and part is not None
                and 0 < one < larger <= one * _NEXT_UNIT_RATIO
                and part < larger
                and between in ([], [","], ["and"], [",", "and"])
                and cand.rule == "exact"
                and first.rule not in ("range", "vague")
            ):
                total = round((whole + part) / one, 6)
                first.numbers.extend(cand.numbers)
                first.end, first.unit, first.unit_tokens = cand.end, cand.unit, cand.unit_tokens
                first.value, first.low, first.high = total, total, total
                continue
        merged.append((cand, syntax))
    return merged


def _same_dimension(a: _Candidate, b: _Candidate) -> bool:
    """True when two measures convert to the same base unit (metric tons and pounds)."""
    base_a = to_base(a.unit, a.value, a.low, a.high)
    base_b = to_base(b.unit, b.value, b.low, b.high)
    return base_a is not None and base_b is not None and base_a.unit == base_b.unit


def extract_quantities(sent: Span) -> list[Quantity]:
    """Every quantity in one sentence, in text order (see the module docstring).

    ``sent`` is a sentence of a parsed article; offsets in the result point into
    ``sent.doc.text`` and token indices into ``sent.doc``.
    """
    lex = _lexicon()
    doc = sent.doc
    found: list[tuple[_Candidate, _Syntax]] = []
    i = sent.start
    while i < sent.end:
        cand = _read_candidate(doc, i, sent, lex)
        if cand is None:
            i += 1
            continue
        i = max(cand.end, i + 1)
        if cand.is_count:
            found.append((cand, _analyse(doc, cand, sent, lex)))
    found = _merge_compound_durations(doc, found, lex)
    for (earlier_cand, earlier), (cand, syntax) in itertools.pairwise(found):
        # "18 security guards were dead and 748 injured", "10,059 people have been killed,
        # 45,000 others injured": a bare number joined by a conjunction or a comma to the
        # quantity before it counts the same thing ("rose to 7,085, with 33,559 injured" does
        # not). The parse of such elliptical clauses is unreliable, so the text is read.
        between = doc[earlier_cand.end : cand.start]
        joined = any(t.lower_ in _CONJUNCTIONS for t in between) or (
            len(between) > 0 and between[-1].text == ","
        )
        # "ranked second with 3,046 deaths, followed by Yalova with 2,400": the same
        # preposition before both numbers makes them parallel.
        before, earlier_before = doc[cand.start - 1], doc[earlier_cand.start - 1]
        parallel = (
            cand.start > sent.start
            and earlier_cand.start > sent.start
            and before.pos_ == "ADP"
            and before.lower_ == earlier_before.lower_
        )
        if (
            (joined or parallel)
            and not syntax.has_noun
            and earlier.counted
            and earlier_cand.unit is None
            and earlier_cand.hyphen_noun is None  # "a 120-staff team ... injuring over 1,500"
        ):
            # "Thousands more are missing and hundreds of thousands are homeless": only the
            # first is an increment; the noun is shared, the increment is not.
            syntax.counted = earlier.counted.removeprefix(f"{lex.increment_word} ")
            if parallel and syntax.predicate is None:
                syntax.predicate = earlier.predicate
            elif (
                earlier.predicate in lex.person_events.values()
                and syntax.predicate not in lex.person_predicates
            ):
                # "the death toll rose to 17,997, but was revised down to 12,514": the revised
                # figure is the same toll of people who died.
                syntax.predicate = earlier.predicate
        if [t.text for t in between] == ["("] and _same_dimension(earlier_cand, cand):
            # "a payload of nearly 64 metric tons (141,000 lb)": the conversion measures the
            # same thing, as nearly.
            syntax.counted = syntax.counted or earlier.counted
            syntax.predicate = syntax.predicate or earlier.predicate
            if cand.rule == "exact" and not cand.has_qualifier:
                cand.rule = earlier_cand.rule
    found = _merge_stated_ranges(doc, found, lex)
    heading = _heading_word(sent)
    for cand, syntax in found:
        if heading in lex.person_predicates and syntax.counted is None and cand.unit is None:
            # A fact sheet: "*DEAD:" on its own line, then "At least 12,018".
            syntax.counted, syntax.predicate = lex.people_noun, heading
    return [_build(doc, cand, syntax, lex) for cand, syntax in found]
