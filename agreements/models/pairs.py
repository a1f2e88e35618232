"""Which pairs of states each instrument, meeting and follow-up belongs to: derived rows, kept by
triggers (migrations 0013 and 0015), never written by the app.

A busy pair holds a large share of everything: 68,000 instruments of a million. Asking "is KZ a
party, and is IL a party?" of each instrument makes PostgreSQL misjudge how many rows match and
read them all to count or order them. One row per pair of states per object, with copies of the
columns that the pair's pages count, filter and order by, turns each of those into one index range.

The triggers write these rows whenever a party, a meeting's state, an origin or one of the copied
columns changes, and keep a count of each pair's instruments per status; `refresh_all()` rebuilds
them all from scratch (after a load with triggers off).
"""

from django.db import connection, models
from django.db.models import F, Q

from agreements.models.follow_ups import FollowUpAction
from agreements.models.instruments import Instrument
from agreements.models.meetings import Meeting
from agreements.models.reference import ordered_pair


class PairQuerySet(models.QuerySet):
    def of(self, code_a: str, code_b: str):
        """The rows of one pair, given in either order."""
        first, second = ordered_pair(code_a, code_b)
        return self.filter(state_a=first, state_b=second)


class PairRow(models.Model):
    """Two state codes, the first before the second."""

    state_a = models.CharField(max_length=2)
    state_b = models.CharField(max_length=2)

    objects = PairQuerySet.as_manager()

    class Meta:
        abstract = True


class InstrumentPair(PairRow):
    """Two states both party to an instrument, with the instrument's status, signature date and
    title: a pair's counts per status and its latest instruments of each status."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "instrument_id")
    instrument = models.ForeignKey(
        Instrument, on_delete=models.CASCADE, related_name="pairs", db_index=False
    )
    status = models.CharField(max_length=30, choices=Instrument.Status)
    signed_on = models.DateField(null=True)
    status_since = models.DateField(null=True)
    title = models.CharField(max_length=500)

    class Meta:
        indexes = [
            models.Index(fields=["instrument"], name="agreements_instrpair_instr"),
            models.Index(
                "state_a",
                "state_b",
                "status",
                F("signed_on").desc(nulls_last=True),
                "title",
                "instrument",
                name="agreements_instrpair_status",
            ),
            # The radar of a pair: its rules by signature date and by the date of the status.
            models.Index(
                "state_a",
                "state_b",
                "status",
                "signed_on",
                "instrument",
                name="agreements_instrpair_signed",
            ),
            models.Index(
                "state_a",
                "state_b",
                "status",
                "status_since",
                "instrument",
                name="agreements_instrpair_since",
            ),
        ]

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: instrument {self.instrument_id}"


class InstrumentPairCount(PairRow):
    """How many instruments of a pair stand at a status: the relationship page's pipeline, one
    row per status however many instruments (kept by a statement trigger on the pair rows)."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "status")
    status = models.CharField(max_length=30, choices=Instrument.Status)
    instruments = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: {self.instruments} {self.status}"


class FollowUpPairCount(PairRow):
    """How many follow-ups of a pair stand at a status, dated or not, assigned or not: the
    home page's open, undated and unassigned counts, one row per combination however many
    follow-ups (kept by statement triggers on the pair rows, migration 0018)."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "status", "is_dated", "is_assigned")
    status = models.CharField(max_length=20, choices=FollowUpAction.Status)
    is_dated = models.BooleanField()
    is_assigned = models.BooleanField()
    actions = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: {self.actions} {self.status}"


class MeetingPair(PairRow):
    """Two states that both took part in a meeting, with its start: a pair's latest meetings."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "meeting_id")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="pairs", db_index=False
    )
    starts_on = models.DateField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["meeting"], name="agreements_meetingpair_meeting"),
            models.Index(
                "state_a",
                "state_b",
                F("starts_on").desc(nulls_first=True),
                F("meeting").desc(),
                name="agreements_meetingpair_latest",
            ),
        ]

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: meeting {self.meeting_id}"


class FollowUpPair(PairRow):
    """Two states that a follow-up belongs to (those of the meeting or instrument where it was
    promised), with what the board counts and orders by: status, agreed and due dates, title."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "action_id")
    action = models.ForeignKey(
        FollowUpAction, on_delete=models.CASCADE, related_name="pairs", db_index=False
    )
    status = models.CharField(max_length=20, choices=FollowUpAction.Status)
    agreed_on = models.DateField()
    due_on = models.DateField(null=True)
    title = models.CharField(max_length=300)
    # Someone answers for it: a responsible state, organization or contact.
    is_assigned = models.BooleanField(db_default=False)

    class Meta:
        indexes = [
            models.Index(fields=["action"], name="agreements_actionpair_action"),
            # The home page's date-relative counts read only the open rows due from today on and
            # those agreed in the last 90 days: the few that are not yet overdue or stale.
            models.Index(
                "due_on",
                "state_a",
                "state_b",
                condition=Q(status__in=FollowUpAction.OPEN_STATUSES, due_on__isnull=False),
                name="agreements_actionpair_open_due",
            ),
            models.Index(
                "agreed_on",
                "state_a",
                "state_b",
                condition=Q(status__in=FollowUpAction.OPEN_STATUSES),
                name="agreements_actionpair_open_agr",
            ),
            # Open ones by due date: the board's order; with agreed_on and status, the board's
            # counts of overdue, due soon and stale ones read from the index alone.
            models.Index(
                "state_a",
                "state_b",
                F("due_on").asc(nulls_last=True),
                "title",
                "action",
                "agreed_on",
                "status",
                condition=Q(status__in=FollowUpAction.OPEN_STATUSES),
                name="agreements_actionpair_open",
            ),
        ]

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: follow-up {self.action_id}"


DERIVED_MODELS = [InstrumentPair, InstrumentPairCount, MeetingPair, FollowUpPair, FollowUpPairCount]
PAIR_ROWS = {Instrument: InstrumentPair, Meeting: MeetingPair, FollowUpAction: FollowUpPair}
# Query parameters that change neither which rows a list holds nor how many.
LAYOUT_PARAMETERS = {"page", "page_size", "ordering", "format"}


def pair_rows_for_list(model, values):
    """For a list of `model` filtered by nothing but a pair, that pair's rows: as many as the
    list's, and cheaper to count. Otherwise None.

    `values`: the list's query parameters or its filter form's cleaned data, name → value. Empty
    values are no filter, as for the filters themselves, which have already refused a bad pair."""
    given = {
        name: value
        for name, value in values.items()
        if name not in LAYOUT_PARAMETERS and value not in (None, "", [])
    }
    codes = str(given.get("pair", "")).split("-")
    if model not in PAIR_ROWS or set(given) != {"pair"} or len(codes) != 2:
        return None
    return PAIR_ROWS[model].objects.of(*codes)


def refresh_all() -> None:
    """Rebuild every pair row from the parties, meetings' states and origins."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT agreements_refresh_all_pairs()")
        cursor.execute("SELECT agreements_refresh_pair_counts()")
        cursor.execute("SELECT agreements_refresh_follow_up_pair_counts()")
