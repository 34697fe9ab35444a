"""Printing query results as a terminal table, JSON, JSON lines or CSV.

JSON and JSON lines print the full records (the public shapes the `factdb.query` modules return);
the table prints the flat columns each command chooses, because nested quantities and entities do
not fit a cell. CSV is for analysts: one column per field (a number's low and high bounds,
qualifier, unit in columns of their own), empty cells for missing values, and where a command says
so one row per nested item (one per quantity of a claim).
"""

from __future__ import annotations

import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TextIO

Record = dict[str, Any]


class OutputFormat(StrEnum):
    """The output formats every query command offers."""

    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"


@dataclass(frozen=True)
class Column:
    """A flat column: its header and how to get its text from a record."""

    header: str
    value: Callable[[Record], Any]
    max_width: int | None = None
    # Cut long text with an ellipsis instead of wrapping it onto more lines (compact tables).
    no_wrap: bool = False


def field(name: str, header: str | None = None, max_width: int | None = None) -> Column:
    """A column showing one top-level field of the record."""
    return Column(header or name, lambda record: record.get(name), max_width)


def cell(value: Any) -> str:
    """A value as cell text: empty for None, ``yes``/``no`` for booleans."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def quantity_text(quantity: Record) -> str:
    """A quantity record as people read it: the words, the interval, what it counts
    (``at least 26 [26, ∞) protester kill``)."""
    low = "-∞" if quantity["low"] is None else cell(quantity["low"])
    high = "∞" if quantity["high"] is None else cell(quantity["high"])
    left = "[" if quantity["low"] is not None and quantity["low_inclusive"] else "("
    right = "]" if quantity["high"] is not None and quantity["high_inclusive"] else ")"
    what = " ".join(p for p in (quantity["unit"], quantity["counted"], quantity["predicate"]) if p)
    return f"{quantity['raw']} {left}{low}, {high}{right} {what}".strip()


def published_text(record: Record) -> str | None:
    """A record's publication date, or its inferred one marked as such."""
    if record.get("published") or not record.get("published_inferred"):
        return record.get("published")
    return f"{record['published_inferred']} (inferred)"


def dumps(value: Any) -> str:
    """JSON text with non-ASCII characters kept as they are, not as escapes."""
    return json.dumps(value, ensure_ascii=False, default=str)


PIPED_TABLE_WIDTH = 160


def _table_width(out: TextIO) -> int | None:
    """Terminal width on a terminal (or $COLUMNS); a wide page when piped to a file or pager,
    where rich would otherwise squeeze every table into 80 columns."""
    if os.environ.get("COLUMNS") or (hasattr(out, "isatty") and out.isatty()):
        return None
    return PIPED_TABLE_WIDTH


# A table cell shows at most this many lines of a long text (the full text is in JSON and in
# `factdb show`): wrapping whole articles' sentences is most of what drawing a table costs.
TABLE_CELL_LINES = 4


def _table_cell(column: Column, record: Record) -> str:
    text = cell(column.value(record))
    if column.max_width is None or len(text) <= column.max_width * TABLE_CELL_LINES:
        return text
    return text[: column.max_width * TABLE_CELL_LINES - 1] + "…"


def render(
    records: Iterable[Record],
    fmt: OutputFormat,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    stream: TextIO | None = None,
    csv_columns: Sequence[Column] | None = None,
    csv_rows: Callable[[Record], Iterable[Record]] | None = None,
) -> int:
    """Print records in the chosen format and return how many were printed.

    JSON, JSON lines and CSV are written record by record as `records` yields them, so a
    listing of any length prints in constant memory; a table needs all its rows (rich is
    imported only then). CSV is for spreadsheets: `csv_columns` (one column per field,
    defaults to the table's) and `csv_rows` (one record may give several rows, e.g. one per
    quantity).
    """
    out = stream or sys.stdout
    printed = 0
    if fmt is OutputFormat.JSON:
        # The same text as json.dumps(list, indent=2), one element at a time.
        for record in records:
            text = json.dumps(record, ensure_ascii=False, indent=2, default=str)
            out.write(("[\n" if not printed else ",\n") + "  " + text.replace("\n", "\n  "))
            printed += 1
        out.write("\n]\n" if printed else "[]\n")
    elif fmt is OutputFormat.JSONL:
        for record in records:
            out.write(dumps(record) + "\n")
            printed += 1
    elif fmt is OutputFormat.CSV:
        printed = write_csv(records, csv_columns or columns, out, csv_rows)
    else:
        printed = print_table(records, columns, out, title=title)
    return printed


def _one(record: Record) -> list[Record]:
    return [record]


def write_csv(
    records: Iterable[Record],
    columns: Sequence[Column],
    out: TextIO,
    rows: Callable[[Record], Iterable[Record]] | None = None,
) -> int:
    """A header row, then the rows of each record as it comes (one per record unless `rows`
    splits it); empty cells for missing values, never None. Returns how many records."""
    writer = csv.writer(out, lineterminator="\n")
    header = [column.header for column in columns]
    printed = 0
    for record in records:
        if not printed:  # after the first record: a query that fails prints nothing
            writer.writerow(header)
        for row in (rows or _one)(record):
            writer.writerow([cell(column.value(row)) for column in columns])
        printed += 1
    if not printed:
        writer.writerow(header)
    return printed


def print_table(
    records: Iterable[Record], columns: Sequence[Column], out: TextIO, *, title: str | None = None
) -> int:
    """A rich table of the records on `out` (rich is imported only here); returns how many
    rows it has."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        table.add_column(
            column.header,
            max_width=column.max_width,
            overflow="ellipsis" if column.no_wrap else "fold",
            no_wrap=column.no_wrap,
        )
    printed = 0
    for record in records:
        table.add_row(*(_table_cell(column, record) for column in columns))
        printed += 1
    Console(file=out, soft_wrap=False, width=_table_width(out)).print(table)
    return printed


def render_object(record: Record, fmt: OutputFormat, *, stream: TextIO | None = None) -> None:
    """Print one record: JSON as an object, the other formats as field/value rows."""
    out = stream or sys.stdout
    if fmt is OutputFormat.JSON:
        out.write(json.dumps(record, ensure_ascii=False, indent=2, default=str) + "\n")
        return
    if fmt is OutputFormat.JSONL:
        out.write(dumps(record) + "\n")
        return
    rows = [
        {"field": key, "value": value if not isinstance(value, dict | list) else dumps(value)}
        for key, value in record.items()
    ]
    render(rows, fmt, [field("field"), field("value")], stream=out)
