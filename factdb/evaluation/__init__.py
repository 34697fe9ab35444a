"""Scoring factdb's extraction against hand-made gold (used by ``scripts/`` and the tests, never
by the runtime commands).

It sits beside `factdb.cli` at the top: it may import the layers below (`factdb.inputs`,
`factdb.nlp`), and nothing in the runtime package imports it.
"""
