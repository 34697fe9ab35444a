"""Quantities: sentence in, intervals plus what they count out (DOMAIN.md, Quantity).

The table tests run each sentence through the spaCy pipeline and compare every quantity
``extract_quantities`` finds, in order, as (raw, low, high, qualifier, unit, counted,
predicate). Sentences are written for these tests, apart from the numbered sentences of the
seed article ``seeds/000_ad3e0aac17cc3a38.txt``, which are quoted as they stand.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.language import Language

from factdb.nlp.quantities import extract_quantities, parse_number
from factdb.nlp.types import Qualifier, Quantity

SEED = Path(__file__).resolve().parent.parent / "seeds" / "000_ad3e0aac17cc3a38.txt"

Row = tuple[str, float | None, float | None, Qualifier, str | None, str | None, str | None]

EXACT = Qualifier.EXACT
AT_LEAST = Qualifier.AT_LEAST
MORE_THAN = Qualifier.MORE_THAN
AT_MOST = Qualifier.AT_MOST
LESS_THAN = Qualifier.LESS_THAN
APPROX = Qualifier.APPROX
VAGUE = Qualifier.VAGUE
RANGE = Qualifier.RANGE


def quantities(nlp: Language, text: str) -> list[Quantity]:
    doc = nlp(text)
    return [q for sent in doc.sents for q in extract_quantities(sent)]


def check(nlp: Language, text: str, expected: list[Row]) -> None:
    found = quantities(nlp, text)
    got = [(q.raw, q.low, q.high, q.qualifier, q.unit, q.counted, q.predicate) for q in found]
    assert len(got) == len(expected), got
    for row, want in zip(got, expected, strict=True):
        assert row == pytest.approx(want), got


# --- DOMAIN.md table ---------------------------------------------------------------------------

DOMAIN_ROWS: list[tuple[str, list[Row]]] = [
    (
        "Police said 26 protesters were killed.",
        [("26", 26, 26, EXACT, None, "protester", "kill")],
    ),
    (
        "At least 26 protesters were killed on Friday.",
        [("At least 26", 26, None, AT_LEAST, None, "protester", "kill")],
    ),
    (
        "More than 3,800 people have been arrested.",
        [("More than 3,800", 3800, None, MORE_THAN, None, "people", "arrest")],
    ),
    (
        "About 20,000 people gathered in the square.",
        [("About 20,000", 18000, 22000, APPROX, None, "people", "gather")],
    ),
    (
        "Some 20,000 troops were deployed to the border.",
        [("Some 20,000", 18000, 22000, APPROX, None, "troop", "deploy")],
    ),
    (
        "An estimated 20,000 residents fled the city.",
        [("An estimated 20,000", 18000, 22000, APPROX, None, "resident", "flee")],
    ),
    (
        "Nearly 20,000 residents fled the city.",
        [("Nearly 20,000", 18000, 20000, APPROX, None, "resident", "flee")],
    ),
    (
        "Up to 100 people may have died in the fire.",
        [("Up to 100", 0, 100, AT_MOST, None, "people", "die")],
    ),
    (
        "Officials fear that as many as 40,000 villagers could have died.",
        [("as many as 40,000", 0, 40000, AT_MOST, None, "villager", "die")],
    ),
    (
        "Fewer than 100 delegates attended the meeting.",
        [("Fewer than 100", 0, 100, LESS_THAN, None, "delegate", "attend")],
    ),
    (
        "A dozen journalists were detained.",
        [("A dozen", 12, 12, VAGUE, None, "journalist", "detain")],
    ),
    (
        "Dozens of people were injured.",
        [("Dozens", 24, 99, VAGUE, None, "people", "injure")],
    ),
    (
        "Scores of homes were destroyed by the flood.",
        [("Scores", 40, 99, VAGUE, None, "home", "destroy")],
    ),
    (
        "Hundreds of families lost their homes.",
        [("Hundreds", 200, 999, VAGUE, None, "family", "lose")],
    ),
    (
        "Thousands of people took to the streets.",
        [("Thousands", 2000, 9999, VAGUE, None, "people", "take")],
    ),
    (
        "Tens of thousands of residents fled the capital.",
        [("Tens of thousands", 20000, 99999, VAGUE, None, "resident", "flee")],
    ),
    (
        "Hundreds of thousands of survivors were left homeless.",
        [("Hundreds of thousands", 200000, 999999, VAGUE, None, "survivor", "leave")],
    ),
    (
        "Millions of viewers watched the final.",
        [("Millions", 2_000_000, 9_999_999, VAGUE, None, "viewer", "watch")],
    ),
    (
        "The republic has nineteen million inhabitants.",
        [("nineteen million", 19e6, 19e6, EXACT, None, "inhabitant", "have")],
    ),
    (
        "The republic has 19 million inhabitants.",
        [("19 million", 19e6, 19e6, EXACT, None, "inhabitant", "have")],
    ),
    (
        "The two quakes were 20 seconds apart.",
        [
            ("two", 2, 2, EXACT, None, "quake", None),
            ("20 seconds", 20, 20, EXACT, "second", None, None),
        ],
    ),
]


@pytest.mark.parametrize(("text", "expected"), DOMAIN_ROWS, ids=[r[0] for r in DOMAIN_ROWS])
def test_domain_table(nlp: Language, text: str, expected: list[Row]) -> None:
    check(nlp, text, expected)


# --- the seed article --------------------------------------------------------------------------

SEED_ROWS: list[tuple[str, list[Row]]] = [
    (
        "Russian paratroopers have joined operations to retake Almaty airport, according to the "
        "Defense Ministry in Moscow, which said 75 planes transported its forces to Kazakhstan "
        "after Tokayev appealed for help.",
        [("75", 75, 75, EXACT, None, "plane", "transport")],
    ),
    (
        "Dozens of people have already been killed and hundreds injured in Tokayev\u2019s "
        "response to the most serious challenge Kazakhstan\u2019s rulers have faced since "
        "independence in 1991.",
        [
            ("Dozens", 24, 99, VAGUE, None, "people", "kill"),
            ("hundreds", 200, 999, VAGUE, None, "people", "injure"),
        ],
    ),
    (
        "The death toll seemed set to rise with videos on the networks social reports showing "
        "troops firing automatic weapons in Almaty, the largest city, where the president said "
        "20,000 “bandits” attacked government buildings.",
        [("20,000", 20000, 20000, EXACT, None, "bandit", "attack")],
    ),
    (
        "Yields on Kazakh dollar bonds due 2045 fell for a second day after surging more than 30 "
        "basis points on Wednesday, resulting in the biggest loss for the stock since March 2020.",
        [("more than 30 basis points", 30, None, MORE_THAN, "basis_point", None, "surge")],
    ),
    (
        "Thousands of people took to the streets and seized government buildings in the country "
        "of 19 million people, as large as Western Europe and rich in oil and minerals.",
        [
            ("Thousands", 2000, 9999, VAGUE, None, "people", "take"),
            ("19 million", 19e6, 19e6, EXACT, None, "people", None),
        ],
    ),
    (
        "At least 26 protesters were killed during security operations, the Interior Ministry "
        "reported on Friday.",
        [("At least 26", 26, None, AT_LEAST, None, "protester", "kill")],
    ),
    (
        "Previously, he said 18 security guards were dead and 748 injured in clashes with "
        "protesters.",
        [
            ("18", 18, 18, EXACT, None, "security guard", "dead"),
            ("748", 748, 748, EXACT, None, "security guard", "injure"),
        ],
    ),
    (
        "More than 3,800 people have been arrested, the Interfax press service reported, citing "
        "the ministry.",
        [("More than 3,800", 3800, None, MORE_THAN, None, "people", "arrest")],
    ),
    # Years and ordinals are not counts; an age is a measure of a person, never a count.
    (
        "The second intervention in as many years to support the besieged leader of a "
        "neighboring state represents another decisive show of power.",
        [],
    ),
    (
        "The intervention comes after Putin backed Lukashenko\u2019s crackdown on popular "
        "protests, which resulted in sanctions following the contested 2020 elections.",
        [],
    ),
    (
        "Russia insists that NATO will withdraw its forces to the positions it occupied in 1997.",
        [],
    ),
    (
        "Nazarbayev, 81, ceded the presidency to Tokayev in 2019, but retained substantial "
        "influence in the country\u2019s repressive political system.",
        [("81", 81, 81, EXACT, "year", "age", None)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SEED_ROWS, ids=[r[0][:40] for r in SEED_ROWS])
def test_seed_sentences(nlp: Language, text: str, expected: list[Row]) -> None:
    check(nlp, text, expected)


def test_seed_article_has_only_the_expected_numbers(nlp: Language) -> None:
    """Over the whole seed article: the counts and the age are found, no year or ordinal."""
    text = SEED.read_text(encoding="utf-8").split("\n", 1)[1]  # line 1 is the header
    raws = [q.raw for q in quantities(nlp, text)]
    assert raws == [
        "75",
        "Dozens",
        "hundreds",
        "20,000",
        "more than 30 basis points",
        "Thousands",
        "19 million",
        "At least 26",
        "18",
        "748",
        "More than 3,800",
        "81",
        "several",
    ]


# --- money, percent, units, ranges -------------------------------------------------------------

UNIT_ROWS: list[tuple[str, list[Row]]] = [
    (
        "The company lost $2.3 billion last year.",
        [("$2.3 billion", 2.3e9, 2.3e9, EXACT, "USD", None, "lose")],
    ),
    (
        "The club paid £5m for the striker.",
        [("£5m", 5e6, 5e6, EXACT, "GBP", None, "pay")],
    ),
    (
        "The utility raised €1.5bn from investors.",
        [("€1.5bn", 1.5e9, 1.5e9, EXACT, "EUR", None, "raise")],
    ),
    (
        "The storm caused about 20 billion U.S. dollars in damage.",
        [("about 20 billion U.S. dollars", 1.8e10, 2.2e10, APPROX, "USD", None, "cause")],
    ),
    (
        "Losses could reach billions of dollars.",
        [("billions of dollars", 2e9, 9_999_999_999, VAGUE, "USD", None, "reach")],
    ),
    (
        "Inflation rose 4.5% in March.",
        [("4.5%", 4.5, 4.5, EXACT, "percent", None, "rise")],
    ),
    (
        "Inflation rose 4.5 percent in March.",
        [("4.5 percent", 4.5, 4.5, EXACT, "percent", None, "rise")],
    ),
    (
        "Shares dropped 4.5 per cent in late trading.",
        [("4.5 per cent", 4.5, 4.5, EXACT, "percent", None, "drop")],
    ),
    (
        "The quake hit an area where 45 percent of the population lives.",
        [("45 percent", 45, 45, EXACT, "percent", "population", "live")],
    ),
    (
        "Yields jumped 30 basis points.",
        [("30 basis points", 30, 30, EXACT, "basis_point", None, "jump")],
    ),
    (
        # A measure written as a modifier measures the noun it modifies.
        "A 7.4-magnitude earthquake struck the coast.",
        [("7.4-magnitude", 7.4, 7.4, EXACT, "magnitude", "earthquake", None)],
    ),
    (
        "A $2 million reward is being offered for information.",
        [("$2 million", 2e6, 2e6, EXACT, "USD", "reward", "offer")],
    ),
    (
        "He fled with a six-month supply of food.",
        [("six-month", 6, 6, EXACT, "month", "supply", None)],
    ),
    (
        "Rangers closed the 300,000-acre Keller State Forest.",
        [("300,000-acre", 300_000, 300_000, EXACT, "acre", "keller state forest", None)],
    ),
    (
        "The quake, measuring 7.4 on the Richter scale, struck before dawn.",
        [("7.4", 7.4, 7.4, EXACT, "magnitude", None, "measure")],
    ),
    (
        "The epicenter was about 70 kilometers east of the city.",
        [("about 70 kilometers", 63, 77, APPROX, "km", None, None)],
    ),
    (
        "The town lies 90 miles from the capital.",
        [("90 miles", 90, 90, EXACT, "mile", None, None)],
    ),
    (
        "The ship delivered 12 tons of flour.",
        [("12 tons", 12, 12, EXACT, "ton", "flour", "deliver")],
    ),
    (
        "The road crosses a 400-mile stretch of desert.",
        [("400-mile", 400, 400, EXACT, "mile", "stretch", None)],
    ),
    (
        "Between 10 and 20 people were hurt.",
        [("Between 10 and 20", 10, 20, RANGE, None, "people", "hurt")],
    ),
    (
        "Rescuers pulled 10 to 20 survivors from the rubble.",
        [("10 to 20", 10, 20, RANGE, None, "survivor", "pull")],
    ),
    (
        "Rescuers pulled 10-20 survivors from the rubble.",
        [("10-20", 10, 20, RANGE, None, "survivor", "pull")],
    ),
    (
        "Repairs will take six to eight weeks.",
        [("six to eight weeks", 6, 8, RANGE, "week", None, "take")],
    ),
    (
        "Experts put the loss at between 20 and 40 billion dollars.",
        [("between 20 and 40 billion dollars", 2e10, 4e10, RANGE, "USD", None, None)],
    ),
    (
        # A change is two numbers, not a range.
        "The toll rose from 7,085 to 12,000.",
        [
            ("7,085", 7085, 7085, EXACT, None, "toll", "rise"),
            ("12,000", 12000, 12000, EXACT, None, "toll", "rise"),
        ],
    ),
    (
        "The death toll exceeded 7,000 on Thursday.",
        [("7,000", 7000, None, MORE_THAN, None, "people", "die")],
    ),
    (
        "Some 600 people have been confirmed dead and 45,000 others injured.",
        [
            ("Some 600", 540, 660, APPROX, None, "people", "dead"),
            ("45,000", 45000, 45000, EXACT, None, "people", "injure"),
        ],
    ),
    (
        "The earthquake was made up of two consecutive quakes.",
        [("two", 2, 2, EXACT, None, "quake", None)],
    ),
    (
        "Rescue teams left a week after the 7.4 killer quake struck.",
        [("7.4", 7.4, 7.4, EXACT, "magnitude", "killer quake", "strike")],
    ),
    (
        "Scientists put it at magnitude 7.5, while others said 6.8.",
        [
            ("magnitude 7.5", 7.5, 7.5, EXACT, "magnitude", None, None),
            ("6.8", 6.8, 6.8, EXACT, "magnitude", None, None),
        ],
    ),
    (
        "A 6.7-degree earthquake hit the region.",
        [("6.7-degree", 6.7, 6.7, EXACT, "magnitude", "earthquake", None)],
    ),
    (
        "The launch will cost $150 million or more.",
        [("$150 million or more", 1.5e8, None, AT_LEAST, "USD", None, "cost")],
    ),
    (
        # "over" heads the noun phrase here; it is no qualifier.
        "The firm took control over 138 domains.",
        [("138", 138, 138, EXACT, None, "domain", None)],
    ),
    (
        "The core is 12.2m wide and the outage left 1.5m people in the dark.",
        [
            ("12.2m", 12.2, 12.2, EXACT, "m", None, None),
            ("1.5m", 1.5e6, 1.5e6, EXACT, None, "people", "leave"),
        ],
    ),
    (
        # A duration that dates an event has no predicate.
        "Two days after the quake hit, 30 shelters were built.",
        [
            ("Two days", 2, 2, EXACT, "day", None, None),
            ("30", 30, 30, EXACT, None, "shelter", "build"),
        ],
    ),
    (
        "The toll has risen to 7,085, with 33,559 injured.",
        [
            ("7,085", 7085, 7085, EXACT, None, "toll", "rise"),
            ("33,559", 33559, 33559, EXACT, None, "people", "injure"),
        ],
    ),
    (
        # spaCy splits "km/h" into three tokens.
        "Winds reached 140 km/h on the coast.",
        [("140 km/h", 140, 140, EXACT, "kph", None, "reach")],
    ),
    (
        "The storm could bring up to 80 millimetres of rain.",
        [("up to 80 millimetres", 0, 80, AT_MOST, "mm", "rain", "bring")],
    ),
    (
        "The state will pay 500,000 roubles to each family.",
        [("500,000 roubles", 5e5, 5e5, EXACT, "RUB", None, "pay")],
    ),
    (
        # A currency sign on both ends still makes one range.
        "The damage will cost insurers between €300 million and €450 million.",
        [("between €300 million and €450 million", 3e8, 4.5e8, RANGE, "EUR", None, "cost")],
    ),
    (
        # A price or a means belongs to the verb: "buy ... for", "finance ... with".
        "The group agreed to buy the snack maker for $2.3 billion.",
        [("$2.3 billion", 2.3e9, 2.3e9, EXACT, "USD", None, "buy")],
    ),
    (
        "It will finance the purchase with $1.5bn in new debt.",
        [("$1.5bn", 1.5e9, 1.5e9, EXACT, "USD", None, "finance")],
    ),
    (
        # A casualty table names neither noun nor verb: the adjective is the predicate.
        "Izmit 4,179 dead, 10,759 injured",
        [
            ("4,179", 4179, 4179, EXACT, None, "people", "dead"),
            ("10,759", 10759, 10759, EXACT, None, "people", "injure"),
        ],
    ),
    (
        # spaCy reads "Golcuk 1,000" as a name; the predicate after it shows it is a place.
        "Golcuk 1,000 dead, 3,959 injured",
        [
            ("1,000", 1000, 1000, EXACT, None, "people", "dead"),
            ("3,959", 3959, 3959, EXACT, None, "people", "injure"),
        ],
    ),
    (
        "Bursa 122 dead\n\nTekirdag 35 injured\n",
        [
            ("122", 122, 122, EXACT, None, "people", "dead"),
            ("35", 35, 35, EXACT, None, "people", "injure"),
        ],
    ),
    (
        "The quake left more than 100,000 homeless.",
        [("more than 100,000", 100000, None, MORE_THAN, None, "people", "homeless")],
    ),
    (
        "Relief workers turned from the more than 10,000 dead to the survivors.",
        [("more than 10,000", 10000, None, MORE_THAN, None, "people", "dead")],
    ),
    (
        # An adjective of a later noun is not the number's predicate.
        "The government revised that figure down to 12,514 early today.",
        [("12,514", 12514, 12514, EXACT, None, None, "revise")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), UNIT_ROWS, ids=[r[0] for r in UNIT_ROWS])
def test_money_percent_units_ranges(nlp: Language, text: str, expected: list[Row]) -> None:
    check(nlp, text, expected)


# --- shapes of issue 9: ages, ranges with units, quantifiers, shares, money forms, time ------

SHAPE_ROWS: list[tuple[str, list[Row]]] = [
    # Ages: a measure of a person in years, counted "age", never a count of people.
    (
        "His 34-year-old brother was arrested.",
        [("34-year-old", 34, 34, EXACT, "year", "age", None)],
    ),
    ("Cantor, 51, lost the primary.", [("51", 51, 51, EXACT, "year", "age", None)]),
    ("The girl, 10, was pulled from the water.", [("10", 10, 10, EXACT, "year", "age", None)]),
    ("Police identified the driver as Jane Doe, 45.", [("45", 45, 45, EXACT, "year", "age", None)]),
    (
        "The 49-year-old teaches at a college.",
        [("49-year-old", 49, 49, EXACT, "year", "age", None)],
    ),
    ("The woman, in her 40s, was hurt.", [("40s", 40, 49, VAGUE, "year", "age", None)]),
    ("The pilot, in his late 50s, survived.", [("late 50s", 57, 59, VAGUE, "year", "age", None)]),
    ("The boy, aged 9, was rescued.", [("aged 9", 9, 9, EXACT, "year", "age", None)]),
    ("The victim was 81 years old.", [("81 years old", 81, 81, EXACT, "year", "age", None)]),
    # Ranges whose ends both carry the unit; "from ... to" stays a change.
    (
        "Waves of 30 feet to 90 feet hit the coast.",
        [("30 feet to 90 feet", 30, 90, RANGE, "foot", None, None)],
    ),
    (
        "The wreck lies in 40 to 55 meters of water.",
        [("40 to 55 meters", 40, 55, RANGE, "m", "water", "lie")],
    ),
    (
        "Rates range between 6% and 12.5%.",
        [("between 6% and 12.5%", 6, 12.5, RANGE, "percent", None, None)],
    ),
    (
        "Estimated costs range from $4.5 billion, for lost output, to about $17 billion.",
        [
            (
                "$4.5 billion, for lost output, to about $17 billion",
                4.5e9,
                17e9,
                RANGE,
                "USD",
                None,
                "range",
            )
        ],
    ),
    # Quantifier phrases.
    ("All 88 people on board were killed.", [("88", 88, 88, EXACT, None, "people", "kill")]),
    (
        "The jet crashed, killing all 217 aboard.",
        [("217", 217, 217, EXACT, None, "people", "kill")],
    ),
    (
        "Some 240 students were evacuated.",
        [("Some 240", 216, 264, APPROX, None, "student", "evacuate")],
    ),
    (
        "Some 12,040 people were confirmed dead.",
        [("Some 12,040", 11919.6, 12160.4, APPROX, None, "people", "dead")],
    ),
    ("Several people died in the fire.", [("Several", 3, 9, VAGUE, None, "people", "die")]),
    (
        "The plane fell more than a mile.",
        [("more than a mile", 1, None, MORE_THAN, "mile", None, None)],
    ),
    ("A dozen Canadians were detained.", [("A dozen", 12, 12, VAGUE, None, "canadians", "detain")]),
    (
        "14 current or former ministers were charged.",
        [("14", 14, 14, EXACT, None, "current or former minister", "charge")],
    ),
    # An increment is a fact of its own, not the total.
    (
        "An additional 2.5 million Americans may have been affected.",
        [("2.5 million", 2.5e6, 2.5e6, EXACT, None, "additional americans", "affect")],
    ),
    ("Five more bodies were found.", [("Five", 5, 5, EXACT, None, "additional body", "find")]),
    (
        "The number of Americans affected rose to 145.5 million, some 2.5 million more.",
        [
            ("145.5 million", 145.5e6, 145.5e6, EXACT, None, "americans", "rise"),
            ("some 2.5 million", 2.25e6, 2.75e6, APPROX, None, None, None),
        ],
    ),
    (
        "Thousands more are missing and hundreds of thousands are homeless.",
        [
            ("Thousands", 2000, 9999, VAGUE, None, "additional people", "miss"),
            ("hundreds of thousands", 200000, 999999, VAGUE, None, "people", "homeless"),
        ],
    ),
    (
        "The death toll rose to 17,997, but was revised down to 12,514.",
        [
            ("17,997", 17997, 17997, EXACT, None, "people", "die"),
            ("12,514", 12514, 12514, EXACT, None, "people", "die"),
        ],
    ),
    # Coordinated counts share the predicate, each with its own noun.
    (
        "310 Chileans and 9 Britons were killed.",
        [
            ("310", 310, 310, EXACT, None, "chileans", "kill"),
            ("9", 9, 9, EXACT, None, "britons", "kill"),
        ],
    ),
    # Fractions and shares, in percent of what they are a share of.
    (
        "Investors lost three-quarters of the fund.",
        [("three-quarters", 75, 75, EXACT, "percent", "fund", "lose")],
    ),
    (
        "The majority of voters backed the plan.",
        [("The majority", 50, 100, RANGE, "percent", "voter", "back")],
    ),
    ("One in five adults smokes.", [("One in five", 20, 20, EXACT, "percent", "adult", None)]),
    # Money in written forms; "$US", "US$" and "USD" are one currency.
    ("The contract pays $US4,200 a month.", [("$US4,200", 4200, 4200, EXACT, "USD", None, "pay")]),
    ("The firm paid US$3 million.", [("US$3 million", 3e6, 3e6, EXACT, "USD", None, "pay")]),
    ("The firm paid USD 4,200.", [("USD 4,200", 4200, 4200, EXACT, "USD", None, None)]),
    ("Shares fell to sub-9000 levels.", [("sub-9000", 0, 9000, LESS_THAN, None, "level", "fall")]),
    (
        "The company offered $45-a-share.",
        [("$45-a-share", 45, 45, EXACT, "USD", "price per share", "offer")],
    ),
    # Durations and clock times (minutes after midnight).
    ("It was the 20th day of the strike.", [("20th day", 20, 20, EXACT, "day", "strike", None)]),
    (
        "The talks lasted for more than a month.",
        [("more than a month", 1, None, MORE_THAN, "month", None, "last")],
    ),
    (
        "The boosters touched down 7 minutes and 58 seconds after liftoff.",
        [("7 minutes and 58 seconds", 478, 478, EXACT, "second", None, "touch")],
    ),
    (
        "The flight lasted 2 hours 30 minutes.",
        [("2 hours 30 minutes", 150, 150, EXACT, "minute", None, "last")],
    ),
    (
        "About 2 hours, 10 minutes later, it landed.",
        [("About 2 hours, 10 minutes", 117, 143, APPROX, "minute", None, "land")],
    ),
    (
        "The talks lasted 3 days, and 40 minutes later the deal was signed.",
        [
            ("3 days", 3, 3, EXACT, "day", None, "last"),
            ("40 minutes", 40, 40, EXACT, "minute", None, None),
        ],
    ),
    (
        "The plane crashed 40 minutes into the flight.",
        [("40 minutes", 40, 40, EXACT, "minute", "flight time", None)],
    ),
    (
        "The plane took off at 1:52 a.m. EST.",
        [("1:52 a.m. EST", 112, 112, EXACT, "clock_time", None, "take")],
    ),
    (
        "The quake struck at 3 a.m. local time.",
        [("3 a.m.", 180, 180, EXACT, "clock_time", None, "strike")],
    ),
    (
        "The fire started just after noon.",
        [("just after noon", 720, 735, RANGE, "clock_time", None, "start")],
    ),
    ("Contact was lost at 0002 GMT.", [("0002 GMT", 2, 2, EXACT, "clock_time", None, "lose")]),
    # Headlines in title case.
    ("Driver Kills 7 People, Himself", [("7", 7, 7, EXACT, None, "people", None)]),
    # What a measure measures.
    (
        "The recorder lay at a depth of 250 feet.",
        [("250 feet", 250, 250, EXACT, "foot", "depth", "lie")],
    ),
    (
        "The rocket can lift a payload of nearly 64 metric tons (141,000 lb).",
        [
            ("nearly 64 metric tons", 57.6, 64, APPROX, "tonne", "payload", "lift"),
            ("141,000 lb", 126900, 141000, APPROX, "lb", "payload", "lift"),
        ],
    ),
    (
        "THE ROCKET Height: 70 meters (229.6 feet) Engines: 27",
        [
            ("70 meters", 70, 70, EXACT, "m", "rocket height", None),
            ("229.6 feet", 229.6, 229.6, EXACT, "foot", "rocket height", None),
            ("27", 27, 27, EXACT, None, "engine", None),
        ],
    ),
    (
        "The rocket produces 5 million pounds of thrust.",
        [("5 million pounds", 5e6, 5e6, EXACT, "lbf", "thrust", "produce")],
    ),
    (
        "The truck carried 2,000 pounds of rice.",
        [("2,000 pounds", 2000, 2000, EXACT, "lb", "rice", "carry")],
    ),
    # A day the parser hangs a number on is not what it counts: the toll is of the dead.
    (
        "The death toll in the blast rose to at least six Friday.",
        [("at least six", 6, None, AT_LEAST, None, "people", "die")],
    ),
    # A fact sheet: the heading line says what the figure under it counts.
    (
        "Figures on the quake.\n\n*DEAD:\n\nAt least 12,018\n",
        [("At least 12,018", 12018, None, AT_LEAST, None, "people", "dead")],
    ),
]


@pytest.mark.parametrize(("text", "expected"), SHAPE_ROWS, ids=[r[0][:50] for r in SHAPE_ROWS])
def test_shapes_of_english(nlp: Language, text: str, expected: list[Row]) -> None:
    check(nlp, text, expected)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("The road runs 100 miles.", "The road runs 161 km."),
        ("It weighs 64 metric tons.", "It weighs 141,000 lb."),
        ("The tower is 50 meters tall.", "The tower is 164 feet tall."),
    ],
)
def test_units_convert_to_a_common_base(nlp: Language, a: str, b: str) -> None:
    """Physical measures carry their value in the base unit of the dimension (pint), so the
    same length or weight in two units agrees within rounding."""
    (qa,) = quantities(nlp, a)
    (qb,) = quantities(nlp, b)
    assert qa.unit != qb.unit and qa.base_unit == qb.base_unit
    assert qa.base_value is not None and qb.base_value is not None
    assert qa.base_value == pytest.approx(qb.base_value, rel=0.01)


def test_money_keeps_its_currency_and_counts_have_no_base(nlp: Language) -> None:
    dollars, count = quantities(nlp, "The firm paid $US4,200 to 12 workers.")
    assert (dollars.unit, dollars.base_unit, dollars.base_value) == ("USD", "USD", 4200)
    assert (count.unit, count.base_unit, count.base_value) == (None, None, None)


# --- numbers that are not counts ---------------------------------------------------------------

NOT_COUNTS = [
    "The party has ruled since 2019.",
    "Independence came in 1991.",
    "The bonds due 2045 fell sharply.",
    "The elections of 2020 were contested.",
    "The talks began on Jan. 5 in Geneva.",
    "Prices fell for a second day.",
    "It was the first time the plant had closed.",
    "He finished 2nd in the race.",
    "Customers can call 1-800-685-1111 for help.",
    "Call 555-1234 for details.",
    "He lives at 221 Baker Street.",
    "The team finished second for the third time.",
    "Sales doubled in the 1990s.",
    "It was a third time lucky.",
    "The details are on page 5 of the report.",
    "Flight 990 left New York at night.",
    "Thieves stole W-2 tax forms.",
    "The Falcon 9 rocket landed safely.",
    "The Boeing 767-300 plunged into the sea.",
    "An Airbus A320-200 landed in the river.",
    "The plane lost power in the No. 1 engine.",
    "He wore the number 9 shirt for the club.",
]


@pytest.mark.parametrize("text", NOT_COUNTS)
def test_not_counts(nlp: Language, text: str) -> None:
    assert quantities(nlp, text) == []


# --- offsets ------------------------------------------------------------------------------------


def test_offsets_point_into_the_doc(nlp: Language) -> None:
    text = "Officials said. More than 3,800 people have been arrested and $2.3 billion was lost."
    doc = nlp(text)
    found = [q for sent in doc.sents for q in extract_quantities(sent)]
    assert [q.raw for q in found] == ["More than 3,800", "$2.3 billion"]
    for q in found:
        assert text[q.start : q.end] == q.raw
        assert doc[q.token_start : q.token_end].text == q.raw
    assert found[0].low_inclusive is False
    assert found[0].value == 3800


# --- parse_number -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("26", 26),
        ("3,800", 3800),
        ("2.3", 2.3),
        ("1.5bn", 1.5e9),
        ("1.5 billion", 1.5e9),
        ("19 million", 19e6),
        ("5m", 5e6),
        ("nineteen million", 19e6),
        ("three", 3),
        ("twenty-five", 25),
        ("one hundred and five", 105),
        ("a dozen", 12),
        ("two dozen", 24),
        ("a million", 1e6),
        ("hundreds", None),
        ("second", None),
        ("3 people", None),
        ("1,5", None),
        ("", None),
    ],
)
def test_parse_number(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@given(st.integers(min_value=0, max_value=10**12))
def test_parse_number_reads_formatted_integers(n: int) -> None:
    assert parse_number(f"{n:,}") == n
    assert parse_number(str(n)) == n


@given(st.integers(min_value=1, max_value=999), st.sampled_from(["million", "billion"]))
def test_parse_number_applies_magnitude_words(n: int, word: str) -> None:
    factor = {"million": 1e6, "billion": 1e9}[word]
    assert parse_number(f"{n} {word}") == n * factor


# --- interval properties -----------------------------------------------------------------------

QUALIFIED = {
    "": EXACT,
    "at least": AT_LEAST,
    "more than": MORE_THAN,
    "up to": AT_MOST,
    "fewer than": LESS_THAN,
    "about": APPROX,
    "nearly": APPROX,
}


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.sampled_from(sorted(QUALIFIED)), st.integers(min_value=2, max_value=999_999))
def test_qualified_intervals_hold_the_number(nlp: Language, phrase: str, n: int) -> None:
    """Whatever the qualifier, low <= high and the stated number lies on the interval."""
    text = f"Officials said {phrase} {n:,} people were evacuated.".replace("  ", " ")
    (q,) = quantities(nlp, text)
    assert q.qualifier == QUALIFIED[phrase]
    assert q.counted == "people"
    low = -math.inf if q.low is None else q.low
    high = math.inf if q.high is None else q.high
    assert low <= high
    assert low <= n <= high


# Intervals with low <= high, point intervals included.
closed = st.tuples(
    st.floats(min_value=0, max_value=1e6), st.floats(min_value=0, max_value=1e6)
).map(sorted)


def interval(bounds: list[float], low_open: bool, high_open: bool, unbounded: bool) -> Quantity:
    return Quantity(
        raw="",
        value=None,
        low=bounds[0],
        high=None if unbounded else bounds[1],
        qualifier=RANGE,
        low_inclusive=not low_open,
        high_inclusive=not high_open,
    )


quantity = st.builds(interval, closed, st.booleans(), st.booleans(), st.booleans())


@given(quantity, quantity)
def test_overlaps_is_symmetric(a: Quantity, b: Quantity) -> None:
    assert a.overlaps(b) == b.overlaps(a)


@given(closed)
def test_closed_interval_overlaps_itself(bounds: list[float]) -> None:
    q = interval(bounds, low_open=False, high_open=False, unbounded=False)
    assert q.overlaps(q)


def test_overlaps_is_symmetric_for_point_intervals() -> None:
    point = interval([0.0, 0.0], low_open=False, high_open=False, unbounded=False)
    empty = interval([0.0, 0.0], low_open=False, high_open=True, unbounded=False)
    assert point.overlaps(empty) == empty.overlaps(point)
