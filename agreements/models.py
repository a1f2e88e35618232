"""What Bilateral records: states, the people and bodies that act for them, the instruments they
agree, the meetings where they agree them, the follow-ups they promise, and the sources of it all.

Statuses are written here once, with their allowed transitions as data; `services.py` is the only
place that changes them.
"""

import datetime

import pghistory
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Max, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Greatest
from django.utils import timezone

DUE_SOON_DAYS = 30
STALE_AFTER_DAYS = 90


def today() -> datetime.date:
    return timezone.localdate()


# --- Reference data ---------------------------------------------------------------------------


class State(models.Model):
    """A sovereign state, identified by its ISO 3166-1 alpha-2 code (loaded by a data migration)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    official_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A body acting for a state: a ministry, an agency, a parliament, a company."""

    class Kind(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", "Office of the head of state"
        GOVERNMENT = "government", "Government"
        MINISTRY = "ministry", "Ministry"
        AGENCY = "agency", "Agency"
        PARLIAMENT = "parliament", "Parliament"
        COMPANY = "company", "Company"
        BUSINESS_ASSOCIATION = "business_association", "Business association"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="organizations")
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.MINISTRY)

    class Meta:
        ordering = ["state__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["state", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_state",
                violation_error_message="This state already has an organization of that name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.state_id})"


class Person(models.Model):
    """Someone who signs, hosts or takes part: named with the position held at the time."""

    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    email = models.EmailField(
        blank=True, help_text="For reminders of the follow-ups they answer for."
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"

    def __str__(self):
        return f"{self.name}, {self.position}" if self.position else self.name


class Sector(models.Model):
    """A field of cooperation from a controlled list (agriculture, visas, public diplomacy…)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """A document that a recorded fact comes from."""

    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True, verbose_name="URL")
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True)
    excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_on", "title", "id"]

    def __str__(self):
        return self.title


# --- Meetings ---------------------------------------------------------------------------------


class MeetingQuerySet(models.QuerySet):
    def for_pair(self, code_a: str, code_b: str):
        """Meetings in which both states took part."""
        through = Meeting.states.through
        return self.filter(
            Exists(through.objects.filter(meeting=OuterRef("pk"), state=code_a.upper())),
            Exists(through.objects.filter(meeting=OuterRef("pk"), state=code_b.upper())),
        )


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

    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=30, choices=Kind)
    round_number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For recurring meetings: 12 for the 12th round."
    )
    status = models.CharField(max_length=20, choices=Status, default=Status.HELD)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
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
        constraints = [
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


# --- Instruments ------------------------------------------------------------------------------


def _given_exactly_for(rule: str, field: str) -> Q:
    """The rule's parameter is filled when that rule is chosen, and only then."""
    return (Q(entry_into_force_rule=rule) & Q(**{f"{field}__isnull": False})) | (
        ~Q(entry_into_force_rule=rule) & Q(**{f"{field}__isnull": True})
    )


class InstrumentQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(status=Instrument.Status.IN_FORCE)

    def with_party(self, code: str):
        return self.filter(
            Exists(InstrumentParty.objects.filter(instrument=OuterRef("pk"), state=code.upper()))
        )

    def for_pair(self, code_a: str, code_b: str):
        """Instruments to which both states are parties."""
        return self.with_party(code_a).with_party(code_b)

    def with_projection(self):
        """What the entry-into-force projection reads: parties with their states, party actions
        (two queries however many instruments)."""
        return self.prefetch_related(
            models.Prefetch("parties", InstrumentParty.objects.select_related("state")),
            "party_actions",
        )

    def awaiting_entry_into_force(self):
        """Signed (or provisionally applied) instruments whose rule may bring them into force."""
        return self.filter(
            status__in=[Instrument.Status.SIGNED, Instrument.Status.PROVISIONALLY_APPLIED]
        ).exclude(entry_into_force_rule="")


class Instrument(models.Model):
    """A treaty, agreement, memorandum or other text two or more states agree to, tracked from the
    first stated intent to entry into force and beyond.

    `status`, `signed_on` and `in_force_on` are copies of what the status history says, written only
    by `services.instrument_transition` and its siblings so that lists can filter on them.
    """

    class Kind(models.TextChoices):
        TREATY = "treaty", "Treaty"
        AGREEMENT = "agreement", "Agreement"
        CONVENTION = "convention", "Convention"
        PROTOCOL = "protocol", "Protocol"
        MEMORANDUM = "memorandum", "Memorandum of understanding"
        EXCHANGE_OF_NOTES = "exchange_of_notes", "Exchange of notes"
        JOINT_STATEMENT = "joint_statement", "Joint statement"
        DECLARATION = "declaration", "Declaration or statement of intent"
        PROGRAMME = "programme", "Programme or roadmap"
        COMMERCIAL = "commercial", "Commercial agreement"
        OTHER = "other", "Other"

    class Level(models.TextChoices):
        STATE = "state", "State"
        GOVERNMENT = "government", "Government"
        MINISTRY = "ministry", "Ministry or agency"
        COMMERCIAL = "commercial", "Commercial"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        UNDER_NEGOTIATION = "under_negotiation", "Under negotiation"
        TEXT_AGREED = "text_agreed", "Text agreed"
        SIGNED = "signed", "Signed"
        PROVISIONALLY_APPLIED = "provisionally_applied", "Provisionally applied"
        IN_FORCE = "in_force", "In force"
        SUSPENDED = "suspended", "Suspended"
        TERMINATED = "terminated", "Terminated"
        ABANDONED = "abandoned", "Abandoned"

    # The one map of allowed status changes. Steps may be skipped where the world skips them
    # (a memorandum signed and in effect the same day), but nothing is in force unsigned, and
    # `abandoned` is only for intent that never became a signed text.
    TRANSITIONS = {
        Status.PROPOSED: [
            Status.UNDER_NEGOTIATION,
            Status.TEXT_AGREED,
            Status.SIGNED,
            Status.ABANDONED,
        ],
        Status.UNDER_NEGOTIATION: [Status.TEXT_AGREED, Status.SIGNED, Status.ABANDONED],
        Status.TEXT_AGREED: [Status.UNDER_NEGOTIATION, Status.SIGNED, Status.ABANDONED],
        Status.SIGNED: [Status.PROVISIONALLY_APPLIED, Status.IN_FORCE, Status.TERMINATED],
        Status.PROVISIONALLY_APPLIED: [Status.IN_FORCE, Status.TERMINATED],
        Status.IN_FORCE: [Status.SUSPENDED, Status.TERMINATED],
        Status.SUSPENDED: [Status.IN_FORCE, Status.TERMINATED],
        Status.TERMINATED: [],
        Status.ABANDONED: [],
    }

    class TerminationType(models.TextChoices):
        EXPIRED = "expired", "Expired"
        DENOUNCED = "denounced", "Denounced"
        REPLACED = "replaced", "Replaced"
        MUTUAL_CONSENT = "mutual_consent", "By mutual consent"

    class EntryIntoForceRule(models.TextChoices):
        ON_SIGNATURE = "on_signature", "On signature"
        FIXED_DATE = "fixed_date", "On a fixed date"
        DAYS_AFTER_LAST_NOTIFICATION = (
            "days_after_last_notification",
            "N days after the last notification",
        )
        FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION = (
            "first_day_of_month_after_last_notification",
            "First day of the Nth month after the last notification",
        )

    title = models.CharField(max_length=500)
    short_title = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=30, choices=Kind)
    is_binding = models.BooleanField(
        "binding", default=True, help_text="Binding under international law (a treaty) or not."
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.GOVERNMENT)
    status = models.CharField(
        max_length=30, choices=Status, default=Status.PROPOSED, editable=False, db_index=True
    )
    signed_on = models.DateField(null=True, blank=True, editable=False, db_index=True)
    signature_place = models.CharField(max_length=200, blank=True)
    in_force_on = models.DateField("entered into force on", null=True, blank=True, editable=False)
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.SET_NULL,
        related_name="instruments",
        null=True,
        blank=True,
        help_text="The meeting at which it was signed (or agreed).",
    )
    entry_into_force_rule = models.CharField(
        max_length=50, choices=EntryIntoForceRule, blank=True, help_text="Leave empty if unknown."
    )
    entry_into_force_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="N, for 'N days after the last notification'."
    )
    entry_into_force_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="N, for 'the first day of the Nth month after the last notification'.",
    )
    entry_into_force_date = models.DateField(
        null=True, blank=True, help_text="For 'on a fixed date'."
    )
    duration_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for an indefinite duration."
    )
    renews_tacitly = models.BooleanField(
        default=False, help_text="Renewed automatically unless a party gives notice."
    )
    sectors = models.ManyToManyField(Sector, related_name="instruments", blank=True)
    sources = models.ManyToManyField(Source, related_name="instruments", blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(in_force_on__isnull=True)
                | Q(signed_on__isnull=True)
                | Q(in_force_on__gte=F("signed_on")),
                name="%(app_label)s_%(class)s_in_force_after_signature",
                violation_error_message="The entry-into-force date cannot be before signature.",
            ),
            models.CheckConstraint(
                condition=_given_exactly_for(
                    "days_after_last_notification", "entry_into_force_days"
                ),
                name="%(app_label)s_%(class)s_days_given_for_days_rule",
                violation_error_message=(
                    "Give the number of days exactly when the rule is "
                    "'N days after the last notification'."
                ),
            ),
            models.CheckConstraint(
                condition=_given_exactly_for(
                    "first_day_of_month_after_last_notification", "entry_into_force_months"
                ),
                name="%(app_label)s_%(class)s_months_given_for_month_rule",
                violation_error_message=(
                    "Give the number of months exactly when the rule is "
                    "'first day of the Nth month after the last notification'."
                ),
            ),
            models.CheckConstraint(
                condition=_given_exactly_for("fixed_date", "entry_into_force_date"),
                name="%(app_label)s_%(class)s_date_given_for_fixed_date_rule",
                violation_error_message="Give the date exactly when the rule is 'on a fixed date'.",
            ),
            models.CheckConstraint(
                condition=Q(entry_into_force_months__isnull=True)
                | Q(entry_into_force_months__gte=1),
                name="%(app_label)s_%(class)s_months_at_least_one",
                violation_error_message="The number of months must be at least 1.",
            ),
        ]

    def __str__(self):
        return self.short_title or self.title

    @property
    def status_label(self) -> str:
        """The status as people say it: a non-binding text is "in effect", not "in force"."""
        if self.status == self.Status.IN_FORCE and not self.is_binding:
            return "In effect"
        return self.get_status_display()

    def allowed_transitions(self) -> list:
        return list(self.TRANSITIONS[self.Status(self.status)])

    def entry_into_force(self):
        """The projected entry-into-force date and the steps still missing (see
        `entry_into_force.py`); reads the parties and party actions, prefetched or not."""
        from agreements.entry_into_force import project

        return project(self)

    @property
    def projected_in_force_on(self):
        return self.entry_into_force().projected_on

    @property
    def missing_steps(self) -> list[str]:
        return [str(step) for step in self.entry_into_force().missing_steps]


class InstrumentParty(models.Model):
    """A state that is party to an instrument, with who signed for it."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="parties")
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="instrument_parties")
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        help_text="The body that signed for this state.",
    )
    signatory = models.ForeignKey(Person, on_delete=models.PROTECT, null=True, blank=True)

    class Meta:
        ordering = ["instrument_id", "state__name"]
        verbose_name_plural = "instrument parties"
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "state"],
                name="%(app_label)s_%(class)s_unique_state",
                violation_error_message="This state is already a party to the instrument.",
            ),
        ]

    def __str__(self):
        return str(self.state)


class PartyAction(models.Model):
    """Something one party does on its own: ratifies, notifies, applies provisionally…

    A composite foreign key (added in migration 0003) ties (instrument, state) to a row of
    InstrumentParty, so only a party can act.
    """

    class Action(models.TextChoices):
        SIGNATURE = "signature", "Signature"
        RATIFICATION = "ratification", "Ratification"
        APPROVAL = "approval", "Approval"
        ACCEPTANCE = "acceptance", "Acceptance"
        NOTIFICATION = "notification", "Notification that internal procedures are complete"
        PROVISIONAL_APPLICATION = "provisional_application", "Provisional application"
        DENUNCIATION = "denunciation", "Denunciation"

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="party_actions"
    )
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="party_actions")
    action = models.CharField(max_length=30, choices=Action)
    taken_on = models.DateField()
    reference = models.CharField(
        max_length=200, blank=True, help_text="For example the number of the note verbale."
    )
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, related_name="party_actions", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["instrument_id", "taken_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "state", "action"],
                name="%(app_label)s_%(class)s_once_per_party",
                violation_error_message="This party has already taken that action.",
            ),
        ]

    def __str__(self):
        return f"{self.state_id} {self.get_action_display().lower()} on {self.taken_on}"

    def clean(self):
        if self.instrument_id and self.state_id:
            is_party = InstrumentParty.objects.filter(
                instrument_id=self.instrument_id, state_id=self.state_id
            ).exists()
            if not is_party:
                name = State.objects.filter(pk=self.state_id).values_list("name", flat=True)
                raise ValidationError(
                    {"state": f"{name.first() or self.state_id} is not a party to this instrument."}
                )
        if self.taken_on and self.taken_on > today():
            raise ValidationError(
                {"taken_on": "An action that has not happened yet cannot be recorded."}
            )


class InstrumentLink(models.Model):
    """How one instrument relates to another: amends it, implements it, replaces it…"""

    class Relation(models.TextChoices):
        AMENDS = "amends", "Amends"
        SUPPLEMENTS = "supplements", "Supplements"
        IMPLEMENTS = "implements", "Implements"
        REPLACES = "replaces", "Replaces"
        PROTOCOL_TO = "protocol_to", "Is a protocol to"

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="links")
    relation = models.CharField(max_length=20, choices=Relation)
    target = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="linked_from")

    class Meta:
        ordering = ["instrument_id", "relation", "target_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "relation", "target"],
                name="%(app_label)s_%(class)s_unique",
                violation_error_message="This link is already recorded.",
            ),
            models.CheckConstraint(
                condition=~Q(instrument=F("target")),
                name="%(app_label)s_%(class)s_not_to_itself",
                violation_error_message="An instrument cannot be linked to itself.",
            ),
        ]

    def __str__(self):
        return f"{self.instrument} {self.get_relation_display().lower()} {self.target}"


class StatusChangeQuerySet(models.QuerySet):
    def effective(self):
        """The rows that count: those not retracted as mistaken."""
        return self.filter(retracted_at__isnull=True)

    def in_world_order(self):
        # The current status is the latest row by the date it happened; ties in recorded order.
        return self.order_by("happened_on", "id")


class StatusChange(models.Model):
    """One change of an instrument's status, as it happened in the world and as it was recorded.

    A mistaken row is never edited or deleted: it is retracted (who, when, why), and the row that
    corrects it points back at it.
    """

    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=30, choices=Instrument.Status, blank=True)
    to_status = models.CharField(max_length=30, choices=Instrument.Status)
    happened_on = models.DateField()
    termination_type = models.CharField(
        max_length=20, choices=Instrument.TerminationType, blank=True
    )
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, related_name="status_changes", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the application recorded it (an entry into force under its rule).",
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    corrects = models.ForeignKey(
        "self",
        # History rows are only ever deleted with their instrument, all together.
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrections",
        help_text="The mistaken row this one replaces.",
    )
    retracted_at = models.DateTimeField(null=True, blank=True)
    retracted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    retraction_reason = models.TextField(blank=True)

    objects = StatusChangeQuerySet.as_manager()

    class Meta:
        ordering = ["instrument_id", "happened_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(to_status="terminated") | Q(termination_type=""),
                name="%(app_label)s_%(class)s_termination_type_only_when_terminated",
                violation_error_message="Only a termination has a termination type.",
            ),
            models.CheckConstraint(
                condition=~Q(to_status="terminated") | ~Q(termination_type=""),
                name="%(app_label)s_%(class)s_termination_needs_type",
                violation_error_message=(
                    "Say how it ended: expired, denounced, replaced or by mutual consent."
                ),
            ),
            models.CheckConstraint(
                condition=Q(retracted_at__isnull=True) | ~Q(retraction_reason=""),
                name="%(app_label)s_%(class)s_retraction_needs_reason",
                violation_error_message="Say why the entry is retracted.",
            ),
        ]

    def __str__(self):
        label = self.get_to_status_display()
        return f"{label} on {self.happened_on}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None


# --- Follow-up actions ------------------------------------------------------------------------


class FollowUpActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=FollowUpAction.OPEN_STATUSES)

    def overdue(self, on: datetime.date | None = None):
        return self.open().filter(due_on__lt=on or today())

    def due_soon(self, on: datetime.date | None = None):
        on = on or today()
        return self.open().filter(
            due_on__gte=on, due_on__lte=on + datetime.timedelta(days=DUE_SOON_DAYS)
        )

    def with_last_activity(self):
        # PostgreSQL's GREATEST ignores NULLs: with no update, the day it was agreed counts.
        # Django drops Meta.ordering from aggregated queries; keep it, so pages stay stable.
        return self.annotate(
            last_activity_on=Greatest("agreed_on", Max("updates__happened_on"))
        ).order_by(*FollowUpAction._meta.ordering)

    def stale(self, on: datetime.date | None = None):
        cutoff = (on or today()) - datetime.timedelta(days=STALE_AFTER_DAYS)
        return self.open().with_last_activity().filter(last_activity_on__lt=cutoff)

    def for_pair(self, code_a: str, code_b: str):
        """Follow-ups of meetings both states attended or instruments both are party to."""
        meetings = Meeting.objects.for_pair(code_a, code_b)
        instruments = Instrument.objects.for_pair(code_a, code_b)
        return self.filter(Q(origin_meeting__in=meetings) | Q(origin_instrument__in=instruments))


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
    agreed_on = models.DateField(default=today, help_text="When it was promised.")
    due_on = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=20, choices=Status, default=Status.PLANNED, editable=False, db_index=True
    )
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
    happened_on = models.DateField(default=today)
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
        verbose_name = "progress update"

    def __str__(self):
        return f"{self.happened_on}: {self.note[:60]}"


# --- Indicators -------------------------------------------------------------------------------


class Indicator(models.Model):
    """A figure for a pair of states over a period, such as a year's trade turnover."""

    class Metric(models.TextChoices):
        TRADE_TURNOVER = "trade_turnover", "Trade turnover"
        EXPORTS = "exports", "Exports (first state to second)"
        IMPORTS = "imports", "Imports (first state from second)"
        INVESTMENT = "investment", "Investment"
        VISITORS = "visitors", "Visitors"
        OTHER = "other", "Other"

    state_a = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    state_b = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=30, choices=Metric)
    period_start = models.DateField()
    period_end = models.DateField()
    value = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=40, help_text="For example 'USD million'.")
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, related_name="indicators", blank=True)

    class Meta:
        ordering = ["state_a_id", "state_b_id", "metric", "-period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state_a=F("state_b")),
                name="%(app_label)s_%(class)s_two_different_states",
                violation_error_message="An indicator is for two different states.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["state_a", "state_b", "metric", "period_start", "period_end"],
                name="%(app_label)s_%(class)s_unique_per_period",
                violation_error_message=(
                    "This figure is already recorded for this pair and period."
                ),
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_metric_display()} {self.state_a_id}–{self.state_b_id}, "
            f"{self.period_start}–{self.period_end}: {self.value.normalize():f} {self.unit}"
        )

    @property
    def pair(self) -> str:
        return f"{self.state_a_id}-{self.state_b_id}"


# --- The changes feed -------------------------------------------------------------------------


class ChangeQuerySet(models.QuerySet):
    def finished(self):
        """Only changes of transactions that have ended. A transaction still open may commit
        changes numbered below ones already shown; hiding everything from the oldest open
        transaction on means a reader walking (txid, id) never skips a row that appears later."""
        oldest_open = RawSQL("pg_snapshot_xmin(pg_current_snapshot())::text::bigint", [])
        return self.filter(txid__lt=oldest_open)

    def after(self, change: "Change"):
        return self.filter(Q(txid__gt=change.txid) | Q(txid=change.txid, id__gt=change.id))


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


# --- Audit trail ------------------------------------------------------------------------------
# django-pghistory installs row-level triggers that copy every inserted, updated and deleted row of
# these tables into an event table beside it (`<Model>Event`), with the request's context (user,
# token, URL, request id). Triggers, not signals: the admin, the API, a command, a bulk update
# and raw SQL are all recorded. The changes feed is written from these event rows (migration 0007).

AUDITED_MODELS = [
    State,
    Organization,
    Person,
    Sector,
    Source,
    Meeting,
    Instrument,
    InstrumentParty,
    PartyAction,
    InstrumentLink,
    StatusChange,
    FollowUpAction,
    ActionUpdate,
    Indicator,
]
AUDITED_RELATIONS = [
    Meeting.states,
    Meeting.people,
    Meeting.organizations,
    Meeting.sectors,
    Meeting.sources,
    Instrument.sectors,
    Instrument.sources,
    PartyAction.sources,
    StatusChange.sources,
    FollowUpAction.sectors,
    FollowUpAction.sources,
    ActionUpdate.sources,
    Indicator.sources,
]


def _audit(model, model_name: str):
    pghistory.track(
        pghistory.InsertEvent(),
        pghistory.UpdateEvent(),
        pghistory.DeleteEvent(),
        model_name=model_name,
        app_label="agreements",
        obj_field=pghistory.ObjForeignKey(related_name="audit_events"),
    )(model)


for _model in AUDITED_MODELS:
    _audit(_model, f"{_model.__name__}Event")

for _relation in AUDITED_RELATIONS:
    # A many-to-many table ("agreements_instrument_sources") is tracked through a proxy model of
    # its auto-created row model, as django-pgtrigger needs; its rows are added and removed.
    _through = _relation.through
    _name = _relation.field.model.__name__ + _relation.field.name.title()
    _proxy = type(
        _name,
        (_through,),
        {
            "__module__": __name__,
            "Meta": type("Meta", (), {"proxy": True, "app_label": "agreements"}),
        },
    )
    globals()[_name] = _proxy
    _audit(_proxy, f"{_name}Event")
