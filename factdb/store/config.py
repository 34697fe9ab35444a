"""Where factdb keeps its data and which database it talks to.

One function decides the database URL so every command, test and script agrees: an explicit
``--db`` value wins, then ``FACTDB_DATABASE_URL``, then a SQLite file in the user's data
directory. A bare filesystem path is accepted and turned into a SQLite URL.
"""

from __future__ import annotations

import os
from pathlib import Path

from platformdirs import user_data_dir

DATABASE_ENV_VAR = "FACTDB_DATABASE_URL"
APP_NAME = "factdb"


def default_database_path() -> Path:
    """The SQLite file used when no database is named: ``<user data dir>/factdb/factdb.db``."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / "factdb.db"


def database_url(explicit: str | None = None) -> str:
    """Resolve the database URL from ``--db``, the environment, or the default SQLite file."""
    chosen = explicit or os.environ.get(DATABASE_ENV_VAR)
    if not chosen:
        return f"sqlite:///{default_database_path()}"
    if "://" not in chosen:
        return f"sqlite:///{Path(chosen).expanduser().resolve()}"
    return chosen
