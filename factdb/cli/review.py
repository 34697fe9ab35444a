"""Commands that change what is stored by hand: reviewing a conflict (dismiss, resolve, with a
note that survives re-ingest), deleting an article, merging two spellings of a source."""

from __future__ import annotations

from typing import Annotated

import typer

from factdb.cli.common import DbOption, fail, fits_database, open_database

ConflictIdArgument = Annotated[
    int, typer.Argument(metavar="ID", min=1, callback=fits_database, help="Conflict id.")
]


def conflicts_dismiss(
    conflict_id: ConflictIdArgument,
    note: Annotated[str, typer.Option(metavar="TEXT", help="Why it is not a real conflict.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as not a real disagreement (it stays dismissed across re-ingests).

    Example: factdb conflicts dismiss 3 --note "different districts"
    """
    _review(database, conflict_id, "dismissed", note)


def conflicts_resolve(
    conflict_id: ConflictIdArgument,
    note: Annotated[str, typer.Option(metavar="TEXT", help="How it was settled.")],
    database: DbOption = None,
) -> None:
    """Mark a conflict as settled, with a note saying how.

    Example: factdb conflicts resolve 3 --note "ministry confirmed 26"
    """
    _review(database, conflict_id, "resolved", note)


def _review(database: str | None, conflict_id: int, status: str, note: str) -> None:
    from sqlmodel import Session

    from factdb.match.conflicts import set_conflict_status

    with (
        open_database(database, write=True) as engine,
        Session(engine) as session,
        session.begin(),
    ):
        if not set_conflict_status(session, conflict_id, status, note):
            fail(
                f"no conflict with id {conflict_id}; "
                "list them with `factdb conflicts --status all`",
                2,
            )
    typer.echo(f"Conflict {conflict_id} {status}.")


def delete_article(
    article_id: Annotated[
        int,
        typer.Argument(
            metavar="ID", min=1, callback=fits_database, help="Article id (see `factdb articles`)."
        ),
    ],
    database: DbOption = None,
) -> None:
    """Delete an article with its claims, their fact links and their conflicts.

    Example: factdb delete article 12
    """
    from sqlmodel import Session

    from factdb.match.deletion import delete_article as delete_stored_article

    with open_database(database, write=True) as engine, Session(engine) as session, session.begin():
        deleted = delete_stored_article(session, article_id)
        if deleted is None:
            fail(f"no article with id {article_id}; list them with `factdb articles`", code=2)
    typer.echo(
        f"Article {article_id} deleted ({deleted.claims} claims, {deleted.conflicts} "
        f"conflicts, {deleted.facts_removed} facts left empty)."
    )


def sources_merge(
    merged: Annotated[
        str, typer.Argument(metavar="SOURCE", help="Source to merge away (name or id).")
    ],
    into: Annotated[str, typer.Argument(metavar="INTO", help="Source to keep (name or id).")],
    database: DbOption = None,
) -> None:
    """Merge source A into source B: A's articles move to B and A is deleted (two spellings
    of one outlet, such as "Bloomberg" and "Bloomberg News").

    Example: factdb sources merge Bloomberg "Bloomberg News"
    """
    from sqlmodel import Session

    from factdb.store import writes

    with open_database(database, write=True) as engine, Session(engine) as session, session.begin():
        try:
            kept, moved = writes.merge_sources(session, merged, into)
        except writes.SourceNotFoundError as exc:
            fail(f"no source {exc.args[0]!r}; list them with `factdb sources`", code=2)
        except ValueError as exc:
            fail(str(exc), code=2)
        name = kept.name
    typer.echo(f"Merged {merged!r} into {name!r} ({moved} articles moved).")
