"""What every list shares, below the API, the admin and the pages that show lists: paging with a
capped count (`paging`), CSV files streamed row by row (`csv_file`), and the query-string fields
for a pair and a state (`pairs`). Nothing here reads a request's raw query string: callers hand
over a filter set's cleaned data or a queryset."""
