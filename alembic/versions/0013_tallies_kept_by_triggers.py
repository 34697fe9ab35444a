"""Counts of everything stored, kept by the database as rows change: the ``tally`` table.

What changed and why: ``factdb stats`` counted every table whole on each call: ten million
claims, nine million facts, the fact memberships grouped by fact. That is several seconds on
PostgreSQL at ten million claims, however fast each count is. The counts are now kept in
``tally`` (name, value) by triggers on the counted tables, so ``stats`` reads a dozen rows.
Triggers, not ingest code, keep them: every writer (ingest, revisions, re-matching, conflict
review, a user's own SQL) changes them in the transaction that changes the rows, so they are
as exact as a count and roll back with it.

The tallies (`TALLIES`): a row count per table, the undated articles, the conflicts of each
kind and status (``conflicts:number:open``), the articles and claims of each source
(``source_claims:7``, for ``factdb sources``), and the facts whose claims come from more than
one article (``facts_with_several_articles``, a property of each fact's members: computed
from the facts a change touches, before and after).

- SQLite: row triggers; each adds its row's deltas with one upsert.
- PostgreSQL: statement triggers with transition tables, so a statement inserting a million
  rows updates each tally once, not a million times (repeated updates of one row within a
  transaction leave a chain of versions that every later update walks).

The existing rows are counted by the migration. A later migration that rebuilds one of the
counted tables in SQLite batch mode (copy and rename) drops its triggers and must create
them again (`create_triggers`).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# table → the tallies a row of it counts in: (the tally's name, how much the row counts), SQL
# expressions of the row (``{row}``); a NULL name counts nowhere.
TALLIES: dict[str, tuple[tuple[str, str], ...]] = {
    "source": (("'sources'", "1"),),
    "article": (
        ("'articles'", "1"),
        ("CASE WHEN {row}.published IS NULL THEN 'articles_without_date' END", "1"),
        ("'source_articles:' || {row}.source_id", "1"),
    ),
    "claim": (
        ("'claims'", "1"),
        (
            "(SELECT 'source_claims:' || article.source_id FROM article "
            "WHERE article.id = {row}.article_id)",
            "1",
        ),
    ),
    "quantity": (("'quantities'", "1"),),
    "entity": (("'entities'", "1"),),
    "conflict": (("'conflicts'", "1"), ("'conflicts:' || {row}.kind || ':' || {row}.status", "1")),
    "fact": (("'facts'", "1"),),
    "article_copy": (("'copies'", "1"),),
    "ingest_run": (("'ingest_runs'", "1"),),
}
# The columns an update of which can move a row from one tally to another.
MOVING = {"article": ("published", "source_id"), "conflict": ("kind", "status")}
# What else an updated row moves: an article moved to another source (`sources merge`)
# takes its claims along. (Inserted, an article has no claims yet; deleted, none left.)
MOVED_ALONG = {
    "article": (
        (
            "'source_claims:' || {row}.source_id",
            "(SELECT count(*) FROM claim WHERE claim.article_id = {row}.id)",
        ),
    )
}
SPREAD = "facts_with_several_articles"
EVENTS = ("insert", "delete", "update")


def _upsert(deltas: str) -> str:
    """Add the (name, delta) rows of `deltas` to the tallies."""
    return (
        "INSERT INTO tally (name, value) SELECT name, sum(delta) "
        f"FROM ({deltas}) AS deltas WHERE name IS NOT NULL GROUP BY name "
        "HAVING sum(delta) != 0 "
        "ON CONFLICT (name) DO UPDATE SET value = tally.value + excluded.value"
    )


def _row_deltas(table: str, event: str, rows: dict[str, tuple[str, str]]) -> str:
    """(name, delta) of the counted rows: what each new row counts, less what each old one
    did. `rows` maps "new" and "old" to (alias, FROM clause or "") as the dialect spells
    them."""
    parts = []
    for side, sign in (("new", 1), ("old", -1)):
        if (side == "new" and event == "delete") or (side == "old" and event == "insert"):
            continue
        alias, source = rows[side]
        parts += [
            f"SELECT {name.format(row=alias)} AS name, "
            f"{'' if sign > 0 else '-'}{weight.format(row=alias)} AS delta{source}"
            for name, weight in TALLIES[table]
            + (MOVED_ALONG.get(table, ()) if event == "update" else ())
        ]
    return " UNION ALL ".join(parts)


def _spread(touched: str, removed: str, added: str) -> str:
    """(name, delta) of the facts with members of several articles, over the facts in
    `touched` (a query of fact ids): how many are now, less how many were before the change
    (the members less the `removed` ones, a condition on member ``m``, plus the `added`
    rows, a query of (fact_id, article_id))."""

    def several(members: str) -> str:
        return (
            f"(SELECT count(*) FROM (SELECT fact_id FROM ({members}) AS members "
            "GROUP BY fact_id HAVING count(DISTINCT article_id) > 1) AS spread)"
        )

    now = f"SELECT m.fact_id, m.article_id FROM fact_claim AS m WHERE m.fact_id IN ({touched})"
    before = f"{now} AND NOT ({removed})" + (f" UNION ALL {added}" if added else "")
    return f"SELECT '{SPREAD}' AS name, {several(now)} - {several(before)} AS delta"


def _rows(dialect: str, side: str, columns: str) -> str:
    """A query of `columns` of the changed rows, "new" or "old": on SQLite the one row of a
    row trigger, on PostgreSQL the transition table of a statement trigger."""
    if dialect == "sqlite":
        return "SELECT " + ", ".join(f"{side}.{c.strip()}" for c in columns.split(","))
    return f"SELECT {columns} FROM {side}_rows"


def _sides(event: str) -> tuple[str, ...]:
    return {"insert": ("new",), "delete": ("old",), "update": ("new", "old")}[event]


def _create(dialect: str, name: str, table: str, event: str, body: str, of: str) -> list[str]:
    """The statements creating trigger `name` running `body` after `event` on `table`. On
    SQLite an update trigger fires only for the columns `of`; PostgreSQL allows no column
    list beside transition tables, and its body's deltas cancel out for other updates."""
    if dialect == "sqlite":
        columns = f" OF {of}" if event == "update" else ""
        return [
            f"CREATE TRIGGER {name} AFTER {event.upper()}{columns} ON {table} BEGIN {body}; END"
        ]
    transitions = " ".join(f"{side.upper()} TABLE AS {side}_rows" for side in _sides(event))
    return [
        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body}; RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} "
        f"REFERENCING {transitions} FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
    ]


def create_triggers(dialect: str) -> list[str]:
    """The statements creating every tally trigger on `dialect`."""
    if dialect == "sqlite":
        rows = {"new": ("new", ""), "old": ("old", "")}
    else:
        rows = {side: ("r", f" FROM {side}_rows AS r") for side in ("new", "old")}
    statements = []
    for table in TALLIES:
        for event in EVENTS:
            if event == "update" and table not in MOVING:
                continue
            body = _upsert(_row_deltas(table, event, rows))
            of = ", ".join(MOVING.get(table, ()))
            statements += _create(dialect, f"tally_{table}_{event}", table, event, body, of)
    for event in EVENTS:
        # fact_claim's key is claim_id: the new rows are the members with new claim ids.
        touched = " UNION ".join(_rows(dialect, side, "fact_id") for side in _sides(event))
        removed = (
            "false" if event == "delete" else f"m.claim_id IN ({_rows(dialect, 'new', 'claim_id')})"
        )
        added = "" if event == "insert" else _rows(dialect, "old", "fact_id, article_id")
        body = _upsert(_spread(touched, removed, added))
        of = "fact_id, article_id, claim_id"
        statements += _create(dialect, f"tally_fact_claim_{event}", "fact_claim", event, body, of)
    return statements


def _trigger_names() -> list[tuple[str, str]]:
    """(trigger, table) of every tally trigger."""
    names = [
        (f"tally_{table}_{event}", table)
        for table in TALLIES
        for event in EVENTS
        if event != "update" or table in MOVING
    ]
    return names + [(f"tally_fact_claim_{event}", "fact_claim") for event in EVENTS]


def upgrade() -> None:
    # A source's first and last publication dates, read from the ends of one index range.
    op.create_index("ix_article_source_published", "article", ["source_id", "published"])
    op.create_table(
        "tally",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_tally"),
    )
    dialect = op.get_bind().dialect.name
    # Counted before the triggers exist, in the migration's transaction: nothing else
    # writes meanwhile (the other writers wait for the schema).
    counts = [
        f"SELECT {name.format(row=table)} AS name, {weight.format(row=table)} AS delta FROM {table}"
        for table, names in TALLIES.items()
        for name, weight in names
    ]
    op.execute(_upsert(" UNION ALL ".join(counts)))
    # Every fact touched, none of its members there before: the facts spread now.
    op.execute(_upsert(_spread("SELECT fact_claim.fact_id FROM fact_claim", "true", "")))
    for statement in create_triggers(dialect):
        op.execute(statement)


def downgrade() -> None:
    postgresql = op.get_bind().dialect.name == "postgresql"
    for trigger, table in _trigger_names():
        op.execute(f"DROP TRIGGER {trigger}" + (f" ON {table}" if postgresql else ""))
        if postgresql:
            op.execute(f"DROP FUNCTION {trigger}()")
    op.drop_table("tally")
    op.drop_index("ix_article_source_published", table_name="article")
