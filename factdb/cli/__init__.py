"""The command line (top layer): the Typer app, one module per command group.

Thin by design: a command parses its options, calls the library (`factdb.ingest`,
`factdb.query`, `factdb.match`, `factdb.store`), and prints. It may import every layer below
it; nothing imports it but ``factdb.__main__`` and the ``factdb`` entry point.
"""
