"""Fill a PostgreSQL database with a synthetic world at a chosen scale, for the benchmark.

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/generate.py --instruments 100_000

Per instrument: two parties, 2-4 party actions and 3-6 status history rows; one meeting per five
instruments, with its two states; two follow-ups per meeting; a changes-feed line per object; the
pair rows the triggers would have written.
Pairs are skewed: a state pair's share falls off steeply with its rank, so the first few pairs
hold most rows, as a real archive's neighbours and big partners do.

PostgreSQL writes the rows itself (INSERT ... SELECT over generate_series), with triggers off
(`session_replication_role = replica`): this is a measuring rig, so the synthetic rows have no
audit events of their own. The database must be migrated and hold no instruments yet.
"""

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilateral.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from agreements.models import Instrument  # noqa: E402
from agreements.models.pairs import refresh_all  # noqa: E402
from agreements.models.terms import work_out_terms  # noqa: E402

# The lifecycle each synthetic instrument walks, as far as its history reaches (3 to 6 rows).
WALK = ["proposed", "under_negotiation", "text_agreed", "signed", "in_force", "suspended"]
KINDS = ["treaty", "agreement", "convention", "protocol", "memorandum", "exchange_of_notes"]
TOPICS = [
    "trade and economic cooperation",
    "visa exemption",
    "air services",
    "avoidance of double taxation",
    "mutual protection of investments",
    "water resource management",
    "cultural exchange",
    "diplomatic training",
    "renewable energy",
    "digital technologies",
]
STATES_IN_PLAY = 80  # pairs among the first 80 states: 3,160 pairs
SKEW = 3  # pair rank = P * random()^SKEW: the top 1% of pairs hold about a fifth of the rows


def run(cursor, label: str, sql: str, params=None) -> None:
    started = time.monotonic()
    cursor.execute(sql, params if params is not None else [])
    print(f"  {label}: {cursor.rowcount:,} rows in {time.monotonic() - started:.1f} s")


def generate(instruments: int) -> None:
    if Instrument.objects.exists():
        sys.exit("This database already holds instruments; generate into an empty one.")
    meetings = instruments // 5
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(
            "CREATE TEMP TABLE bench_pair ON COMMIT DROP AS "
            "SELECT (row_number() OVER (ORDER BY a.code, b.code)) - 1 AS rank, "
            "a.code AS a, b.code AS b "
            "FROM (SELECT code FROM agreements_state ORDER BY code LIMIT %s) a "
            "JOIN (SELECT code FROM agreements_state ORDER BY code LIMIT %s) b ON a.code < b.code",
            [STATES_IN_PLAY, STATES_IN_PLAY],
        )
        cursor.execute("SELECT count(*) FROM bench_pair")
        pairs = cursor.fetchone()[0]
        # Shuffle which pairs are the big ones, so that they are not all the first state's.
        cursor.execute(
            "CREATE TEMP TABLE bench_rank ON COMMIT DROP AS "
            "SELECT rank, row_number() OVER (ORDER BY md5(rank::text)) - 1 AS skewed "
            "FROM bench_pair"
        )
        run(
            cursor,
            "instruments",
            """
            INSERT INTO agreements_instrument (
                id, title, short_title, kind, is_binding, level, status, signed_on,
                signature_place, in_force_on, entry_into_force_rule, renews_tacitly, notes,
                reference, status_since, duration_years, notice_months, created_at, updated_at)
            SELECT g,
                   'Agreement on ' || (%(topics)s::text[])[1 + g %% 10] || ' no. ' || g,
                   '', (%(kinds)s::text[])[1 + g %% 6], true, 'government',
                   (%(walk)s::text[])[3 + g %% 4],
                   CASE WHEN 3 + g %% 4 >= 4 THEN date '2000-01-01' + (g %% 9000) END,
                   '',
                   CASE WHEN 3 + g %% 4 >= 5 THEN date '2000-03-01' + (g %% 9000) END,
                   '', g %% 30 = 0,
                   'Synthetic instrument for the benchmark; '
                       || (%(topics)s::text[])[1 + (g / 7) %% 10],
                   '',
                   -- the day of its last status history row (below)
                   date '1999-01-01' + (g %% 9000) + (2 + g %% 4) * 60,
                   -- one in ten for a fixed term (a third of those renewing tacitly), one in
                   -- twenty with a notice period: the radar's expiries and renewals
                   CASE WHEN g %% 10 = 0 THEN 5 + g %% 6 END,
                   CASE WHEN g %% 20 = 0 THEN 6 END,
                   now() - make_interval(days => g %% 3000), now() - make_interval(days => g %% 900)
            FROM generate_series(1, %(n)s) g
            """,
            {"n": instruments, "topics": TOPICS, "kinds": KINDS, "walk": WALK},
        )
        cursor.execute(
            "CREATE TEMP TABLE bench_instrument_pair ON COMMIT DROP AS "
            "SELECT pick.i AS instrument_id, p.a, p.b FROM ("
            "  SELECT i, floor(%s * power(random(), %s))::int AS skewed"
            "  FROM generate_series(1, %s) i"
            ") pick "
            "JOIN bench_rank r ON r.skewed = pick.skewed "
            "JOIN bench_pair p ON p.rank = r.rank",
            [pairs, SKEW, instruments],
        )
        run(
            cursor,
            "parties",
            "INSERT INTO agreements_instrumentparty (instrument_id, state_id) "
            "SELECT instrument_id, a FROM bench_instrument_pair "
            "UNION ALL SELECT instrument_id, b FROM bench_instrument_pair",
        )
        run(
            cursor,
            "subjects (the coverage grid's)",
            # Half the instruments tagged with one standard subject each, in turn.
            "INSERT INTO agreements_instrument_subjects (instrument_id, subject_id) "
            "SELECT g, subject.ids[1 + (g / 2) %% cardinality(subject.ids)] "
            "FROM generate_series(2, %s, 2) g, "
            "(SELECT array_agg(id ORDER BY id) AS ids FROM agreements_subject) subject",
            [instruments],
        )
        run(
            cursor,
            "party actions",
            """
            INSERT INTO agreements_partyaction (
                instrument_id, state_id, action, taken_on, reference, note, created_at)
            SELECT p.instrument_id, CASE WHEN k %% 2 = 0 THEN p.a ELSE p.b END,
                   CASE WHEN k < 2 THEN 'signature' ELSE 'notification' END,
                   date '2000-01-01' + (p.instrument_id %% 9000) + k * 30, '', '', now()
            FROM bench_instrument_pair p
            CROSS JOIN LATERAL generate_series(0, 1 + p.instrument_id %% 3) k
            """,
        )
        run(
            cursor,
            "status history",
            """
            INSERT INTO agreements_statuschange (
                instrument_id, from_status, to_status, happened_on, termination_type, note,
                recorded_at, retraction_reason)
            SELECT i, coalesce((%(walk)s::text[])[k], ''), (%(walk)s::text[])[k + 1],
                   date '1999-01-01' + (i %% 9000) + k * 60, '', '', now(), ''
            FROM generate_series(1, %(n)s) i
            CROSS JOIN LATERAL generate_series(0, 2 + i %% 4) k
            """,
            {"n": instruments, "walk": WALK},
        )
        run(
            cursor,
            "meetings",
            """
            INSERT INTO agreements_meeting (
                id, title, kind, status, starts_on, place, summary, reference, created_at,
                updated_at)
            SELECT g, 'Round ' || g || ' of political consultations', 'political_consultations',
                   'held', date '2000-01-01' + (g %% 9000), '', '', '', now(), now()
            FROM generate_series(1, %s) g
            """,
            [meetings],
        )
        run(
            cursor,
            "meeting states",
            "INSERT INTO agreements_meeting_states (meeting_id, state_id) "
            "SELECT instrument_id, a FROM bench_instrument_pair WHERE instrument_id <= %s "
            "UNION ALL "
            "SELECT instrument_id, b FROM bench_instrument_pair WHERE instrument_id <= %s",
            [meetings, meetings],
        )
        run(
            cursor,
            "follow-ups",
            """
            INSERT INTO agreements_followupaction (
                title, description, agreed_on, due_on, status, reference, created_at,
                updated_at, origin_meeting_id, responsible_state_id)
            SELECT 'Follow up on round ' || m || ' (' || k || ')', '',
                   date '2000-01-01' + (m %% 9000),
                   date '2000-01-01' + (m %% 9000) + 30 + (m * k) %% 400,
                   (ARRAY['planned', 'in_progress', 'on_hold', 'completed', 'cancelled'])
                       [1 + (m + k) %% 5],
                   '', now(), now(), m, p.a
            FROM generate_series(1, %s) m
            CROSS JOIN generate_series(1, 2) k
            JOIN bench_instrument_pair p ON p.instrument_id = m
            """,
            [meetings],
        )
        run(
            cursor,
            "changes feed",
            """
            INSERT INTO agreements_change (at, object_type, object_id, action, txid)
            SELECT now(), object_type, object_id::text, 'create', 1
            FROM (
                SELECT 'instrument' AS object_type, id AS object_id FROM agreements_instrument
                UNION ALL SELECT 'meeting', id FROM agreements_meeting
                UNION ALL SELECT 'action', id FROM agreements_followupaction
            ) objects
            """,
        )
        for table in [
            "agreements_instrument",
            "agreements_meeting",
            "agreements_followupaction",
            "agreements_instrumentparty",
            "agreements_partyaction",
            "agreements_statuschange",
            "agreements_meeting_states",
            "agreements_change",
        ]:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT coalesce(max(id), 1) FROM {table}))"
            )
        # With triggers off, the stored terms and the pair rows are worked out here, from the
        # rows above.
        started = time.monotonic()
        print(f"  terms: {work_out_terms():,} rows in {time.monotonic() - started:.1f} s")
        started = time.monotonic()
        refresh_all()
        print(f"  pair rows: {time.monotonic() - started:.1f} s")
    with connection.cursor() as cursor:
        started = time.monotonic()
        cursor.execute("VACUUM ANALYZE")
        print(f"  vacuum analyze: {time.monotonic() - started:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instruments", type=lambda v: int(v.replace("_", "")), required=True)
    args = parser.parse_args()
    started = time.monotonic()
    generate(args.instruments)
    print(f"Generated {args.instruments:,} instruments in {time.monotonic() - started:.0f} s.")


if __name__ == "__main__":
    main()
