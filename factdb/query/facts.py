"""Facts as `factdb facts` and `show fact` print them: the claims of different articles that
state the same thing, each source's report, the agreement state and the independent sources."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factdb.nlp.synonyms import Synonyms
    from factdb.store.driver import Reader
from factdb.query.claims import claim_records, counted_terms_of, counts_term
from factdb.query.conflicts import CONFLICT_STATUSES
from factdb.query.pages import walk
from factdb.query.sql import (
    SUPERSEDED_CLAIMS,
    Filters,
    Record,
    Selection,
    Sql,
    claim_conditions,
    current_claims,
    in_select,
    in_values,
)

FACT_STATES = ("agree", "conflict", "update", "single source")


# Kinds that make a fact's sources disagree; an update is a change over time, not a dispute.
_DISAGREEMENTS = ("number", "polarity", "direction", "date")


@dataclass(frozen=True)
class FactFilters(Filters):
    """Fact filters: a fact matches when one of its claims matches the claim filters
    (source, dates, search, entity, counted); then its state and independent sources."""

    counted: str | None = None
    state: str | None = None
    min_sources: int = 1


def independent_sources(articles: dict[int, int | None], copies: set[frozenset[int]]) -> int:
    """How many independent sources these articles (id → source id) are.

    Articles of one source count once, and so do articles linked as copies: union-find over
    both relations, then count the groups.
    """
    parent = {a: a for a in articles}

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    first_of_source: dict[int, int] = {}
    for article, source in sorted(articles.items()):
        if source is not None:
            parent[find(article)] = find(first_of_source.setdefault(source, article))
    for pair in copies:
        a, b = sorted(pair)
        if a in parent and b in parent:
            parent[find(a)] = find(b)
    return len({find(a) for a in articles})


def fact_records(
    reader: Reader, fact_ids: Sequence[int], all_versions: bool = False
) -> list[Record]:
    """Full fact objects for these ids, in the given order: every claim in full, the state,
    the number of independent sources and the fact's conflicts (dismissed ones excluded).

    Without `all_versions`, the reports of superseded versions are left out, and so is a
    fact that has no other."""
    if not fact_ids:
        return []
    ids = list(dict.fromkeys(fact_ids))
    members: dict[int, list[int]] = defaultdict(list)
    wanted = in_values("fact_claim.fact_id", ids)
    current = "" if all_versions else f" AND {current_claims('claim').text}"
    when = "coalesce(article.published, article.published_inferred)"
    for fact_id, claim_id in reader.execute(
        "SELECT fact_claim.fact_id, fact_claim.claim_id FROM fact_claim "
        "JOIN claim ON claim.id = fact_claim.claim_id "
        f"JOIN article ON article.id = claim.article_id WHERE {wanted.text}{current} "
        f"ORDER BY {when} IS NULL, {when}, article.content_hash, claim.start",
        wanted.params,
    ):
        members[fact_id].append(claim_id)
    claims = {c["id"]: c for c in claim_records(reader, [i for f in ids for i in members[f]])}
    by_claim: dict[int, list[Record]] = defaultdict(list)
    if claims:
        sides = in_values("conflict.claim_a_id", claims)
        other_side = (
            ""
            if all_versions
            else f" AND {in_select('conflict.claim_b_id', SUPERSEDED_CLAIMS, negated=True).text}"
        )
        for id_, kind, status, confidence, claim_a_id, claim_b_id in reader.execute(
            "SELECT conflict.id, conflict.kind, conflict.status, conflict.confidence, "
            f"conflict.claim_a_id, conflict.claim_b_id FROM conflict WHERE {sides.text} "
            f"AND conflict.status != 'dismissed'{other_side}",
            sides.params,
        ):
            by_claim[claim_a_id].append(
                {
                    "id": id_,
                    "kind": kind,
                    "status": status,
                    "confidence": confidence,
                    "claim_a_id": claim_a_id,
                    "claim_b_id": claim_b_id,
                }
            )
    articles = in_values("article.id", {c["article_id"] for c in claims.values()})
    sources: dict[int, int | None] = {
        int(article_id): source_id
        for article_id, source_id in reader.execute(
            f"SELECT article.id, article.source_id FROM article WHERE {articles.text}",
            articles.params,
        )
    }
    copied = in_values("article_copy.copy_id", sources)
    copies = {
        frozenset((int(a), int(b)))
        for a, b in reader.execute(
            "SELECT article_copy.original_id, article_copy.copy_id FROM article_copy "
            f"WHERE {copied.text}",
            copied.params,
        )
    }
    facts = in_values("fact.id", ids)
    labels: dict[int, tuple[str, str | None]] = {
        int(fact_id): (label, slot)
        for fact_id, label, slot in reader.execute(
            f"SELECT fact.id, fact.label, fact.slot FROM fact WHERE {facts.text}", facts.params
        )
    }
    records = []
    for fact_id in ids:
        if fact_id not in labels:
            continue
        fact_claims = [claims[i] for i in members[fact_id] if i in claims]
        if not fact_claims and not all_versions:
            continue
        fact_conflicts = [k for c in fact_claims for k in by_claim[c["id"]]]
        independent = independent_sources(
            {c["article_id"]: sources[c["article_id"]] for c in fact_claims}, copies
        )
        if any(k["kind"] in _DISAGREEMENTS for k in fact_conflicts):
            state = "conflict"
        elif fact_conflicts:
            state = "update"
        elif independent >= 2:
            state = "agree"
        else:
            state = "single source"
        records.append(
            {
                "id": fact_id,
                "label": labels[fact_id][0],
                "slot": labels[fact_id][1],
                "state": state,
                "independent_sources": independent,
                "articles": len({c["article_id"] for c in fact_claims}),
                "sources": sorted({c["source"] for c in fact_claims if c["source"]}),
                "claims": fact_claims,
                "conflicts": sorted(fact_conflicts, key=lambda k: k["id"]),
            }
        )
    return records


def _fact_prefilters(filters: FactFilters) -> list[Sql]:
    """SQL conditions every fact passing the state and source filters meets, so that records
    are only built for likely ones (`fact_records` decides exactly)."""
    conditions: list[Sql] = []
    if filters.state is not None:
        # Facts with a conflict that is not dismissed, found from the conflicts (through
        # ix_conflict_status, then fact_claim's key), not by probing every fact.
        live = in_values("conflict.status", [s for s in CONFLICT_STATUSES if s != "dismissed"])
        conflicted = Sql(
            "SELECT member.fact_id FROM fact_claim AS member "
            f"JOIN conflict ON conflict.claim_a_id = member.claim_id WHERE {live.text}",
            live.params,
        )
        if filters.state == "conflict":
            kinds = in_values("conflict.kind", _DISAGREEMENTS)
            conflicted = Sql(
                f"{conflicted.text} AND {kinds.text}", conflicted.params + kinds.params
            )
        conditions.append(
            in_select("fact.id", conflicted, negated=filters.state in ("agree", "single source"))
        )
    needed = max(filters.min_sources, 2 if filters.state == "agree" else 1)
    if needed > 1:
        conditions.append(
            Sql(
                "(SELECT count(DISTINCT member_claim.article_id) FROM claim AS member_claim "
                "JOIN fact_claim AS member ON member.claim_id = member_claim.id "
                "WHERE member.fact_id = fact.id) >= ?",
                (needed,),
            )
        )
    return conditions


def facts_selection(
    reader: Reader, filters: FactFilters, synonyms: Synonyms | None = None
) -> Selection:
    """The facts one of whose claims matches the claim filters (source, dates, search,
    entity, counted), narrowed in SQL by the state and source-count filters."""
    conditions = claim_conditions(reader, "claim", filters)
    if filters.counted:
        terms = counted_terms_of(filters.counted, synonyms)
        numbers = Selection("quantity", (counts_term(*terms),)).select("quantity.claim_id")
        conditions.append(in_select("claim.id", numbers))
    selection = Selection("fact", tuple(_fact_prefilters(filters)))
    if conditions:
        matched = Selection("claim", tuple(conditions)).select("claim.id")
        members = Sql(
            "SELECT fact_claim.fact_id FROM fact_claim "
            f"WHERE fact_claim.claim_id IN ({matched.text})",
            matched.params,
        )
        selection = selection.where(in_select("fact.id", members))
    return selection


def exact_fact_filters(filters: FactFilters) -> bool:
    """Whether some facts passing `facts_selection` may still be dropped once built (their
    state and independent sources are only known then)."""
    return filters.min_sources > 1 or filters.state is not None


def iter_facts(
    reader: Reader, filters: FactFilters, synonyms: Synonyms | None = None
) -> Iterator[Record]:
    """Facts matching the filters in the order they were made (newest last), streamed; with
    `synonyms`, the counted filter also matches the word's synonym keys."""

    def build(ids: list[int]) -> list[Record]:
        return [
            record
            for record in fact_records(reader, ids, filters.all_versions)
            if record["independent_sources"] >= filters.min_sources
            and (filters.state is None or record["state"] == filters.state)
        ]

    yield from walk(
        reader,
        facts_selection(reader, filters, synonyms),
        ["fact.id"],
        # A fact's record holds all its claims: build them a page at a time.
        filters,
        build,
        # A fact whose reports are all superseded is dropped once built.
        kept_by_build=filters.all_versions and not exact_fact_filters(filters),
    )


def get_fact(reader: Reader, fact_id: int) -> Record | None:
    """One fact with all its claims, or None."""
    found = fact_records(reader, [fact_id]) or fact_records(reader, [fact_id], True)
    return found[0] if found else None
