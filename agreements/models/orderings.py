"""The orders the API's big lists offer (`?ordering=`), each with its index.

The API breaks ties by the id, in the direction of the last field asked for
(`agreements.api.ordering_tie_break.OrderingFilter`), so one index on (field, id) serves a field
both ways, and a page costs the same at a million rows as at ten thousand.
"""

from django.db import models

INSTRUMENT_ORDERINGS = ["title", "signed_on", "in_force_on", "created_at", "updated_at", "status"]
MEETING_ORDERINGS = ["starts_on", "title", "created_at"]
FOLLOW_UP_ORDERINGS = ["due_on", "agreed_on", "title", "status", "updated_at"]


def ordering_indexes(short_name: str, fields: list[str]) -> list[models.Index]:
    return [
        models.Index(fields=[field, "id"], name=f"agreements_{short_name}_{field}")
        for field in fields
    ]
