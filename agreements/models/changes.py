"""The changes feed: one line per created, updated or deleted object, for consumers that sync."""

from django.db import models
from django.db.models import BooleanField
from django.db.models.expressions import RawSQL


class ChangeQuerySet(models.QuerySet):
    def finished(self):
        """Only changes of transactions that have ended. A transaction still open may commit
        changes numbered below ones already shown; hiding everything from the oldest open
        transaction on means a reader walking (txid, id) never skips a row that appears later."""
        oldest_open = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
        return self.filter(txid__lt=oldest_open)

    def after(self, change: "Change"):
        # A row comparison, which the (txid, id) index serves as one range; the equivalent
        # "txid > t OR (txid = t AND id > i)" made PostgreSQL read the table.
        return self.filter(
            RawSQL('("txid", "id") > (%s, %s)', [change.txid, change.id], BooleanField())
        )


class Change(models.Model):
    """One line of the changes feed: something was created, updated, deleted or changed status.

    Written only by PostgreSQL triggers (migration 0004) on every table of the app, so nothing
    slips past: the admin, the API, a command, a bulk update or raw SQL alike. A change to a part
    of an object (an instrument's parties, a meeting's states) is an update of the object.
    """

    class Action(models.TextChoices):
        CREATE = "create", "Created"
        UPDATE = "update", "Updated"
        DELETE = "delete", "Deleted"
        STATUS_CHANGE = "status_change", "Status changed"

    at = models.DateTimeField()
    object_type = models.CharField(max_length=30)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=20, choices=Action)
    txid = models.BigIntegerField(help_text="The id of the transaction that made the change.")

    objects = ChangeQuerySet.as_manager()

    class Meta:
        ordering = ["txid", "id"]
        indexes = [models.Index(fields=["txid", "id"], name="agreements_change_feed_order")]

    def __str__(self):
        return f"{self.object_type} {self.object_id} {self.action} at {self.at}"
