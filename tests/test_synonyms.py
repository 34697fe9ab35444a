"""Synonym groups: shipped data, user extension, and clear errors for a bad user file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app
from factdb.nlp.synonyms import SynonymFileError, load_synonyms

from .test_cli import QUAKE_HERALD


@pytest.mark.parametrize(
    ("word", "key"),
    [
        ("wound", "injure"),
        ("dead", "kill"),
        ("death", "kill"),
        ("detain", "arrest"),
        ("say", "say"),
    ],
)
def test_shipped_predicate_groups(word: str, key: str) -> None:
    assert load_synonyms().predicate_key(word) == key


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("aircraft", "plane"),
        ("military aircraft", "plane"),  # through its head word
        ("security guard", "security guard"),
        ("Protesters  ", "protesters"),  # unknown words keep their (normalised) text
        (None, None),
    ],
)
def test_shipped_counted_groups(phrase: str | None, key: str | None) -> None:
    assert load_synonyms().counted_key(phrase) == key


def test_a_user_file_extends_and_overrides(tmp_path: Path) -> None:
    user = tmp_path / "mine.json"
    user.write_text(
        json.dumps(
            {"predicates": [["evacuate", "relocate"]], "counted": [["guard", "security guard"]]}
        ),
        encoding="utf-8",
    )
    synonyms = load_synonyms(user)
    assert synonyms.predicate_key("relocate") == "evacuate"
    assert synonyms.counted_key("security guard") == "guard"
    assert synonyms.predicate_key("wound") == "injure"  # shipped groups stay


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON (line 1"),
        ('["kill"]', "expected an object"),
        ('{"predicates": [["kill"], "dead"]}', "'predicates' must be a list of non-empty lists"),
    ],
)
def test_a_bad_user_file_says_what_is_wrong(tmp_path: Path, content: str, message: str) -> None:
    user = tmp_path / "bad.json"
    user.write_text(content, encoding="utf-8")
    with pytest.raises(SynonymFileError, match=message.replace("(", r"\(").replace("[", r"\[")):
        load_synonyms(user)


def test_ingest_uses_the_user_synonym_file(tmp_path: Path, runner: CliRunner) -> None:
    user = tmp_path / "mine.json"
    user.write_text(json.dumps({"counted": [["structure", "building"]]}), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'f.db'}"
    result = runner.invoke(app, ["ingest", str(QUAKE_HERALD), "--synonyms", str(user), "--db", db])
    assert result.exit_code == 0, result.output
    claims = json.loads(
        runner.invoke(app, ["claims", "--numbers", "--format", "json", "--db", db]).stdout
    )
    keys = {q["counted"]: q["counted_key"] for c in claims for q in c["quantities"]}
    assert keys["building"] == "structure"


def test_ingest_rejects_a_bad_synonym_file_as_usage_error(
    tmp_path: Path, runner: CliRunner
) -> None:
    db = f"sqlite:///{tmp_path / 'f.db'}"
    missing = tmp_path / "nope.json"
    result = runner.invoke(
        app, ["ingest", str(QUAKE_HERALD), "--synonyms", str(missing), "--db", db]
    )
    assert result.exit_code == 2
    assert f"{missing}: cannot read synonym file" in result.stderr
