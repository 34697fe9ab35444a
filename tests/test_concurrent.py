"""Several `factdb ingest --concurrent` workers on one database give what one ingest gives.

Workers on several machines share one PostgreSQL database: each parses its own inputs in
parallel, and each article's copies, story, facts and conflicts are derived under a
transaction-scoped advisory lock (`factdb.store.lock.derive_lock`). The comparison is by content
(`factdb.match.canonical`), never by ids, which count arrivals.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from spacy.language import Language
from sqlmodel import Session, select
from typer.testing import CliRunner

from factdb.ingest.pipeline import store_extracted
from factdb.inputs.readers import iter_articles
from factdb.inputs.records import ArticleInput
from factdb.match.canonical import derived_content, differences
from factdb.match.conflicts import record_conflicts
from factdb.match.copies import detect_copies
from factdb.match.matching import match_article
from factdb.nlp.extract import ArticleText, ExtractionFailed, extract_batch
from factdb.nlp.synonyms import load_synonyms
from factdb.store import db, models, writes
from factdb.store.lock import derive_lock, ingest_lock

from .conftest import POSTGRES_ENV_VAR, REPO, SEEDS
from .test_stories import two_stories_and_a_report_that_ties_them

INPUTS = sorted([*SEEDS.glob("*.txt"), *(REPO / "tests" / "articles").rglob("*.txt")])
WORKERS = 4


def _worker_inputs(worker: int) -> list[str]:
    """Three quarters of the inputs, each worker starting a quarter further on: every input is
    read by three workers, in four different orders."""
    share = len(INPUTS) * 3 // WORKERS
    start = worker * len(INPUTS) // WORKERS
    return [str(INPUTS[(start + k) % len(INPUTS)]) for k in range(share)]


def _factdb(*args: str) -> list[str]:
    return [sys.executable, "-m", "factdb", *args]


@pytest.mark.postgres
def test_four_concurrent_workers_on_postgresql_derive_what_one_ingest_does(
    postgres_url: str, tmp_path: Path, runner: CliRunner
) -> None:
    single = f"sqlite:///{tmp_path / 'single.db'}"
    one = subprocess.run(
        _factdb("ingest", *map(str, INPUTS), "--quiet", "--workers", "1", "--db", single),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert one.returncode == 0, one.stderr
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    workers = [
        subprocess.Popen(
            _factdb(
                "ingest",
                *_worker_inputs(w),
                "--concurrent",
                "--json",
                "--workers",
                "1",
                "--db",
                postgres_url,
            ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        for w in range(WORKERS)
    ]
    outputs = [worker.communicate(timeout=900) for worker in workers]
    for worker, (out, err) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, err
        assert '"locked": true' not in out, "a --concurrent worker stepped aside"
        assert "Error:" not in err, err
    reference = derived_content(db.open_engine(single, create=False))
    together = derived_content(db.open_engine(postgres_url, create=False))
    assert len(reference["articles"]) == len(INPUTS)
    assert len(reference["stories"]) < len(INPUTS) and reference["conflicts"]
    assert differences(together, reference) == []


def test_overlapping_workers_and_a_reverse_order_derive_what_one_ingest_does(
    tmp_path: Path,
) -> None:
    """The fault harness's overlap part on a few articles, on each database: one ingest in
    reverse order and two rounds of three `--concurrent` workers, each reading its share of the
    inputs in its own order, must derive what one ingest does, compared by content. Among the
    inputs are two stories that a later report ties into one: the toll's fact they share must
    be headed by its earliest report, whichever story came first."""
    tied = tmp_path / "tied"
    tied.mkdir()
    two_stories_and_a_report_that_ties_them(tied)
    inputs = [str(tied), str(SEEDS), *map(str, sorted(REPO.glob("tests/articles/*.txt")))]
    args = [
        sys.executable,
        str(REPO / "scripts" / "torture.py"),
        "--sections", "overlap",
        "--overlap-processes", "3",
        "--overlap-rounds", "2",
        "--inputs", *inputs,
    ]  # fmt: skip
    result = subprocess.run(
        args, capture_output=True, text=True, timeout=600, env=os.environ.copy(), cwd=REPO
    )
    assert "Traceback" not in result.stderr, result.stderr
    backends = ["sqlite", "postgresql"] if os.environ.get(POSTGRES_ENV_VAR) else ["sqlite"]
    for backend in backends:
        assert f"3 overlapping ingests ({backend})" in result.stdout, result.stdout
    assert "TOTAL: 0 problem(s)" in result.stdout, result.stdout
    assert result.returncode == 0


def test_concurrent_runs_share_the_ingest_lock_and_a_plain_run_steps_aside(
    db_url: str,
) -> None:
    engine = db.open_engine(db_url)
    with ingest_lock(engine, wait=False, shared=True) as first:
        assert first
        with ingest_lock(engine, wait=False, shared=True) as second:
            assert second
        with ingest_lock(engine, wait=False) as exclusive:
            assert not exclusive
    with ingest_lock(engine, wait=False) as exclusive:
        assert exclusive
        with ingest_lock(engine, wait=False, shared=True) as shared:
            assert not shared


def test_an_article_waits_to_derive_until_the_one_being_derived_is_committed(
    db_url: str, nlp: Language
) -> None:
    """Two reports of one event stored at the same moment by two workers: the second derives
    only once the first is committed, so it joins its story instead of starting another."""
    engine = db.open_engine(db_url)
    synonyms = load_synonyms()
    paths = sorted(str(p) for p in (REPO / "tests" / "articles").glob("kessler-*.txt"))[:2]
    first, second = iter_articles(paths)
    assert isinstance(first, ArticleInput) and isinstance(second, ArticleInput)
    drafts = [
        d
        for d in extract_batch(
            nlp, [ArticleText(a.text, a.published, a.title) for a in (first, second)]
        )
        if not isinstance(d, ExtractionFailed)
    ]
    # Sources and names stored beforehand: no insert of the second waits on a row of the
    # first, only the derive lock can make it wait.
    with Session(engine) as session, session.begin():
        for article in (first, second):
            writes.source_id(session, article.source or "unknown")
        writes._entity_ids(session, [c for d in drafts for c in d])
    done: list[object] = []
    with Session(engine) as session, session.begin():
        derive_lock(session)
        stored = writes.store_article(session, first, drafts[0], synonyms)
        detect_copies(session, stored.article_id)
        record_conflicts(session, match_article(session, stored.article_id, synonyms))
        worker = threading.Thread(
            target=lambda: done.append(store_extracted(engine, second, drafts[1], synonyms))
        )
        worker.start()
        time.sleep(1.5)
        assert not done, "the second article was derived while the first was not committed"
    worker.join(timeout=60)
    assert done
    with Session(engine) as session:
        stories = {a.story_id for a in session.exec(select(models.Article))}
    assert len(stories) == 1
