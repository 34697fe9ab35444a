"""Inputs: turning what the user names (files, directories, standard input, HTTP responses)
into `ArticleInput` records, or `ReadError`s that say what was wrong.

`records` (the record every format ends in), `readers` (files and text layouts), `formats`
(HTML, JSON, RSS/Atom), `fetch` (polite HTTP). No database and no language processing beyond
reading a publication date: it may import only `factdb.nlp`.
"""
