"""`factdb serve`: the review pages in a browser (`factdb.web`), on this machine by default.

Starlette, Jinja2 and uvicorn are imported only when the server starts, so that every other
command starts as fast as before.
"""

from __future__ import annotations

from typing import Annotated

import typer

from factdb.cli.common import DbOption, fail, run_query


def serve(
    host: Annotated[
        str,
        typer.Option(
            metavar="HOST",
            help="Address to listen on. Anything but a loopback address (127.0.0.1, ::1, "
            "localhost) needs --token.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option(metavar="PORT", min=0, max=65535, help="Port to listen on (0: any free one)."),
    ] = 8765,
    token: Annotated[
        str | None,
        typer.Option(
            metavar="TOKEN",
            envvar="FACTDB_SERVE_TOKEN",
            show_envvar=True,
            help="Every request must carry this (at least 16 characters): once as ?token=… in "
            "the address (a cookie keeps it), or as the header 'Authorization: Bearer TOKEN'.",
        ),
    ] = None,
    read_only: Annotated[
        bool,
        typer.Option("--read-only", help="Refuse reviews (dismiss, resolve): the pages only read."),
    ] = False,
    database: DbOption = None,
) -> None:
    """Review in the browser: the stories with a chart of every figure, the conflict queue
    with its filters, each conflict's claims marked in their articles' text, and forms that
    dismiss or resolve a conflict with a note (what `factdb conflicts dismiss|resolve`
    writes). Every page is also JSON: add .json to its path. Ctrl-C stops the server.

    Example: factdb serve --db news.db --port 8765
    """
    import contextlib
    import socket

    from factdb.web.security import bind_problem

    problem = bind_problem(host, token)
    if problem is not None:
        fail(problem, code=2)
    where = run_query(database, lambda reader: reader.where)
    try:
        listening = socket.create_server(
            (host.strip("[]"), port), family=socket.AF_INET6 if ":" in host else socket.AF_INET
        )
    except OSError as exc:
        fail(
            f"cannot listen on {host} port {port}: {exc.strerror or exc}; choose another "
            "--port (0 picks a free one)"
        )
    import uvicorn

    from factdb.web.app import ServeSettings, create_app

    app = create_app(ServeSettings(database, host=host, read_only=read_only, token=token))
    bound = listening.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    address = f"http://{shown}:{bound}/" + (f"?token={token}" if token else "")
    mode = "read-only" if read_only else "reviews on"
    typer.echo(f"Serving {where} at {address} ({mode}); Ctrl-C stops.")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    # uvicorn stops on Ctrl-C, then raises it again once stopped: for `serve`, a clean end.
    with contextlib.suppress(KeyboardInterrupt):
        server.run(sockets=[listening])
