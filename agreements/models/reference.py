"""Reference data: states (ISO 3166-1), the organizations and people that act for them, sectors,
and the sources of every fact."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from agreements.models.dates import validate_not_too_late


def unique_reference(noun: str) -> models.UniqueConstraint:
    """A record's own register reference is unique among its kind when it is given (blank is
    none); `noun` names the kind in the message ("Another meeting already has this reference.")."""
    return models.UniqueConstraint(
        fields=["reference"],
        condition=~Q(reference=""),
        name="%(app_label)s_%(class)s_unique_reference",
        violation_error_message=f"Another {noun} already has this reference.",
    )


def ordered_pair(code_a: str, code_b: str) -> tuple[str, str]:
    """A pair of state codes as the pair rows store it, in either order given: ("IL", "KZ")."""
    first, second = sorted((code_a.upper(), code_b.upper()))
    return first, second


def in_display_order(first: "State", second: "State") -> tuple["State", "State"]:
    """A pair as people read it, the same on every page, feed and file: the ministry's own state
    (`HOME_STATE`) first; otherwise the two names in alphabetical order."""
    if second.code == settings.HOME_STATE:
        return second, first
    if first.code == settings.HOME_STATE:
        return first, second
    return (first, second) if first.name <= second.name else (second, first)


def pair_name(first: "State", second: "State") -> str:
    """ "Kazakhstan–Israel": the pair's name everywhere (see `in_display_order`)."""
    one, other = in_display_order(first, second)
    return f"{one.name}–{other.name}"


def pair_slug(first: "State", second: "State") -> str:
    """ "KZ-IL": the pair's code in addresses, in the order of its name."""
    one, other = in_display_order(first, second)
    return f"{one.code}-{other.code}"


class State(models.Model):
    """A sovereign state, identified by its ISO 3166-1 alpha-2 code (loaded by a data migration)."""

    code = models.CharField(max_length=2, primary_key=True)
    name = models.CharField(max_length=100, unique=True)
    official_name = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Organization(models.Model):
    """A body acting for a state: a ministry, an agency, a parliament, a company."""

    class Kind(models.TextChoices):
        HEAD_OF_STATE = "head_of_state", "Office of the head of state"
        GOVERNMENT = "government", "Government"
        MINISTRY = "ministry", "Ministry"
        AGENCY = "agency", "Agency"
        PARLIAMENT = "parliament", "Parliament"
        COMPANY = "company", "Company"
        BUSINESS_ASSOCIATION = "business_association", "Business association"
        OTHER = "other", "Other"

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the ministry's own register calls it; an imported register's rows are "
        "matched to organizations by it.",
    )
    name = models.CharField(max_length=200)
    state = models.ForeignKey(State, on_delete=models.PROTECT, related_name="organizations")
    kind = models.CharField(max_length=30, choices=Kind, default=Kind.MINISTRY)

    class Meta:
        ordering = ["state__name", "name"]
        constraints = [
            unique_reference("organization"),
            models.UniqueConstraint(
                fields=["state", "name"],
                name="%(app_label)s_%(class)s_unique_name_per_state",
                violation_error_message="This state already has an organization of that name.",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.state_id})"


class Person(models.Model):
    """Someone who signs, hosts or takes part: named with the position held at the time."""

    reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="What the ministry's own register calls it; an imported register's rows are "
        "matched to people by it.",
    )
    name = models.CharField(max_length=200)
    position = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="people", null=True, blank=True
    )
    email = models.EmailField(
        blank=True, help_text="For reminders of the follow-ups they answer for."
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"
        constraints = [
            unique_reference("person"),
        ]

    def __str__(self):
        return f"{self.name}, {self.position}" if self.position else self.name


class Sector(models.Model):
    """A field of cooperation from a controlled list (agriculture, visas, public diplomacy…)."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Source(models.Model):
    """A document that a recorded fact comes from."""

    title = models.CharField(max_length=300)
    url = models.URLField(max_length=500, blank=True, verbose_name="URL")
    publisher = models.CharField(max_length=200, blank=True)
    published_on = models.DateField(null=True, blank=True, validators=[validate_not_too_late])
    excerpt = models.TextField(blank=True)

    class Meta:
        ordering = ["-published_on", "title", "id"]

    def __str__(self):
        return self.title


class Subject(models.Model):
    """A standard subject of bilateral agreements (visa exemption, avoidance of double taxation…),
    kept as reference data that analysts edit; instruments are tagged with theirs, and the
    coverage grid reads them."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    definition = models.TextField(blank=True, help_text="What an agreement on it covers.")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name
