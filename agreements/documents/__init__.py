"""Documents attached to instruments and meetings: checking an upload by its content
(`checking.py`), reading its text (`extraction.py`, through `agreements/intake/text.py`), storing
and removing it (`services.py`), serving it (`serving.py`) and finding records by it
(`search.py`). The row is `agreements/models/documents.py`; docs/documents.md tells the whole."""
