"""A pair of states and a state as lists take them from a query string or a form: one parser for
a pair (`pair_of_codes`: "KZ-IL", either order), one for what a person types ("Kazakhstan and
Israel", `resolve_pair`), and the form fields the filters, the API's serializers and the pages
build on. Each gives a `Pair`: the text "KZ-IL" carrying its two `State`s, in the order given.

The OpenAPI shapes of a state code and a pair are here too, beside the rule they describe."""

import re

import pycountry
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.db.models.functions import Lower

from agreements.models import State

# The states are ISO 3166-1, loaded from pycountry (migration 0002): the schema can list them, so
# a program (or a fuzzer) knows which codes exist.
STATE_CODES = sorted(country.alpha_2 for country in pycountry.countries)
STATE_CODE = {"type": "string", "enum": STATE_CODES, "example": "KZ"}
# A filter takes a code in either case (kz): its list says so.
STATE_CODE_ANY_CASE = {
    "type": "string",
    "enum": STATE_CODES + [code.lower() for code in STATE_CODES],
    "example": "KZ",
}
_ANY_CODE = "|".join(STATE_CODES)
PAIR = {
    "type": "string",
    "pattern": f"^({_ANY_CODE})-({_ANY_CODE})$",
    "example": "KZ-IL",
}

CODES_MESSAGE = "Give two ISO 3166-1 alpha-2 codes joined by a hyphen, such as KZ-IL."


class Pair(str):
    """A pair as the filters take it ("KZ-IL"), with its two states in the order given."""

    def __new__(cls, first: State, second: State):
        pair = super().__new__(cls, f"{first.code}-{second.code}")
        pair.first, pair.second = first, second
        return pair

    @property
    def states(self) -> tuple[State, State]:
        return self.first, self.second


def pair_of_codes(text: str) -> Pair:
    """'KZ-IL' (any case, either order) → the `Pair`, in one query; anything else is refused
    with CODES_MESSAGE. The same state twice is a pair here (a filter that matches nothing; an
    indicator's own validation refuses it in its words)."""
    codes = text.strip().upper().split("-") if isinstance(text, str) else []
    if len(codes) != 2 or not all(len(code) == 2 and code.isalpha() for code in codes):
        raise ValidationError(CODES_MESSAGE, code="invalid")
    states = {state.code: state for state in State.objects.filter(code__in=codes)}
    if any(code not in states for code in codes):
        raise ValidationError(CODES_MESSAGE, code="invalid")
    return Pair(states[codes[0]], states[codes[1]])


# Between two states in a pair written out: "KZ-IL", "Kazakhstan–Israel", "Kazakhstan and Israel".
PAIR_SEPARATOR = re.compile(r"\s*[-\u2010-\u2015/,]\s*|\s+and\s+", re.IGNORECASE)


def states_by_word(words) -> dict[str, State]:
    """The states whose code or name (in any case) is one of `words`, keyed by both, lower-case:
    one query for all."""
    words = {word.strip().lower() for word in words if word.strip()}
    if not words:
        return {}
    found = State.objects.annotate(lower_name=Lower("name")).filter(
        Q(code__in=[word.upper() for word in words if len(word) == 2]) | Q(lower_name__in=words)
    )
    return {key: state for state in found for key in (state.code.lower(), state.lower_name)}


def resolve_pair(text: str) -> Pair:
    """Two states by code or name, in either order, joined by a hyphen, a dash or "and". Every
    place a separator could split the text is tried ("Guinea-Bissau-Israel" splits once)."""
    splits = [(text[: m.start()], text[m.end() :]) for m in PAIR_SEPARATOR.finditer(text.strip())]
    states = states_by_word(word for split in splits for word in split)
    for left, right in splits:
        first, second = states.get(left.strip().lower()), states.get(right.strip().lower())
        if first and second and first != second:
            return Pair(first, second)
        if first and first == second:
            raise ValidationError("Choose two different states.")
    unknown = [
        word.strip() for split in splits for word in split if word.strip().lower() not in states
    ]
    if splits and len(unknown) == 1:
        raise ValidationError(f"No state is called “{unknown[0]}”. Choose one from the list.")
    raise ValidationError("Give two states by name or code: Kazakhstan and Israel, or KZ-IL.")


class PairField(forms.CharField):
    """`pair=KZ-IL` as a program sends it: two codes, either order (`pair_of_codes`); its value
    is a `Pair`. Absent, it is no filter; given but empty (`pair=`), it is refused (a program
    that sends an empty pair meant one), unless `refuse_empty` is False: a page's form sends its
    empty boxes."""

    def __init__(self, *, refuse_empty: bool = True, **kwargs):
        super().__init__(**kwargs)
        self.refuse_empty = refuse_empty

    def clean(self, value):
        if self.refuse_empty and value is not None and not str(value).strip():
            raise ValidationError(f"{CODES_MESSAGE} An empty pair is not one.", code="empty")
        value = super().clean(value)
        return pair_of_codes(value) if value else None


class PairWidget(forms.MultiWidget):
    """Two boxes, "between … and …", each offering the states by name (the page's datalist
    `states`). A whole pair in the query string (`pair=KZ-IL`, as other pages link to the board)
    is read as if typed in the first box."""

    def __init__(self, attrs=None):
        box = {"list": "states", "autocomplete": "off"}
        super().__init__(
            [
                forms.TextInput({**box, "placeholder": "a state", "aria-label": "One state"}),
                forms.TextInput({**box, "placeholder": "and another", "aria-label": "The other"}),
            ],
            attrs,
        )

    def value_from_datadict(self, data, files, name):
        if data.get(name):
            return [data[name], ""]
        return super().value_from_datadict(data, files, name)

    def decompress(self, value):
        return [value.first.name, value.second.name] if value else [None, None]


class PairNameField(forms.MultiValueField):
    """A pair as a person types it: two states by code or name, or a whole pair in one box (see
    `resolve_pair`); its value is a `Pair`, or empty for two empty boxes."""

    widget = PairWidget

    def __init__(self, **kwargs):
        boxes = (forms.CharField(required=False), forms.CharField(required=False))
        super().__init__(fields=boxes, require_all_fields=False, **kwargs)

    def compress(self, values):
        given = [value.strip() for value in values if value and value.strip()]
        if not given:
            return ""
        if len(given) == 2:
            return resolve_pair(f"{given[0]} and {given[1]}")
        try:
            return resolve_pair(given[0])
        except ValidationError:
            if states_by_word(given):
                raise ValidationError("Choose the other state of the pair too.") from None
            raise


class StateNameField(forms.CharField):
    """A state by code or name, in any case; its value is the `State`."""

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        state = states_by_word([value]).get(value.strip().lower())
        if state is None:
            raise ValidationError(f"No state is called “{value}”. Choose one from the list.")
        return state
