"""Indicators: figures about a pair of states over a period (trade, visits, investment)."""

from django.db import models
from django.db.models import F, Q

from agreements.models.dates import validate_not_too_late
from agreements.models.reference import Source, State


class Indicator(models.Model):
    """A figure for a pair of states over a period, such as a year's trade turnover."""

    class Metric(models.TextChoices):
        TRADE_TURNOVER = "trade_turnover", "Trade turnover"
        EXPORTS = "exports", "Exports (first state to second)"
        IMPORTS = "imports", "Imports (first state from second)"
        INVESTMENT = "investment", "Investment"
        VISITORS = "visitors", "Visitors"
        OTHER = "other", "Other"

    state_a = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    state_b = models.ForeignKey(State, on_delete=models.PROTECT, related_name="+")
    metric = models.CharField(max_length=30, choices=Metric)
    period_start = models.DateField(validators=[validate_not_too_late])
    period_end = models.DateField(validators=[validate_not_too_late])
    value = models.DecimalField(max_digits=20, decimal_places=4)
    unit = models.CharField(max_length=40, help_text="For example 'USD million'.")
    note = models.TextField(blank=True)
    sources = models.ManyToManyField(Source, related_name="indicators", blank=True)

    class Meta:
        ordering = ["state_a_id", "state_b_id", "metric", "-period_end", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state_a=F("state_b")),
                name="%(app_label)s_%(class)s_two_different_states",
                violation_error_message="An indicator is for two different states.",
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="%(app_label)s_%(class)s_period_ends_after_start",
                violation_error_message="The period cannot end before it starts.",
            ),
            models.UniqueConstraint(
                fields=["state_a", "state_b", "metric", "period_start", "period_end"],
                name="%(app_label)s_%(class)s_unique_per_period",
                violation_error_message=(
                    "This figure is already recorded for this pair and period."
                ),
            ),
        ]

    def __str__(self):
        return (
            f"{self.get_metric_display()} {self.state_a_id}–{self.state_b_id}, "
            f"{self.period_start}–{self.period_end}: {self.value.normalize():f} {self.unit}"
        )

    @property
    def pair(self) -> str:
        return f"{self.state_a_id}-{self.state_b_id}"
