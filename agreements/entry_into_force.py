"""Works out when an instrument enters into force under its own rule, and what is still missing.

Pure calculation: it reads the instrument, its parties and its party actions (prefetched or not)
and writes nothing. `services.instrument_promote_if_due` acts on the answer.
"""

import datetime
from dataclasses import dataclass, field

from agreements.models import Instrument, PartyAction

Rule = Instrument.EntryIntoForceRule


@dataclass(frozen=True)
class MissingStep:
    """A step the rule still waits for. `state_name` is empty for a step of all parties."""

    action: str
    state_code: str = ""
    state_name: str = ""

    def __str__(self):
        if self.action == "signature":
            return "waiting for signature"
        return f"waiting for {self.state_name}'s notification that internal procedures are complete"


@dataclass(frozen=True)
class Projection:
    """When the rule brings the instrument into force (None while unknown) and what it waits for."""

    projected_on: datetime.date | None
    missing_steps: list[MissingStep] = field(default_factory=list)
    explanation: str = ""

    @property
    def is_complete(self) -> bool:
        return self.projected_on is not None and not self.missing_steps


def first_day_of_nth_month_after(day: datetime.date, months: int) -> datetime.date:
    """15 March, 2 → 1 May: the first day of the second month following the month of `day`."""
    month_index = day.year * 12 + (day.month - 1) + months
    return datetime.date(month_index // 12, month_index % 12 + 1, 1)


def project(instrument: Instrument) -> Projection:
    rule = instrument.entry_into_force_rule
    if not rule:
        return Projection(None, [], "The entry-into-force rule is not recorded.")

    missing = [] if instrument.signed_on else [MissingStep("signature")]

    if rule == Rule.ON_SIGNATURE:
        return Projection(instrument.signed_on, missing, "Enters into force on signature.")

    if rule == Rule.FIXED_DATE:
        when = instrument.entry_into_force_date
        return Projection(when, missing, f"Enters into force on {when:%-d %B %Y}.")

    last_notification_on, waiting_for = _notifications(instrument)
    missing += waiting_for
    if rule == Rule.DAYS_AFTER_LAST_NOTIFICATION:
        days = instrument.entry_into_force_days
        explanation = f"Enters into force {days} days after the last notification."
        if waiting_for or last_notification_on is None:
            return Projection(None, missing, explanation)
        return Projection(
            last_notification_on + datetime.timedelta(days=days), missing, explanation
        )

    months = instrument.entry_into_force_months
    explanation = (
        f"Enters into force on the first day of the {_ordinal(months)} month "
        "after the last notification."
    )
    if waiting_for or last_notification_on is None:
        return Projection(None, missing, explanation)
    return Projection(
        first_day_of_nth_month_after(last_notification_on, months), missing, explanation
    )


def _notifications(instrument: Instrument):
    """The date of the last notification, and the parties whose notification is still missing."""
    notified_on = {}
    for action in instrument.party_actions.all():
        if action.action == PartyAction.Action.NOTIFICATION:
            notified_on[action.state_id] = action.taken_on
    waiting_for = [
        MissingStep("notification", party.state_id, party.state.name)
        for party in instrument.parties.all()
        if party.state_id not in notified_on
    ]
    return (max(notified_on.values()) if notified_on else None), waiting_for


def _ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    if n in words:
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
