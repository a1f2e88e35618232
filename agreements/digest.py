"""The weekly reminder digest: what became overdue in the past week and what falls due in the next
14 days, in text and HTML, to every manager (all follow-ups, and the radar's counts per
relationship: what is stuck, falls due or is overdue) and to each responsible contact (their own
follow-ups).
`manage.py send_digests` sends it; run it weekly from cron."""

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string

from agreements.attention import attention_by_pair
from agreements.models import FollowUpAction, MeetingSeries, Person, State, today
from agreements.models.reference import ordered_pair, pair_name, pair_slug
from agreements.radar import counts_in_words, radar_counts_by_pair

WINDOW_DAYS = 14
WEEK = datetime.timedelta(days=7)


@dataclass
class Digest:
    became_overdue: list
    due_soon: list
    radar: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.became_overdue or self.due_soon or self.radar)


def digest_for(actions, on: datetime.date) -> Digest:
    actions = (
        actions.open()
        .select_related("origin_meeting", "origin_instrument")
        .order_by("due_on", "title", "id")
    )
    return Digest(
        became_overdue=list(actions.filter(due_on__gte=on - WEEK, due_on__lt=on)),
        due_soon=list(
            actions.filter(due_on__gte=on, due_on__lte=on + datetime.timedelta(days=WINDOW_DAYS))
        ),
    )


@dataclass
class RadarLine:
    """One relationship's radar counts in words: "2 stalled after signature, 1 expiring"."""

    name: str
    slug: str
    words: str
    total: int


def radar_lines(on: datetime.date) -> list[RadarLine]:
    """Each relationship with anything on the radar, the most first (`radar_counts_by_pair`, as
    the home page counts them): the pairs with anything recorded or a meeting series."""
    pairs = set(attention_by_pair())
    pairs |= {
        ordered_pair(a, b) for a, b in MeetingSeries.objects.values_list("state_a", "state_b")
    }
    counts = {pair: n for pair, n in radar_counts_by_pair(sorted(pairs), on=on).items() if n}
    states = State.objects.in_bulk({code for pair in counts for code in pair})
    lines = []
    for (a, b), per_rule in counts.items():
        first, second = states[a], states[b]
        lines.append(
            RadarLine(
                pair_name(first, second),
                pair_slug(first, second),
                counts_in_words(per_rule),
                sum(per_rule.values()),
            )
        )
    return sorted(lines, key=lambda line: (-line.total, line.name))


def send_digests(*, on: datetime.date | None = None) -> int:
    """Send this week's digests; returns how many e-mails went out (empty digests are not sent)."""
    messages = digest_messages(on=on or today())
    for message in messages.values():
        message.send()
    return len(messages)


def digest_messages(*, on: datetime.date) -> dict[str, EmailMultiAlternatives]:
    """This week's digests, not yet sent, by recipient ("manager <user id>", "contact <person
    id>": one address may receive both)."""
    messages = {}
    everything = digest_for(FollowUpAction.objects.all(), on)
    everything.radar = radar_lines(on)
    if not everything.is_empty:
        managers = (
            get_user_model()
            .objects.filter(groups__name="manager", is_active=True)
            .exclude(email="")
        )
        for manager in managers:
            messages[f"manager {manager.pk}"] = _message(
                manager.email, manager.get_username(), everything, on
            )
    contacts = Person.objects.exclude(email="").filter(follow_up_actions__isnull=False).distinct()
    for contact in contacts:
        theirs = digest_for(FollowUpAction.objects.filter(responsible_contact=contact), on)
        if not theirs.is_empty:
            messages[f"contact {contact.pk}"] = _message(contact.email, contact.name, theirs, on)
    return messages


def _message(address: str, name: str, digest: Digest, on: datetime.date) -> EmailMultiAlternatives:
    context = {
        "name": name,
        "digest": digest,
        "on": on,
        "window": WINDOW_DAYS,
        "site": settings.SITE_URL,
    }
    subject = (
        f"Bilateral: {len(digest.became_overdue)} became overdue, "
        f"{len(digest.due_soon)} due within {WINDOW_DAYS} days"
    )
    message = EmailMultiAlternatives(
        subject, render_to_string("agreements/digest.txt", context), to=[address]
    )
    message.attach_alternative(render_to_string("agreements/digest.html", context), "text/html")
    return message
