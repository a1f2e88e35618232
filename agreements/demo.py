"""The demo data set: the Kazakhstan–Israel visit to Astana of 27 January 2026, as the seed article
(shared/seed/astana-2026-01.txt) tells it, and nothing it does not tell.

Idempotent: an object that already exists (by its natural key) is left as it is, so running it
twice gives the same data.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from agreements import services
from agreements.models import (
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    MeetingSeries,
    Organization,
    Person,
    Sector,
    Source,
    State,
)

VISIT_DAY = datetime.date(2026, 1, 27)
ASTANA = "Astana"

# Demo logins (username, password, role); superuser "admin" manages users.
DEMO_USERS = [
    ("admin", "admin-demo", None),
    ("analyst", "analyst-demo", "analyst"),
    ("manager", "manager-demo", "manager"),
    ("consumer", "consumer-demo", "consumer"),
]

PROJECT_MAP_SECTORS = [
    "high-tech-agriculture",
    "water-resource-management",
    "digital-technologies-ai",
    "infrastructure-logistics",
    "energy-efficiency-renewables",
    "healthcare-pharmaceuticals",
]


DEMO_SECTORS = [
    *PROJECT_MAP_SECTORS,
    "diplomatic-training",
    "public-diplomacy",
    "visas-consular-affairs",
    "trade-investment",
    "culture-remembrance",
]


class DemoDataError(Exception):
    """The database is not one the demo can be recorded in."""


@transaction.atomic
def load_demo() -> dict:
    """Record the seed article. Returns how many objects of each kind it created."""
    created = {"instruments": 0, "meetings": 0, "follow-ups": 0}
    kz = State.objects.get(code="KZ")
    il = State.objects.get(code="IL")
    sectors = {sector.slug: sector for sector in Sector.objects.all()}
    missing = sorted(set(DEMO_SECTORS) - set(sectors))
    if missing:
        raise DemoDataError(
            "The demo needs the sectors the migrations seed, and these are gone or renamed: "
            f"{', '.join(missing)}. Restore them, or load the demo into a fresh database."
        )

    article, _ = Source.objects.get_or_create(
        title="Kazakhstan and Israel Deepen Cooperation in Astana",
        defaults={
            "excerpt": (
                "Israeli Foreign Minister Gideon Sa’ar’s official visit to Astana on January 27, "
                "2026, was the first by an Israeli foreign minister to Kazakhstan in 16 years, and "
                "it yielded a package of institutional and economic steps."
            ),
        },
    )

    def organization(name, state, kind):
        return Organization.objects.get_or_create(name=name, state=state, defaults={"kind": kind})[
            0
        ]

    kz_presidency = organization(
        "Office of the President of Kazakhstan", kz, Organization.Kind.HEAD_OF_STATE
    )
    kz_mfa = organization(
        "Ministry of Foreign Affairs of Kazakhstan", kz, Organization.Kind.MINISTRY
    )
    il_mfa = organization("Ministry of Foreign Affairs of Israel", il, Organization.Kind.MINISTRY)
    kz_invest = organization(
        "Kazakh Invest (national investment agency)", kz, Organization.Kind.AGENCY
    )

    def person(name, position, org):
        return Person.objects.get_or_create(
            name=name, organization=org, defaults={"position": position}
        )[0]

    tokayev = person("Kassym-Jomart Tokayev", "President of Kazakhstan", kz_presidency)
    kosherbayev = person("Yermek Kosherbayev", "Minister of Foreign Affairs of Kazakhstan", kz_mfa)
    saar = person("Gideon Sa’ar", "Minister of Foreign Affairs of Israel", il_mfa)

    def meeting(title, *, states, people=(), organizations=(), sector_slugs=(), **fields):
        existing = Meeting.objects.filter(title=title).first()
        if existing:
            return existing
        new = Meeting(title=title, **fields)
        new.full_clean(exclude=["states"])
        new.save()
        new.states.set(states)
        new.people.set(people)
        new.organizations.set(organizations)
        new.sectors.set([sectors[slug] for slug in sector_slugs])
        new.sources.set([article])
        created["meetings"] += 1
        return new

    held_in_astana = {
        "status": Meeting.Status.HELD,
        "starts_on": VISIT_DAY,
        "ends_on": VISIT_DAY,
        "place": ASTANA,
        "host": kz,
    }
    visit = meeting(
        "Official visit of Israeli Foreign Minister Gideon Sa’ar to Kazakhstan",
        kind=Meeting.Kind.OFFICIAL_VISIT,
        states=[kz, il],
        people=[tokayev, kosherbayev, saar],
        organizations=[kz_presidency, kz_mfa, il_mfa],
        sector_slugs=[
            "diplomatic-training",
            "public-diplomacy",
            "visas-consular-affairs",
            "trade-investment",
        ],
        summary=(
            "The first visit by an Israeli foreign minister to Kazakhstan in 16 years. President "
            "Tokayev received Sa’ar and Foreign Minister Kosherbayev; both sides framed the talks "
            "as elevating cooperation to a new level. Sa’ar invited President Tokayev to visit "
            "Israel."
        ),
        **held_in_astana,
    )
    # The 12th round makes them a recurring commitment; the article gives no interval between
    # rounds, so none is recorded and no round is ever "due".
    consultations, _ = MeetingSeries.objects.get_or_create(
        title="Political consultations between the foreign ministries of Kazakhstan and Israel",
        defaults={
            "kind": Meeting.Kind.POLITICAL_CONSULTATIONS,
            "state_a": il,
            "state_b": kz,
            "interval_months": None,
            "notes": "The source names the 12th round and gives no interval between rounds.",
        },
    )
    meeting(
        "Political consultations between the foreign ministries of Kazakhstan and Israel",
        kind=Meeting.Kind.POLITICAL_CONSULTATIONS,
        series=consultations,
        round_number=12,
        states=[kz, il],
        organizations=[kz_mfa, il_mfa],
        summary=(
            "Twelfth round, held in parallel with the visit. Covered wider international and "
            "regional agendas, including Middle East confidence-building and peaceful-settlement "
            "initiatives."
        ),
        **held_in_astana,
    )
    forum = meeting(
        "Kazakhstan–Israel business forum",
        kind=Meeting.Kind.BUSINESS_FORUM,
        states=[kz, il],
        organizations=[kz_invest],
        sector_slugs=[*PROJECT_MAP_SECTORS, "trade-investment"],
        summary=(
            "Convened in parallel with the visit, framed as the practical feeder for the Joint "
            "Economic Commission. Both sides identified a project map: high-tech agriculture and "
            "water-resource management, digital technologies (including artificial intelligence), "
            "infrastructure and logistics, energy efficiency and renewables, healthcare and "
            "pharmaceuticals. January–November 2025 trade of about US$162.4 million was cited as "
            "the baseline. Kazakhstan’s investment agency reported three signed commercial and "
            "quasi-commercial items; the source is cut off before naming them."
        ),
        **held_in_astana,
    )
    meeting(
        "State ceremony for International Holocaust Remembrance Day",
        kind=Meeting.Kind.CEREMONY,
        states=[kz, il],
        people=[saar],
        sector_slugs=["culture-remembrance"],
        summary=(
            "Sa’ar took part in a state ceremony in Astana connected to the commemoration, with "
            "senior officials and diplomatic representatives. President Tokayev sent a message "
            "to Israel’s president on the occasion."
        ),
        **held_in_astana,
    )
    commission = meeting(
        "Kazakhstan–Israel Joint Economic Commission (ministerial level)",
        kind=Meeting.Kind.JOINT_COMMISSION,
        status=Meeting.Status.PROPOSED,
        states=[kz, il],
        sector_slugs=[*PROJECT_MAP_SECTORS, "trade-investment"],
        summary="Agreed in Astana to be convened at ministerial level; no date announced.",
    )
    tokayev_visit = meeting(
        "Visit of President Tokayev to Israel",
        kind=Meeting.Kind.STATE_VISIT,
        status=Meeting.Status.PROPOSED,
        host=il,
        states=[kz, il],
        people=[tokayev],
        summary=(
            "Invitation extended publicly by Foreign Minister Sa’ar in Astana; no date announced."
        ),
    )

    def instrument(title, *, parties, signed=True, sector_slugs=(), note, **fields):
        existing = Instrument.objects.filter(title=title).first()
        if existing:
            return existing
        new = services.instrument_create(
            title=title,
            parties=parties,
            intent_stated_on=VISIT_DAY,
            note=note,
            sources=[article],
            sectors=[sectors[slug] for slug in sector_slugs],
            **fields,
        )
        if signed:
            services.instrument_transition(
                instrument=new,
                to=Instrument.Status.SIGNED,
                on=VISIT_DAY,
                sources=[article],
                note="Signed in Astana during the visit.",
            )
        created["instruments"] += 1
        return new

    ministries = [
        {"state": kz, "organization": kz_mfa},
        {"state": il, "organization": il_mfa},
    ]
    memorandum = {
        "kind": Instrument.Kind.MEMORANDUM,
        "is_binding": False,
        "level": Instrument.Level.MINISTRY,
        "signature_place": ASTANA,
        "meeting": visit,
        "parties": ministries,
        "note": "Intent first reported at signature; earlier negotiation is not reported.",
    }
    instrument(
        "Memorandum between the foreign ministries of Kazakhstan and Israel on diplomatic training",
        short_title="Memorandum on diplomatic training",
        sector_slugs=["diplomatic-training"],
        notes=(
            "Provides for structured interaction in the preparation of diplomatic personnel, "
            "through the two services’ training institutions. The source does not say when it "
            "takes effect."
        ),
        **memorandum,
    )
    instrument(
        "Memorandum between the foreign ministries of Kazakhstan and Israel on public diplomacy",
        short_title="Memorandum on public diplomacy",
        sector_slugs=["public-diplomacy"],
        notes=(
            "Sets a framework for coordinated outreach: an agreed approach to presenting the "
            "two states’ cooperation. The source does not say when it takes effect."
        ),
        **memorandum,
    )
    visa_agreement = instrument(
        "Agreement between Kazakhstan and Israel on visa exemption for holders of ordinary "
        "passports",
        short_title="Visa exemption for ordinary passports",
        kind=Instrument.Kind.AGREEMENT,
        is_binding=True,
        level=Instrument.Level.GOVERNMENT,
        parties=[{"state": kz}, {"state": il}],
        signed=False,
        meeting=visit,
        sector_slugs=["visas-consular-affairs"],
        note="Statement of intent to conclude a visa-exemption agreement, made in Astana.",
        notes=(
            "Narrowly framed as a statement of intent to conclude an agreement, not as an "
            "agreement already in force."
        ),
    )
    for number in (1, 2, 3):
        instrument(
            f"Commercial item {number} of 3 reported signed at the Kazakhstan–Israel business "
            "forum (not named in the source)",
            short_title=f"Business forum item {number} of 3",
            kind=Instrument.Kind.COMMERCIAL,
            is_binding=False,
            level=Instrument.Level.COMMERCIAL,
            parties=[{"state": kz}, {"state": il}],
            signature_place=ASTANA,
            meeting=forum,
            sector_slugs=["trade-investment"],
            note="Reported by Kazakhstan’s investment agency as signed.",
            notes=(
                "One of three first-step commercial and quasi-commercial documents that "
                "Kazakhstan’s investment agency reported signed; the source is cut off before "
                "naming them."
            ),
        )

    def follow_up(title, **fields):
        if FollowUpAction.objects.filter(title=title).exists():
            return
        sector_slugs = fields.pop("sector_slugs", ())
        action = FollowUpAction(title=title, agreed_on=VISIT_DAY, **fields)
        action.full_clean()
        action.save()
        action.sectors.set([sectors[slug] for slug in sector_slugs])
        action.sources.set([article])
        created["follow-ups"] += 1

    follow_up(
        "Convene the Kazakhstan–Israel Joint Economic Commission at ministerial level",
        description="A regular venue where sector priorities become specific workstreams.",
        origin_meeting=visit,
        result_meeting=commission,
        sector_slugs=[*PROJECT_MAP_SECTORS, "trade-investment"],
    )
    follow_up(
        "Conclude a visa-exemption agreement for holders of ordinary passports",
        description=(
            "Both sides agreed to pursue visa-free travel for holders of ordinary passports."
        ),
        origin_meeting=visit,
        result_instrument=visa_agreement,
        sector_slugs=["visas-consular-affairs"],
    )
    follow_up(
        "President Tokayev to visit Israel",
        description="At the invitation Foreign Minister Sa’ar extended publicly in Astana.",
        responsible_state=kz,
        responsible_organization=kz_presidency,
        origin_meeting=visit,
        result_meeting=tokayev_visit,
    )
    follow_up(
        "Turn the business forum’s project map into Joint Economic Commission workstreams",
        description=(
            "The forum was framed as the practical feeder for the commission across the six "
            "priority sectors."
        ),
        origin_meeting=forum,
        result_meeting=commission,
        sector_slugs=PROJECT_MAP_SECTORS,
    )

    indicator, indicator_created = Indicator.objects.get_or_create(
        state_a=kz,
        state_b=il,
        metric=Indicator.Metric.TRADE_TURNOVER,
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 11, 30),
        defaults={
            "value": Decimal("162.4"),
            "unit": "USD million",
            "note": "About US$162.4 million, cited at the business forum as the baseline.",
        },
    )
    if indicator_created:
        indicator.sources.set([article])
    return created


def create_demo_users() -> list[tuple[str, str, str | None]]:
    """The demo logins, created once with known passwords. Never run this on real data."""
    User = get_user_model()
    for username, password, role in DEMO_USERS:
        user, was_created = User.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": role is None}
        )
        if was_created:
            user.set_password(password)
            user.save()
        if role:
            user.groups.set([Group.objects.get(name=role)])
    return DEMO_USERS
