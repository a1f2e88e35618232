"""The demo data set records the seed article faithfully, and loading it twice changes nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from agreements.models import FollowUpAction, Indicator, Instrument, Meeting, Source

VISIT_DAY = datetime.date(2026, 1, 27)


def snapshot():
    """Every row of every model of the app, as plain values."""
    return {
        model.__name__: sorted(map(repr, model.objects.values()))
        for model in apps.get_app_config("agreements").get_models()
    }


def test_load_demo_twice_gives_the_same_data(db):
    call_command("load_demo", stdout=StringIO())
    first = snapshot()
    out = StringIO()

    call_command("load_demo", stdout=out)

    assert snapshot() == first
    assert out.getvalue().strip() == (
        "Demo data loaded (new: 0 instruments, 0 meetings, 0 follow-ups)."
    )


def test_demo_records_the_visit_and_its_parallel_meetings(demo):
    held = Meeting.objects.filter(status="held").order_by("kind")
    assert [(m.kind, m.starts_on, m.place, m.host_id) for m in held] == [
        ("business_forum", VISIT_DAY, "Astana", "KZ"),
        ("ceremony", VISIT_DAY, "Astana", "KZ"),
        ("official_visit", VISIT_DAY, "Astana", "KZ"),
        ("political_consultations", VISIT_DAY, "Astana", "KZ"),
    ]
    consultations = Meeting.objects.get(kind="political_consultations")
    assert consultations.round_number == 12
    visit = Meeting.objects.get(kind="official_visit")
    assert sorted(visit.people.values_list("name", flat=True)) == [
        "Gideon Sa’ar",
        "Kassym-Jomart Tokayev",
        "Yermek Kosherbayev",
    ]
    forum = Meeting.objects.get(kind="business_forum")
    assert sorted(forum.sectors.values_list("slug", flat=True)) == [
        "digital-technologies-ai",
        "energy-efficiency-renewables",
        "healthcare-pharmaceuticals",
        "high-tech-agriculture",
        "infrastructure-logistics",
        "trade-investment",
        "water-resource-management",
    ]
    proposed = Meeting.objects.filter(status="proposed").order_by("kind")
    assert [(m.kind, m.host_id, m.starts_on) for m in proposed] == [
        ("joint_commission", None, None),
        ("state_visit", "IL", None),
    ]


def test_demo_instruments_stand_where_the_article_leaves_them(demo):
    rows = Instrument.objects.order_by("title").values_list(
        "short_title", "kind", "is_binding", "status", "signed_on"
    )
    assert list(rows) == [
        ("Visa exemption for ordinary passports", "agreement", True, "proposed", None),
        ("Business forum item 1 of 3", "commercial", False, "signed", VISIT_DAY),
        ("Business forum item 2 of 3", "commercial", False, "signed", VISIT_DAY),
        ("Business forum item 3 of 3", "commercial", False, "signed", VISIT_DAY),
        ("Memorandum on diplomatic training", "memorandum", False, "signed", VISIT_DAY),
        ("Memorandum on public diplomacy", "memorandum", False, "signed", VISIT_DAY),
    ]
    memorandum = Instrument.objects.get(short_title="Memorandum on public diplomacy")
    assert sorted(memorandum.parties.values_list("state", "organization__name")) == [
        ("IL", "Ministry of Foreign Affairs of Israel"),
        ("KZ", "Ministry of Foreign Affairs of Kazakhstan"),
    ]
    assert memorandum.meeting.kind == "official_visit"


def test_demo_follow_ups_point_at_what_would_fulfil_them(demo):
    rows = FollowUpAction.objects.order_by("title").values_list(
        "title", "status", "result_meeting__kind", "result_instrument__short_title"
    )
    assert list(rows) == [
        (
            "Conclude a visa-exemption agreement for holders of ordinary passports",
            "planned",
            None,
            "Visa exemption for ordinary passports",
        ),
        (
            "Convene the Kazakhstan–Israel Joint Economic Commission at ministerial level",
            "planned",
            "joint_commission",
            None,
        ),
        ("President Tokayev to visit Israel", "planned", "state_visit", None),
        (
            "Turn the business forum’s project map into Joint Economic Commission workstreams",
            "planned",
            "joint_commission",
            None,
        ),
    ]


def test_demo_trade_baseline_and_every_fact_cites_the_article(demo):
    indicator = Indicator.objects.get()
    assert (
        indicator.state_a_id,
        indicator.state_b_id,
        indicator.metric,
        indicator.value,
        indicator.unit,
        indicator.period_start,
        indicator.period_end,
    ) == (
        "KZ",
        "IL",
        "trade_turnover",
        Decimal("162.4000"),
        "USD million",
        datetime.date(2025, 1, 1),
        datetime.date(2025, 11, 30),
    )
    article = Source.objects.get()
    assert article.title == "Kazakhstan and Israel Deepen Cooperation in Astana"
    for model in (Instrument, Meeting, FollowUpAction, Indicator):
        assert model.objects.exclude(sources=article).count() == 0, model


def test_add_user_creates_a_user_with_one_role(db):
    out = StringIO()

    call_command("add_user", "dana", "--role", "manager", stdout=out)

    user = get_user_model().objects.get(username="dana")
    assert list(user.groups.values_list("name", flat=True)) == ["manager"]
    assert user.is_staff and not user.is_superuser
    password = out.getvalue().splitlines()[-1].removeprefix("Password (shown once): ")
    assert user.check_password(password)


def test_add_user_refuses_a_duplicate_and_a_weak_password(db):
    call_command("add_user", "dana", "--role", "analyst", stdout=StringIO())
    with pytest.raises(CommandError, match="already exists"):
        call_command("add_user", "dana", "--role", "analyst", stdout=StringIO())
    with pytest.raises(CommandError, match="too common"):
        call_command("add_user", "omer", "--role", "analyst", "--password", "password1")


def test_load_demo_says_what_is_missing_and_changes_nothing(db):
    from agreements.models import Sector

    Sector.objects.filter(slug="public-diplomacy").update(slug="outreach")

    with pytest.raises(CommandError, match="these are gone or renamed: public-diplomacy"):
        call_command("load_demo", stdout=StringIO())

    assert Instrument.objects.count() == 0
