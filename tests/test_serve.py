"""`factdb serve`: the review pages through the ASGI app (Starlette's TestClient), their JSON
twins, the review forms with their CSRF token, the token gate of a public bind and read-only
mode; on the invented Kessler event, ingested through the CLI, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from factdb.cli.app import app as cli
from factdb.store import connect
from factdb.store.driver import DriverError


def test_a_reader_cannot_write(db_url: str, runner: CliRunner) -> None:
    """Pages read through `open_reader`, whose connection refuses writes on both backends
    (SQLite ``query_only``, a read-only PostgreSQL session), on the driver's own path and
    through SQLAlchemy (a URL with a driver option): no page can change the archive."""
    assert runner.invoke(cli, ["db", "upgrade", "--db", db_url]).exit_code == 0
    option = "timeout=5" if db_url.startswith("sqlite") else "application_name=factdb-test"
    through_engine = f"{db_url}{'&' if '?' in db_url else '?'}{option}"
    for url in (db_url, through_engine):
        reader = connect.open_reader(url)
        try:
            with pytest.raises(DriverError):
                reader.all("INSERT INTO source (name) VALUES ('Written by a page')")
        finally:
            reader.close()
    reader = connect.open_reader(db_url)
    try:
        assert reader.scalar("SELECT count(*) FROM source") == 0
    finally:
        reader.close()
