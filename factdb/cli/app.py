"""The `factdb` command: the Typer app and its command groups, wired in one place.

Each command lives in the module of its group (`factdb.cli.ingest`, `listing`, `review`,
`database`, `feeds`, `serve`; shared options and helpers in `factdb.cli.common`) as a plain
function; this module registers them, in the order ``factdb --help`` lists them. The command
modules do not import this one, so they never import each other through it.

Start-up time is part of every query: the database layer, Alembic (only to migrate), rich
(only to draw a table or a progress bar), the readers and spaCy (only to ingest) are imported
where they are used, so that `factdb --help` and a query that prints a page of JSON do not pay
for them.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from factdb import __version__
from factdb.cli import database, feeds, ingest, listing, review, serve

app = typer.Typer(
    help="factdb: who claimed what, when — and where sources disagree.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help and usage errors: Typer's rich rendering would import rich on every --help.
    rich_markup_mode=None,
)
show_app = typer.Typer(
    help="Show one claim, article, fact or story with full provenance.", no_args_is_help=True
)
db_app = typer.Typer(help="Manage the database schema (Alembic migrations).", no_args_is_help=True)
conflicts_app = typer.Typer(
    help="List conflicting claims, or review them (dismiss / resolve).",
    invoke_without_command=True,
)
feeds_app = typer.Typer(
    help="The RSS/Atom feeds `factdb ingest --feeds` polls: add, list, remove.",
    no_args_is_help=True,
)
sources_app = typer.Typer(
    help="List sources with their counts, or merge two spellings of one (sources merge).",
    invoke_without_command=True,
)
delete_app = typer.Typer(help="Delete stored records.", no_args_is_help=True)
app.add_typer(show_app, name="show")
app.add_typer(db_app, name="db")
app.add_typer(conflicts_app, name="conflicts")
app.add_typer(feeds_app, name="feeds")
app.add_typer(sources_app, name="sources")
app.add_typer(delete_app, name="delete")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"factdb {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """factdb: who claimed what, when — and where sources disagree."""


app.command()(ingest.ingest)
app.command()(ingest.rematch)
app.command()(listing.articles)
app.command()(listing.stories)
sources_app.callback()(listing.sources)
app.command()(listing.claims)
conflicts_app.callback()(listing.conflicts)
app.command()(listing.facts)
app.command()(listing.timeline)
app.command()(listing.stats)
app.command()(serve.serve)
show_app.command("claim")(listing.show_claim)
show_app.command("article")(listing.show_article)
show_app.command("fact")(listing.show_fact)
show_app.command("story")(listing.show_story)
db_app.command("upgrade")(database.db_upgrade)
db_app.command("downgrade")(database.db_downgrade)
db_app.command("current")(database.db_current)
db_app.command("info")(database.db_info)
db_app.command("backfill-times")(database.db_backfill_times)
conflicts_app.command("dismiss")(review.conflicts_dismiss)
conflicts_app.command("resolve")(review.conflicts_resolve)
delete_app.command("article")(review.delete_article)
sources_app.command("merge")(review.sources_merge)
feeds_app.command("add")(feeds.feeds_add)
feeds_app.command("list")(feeds.feeds_list)
feeds_app.command("remove")(feeds.feeds_remove)


def _only_command(name: str | None) -> typer.Typer | None:
    """`app` with only the top-level command or group called `name`, or None when `name`
    names none (an option such as --help or --version, a misspelt command)."""
    if name is None or name.startswith("-"):
        return None
    from copy import copy

    from typer.main import get_command_name

    commands = [
        c
        for c in app.registered_commands
        if c.callback is not None and (c.name or get_command_name(c.callback.__name__)) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if len(commands) + len(groups) != 1:
        return None
    lean = copy(app)
    lean.registered_commands = commands
    lean.registered_groups = groups
    return lean


def main() -> None:
    """The ``factdb`` command and ``python -m factdb``.

    Click builds every command of a group before it runs one of them: reading the
    signatures of all fifty command functions took 17 ms of every command's start-up. When
    the first argument names a command, only that one is built; --help, --version and a
    misspelt name get the whole tree, so listings and suggestions are unchanged.
    """
    (_only_command(sys.argv[1] if len(sys.argv) > 1 else None) or app)()
