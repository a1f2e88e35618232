"""The public contract of /api/v1/: field names here are what consumers depend on."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agreements import services
from agreements.api.errors import as_api_error
from agreements.api.instrument_rows import instrument_data, instrument_rows
from agreements.api.json_types import JSONTypes
from agreements.lists.pairs import PAIR, STATE_CODE, pair_of_codes
from agreements.models import (
    ActionUpdate,
    FollowUpAction,
    Indicator,
    Instrument,
    InstrumentLink,
    Meeting,
    MeetingSeries,
    Organization,
    PartyAction,
    Person,
    Sector,
    Source,
    State,
    StatusChange,
    Subject,
    today,
)
from agreements.models.entry_into_force import RULE_TERMS
from agreements.series import series_state, series_with_rounds


@extend_schema_field(STATE_CODE)
class StateCodeField(serializers.SlugRelatedField):
    """A state by its ISO 3166-1 alpha-2 code, in any case on the way in."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", State.objects.all())
        super().__init__(slug_field="code", **kwargs)

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        if len(data) != 2 or not data.isalpha():
            raise serializers.ValidationError(
                f"Unknown state code {data[:10]!r}: use ISO 3166-1 alpha-2, such as KZ or IL."
            )
        try:
            return self.get_queryset().get(code=data.upper())
        except State.DoesNotExist:
            raise serializers.ValidationError(
                f"Unknown state code '{data}': use ISO 3166-1 alpha-2, such as KZ or IL."
            ) from None


@extend_schema_field(PAIR)
class PairField(serializers.CharField):
    """Two state codes joined by a hyphen, either order: KZ-IL (`lists.pairs.pair_of_codes`);
    its value is a `lists.pairs.Pair`."""

    def to_internal_value(self, data):
        try:
            return pair_of_codes(super().to_internal_value(data))
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.messages) from None


class SectorSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Sector.objects.all())
        super().__init__(slug_field="slug", **kwargs)


class CleanModelSerializer(JSONTypes, serializers.ModelSerializer):
    """Writes run the model's own validation (`full_clean`, constraints included), so the API
    refuses exactly what the admin refuses, with the same words."""

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)

    @transaction.atomic
    def _save(self, instance, validated_data):
        many = {
            name: validated_data.pop(name)
            for name in list(validated_data)
            if isinstance(self.fields.get(name), serializers.ManyRelatedField)
        }
        for name, value in validated_data.items():
            setattr(instance, name, value)
        try:
            instance.full_clean(exclude=self._fields_the_model_sets())
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        instance.save()
        for name, value in many.items():
            getattr(instance, name).set(value)
        return instance

    def _fields_the_model_sets(self):
        return []


# --- Reference data ---------------------------------------------------------------------------


class StateSerializer(serializers.ModelSerializer):
    class Meta:
        model = State
        fields = ["code", "name", "official_name"]


class SectorSerializer(CleanModelSerializer):
    rules_beyond_schema = ("`slug` and `name` are each unique among sectors.",)

    class Meta:
        model = Sector
        fields = ["id", "slug", "name"]


class SubjectSerializer(CleanModelSerializer):
    rules_beyond_schema = ("`slug` and `name` are each unique among subjects.",)

    class Meta:
        model = Subject
        fields = ["id", "slug", "name", "definition"]


class SubjectSlugField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="slug", queryset=Subject.objects.all(), **kwargs)


class OrganizationSerializer(CleanModelSerializer):
    state = StateCodeField()

    rules_beyond_schema = (
        "`name` is unique among the organizations of its `state`.",
        "`reference`, when given, is unique among organizations.",
    )

    class Meta:
        model = Organization
        fields = ["id", "reference", "name", "state", "kind"]
        validators = []  # the model's named constraints answer, in their words
        extra_kwargs = {"reference": {"validators": []}}


class PersonSerializer(CleanModelSerializer):
    rules_beyond_schema = ("`reference`, when given, is unique among people.",)

    class Meta:
        model = Person
        fields = ["id", "reference", "name", "position", "organization", "email"]
        extra_kwargs = {"reference": {"validators": []}}


class SourceSerializer(CleanModelSerializer):
    class Meta:
        model = Source
        fields = ["id", "title", "url", "publisher", "published_on", "excerpt"]


# --- Instruments ------------------------------------------------------------------------------


class EntryIntoForceRuleSerializer(JSONTypes, serializers.Serializer):
    """The rule as one object; null when it is not recorded."""

    type = serializers.ChoiceField(
        choices=Instrument.EntryIntoForceRule.choices, source="entry_into_force_rule"
    )
    days = serializers.IntegerField(
        source="entry_into_force_days",
        required=False,
        allow_null=True,
        min_value=0,
        max_value=3650,
    )
    months = serializers.IntegerField(
        source="entry_into_force_months",
        required=False,
        allow_null=True,
        min_value=1,
        max_value=120,
    )
    date = serializers.DateField(source="entry_into_force_date", required=False, allow_null=True)

    def to_internal_value(self, data):
        # A rule given is the whole rule: what it does not name is cleared.
        values = super().to_internal_value(data)
        for name in RULE_TERMS:
            values.setdefault(name, None)
        return values


@extend_schema_field({"type": "array", "items": STATE_CODE, "minItems": 2, "uniqueItems": True})
class PartyCodesField(serializers.ListField):
    """The parties as a list of state codes, each once."""

    child = StateCodeField()


class InstrumentLinkSerializer(JSONTypes, serializers.Serializer):
    """One link from this instrument to another: {"relation": "amends", "target": 12}."""

    relation = serializers.ChoiceField(choices=InstrumentLink.Relation.choices)
    target = serializers.PrimaryKeyRelatedField(queryset=Instrument.objects.all())


class InstrumentSerializer(CleanModelSerializer):
    binding = serializers.BooleanField(source="is_binding", default=True)
    # The schema says "two or more"; the words are the services' own, as for the rest of the rule.
    parties = PartyCodesField(min_length=2, error_messages={"min_length": services.TOO_FEW_PARTIES})
    signed_at = serializers.CharField(
        source="signature_place",
        required=False,
        allow_blank=True,
        max_length=200,
        help_text="Where it was signed.",
    )
    entry_into_force_rule = EntryIntoForceRuleSerializer(
        source="*", required=False, allow_null=True
    )
    sectors = SectorSlugField(many=True, required=False)
    subjects = SubjectSlugField(
        many=True, required=False, help_text="The standard subjects it covers, by slug."
    )
    links = InstrumentLinkSerializer(
        many=True,
        required=False,
        help_text="How this instrument relates to others (it amends, replaces… the target); "
        "a list given replaces the whole list. The target's links to this one are its own.",
    )
    status_label = serializers.CharField(read_only=True)
    projected_in_force_on = serializers.DateField(read_only=True, allow_null=True)
    missing_steps = serializers.ListField(child=serializers.CharField(), read_only=True)
    intent_stated_on = serializers.DateField(
        write_only=True,
        required=False,
        help_text="On creation: when the intent was stated (default today).",
    )

    rules_beyond_schema = (
        "`reference`, when given, is unique among instruments.",
        "`parties` cannot change once a party has recorded an action on the instrument.",
        "`entry_into_force_rule`: `days` exactly when its type counts days, `months` exactly "
        "when it counts months, `date` exactly when it is a fixed date, and not before signature.",
        "`links`: none to the instrument itself, none given twice.",
        "`intent_stated_on`: not in the future.",
    )

    class Meta:
        model = Instrument
        fields = [
            "id",
            "reference",
            "title",
            "short_title",
            "kind",
            "binding",
            "level",
            "parties",
            "status",
            "status_label",
            "signed_on",
            "signed_at",
            "in_force_on",
            "projected_in_force_on",
            "missing_steps",
            "entry_into_force_rule",
            "duration_years",
            "renews_tacitly",
            "notice_months",
            "links",
            "sectors",
            "subjects",
            "meeting",
            "sources",
            "notes",
            "intent_stated_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "signed_on", "in_force_on"]
        # The model's named constraint answers a repeated reference, in its words.
        extra_kwargs = {"reference": {"validators": []}}

    def to_representation(self, instrument):
        """The instrument as the list shows it (`instrument_rows`), read again as one row: one
        representation for the list, the detail, the answers to writes and the CSV. The fields
        above parse a write and describe the answer in the schema; they build no output."""
        row = instrument_rows(Instrument.objects.filter(pk=instrument.pk)).get()
        # Asked for a past day (?as_of=): the view's queryset gave the status then.
        row["status_as_of"] = getattr(instrument, "status_as_of", None)
        [data] = instrument_data([row])
        return data

    def validate_links(self, links):
        # In a PATCH, DRF lets the fields of each link go missing too.
        if any(not {"relation", "target"} <= link.keys() for link in links):
            raise serializers.ValidationError("Each link names its relation and its target.")
        return links

    def validate_parties(self, states):
        try:
            services.validate_parties(states)
        except DjangoValidationError as error:
            raise serializers.ValidationError(error.message_dict["parties"]) from None
        return states

    def to_internal_value(self, data):
        clears_rule = isinstance(data, dict) and (
            "entry_into_force_rule" in data and data["entry_into_force_rule"] is None
        )
        if clears_rule:
            data = {key: value for key, value in data.items() if key != "entry_into_force_rule"}
        values = super().to_internal_value(data)
        if clears_rule:
            values.update(entry_into_force_rule="", **dict.fromkeys(RULE_TERMS))
        return values

    def create(self, validated_data):
        parties = validated_data.pop("parties")
        links = validated_data.pop("links", [])
        try:
            with transaction.atomic():
                instrument = services.instrument_create(
                    parties=[{"state": state} for state in parties],
                    intent_stated_on=validated_data.pop("intent_stated_on", None),
                    user=self.context["request"].user,
                    sectors=validated_data.pop("sectors", []),
                    subjects=validated_data.pop("subjects", []),
                    sources=validated_data.pop("sources", []),
                    **validated_data,
                )
                services.instrument_set_links(instrument=instrument, links=links)
                return instrument
        except DjangoValidationError as error:
            raise as_api_error(error) from None

    def update(self, instance, validated_data):
        validated_data.pop("intent_stated_on", None)
        parties = validated_data.pop("parties", None)
        try:
            services.instrument_update(
                instrument=instance,
                parties=None if parties is None else [{"state": state} for state in parties],
                links=validated_data.pop("links", None),
                sectors=validated_data.pop("sectors", None),
                subjects=validated_data.pop("subjects", None),
                sources=validated_data.pop("sources", None),
                **validated_data,
            )
        except DjangoValidationError as error:
            raise as_api_error(error) from None
        instance.refresh_from_db()
        return instance


class TransitionSerializer(JSONTypes, serializers.Serializer):
    rules_beyond_schema = (
        "`to`: a status the lifecycle allows next (409 otherwise, naming those it allows).",
        "`date`: not in the future, nor before the latest entry of the status history.",
        "`termination_type` is given exactly when `to` is `terminated`.",
    )
    to = serializers.ChoiceField(choices=Instrument.Status.choices)
    date = serializers.DateField(required=False, help_text="When it happened (default today).")
    note = serializers.CharField(required=False, allow_blank=True, default="")
    sources = serializers.PrimaryKeyRelatedField(
        queryset=Source.objects.all(), many=True, required=False, default=list
    )
    termination_type = serializers.ChoiceField(
        choices=Instrument.TerminationType.choices, required=False, allow_blank=True, default=""
    )


class StatusChangeSerializer(serializers.ModelSerializer):
    # Empty when the application recorded it, or when the entry is not retracted.
    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    retracted_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    from_status = serializers.ChoiceField(
        choices=Instrument.Status.choices, read_only=True, allow_blank=True
    )

    class Meta:
        model = StatusChange
        fields = [
            "id",
            "from_status",
            "to_status",
            "happened_on",
            "termination_type",
            "note",
            "sources",
            "recorded_by",
            "recorded_at",
            "corrects",
            "retracted_at",
            "retracted_by",
            "retraction_reason",
        ]


class PartyActionSerializer(JSONTypes, serializers.ModelSerializer):
    party = StateCodeField(source="state")

    rules_beyond_schema = (
        "`party` is a party to the instrument, and takes each `action` once.",
        "`taken_on`: not in the future, nor before the intent was stated; a ratification, "
        "approval or notification not before signature.",
    )

    class Meta:
        model = PartyAction
        fields = ["id", "party", "action", "taken_on", "reference", "note", "sources"]
        # The service and the model's constraint refuse duplicates, in their own words.
        validators = []


# --- Meetings, follow-ups, indicators ---------------------------------------------------------


class MeetingSeriesSerializer(CleanModelSerializer):
    """A recurring commitment; where it stands is worked out (`agreements/series.py`)."""

    rules_beyond_schema = ("`state_a` and `state_b` are two different states.",)

    state_a = StateCodeField()
    state_b = StateCodeField()
    last_held_on = serializers.DateField(read_only=True, allow_null=True, default=None)
    last_round = serializers.IntegerField(read_only=True, allow_null=True, default=None)
    next_due_on = serializers.SerializerMethodField()
    is_overdue = serializers.SerializerMethodField()

    class Meta:
        model = MeetingSeries
        fields = [
            "id",
            "title",
            "kind",
            "state_a",
            "state_b",
            "interval_months",
            "notes",
            "last_held_on",
            "last_round",
            "next_due_on",
            "is_overdue",
        ]

    def _state(self, series):
        if not hasattr(series, "last_held_on"):  # just written: read it with its rounds
            series = series_with_rounds(MeetingSeries.objects.filter(pk=series.pk)).get()
        return series_state(series, on=today())

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_next_due_on(self, series):
        return self._state(series).next_due_on

    @extend_schema_field(serializers.BooleanField())
    def get_is_overdue(self, series):
        return self._state(series).is_overdue


class MeetingSerializer(CleanModelSerializer):
    rules_beyond_schema = (
        "`reference`, when given, is unique among meetings.",
        "A scheduled or held meeting has `starts_on`.",
        "`ends_on` only with `starts_on`, and not before it.",
    )

    round = serializers.IntegerField(
        source="round_number", required=False, allow_null=True, min_value=1, max_value=10000
    )
    host = StateCodeField(required=False, allow_null=True)
    states = StateCodeField(many=True)
    sectors = SectorSlugField(many=True, required=False)
    instruments = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    actions = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = [
            "id",
            "reference",
            "title",
            "kind",
            "series",
            "round",
            "starts_on",
            "ends_on",
            "place",
            "host",
            "states",
            "status",
            "people",
            "organizations",
            "instruments",
            "actions",
            "sectors",
            "sources",
            "summary",
            "created_at",
            "updated_at",
        ]
        extra_kwargs = {"reference": {"validators": []}}  # the model's constraint answers


class FollowUpActionSerializer(CleanModelSerializer):
    rules_beyond_schema = (
        "`reference`, when given, is unique among follow-ups.",
        "`origin_meeting` or `origin_instrument`: where it was promised.",
        "`due_on`: not before `agreed_on`.",
    )

    responsible_state = StateCodeField(required=False, allow_null=True)
    sectors = SectorSlugField(many=True, required=False)
    is_overdue = serializers.BooleanField(read_only=True)
    is_due_soon = serializers.BooleanField(read_only=True)
    is_stale = serializers.BooleanField(read_only=True)

    class Meta:
        model = FollowUpAction
        fields = [
            "id",
            "reference",
            "title",
            "description",
            "responsible_state",
            "responsible_organization",
            "responsible_contact",
            "origin_meeting",
            "origin_instrument",
            "agreed_on",
            "due_on",
            "status",
            "is_overdue",
            "is_due_soon",
            "is_stale",
            "result_instrument",
            "result_meeting",
            "sectors",
            "sources",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status"]
        extra_kwargs = {"reference": {"validators": []}}  # the model's constraint answers


class ActionUpdateSerializer(JSONTypes, serializers.ModelSerializer):
    rules_beyond_schema = (
        "`happened_on`: not in the future, nor before the follow-up was agreed.",
        "`to_status`: a status the follow-up's lifecycle allows next (409 otherwise).",
    )

    recorded_by = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )
    from_status = serializers.ChoiceField(
        choices=FollowUpAction.Status.choices, read_only=True, allow_blank=True
    )
    happened_on = serializers.DateField(required=False)

    class Meta:
        model = ActionUpdate
        fields = [
            "id",
            "happened_on",
            "note",
            "from_status",
            "to_status",
            "sources",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["from_status", "recorded_at"]


class IndicatorSerializer(CleanModelSerializer):
    rules_beyond_schema = (
        "`pair`: two different states.",
        "One figure per pair, `metric` and period.",
        "`period_end`: not before `period_start`.",
    )

    pair = PairField(help_text="Two state codes joined by a hyphen: KZ-IL.")

    class Meta:
        model = Indicator
        fields = [
            "id",
            "pair",
            "metric",
            "period_start",
            "period_end",
            "value",
            "unit",
            "note",
            "sources",
        ]
        validators = []

    def validate(self, attrs):
        if "pair" in attrs:
            attrs["state_a"], attrs["state_b"] = attrs.pop("pair").states
        return attrs
