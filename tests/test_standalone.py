"""Claims a reader can check on their own, through the CLI (issue 26): `factdb claims` shows
each claim's standalone form in tables, the text as written with --as-written, searches both,
and its JSON carries `standalone` and `subject_entity` beside the existing fields. On an
article written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app

from .test_stories import ingest, query, write

PARAGRAPHS = (
    "Tom Reyes signed for Harwick Albion in May. The 22-year-old is out on loan at Port Vale.",
    "Brantwell Foods said on Monday that it would close two factories. The company blamed "
    "falling demand, and its shares fell 4 percent.",
    "Dock workers walked out on Friday. The union, which represents 3,000 workers, is "
    "demanding a 9 percent raise.",
)


@pytest.fixture
def archive(tmp_path: Path) -> str:
    db = f"sqlite:///{tmp_path / 'standalone.db'}"
    ingest(
        CliRunner(), db, write(tmp_path, "wire", "Test Wire", "2024-05-14", "Loans", *PARAGRAPHS)
    )
    return db


def claims_table(db: str, *args: str) -> str:
    result = CliRunner().invoke(app, ["claims", "--all", "--db", db, *args])
    assert result.exit_code == 0, result.output
    return " ".join(result.stdout.split())  # cells wrap: compare words, not lines


def by_text(db: str) -> dict[str, dict[str, object]]:
    return {c["text"]: c for c in query(CliRunner(), db, "claims") if not c["headline"]}


def test_json_carries_the_standalone_form_and_the_subject_entity(archive: str) -> None:
    found = by_text(archive)
    loan = found["The 22-year-old is out on loan at Port Vale"]
    assert loan["standalone"] == "Tom Reyes (22) is out on loan at Port Vale"
    assert loan["subject_entity"] == "Tom Reyes"
    assert found["it would close two factories"]["standalone"] == (
        "Brantwell Foods would close two factories"
    )
    assert found["The company blamed falling demand"]["subject_entity"] == "Brantwell Foods"
    union = found["The union, which represents 3,000 workers, is demanding a 9 percent raise"]
    assert union["standalone"] == "The union is demanding a 9 percent raise"
    assert found["represents 3,000 workers"]["standalone"] == "The union represents 3,000 workers"
    # The existing contract stays: evidence and offsets are those of the text as written.
    assert loan["evidence"]["text"] == loan["text"]
    assert {"speaker", "normalized", "quantities", "entities", "fact_id"} <= set(loan)


def test_tables_show_the_standalone_form_unless_asked_for_the_text(archive: str) -> None:
    standalone = claims_table(archive)
    assert "Tom Reyes (22) is out on loan" in standalone
    assert "The 22-year-old is out on loan" not in standalone
    written = claims_table(archive, "--as-written")
    assert "The 22-year-old is out on loan" in written
    assert "Tom Reyes (22)" not in written


def test_search_finds_a_claim_by_either_form(archive: str) -> None:
    by_name = [c["text"] for c in query(CliRunner(), archive, "claims", "--search", "Tom Reyes")]
    assert "The 22-year-old is out on loan at Port Vale" in by_name
    as_written = query(CliRunner(), archive, "claims", "--search", "22-year-old")
    assert [c["text"] for c in as_written] == ["The 22-year-old is out on loan at Port Vale"]
