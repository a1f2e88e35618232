"""Instruments from intent to in force: the parties, what each party did, links between
instruments, and the status history. Statuses and their allowed transitions are written here
once; `services.py` is the only place that changes them."""

import pgtrigger
from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone
from django.utils.formats import date_format

from agreements.models.dates import today, validate_not_too_late
from agreements.models.entry_into_force import (
    NOTIFICATION_RULES,
    EntryIntoForceRule,
    Projection,
    project_terms,
)
from agreements.models.meetings import Meeting
from agreements.models.orderings import INSTRUMENT_ORDERINGS, ordering_indexes
from agreements.models.reference import (
    Organization,
    Person,
    Sector,
    Source,
    State,
    Subject,
    ordered_pair,
    unique_reference,
)


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
        """Instruments to which both states are parties (read from their pair rows)."""
        first, second = ordered_pair(code_a, code_b)
        return self.filter(pairs__state_a=first, pairs__state_b=second)

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


# The statuses in which an instrument's term runs; running with a term (worked out by
# `agreements.models.terms`): the rows of the radar's expiries and renewals.
RUNNING = ("in_force", "suspended")
RUNNING_WITH_A_TERM = Q(status__in=RUNNING, term_ends_on__isnull=False)


def term_index(*columns, renews: bool, name: str) -> models.Index:
    """An index of the running instruments (or pair rows) with a term, renewing or not."""
    return models.Index(
        *columns, condition=RUNNING_WITH_A_TERM & Q(renews_tacitly=renews), name=name
    )


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
    # The road from intent to in force, in order; suspended, terminated and abandoned are off it.
    ROAD = [
        Status.PROPOSED,
        Status.UNDER_NEGOTIATION,
        Status.TEXT_AGREED,
        Status.SIGNED,
        Status.PROVISIONALLY_APPLIED,
        Status.IN_FORCE,
    ]
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

    EntryIntoForceRule = EntryIntoForceRule

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the ministry's own register calls it; an imported register's rows are "
        "matched to instruments by it.",
    )
    title = models.CharField(max_length=500)
    short_title = models.CharField(max_length=120, blank=True)
    kind = models.CharField(max_length=30, choices=Kind)
    is_binding = models.BooleanField(
        "binding", default=True, help_text="Binding under international law (a treaty) or not."
    )
    level = models.CharField(max_length=20, choices=Level, default=Level.GOVERNMENT)
    status = models.CharField(
        max_length=30, choices=Status, default=Status.PROPOSED, editable=False
    )
    signed_on = models.DateField(null=True, blank=True, editable=False)
    signature_place = models.CharField(max_length=200, blank=True)
    in_force_on = models.DateField("entered into force on", null=True, blank=True, editable=False)
    # The day its current status was reached (its latest effective status change), kept beside the
    # status like the two dates above: the radar selects and orders "going nowhere" and "long
    # provisional application" by it through an index, instead of a subquery per instrument.
    status_since = models.DateField(null=True, blank=True, editable=False)
    # The period of its duration running when it was last worked out (`agreements.models.terms`,
    # which writes them): its first day, its end, and the first date that matters (the last day to
    # give notice, or the end). The radar's expiries and renewals are index ranges of them.
    term_starts_on = models.DateField(null=True, editable=False)
    term_ends_on = models.DateField(null=True, editable=False)
    term_matters_on = models.DateField(null=True, editable=False)
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
        null=True,
        blank=True,
        help_text="For 'on a fixed date'.",
        validators=[validate_not_too_late],
    )
    duration_years = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Leave empty for an indefinite duration."
    )
    renews_tacitly = models.BooleanField(
        default=False, help_text="Renewed automatically unless a party gives notice."
    )
    notice_months = models.PositiveSmallIntegerField(
        "notice period (months)",
        null=True,
        blank=True,
        help_text="Months of notice a party must give to denounce it or stop its renewal "
        "(6 for 'at least six months before it expires'). Leave empty if none is stated.",
    )
    sectors = models.ManyToManyField(Sector, related_name="instruments", blank=True)
    subjects = models.ManyToManyField(
        Subject,
        related_name="instruments",
        blank=True,
        help_text="The standard subjects it covers (the coverage grid reads them).",
    )
    sources = models.ManyToManyField(Source, related_name="instruments", blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = [F("signed_on").desc(nulls_last=True), "title", "id"]
        indexes = [
            # The lists read pages in this order, with or without a status filter.
            models.Index(*ordering, name="agreements_instr_order"),
            models.Index(
                "status",
                F("signed_on").desc(nulls_last=True),
                "title",
                "id",
                name="agreements_instr_status_order",
            ),
            # The radar's rules, each one index range in its own order (agreements/radar.py).
            models.Index("status", "signed_on", "id", name="agreements_instr_radar_sign"),
            models.Index("status", "status_since", "id", name="agreements_instr_radar_since"),
            # Expiries and expired terms; renewals by the end of their stored period, and those
            # whose stored period does not hold on the day asked about (agreements/radar.py).
            term_index("term_ends_on", "id", renews=False, name="agreements_instr_radar_fixed"),
            term_index("term_ends_on", "id", renews=True, name="agreements_instr_radar_renew"),
            term_index("term_starts_on", "id", renews=True, name="agreements_instr_radar_rstart"),
            # The longest notice period, which bounds how far ahead a listed end can be.
            models.Index(
                "notice_months",
                condition=Q(notice_months__isnull=False),
                name="agreements_instr_notice",
            ),
            # Full-text search (`filters.full_text`) reads this expression.
            GinIndex(
                SearchVector("title", "short_title", "notes", config="english"),
                name="agreements_instr_search",
            ),
            *ordering_indexes("instr", INSTRUMENT_ORDERINGS),
        ]
        constraints = [
            unique_reference("instrument"),
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
        return self.status_label_for(self.status, self.is_binding)

    @classmethod
    def status_label_for(cls, status: str, is_binding: bool) -> str:
        """The status as people say it: a non-binding text is "in effect", not "in force"."""
        if status == cls.Status.IN_FORCE and not is_binding:
            return "In effect"
        return STATUS_LABELS.get(status, status)

    def allowed_transitions(self) -> list:
        return list(self.TRANSITIONS[self.Status(self.status)])

    def entry_into_force(self) -> Projection:
        """The projected entry-into-force date and the steps still missing (see
        `models/entry_into_force.py`); reads the parties and party actions, prefetched or not, only
        when the rule waits for notifications."""
        parties, notified_on = [], {}
        if self.entry_into_force_rule in NOTIFICATION_RULES:
            parties = [(party.state_id, party.state.name) for party in self.parties.all()]
            notified_on = {
                action.state_id: action.taken_on
                for action in self.party_actions.all()
                if action.action == PartyAction.Action.NOTIFICATION
            }
        return project_terms(
            rule=self.entry_into_force_rule,
            signed_on=self.signed_on,
            fixed_on=self.entry_into_force_date,
            days=self.entry_into_force_days,
            months=self.entry_into_force_months,
            parties=parties,
            notified_on=notified_on,
        )

    @property
    def projected_in_force_on(self):
        return self.entry_into_force().projected_on

    @property
    def missing_steps(self) -> list[str]:
        return [str(step) for step in self.entry_into_force().missing_steps]


STATUS_LABELS = dict(Instrument.Status.choices)


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
        # "Instruments of this pair" reads the instruments of each state: index-only.
        indexes = [
            models.Index(fields=["state", "instrument"], name="agreements_party_state_instr")
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["instrument", "state"],
                name="%(app_label)s_%(class)s_unique_state",
                violation_error_message="This state is already a party to the instrument.",
            ),
        ]

    def __str__(self):
        return str(self.state)


def two_parties_at_commit(*, operation, instrument_id: str) -> pgtrigger.Trigger:
    """At commit, an instrument that still exists has at least two parties: a constraint trigger
    deferred to commit, so that an instrument and its parties are written in one transaction in
    any order. The services and the admin refuse the same earlier, in their own words
    (`services.validate_parties`); this is the last word, for raw SQL and bugs."""
    return pgtrigger.Trigger(
        name="two_parties",
        when=pgtrigger.After,
        operation=operation,
        timing=pgtrigger.Deferred,
        func=f"""
        IF EXISTS (SELECT 1 FROM agreements_instrument WHERE id = {instrument_id})
           AND (SELECT count(*) FROM agreements_instrumentparty
                WHERE instrument_id = {instrument_id}) < 2
        THEN
            RAISE EXCEPTION 'An instrument needs at least two parties (instrument %).',
                {instrument_id}
                USING ERRCODE = 'check_violation',
                      CONSTRAINT = 'agreements_instrument_two_parties';
        END IF;
        RETURN NULL;
        """,
    )


pgtrigger.register(two_parties_at_commit(operation=pgtrigger.Insert, instrument_id="NEW.id"))(
    Instrument
)
pgtrigger.register(
    two_parties_at_commit(
        operation=pgtrigger.Update | pgtrigger.Delete, instrument_id="OLD.instrument_id"
    )
)(InstrumentParty)


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
    taken_on = models.DateField(validators=[validate_not_too_late])
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

    # The steps that follow a signature: none of them can come before it.
    AFTER_SIGNATURE = (Action.RATIFICATION, Action.APPROVAL, Action.NOTIFICATION)

    def __str__(self):
        action = self.get_action_display().lower()
        return f"{self.state_id} {action} on {date_format(self.taken_on)}"

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
        self._refuse_acting_before_the_instrument()

    def _refuse_acting_before_the_instrument(self):
        """No party acts on an instrument before its intent was stated (the first entry of its
        history), nor ratifies, approves or notifies before it was signed."""
        if not (self.instrument_id and self.taken_on):
            return
        intent = (
            StatusChange.objects.filter(instrument_id=self.instrument_id)
            .effective()
            .in_world_order()
            .values_list("happened_on", flat=True)
            .first()
        )
        if intent and self.taken_on < intent:
            raise ValidationError(
                {
                    "taken_on": f"The intent to conclude this instrument was first stated on "
                    f"{date_format(intent)}: no party can act on it before that."
                }
            )
        signed_on = self.instrument.signed_on
        if self.action in self.AFTER_SIGNATURE and signed_on and self.taken_on < signed_on:
            raise ValidationError(
                {
                    "taken_on": f"{self.get_action_display()} cannot come before the signature "
                    f"on {date_format(signed_on)}."
                }
            )


class InstrumentLink(models.Model):
    """How one instrument relates to another: amends it, implements it, replaces it…"""

    class Relation(models.TextChoices):
        AMENDS = "amends", "Amends"
        SUPPLEMENTS = "supplements", "Supplements"
        IMPLEMENTS = "implements", "Implements"
        REPLACES = "replaces", "Replaces"
        PROTOCOL_TO = "protocol_to", "Is a protocol to"

    # The same relation read from its target: "X is amended by this one".
    PASSIVE_LABELS = {
        Relation.AMENDS: "Amended by",
        Relation.SUPPLEMENTS: "Supplemented by",
        Relation.IMPLEMENTS: "Implemented by",
        Relation.REPLACES: "Replaced by",
        Relation.PROTOCOL_TO: "Has as a protocol",
    }

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

    @property
    def passive_label(self) -> str:
        return self.PASSIVE_LABELS[self.Relation(self.relation)]


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
    happened_on = models.DateField(validators=[validate_not_too_late])
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
        indexes = [
            # "The latest events" of a relationship: newest first, across its instruments.
            models.Index(
                F("happened_on").desc(), F("id").desc(), name="agreements_statuschange_latest"
            )
        ]
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
        return f"{label} on {date_format(self.happened_on)}"

    @property
    def is_retracted(self) -> bool:
        return self.retracted_at is not None
