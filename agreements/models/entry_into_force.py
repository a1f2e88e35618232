"""Works out when an instrument enters into force under its own rule, and what is still missing.

Pure calculation from plain values (`project_terms`): `Instrument.entry_into_force()` hands it an
instrument's terms, parties and notifications, the API's list hands it rows. It writes nothing;
`services.instrument_promote_if_due` acts on the answer. It imports no model, so that the
instrument's model can use it without a cycle; the rules it knows are its own enum,
`EntryIntoForceRule` (the model's `Instrument.EntryIntoForceRule`).
"""

import datetime
from dataclasses import dataclass, field

from django.db import models
from django.utils.formats import date_format


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


Rule = EntryIntoForceRule

# An instrument's fields that state its rule: the rule, and what it counts (one of them at most).
RULE_TERMS = ("entry_into_force_days", "entry_into_force_months", "entry_into_force_date")
RULE_FIELDS = ("entry_into_force_rule", *RULE_TERMS)


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


NOTIFICATION_RULES = {
    Rule.DAYS_AFTER_LAST_NOTIFICATION,
    Rule.FIRST_DAY_OF_MONTH_AFTER_LAST_NOTIFICATION,
}


def project_terms(
    *,
    rule: str,
    signed_on: datetime.date | None,
    fixed_on: datetime.date | None,
    days: int | None,
    months: int | None,
    parties: list[tuple[str, str]],
    notified_on: dict[str, datetime.date],
) -> Projection:
    """The projection from plain values, so that lists read from rows need no model instances.
    `parties` are (code, name) pairs in the order the steps are listed; `notified_on` maps a
    party's code to the day of its notification (one at most per party)."""
    if not rule:
        return Projection(None, [], "The entry-into-force rule is not recorded.")

    missing = [] if signed_on else [MissingStep("signature")]

    if rule == Rule.ON_SIGNATURE:
        return Projection(signed_on, missing, "Enters into force on signature.")

    if rule == Rule.FIXED_DATE:
        return Projection(fixed_on, missing, f"Enters into force on {date_format(fixed_on)}.")

    waiting_for = [
        MissingStep("notification", code, name) for code, name in parties if code not in notified_on
    ]
    last_notification_on = max(notified_on.values()) if notified_on else None
    missing += waiting_for
    if rule == Rule.DAYS_AFTER_LAST_NOTIFICATION:
        explanation = f"Enters into force {days} days after the last notification."
        if waiting_for or last_notification_on is None:
            return Projection(None, missing, explanation)
        return _projected(
            lambda: last_notification_on + datetime.timedelta(days=days), missing, explanation
        )

    explanation = (
        f"Enters into force on the first day of the {ordinal(months)} month "
        "after the last notification."
    )
    if waiting_for or last_notification_on is None:
        return Projection(None, missing, explanation)
    return _projected(
        lambda: first_day_of_nth_month_after(last_notification_on, months), missing, explanation
    )


def _projected(day, missing: list[MissingStep], explanation: str) -> Projection:
    """The projection on `day()`; a notification recorded near the end of the calendar (before
    dates were bounded) can put it past 31 December 9999, and then it is unknown, not a 500 on
    every page that shows the instrument."""
    try:
        return Projection(day(), missing, explanation)
    except (OverflowError, ValueError):
        return Projection(None, missing, f"{explanation} That date is beyond any calendar.")


def ordinal(n: int) -> str:
    words = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"}
    if n in words:
        return words[n]
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
