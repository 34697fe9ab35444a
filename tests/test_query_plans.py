"""Ingest never reads a whole table: every query it runs is an index search (SQLite plans).

Per-article ingest time must not grow with the archive beyond index lookups, so each SELECT
that ingesting one more article runs is checked with EXPLAIN QUERY PLAN, and the candidate
lookups must range over their window indexes (key, then publication date).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from spacy.language import Language
from sqlalchemy import event
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from factdb.cli import app

from .conftest import REPO

ARTICLES = REPO / "tests" / "articles"


@pytest.fixture
def selects() -> Iterator[list[tuple[str, tuple[object, ...]]]]:
    """Every SELECT any engine runs while the test records."""
    recorded: list[tuple[str, tuple[object, ...]]] = []

    def record(*args: Any) -> None:
        # before_cursor_execute(conn, cursor, statement, parameters, context, executemany)
        statement, parameters, executemany = args[2], args[3], args[5]
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            recorded.append((statement, tuple(parameters)))

    event.listen(Engine, "before_cursor_execute", record)
    yield recorded
    event.remove(Engine, "before_cursor_execute", record)


def _plan(database: Path, statement: str, parameters: tuple[object, ...]) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
    return [row[3] for row in rows]


def test_ingesting_an_article_only_searches_indexes(
    tmp_path: Path, runner: CliRunner, nlp: Language, selects: list[tuple[str, tuple[object, ...]]]
) -> None:
    database = tmp_path / "plans.db"
    url = f"sqlite:///{database}"
    earlier = [
        str(REPO / "seeds"),
        str(ARTICLES / "kessler-brennmoor-courier-2024-05-14.txt"),
        str(ARTICLES / "kessler-northland-wire-2024-05-14.txt"),
    ]
    result = runner.invoke(app, ["ingest", *earlier, "--quiet", "--db", url])
    assert result.exit_code == 0, result.output
    selects.clear()

    later = str(ARTICLES / "kessler-lakeside-gazette-2024-05-14.txt")
    result = runner.invoke(app, ["ingest", later, "--json", "--db", url])
    assert result.exit_code == 0, result.output
    assert '"claim_matches": 0' not in result.stdout  # it did meet earlier claims

    plans = {statement: _plan(database, statement, parameters) for statement, parameters in selects}
    # alembic_version (one row) is read once per run, when the database is opened.
    scans = {
        s: p
        for s, p in plans.items()
        if any(step.startswith("SCAN") for step in p) and "alembic_version" not in s
    }
    assert scans == {}
    # The candidate lookups: by key (or hash), which must range over the window index.
    window_lookups = {
        'claim_key."key" IN': "SEARCH claim_key USING COVERING INDEX ix_claim_key_window (",
        'article_entity."key" IN': (
            "SEARCH article_entity USING COVERING INDEX ix_article_entity_window ("
        ),
        "article_shingle.hash IN": (
            "SEARCH article_shingle USING COVERING INDEX ix_article_shingle_window ("
        ),
    }
    for condition, expected in window_lookups.items():
        lookups = [plan for statement, plan in plans.items() if condition in statement]
        assert lookups, f"no lookup on {condition} was run"
        for plan in lookups:
            assert any(step.startswith(expected) and "published" in step for step in plan), plan
