#!/usr/bin/env python3
"""Fault and fuzz harness: kill -9 during ingest, overlapping ingests, a full disk, fuzzed
inputs and hostile query options. Prints every figure; each one must be zero.

    nice -n 15 python scripts/torture.py                    # full size (long: an hour or more)
    python scripts/torture.py --kill-sqlite 1 --kill-postgres 1 --overlap-rounds 1 \\
        --fuzz 40 --hostile-values 3                         # smoke size (tests/test_torture.py)

PostgreSQL parts run when ``FACTDB_TEST_POSTGRES_URL`` (or ``--postgres``) names a server;
each database they use is a schema of its own, dropped afterwards. The disk-full part mounts a
small tmpfs, which needs root; elsewhere it says it was skipped.

Sections and what each counts as a problem:

- **kill**: ``factdb ingest`` killed with SIGKILL at a random moment, again and again on the
  same database: a failed integrity check, orphan rows (any foreign key pointing at a missing
  row, facts without claims), articles stored without all their claims; every ten trials a
  completing run, whose table counts must equal a clean single ingest's.
- **overlap**: several ``factdb ingest --concurrent`` workers started at once on overlapping
  shares of the inputs (each input read by most of them, in different orders), several rounds:
  a process that failed, stepped aside or printed an error, duplicate rows, counts different
  from a clean ingest, and derived content different from it (`factdb.match.canonical`: the story
  partition, copy links, fact partition and conflicts, compared by content).
- **disk full**: ingest onto a tmpfs too small for the database: a traceback or a non-1 exit,
  no ``Error:`` line, an inconsistent database, a query that fails on it, and counts after
  the disk grows and the run completes.
- **fuzz**: random and malformed inputs (random bytes, broken UTF-8 and UTF-16, NUL, huge
  lines, odd headers, impossible dates, huge numbers, RTL and combining characters, floods of
  tiny sentences) ingested in batches: tracebacks, factdb bugs reported as errors, hangs
  (an article over the time limit or a batch over its), exit codes outside 0/1/2, memory
  over 1 GB, and the consistency checks above.
- **hostile filters**: every query option of every query command given SQL wildcards,
  quotes, injections, huge integers, impossible dates, long and odd text: tracebacks, exit
  codes outside 0/1/2, wildcards that matched, a database changed by a query.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
DEFAULT_INPUTS = [REPO / "seeds", REPO / "tests" / "articles"]
MEMORY_LIMIT_MB = 1024
ARTICLE_TIMEOUT_S = 120


# --- running factdb -----------------------------------------------------------------------


@dataclass
class Run:
    """One finished (or killed) factdb process."""

    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_mb: float
    timed_out: bool = False


def factdb(*args: str) -> list[str]:
    return [sys.executable, "-m", "factdb", *args]


def start(args: list[str], out_dir: Path) -> tuple[subprocess.Popen[bytes], Path, Path]:
    """Start a factdb process with its output going to files (so nothing blocks on a pipe)."""
    name = uuid.uuid4().hex[:8]
    out, errp = out_dir / f"{name}.out", out_dir / f"{name}.err"
    with out.open("wb") as stdout, errp.open("wb") as stderr:
        process = subprocess.Popen(args, stdout=stdout, stderr=stderr, cwd=REPO)
    return process, out, errp


def finish(
    process: subprocess.Popen[bytes], out: Path, errp: Path, timeout: float | None, started: float
) -> Run:
    """Wait for the process (killing it after `timeout` seconds) and read what it printed."""
    timed_out = False
    while True:
        pid, status, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if timeout is not None and time.monotonic() - started > timeout:
            process.kill()
            timed_out = True
            pid, status, usage = os.wait4(process.pid, 0)
            break
        time.sleep(0.05)
    code = os.waitstatus_to_exitcode(status)
    process.returncode = code
    return Run(
        code,
        out.read_text(errors="replace"),
        errp.read_text(errors="replace"),
        time.monotonic() - started,
        usage.ru_maxrss / 1024,
        timed_out,
    )


def run(args: list[str], out_dir: Path, timeout: float | None = None) -> Run:
    started = time.monotonic()
    process, out, errp = start(args, out_dir)
    return finish(process, out, errp, timeout, started)


# --- databases ----------------------------------------------------------------------------


@dataclass
class Backend:
    """Makes fresh databases of one kind and drops them afterwards."""

    name: str
    admin_url: str | None = None
    tmp: Path = Path(".")
    _made: list[str] = field(default_factory=list)

    def fresh(self) -> str:
        """A new, empty database."""
        if self.admin_url is None:
            return f"sqlite:///{self.tmp / f'{uuid.uuid4().hex[:10]}.db'}"
        from sqlalchemy import create_engine, text

        schema = f"torture_{uuid.uuid4().hex[:12]}"
        engine = create_engine(self.admin_url)
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine.dispose()
        self._made.append(schema)
        separator = "&" if "?" in self.admin_url else "?"
        return f"{self.admin_url}{separator}options={quote(f'-csearch_path={schema}')}"

    def drop_all(self) -> None:
        if self.admin_url is None or not self._made:
            return
        from sqlalchemy import create_engine, text

        engine = create_engine(self.admin_url)
        with engine.begin() as connection:
            for schema in self._made:
                connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
        self._made.clear()


@contextmanager
def connect(url: str) -> Iterator[object]:
    from sqlalchemy import create_engine

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            yield connection
    finally:
        engine.dispose()


def _tables() -> list[object]:
    from sqlmodel import SQLModel

    import factdb.store.models  # noqa: F401  (registers the tables)

    return [t for t in SQLModel.metadata.sorted_tables if t.name != "ingest_run"]


def has_schema(url: str) -> bool:
    """Whether the database holds factdb's tables."""
    from sqlalchemy import inspect

    with connect(url) as connection:
        return "article" in inspect(connection).get_table_names()


def table_counts(url: str) -> dict[str, int]:
    """Rows per factdb table (ingest runs left out: every run adds one)."""
    from sqlalchemy import func, select

    with connect(url) as connection:
        return {
            t.name: connection.execute(select(func.count()).select_from(t)).scalar_one()  # type: ignore[attr-defined]
            for t in _tables()
        }


def claims_by_hash(url: str) -> dict[str, int]:
    from sqlalchemy import text

    with connect(url) as connection:
        rows = connection.execute(  # type: ignore[attr-defined]
            text(
                "SELECT a.content_hash, COUNT(c.id) FROM article a "
                "LEFT JOIN claim c ON c.article_id = a.id GROUP BY a.content_hash"
            )
        )
        return {h: n for h, n in rows}


def consistency(url: str, clean_claims: dict[str, int]) -> dict[str, int]:
    """Problems in a database: integrity, orphans of every foreign key, facts without
    claims, articles without all their claims, duplicated derived rows."""
    from sqlalchemy import inspect, text

    problems = {"integrity": 0, "orphans": 0, "facts without claims": 0, "partial articles": 0}
    with connect(url) as connection:
        execute = connection.execute  # type: ignore[attr-defined]
        if url.startswith("sqlite"):
            result = execute(text("PRAGMA integrity_check")).scalars().all()
            problems["integrity"] += 0 if result == ["ok"] else len(result)
        if "article" not in inspect(connection).get_table_names():
            return problems  # the schema itself was never committed: nothing to check
        for table in _tables():
            for fk in table.foreign_keys:  # type: ignore[attr-defined]
                column, parent = fk.parent.name, fk.column
                problems["orphans"] += execute(
                    text(
                        f"SELECT COUNT(*) FROM {table.name} c WHERE c.{column} IS NOT NULL AND "  # type: ignore[attr-defined]
                        f"NOT EXISTS (SELECT 1 FROM {parent.table.name} p "
                        f"WHERE p.{parent.name} = c.{column})"
                    )
                ).scalar_one()
        problems["facts without claims"] = execute(
            text(
                "SELECT COUNT(*) FROM fact f WHERE NOT EXISTS "
                "(SELECT 1 FROM fact_claim m WHERE m.fact_id = f.id)"
            )
        ).scalar_one()
        problems["duplicate conflicts"] = execute(
            text(
                "SELECT COUNT(*) FROM (SELECT claim_a_id, claim_b_id, kind FROM conflict "
                "GROUP BY claim_a_id, claim_b_id, kind HAVING COUNT(*) > 1) d"
            )
        ).scalar_one()
        problems["duplicate copies"] = execute(
            text(
                "SELECT COUNT(*) FROM (SELECT original_id, copy_id FROM article_copy "
                "GROUP BY original_id, copy_id HAVING COUNT(*) > 1) d"
            )
        ).scalar_one()
    for content_hash, claims in claims_by_hash(url).items():
        if content_hash in clean_claims and claims != clean_claims[content_hash]:
            problems["partial articles"] += 1
    return problems


def differences(counts: dict[str, int], clean: dict[str, int]) -> list[str]:
    return [f"{k} {counts.get(k)} != {v}" for k, v in clean.items() if counts.get(k) != v]


# --- reporting ----------------------------------------------------------------------------


@dataclass
class Tally:
    """Figures of one section; every one must end at zero."""

    section: str
    figures: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, amount: int = 1, note: str | None = None) -> None:
        self.figures[name] = self.figures.get(name, 0) + amount
        if amount and note and len(self.notes) < 20:
            self.notes.append(note)

    def merge(self, problems: dict[str, int], note: str) -> None:
        for name, amount in problems.items():
            self.add(name, amount, f"{note}: {name} {amount}" if amount else None)

    def print(self, header: str) -> int:
        total = sum(self.figures.values())
        body = ", ".join(f"{k} {v}" for k, v in self.figures.items())
        print(f"{self.section}: {header}", flush=True)
        print(f"  {body}  => {total} problem(s)", flush=True)
        for note in self.notes:
            print(f"    ! {note}", flush=True)
        return total


def error_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("Error:")]


# --- clean reference ----------------------------------------------------------------------


@dataclass
class Reference:
    counts: dict[str, int]
    claims: dict[str, int]
    seconds: float
    content: dict[str, object] = field(default_factory=dict)


def derived(url: str) -> dict[str, object]:
    """What ingest derived in the database at `url`, by content (`factdb.match.canonical`)."""
    from sqlalchemy import create_engine

    from factdb.match.canonical import derived_content

    engine = create_engine(url)
    try:
        return derived_content(engine)
    finally:
        engine.dispose()


def clean_reference(backend: Backend, inputs: list[str], out: Path) -> Reference:
    url = backend.fresh()
    result = run(factdb("ingest", *inputs, "--quiet", "--workers", "1", "--db", url), out)
    if result.returncode != 0:
        raise SystemExit(f"clean ingest on {backend.name} failed:\n{result.stderr}")
    return Reference(table_counts(url), claims_by_hash(url), result.seconds, derived(url))


# --- kill -9 ------------------------------------------------------------------------------


def kill_trials(
    backend: Backend, inputs: list[str], trials: int, ref: Reference, out: Path, rng: random.Random
) -> int:
    tally = Tally(f"kill -9 during ingest ({backend.name})")
    for name in ("integrity", "orphans", "facts without claims", "partial articles"):
        tally.add(name, 0)
    tally.add("count mismatches after a completing run", 0)
    url = backend.fresh()
    killed = completing = 0
    for trial in range(trials):
        started = time.monotonic()
        args = factdb("ingest", *inputs, "--quiet", "--workers", "1", "--db", url)
        process, stdout, stderr = start(args, out)
        time.sleep(rng.uniform(0.2, ref.seconds * 1.1))
        os.kill(process.pid, signal.SIGKILL)  # not yet reaped, so the pid is still its own
        result = finish(process, stdout, stderr, 300, started)
        killed += result.returncode == -signal.SIGKILL
        if "Traceback" in result.stderr:
            tally.add("tracebacks", 1, f"trial {trial}: {result.stderr[-300:]}")
        tally.merge(consistency(url, ref.claims), f"trial {trial}")
        print(
            f"  kill trial {trial + 1}/{trials} ({backend.name}): exit {result.returncode} after "
            f"{result.seconds:.1f} s, problems so far {sum(tally.figures.values())}",
            flush=True,
        )
        if (trial + 1) % 10 == 0 or trial == trials - 1:
            done = run(factdb("ingest", *inputs, "--quiet", "--workers", "1", "--db", url), out)
            completing += 1
            if done.returncode != 0:
                tally.add("failed completing runs", 1, done.stderr[-300:])
            diff = differences(table_counts(url), ref.counts)
            tally.add("count mismatches after a completing run", len(diff), "; ".join(diff))
            tally.merge(consistency(url, ref.claims), f"after completing run {completing}")
            url = backend.fresh()
    return tally.print(
        f"{trials} trials, {killed} killed mid-run, {completing} completing runs compared "
        "with a clean ingest"
    )


# --- overlapping ingests ------------------------------------------------------------------


def overlap_rounds(
    backend: Backend, inputs: list[str], processes: int, rounds: int, ref: Reference, out: Path
) -> int:
    from factdb.match.canonical import differences as content_differences

    tally = Tally(f"{processes} overlapping ingests ({backend.name})")
    names = ("failed processes", "stepped aside", "error lines", "duplicates", "count mismatches")
    for name in (*names, "derived content mismatches"):
        tally.add(name, 0)
    files = input_files(inputs)
    url = backend.fresh()
    backwards = run(
        factdb("ingest", *reversed(files), "--quiet", "--workers", "1", "--db", url), out, 900
    )
    if backwards.returncode != 0 or backwards.timed_out:
        tally.add("failed processes", 1, f"reverse order: {backwards.stderr[-300:]}")
    changed = content_differences(derived(url), ref.content)
    tally.add("derived content mismatches", len(changed), "reverse order: " + "; ".join(changed))
    for round_number in range(rounds):
        url = backend.fresh()
        started = time.monotonic()
        options = ["--concurrent", "--json", "--workers", "1", "--db", url]
        running = [
            start(factdb("ingest", *worker_share(files, w, processes, round_number), *options), out)
            for w in range(processes)
        ]
        results = [finish(p, o, e, 900, started) for p, o, e in running]
        for result in results:
            if result.returncode != 0 or result.timed_out:
                tally.add("failed processes", 1, f"round {round_number}: {result.stderr[-300:]}")
            tally.add("stepped aside", int('"locked": true' in result.stdout))
            tally.add("error lines", len(error_lines(result.stderr)))
        problems = consistency(url, ref.claims)
        tally.add(
            "duplicates", problems.pop("duplicate conflicts") + problems.pop("duplicate copies")
        )
        tally.merge(problems, f"round {round_number}")
        diff = differences(table_counts(url), ref.counts)
        tally.add("count mismatches", len(diff), f"round {round_number}: " + "; ".join(diff))
        changed = content_differences(derived(url), ref.content)
        tally.add(
            "derived content mismatches",
            len(changed),
            f"round {round_number}: " + "; ".join(changed),
        )
        print(
            f"  overlap round {round_number + 1}/{rounds} ({backend.name}): "
            f"problems so far {sum(tally.figures.values())}",
            flush=True,
        )
    return tally.print(
        f"{rounds} rounds of {processes} --concurrent workers on overlapping shares of "
        f"{len(files)} inputs, and one ingest of them in reverse order"
    )


def input_files(inputs: list[str]) -> list[str]:
    """The article files of `inputs` (directories recursively, as ``factdb ingest`` reads them:
    no hidden files, article suffixes only), sorted."""
    from factdb.inputs.readers import ARTICLE_SUFFIXES

    found: list[str] = []
    for name in inputs:
        path = Path(name)
        if not path.is_dir():
            found.append(name)
            continue
        found += sorted(
            str(p)
            for p in path.rglob("*")
            if p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
            and p.suffix.lower() in {*ARTICLE_SUFFIXES, ""}
        )
    return found


def worker_share(files: list[str], worker: int, workers: int, round_number: int) -> list[str]:
    """Worker `worker`'s inputs: all but a 1/`workers` share of them, starting further on for
    each worker and each round, so every input is read by several workers in different orders
    (and by at least one)."""
    if workers == 1:
        return files
    count = max(1, len(files) * (workers - 1) // workers)
    begin = (worker * len(files) // workers + round_number) % len(files)
    return [files[(begin + k) % len(files)] for k in range(count)]


# --- disk full ----------------------------------------------------------------------------


def disk_full(inputs: list[str], ref: Reference, sqlite_size: int, out: Path) -> int:
    tally = Tally("disk full during ingest (sqlite)")
    if os.geteuid() != 0 or not shutil.which("mount"):
        print("disk full: skipped (mounting a tmpfs needs root)", flush=True)
        return 0
    for name in ("tracebacks", "wrong exit codes", "missing error lines", "failed queries"):
        tally.add(name, 0)
    tally.add("count mismatches after the disk grew", 0)
    sizes = sorted({max(256, int(sqlite_size * f) // 1024) for f in (0.3, 0.6, 0.9)})
    for size_kb in sizes:
        mount = Path(tempfile.mkdtemp(prefix="factdb-full-"))
        mounted = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(mount)],
            capture_output=True,
            text=True,
        )
        if mounted.returncode != 0:
            print(f"disk full: skipped (mount failed: {mounted.stderr.strip()})", flush=True)
            return 0
        try:
            url = f"sqlite:///{mount / 'full.db'}"
            result = run(factdb("ingest", *inputs, "--workers", "1", "--db", url), out, 900)
            note = f"tmpfs {size_kb} KB"
            if "Traceback" in result.stderr:
                tally.add("tracebacks", 1, f"{note}: {result.stderr[-300:]}")
            if result.returncode not in (0, 1):
                tally.add("wrong exit codes", 1, f"{note}: exit {result.returncode}")
            if result.returncode == 1 and not error_lines(result.stderr):
                tally.add("missing error lines", 1, f"{note}: {result.stderr[-300:]}")
            full = "full" in result.stderr
            if (mount / "full.db").exists():
                tally.merge(consistency(url, ref.claims), note)
                query = run(factdb("stats", "--db", url), out, 300)
                # A disk that filled while the schema was being made leaves an empty database
                # (migrations are all or nothing); a query rightly says so and exits 1.
                empty = not has_schema(url) and "no factdb tables yet" in query.stderr
                if query.returncode != 0 and not empty:
                    tally.add("failed queries", 1, f"{note}: stats: {query.stderr[-300:]}")
                if empty:
                    print(f"  {note}: the disk filled while the schema was made: none", flush=True)
            subprocess.run(["mount", "-o", "remount,size=256m", str(mount)], check=True)
            done = run(factdb("ingest", *inputs, "--quiet", "--workers", "1", "--db", url), out)
            if done.returncode != 0:
                tally.add("failed completing runs", 1, f"{note}: {done.stderr[-300:]}")
            diff = differences(table_counts(url), ref.counts)
            tally.add("count mismatches after the disk grew", len(diff), "; ".join(diff))
            print(
                f"  tmpfs {size_kb} KB: exit {result.returncode}, disk full reported: {full}, "
                f"{error_lines(result.stderr)[-1:] or 'no error'}",
                flush=True,
            )
        finally:
            subprocess.run(["umount", str(mount)], check=False)
            shutil.rmtree(mount, ignore_errors=True)
    return tally.print(f"tmpfs of {', '.join(f'{s} KB' for s in sizes)} (a real ENOSPC)")


# --- fuzzed inputs ------------------------------------------------------------------------

WORDS = [
    "the",
    "police",
    "said",
    "at",
    "least",
    "people",
    "were",
    "killed",
    "and",
    "injured",
    "in",
    "the",
    "capital",
    "on",
    "Friday",
    "after",
    "protesters",
    "stormed",
    "government",
    "buildings",
    "officials",
    "reported",
    "about",
    "hundreds",
    "of",
    "dozens",
    "more",
    "than",
    "tanks",
    "planes",
    "arrived",
    "ministry",
    "denied",
    "rose",
    "fell",
    "percent",
    "dollars",
    "miles",
]
ODD_TEXT = [
    "\u202eRTL override\u202c",
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd",  # Hebrew
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645",  # Arabic
    "Z\u0351\u0352\u0353a\u0300\u0301\u0302\u0303l\u0489g\u0338o\u0337",  # combining marks
    "e\u0301" * 50,
    "\u200b\u200c\u200d\ufeff",
    "\U0001f600\U0001f4a5 emoji",
    "\u0000",
    "\x0c\x0b",
    "\ud7ff\ue000\uffff",
    "\u2028line\u2029para",
]
ODD_NUMBERS = [
    "1e308",
    "1e309",
    "-1e308",
    "10^999",
    "9" * 400,
    "0.0000000000000000000000001",
    "1e-400",
    "NaN",
    "inf",
    "-0",
    "1,,000",
    "3.5.6 million",
    "0x1F",
    "99999999999999999999 trillion",
    "1.5bn",
    "nineteen million million million",
    "½",
    "٣٤",
    "1/0",
    "12-to-1",
]
ODD_DATES = [
    "0000-00-00",
    "99999-99-99",
    "2022-02-30",
    "9999-12-31",
    "0001-01-01",
    "1e308",
    "Feb 30, 2022",
    "the 99th of Smarch",
    "year 10000",
    "-2022-01-01",
    "2022-13-45T99:99:99Z",
    "Friday Friday Friday",
    "since March 0",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(3, 18))]
    if rng.random() < 0.5:
        words.insert(rng.randrange(len(words)), rng.choice(ODD_NUMBERS))
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), "on " + rng.choice(ODD_DATES))
    if rng.random() < 0.2:
        words.insert(rng.randrange(len(words)), rng.choice(ODD_TEXT))
    return " ".join(words).capitalize() + rng.choice([".", "!", "?", "", ";", "..."])


def _article(rng: random.Random, paragraphs: int = 4) -> str:
    return "\n\n".join(
        " ".join(_sentence(rng) for _ in range(rng.randint(1, 5))) for _ in range(paragraphs)
    )


def _header(rng: random.Random) -> str:
    keys = ["source", "date", "url", "title", "author", "Source", "DATE", "date ", " source", "x"]
    lines = []
    for _ in range(rng.randint(0, 12)):
        key = rng.choice(keys)
        value = rng.choice(
            [*ODD_DATES, *ODD_NUMBERS, *ODD_TEXT, "", "unknown", ":", "a: b: c", "x" * 5000]
        )
        lines.append(f"{key}:{rng.choice([' ', '', '   ', chr(9)])}{value}")
    if rng.random() < 0.3:
        lines.append(f"date {rng.choice(ODD_DATES)} Some Author / Some Wire (Distributor)")
    return "\n".join(lines)


def _fuzz_text(rng: random.Random, kind: str) -> bytes:
    if kind == "random-bytes":
        return rng.randbytes(rng.randint(0, 5000))
    if kind == "broken-utf8":
        data = bytearray(_article(rng).encode())
        for _ in range(rng.randint(1, 5)):
            data.insert(rng.randrange(len(data) + 1), rng.choice([0x80, 0xC3, 0xED, 0xFF, 0xF4]))
        return bytes(data)
    if kind == "utf16":
        text = _header(rng) + "\n\n" + _article(rng)
        encoding = rng.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
        data = text.encode(encoding, errors="surrogatepass")
        return data[: rng.randint(1, len(data))] if rng.random() < 0.3 else data
    if kind == "nul":
        text = _article(rng)
        at = rng.choice([0, len(text) // 2, len(text)])
        pad = "x" * rng.choice([0, 9000])
        return (pad + text[:at] + "\x00" + text[at:]).encode()
    if kind == "huge-line":
        if rng.random() < 0.2:  # a whole article on one line
            return (" ".join(_sentence(rng) for _ in range(rng.randint(50, 300)))).encode()
        return ("x" * rng.randint(20_000, 300_000) + " 26 people were killed.").encode()
    if kind == "odd-header":
        separator = rng.choice(["\n\n", "\n", "", "\n\n\n"])
        return (_header(rng) + separator + _article(rng, rng.randint(1, 3))).encode()
    if kind == "tiny-sentences":
        unit = rng.choice(["A.", "1.", "x\n", "Yes!", ". ", "Mr.", "26 died.", "\n\n", "-\n"])
        return (unit * rng.randint(500, 5000)).encode()
    if kind == "control":
        text = _article(rng)
        chars = list(text)
        for _ in range(rng.randint(1, 30)):
            chars.insert(rng.randrange(len(chars) + 1), chr(rng.choice([1, 7, 8, 27, 127, 13])))
        return "".join(chars).encode()
    if kind == "blank":
        return rng.choice(["", "\n" * 500, " \t\n" * 100, "\ufeff", "Leave a Reply\n"]).encode()
    return (_header(rng) + "\n\n" + _article(rng, rng.randint(1, 4))).encode()  # "mixed"


FUZZ_KINDS = [
    "random-bytes",
    "broken-utf8",
    "utf16",
    "nul",
    "huge-line",
    "odd-header",
    "tiny-sentences",
    "control",
    "blank",
    "mixed",
    "mixed",
    "odd-header",
]


def fuzz(
    backends: list[Backend],
    count: int,
    batch: int,
    ref_claims: dict[str, int],
    out: Path,
    seed: int,
) -> int:
    tally = Tally("fuzzed inputs")
    for name in ("tracebacks", "factdb bugs", "hangs", "bad exit codes", "over 1 GB"):
        tally.add(name, 0)
    rng = random.Random(seed)
    urls = [b.fresh() for b in backends]
    made = batches = rejected = 0
    kinds: dict[str, int] = {}
    while made < count:
        size = min(batch, count - made)
        directory = Path(tempfile.mkdtemp(prefix="fuzz-", dir=out))
        for index in range(made, made + size):
            kind = rng.choice(FUZZ_KINDS)
            kinds[kind] = kinds.get(kind, 0) + 1
            (directory / f"{index:05d}-{kind}.txt").write_bytes(_fuzz_text(rng, kind))
        url = urls[batches % len(urls)]
        name = backends[batches % len(backends)].name
        args = factdb(
            "ingest", str(directory), "--quiet", "--workers", "1", "--db", url,
            "--article-timeout", str(ARTICLE_TIMEOUT_S),
        )  # fmt: skip
        result = run(args, out, timeout=max(600, 6 * size))
        note = f"batch {batches} ({name}, {directory.name})"
        lines = error_lines(result.stderr)
        rejected += len(lines)
        if "Traceback" in result.stderr:
            tally.add("tracebacks", 1, f"{note}: {result.stderr[-400:]}")
        bugs = [line for line in lines if "factdb bug" in line or "refused it" in line]
        tally.add("factdb bugs", len(bugs), f"{note}: {bugs[:3]}")
        slow = [line for line in lines if "--article-timeout" in line or "died" in line]
        tally.add("hangs", len(slow) + result.timed_out, f"{note}: {slow[:3]}")
        if result.returncode not in (0, 1, 2):
            tally.add("bad exit codes", 1, f"{note}: exit {result.returncode}")
        if result.peak_mb > MEMORY_LIMIT_MB:
            tally.add("over 1 GB", 1, f"{note}: {result.peak_mb:,.0f} MB")
        tally.merge(consistency(url, ref_claims), note)
        made += size
        batches += 1
        shutil.rmtree(directory, ignore_errors=True)
        print(
            f"  fuzz batch {batches} ({name}): {made}/{count} inputs, {result.seconds:.0f} s, "
            f"peak {result.peak_mb:,.0f} MB, exit {result.returncode}, {len(lines)} rejected, "
            f"problems so far {sum(tally.figures.values())}",
            flush=True,
        )
    mix = ", ".join(f"{k} {v}" for k, v in sorted(kinds.items()))
    return tally.print(
        f"{made} inputs in {batches} ingest runs on {', '.join(b.name for b in backends)}, "
        f"{rejected} rejected with an Error line ({mix})"
    )


# --- hostile query options ----------------------------------------------------------------

HOSTILE = [
    "%",
    "_",
    "%_%",
    "\\",
    "\\%",
    "'",
    '"',
    "' OR '1'='1",
    "'; DROP TABLE article; --",
    '") OR 1=1 --',
    "[a-z]*",
    "99999999999999999999999999",
    "-99999999999999999999999",
    "9223372036854775808",
    "-1",
    "0",
    "1e308",
    "NaN",
    "0000-00-00",
    "99999-99-99",
    "2022-02-30",
    "\u202e\u05e9\u05dc\u05d5\u05dd",
    "e\u0301\u0301\u0301",
    "x" * 100_000,
    "",
    " ",
]
QUERY_OPTIONS: dict[tuple[str, ...], list[str]] = {
    ("articles",): ["--source", "--since", "--until", "--search", "--entity", "--limit"],
    ("sources",): ["--source", "--limit"],
    ("claims",): [
        "--source", "--since", "--until", "--search", "--entity", "--limit", "--article",
        "--speaker", "--counted",
    ],
    ("conflicts",): [
        "--kind", "--status", "--source", "--since", "--until", "--search", "--entity", "--limit",
    ],
    ("facts",): [
        "--counted", "--state", "--min-sources", "--source", "--since", "--until", "--search",
        "--entity", "--limit",
    ],
    ("timeline",): [
        "--counted", "--entity", "--source", "--since", "--until", "--search", "--limit",
    ],
    ("stats",): ["--format"],
}  # fmt: skip
ID_COMMANDS = [
    ("show", "claim"),
    ("show", "article"),
    ("show", "fact"),
    ("conflicts", "dismiss"),
    ("conflicts", "resolve"),
]
# Options whose value is text matched as "contains": a wildcard must match only itself.
LITERAL = [
    ("articles", "--source", "source"),
    ("claims", "--speaker", "speaker"),
    ("claims", "--search", "text"),
]


def stored_state(url: str) -> dict[str, object]:
    """Everything a database holds, to see what a command changed: the conflicts row by row
    (by id), every tally, and each other table's row count and a digest of its rows."""
    import hashlib

    from sqlalchemy import select

    state: dict[str, object] = {}
    with connect(url) as connection:
        for table in _tables():
            name = table.name  # type: ignore[attr-defined]
            rows = list(connection.execute(select(table)))  # type: ignore[attr-defined, call-overload]
            if name == "conflict":
                state[name] = {row._mapping["id"]: dict(row._mapping) for row in rows}
            elif name == "tally":
                state[name] = {row[0]: row[1] for row in rows}
            else:
                digest = hashlib.sha256("\n".join(sorted(map(repr, rows))).encode())
                state[name] = (len(rows), digest.hexdigest())
    return state


REVIEW_COLUMNS = ("status", "note", "updated_at")


def state_changes(
    before: dict[str, object], after: dict[str, object], reviewed: int | None
) -> list[str]:
    """What changed between two `stored_state`s, other than what reviewing conflict `reviewed`
    writes by design: its status, note and time, and the tallies of conflicts by kind and
    status (each kind's sum over its statuses must stay)."""
    changes = [
        f"{name} rows changed"
        for name, value in before.items()
        if name not in ("conflict", "tally") and after.get(name) != value
    ]
    old_conflicts: dict[int, dict[str, object]] = before["conflict"]  # type: ignore[assignment]
    new_conflicts: dict[int, dict[str, object]] = after["conflict"]  # type: ignore[assignment]

    def unreviewed(conflict_id: int, row: dict[str, object]) -> dict[str, object]:
        if conflict_id != reviewed:
            return row
        return {k: v for k, v in row.items() if k not in REVIEW_COLUMNS}

    if old_conflicts.keys() != new_conflicts.keys():
        changes.append("conflicts added or deleted")
    changes += [
        f"conflict {i} changed"
        for i in sorted(old_conflicts.keys() & new_conflicts.keys())
        if unreviewed(i, old_conflicts[i]) != unreviewed(i, new_conflicts[i])
    ]
    old_tallies: dict[str, int] = before["tally"]  # type: ignore[assignment]
    new_tallies: dict[str, int] = after["tally"]  # type: ignore[assignment]

    def by_kind(tallies: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
        kinds: dict[str, int] = {}
        others: dict[str, int] = {}
        for name, value in tallies.items():
            parts = name.split(":")
            if parts[0] == "conflicts" and len(parts) == 3:
                kinds[parts[1]] = kinds.get(parts[1], 0) + value
            elif value:  # a tally that counts nothing may have a row or none
                others[name] = value
        return kinds, others

    old_kinds, old_others = by_kind(old_tallies)
    new_kinds, new_others = by_kind(new_tallies)
    if {k: v for k, v in old_kinds.items() if v} != {k: v for k, v in new_kinds.items() if v}:
        changes.append("conflicts by kind changed")
    changes += [
        f"tally {name} {new_others.get(name)} != {value}"
        for name, value in old_others.items()
        if new_others.get(name) != value
    ]
    changes += [f"tally {name} is new" for name in new_others.keys() - old_others.keys()]
    return changes


def hostile_filters(urls: dict[str, str], values: int) -> int:
    """Every query option with hostile values, every id command with hostile ids, and the
    conflict review commands with hostile notes on a conflict that exists: a query must
    change nothing; a review changes its conflict's status, note and time (and the tallies of
    conflicts by status), and the note is stored exactly as given."""
    import json

    from sqlalchemy import text
    from typer.testing import CliRunner

    from factdb.cli.app import app

    tally = Tally("hostile query options")
    for name in ("tracebacks", "bad exit codes", "slow (> 30 s)", "wildcards matched"):
        tally.add(name, 0)
    tally.add("databases changed", 0)
    tally.add("notes not stored as given", 0)
    hostile = HOSTILE[:values]
    runner = CliRunner()
    calls = reviews = 0
    formats = ["json", "table", "csv", "jsonl"]

    def invoke(backend: str, args: list[str]) -> tuple[int, str]:
        nonlocal calls
        calls += 1
        started = time.monotonic()
        result = runner.invoke(app, [*args, "--db", urls[backend]])
        shown = " ".join(a[:40] for a in args)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            trace = "".join(traceback.format_exception(result.exception))[-300:]
            tally.add("tracebacks", 1, f"{backend}: {shown}: {trace}")
        if result.exit_code not in (0, 1, 2):
            tally.add("bad exit codes", 1, f"{backend}: {shown}: exit {result.exit_code}")
        if time.monotonic() - started > 30:
            tally.add("slow (> 30 s)", 1, f"{backend}: {shown}")
        return result.exit_code, result.stdout if result.exit_code == 0 else ""

    for backend, url in urls.items():
        before = stored_state(url)
        conflicts: dict[int, object] = before["conflict"]  # type: ignore[assignment]
        reviewed = min(conflicts, default=None)
        for command, options in QUERY_OPTIONS.items():
            for option in options:
                for index, value in enumerate(hostile):
                    fmt = formats[index % len(formats)]
                    invoke(backend, [*command, option, value, "--format", fmt])
        for command in ID_COMMANDS:
            for value in hostile:
                extra = ["--note", value] if command[0] == "conflicts" else []
                invoke(backend, [*command, value, *extra])
                if not extra or reviewed is None:
                    continue
                code, _ = invoke(backend, [*command, str(reviewed), *extra])
                reviews += code == 0
                with connect(url) as connection:
                    stored = connection.execute(  # type: ignore[attr-defined]
                        text("SELECT status, note FROM conflict WHERE id = :id"), {"id": reviewed}
                    ).one()
                expected = ("dismissed" if command[1] == "dismiss" else "resolved", value)
                if code != 0 or tuple(stored) != expected:
                    tally.add(
                        "notes not stored as given",
                        1,
                        f"{backend}: {' '.join(command)} {reviewed} --note {value[:40]!r}: exit "
                        f"{code}, stored {stored[0]!r} {str(stored[1])[:40]!r}",
                    )
        for command, option, key in LITERAL:
            for wildcard in ("%", "_", "%_%"):
                _, shown = invoke(backend, [command, option, wildcard, "--format", "json"])
                rows = json.loads(shown) if shown.strip() else []
                if any(wildcard.lower() not in str(row.get(key) or "").lower() for row in rows):
                    tally.add("wildcards matched", 1, f"{backend}: {command} {option} {wildcard}")
        diff = state_changes(before, stored_state(url), reviewed)
        tally.add("databases changed", len(diff), f"{backend}: " + "; ".join(diff[:10]))
    return tally.print(
        f"{calls} query commands on {', '.join(urls)} ({len(hostile)} values; {reviews} "
        "reviews of an existing conflict, compared apart)"
    )


# --- main ---------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kill-sqlite", type=int, default=50)
    parser.add_argument("--kill-postgres", type=int, default=20)
    parser.add_argument("--overlap-processes", type=int, default=4)
    parser.add_argument("--overlap-rounds", type=int, default=5)
    parser.add_argument("--fuzz", type=int, default=10_000, help="fuzzed inputs")
    parser.add_argument("--fuzz-batch", type=int, default=500, help="inputs per ingest run")
    parser.add_argument("--hostile-values", type=int, default=len(HOSTILE))
    parser.add_argument("--no-disk-full", action="store_true", help="skip the tmpfs part")
    parser.add_argument("--postgres", default=os.environ.get("FACTDB_TEST_POSTGRES_URL"))
    parser.add_argument(
        "--sqlite-only", action="store_true", help="leave PostgreSQL out even when it is set"
    )
    parser.add_argument("--postgres-only", action="store_true", help="leave SQLite out")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument(
        "--sections",
        default=",".join(SECTIONS),
        help=f"comma-separated subset of {', '.join(SECTIONS)} (to run parts side by side)",
    )
    parser.add_argument("--inputs", nargs="+", default=[str(p) for p in DEFAULT_INPUTS])
    args = parser.parse_args(argv)

    rng = random.Random(args.seed)
    sections = set(args.sections.split(","))
    if unknown := sections - set(SECTIONS):
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    started = time.monotonic()
    total = 0
    with tempfile.TemporaryDirectory(prefix="factdb-torture-") as tmp:
        out = Path(tmp)
        sqlite = Backend("sqlite", None, out)
        backends = [sqlite]
        if args.postgres and not args.sqlite_only:
            backends.append(Backend("postgresql", args.postgres, out))
        else:
            print("PostgreSQL: skipped (set FACTDB_TEST_POSTGRES_URL)", flush=True)
        tested = backends[1:] if args.postgres_only and len(backends) > 1 else backends
        try:
            if sections == {"fuzz"}:  # fuzzed inputs are compared with nothing
                total += fuzz(backends, args.fuzz, args.fuzz_batch, {}, out, args.seed)
                sections = set()
            refs = {b.name: clean_reference(b, args.inputs, out) for b in backends if sections}
            ref = refs.get("sqlite", Reference({}, {}, 0.0))
            if sections:
                print(
                    f"inputs: {', '.join(args.inputs)}; a clean ingest stores "
                    + ", ".join(f"{v} {k}" for k, v in ref.counts.items() if k in _SHOWN)
                    + f" in {ref.seconds:.1f} s",
                    flush=True,
                )
            trials = {"sqlite": args.kill_sqlite, "postgresql": args.kill_postgres}
            for backend in tested if "kill" in sections else []:
                total += kill_trials(
                    backend, args.inputs, trials[backend.name], refs[backend.name], out, rng
                )
            for backend in tested if "overlap" in sections else []:
                total += overlap_rounds(
                    backend,
                    args.inputs,
                    args.overlap_processes,
                    args.overlap_rounds,
                    refs[backend.name],
                    out,
                )
            if not args.no_disk_full and "disk" in sections:
                size = _sqlite_size(args.inputs, out)
                total += disk_full(args.inputs, ref, size, out)
            if "fuzz" in sections:
                total += fuzz(backends, args.fuzz, args.fuzz_batch, ref.claims, out, args.seed)
            if "filters" in sections:
                urls = {}
                for backend in backends:
                    url = backend.fresh()
                    run(factdb("ingest", *args.inputs, "--quiet", "--db", url), out)
                    urls[backend.name] = url
                total += hostile_filters(urls, args.hostile_values)
        finally:
            for backend in backends:
                with suppress(Exception):
                    backend.drop_all()
    minutes = (time.monotonic() - started) / 60
    print(f"TOTAL: {total} problem(s) in {minutes:.1f} min", flush=True)
    return 0 if total == 0 else 1


SECTIONS = ("kill", "overlap", "disk", "fuzz", "filters")
_SHOWN = ("article", "claim", "quantity", "fact", "conflict", "article_copy")


def _sqlite_size(inputs: list[str], out: Path) -> int:
    """Bytes a clean SQLite database of the inputs takes, with its WAL."""
    path = out / "size.db"
    run(factdb("ingest", *inputs, "--quiet", "--workers", "1", "--db", f"sqlite:///{path}"), out)
    return sum(p.stat().st_size for p in out.glob("size.db*"))


if __name__ == "__main__":
    sys.exit(main())
