"""Which pairs of states each instrument, meeting and follow-up belongs to: derived rows, kept by
triggers declared here (django-pgtrigger installs them and `makemigrations` tracks them), never
written by the app.

A busy pair holds a large share of everything: 68,000 instruments of a million. Asking "is KZ a
party, and is IL a party?" of each instrument makes PostgreSQL misjudge how many rows match and
read them all to count or order them. One row per pair of states per object, with copies of the
columns that the pair's pages count, filter and order by, turns each of those into one index range.

The triggers write these rows whenever a party, a meeting's state, an origin or one of the copied
columns changes, and keep a count of each pair's instruments and follow-ups per status;
`refresh_all()` rebuilds them all from scratch (after a load with triggers off). The row triggers
call the SQL functions that rewrite one object's rows (`agreements_refresh_instrument_pairs(id)`
and its siblings, with `agreements_refresh_all_pairs()`): plain functions, not triggers, so they
are written in migrations 0013 and 0018, where they are explained (0030 adds `status_since`).

The coverage grid's counts per pair, subject and status (`SubjectPairCount`) are kept the same
way, by statement triggers on both tables they join: the pair rows and the subject tags.
"""

import pgtrigger
from django.db import connection, models
from django.db.models import F, Q

# The meeting_states and instrument_subjects tables, as models.
from agreements.models.audit_trail import InstrumentSubjects, MeetingStates
from agreements.models.follow_ups import FollowUpAction
from agreements.models.instruments import Instrument, InstrumentParty, term_index
from agreements.models.meetings import Meeting
from agreements.models.reference import Subject, ordered_pair
from agreements.models.terms import COLUMNS as TERM_COLUMNS

# The statement triggers' three events, with the transition tables each is given and the sign
# its rows count with (the rows a statement removed count negatively).
STATEMENT_EVENTS = [
    ("inserted", pgtrigger.Insert, pgtrigger.Referencing(new="new_rows"), {"new_rows": 1}),
    (
        "updated",
        pgtrigger.Update,
        pgtrigger.Referencing(old="old_rows", new="new_rows"),
        {"new_rows": 1, "old_rows": -1},
    ),
    ("deleted", pgtrigger.Delete, pgtrigger.Referencing(old="old_rows"), {"old_rows": -1}),
]


def counting_triggers(func, prefix: str = "count") -> list[pgtrigger.Trigger]:
    """Three statement triggers that run `func` once per statement over the rows it inserted,
    updated or deleted (`new_rows`, `old_rows`): one update of the counts however many rows. Three,
    because PostgreSQL gives transition tables only to a trigger of one event. `func` is the
    function's body, or makes it from the transition tables and their signs."""
    return [
        pgtrigger.Trigger(
            name=f"{prefix}_{name}",
            when=pgtrigger.After,
            operation=operation,
            level=pgtrigger.Statement,
            referencing=referencing,
            func=func if isinstance(func, str) else func(signs),
        )
        for name, operation, referencing, signs in STATEMENT_EVENTS
    ]


def subject_count_changes(*, pairs: str, tags: str) -> str:
    """The body of a trigger that moves the coverage grid's counts (`SubjectPairCount`) by what a
    statement changed: the pair rows it wrote or removed (`pairs`) against every subject tag, or
    the tags it wrote or removed (`tags`) against every pair row; each a SELECT whose `n` is +1
    for a row written and -1 for one removed.

    First the counts: they only rise by INSERT … ON CONFLICT and only fall by UPDATE, because a
    negative count would break the check on the column before the conflict is seen. Every cell
    the statement touched is written, even by nothing (a title or a signature date changed), so
    that a writer of the same cell waits for this one. Then each touched cell's instrument, with
    a snapshot taken after that wait: none in an empty cell; if the statement touched that
    instrument's rows, found again (`FIRST_OF_CELL`); else the better of it and the best row the
    statement wrote."""
    touched = f"""
        SELECT p.state_a, p.state_b, t.subject_id, p.status, sum(p.n * t.n) AS n,
               array_agg(p.instrument_id) AS instruments,
               (array_agg(p.instrument_id ORDER BY {CELL_ORDER}) FILTER (WHERE p.n * t.n > 0))[1]
                   AS best_written
        FROM ({pairs}) p JOIN ({tags}) t ON t.instrument_id = p.instrument_id
        GROUP BY 1, 2, 3, 4
    """
    return f"""
    WITH delta AS ({touched}), fallen AS (
        UPDATE agreements_subjectpaircount c SET instruments = c.instruments + delta.n
        FROM delta
        WHERE delta.n < 0 AND (c.state_a, c.state_b, c.subject_id, c.status)
            = (delta.state_a, delta.state_b, delta.subject_id, delta.status)
    )
    INSERT INTO agreements_subjectpaircount AS c
        (state_a, state_b, subject_id, status, instruments)
    SELECT state_a, state_b, subject_id, status, n FROM delta WHERE n >= 0
    ON CONFLICT (state_a, state_b, subject_id, status)
    DO UPDATE SET instruments = c.instruments + excluded.instruments;

    UPDATE agreements_subjectpaircount c SET first_instrument_id = CASE
        WHEN c.instruments = 0 THEN NULL
        WHEN c.first_instrument_id = ANY(delta.instruments) THEN ({FIRST_OF_CELL})
        ELSE (
            SELECT p.instrument_id FROM agreements_instrumentpair p
            WHERE (p.state_a, p.state_b) = (c.state_a, c.state_b)
                AND p.instrument_id IN (c.first_instrument_id, delta.best_written)
            ORDER BY {CELL_ORDER}
            LIMIT 1
        )
    END
    FROM ({touched}) delta
    WHERE (c.state_a, c.state_b, c.subject_id, c.status)
        = (delta.state_a, delta.state_b, delta.subject_id, delta.status);
    RETURN NULL;
    """


# A cell's instrument: the latest signed of the pair's rows at the cell's status, then by title,
# that carries the cell's subject. The pair rows' index gives that order; the walk stops at the
# first row that has the subject.
CELL_ORDER = "p.signed_on DESC NULLS LAST, p.title, p.instrument_id"
FIRST_OF_CELL = f"""
    SELECT p.instrument_id FROM agreements_instrumentpair p
    WHERE (p.state_a, p.state_b, p.status) = (c.state_a, c.state_b, c.status)
        AND EXISTS (
            SELECT FROM agreements_instrument_subjects tag
            WHERE tag.instrument_id = p.instrument_id AND tag.subject_id = c.subject_id
        )
    ORDER BY {CELL_ORDER}
    LIMIT 1
"""


def changed_rows(columns: str, signs: dict[str, int]) -> str:
    """The rows a statement wrote (+1) and removed (-1), from its transition tables."""
    return " UNION ALL ".join(
        f"SELECT {columns}, {sign} AS n FROM {table}" for table, sign in signs.items()
    )


PAIR_COLUMNS = "state_a, state_b, instrument_id, status, signed_on, title"
TAG_COLUMNS = "instrument_id, subject_id"


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
    # The instrument's stored term (`agreements.models.terms`): a pair's expiries and renewals.
    renews_tacitly = models.BooleanField(db_default=False)
    term_starts_on = models.DateField(null=True)
    term_ends_on = models.DateField(null=True)
    term_matters_on = models.DateField(null=True)

    class Meta:
        triggers = counting_triggers(
            """
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO agreements_instrumentpaircount AS c
                    (state_a, state_b, status, instruments)
                SELECT state_a, state_b, status, count(*) FROM new_rows GROUP BY 1, 2, 3
                ON CONFLICT (state_a, state_b, status)
                DO UPDATE SET instruments = c.instruments + excluded.instruments;
            END IF;
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE agreements_instrumentpaircount c SET instruments = c.instruments - gone.n
                FROM (
                    SELECT state_a, state_b, status, count(*) AS n FROM old_rows GROUP BY 1, 2, 3
                ) gone
                WHERE (c.state_a, c.state_b, c.status) = (gone.state_a, gone.state_b, gone.status);
            END IF;
            RETURN NULL;
            """
        ) + counting_triggers(
            lambda signs: subject_count_changes(
                pairs=changed_rows(PAIR_COLUMNS, signs),
                tags=f"SELECT {TAG_COLUMNS}, 1 AS n FROM agreements_instrument_subjects",
            ),
            prefix="subjects",
        )
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
            # Its expiries and expired terms, its renewals, by the end of the stored period.
            *(
                term_index(
                    "state_a", "state_b", "term_ends_on", "instrument", renews=renews, name=name
                )
                for renews, name in [
                    (False, "agreements_instrpair_fixed"),
                    (True, "agreements_instrpair_renew"),
                ]
            ),
        ]

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: instrument {self.instrument_id}"


class InstrumentPairCount(PairRow):
    """How many instruments of a pair stand at a status: the relationship page's pipeline, one
    row per status however many instruments (kept by statement triggers on the pair rows,
    `InstrumentPair.Meta.triggers`)."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "status")
    status = models.CharField(max_length=30, choices=Instrument.Status)
    instruments = models.PositiveIntegerField()

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: {self.instruments} {self.status}"


class SubjectPairCount(PairRow):
    """How many instruments of a pair tagged with a subject stand at a status: the coverage
    grid's cells, at most partners × subjects × statuses rows for a state however many
    instruments (kept by statement triggers on the pair rows, `InstrumentPair.Meta.triggers`, and
    on the subject tags, below; `agreements_refresh_subject_pair_counts()` counts them afresh)."""

    pk = models.CompositePrimaryKey("state_a", "state_b", "subject_id", "status")
    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=30, choices=Instrument.Status)
    instruments = models.PositiveIntegerField()
    # The cell's link: its latest signed instrument, then by title (`FIRST_OF_CELL`); none when
    # the count is 0. Kept with the count, so that the grid reads no instrument to find it.
    first_instrument = models.ForeignKey(
        Instrument,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
        db_index=False,
    )

    class Meta:
        # A state's cells where it comes second in its pairs (the key serves the first).
        indexes = [models.Index(fields=["state_b"], name="agreements_subjpaircount_b")]

    def __str__(self):
        return f"{self.state_a}-{self.state_b}: {self.instruments} {self.status}, {self.subject_id}"


class FollowUpPairCount(PairRow):
    """How many follow-ups of a pair stand at a status, dated or not, assigned or not: the
    home page's open, undated and unassigned counts, one row per combination however many
    follow-ups (kept by statement triggers on the pair rows, `FollowUpPair.Meta.triggers`)."""

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
        triggers = counting_triggers(
            """
            IF TG_OP IN ('INSERT', 'UPDATE') THEN
                INSERT INTO agreements_followuppaircount AS c
                    (state_a, state_b, status, is_dated, is_assigned, actions)
                SELECT state_a, state_b, status, due_on IS NOT NULL, is_assigned, count(*)
                FROM new_rows GROUP BY 1, 2, 3, 4, 5
                ON CONFLICT (state_a, state_b, status, is_dated, is_assigned)
                DO UPDATE SET actions = c.actions + excluded.actions;
            END IF;
            IF TG_OP IN ('DELETE', 'UPDATE') THEN
                UPDATE agreements_followuppaircount c SET actions = c.actions - gone.n
                FROM (
                    SELECT state_a, state_b, status, due_on IS NOT NULL AS is_dated, is_assigned,
                           count(*) AS n
                    FROM old_rows GROUP BY 1, 2, 3, 4, 5
                ) gone
                WHERE (c.state_a, c.state_b, c.status, c.is_dated, c.is_assigned)
                    = (gone.state_a, gone.state_b, gone.status, gone.is_dated, gone.is_assigned);
            END IF;
            RETURN NULL;
            """
        )
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


# --- What writes the pair rows: triggers on the tables they are derived from -------------------


def rewriting_owners_pairs(*, name: str, operation, owner: str, refresh: str):
    """A row trigger on a table of members (parties, meeting states) that has `refresh` rewrite
    the pairs of the owner a member leaves and of the one it joins."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        func=f"""
        IF TG_OP <> 'INSERT' THEN
            PERFORM {refresh}(OLD.{owner});
        END IF;
        IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.{owner} <> OLD.{owner}) THEN
            PERFORM {refresh}(NEW.{owner});
        END IF;
        RETURN NULL;
        """,
    )


# A party comes, goes or moves: the instrument's pairs (and its follow-ups') are rewritten.
pgtrigger.register(
    rewriting_owners_pairs(
        name="pairs_from_parties",
        operation=pgtrigger.Insert
        | pgtrigger.Delete
        | pgtrigger.UpdateOf("instrument_id", "state_id"),
        owner="instrument_id",
        refresh="agreements_refresh_instrument_pairs",
    )
)(InstrumentParty)

# A subject tag comes, goes or changes: the coverage grid's counts of the instrument's pairs move.
pgtrigger.register(
    *counting_triggers(
        lambda signs: subject_count_changes(
            pairs=f"SELECT {PAIR_COLUMNS}, 1 AS n FROM agreements_instrumentpair",
            tags=changed_rows(TAG_COLUMNS, signs),
        ),
        prefix="subjects",
    )
)(InstrumentSubjects)

# A meeting's state comes, goes or changes: the meeting's pairs (and its follow-ups').
pgtrigger.register(
    rewriting_owners_pairs(
        name="pairs_from_meeting_states",
        operation=pgtrigger.Insert | pgtrigger.Delete | pgtrigger.Update,
        owner="meeting_id",
        refresh="agreements_refresh_meeting_pairs",
    )
)(MeetingStates)


def copying_columns(*, pair_table: str, key: str, columns: list[str]):
    """A row trigger that copies `columns`, when one of them changes, to the object's pair rows
    (`key` = its id)."""
    assignments = ", ".join(f"{column} = NEW.{column}" for column in columns)
    return pgtrigger.Trigger(
        name="pair_columns",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange(*columns),
        func=f"UPDATE {pair_table} SET {assignments} WHERE {key} = NEW.id; RETURN NULL;",
    )


# The columns the pair rows copy, copied again when they change.
pgtrigger.register(
    copying_columns(
        pair_table="agreements_instrumentpair",
        key="instrument_id",
        columns=["status", "signed_on", "status_since", "title", *TERM_COLUMNS],
    )
)(Instrument)
pgtrigger.register(
    copying_columns(pair_table="agreements_meetingpair", key="meeting_id", columns=["starts_on"])
)(Meeting)

# A follow-up's rows follow its origins and copy what the board shows; who answers for it makes
# it assigned or not.
pgtrigger.register(
    pgtrigger.Trigger(
        name="pairs_of_new_action",
        when=pgtrigger.After,
        operation=pgtrigger.Insert,
        func="PERFORM agreements_refresh_action_pairs(NEW.id); RETURN NULL;",
    ),
    pgtrigger.Trigger(
        name="pairs_of_changed_action",
        when=pgtrigger.After,
        operation=pgtrigger.Update,
        condition=pgtrigger.AnyChange(
            "origin_meeting",
            "origin_instrument",
            "status",
            "agreed_on",
            "due_on",
            "title",
            "responsible_state",
            "responsible_organization",
            "responsible_contact",
        ),
        func="PERFORM agreements_refresh_action_pairs(NEW.id); RETURN NULL;",
    ),
)(FollowUpAction)


DERIVED_MODELS = [
    InstrumentPair,
    InstrumentPairCount,
    SubjectPairCount,
    MeetingPair,
    FollowUpPair,
    FollowUpPairCount,
]
# Each list's pair rows: as many as the list filtered by a pair (`lists.paging.rows_to_count`).
PAIR_ROWS = {Instrument: InstrumentPair, Meeting: MeetingPair, FollowUpAction: FollowUpPair}


def refresh_all() -> None:
    """Rebuild every pair row from the parties, meetings' states and origins."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT agreements_refresh_all_pairs()")
        cursor.execute("SELECT agreements_refresh_pair_counts()")
        cursor.execute("SELECT agreements_refresh_subject_pair_counts()")
        cursor.execute("SELECT agreements_refresh_follow_up_pair_counts()")
