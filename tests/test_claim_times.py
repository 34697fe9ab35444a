"""Claim times end to end: ingest an article through the CLI, read `times` back as JSON,
and backfill the times of claims stored before the ``claim_time`` table existed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from factdb.cli.app import app

# A Friday story; the sentences are written for this test.
ARTICLE = """source: Harbor Courier
date: 2013-03-22
title: Harbor Foods profit rises

Harbor Foods said on Thursday that net profit rose 12 percent in the fourth quarter.
The grocer has paid a dividend every quarter since March 2010.
Its shares rose 3 percent on the day and are now at a record.
A strike at its largest plant lasted three days and ended at 1:52 a.m. Sunday.
The company must repay bonds due 2045 and will open 40 stores by the end of the year.
"""


def _ingest(runner: CliRunner, tmp_path: Path, db: str) -> None:
    path = tmp_path / "harbor.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    result = runner.invoke(app, ["ingest", str(path), "--quiet", "--db", db])
    assert result.exit_code == 0, result.output


def _claims(runner: CliRunner, db: str, *args: str) -> Any:
    result = runner.invoke(app, [*args, "--format", "json", "--db", db])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def _times(claims: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {t["text"]: t for claim in claims for t in claim["times"]}


def test_claims_json_lists_every_time_with_value_type_and_role(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    _ingest(runner, tmp_path, db_url)
    claims = _claims(runner, db_url, "claims")
    times = _times(claims)
    expected = {
        "Thursday": ("DATE", "2013-03-21", "event"),
        "the fourth quarter": ("DATE", "2012-Q4", "event"),
        "every quarter": ("SET", "P3M", "event"),
        "March 2010": ("DATE", "2010-03", "reference"),
        "the day": ("DATE", "2013-03-22", "event"),
        "now": ("DATE", "PRESENT_REF", "event"),
        "three days": ("DURATION", "P3D", "duration"),
        "1:52 a.m.": ("TIME", "2013-03-17T01:52", "event"),
        "Sunday": ("DATE", "2013-03-17", "event"),
        "2045": ("DATE", "2045", "deadline"),
        "the end of the year": ("DATE", "2013", "deadline"),
    }
    assert {k: (t["type"], t["value"], t["role"]) for k, t in times.items()} == expected
    assert all(t["resolved"] for t in times.values())
    # Offsets point into the stored article text, like the evidence offsets.
    article = _claims(runner, db_url, "show", "article", str(claims[0]["article_id"]))
    for t in times.values():
        assert article["text"][t["start"] : t["end"]] == t["text"]
    # A claim's event date stays one date, alongside its list of times.
    thursday = next(c for c in claims if "net profit" in c["text"])
    assert thursday["event_date"] == "2013-03-21"
    assert [t["text"] for t in thursday["times"]] == ["Thursday", "the fourth quarter"]
    # `show claim` prints the same list.
    shown = _claims(runner, db_url, "show", "claim", str(thursday["id"]))
    assert shown["times"] == thursday["times"]


def test_backfill_times_fills_claims_stored_before_the_table(
    db_url: str, runner: CliRunner, tmp_path: Path
) -> None:
    _ingest(runner, tmp_path, db_url)
    before = _claims(runner, db_url, "claims")
    engine = create_engine(db_url)
    try:
        with engine.begin() as connection:
            connection.execute(text("DELETE FROM claim_time"))
    finally:
        engine.dispose()
    assert all(c["times"] == [] for c in _claims(runner, db_url, "claims"))
    result = runner.invoke(app, ["db", "backfill-times", "--db", db_url])
    assert result.exit_code == 0, result.output
    filled = sum(1 for c in before if c["times"])
    assert result.stdout.strip() == f"{filled} claim(s) given their times."
    assert _claims(runner, db_url, "claims") == before
    again = runner.invoke(app, ["db", "backfill-times", "--db", db_url])
    assert again.stdout.strip() == "0 claim(s) given their times."


def test_backfill_times_without_the_model_is_one_error_line(
    tmp_path: Path, runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    _ingest(runner, tmp_path, db)
    with create_engine(db).begin() as connection:
        connection.execute(text("DELETE FROM claim_time"))
    monkeypatch.setenv("FACTDB_SPACY_MODEL", "no_such_pipeline_installed")
    result = runner.invoke(app, ["db", "backfill-times", "--db", db])
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: spaCy pipeline 'no_such_pipeline_installed'")
    assert "Traceback" not in result.output
