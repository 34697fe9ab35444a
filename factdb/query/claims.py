"""Claims as `factdb claims` and `show claim` print them: the public JSON shape of a claim with
its quantities, times, entities and evidence, and the claims listing's filters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factdb.nlp.synonyms import Synonyms
    from factdb.store.driver import Reader
from factdb.query.pages import walk
from factdb.query.sql import (
    Filters,
    Record,
    Selection,
    Sql,
    claim_conditions,
    contains_text,
    current_claims,
    in_select,
    in_values,
    iso_date,
)

_QUANTITY_FIELDS = [
    "id",
    "raw",
    "value",
    "low",
    "high",
    "low_inclusive",
    "high_inclusive",
    "qualifier",
    "unit",
    "counted",
    "predicate",
    "counted_key",
    "predicate_key",
    "start",
    "end",
    "base_value",
    "base_low",
    "base_high",
    "base_unit",
]


_BOOLEAN_FIELDS = {"low_inclusive", "high_inclusive", "resolved"}


_TIME_FIELDS = ["text", "start", "end", "type", "value", "role", "resolved"]


def columns_of(table: str, fields: Sequence[str]) -> str:
    return ", ".join(f'{table}."{field}"' for field in fields)


def _fields(fields: Sequence[str], row: Sequence[Any]) -> Record:
    return {
        field: bool(value) if field in _BOOLEAN_FIELDS else value
        for field, value in zip(fields, row, strict=True)
    }


# Offsets point into the stored body, or into the title for a headline claim.
_SOURCE_TEXT = "CASE WHEN claim.is_headline THEN article.title ELSE article.text END"


_CLAIM_COLUMNS = (
    "claim.id, claim.article_id, source.name, article.published, article.published_inferred, "
    "claim.sentence_index, claim.text, claim.normalized, claim.subject, claim.predicate, "
    "claim.object, claim.speaker, claim.speaker_resolved, claim.polarity, claim.hedged, "
    "claim.is_headline, claim.event_date_start, claim.event_date_end, claim.event_date_text, "
    'claim.start, claim."end", '
    f'substr({_SOURCE_TEXT}, claim.start + 1, claim."end" - claim.start), '
    f"substr({_SOURCE_TEXT}, claim.sentence_start + 1, "
    "claim.sentence_end - claim.sentence_start), "
    "claim.sentence_start, claim.sentence_end, fact_claim.fact_id, fact_claim.score, "
    "fact_claim.reason, fact_claim.matched_claim_id, article.story_id, fact_claim.quantity_id, "
    "claim.standalone, claim.subject_entity"
)


def claim_records(reader: Reader, claim_ids: Sequence[int]) -> list[Record]:
    """Full claim objects for these ids, in the given order, with quantities, times and
    entities.

    Four queries in all, whatever the number of claims (no per-claim round trips).
    """
    if not claim_ids:
        return []
    ids = list(dict.fromkeys(claim_ids))
    by_claim = {
        t: in_values(f"{t}.claim_id", ids) for t in ("quantity", "claim_time", "claim_entity")
    }
    quantities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, *row in reader.execute(
        f"SELECT quantity.claim_id, {columns_of('quantity', _QUANTITY_FIELDS)} FROM quantity "
        f"WHERE {by_claim['quantity'].text} ORDER BY quantity.start",
        by_claim["quantity"].params,
    ):
        quantities[claim_id].append(_fields(_QUANTITY_FIELDS, row))
    times: dict[int, list[Record]] = defaultdict(list)
    for claim_id, *row in reader.execute(
        f"SELECT claim_time.claim_id, {columns_of('claim_time', _TIME_FIELDS)} FROM claim_time "
        f"WHERE {by_claim['claim_time'].text} ORDER BY claim_time.start, claim_time.id",
        by_claim["claim_time"].params,
    ):
        times[claim_id].append(_fields(_TIME_FIELDS, row))
    entities: dict[int, list[Record]] = defaultdict(list)
    for claim_id, name, label in reader.execute(
        "SELECT claim_entity.claim_id, entity.name, entity.label FROM claim_entity "
        f"JOIN entity ON entity.id = claim_entity.entity_id WHERE {by_claim['claim_entity'].text} "
        "ORDER BY entity.name",
        by_claim["claim_entity"].params,
    ):
        entities[claim_id].append({"text": name, "label": label})
    by_id: dict[int, Record] = {}
    for (
        id_,
        article_id,
        source,
        published,
        inferred,
        sentence_index,
        text,
        normalized,
        subject,
        predicate,
        object_,
        speaker,
        speaker_resolved,
        polarity,
        hedged,
        headline,
        event_start,
        event_end,
        event_text,
        start,
        end,
        evidence,
        sentence,
        sentence_start,
        sentence_end,
        fact_id,
        fact_score,
        fact_reason,
        matched_claim_id,
        story_id,
        fact_quantity_id,
        standalone,
        subject_entity,
    ) in reader.execute(
        f"SELECT {_CLAIM_COLUMNS} FROM claim JOIN article ON article.id = claim.article_id "
        "LEFT OUTER JOIN source ON source.id = article.source_id "
        "LEFT OUTER JOIN fact_claim ON fact_claim.claim_id = claim.id "
        f"WHERE claim.id IN ({', '.join('?' * len(ids))})",
        ids,
    ):
        by_id[id_] = {
            "id": id_,
            "article_id": article_id,
            "source": source,
            "published": iso_date(published),
            "published_inferred": iso_date(inferred),
            "sentence_index": sentence_index,
            "text": text,
            "standalone": standalone if standalone is not None else text,
            "subject_entity": subject_entity,
            "normalized": normalized,
            "subject": subject,
            "predicate": predicate,
            "object": object_,
            "speaker": speaker,
            "speaker_resolved": bool(speaker_resolved),
            "polarity": polarity,
            "hedged": bool(hedged),
            "headline": bool(headline),
            "event_date": iso_date(event_start),
            "event_date_end": iso_date(event_end),
            "event_date_text": event_text,
            "evidence": {
                "start": start,
                "end": end,
                "text": evidence,
                "sentence": sentence,
                "sentence_start": sentence_start,
                "sentence_end": sentence_end,
            },
            "entities": entities[id_],
            "quantities": quantities[id_],
            "times": times[id_],
            "fact_id": fact_id,
            "fact_score": fact_score,
            "fact_reason": fact_reason,
            "fact_matched_claim_id": matched_claim_id,
            "fact_quantity_id": fact_quantity_id,
            "story_id": story_id,
        }
    return [by_id[i] for i in ids if i in by_id]


@dataclass(frozen=True)
class ClaimFilters(Filters):
    """Claim-only filters: one article, a speaker, a counted thing, only claims with numbers."""

    article_id: int | None = None
    speaker: str | None = None
    counted: str | None = None
    with_quantities: bool = False


def claims_selection(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Selection:
    """The claims matching the filters, every condition answered by an index."""
    selection = Selection("claim", tuple(claim_conditions(reader, "claim", filters)))
    if filters.article_id is not None:
        selection = selection.where(Sql("claim.article_id = ?", (filters.article_id,)))
    elif not filters.all_versions:
        selection = selection.where(current_claims("claim"))
    if filters.speaker:
        selection = selection.where(contains_text("claim.speaker", filters.speaker))
    if filters.counted or filters.with_quantities:
        numbers = Selection("quantity")
        if filters.counted:
            numbers = numbers.where(counts_term(*counted_terms_of(filters.counted, synonyms)))
        selection = selection.where(in_select("claim.id", numbers.select("quantity.claim_id")))
    return selection


def iter_claims(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Claims matching the filters in the order they were stored (an article's claims in
    text order, articles in ingest order), streamed."""
    selection = claims_selection(reader, filters, synonyms)
    yield from walk(
        reader, selection, ["claim.id"], filters, lambda ids: claim_records(reader, ids)
    )


def list_claims(
    reader: Reader, filters: ClaimFilters, synonyms: Synonyms | None = None
) -> list[Record]:
    """`iter_claims` as a list."""
    return list(iter_claims(reader, filters, synonyms))


def counts_term(*terms: str) -> Sql:
    """SQL condition: the quantity counts one of `terms` (its noun, its canonical noun or its
    canonical predicate is one of them), answered by the quantity indexes of each column."""
    wanted = list(dict.fromkeys(term.lower() for term in terms))
    parts = [in_values(f"quantity.{column}", wanted) for column in ("counted_key", "predicate_key")]
    parts.append(in_values("quantity.counted", wanted))
    return Sql(" OR ".join(p.text for p in parts), tuple(x for p in parts for x in p.params))


def counted_terms(counted: str, synonyms: Synonyms) -> tuple[str, ...]:
    """What a ``--counted`` value stands for: itself, its singular, their synonym keys
    ("killed" → "kill", "aircraft" → "plane") and the nouns that stand for such a count
    ("death toll"), so that users can type the word as written in articles."""
    words = [counted, counted[:-1]] if counted.endswith("s") else [counted]  # planes → plane
    keys = [key for word in words for key in (word, *_synonym_keys(word, synonyms))]
    from factdb.match.lexicon import lexicon

    # "killed" also finds "the death toll rose to 58": nouns that stand for a count.
    keys += [
        noun
        for noun, (what, predicate) in lexicon().counted_as.items()
        if predicate in keys or what in keys
    ]
    return tuple(dict.fromkeys(k for k in keys if k))


def counted_terms_of(counted: str, synonyms: Synonyms | None) -> tuple[str, ...]:
    return counted_terms(counted, synonyms) if synonyms else (counted,)


def _synonym_keys(word: str, synonyms: Synonyms) -> list[str]:
    return [k for k in (synonyms.predicate_key(word), synonyms.counted_key(word)) if k]


def get_claim(reader: Reader, claim_id: int) -> Record | None:
    """One claim with full provenance, or None."""
    found = claim_records(reader, [claim_id])
    return found[0] if found else None


def text_windows(reader: Reader, claims: Sequence[Record], margin: int) -> dict[int, Record]:
    """The stored text around each claim's sentence, `margin` characters either side (fewer
    at the ends of the text), so that a reviewer reads the evidence where the article has it:
    claim id → ``start`` (the window's offset in the text the claim's offsets point into: the
    body, or the title for a headline claim), ``text`` and ``length`` (of that whole text).

    One short read per claim: the window is cut by the database, never the whole article."""
    windows: dict[int, Record] = {}
    for claim in claims:
        evidence = claim["evidence"]
        start = max(0, min(evidence["sentence_start"], evidence["start"]) - margin)
        end = max(evidence["sentence_end"], evidence["end"]) + margin
        found = reader.first(
            f"SELECT substr({_SOURCE_TEXT}, ?, ?), length({_SOURCE_TEXT}) FROM claim "
            "JOIN article ON article.id = claim.article_id WHERE claim.id = ?",
            (start + 1, end - start, claim["id"]),
        )
        if found is not None and found[0] is not None:
            windows[claim["id"]] = {"start": start, "text": found[0], "length": int(found[1])}
    return windows
