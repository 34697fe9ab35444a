#!/usr/bin/env python3
"""Measure factdb's ingest speed and memory against spaCy alone, in the same run.

    python scripts/benchmark.py seeds                      # seeds/: factdb ingest vs spaCy parse
    python scripts/benchmark.py throughput ../shared/corpus/news-dev --articles 200
    python scripts/benchmark.py scaling ../shared/corpus/news-dev --sizes 1000 20000 --sample 100
    python scripts/benchmark.py long ../shared/corpus/news-dev --sizes 100000 300000 1000000

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
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
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
    result: Measurement = receive.recv()
    process.join()
    if process.exitcode != 0:
        raise SystemExit(f"benchmark child failed with exit code {process.exitcode}")
    return result


# --- phases (module-level so spawned children can import them) -----------------------------


def _load_texts(paths: list[str]) -> list[Any]:
    from factdb.readers import ArticleInput, iter_articles

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
    from factdb.db import open_engine
    from factdb.ingest import ingest
    from factdb.nlp.pipeline import load_nlp

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
    """Per size: spaCy alone on the whole text and factdb ingest of it, time and peak memory."""
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
            f"   ({factdb.counts['claims']} claims, {factdb.counts['errors']} rejected)",
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


def _key(number: int, word: str) -> int:
    """A deterministic per-(variant, word) key (Python's str hash is salted per process)."""
    return zlib.crc32(f"{number}:{word}".encode())


FIRST_DAY = date(2020, 1, 1)


def _variant(article: Any, claims: list[Any], variant: int, per_day: int) -> tuple[Any, list[Any]]:
    """A synthetic article: same offsets and keys, different words and (per group) entities."""
    import re

    from factdb.nlp.types import Entity
    from factdb.readers import content_hash

    group = variant // 10
    published = FIRST_DAY + timedelta(days=variant // per_day)

    def entity_text(text: str) -> str:
        return " ".join(_shift_word(w, _key(group, w)) for w in text.split(" "))

    text = re.sub(
        r"[A-Za-z]+", lambda m: _shift_word(m.group(0), _key(variant, m.group(0))), article.text
    )
    new_article = replace(
        article,
        text=text,
        content_hash=content_hash(text),
        source=f"{article.source} {variant % 10}",
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
    from factdb.db import open_engine
    from factdb.ingest import store_extracted
    from factdb.synonyms import load_synonyms

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
    args = parser.parse_args(argv)

    print(f"python {sys.version.split()[0]}, {mp.cpu_count()} CPUs")
    if args.command == "seeds":
        compare([str(REPO / "seeds")], args.workers, batch_size=32)
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
