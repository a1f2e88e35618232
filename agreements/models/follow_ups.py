"""Follow-up actions promised at meetings or in instruments, and their dated progress updates."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Max, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone
from django.utils.formats import date_format

from agreements.models.dates import (
    DUE_SOON_DAYS,
    STALE_AFTER_DAYS,
    today,
    validate_not_too_late,
)
from agreements.models.instruments import Instrument
from agreements.models.meetings import Meeting
from agreements.models.orderings import FOLLOW_UP_ORDERINGS, ordering_indexes
from agreements.models.reference import (
    Organization,
    Person,
    Sector,
    Source,
    State,
    ordered_pair,
    unique_reference,
)


def is_open() -> Q:
    return Q(status__in=FollowUpAction.OPEN_STATUSES)


def is_overdue(on: datetime.date | None = None) -> Q:
    return is_open() & Q(due_on__lt=on or today())


def is_due_soon(on: datetime.date | None = None) -> Q:
    on = on or today()
    return is_open() & Q(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=DUE_SOON_DAYS))


def is_stale(on: datetime.date | None = None, action: str = "pk") -> Q:
    """Open, agreed before the cutoff and no update since: the same as a last activity before
    the cutoff, but answered by indexes instead of every follow-up's latest update. `action`:
    the follow-up's id column, for rows that copy a follow-up's (its pair rows)."""
    cutoff = (on or today()) - datetime.timedelta(days=STALE_AFTER_DAYS)
    updated_since = ActionUpdate.objects.filter(happened_on__gte=cutoff).values("action")
    return is_open() & Q(agreed_on__lt=cutoff) & ~Q(**{f"{action}__in": updated_since})


class FollowUpActionQuerySet(models.QuerySet):
    """Overdue, due soon and stale as conditions (`is_overdue()`, ...) and as querysets."""

    def open(self):
        return self.filter(is_open())

    def overdue(self, on: datetime.date | None = None):
        return self.filter(is_overdue(on))

    def due_soon(self, on: datetime.date | None = None):
        return self.filter(is_due_soon(on))

    def with_last_activity(self):
        # PostgreSQL's GREATEST ignores NULLs: with no update, the day it was agreed counts.
        # A subquery per row shown, not a GROUP BY: a page of a long list reads only its own.
        latest_update = (
            ActionUpdate.objects.filter(action=OuterRef("pk"))
            .order_by("-happened_on")
            .values("happened_on")[:1]
        )
        return self.annotate(last_activity_on=Greatest("agreed_on", Subquery(latest_update)))

    def stale(self, on: datetime.date | None = None):
        return self.filter(is_stale(on))

    def for_pair(self, code_a: str, code_b: str):
        """Follow-ups of meetings both states attended or instruments both are party to (read
        from their pair rows)."""
        first, second = ordered_pair(code_a, code_b)
        return self.filter(pairs__state_a=first, pairs__state_b=second)


class FollowUpAction(models.Model):
    """Something promised at a meeting or in an instrument, followed until it is done.

    Overdue, due soon and stale are worked out from the dates, never stored.
    """

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        ON_HOLD = "on_hold", "On hold"
        COMPLETED = "completed", "Completed"
        CANCELLED = "cancelled", "Cancelled"

    TRANSITIONS = {
        Status.PLANNED: [Status.IN_PROGRESS, Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED],
        Status.IN_PROGRESS: [Status.ON_HOLD, Status.COMPLETED, Status.CANCELLED],
        Status.ON_HOLD: [Status.PLANNED, Status.IN_PROGRESS, Status.CANCELLED],
        # A promise thought kept or dropped can come back to life.
        Status.COMPLETED: [Status.IN_PROGRESS],
        Status.CANCELLED: [Status.PLANNED],
    }
    OPEN_STATUSES = [Status.PLANNED, Status.IN_PROGRESS, Status.ON_HOLD]
    # The follow-up board's order: open ones first by due date (so overdue, then due soon, then
    # the rest), then the closed ones. It does not depend on today's date, so an index serves it.
    BOARD_ORDER = [
        Case(When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1)),
        F("due_on").asc(nulls_last=True),
        "title",
        "id",
    ]

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the ministry's own register calls it; an imported register's rows are "
        "matched to follow-ups by it.",
    )
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    responsible_state = models.ForeignKey(
        State, on_delete=models.PROTECT, null=True, blank=True, related_name="follow_up_actions"
    )
    responsible_organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="follow_up_actions",
    )
    responsible_contact = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="follow_up_actions",
        help_text="Who is reminded of it by e-mail (the weekly digest).",
    )
    origin_meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, null=True, blank=True, related_name="actions"
    )
    origin_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="actions",
    )
    agreed_on = models.DateField(
        default=today, help_text="When it was promised.", validators=[validate_not_too_late]
    )
    due_on = models.DateField(null=True, blank=True, validators=[validate_not_too_late])
    status = models.CharField(max_length=20, choices=Status, default=Status.PLANNED, editable=False)
    result_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilled_actions",
        help_text="The instrument that fulfils (or will fulfil) it.",
    )
    result_meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="fulfilled_actions",
        help_text="The meeting that fulfils (or will fulfil) it.",
    )
    sectors = models.ManyToManyField(Sector, related_name="follow_up_actions", blank=True)
    sources = models.ManyToManyField(Source, related_name="follow_up_actions", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = FollowUpActionQuerySet.as_manager()

    class Meta:
        ordering = [F("due_on").asc(nulls_last=True), "title", "id"]
        verbose_name = "follow-up action"
        constraints = [
            unique_reference("follow-up"),
            models.CheckConstraint(
                condition=Q(origin_meeting__isnull=False) | Q(origin_instrument__isnull=False),
                name="%(app_label)s_%(class)s_has_origin",
                violation_error_message="Say where it was promised: a meeting or an instrument.",
            ),
            models.CheckConstraint(
                condition=Q(due_on__isnull=True) | Q(due_on__gte=F("agreed_on")),
                name="%(app_label)s_%(class)s_due_after_agreed",
                violation_error_message="The due date cannot be before the day it was agreed.",
            ),
        ]
        indexes = [
            # The API's list reads pages in this order.
            models.Index(*ordering, name="agreements_action_order"),
            *ordering_indexes("action", FOLLOW_UP_ORDERINGS),
            models.Index(
                Case(  # BOARD_ORDER (a nested class cannot read its model's attributes)
                    When(status__in=["planned", "in_progress", "on_hold"], then=Value(0)),
                    default=Value(1),
                ),
                F("due_on").asc(nulls_last=True),
                "title",
                "id",
                name="agreements_action_board_order",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_on is not None and self.due_on < today()

    @property
    def is_due_soon(self) -> bool:
        if not self.is_open or self.due_on is None:
            return False
        return 0 <= (self.due_on - today()).days <= DUE_SOON_DAYS

    @property
    def is_stale(self) -> bool:
        if not self.is_open:
            return False
        last = getattr(self, "last_activity_on", None)
        if last is None:
            latest_update = self.updates.aggregate(latest=Max("happened_on"))["latest"]
            last = max(filter(None, [self.agreed_on, latest_update]))
        return (today() - last).days > STALE_AFTER_DAYS


class ActionUpdate(models.Model):
    """A dated note of progress on a follow-up, possibly changing its status."""

    action = models.ForeignKey(FollowUpAction, on_delete=models.CASCADE, related_name="updates")
    happened_on = models.DateField(default=today, validators=[validate_not_too_late])
    note = models.TextField()
    from_status = models.CharField(max_length=20, choices=FollowUpAction.Status, blank=True)
    to_status = models.CharField(
        max_length=20,
        choices=FollowUpAction.Status,
        blank=True,
        help_text="Leave empty if the status stays as it is.",
    )
    sources = models.ManyToManyField(Source, related_name="action_updates", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["action_id", "happened_on", "id"]
        indexes = [
            # Which follow-ups were updated lately: what is not stale (`is_stale`, home page).
            models.Index(fields=["happened_on", "action"], name="agreements_update_recent"),
        ]
        verbose_name = "progress update"

    def __str__(self):
        return f"{date_format(self.happened_on)}: {self.note[:60]}"
