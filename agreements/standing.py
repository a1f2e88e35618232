"""Where a relationship stands, worked out once for the relationship page's headline and the
brief's paragraph: the counts (`attention_by_pair` for the pair: instruments per status, open
and overdue promises) and which meeting was the last one (`last_meeting`, the rule the home page's
"latest meeting" follows in SQL too)."""

from django.utils.formats import date_format

from agreements.attention import WAITING_STATUSES, Attention, attention_by_pair
from agreements.models import Instrument, Meeting, today
from agreements.models.reference import ordered_pair

Status = Instrument.Status
# The headline names at most this many instruments waiting for entry into force.
WAITING_NAMED = 3


def pair_attention(a, b) -> Attention:
    """The pair's counts (one query), zero when nothing is recorded."""
    codes = ordered_pair(a.code, b.code)
    return attention_by_pair(codes).get(codes, Attention(codes))


def last_meeting(held) -> tuple[Meeting | None, int]:
    """Of meetings held (newest day first), the one that stands for the last day, the weightiest
    (`Meeting.weight`: a visit before a ceremony), and how many there were that day."""
    held = [meeting for meeting in held if meeting.starts_on]
    if not held:
        return None, 0
    day = [meeting for meeting in held if meeting.starts_on == held[0].starts_on]
    return min(day, key=lambda meeting: meeting.weight), len(day)


def paragraph(a, b, attention: Attention, held) -> str:
    """The brief's paragraph: the same counts and last meeting as the headline, in the plain
    sentences of a page taken along to a visit. `held`: the pair's last meetings held."""
    counts = attention.instruments
    talks = sum(
        counts.get(status, 0)
        for status in (Status.PROPOSED, Status.UNDER_NEGOTIATION, Status.TEXT_AGREED)
    )
    sentences = [
        f"{a.name} and {b.name} have {_count(counts.get(Status.IN_FORCE, 0), 'instrument')} in "
        f"force, {attention.waiting} signed and awaiting entry into force, and {talks} proposed "
        "or under negotiation."
    ]
    last, _ = last_meeting(held)
    if last:
        sentences.append(f"They last met on {last.starts_on:%-d %B %Y}: {last.title}.")
    promises = f"{attention.open} promise{' is' if attention.open == 1 else 's are'} open"
    overdue = attention.overdue
    sentences.append(promises + (f", {overdue} of them overdue." if overdue else ", none overdue."))
    return " ".join(sentences)


def headline(a, b, attention: Attention, by_status, meetings) -> list[str]:
    """The relationship page's headline, in three or four sentences: what is in force, what is
    signed and waiting on whom, how the promises stand, the last and the next meeting.
    `by_status`: the pair's latest instruments of each status; `meetings`: its latest
    meetings, newest first."""
    between = f"between {a.name} and {b.name}"
    in_force = attention.instruments.get(Instrument.Status.IN_FORCE, 0)
    sentences = [
        f"{_count(in_force, 'instrument')} {'is' if in_force == 1 else 'are'} in force {between}"
        f" ({attention.instruments_in_words()})."
        if in_force
        else f"Nothing is in force {between} yet ({attention.instruments_in_words()})."
    ]
    if attention.waiting:
        sentences.append(_waiting_sentence(attention.waiting, by_status))
    promises = attention.promises_in_words()
    sentences.append(f"{promises[0].upper()}{promises[1:]}.")
    on = today()
    held = [m for m in meetings if m.starts_on and m.starts_on <= on]
    coming = [
        m
        for m in meetings
        if m.status in (Meeting.Status.PROPOSED, Meeting.Status.SCHEDULED)
        and (m.starts_on is None or m.starts_on >= on)
    ]
    coming.sort(key=lambda m: (m.starts_on is None, m.starts_on or on))
    last, that_day = last_meeting(held)
    if last:
        others = f" (and {_count(that_day - 1, 'more meeting')} that day)" * (that_day > 1)
        meeting = f"The last meeting was the {last} on {date_format(last.starts_on)}{others}"
    else:
        meeting = "No meeting is recorded yet"
    if coming:
        nearest = coming[0]
        when = date_format(nearest.starts_on) if nearest.starts_on else "not yet dated"
        meeting += f"; next: the {nearest} ({nearest.get_status_display().lower()}, {when})"
    else:
        meeting += "; none is planned"
    sentences.append(meeting + ".")
    return sentences


def _waiting_sentence(waiting: int, by_status) -> str:
    """ "5 signed instruments wait for entry into force: X is waiting for Israel's notification
    ...; 4 have no rule of entry into force recorded." Those waiting on a party come first."""
    reasons, unruled = [], 0
    for instrument in (i for status in WAITING_STATUSES for i in by_status[status]):
        projection = instrument.entry_into_force()
        if projection.missing_steps:
            steps = ", ".join(str(step) for step in projection.missing_steps)
            reasons.insert(0, f"{instrument} is {steps}")
        elif projection.projected_on:
            reasons.append(
                f"{instrument} enters into force on {date_format(projection.projected_on)}"
            )
        else:
            unruled += 1
    if not reasons and unruled == waiting:
        return (
            f"{_count(waiting, 'signed instrument')} {'is' if waiting == 1 else 'are'} not yet in"
            f" force, and {'its' if waiting == 1 else 'none has its'} rule of entry into force"
            f"{' is not' if waiting == 1 else ''} recorded."
        )
    named = reasons[:WAITING_NAMED]
    if len(reasons) > WAITING_NAMED:
        named.append(f"{len(reasons) - WAITING_NAMED} more wait on a party or a date")
    if unruled:
        verb = "has" if unruled == 1 else "have"
        named.append(f"{unruled} {verb} no rule of entry into force recorded")
    listed = len(reasons) + unruled
    if waiting > listed:
        named.append(f"{waiting - listed} more are not shown here")
    verb = "waits" if waiting == 1 else "wait"
    return (
        f"{_count(waiting, 'signed instrument')} {verb} for entry into force: {'; '.join(named)}."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
