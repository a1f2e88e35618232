"""A ministry's own registers, in and out: a spreadsheet (CSV or Excel) of instruments, meetings,
follow-ups, organizations or people read row by row, previewed, and written all or nothing; and
the same layout exported.

`files` reads a file (checked by its content), `cells` reads cells in words, one module per kind
knows its columns (`records` is what meetings, follow-ups, organizations and people share),
`kinds` lists them and tells one from a header, `run` previews and imports, `export` writes.
The columns are documented in docs/import.md.
"""
