"""Meetings: official visits, consultations, commissions and forums, where instruments are
agreed and follow-ups promised."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Q, Value

from agreements.models.dates import validate_not_too_late
from agreements.models.orderings import MEETING_ORDERINGS, ordering_indexes
from agreements.models.reference import (
    Organization,
    Person,
    Sector,
    Source,
    State,
    ordered_pair,
    unique_reference,
)


class MeetingQuerySet(models.QuerySet):
    def for_pair(self, code_a: str, code_b: str):
        """Meetings in which both states took part (read from their pair rows)."""
        first, second = ordered_pair(code_a, code_b)
        return self.filter(pairs__state_a=first, pairs__state_b=second)

    def newest_first(self):
        """Newest day first; of a day, the weightiest first (`Meeting.weight`)."""
        weight = Func(
            Value([str(kind) for kind in Meeting.KIND_WEIGHT], ArrayField(models.CharField())),
            F("kind"),
            function="array_position",
            output_field=models.IntegerField(),
        )
        return self.order_by(F("starts_on").desc(nulls_last=True), weight, "id")


class Meeting(models.Model):
    """A visit, a round of consultations, a commission, a forum: where instruments get agreed."""

    class Kind(models.TextChoices):
        STATE_VISIT = "state_visit", "State visit"
        OFFICIAL_VISIT = "official_visit", "Official visit"
        WORKING_VISIT = "working_visit", "Working visit"
        POLITICAL_CONSULTATIONS = "political_consultations", "Political consultations"
        JOINT_COMMISSION = "joint_commission", "Joint or intergovernmental commission"
        BUSINESS_FORUM = "business_forum", "Business forum"
        SUMMIT = "summit", "Summit"
        CALL = "call", "Call"
        CEREMONY = "ceremony", "Ceremony"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        POSTPONED = "postponed", "Postponed"
        CANCELLED = "cancelled", "Cancelled"

    # Which of a day's meetings stands for the day where one is named (the relationship's "last
    # meeting", the home page's "latest meeting"): the weightiest kind, a visit before a
    # ceremony; of the same kind, the first recorded.
    KIND_WEIGHT = [
        Kind.STATE_VISIT,
        Kind.SUMMIT,
        Kind.OFFICIAL_VISIT,
        Kind.WORKING_VISIT,
        Kind.JOINT_COMMISSION,
        Kind.POLITICAL_CONSULTATIONS,
        Kind.CALL,
        Kind.BUSINESS_FORUM,
        Kind.CEREMONY,
        Kind.OTHER,
    ]

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the ministry's own register calls it; an imported register's rows are "
        "matched to meetings by it.",
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind)
    round_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For recurring meetings: 12 for the 12th round."
    )
    series = models.ForeignKey(
        "MeetingSeries",
        on_delete=models.PROTECT,
        related_name="rounds",
        null=True,
        blank=True,
        help_text="The recurring series this meeting is a round of.",
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.HELD)
    starts_on = models.DateField(null=True, blank=True, validators=[validate_not_too_late])
    ends_on = models.DateField(null=True, blank=True, validators=[validate_not_too_late])
    place = models.CharField(max_length=200, blank=True)
    host = models.ForeignKey(
        State, on_delete=models.PROTECT, related_name="hosted_meetings", null=True, blank=True
    )
    states = models.ManyToManyField(
        State, related_name="meetings", verbose_name="participating states"
    )
    people = models.ManyToManyField(Person, related_name="meetings", blank=True)
    organizations = models.ManyToManyField(Organization, related_name="meetings", blank=True)
    sectors = models.ManyToManyField(Sector, related_name="meetings", blank=True)
    sources = models.ManyToManyField(Source, related_name="meetings", blank=True)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = [F("starts_on").desc(nulls_first=True), "title", "id"]
        indexes = [
            # The lists read pages in this order.
            models.Index(*ordering, name="agreements_meeting_order"),
            *ordering_indexes("meeting", MEETING_ORDERINGS),
        ]
        constraints = [
            unique_reference("meeting"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="%(app_label)s_%(class)s_ends_after_start",
                violation_error_message="A meeting cannot end before it starts.",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=False),
                name="%(app_label)s_%(class)s_end_needs_start",
                violation_error_message="Give the start date of a meeting that has an end date.",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["scheduled", "held"]) | Q(starts_on__isnull=False),
                name="%(app_label)s_%(class)s_dated_when_scheduled_or_held",
                violation_error_message="A scheduled or held meeting needs its start date.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def weight(self) -> tuple[int, int]:
        """Its place among its day's meetings: KIND_WEIGHT, then the first recorded."""
        return (self.KIND_WEIGHT.index(self.kind), self.pk)


class MeetingSeries(models.Model):
    """A recurring commitment between two states: rounds of political consultations between their
    foreign ministries, a joint commission's sessions, an annual forum. Its meetings are its
    rounds; with an expected interval, the series knows when the next round is due
    (`agreements/series.py`). Without one, nothing is due: the interval is never guessed."""

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Meeting.Kind)
    state_a = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    state_b = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    interval_months = models.PositiveSmallIntegerField(
        "expected interval (months)",
        null=True,
        blank=True,
        help_text="12 for yearly rounds. Leave empty when no interval is stated.",
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["title", "id"]
        verbose_name_plural = "meeting series"
        constraints = [
            models.CheckConstraint(
                condition=~Q(state_a=F("state_b")),
                name="%(app_label)s_%(class)s_two_different_states",
                violation_error_message="A series is between two different states.",
            ),
            models.CheckConstraint(
                condition=Q(interval_months__isnull=True) | Q(interval_months__gte=1),
                name="%(app_label)s_%(class)s_interval_at_least_one",
                violation_error_message="The interval must be at least one month.",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def pair(self) -> str:
        return "-".join(ordered_pair(self.state_a_id, self.state_b_id))
