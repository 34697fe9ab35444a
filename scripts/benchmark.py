#!/usr/bin/env python3
"""Measure factdb's ingest speed and memory against spaCy alone, in the same run.

    python scripts/benchmark.py seeds                      # seeds/: factdb ingest vs spaCy parse
    python scripts/benchmark.py throughput ../shared/corpus/news-dev --articles 200
    python scripts/benchmark.py scaling ../shared/corpus/news-dev --sizes 1000 20000 --sample 100
    python scripts/benchmark.py long ../shared/corpus/news-dev --sizes 100000 300000 1000000
    python scripts/benchmark.py queries --claims 1000000 --data /work/wt/bench-data
    python scripts/benchmark.py pages --claims 1000000 --data /work/wt/bench-data

Every measured phase runs in a fresh child process, so its peak memory (max RSS) is its own
and no phase warms a cache for another. The baseline is spaCy alone (`nlp.pipe`, the same
pipeline factdb loads, one process) parsing exactly the texts factdb ingests. Figures are
printed, never asserted: timing belongs here, not in the test suite.

`throughput` makes distinct articles out of a small corpus by appending a numbered line to
each copy, so the content hash does not deduplicate them. `scaling` fills a database with
synthetic articles (the corpus's extracted claims re-stored under shifted words and entities,
groups of ten variants sharing entities like ten outlets covering one story, published at a
steady rate, as an archive grows) and times storing and matching the next articles to arrive at
each size. NLP is left out there: it does not depend on the database. Matching compares a new
article with the articles of the past `MAX_DAYS_APART` days, so at 25 articles a day (the
default) that window already holds its steady 750 articles at 1,000 stored, and the ratio
between sizes shows what the size of the archive alone costs.

`long` ingests one long article (the corpus's bodies joined, paragraph by paragraph, up to each
size in characters) and sets it beside spaCy alone parsing that whole text in one `nlp(text)`
call: factdb's cost must grow linearly with an article's length.

`queries` builds a large database the way an archive grows: the corpus is ingested once, then
its rows are replicated in SQL (every table, ids offset, publication and event dates shifted by
a week per copy, content hashes made unique) to at least the number of claims asked for; the
matching candidate indexes, which no query reads, only with ``--matching-indexes``. It then
times each query command as a whole process (``factdb …``, start-up included) and prints the
min / median / max of several runs per command, on SQLite and, when
``FACTDB_TEST_POSTGRES_URL`` names a server, on PostgreSQL (in a database of its own on that
server). Built databases are kept in ``--data`` and reused by the next run.

`pages` times every page of `factdb serve` (the stories, a story, the conflict queue with each
filter, a conflict, a fact, a claim, an article, two JSON answers) through its ASGI app on
the same databases `queries` builds (and builds them when missing).
"""

from __future__ import annotations

import argparse
import math
import multiprocessing as mp
import os
import random
import resource
import string
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


# --- child-process measurement ------------------------------------------------------------


@dataclass(frozen=True)
class Measurement:
    """One phase: wall time, peak resident memory, and counts it produced."""

    seconds: float
    peak_mb: float
    worker_peak_mb: float
    counts: dict[str, int]


def _child(target: Callable[..., dict[str, int]], args: tuple[Any, ...], out: Any) -> None:
    started = time.perf_counter()
    counts = target(*args)
    seconds = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Worker processes (ingest --workers) have their own peak; the largest one is reported.
    worker_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    out.send(Measurement(seconds, peak_kb / 1024, worker_kb / 1024, counts))


def measure(target: Callable[..., dict[str, int]], *args: Any) -> Measurement:
    """Run `target(*args)` in a fresh process; its model load is outside the timed part."""
    receive, send = mp.Pipe(duplex=False)
    process = mp.get_context("spawn").Process(target=_child, args=(target, args, send))
    process.start()
    send.close()  # the child holds the only sending end: its death ends the wait below
    try:
        result: Measurement = receive.recv()
    except EOFError:
        result = None  # type: ignore[assignment]
    process.join()
    if process.exitcode != 0 or result is None:
        raise SystemExit(f"benchmark child failed with exit code {process.exitcode}")
    return result


# --- phases (module-level so spawned children can import them) -----------------------------


def _load_texts(paths: list[str]) -> list[Any]:
    from factdb.inputs.readers import iter_articles
    from factdb.inputs.records import ArticleInput

    return [a for a in iter_articles(paths) if isinstance(a, ArticleInput)]


def spacy_alone(paths: list[str], batch_size: int) -> dict[str, int]:
    """Baseline: the pipeline factdb uses, parsing the same article bodies with nlp.pipe."""
    from factdb.nlp.pipeline import load_nlp

    nlp = load_nlp()
    articles = _load_texts(paths)
    started = time.perf_counter()
    tokens = sum(len(doc) for doc in nlp.pipe((a.text for a in articles), batch_size=batch_size))
    return {"articles": len(articles), "tokens": tokens, "ms": _ms_since(started)}


def factdb_ingest(paths: list[str], url: str, workers: int) -> dict[str, int]:
    """factdb ingest into a fresh database: read, parse, extract, store, match."""
    from factdb.ingest.pipeline import ingest
    from factdb.nlp.pipeline import load_nlp
    from factdb.store.db import open_engine

    load_nlp()
    engine = open_engine(url)
    started = time.perf_counter()
    report = ingest(engine, paths, workers=workers)
    return {
        "articles": report.articles_added,
        "claims": report.claims_added,
        "quantities": report.quantities_added,
        "errors": len(report.errors),
        "ms": _ms_since(started),
    }


def spacy_whole_text(path: str) -> dict[str, int]:
    """Baseline for one long article: the whole body in one `nlp(text)` call."""
    from factdb.nlp.pipeline import load_nlp

    nlp = load_nlp()
    (article,) = _load_texts([path])
    nlp.max_length = max(nlp.max_length, len(article.text) + 1)
    started = time.perf_counter()
    tokens = len(nlp(article.text))
    return {"articles": 1, "tokens": tokens, "ms": _ms_since(started)}


def _ms_since(started: float) -> int:
    return int((time.perf_counter() - started) * 1000)


# --- corpus variants ----------------------------------------------------------------------


def write_variants(corpus: Path, count: int, target: Path) -> list[str]:
    """`count` distinct article files made from the corpus (a numbered line appended)."""
    sources = sorted(p for p in corpus.rglob("*.txt") if p.is_file())
    if not sources:
        raise SystemExit(f"no *.txt articles under {corpus}")
    target.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    for index in range(count):
        source = sources[index % len(sources)]
        copy = index // len(sources)
        path = target / f"{copy:04d}-{source.parent.name}-{source.name}"
        text = source.read_text(encoding="utf-8").rstrip("\n")
        path.write_text(f"{text}\n\nBenchmark copy number {copy}.\n", encoding="utf-8")
        written.append(str(path))
    return written


def _line(label: str, m: Measurement, unit_counts: dict[str, str]) -> str:
    rates = ", ".join(
        f"{m.counts[key] / (m.counts['ms'] / 1000):,.1f} {name}/s"
        for key, name in unit_counts.items()
        if key in m.counts and m.counts["ms"]
    )
    workers = f" (+ largest worker {m.worker_peak_mb:,.0f} MB)" if m.worker_peak_mb else ""
    return (
        f"{label:<22} {m.counts['ms'] / 1000:8.2f} s   {rates}   peak {m.peak_mb:,.0f} MB{workers}"
    )


def compare(paths: list[str], workers: int, batch_size: int) -> None:
    """Print factdb ingest against spaCy alone on the same inputs, with their ratio."""
    with tempfile.TemporaryDirectory() as tmp:
        baseline = measure(spacy_alone, paths, batch_size)
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        factdb = measure(factdb_ingest, paths, url, workers)
    print(_line("spaCy alone (nlp.pipe)", baseline, {"articles": "articles"}))
    print(
        _line(
            f"factdb ingest (w={workers})",
            factdb,
            {"articles": "articles", "claims": "claims"},
        )
    )
    print(
        f"stored: {factdb.counts['articles']} articles, {factdb.counts['claims']} claims, "
        f"{factdb.counts['quantities']} quantities, {factdb.counts['errors']} rejected"
    )
    ratio = baseline.counts["ms"] / factdb.counts["ms"] if factdb.counts["ms"] else float("nan")
    print(f"throughput ratio factdb / spaCy alone: {ratio:.2f}")


# --- one long article ---------------------------------------------------------------------


def write_long_article(corpus: Path, size: int, target: Path) -> str:
    """One article of `size` characters: the corpus's bodies joined, cut at a paragraph."""
    bodies = [a.text for a in _load_texts([str(corpus)])]
    if not bodies:
        raise SystemExit(f"no articles under {corpus}")
    paragraphs: list[str] = []
    length = 0
    index = 0
    while length < size:
        for paragraph in bodies[index % len(bodies)].split("\n\n"):
            paragraphs.append(paragraph)
            length += len(paragraph) + 2
            if length >= size:
                break
        index += 1
    header = "source: Benchmark Wire\ndate: 2022-01-08\nurl: unknown\ntitle: unknown\n\n"
    target.write_text(header + "\n\n".join(paragraphs)[:size] + "\n", encoding="utf-8")
    return str(target)


def long_articles(corpus: Path, sizes: list[int]) -> None:
    """Per size: spaCy alone on the whole text and factdb ingest of it, time and peak memory,
    with the ratios and the machine's load average (on a shared machine, the other work
    slows both sides of a row, not always alike)."""
    print(f"{'size':>10}  {'spaCy alone':>22}  {'factdb ingest':>22}  time ratio  memory ratio")
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = write_long_article(corpus, size, Path(tmp) / "long.txt")
            baseline = measure(spacy_whole_text, path)
            factdb = measure(factdb_ingest, [path], f"sqlite:///{Path(tmp) / 'long.db'}", 1)
        spacy_s, factdb_s = baseline.counts["ms"] / 1000, factdb.counts["ms"] / 1000
        print(
            f"{size:>10,}  {spacy_s:8.1f} s {baseline.peak_mb:7,.0f} MB  "
            f"{factdb_s:8.1f} s {factdb.peak_mb:7,.0f} MB  "
            f"{factdb_s / max(spacy_s, 0.001):10.2f}  {factdb.peak_mb / baseline.peak_mb:12.2f}"
            f"   ({factdb.counts['claims']} claims, {factdb.counts['errors']} rejected; "
            f"load average {os.getloadavg()[0]:.1f})",
            flush=True,
        )


# --- scaling ------------------------------------------------------------------------------


def _shift_word(word: str, key: int) -> str:
    """Rotate a word's letters by a key-dependent amount, keeping its length and case."""
    shift = 1 + key % 25
    out = []
    for char in word:
        if "a" <= char <= "z":
            out.append(chr((ord(char) - 97 + shift) % 26 + 97))
        elif "A" <= char <= "Z":
            out.append(chr((ord(char) - 65 + shift) % 26 + 65))
        else:
            out.append(char)
    return "".join(out)


def _cipher(group: int) -> dict[int, str]:
    """A substitution of letters and digits of its own for each group (`str.translate`):
    every name of one group differs from the same name in almost every other group, where
    rotating each word by one of 25 shifts made many groups share a name, and digits left
    as they were made every group's "Flight 990" one name."""
    rng = random.Random(group)
    table: dict[int, str] = {}
    for alphabet in (string.ascii_lowercase, string.digits):
        shuffled = list(alphabet)
        rng.shuffle(shuffled)
        table.update(zip(map(ord, alphabet), shuffled, strict=True))
        table.update(zip(map(ord, alphabet.upper()), (c.upper() for c in shuffled), strict=True))
    return table


def _key(number: int, word: str) -> int:
    """A deterministic per-(variant, word) key (Python's str hash is salted per process)."""
    return zlib.crc32(f"{number}:{word}".encode())


FIRST_DAY = date(2020, 1, 1)


def _variant(article: Any, claims: list[Any], variant: int, per_day: int) -> tuple[Any, list[Any]]:
    """A synthetic article: same offsets and keys, different words and (per group) entities.

    Each group of ten is an event of its own: its names (`_cipher`) are no other group's."""
    import re

    from factdb.inputs.records import content_hash
    from factdb.nlp.types import Entity

    group = variant // 10
    published = FIRST_DAY + timedelta(days=variant // per_day)

    cipher = _cipher(group)

    def entity_text(text: str) -> str:
        return text.translate(cipher)

    text = re.sub(
        r"[A-Za-z]+", lambda m: _shift_word(m.group(0), _key(variant, m.group(0))), article.text
    )
    new_article = replace(
        article,
        text=text,
        content_hash=content_hash(text),
        source=f"{article.source} {variant % 10}",
        # A variant is another article: the same URL would make it a new version of the first.
        url=f"https://variants.example/{variant}" if article.url else None,
        published=published,
    )
    new_claims = [
        replace(
            claim,
            text=text[claim.start : claim.end],
            entities=[Entity(entity_text(e.text), e.label) for e in claim.entities],
            quantities=list(claim.quantities),
        )
        for claim in claims
    ]
    return new_article, new_claims


def _extracted_corpus(corpus: Path) -> list[tuple[Any, list[Any]]]:
    from factdb.nlp.extract import extract_claims
    from factdb.nlp.pipeline import load_nlp

    nlp = load_nlp()
    articles = _load_texts([str(corpus)])
    docs = nlp.pipe(a.text for a in articles)
    return [(a, extract_claims(doc, a.published)) for a, doc in zip(articles, docs, strict=True)]


def _variants(
    base: list[tuple[Any, list[Any]]], start: int, count: int, per_day: int
) -> Iterator[Any]:
    for index in range(start, start + count):
        article, claims = base[index % len(base)]
        yield _variant(article, claims, index, per_day)


def scaling(corpus: str, sizes: list[int], sample: int, per_day: int, url: str) -> dict[str, int]:
    """Fill to each size, then time storing+matching `sample` new articles; ms per article."""
    from factdb.ingest.pipeline import store_extracted
    from factdb.nlp.synonyms import load_synonyms
    from factdb.store.db import open_engine

    synonyms = load_synonyms()
    base = _extracted_corpus(Path(corpus))
    engine = open_engine(url)
    counts: dict[str, int] = {"ms": 0}
    stored = 0
    for size in sorted(sizes):
        for article, claims in _variants(base, stored, size - stored, per_day):
            store_extracted(engine, article, claims, synonyms)
        stored = size
        started = time.perf_counter()
        # The next articles to arrive.
        for article, claims in _variants(base, stored, sample, per_day):
            store_extracted(engine, article, claims, synonyms)
        counts[f"us_per_article_at_{size}"] = int(
            (time.perf_counter() - started) * 1_000_000 / sample
        )
        stored += sample
        print(f"measured at {size:,} stored articles", file=sys.stderr, flush=True)
    return counts


# --- queries ------------------------------------------------------------------------------

# Tables every copy shares instead of replicating: outlets and entity names recur in an archive,
# a feed or a fetched URL is one row per address (unique), and the tallies are kept by the
# database's own triggers as the copies are inserted.
SHARED_TABLES = {
    "source",
    "entity",
    "ingest_run",
    "alembic_version",
    "feed",
    "fetched_url",
    "tally",
}
# The candidate indexes of matching: many rows per article, read by ingest (story and copy
# lookups) and never by a query. Left out of the copies unless asked for (--matching-indexes):
# they are most of the time it takes to build a database of a million claims.
MATCHING_TABLES = {"article_shingle", "article_entity"}
SHIFT_DAYS = 7


def _replicated_tables(engine: Any, matching_indexes: bool) -> list[Any]:
    """The tables to replicate, parents first (full-text index tables are kept up to date by
    the database itself)."""
    from sqlalchemy import MetaData

    skipped = SHARED_TABLES | (set() if matching_indexes else MATCHING_TABLES)
    metadata = MetaData()
    metadata.reflect(engine)
    return [t for t in metadata.sorted_tables if t.name not in skipped and "fts" not in t.name]


def _copy_statement(
    table: Any, copy: int, offsets: dict[str, int], base: dict[str, int], dialect: str
) -> str:
    """INSERT … SELECT making copy number `copy` of the base rows of `table`."""
    from sqlalchemy import Date

    references = {
        fk.parent.name: fk.column.table.name
        for fk in table.foreign_keys
        if fk.column.table.name in offsets
    }
    names, values = [], []
    for column in table.columns:
        name = f'"{column.name}"'
        names.append(name)
        if column.name == "id" and table.name in offsets:
            values.append(f"{name} + {offsets[table.name] * copy}")
        elif column.name in references:
            values.append(f"{name} + {offsets[references[column.name]] * copy}")
        elif column.name == "content_hash":
            values.append(f"substr({name}, 1, 54) || '-{copy:09d}'")
        elif isinstance(column.type, Date):
            days = SHIFT_DAYS * copy
            shifted = f"date({name}, '+{days} days')" if dialect == "sqlite" else f"{name} + {days}"
            values.append(shifted)
        else:
            values.append(name)
    # The base rows: those of the original ingest (ids up to the base's largest).
    if table.name in offsets:
        where = f'"id" <= {base[table.name]}'
    else:
        # Through a reference that every row has (part of the key, never null): a nullable
        # one such as fact_claim.matched_claim_id would leave out the rows where it is null.
        column, parent = next(
            (name, parent)
            for name, parent in sorted(references.items())
            if not table.columns[name].nullable
        )
        where = f'"{column}" <= {base[parent]}'
    # In primary-key order: each index then grows at a few places instead of everywhere,
    # which is what makes building ten million index rows take minutes rather than hours.
    order = ", ".join(f'"{c.name}"' for c in table.primary_key.columns)
    return (
        f'INSERT INTO "{table.name}" ({", ".join(names)}) '
        f'SELECT {", ".join(values)} FROM "{table.name}" WHERE {where} ORDER BY {order}'
    )


def replicate(url: str, claims_wanted: int, matching_indexes: bool = False) -> dict[str, int]:
    """Copy the ingested rows until the database holds about `claims_wanted` claims; each copy
    is published SHIFT_DAYS later than the one before, as an archive grows week by week."""
    from sqlalchemy import create_engine, event, func, select, text

    engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        # A throw-away build: a large page cache, no waiting for the disk.
        @event.listens_for(engine, "connect")
        def _fast(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.execute("PRAGMA cache_size = -1000000")
            dbapi_connection.execute("PRAGMA synchronous = OFF")

    tables = _replicated_tables(engine, matching_indexes)
    dialect = engine.dialect.name
    with engine.begin() as connection:
        base = {
            t.name: int(connection.execute(select(func.max(t.c.id))).scalar() or 0)
            for t in tables
            if "id" in t.c and t.c.id.primary_key
        }
        claims = int(connection.execute(text("SELECT count(*) FROM claim")).scalar_one())
    if not claims:
        raise SystemExit("the base ingest stored no claims")
    # At least the claims asked for: rounding gave 242 of 300 once the base ingest held 121.
    copies = max(1, math.ceil(claims_wanted / claims))
    for copy in range(1, copies):
        with engine.begin() as connection:
            for table in tables:
                connection.exec_driver_sql(_copy_statement(table, copy, base, base, dialect))
        if copy % 50 == 0:
            print(f"  copy {copy} of {copies - 1}", file=sys.stderr, flush=True)
    with engine.begin() as connection:
        if dialect == "postgresql":
            for name in base:
                connection.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f'(SELECT max(id) FROM "{name}"))'
                )
        else:
            connection.exec_driver_sql("ANALYZE")
    if dialect == "postgresql":
        # What autovacuum does to an archive that grew by inserts: statistics, and the
        # visibility map without which an index-only scan (a count) still reads every row.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    with engine.begin() as connection:
        counts = {
            name: int(connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one())
            for name in ("article", "claim", "conflict", "fact")
        }
    engine.dispose()
    return counts


def _run(command: list[str], env: dict[str, str] | None = None) -> tuple[float, float, int, float]:
    """Run a command to completion: (wall seconds, its own peak memory in MB, exit code, CPU
    seconds). On a shared machine the CPU time is the steadier figure: wall time also counts
    the waits for a core."""
    import os
    import subprocess

    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0 and process.stderr is not None:
        sys.stderr.write(process.stderr.read().decode(errors="replace")[-500:])
    return seconds, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime


# The revision below the migration whose triggers keep the tallies. Thousands of bulk copies
# are made there, without the triggers (on PostgreSQL they would triple the build's hours),
# and the migration then counts what is stored, as it does for an archive that predates it.
BEFORE_TALLIES = "0012"


def build_queries_database(
    corpus: Path, url: str, claims: int, factdb: list[str], matching_indexes: bool
) -> None:
    """Ingest the corpus into an empty database through the CLI, then replicate it."""
    started = time.perf_counter()
    seconds, _, code, _ = _run([*factdb, "ingest", str(corpus), "--quiet", "--db", url])
    if code not in (0, 1):
        raise SystemExit(f"ingesting {corpus} failed (exit {code})")
    print(f"ingested {corpus} in {seconds:.1f} s; replicating …", file=sys.stderr, flush=True)
    _, _, code, _ = _run([*factdb, "db", "downgrade", BEFORE_TALLIES, "--yes", "--db", url])
    if code != 0:
        raise SystemExit(f"downgrading {url} to {BEFORE_TALLIES} failed (exit {code})")
    # In a process of its own: the build's page cache must not count in the peak memory of
    # the commands timed next (a child starts with its parent's peak).
    counts = measure(replicate, url, claims, matching_indexes).counts
    _, _, code, _ = _run([*factdb, "db", "upgrade", "--db", url])
    if code != 0:
        raise SystemExit(f"upgrading {url} after the build failed (exit {code})")
    print(
        f"built {counts['claim']:,} claims, {counts['article']:,} articles, "
        f"{counts['conflict']:,} conflicts, {counts['fact']:,} facts in "
        f"{time.perf_counter() - started:.0f} s",
        file=sys.stderr,
        flush=True,
    )


def _has_claims(url: str) -> int:
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        if "claim" not in inspect(engine).get_table_names():
            return 0
        with engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM claim")).scalar_one())
    finally:
        engine.dispose()


def _postgres_database(server_url: str, name: str) -> str:
    """The URL of database `name` on the server of `server_url`, created if missing."""
    from sqlalchemy import create_engine, make_url, text

    url = make_url(server_url)
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        exists = connection.execute(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        ).first()
        if not exists:
            connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def _probe_values(url: str) -> dict[str, str]:
    """Filter values taken from the data: the biggest source, the most named entity, a claim,
    an article and a fact id from the newest copy, a 30-day window in the middle."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.connect() as connection:

        def one(sql: str) -> Any:
            return connection.execute(text(sql)).scalar()

        source = one(
            "SELECT s.name FROM source s JOIN article a ON a.source_id = s.id "
            "GROUP BY s.name ORDER BY count(*) DESC, s.name LIMIT 1"
        )
        entity = one(
            "SELECT e.name FROM entity e JOIN claim_entity ce ON ce.entity_id = e.id "
            "WHERE e.label = 'GPE' GROUP BY e.name ORDER BY count(*) DESC, e.name LIMIT 1"
        )
        low, high = connection.execute(
            text("SELECT min(published), max(published) FROM article")
        ).one()
        middle = (
            date.fromisoformat(str(low))
            + (date.fromisoformat(str(high)) - date.fromisoformat(str(low))) / 2
        )
        values = {
            "source": str(source),
            "entity": str(entity),
            "since": middle.isoformat(),
            "until": (middle + timedelta(days=30)).isoformat(),
            "claim": str(one("SELECT max(claim_id) FROM quantity")),
            "article": str(one("SELECT max(id) FROM article")),
            "fact": str(one("SELECT max(fact_id) FROM fact_claim WHERE score IS NOT NULL")),
        }
    engine.dispose()
    return values


def query_commands(v: dict[str, str]) -> list[tuple[str, list[str]]]:
    """The timed commands: each query command with its defaults and with each filter."""
    window = ["--since", v["since"], "--until", v["until"]]
    commands: list[tuple[str, list[str]]] = [("--help", ["--help"])]
    for command in ("conflicts", "claims", "facts", "articles", "timeline"):
        commands += [
            (command, [command]),
            (f"{command} --source", [command, "--source", v["source"]]),
            (f"{command} --since/--until", [command, *window]),
            (f"{command} --entity", [command, "--entity", v["entity"]]),
            (f"{command} --search", [command, "--search", "killed"]),
        ]
    commands += [
        ("conflicts --kind number", ["conflicts", "--kind", "number"]),
        ("conflicts --status all", ["conflicts", "--status", "all"]),
        ("claims --counted killed", ["claims", "--counted", "killed"]),
        ("facts --counted killed", ["facts", "--counted", "killed"]),
        ("facts --state conflict --limit 50", ["facts", "--state", "conflict", "--limit", "50"]),
        (
            "timeline --counted killed --limit 100",
            ["timeline", "--counted", "killed", "--limit", "100"],
        ),
        ("sources", ["sources"]),
        ("stats", ["stats"]),
        ("show claim", ["show", "claim", v["claim"]]),
        ("show article", ["show", "article", v["article"]]),
        ("show fact", ["show", "fact", v["fact"]]),
        ("conflicts --format jsonl (all)", ["conflicts", "--format", "jsonl"]),
    ]
    return commands


def time_queries(
    url: str, factdb: list[str], runs: int, skip: frozenset[str] = frozenset()
) -> dict[str, tuple[float, ...]]:
    """Each command `runs` times as a whole process: (min, median, max wall seconds, peak MB,
    median CPU seconds, p95 wall seconds); the commands labelled in `skip` are left out."""
    import statistics

    # Migrations (the full-text index of a million claims takes a while) are not timed.
    _run([*factdb, "db", "upgrade", "--db", url])
    values = _probe_values(url)
    results: dict[str, tuple[float, ...]] = {}
    for label, arguments in query_commands(values):
        if label in skip:
            continue
        command = [*factdb, *arguments]
        if arguments != ["--help"]:
            command += ["--db", url]
        times, peaks, cpu = [], [], []
        for _ in range(runs):
            seconds, peak, code, used = _run(command)
            if code != 0:
                raise SystemExit(f"`{' '.join(command)}` failed with exit code {code}")
            times.append(seconds)
            peaks.append(peak)
            cpu.append(used)
        results[label] = (
            min(times),
            statistics.median(times),
            max(times),
            max(peaks),
            statistics.median(cpu),
            _percentile(times, 95),
        )
        print(
            f"  {label}: {statistics.median(times):.2f} s (CPU {statistics.median(cpu):.2f} s)",
            file=sys.stderr,
            flush=True,
        )
    return results


def _percentile(values: list[float], percent: int) -> float:
    """The nearest-rank percentile: the smallest value at least `percent`% of the values are
    not above (with fewer than 20 values, p95 is the largest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(percent / 100 * len(ordered)) - 1)]


def empty_database_start(factdb: list[str], runs: int) -> tuple[float, ...]:
    """A query on an empty (already migrated) database: start-up plus an empty answer."""
    import statistics

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'empty.db'}"
        _run([*factdb, "db", "upgrade", "--db", url])
        runs_done = [_run([*factdb, "conflicts", "--db", url]) for _ in range(runs)]
    times = [r[0] for r in runs_done]
    cpu = statistics.median(r[3] for r in runs_done)
    return (min(times), statistics.median(times), max(times), cpu)


def print_query_table(columns: dict[str, dict[str, tuple[float, ...]]]) -> None:
    """Markdown table: one row per command and backend: wall min / median / p95 / max
    seconds, median CPU seconds, peak memory; beside a baseline's column, the ratio of the
    median wall times (under 1: faster than the baseline)."""
    names = list(columns)
    headers = []
    for name in names:
        headers.append(f"{name}: wall min / median / p95 / max, CPU (peak MB)")
        if name.endswith(", baseline"):
            headers.append("ratio")
    print("| command | " + " | ".join(headers) + " |")
    print("| --- | " + " | ".join("---" for _ in headers) + " |")
    labels = list(dict.fromkeys(label for results in columns.values() for label in results))
    for label in labels:
        cells = []
        for name in names:
            found = columns[name].get(label)
            cells.append(
                ""
                if found is None
                else f"{found[0]:.2f} / {found[1]:.2f} / {found[5]:.2f} / {found[2]:.2f}, "
                f"{found[4]:.2f} ({found[3]:.0f})"
            )
            if name.endswith(", baseline"):
                now = columns[name.removesuffix(", baseline")].get(label)
                cells.append(f"{now[1] / found[1]:.2f}" if now and found else "")
        print(f"| `{label}` | " + " | ".join(cells) + " |")


def queries_benchmark(args: argparse.Namespace) -> None:
    """Build (or reuse) the databases, then time every query command on them."""
    import os
    import shlex

    factdb = (
        shlex.split(args.factdb) if args.factdb else [str(Path(sys.executable).parent / "factdb")]
    )
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="factdb-queries-"))
    data.mkdir(parents=True, exist_ok=True)
    targets = {}
    if not args.no_sqlite:
        targets["SQLite"] = args.sqlite or f"sqlite:///{data / f'queries-{args.claims}.db'}"
    server = os.environ.get("FACTDB_TEST_POSTGRES_URL")
    if server and not args.no_postgres:
        targets["PostgreSQL"] = _postgres_database(server, f"factdb_queries_{args.claims}")
    start = empty_database_start(factdb, args.runs)
    print(
        f"empty database, `conflicts`: wall {start[0]:.2f} / {start[1]:.2f} / {start[2]:.2f} s, "
        f"CPU {start[3]:.2f} s"
    )
    baseline = shlex.split(args.baseline) if args.baseline else None
    if baseline:
        before = empty_database_start(baseline, args.runs)
        print(
            f"baseline, empty database, `conflicts`: wall {before[0]:.2f} / {before[1]:.2f} / "
            f"{before[2]:.2f} s, CPU {before[3]:.2f} s; ratio of medians {start[1] / before[1]:.2f}"
        )
    columns: dict[str, dict[str, tuple[float, ...]]] = {}
    for name, url in targets.items():
        if not _has_claims(url):
            build_queries_database(args.corpus, url, args.claims, factdb, args.matching_indexes)
        stored = _has_claims(url)
        print(f"{name}: {stored:,} claims; timing {args.runs} runs per command", file=sys.stderr)
        label = f"{name} ({stored:,} claims)"
        skip = frozenset(args.skip)
        columns[label] = time_queries(url, factdb, args.runs, skip)
        if baseline:
            # Right after the runs above, on the same data: on a shared machine the ratio is
            # steadier than either time. A baseline older than the schema reads its own copy.
            own = (args.baseline_sqlite if name == "SQLite" else None) or url
            columns[f"{label}, baseline"] = time_queries(own, baseline, args.runs, skip)
    print_query_table(columns)


# --- pages (factdb serve) -----------------------------------------------------------------


def _page_probes(url: str) -> dict[str, str]:
    """`_probe_values`, and the newest article's story, the newest open conflict and a
    conflict id in the middle of the queue (a page deep in it)."""
    from sqlalchemy import create_engine, text

    values = _probe_values(url)
    engine = create_engine(url)
    with engine.connect() as connection:

        def one(sql: str) -> Any:
            return connection.execute(text(sql)).scalar()

        values["story"] = str(one("SELECT story_id FROM article ORDER BY id DESC LIMIT 1"))
        conflict = one("SELECT max(id) FROM conflict WHERE status = 'open'")
        if conflict is not None:  # a corpus without conflicts has no conflict page to time
            values["conflict"] = str(conflict)
            values["middle"] = str(
                one("SELECT min(id) FROM conflict WHERE id >= (SELECT max(id) / 2 FROM conflict)")
            )
    engine.dispose()
    return values


def page_paths(v: dict[str, str]) -> list[tuple[str, str]]:
    """The timed pages: every page of `factdb serve`, the queue with each filter and deep in
    its pages (those of a conflict only where there is one), and the JSON of the queue and of
    a story."""
    from urllib.parse import quote

    queue = [
        ("", ""),
        ("kind", "kind=number"),
        ("status", "status=all"),
        ("source", f"source={quote(v['source'])}"),
        ("since/until", f"since={v['since']}&until={v['until']}"),
        ("search", "search=killed"),
        ("entity", f"entity={quote(v['entity'])}"),
        ("min_confidence", "min_confidence=0.8"),
        ("order=confidence", "order=confidence"),
        ("story", f"story={v['story']}"),
    ]
    if "middle" in v:
        queue.append(("after (deep)", f"after={v['middle']}"))
    return [
        ("/ (stories)", "/"),
        ("/?search", "/?search=killed"),
        ("/stories/ID", f"/stories/{v['story']}"),
        *[
            (f"/conflicts?{label}" if label else "/conflicts", f"/conflicts?{query}".rstrip("?"))
            for label, query in queue
        ],
        *([("/conflicts/ID", f"/conflicts/{v['conflict']}")] if "conflict" in v else []),
        ("/facts/ID", f"/facts/{v['fact']}"),
        ("/claims/ID", f"/claims/{v['claim']}"),
        ("/articles/ID", f"/articles/{v['article']}"),
        ("/conflicts.json", "/conflicts.json"),
        ("/stories/ID.json", f"/stories/{v['story']}.json"),
    ]


def time_pages(
    url: str, runs: int, skip: frozenset[str] = frozenset()
) -> dict[str, tuple[float, ...]]:
    """Each page `runs` times through the ASGI app of `factdb serve`, in this process
    (Starlette's test client: no network, no start-up), after one untimed request (a
    server answers a page many times; the first also compiles its template): (min, median,
    max wall seconds, KB of the answer, median CPU seconds, p95 wall seconds)."""
    import statistics
    import warnings

    from factdb.web.app import ServeSettings, create_app

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Starlette 1.x would rather its client used httpx2
        from starlette.testclient import TestClient

    values = _page_probes(url)
    results: dict[str, tuple[float, ...]] = {}
    with TestClient(create_app(ServeSettings(url)), base_url="http://127.0.0.1") as client:
        for label, path in page_paths(values):
            if label in skip:
                continue
            answer = client.get(path)
            if answer.status_code != 200:
                raise SystemExit(f"{path} answered {answer.status_code}: {answer.text[:300]}")
            times, cpu = [], []
            for _ in range(runs):
                started, used = time.perf_counter(), time.process_time()
                client.get(path)
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - used)
            results[label] = (
                min(times),
                statistics.median(times),
                max(times),
                len(answer.content) / 1024,
                statistics.median(cpu),
                _percentile(times, 95),
            )
            print(f"  {label}: {statistics.median(times):.3f} s", file=sys.stderr, flush=True)
    return results


def print_page_table(columns: dict[str, dict[str, tuple[float, ...]]]) -> None:
    """Markdown table: one row per page and one column per database: wall min / median /
    p95 / max seconds, median CPU seconds (with the counting thread's), the answer's size."""
    names = list(columns)
    headers = [f"{name}: wall min / median / p95 / max, CPU (KB)" for name in names]
    print("| page | " + " | ".join(headers) + " |")
    print("| --- | " + " | ".join("---" for _ in names) + " |")
    labels = list(dict.fromkeys(label for results in columns.values() for label in results))
    for label in labels:
        cells = []
        for name in names:
            found = columns[name].get(label)
            cells.append(
                ""
                if found is None
                else f"{found[0]:.3f} / {found[1]:.3f} / {found[5]:.3f} / {found[2]:.3f}, "
                f"{found[4]:.3f} ({found[3]:.0f})"
            )
        print(f"| `{label}` | " + " | ".join(cells) + " |")


def pages_benchmark(args: argparse.Namespace) -> None:
    """Build (or reuse) the `queries` databases, then time every page of `factdb serve`."""
    import os
    import shlex

    factdb = (
        shlex.split(args.factdb) if args.factdb else [str(Path(sys.executable).parent / "factdb")]
    )
    data = Path(args.data) if args.data else Path(tempfile.mkdtemp(prefix="factdb-queries-"))
    data.mkdir(parents=True, exist_ok=True)
    targets = {}
    if not args.no_sqlite:
        targets["SQLite"] = args.sqlite or f"sqlite:///{data / f'queries-{args.claims}.db'}"
    server = os.environ.get("FACTDB_TEST_POSTGRES_URL")
    if server and not args.no_postgres:
        targets["PostgreSQL"] = _postgres_database(server, f"factdb_queries_{args.claims}")
    columns: dict[str, dict[str, tuple[float, ...]]] = {}
    for name, url in targets.items():
        if not _has_claims(url):
            build_queries_database(args.corpus, url, args.claims, factdb, args.matching_indexes)
        # Migrations are not timed (the pages of an older schema would wait for them).
        _run([*factdb, "db", "upgrade", "--db", url])
        stored = _has_claims(url)
        print(f"{name}: {stored:,} claims; timing {args.runs} runs per page", file=sys.stderr)
        columns[f"{name} ({stored:,} claims)"] = time_pages(url, args.runs, frozenset(args.skip))
    print_page_table(columns)


# --- command line -------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    seeds = sub.add_parser("seeds", help="ingest seeds/ vs spaCy alone on the same texts")
    seeds.add_argument("--workers", type=int, default=1)
    through = sub.add_parser("throughput", help="ingest N corpus variants vs spaCy alone")
    through.add_argument("corpus", type=Path)
    through.add_argument("--articles", type=int, default=200)
    through.add_argument("--workers", type=int, default=1)
    scale = sub.add_parser("scaling", help="per-article store+match time vs database size")
    scale.add_argument("corpus", type=Path)
    scale.add_argument("--sizes", type=int, nargs="+", default=[1000, 20000])
    scale.add_argument("--sample", type=int, default=100)
    scale.add_argument("--per-day", type=int, default=25, help="articles published a day")
    scale.add_argument("--db", help="database URL (default: a temporary SQLite file)")
    long = sub.add_parser("long", help="one long article vs spaCy alone on its whole text")
    long.add_argument("corpus", type=Path)
    long.add_argument("--sizes", type=int, nargs="+", default=[100_000, 300_000, 1_000_000])
    timed = sub.add_parser("queries", help="time every query command on a large database")
    served = sub.add_parser(
        "pages", help="time every page of factdb serve on the queries' large databases"
    )
    for large in (timed, served):
        large.add_argument("--claims", type=int, default=1_000_000)
        large.add_argument("--corpus", type=Path, default=REPO.parent / "shared/corpus/news-dev")
        large.add_argument("--data", help="directory keeping the built SQLite database for reuse")
        large.add_argument("--sqlite", help="SQLite URL to use instead of one in --data")
        large.add_argument("--runs", type=int, default=5, help="runs per command or page")
        large.add_argument("--factdb", help="command running factdb (default: this venv's factdb)")
        large.add_argument("--no-postgres", action="store_true", help="SQLite only")
        large.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only (10M claims)")
        large.add_argument(
            "--skip",
            action="append",
            default=[],
            metavar="LABEL",
            help="leave out a command or page by its label, e.g. 'conflicts --format jsonl (all)'",
        )
        large.add_argument(
            "--matching-indexes",
            action="store_true",
            help="replicate the matching candidate indexes too (article_entity, …; queries "
            "never read them, ingest does)",
        )
    timed.add_argument(
        "--baseline",
        metavar="COMMAND",
        help="another factdb (an earlier version's install) timed on the same databases in the "
        "same run; the table gets its column and the ratio of medians",
    )
    timed.add_argument(
        "--baseline-sqlite",
        metavar="URL",
        help="the SQLite database the baseline reads, when it predates the schema: a copy of "
        "the same data made before the newer migrations (default: the same database)",
    )
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}, {mp.cpu_count()} CPUs")
    if args.command == "seeds":
        compare([str(REPO / "seeds")], args.workers, batch_size=32)
    elif args.command == "queries":
        queries_benchmark(args)
    elif args.command == "pages":
        pages_benchmark(args)
    elif args.command == "throughput":
        with tempfile.TemporaryDirectory() as tmp:
            paths = write_variants(args.corpus, args.articles, Path(tmp) / "articles")
            print(f"{len(paths)} articles made from {args.corpus}")
            compare([str(Path(tmp) / "articles")], args.workers, batch_size=32)
    elif args.command == "long":
        long_articles(args.corpus, args.sizes)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            url = args.db or f"sqlite:///{Path(tmp) / 'scaling.db'}"
            result = measure(scaling, str(args.corpus), args.sizes, args.sample, args.per_day, url)
        per_size = {int(k.rsplit("_", 1)[1]): v for k, v in result.counts.items() if k != "ms"}
        print(f"{args.per_day} articles published a day; {args.sample} timed at each size")
        for size, micros in sorted(per_size.items()):
            print(f"store+match per article at {size:>6,} stored articles: {micros / 1000:7.2f} ms")
        smallest, largest = min(per_size), max(per_size)
        print(
            f"ratio {largest:,} / {smallest:,}: {per_size[largest] / per_size[smallest]:.2f} "
            f"(1.00 = no growth with database size); peak {result.peak_mb:,.0f} MB"
        )


if __name__ == "__main__":
    main()
