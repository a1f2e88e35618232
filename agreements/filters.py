"""Query-string filters, shared by the API lists and the managers' pages; each is documented in
the OpenAPI schema. A pair's and a state's fields (and their one parser each) are in
`agreements.lists.pairs`; a filter's bad value is a form error, never an exception."""

import datetime

from django import forms
from django.contrib.postgres.search import SearchVector
from django.db.models import Exists, OuterRef
from django_filters import rest_framework as filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.utils import extend_schema_field

from agreements.documents.search import owners_matching, passage, search_query
from agreements.lists.pairs import (
    PAIR,
    STATE_CODE,
    STATE_CODE_ANY_CASE,
    PairField,
    PairNameField,
    StateNameField,
)
from agreements.models import (
    Document,
    FollowUpAction,
    Indicator,
    Instrument,
    Meeting,
    Organization,
    Person,
    Sector,
    State,
    is_overdue,
    is_stale,
    today,
)
from agreements.models.reference import ordered_pair
from agreements.radar import Rule, Selection


def full_text(queryset, fields: list[str], value: str, documents_of: str = ""):
    """PostgreSQL full-text search (English stemming) over the given text fields and, with
    `documents_of` ("instrument" or "meeting"), over the text of the rows' documents."""
    vector = SearchVector(*fields, config="english")
    query = search_query(value)
    if not documents_of:
        return queryset.annotate(search=vector).filter(search=query)
    # A union of ids, not "own fields OR a document": each half uses its own GIN index, where
    # the OR would compute every row's vector.
    own = queryset.model._base_manager.annotate(search=vector).filter(search=query).values("pk")
    return queryset.filter(pk__in=own.union(owners_matching(documents_of, query)))


class FilterSet(filters.FilterSet):
    """django-filter builds a form class anew for every request, each filter's form field and
    label with it: a tenth of an API list request. Here a filter set builds it once. That holds
    because these filters' fields depend on their declarations alone (no queryset read from the
    request, one language); each form still gets its own copy of the fields."""

    def get_form_class(self):
        cls = type(self)
        if "_form_class" not in cls.__dict__:
            cls._form_class = super().get_form_class()
        return cls._form_class


class TrueFalseWidget(BooleanWidget):
    """django-filter's true/false widget, except that a value it cannot read reaches the field
    as it was (to be refused) instead of becoming "no filter": `?overdue=maybe` is a mistake to
    report, not a request for everything."""

    def value_from_datadict(self, data, files, name):
        known = super().value_from_datadict(data, files, name)
        given = data.get(name)
        return given if known is None and given not in (None, "") else known


class TrueFalseField(forms.NullBooleanField):
    def to_python(self, value):
        if value is True or value is False:
            return value
        if value in (None, ""):
            return None
        raise forms.ValidationError("Give true or false.", code="invalid")


class TrueFalseFilter(filters.BooleanFilter):
    """A yes/no filter: true, false (or 1, 0), or left out; anything else is refused."""

    field_class = TrueFalseField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", TrueFalseWidget)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "array", "items": STATE_CODE})
class StateCodesFilter(filters.ModelMultipleChoiceFilter):
    """Repeatable state codes (party=KZ&party=IL)."""

    def __init__(self, **kwargs):
        super().__init__(queryset=State.objects.all(), to_field_name="code", **kwargs)


@extend_schema_field(PAIR)
class PairFilter(filters.CharFilter):
    """`pair=KZ-IL`, either order: its value is a `lists.pairs.Pair`."""

    field_class = PairField


class StateCodeChoiceField(forms.ModelChoiceField):
    def to_python(self, value):
        return super().to_python(value.upper() if isinstance(value, str) else value)


@extend_schema_field(STATE_CODE_ANY_CASE)
class StateChoiceFilter(filters.ModelChoiceFilter):
    """One state, chosen from a list on a page, by its code in the API (KZ or kz, as the
    schema's list says); a code no state has answers 400 rather than an empty list."""

    field_class = StateCodeChoiceField

    def __init__(self, **kwargs):
        super().__init__(queryset=State.objects.all(), **kwargs)


class ByReference(FilterSet):
    """`reference=…`: the record a ministry's own register names (exact), for a consumer who
    keeps the register's references and looks a record up by one."""

    reference = filters.CharFilter(
        help_text="The reference in the ministry's own register, exactly as recorded."
    )


class OrganizationFilter(ByReference):
    state = StateChoiceFilter(field_name="state")

    class Meta:
        model = Organization
        fields = ["kind"]


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": 2**63 - 1})
class IdFilter(filters.NumberFilter):
    """An object's id; one that does not exist (any more) simply matches nothing, and anything
    but a whole number from 1 up answers 400."""

    field_class = forms.IntegerField

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=2**63 - 1, **kwargs)


class PersonFilter(ByReference):
    organization = IdFilter(field_name="organization_id")

    class Meta:
        model = Person
        fields = []


class PairFilterSet(FilterSet):
    """`pair=KZ-IL`: what belonging to a pair means is the queryset's own `for_pair()`."""

    pair = PairFilter(
        method="filter_pair", label="Pair (KZ-IL)", help_text="Two state codes: KZ-IL."
    )

    def filter_pair(self, queryset, name, pair):
        return queryset.for_pair(pair.first.code, pair.second.code)


class InstrumentFilter(ByReference, PairFilterSet):
    status = filters.MultipleChoiceFilter(choices=Instrument.Status.choices, distinct=False)
    kind = filters.ChoiceFilter(choices=Instrument.Kind.choices)
    party = StateCodesFilter(
        method="filter_party",
        help_text="A state code; repeat it (party=KZ&party=IL): every one must be a party.",
    )
    sector = filters.CharFilter(field_name="sectors__slug", help_text="A sector's slug.")
    signed_after = filters.DateFilter(field_name="signed_on", lookup_expr="gte")
    signed_before = filters.DateFilter(field_name="signed_on", lookup_expr="lte")
    in_force = TrueFalseFilter(method="filter_in_force")
    updated_since = filters.IsoDateTimeFilter(field_name="updated_at", lookup_expr="gte")
    q = filters.CharFilter(
        method="filter_q",
        help_text="Full-text search: titles, notes and the text of its documents.",
    )

    class Meta:
        model = Instrument
        fields = []

    def filter_party(self, queryset, name, states):
        for state in states:
            queryset = queryset.with_party(state.code)
        return queryset

    def filter_in_force(self, queryset, name, value):
        in_force = Instrument.Status.IN_FORCE
        return queryset.filter(status=in_force) if value else queryset.exclude(status=in_force)

    def filter_q(self, queryset, name, value):
        return full_text(queryset, ["title", "short_title", "notes"], value, "instrument")


class MeetingFilter(ByReference, PairFilterSet):
    kind = filters.ChoiceFilter(choices=Meeting.Kind.choices)
    status = filters.MultipleChoiceFilter(choices=Meeting.Status.choices, distinct=False)
    starts_after = filters.DateFilter(field_name="starts_on", lookup_expr="gte")
    starts_before = filters.DateFilter(field_name="starts_on", lookup_expr="lte")
    q = filters.CharFilter(
        method="filter_q",
        help_text="Full-text search: titles, summaries and the text of its documents.",
    )

    class Meta:
        model = Meeting
        fields = []

    def filter_q(self, queryset, name, value):
        return full_text(queryset, ["title", "summary", "place"], value, "meeting")


class FollowUpActionFilter(ByReference, PairFilterSet):
    status = filters.MultipleChoiceFilter(choices=FollowUpAction.Status.choices, distinct=False)
    overdue = TrueFalseFilter(method="filter_overdue", label="Overdue")
    due_before = filters.DateFilter(field_name="due_on", lookup_expr="lte", label="Due by")
    responsible_state = StateChoiceFilter(field_name="responsible_state", help_text="A state code.")
    q = filters.CharFilter(
        method="filter_q", label="Search", help_text="Full-text search: titles, descriptions."
    )

    class Meta:
        model = FollowUpAction
        fields = []

    def filter_overdue(self, queryset, name, value):
        return queryset.filter(is_overdue()) if value else queryset.exclude(is_overdue())

    def filter_q(self, queryset, name, value):
        return full_text(queryset, ["title", "description"], value)


class DocumentFilter(FilterSet):
    instrument = IdFilter(field_name="instrument_id")
    meeting = IdFilter(field_name="meeting_id")
    kind = filters.ChoiceFilter(choices=Document.Kind.choices)
    extraction = filters.ChoiceFilter(choices=Document.Extraction.choices)
    q = filters.CharFilter(
        method="filter_q",
        help_text="Full-text search in the documents' text; each answer has its matching passage.",
    )

    class Meta:
        model = Document
        fields = []

    def filter_q(self, queryset, name, value):
        query = search_query(value)
        return queryset.filter(search_vector=query).annotate(passage=passage(query))


class IndicatorFilter(FilterSet):
    pair = PairFilter(method="filter_pair", help_text="Either order: KZ-IL or IL-KZ.")
    metric = filters.ChoiceFilter(choices=Indicator.Metric.choices)

    class Meta:
        model = Indicator
        fields = []

    def filter_pair(self, queryset, name, pair):
        return queryset.filter(state_a__in=pair.states, state_b__in=pair.states)


class TickField(forms.BooleanField):
    """A tick box that filters when ticked; unticked is no filter at all (None, not False)."""

    def clean(self, value):
        return super().clean(value) or None


class PairNameFilter(filters.CharFilter):
    field_class = PairNameField


class StateNameFilter(filters.CharFilter):
    field_class = StateNameField


class TickFilter(filters.BooleanFilter):
    field_class = TickField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, widget=forms.CheckboxInput, **kwargs)


class YesNoAny(TrueFalseWidget):
    """Yes, No or Any (django-filter says "Unknown" for Any)."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = [("", "Any"), ("true", "Yes"), ("false", "No")]


class FollowUpBoardFilter(FollowUpActionFilter):
    """The managers' follow-up board: the API's filters in plain words (states and pairs by
    name, date pickers, tick boxes, Yes/No/Any), plus the board's own."""

    q = filters.CharFilter(method="filter_q", label="Words in the title or description")
    pair = PairNameFilter(method="filter_pair", label="Between")
    responsible_state = StateNameFilter(
        field_name="responsible_state",
        label="Responsible state",
        widget=forms.TextInput(
            attrs={"list": "states", "autocomplete": "off", "placeholder": "Any state"}
        ),
    )
    # The organizations offered: those responsible for at least one follow-up (an index probe
    # each, not a DISTINCT over every follow-up).
    responsible_organization = filters.ModelChoiceFilter(
        queryset=Organization.objects.filter(
            Exists(FollowUpAction.objects.filter(responsible_organization=OuterRef("pk")))
        ),
        label="Responsible organization",
        empty_label="Any organization",
    )
    status = filters.MultipleChoiceFilter(
        choices=FollowUpAction.Status.choices,
        distinct=False,
        widget=forms.CheckboxSelectMultiple,
    )
    due_within = filters.ChoiceFilter(
        label="Due within",
        choices=[("7", "7 days"), ("30", "30 days"), ("90", "90 days")],
        method="filter_due_within",
        empty_label="Any time",
    )
    due_before = filters.DateFilter(
        field_name="due_on",
        lookup_expr="lte",
        label="Due by",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    overdue = TrueFalseFilter(method="filter_overdue", label="Overdue", widget=YesNoAny)
    stale = TrueFalseFilter(
        method="filter_stale", label="Stale (no update in 90 days)", widget=YesNoAny
    )
    unassigned = TickFilter(method="filter_unassigned", label="No one responsible")
    undated = TickFilter(field_name="due_on", lookup_expr="isnull", label="No due date")

    def filter_due_within(self, queryset, name, value):
        start = today()
        return queryset.open().filter(
            due_on__gte=start, due_on__lte=start + datetime.timedelta(days=int(value))
        )

    def filter_stale(self, queryset, name, value):
        return queryset.filter(is_stale()) if value else queryset.exclude(is_stale())

    def filter_unassigned(self, queryset, name, value):
        return queryset.filter(
            responsible_state=None, responsible_organization=None, responsible_contact=None
        )


class RadarFilter(PairFilterSet):
    """The radar's filters (page and API): which instruments its rules look at."""

    state = StateChoiceFilter(
        method="filter_state",
        label="State",
        empty_label="Any state",
        help_text="A state code: instruments to which it is a party.",
    )
    sector = filters.ModelChoiceFilter(
        queryset=Sector.objects.all(),
        to_field_name="slug",
        field_name="sectors",
        label="Sector",
        empty_label="Any sector",
        help_text="A sector's slug.",
    )
    kind = filters.ChoiceFilter(choices=Instrument.Kind.choices, empty_label="Any kind")
    rule = filters.ChoiceFilter(
        choices=Rule.choices, method="filter_nothing", empty_label="Any rule", label="Rule"
    )

    class Meta:
        model = Instrument
        fields = []

    def filter_nothing(self, queryset, name, value):
        return queryset  # read by `selection()`: a rule is not a column

    def filter_state(self, queryset, name, state):
        return queryset.with_party(state.code)

    def selection(self) -> Selection:
        """What the radar selects, the pair in its stored order (call after `is_valid()`: a bad
        pair is a form error)."""
        data = self.form.cleaned_data
        pair = data.get("pair")
        return Selection(
            pair=ordered_pair(pair.first.code, pair.second.code) if pair else None,
            state=data["state"].code if data.get("state") else None,
            sector=data["sector"].pk if data.get("sector") else None,
            kind=data.get("kind") or None,
            rule=data.get("rule") or None,
        )


class RadarPageFilter(RadarFilter):
    """The radar page's form: the same filters, and its pair box may be left empty."""

    pair = PairFilter(method="filter_pair", label="Pair (KZ-IL)", refuse_empty=False)
