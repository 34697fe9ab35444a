"""`factdb feeds add|list|remove`: the RSS/Atom feeds `factdb ingest --feeds` polls."""

from __future__ import annotations

from typing import Annotated

import typer

from factdb.cli.common import DbOption, FormatOption, fail, open_database, run_query
from factdb.query.output import (
    OutputFormat,
    field,
    render,
)

FEED_COLUMNS = [
    field("id"),
    field("url", max_width=50),
    field("source", max_width=24),
    field("articles"),
    field("last_fetched_at", "last fetch", max_width=19),
    field("last_status", "status", max_width=30),
    field("etag", max_width=20),
]


def feeds_add(
    url: Annotated[str, typer.Argument(metavar="URL", help="The feed's URL (RSS or Atom).")],
    source: Annotated[
        str | None,
        typer.Option(
            metavar="NAME", help="Source name for its articles (default: the page's site)."
        ),
    ] = None,
    database: DbOption = None,
) -> None:
    """Add a feed to the list `factdb ingest --feeds` polls.

    Example: factdb feeds add https://example.org/world.rss --source "Example News"
    """
    from sqlmodel import Session

    from factdb.ingest.network import is_url
    from factdb.store import writes

    if not is_url(url):
        fail(f"{url!r} is not an http:// or https:// URL", code=2)
    with (
        open_database(database, create=True, write=True) as engine,
        Session(engine) as session,
        session.begin(),
    ):
        try:
            feed = writes.add_feed(session, url, source)
        except writes.FeedExistsError as exc:
            fail(str(exc), code=2)
        feed_id = feed.id
    typer.echo(f"Feed {feed_id} added: {url}. Poll it with: factdb ingest --feeds")


def feeds_list(fmt: FormatOption = OutputFormat.TABLE, database: DbOption = None) -> None:
    """List the feeds with their last fetch, status, ETag and article count.

    Example: factdb feeds list --format json
    """
    from factdb.query import archive as archive_query

    render(run_query(database, archive_query.list_feeds), fmt, FEED_COLUMNS, title="Feeds")


def feeds_remove(
    feed: Annotated[
        str, typer.Argument(metavar="FEED", help="Feed id or URL (see `factdb feeds list`).")
    ],
    database: DbOption = None,
) -> None:
    """Remove a feed from the list; the articles it brought stay.

    Example: factdb feeds remove 3
    """
    from sqlmodel import Session

    from factdb.store import writes

    with open_database(database, write=True) as engine, Session(engine) as session, session.begin():
        removed = writes.remove_feed(session, feed)
        if removed is None:
            fail(f"no feed {feed!r}; list them with `factdb feeds list`", code=2)
        url = removed.url
    typer.echo(f"Feed removed: {url}")
