"""Review in the browser: the ASGI app `factdb serve` runs.

Server-rendered pages over the query layer (stories, a story with a chart per fact, the
conflict queue, a conflict with its evidence in context, facts, claims, articles), each also
as JSON at its path plus ``.json``, and the review forms, which write what `factdb conflicts
dismiss|resolve` writes. Starlette, Jinja2 and uvicorn are imported only from here, so no
other command pays for them at start-up.
"""
