"""The extraction scorer: matching and figures on hand-built cases, then quality floors.

The first half builds gold and extracted items by hand, so each rule of
`factdb.evaluation.extraction` (pairing by span, interval equality, counted noun + predicate with
and without synonyms, date resolution) is checked without spaCy. The second half runs the real
extraction on every gold file under ``tests/gold/`` and fails when a figure drops below the level
measured when the gold was written (minus a small margin): a quality regression fails CI like any
other bug.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from spacy.language import Language

from factdb.evaluation.extraction import (
    CATEGORIES,
    COUNTED,
    COUNTED_SYNONYMS,
    DATE_SPANS,
    DATES,
    EVENT_DATES,
    QUANTITIES,
    QUANTITY_SPANS,
    ArticleScore,
    GoldDate,
    GoldError,
    GoldQuantity,
    Report,
    Score,
    evaluate,
    format_report,
    load_gold,
    locate,
    pair_spans,
    score_dates,
    score_event_dates,
    score_quantities,
)
from factdb.nlp.synonyms import load_synonyms
from factdb.nlp.types import DateMention, Qualifier, Quantity
from scripts.score_extraction import main as score_main

GOLD_DIR = Path(__file__).parent / "gold"
GOLD_FILES = sorted(GOLD_DIR.glob("*.json"))
SYNONYMS = load_synonyms()


def gold_quantity(
    start: int,
    low: float | None = 26,
    high: float | None = 26,
    qualifier: Qualifier = Qualifier.EXACT,
    counted: str | None = "protester",
    predicate: str | None = "kill",
    unit: str | None = None,
) -> GoldQuantity:
    return GoldQuantity("26", low, high, qualifier, unit, counted, predicate, start, start + 2)


def found_quantity(
    start: int,
    low: float | None = 26,
    high: float | None = 26,
    qualifier: Qualifier = Qualifier.EXACT,
    counted: str | None = "protester",
    predicate: str | None = "kill",
    unit: str | None = None,
) -> Quantity:
    return Quantity(
        "26", 26, low, high, qualifier, unit, counted, predicate, start=start, end=start + 2
    )


def figures(score: Score) -> tuple[float, float | None]:
    return score.precision, score.recall


# --- matching and figures -----------------------------------------------------------------------


def test_perfect_extraction_scores_one_everywhere() -> None:
    gold = [gold_quantity(0), gold_quantity(10)]
    found = [found_quantity(0), found_quantity(10)]
    scores, problems = score_quantities(gold, found, SYNONYMS)
    for category in (QUANTITY_SPANS, QUANTITIES, COUNTED, COUNTED_SYNONYMS):
        assert figures(scores[category]) == (1.0, 1.0)
        assert scores[category].f1 == 1.0
    assert problems == []


def test_missing_quantity_lowers_recall_only() -> None:
    scores, problems = score_quantities(
        [gold_quantity(0), gold_quantity(10)], [found_quantity(0)], SYNONYMS
    )
    assert figures(scores[QUANTITIES]) == (1.0, 0.5)
    assert scores[QUANTITIES].f1 == pytest.approx(2 / 3)
    assert [(p.category, p.kind) for p in problems] == [(QUANTITY_SPANS, "miss")]


def test_spurious_quantity_lowers_precision_only() -> None:
    scores, problems = score_quantities(
        [gold_quantity(0)], [found_quantity(0), found_quantity(30)], SYNONYMS
    )
    assert figures(scores[QUANTITY_SPANS]) == (0.5, 1.0)
    assert figures(scores[QUANTITIES]) == (0.5, 1.0)
    assert [(p.category, p.kind) for p in problems] == [(QUANTITY_SPANS, "false positive")]


@pytest.mark.parametrize(
    "found",
    [
        found_quantity(0, high=None, qualifier=Qualifier.AT_LEAST),  # "26" read as "at least 26"
        found_quantity(0, low=25),  # another number
        found_quantity(0, unit="percent"),  # another unit
        found_quantity(0, qualifier=Qualifier.APPROX),  # same interval, another qualifier
    ],
)
def test_interval_qualifier_or_unit_mismatch_is_wrong(found: Quantity) -> None:
    scores, problems = score_quantities([gold_quantity(0)], [found], SYNONYMS)
    assert figures(scores[QUANTITY_SPANS]) == (1.0, 1.0)  # the number was found...
    assert figures(scores[QUANTITIES]) == (0.0, 0.0)  # ...but read wrong
    assert [(p.category, p.kind) for p in problems] == [(QUANTITIES, "wrong")]


def test_interval_ends_compare_with_a_tolerance() -> None:
    gold = gold_quantity(0, low=1620, high=1980, qualifier=Qualifier.APPROX)
    found = found_quantity(0, low=1620.0, high=1980.0000000000002, qualifier=Qualifier.APPROX)
    scores, _ = score_quantities([gold], [found], SYNONYMS)
    assert scores[QUANTITIES].correct == 1


def test_synonym_predicate_is_wrong_strictly_and_right_through_synonyms() -> None:
    scores, problems = score_quantities(
        [gold_quantity(0, predicate="kill")], [found_quantity(0, predicate="dead")], SYNONYMS
    )
    assert scores[COUNTED].correct == 0
    assert scores[COUNTED_SYNONYMS].correct == 1
    assert scores[QUANTITIES].correct == 1
    assert [(p.category, p.kind) for p in problems] == [(COUNTED, "wrong")]
    assert problems[0].detail.startswith("synonym keys agree")


def test_wrong_counted_noun_is_wrong_in_both_figures() -> None:
    scores, problems = score_quantities(
        [gold_quantity(0, counted="protester")],
        [found_quantity(0, counted="police officer")],
        SYNONYMS,
    )
    assert scores[COUNTED].correct == scores[COUNTED_SYNONYMS].correct == 0
    assert not problems[0].detail.startswith("synonym keys agree")


def test_pairs_are_one_to_one_largest_overlap_first() -> None:
    # A gold range "between €300 million and €450 million" (0-36) against two amounts.
    assert pair_spans([(0, 36)], [(8, 20), (25, 36)]) == [(0, 0)]
    assert pair_spans([(0, 5), (10, 15)], [(3, 12)]) == [(0, 0)]
    assert pair_spans([(0, 5)], [(5, 9)]) == []  # touching is not overlapping


def mention(start: int, first: date | None, last: date | None) -> DateMention:
    return DateMention("Friday", first, last, "day", start=start, end=start + 6)


def gold_date(start: int, first: date | None, last: date | None) -> GoldDate:
    return GoldDate("Friday", first, last, start, start + 6)


def test_dates_are_right_only_when_resolved_as_the_gold_says() -> None:
    friday = date(2022, 1, 7)
    gold = [gold_date(0, friday, friday), gold_date(20, None, None), gold_date(40, friday, friday)]
    found = [
        mention(0, friday, friday),  # right
        mention(20, None, None),  # unresolvable and left unresolved: right
        mention(40, friday, date(2022, 1, 8)),  # wrong end
        mention(60, friday, friday),  # not a gold date
    ]
    scores, problems = score_dates(gold, found)
    assert figures(scores[DATE_SPANS]) == (0.75, 1.0)
    assert figures(scores[DATES]) == pytest.approx((0.5, 2 / 3))
    assert sorted((p.category, p.kind) for p in problems) == [
        (DATE_SPANS, "false positive"),
        (DATES, "wrong"),
    ]


def test_event_dates_have_precision_only_and_count_each_mention_once() -> None:
    friday = date(2022, 1, 7)
    gold = [gold_date(0, friday, friday)]
    shared = mention(0, friday, friday)
    score, problems = score_event_dates(gold, [shared, shared, mention(30, friday, friday)])
    assert (score.correct, score.extracted, score.gold) == (1, 2, None)
    assert score.recall is None and score.f1 is None
    assert [(p.category, p.kind) for p in problems] == [(EVENT_DATES, "wrong")]


def test_empty_denominators_count_as_one_and_totals_add_counts() -> None:
    assert figures(Score(0, 0, 0)) == (1.0, 1.0)
    assert Score(1, 2, 3) + Score(2, 2, 1) == Score(3, 4, 4)
    assert (Score(1, 1, None) + Score(1, 2, None)).recall is None
    article = ArticleScore(Path("x.json"), "x.txt", None, None)
    article.scores = {category: Score(1, 2, 2) for category in CATEGORIES}
    article.scores[EVENT_DATES] = Score(1, 1, None)
    totals = Report((article, article)).total()
    assert totals[QUANTITIES] == Score(2, 4, 4)
    assert totals[EVENT_DATES] == Score(2, 2, None)
    assert "TOTAL (2 gold files)" in format_report(Report((article, article)))


# --- gold files ---------------------------------------------------------------------------------


def test_locate_takes_repeats_in_order_and_whole_words_only() -> None:
    text = "In 2011, 11 people left on Friday; 11 more came back on Friday."
    assert locate(text, ["11", "Friday", "11", "Friday"], "t") == [
        (9, 11),
        (27, 33),
        (35, 37),
        (56, 62),
    ]
    with pytest.raises(GoldError, match="not in the article text"):
        locate(text, ["Friday", "11", "11"], "t")


def write_gold(tmp_path: Path, **changes: object) -> Path:
    (tmp_path / "article.txt").write_text(
        "source: Test\ndate: 2022-01-08\nurl: unknown\ntitle: T\n\n"
        "At least 26 protesters were killed on Friday.\n",
        encoding="utf-8",
    )
    data: dict[str, object] = {
        "article": "article.txt",
        "published": "2022-01-08",
        "quantities": [
            {
                "raw": "At least 26",
                "low": 26,
                "high": None,
                "qualifier": "at_least",
                "unit": None,
                "counted": "protester",
                "predicate": "kill",
            }
        ],
        "dates": [{"text": "Friday", "start": "2022-01-07", "end": "2022-01-07"}],
    }
    data.update(changes)
    folder = tmp_path / "gold"
    folder.mkdir(exist_ok=True)
    path = folder / "test.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_load_gold_places_items_in_the_stored_text(tmp_path: Path) -> None:
    gold = load_gold(write_gold(tmp_path))
    assert gold.published == date(2022, 1, 8)
    quantity = gold.quantities[0]
    assert gold.article.text[quantity.start : quantity.end] == "At least 26"
    assert (quantity.low, quantity.high, quantity.qualifier) == (26, None, Qualifier.AT_LEAST)
    assert gold.dates[0].resolved_start == date(2022, 1, 7)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"article": "nowhere.txt"}, "not found"),
        ({"published": "8 Jan 2022"}, "not a YYYY-MM-DD date"),
        ({"dates": [{"text": "Friday", "start": "2022-01-07"}]}, "missing field 'end'"),
        ({"dates": [{"text": "Sunday", "start": None, "end": None}]}, "not in the article"),
        (
            {
                "quantities": [
                    {
                        "raw": "At least 26",
                        "low": 26,
                        "high": None,
                        "qualifier": "minimum",
                        "unit": None,
                        "counted": None,
                        "predicate": None,
                    }
                ]
            },
            "unknown qualifier",
        ),
        (
            {
                "quantities": [
                    {
                        "raw": "At least 26",
                        "low": True,
                        "high": None,
                        "qualifier": "at_least",
                        "unit": None,
                        "counted": None,
                        "predicate": None,
                    }
                ]
            },
            "wrong type",
        ),
    ],
)
def test_bad_gold_files_are_refused_with_a_reason(
    tmp_path: Path, changes: dict[str, object], message: str
) -> None:
    with pytest.raises(GoldError, match=message):
        load_gold(write_gold(tmp_path, **changes))


def test_script_prints_figures_and_problems(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], nlp: Language
) -> None:
    path = write_gold(tmp_path)
    assert score_main([str(path)]) == 0
    out = capsys.readouterr().out
    assert "quantity spans" in out and "TOTAL (1 gold files)" in out
    assert "Problems in test.json: 0" in out
    assert score_main([str(path), "--summary"]) == 0
    assert "Problems in" not in capsys.readouterr().out


def test_script_reports_a_bad_gold_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write_gold(tmp_path, article="nowhere.txt")
    assert score_main([str(path)]) == 1
    assert capsys.readouterr().err.startswith("Error: ")


# --- quality floors on the real gold files -----------------------------------------------------

# Measured totals over tests/gold/*.json when the gold was written, less a margin of about
# three items, as (precision floor, recall floor). Raise a floor when extraction improves; a
# drop below one is a regression (run scripts/score_extraction.py to see what broke).
FLOORS: dict[str, tuple[float, float | None]] = {
    QUANTITY_SPANS: (0.95, 0.95),  # measured 1.000 / 1.000
    QUANTITIES: (0.95, 0.95),  # measured 1.000 / 1.000
    COUNTED: (0.92, 0.92),  # measured 0.956 / 0.956
    COUNTED_SYNONYMS: (0.93, 0.93),  # measured 0.967 / 0.967
    DATE_SPANS: (0.95, 0.93),  # measured 1.000 / 0.980
    DATES: (0.91, 0.90),  # measured 0.960 / 0.941
    EVENT_DATES: (0.95, None),  # measured 1.000 (precision only)
}


@pytest.fixture(scope="module")
def gold_report(nlp: Language) -> Report:
    return evaluate(GOLD_FILES, nlp)


def test_every_seed_and_test_article_has_a_gold_file() -> None:
    names = {path.name for path in GOLD_FILES}
    assert {"seed-000.json", "seed-001.json"} <= names
    articles = Path(__file__).parent / "articles" / "extraction"
    assert {f"{p.stem}.json" for p in articles.glob("*.txt")} <= names
    assert len(names) >= 5


def test_gold_publication_dates_match_the_reader(gold_report: Report) -> None:
    for article in gold_report.articles:
        assert article.published_expected == article.published_read, article.gold_path


@pytest.mark.parametrize("category", list(FLOORS))
def test_extraction_quality_stays_above_its_floor(gold_report: Report, category: str) -> None:
    score = gold_report.total()[category]
    precision_floor, recall_floor = FLOORS[category]
    assert score.precision >= precision_floor, format_report(gold_report)
    if recall_floor is not None:
        recall = score.recall
        assert recall is not None and recall >= recall_floor, format_report(gold_report)
