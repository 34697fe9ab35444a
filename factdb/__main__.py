"""``python -m factdb``: the same as the ``factdb`` command."""

from factdb.cli.app import main

main()
