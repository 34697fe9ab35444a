"""Conflicts as `factdb conflicts` lists them: both claims, their sources, the rule that fired,
the review status; the listing's filters (kind, status, run) and its plans."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from factdb.store.driver import Reader
from factdb.query.claims import claim_records, columns_of
from factdb.query.pages import walk
from factdb.query.sql import (
    SUPERSEDED_CLAIMS,
    Filters,
    Record,
    Selection,
    Sql,
    among_ids,
    claim_conditions,
    in_select,
    in_values,
    is_narrow,
    iso_instant,
)

CONFLICT_STATUSES = ("open", "dismissed", "resolved")


# The rules of `factdb.match.conflicts`, each recording its own kind.
CONFLICT_KINDS = ("number", "update", "polarity", "direction", "date")

# Listing orders: as found (by id), or by confidence (then id), least confident first, so
# that the default page (the end of the listing) shows the most confident.
CONFLICT_ORDERS = {"found": ("conflict.id",), "confidence": ("conflict.confidence", "conflict.id")}


@dataclass(frozen=True)
class ConflictFilters(Filters):
    """Conflict filters: kind, review status (``all`` for every status)."""

    kind: str | None = None
    status: str = "open"
    # Only conflicts recorded by ingest run `since_run` or a later one (`conflicts --new`).
    since_run: int | None = None
    # Only conflicts whose confidence (the flag model's probability) is at least this.
    min_confidence: float | None = None
    order: str = "found"


_CONFLICT_FIELDS = [
    "id",
    "kind",
    "status",
    "rule",
    "confidence",
    "detail",
    "note",
    "claim_a_id",
    "claim_b_id",
    "quantity_a_id",
    "quantity_b_id",
    "created_at",
    "updated_at",
]


def conflict_records(reader: Reader, conflict_ids: Sequence[int]) -> list[Record]:
    """Full conflict objects (both claims in full) for these ids, in the given order."""
    wanted = in_values("conflict.id", conflict_ids)
    rows = {
        row[0]: dict(zip(_CONFLICT_FIELDS, row, strict=True))
        for row in reader.execute(
            f"SELECT {columns_of('conflict', _CONFLICT_FIELDS)} FROM conflict WHERE {wanted.text}",
            wanted.params,
        )
    }
    found = [rows[i] for i in conflict_ids if i in rows]
    claims = {
        c["id"]: c
        for c in claim_records(
            reader, [i for row in found for i in (row["claim_a_id"], row["claim_b_id"])]
        )
    }
    return [
        {
            "id": row["id"],
            "kind": row["kind"],
            "status": row["status"],
            "rule": row["rule"],
            "confidence": row["confidence"],
            "explanation": row["detail"],
            "note": row["note"],
            "claim_a": claims.get(row["claim_a_id"]),
            "claim_b": claims.get(row["claim_b_id"]),
            "quantity_a_id": row["quantity_a_id"],
            "quantity_b_id": row["quantity_b_id"],
            "created_at": iso_instant(row["created_at"]),
            "updated_at": iso_instant(row["updated_at"]),
        }
        for row in found
    ]


def conflicts_selection(reader: Reader, filters: ConflictFilters) -> Selection:
    """The conflicts matching the filters; a source, date, entity or search filter matches
    either claim. Kind and status go through their indexes, the claim filters through the
    indexes of `claim_conditions`, then ix_conflict_claim_a_id / _b_id."""
    selection = Selection("conflict")
    if filters.kind:
        selection = selection.where(Sql("conflict.kind = ?", (filters.kind,)))
    if filters.status != "all":
        selection = selection.where(Sql("conflict.status = ?", (filters.status,)))
    if filters.min_confidence is not None:
        # ix_conflict_status_confidence: a range of one status, or of each status.
        if filters.status == "all":
            selection = selection.where(
                Sql("conflict.status IN (?, ?, ?)", tuple(CONFLICT_STATUSES))
            )
        selection = selection.where(Sql("conflict.confidence >= ?", (filters.min_confidence,)))
    if not filters.all_versions:
        for side in ("conflict.claim_a_id", "conflict.claim_b_id"):
            selection = selection.where(in_select(side, SUPERSEDED_CLAIMS, negated=True))
    if filters.since_run is not None:
        # A conflict belongs to the run that was storing when it was recorded. Plain runs do
        # not overlap (factdb.store.lock), so "created at or after run N started" is runs N and
        # later; beside --concurrent workers it also takes what they recorded since then.
        selection = selection.where(
            Sql(
                "conflict.created_at >= "
                "(SELECT ingest_run.started_at FROM ingest_run WHERE ingest_run.id = ?)",
                (filters.since_run,),
            )
        )
    conditions = claim_conditions(reader, "claim", filters)
    if not conditions:
        return selection
    matched = Selection("claim", tuple(conditions))
    if is_narrow(reader, filters):
        # A month of thirty years, a rare word: the few conflicts of the few claims are
        # found through ix_conflict_claim_a_id / _b_id (checking each conflict's claims
        # would read every open conflict, for none).
        ids = matched.select("claim.id")
        sides = Sql(
            f"SELECT a_side.id FROM conflict AS a_side WHERE a_side.claim_a_id IN ({ids.text}) "
            f"UNION SELECT b_side.id FROM conflict AS b_side WHERE b_side.claim_b_id IN "
            f"({ids.text})",
            ids.params * 2,
        )
        return selection.where(among_ids(reader, "conflict.id", sides))
    # A big source, a common name: the conflicts are checked claim by claim, newest first,
    # and a page stops at its fiftieth (a list of the claims would be built first).
    either: list[Sql] = []
    for side, alias in (("conflict.claim_a_id", "claim_a"), ("conflict.claim_b_id", "claim_b")):
        own = Selection(
            f"claim AS {alias}",
            (Sql(f"{alias}.id = {side}"), *claim_conditions(reader, alias, filters)),
        ).select("1")
        either.append(Sql(f"EXISTS ({own.text})", own.params))
    return selection.where(
        Sql(" OR ".join(s.text for s in either), tuple(p for s in either for p in s.params))
    )


def iter_conflicts(reader: Reader, filters: ConflictFilters) -> Iterator[Record]:
    """Conflicts matching the filters in the order the filters ask for, streamed."""
    yield from walk(
        reader,
        conflicts_selection(reader, filters),
        list(CONFLICT_ORDERS[filters.order]),
        filters,
        lambda ids: conflict_records(reader, ids),
    )


def latest_run_id(reader: Reader) -> int | None:
    """The id of the newest ingest run, or None before the first."""
    found = reader.scalar("SELECT max(ingest_run.id) FROM ingest_run")
    return None if found is None else int(found)
