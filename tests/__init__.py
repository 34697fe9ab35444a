"""factdb test suite."""
