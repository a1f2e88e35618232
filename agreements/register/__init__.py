"""A ministry's own register, in and out: a spreadsheet (CSV or Excel) of instruments read row by
row, previewed, and written all or nothing through the services; and the same layout exported.

`files` reads a file (checked by its content), `instruments` knows the instruments' columns,
`run` previews and imports. The columns are documented in docs/import.md.
"""
