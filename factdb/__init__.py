"""factdb: a claim-tracking fact database for news reports."""

__version__ = "0.1.0"
