"""Printing query results as a terminal table, JSON, JSON lines or CSV.

JSON and JSON lines print the full records (the public shapes of `factdb.queries`); the table
prints the flat columns each command chooses, because nested quantities and entities do not fit
a cell. CSV is for analysts: one column per field (a number's low and high bounds, qualifier,
unit in columns of their own), empty cells for missing values, and where a command says so one
row per nested item (one per quantity of a claim).
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

from rich.console import Console
from rich.table import Table

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


def render(
    records: Sequence[Record],
    fmt: OutputFormat,
    columns: Sequence[Column],
    *,
    title: str | None = None,
    stream: TextIO | None = None,
    csv_columns: Sequence[Column] | None = None,
    csv_rows: Callable[[Record], Iterable[Record]] | None = None,
) -> None:
    """Print a list of records in the chosen format.

    CSV is for spreadsheets: `csv_columns` (one column per field, defaults to the table's)
    and `csv_rows` (one record may give several rows, e.g. one per quantity).
    """
    out = stream or sys.stdout
    if fmt is OutputFormat.CSV:
        rows = [row for record in records for row in (csv_rows or _one)(record)]
        write_csv(rows, csv_columns or columns, out)
        return
    if fmt is OutputFormat.JSON:
        out.write(json.dumps(list(records), ensure_ascii=False, indent=2, default=str) + "\n")
    elif fmt is OutputFormat.JSONL:
        for record in records:
            out.write(dumps(record) + "\n")
    else:
        print_table(records, columns, out, title=title)


def _one(record: Record) -> list[Record]:
    return [record]


def write_csv(rows: Sequence[Record], columns: Sequence[Column], out: TextIO) -> None:
    """A header row, then one row per record; empty cells for missing values, never None."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([column.header for column in columns])
    for row in rows:
        writer.writerow([cell(column.value(row)) for column in columns])


def print_table(
    records: Sequence[Record], columns: Sequence[Column], out: TextIO, *, title: str | None = None
) -> None:
    """A rich table of the records on `out`."""
    table = Table(title=title, show_lines=False, expand=False)
    for column in columns:
        table.add_column(
            column.header,
            max_width=column.max_width,
            overflow="ellipsis" if column.no_wrap else "fold",
            no_wrap=column.no_wrap,
        )
    for record in records:
        table.add_row(*(cell(column.value(record)) for column in columns))
    Console(file=out, soft_wrap=False, width=_table_width(out)).print(table)


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
