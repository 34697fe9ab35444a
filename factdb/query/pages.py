"""Pages of a listing: walking ids by key in constant memory, windows that read the ids near a
page's start first, and the bounded "showing 50 of N" count run beside the page."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import TYPE_CHECKING, Any

from factdb.store.driver import DriverError

if TYPE_CHECKING:
    from factdb.store.driver import Reader
from factdb.query.sql import CHUNK, Filters, Record, Selection, Sql


def walk(
    reader: Reader,
    selection: Selection,
    keys: Sequence[str],
    filters: Filters,
    build: Callable[[list[int]], list[Record]],
    *,
    kept_by_build: bool = True,
) -> Iterator[Record]:
    """The page of `selection` that `filters` asks for, in the order of `keys` (SQL
    expressions; the last is the id), built CHUNK records at a time. The newest page is read
    backwards from the end and printed in listing order.

    `kept_by_build=False` says that `build` drops some records (a filter only Python can
    decide); the offset and limit then count the records kept, not the ids read.
    """
    start: tuple[Any, ...] | None = None
    if filters.after is not None:
        if len(keys) == 1:
            start = (filters.after,)
        else:
            query = selection.where(Sql(f"{keys[-1]} = ?", (filters.after,))).select(
                ", ".join(keys)
            )
            found = reader.first(query.text, query.params)
            if found is None:
                raise LookupError(filters.after)
            start = tuple(found)
    records: Iterable[Record]
    if kept_by_build:
        records = _scan(
            reader,
            selection,
            keys,
            start,
            filters.offset,
            filters.limit,
            filters.newest,
            build,
            windowed=filters.limit is not None,
        )
    else:
        # Read no more than the page at a time: building a record is what costs here.
        chunk = CHUNK if filters.limit is None else min(CHUNK, filters.offset + filters.limit)
        records = islice(
            _scan(
                reader,
                selection,
                keys,
                start,
                0,
                None,
                filters.newest,
                build,
                chunk,
                windowed=filters.limit is not None,
            ),
            filters.offset,
            None if filters.limit is None else filters.offset + filters.limit,
        )
    if filters.newest:
        yield from reversed(list(records))
    else:
        yield from records


def _scan(
    reader: Reader,
    selection: Selection,
    keys: Sequence[str],
    start: tuple[Any, ...] | None,
    offset: int,
    limit: int | None,
    descending: bool,
    build: Callable[[list[int]], list[Record]],
    chunk: int = CHUNK,
    *,
    windowed: bool = False,
) -> Iterator[Record]:
    """Walk `selection` in key order (or backwards), chunk by chunk, each chunk starting
    after the last key of the one before: the thousandth chunk costs what the first does.

    `windowed` (a page of a listing keyed by id alone) reads the ids nearest the start first
    (`_id_windows`) on PostgreSQL: a broad filter then fills a page from a few thousand rows
    instead of the planner matching millions only to keep fifty. SQLite already walks the
    key and stops at the page; there a window would only repeat the filter's own lists."""
    direction = " DESC" if descending else ""
    order = ", ".join(f"{key}{direction}" for key in keys)
    windows = (
        _id_windows(reader, keys[0], start, descending)
        if windowed and offset == 0 and len(keys) == 1 and reader.dialect == "postgresql"
        else iter([None])
    )
    window = next(windows)
    # Past the windows, the filter keeps under fifty of the newest 18,000 rows: it is narrow,
    # and the database should find its rows through the filter's index and sort them. Read
    # in key order, it would walk the key backwards testing every row (millions, when the
    # matches lie years back). A key wrapped in ``+`` is no index's key.
    narrow = windowed and window is not None
    remaining = limit
    while remaining is None or remaining > 0:
        size = chunk if remaining is None else min(chunk, remaining)
        page = selection
        if start is not None:
            page = page.where(_after(keys, start, descending))
        if window is not None:
            page = page.where(window)
        query = page.select(", ".join(keys))
        ordered = f"+{keys[0]}{direction}" if narrow and window is None else order
        rows = reader.all(
            f"{query.text} ORDER BY {ordered} LIMIT ? OFFSET ?", (*query.params, size, offset)
        )
        if rows:
            yield from build([int(row[-1]) for row in rows])
            offset = 0
            start = tuple(rows[-1])
            if remaining is not None:
                remaining -= len(rows)
        if len(rows) < size:
            if window is None:
                return
            window = next(windows)  # this range of ids is exhausted: the next, wider one


# The first ids a page reads, then eight times as many, then every id: a filter keeping one
# row in forty fills a page of fifty from the first window. A narrower one reaches the whole
# selection after two short reads, where the database drives from the filter's own index (a
# window would have it test every row of a wide range instead).
FIRST_WINDOW = 2000


WINDOWS = 2


def _id_windows(
    reader: Reader, key: str, start: tuple[Any, ...] | None, descending: bool
) -> Iterator[Sql | None]:
    """Conditions on `key` (``table.id``) taking wider ranges of ids from the start of a
    walk (the newest id backwards, the oldest forwards, or `start`), then None: the rest."""
    table = key.split(".")[0]
    # Each end on its own: SQLite reads one end of an index only for a lone min() or max().
    found = reader.first(
        f"SELECT (SELECT min({key}) FROM {table}), (SELECT max({key}) FROM {table})"
    )
    if found is None or found[0] is None:
        yield None
        return
    low, high = int(found[0]), int(found[1])
    edge = int(start[0]) if start is not None else (high + 1 if descending else low - 1)
    width = FIRST_WINDOW
    for _ in range(WINDOWS):
        if (edge - width <= low) if descending else (edge + width >= high):
            break
        yield (
            Sql(f"{key} >= ?", (edge - width,))
            if descending
            else Sql(f"{key} <= ?", (edge + width,))
        )
        width *= 8
    yield None


def _after(keys: Sequence[str], start: tuple[Any, ...], descending: bool = False) -> Sql:
    """Rows after `start` in key order (before it, walking backwards)."""
    left = keys[0] if len(keys) == 1 else f"({', '.join(keys)})"
    right = "?" if len(keys) == 1 else f"({', '.join('?' * len(keys))})"
    return Sql(f"{left} {'<' if descending else '>'} {right}", start)


# Listings count their rows up to here ("showing 50 of more than 10,000"), and for no longer
# than this: a page of a broad filter over ten million claims is read in a tenth of a second,
# and a count of what it selects should not take seconds more.
COUNTED_AT_MOST = 10_000


COUNTING_SECONDS = 0.3


def count(reader: Reader, selection: Selection) -> int | None:
    """How many rows a listing selects (for "showing 50 of 16,640"), counted up to
    COUNTED_AT_MOST (past it: COUNTED_AT_MOST + 1, "more than"); None when counting takes
    longer than COUNTING_SECONDS."""
    query = selection.select("1")
    found = reader.scalar_within(
        f"SELECT count(*) FROM ({query.text} LIMIT ?) AS selected",
        (*query.params, COUNTED_AT_MOST + 1),
        COUNTING_SECONDS,
    )
    return None if found is None else int(found)


class Counting:
    """`count` of a listing's rows, run in a thread on a second connection while the page is
    read and printed: the note then costs the time the count takes beyond the page, not the
    two one after the other. (A reader without a sibling counts when asked, as `count`.)"""

    def __init__(self, reader: Reader, selection: Selection) -> None:
        self._reader = reader
        self._selection = selection
        self._found: int | None = None
        self._sibling = reader.sibling()
        self._thread: threading.Thread | None = None
        if self._sibling is not None:
            self._thread = threading.Thread(target=self._count, daemon=True)
            self._thread.start()

    def _count(self) -> None:
        assert self._sibling is not None
        try:
            self._found = count(self._sibling, self._selection)
        except DriverError:  # stopped (`stop`): there is nothing to say
            self._found = None

    def result(self) -> int | None:
        """The count (as `count` gives it), once it is done."""
        if self._sibling is None:
            return count(self._reader, self._selection)
        self._finish()
        return self._found

    def stop(self) -> None:
        """Stop counting (the page did not fill: no note needs the count). Safe to call
        again, or after `result`."""
        if self._sibling is not None and self._thread is not None:
            self._sibling.interrupt()
        self._finish()

    def _finish(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
            assert self._sibling is not None
            self._sibling.close()
