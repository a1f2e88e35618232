"""What the OpenAPI schema says beyond what drf-spectacular derives, written once for every
operation instead of per view: the error answers, the rules a write must meet that no schema can
state, and that an empty query parameter is the same as none.

Any operation may answer: 400 (the request says something wrong), 401 (no valid token), 403
(the role may not), 404 (no such object or page), 409 (the lifecycle forbids it, or the object
is still referred to), 412 (If-Match is stale), 413 (body too large), 429 (throttled) and 503
(the database is unavailable). Each comes as JSON with a `detail` text or, for 400, the message
per field.
"""

import re

from drf_spectacular import openapi
from rest_framework import relations, serializers

from agreements.models.dates import LATEST_DATE

ERRORS = {
    "400": "The request says something the data does not allow; the messages say what, per field.",
    "401": "No valid token (send Authorization: Token <key>).",
    "403": "Your role may not do this.",
    "404": "No such object, or no such page of results.",
    "409": "The lifecycle does not allow it, or other records still refer to the object.",
    "412": "If-Match does not match the record's current ETag: read it again.",
    "413": "The request body is too large.",
    "429": "Too many requests: wait for the time in Retry-After.",
    "503": "The database is unavailable; nothing was changed. Try again shortly.",
}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "additionalProperties": True,
}


# The query parameters that refuse an empty value; every other one takes `?name=` as if it were
# left out, as an HTML form sends it.
REFUSE_EMPTY = {"pair"}


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error answers every operation may give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for name, component in result["components"]["schemas"].items():
        _decimals_need_a_digit(component)
        _text_needs_more_than_spaces(name, component)
        _blank_or_formatted(component)
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _refuse_nul_in_parameters(operation)
            _empty_is_absent(operation)
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                        },
                    },
                )
    return result


# No text in a URL may hold a NUL character: bilateral.middleware refuses it with 400 before the
# API sees it. Saying so in the schema keeps "what the schema allows is accepted" true.
NO_NUL = "^[^\\x00]*$"


def _refuse_nul_in_parameters(operation: dict) -> None:
    for parameter in operation.get("parameters", []):
        schema = parameter.get("schema", {})
        if schema.get("type") == "string" and "enum" not in schema:
            schema.setdefault("pattern", NO_NUL)


def _empty_is_absent(operation: dict) -> None:
    # A repeatable parameter (status=signed&status=proposed) is a list of choices: an empty one
    # is no choice, and refused.
    for parameter in operation.get("parameters", []):
        one_value = parameter.get("schema", {}).get("type") != "array"
        optional = not parameter.get("required") and parameter["name"] not in REFUSE_EMPTY
        if parameter["in"] == "query" and optional and one_value:
            parameter["allowEmptyValue"] = True


# drf-spectacular's pattern for a decimal, ^-?\d{0,16}(?:\.\d{0,4})?$, also matches "", "-" and
# ".", which no decimal field takes: the same digits, with at least one of them.
DIGITS = re.compile(r"\{0,(\d+)\}")


def _decimals_need_a_digit(component: dict) -> None:
    for field in component.get("properties", {}).values():
        if field.get("format") == "decimal" and "pattern" in field:
            whole, places = DIGITS.findall(field["pattern"])
            field["pattern"] = rf"^-?(\d{{1,{whole}}}(\.\d{{0,{places}}})?|\.\d{{1,{places}}})$"


# drf-spectacular writes a URL or e-mail that may be blank as oneOf [formatted, empty]. A
# validator that does not check the format finds "" matches both, which oneOf forbids; and a
# fuzzer reads anyOf one branch at a time ("" breaks the format). So such a field is plain text
# here, and its format is one of the rules the write's description lists (`rules_beyond_schema`).
EMPTY = {"type": "string", "maxLength": 0}


def _blank_or_formatted(component: dict) -> None:
    for field in component.get("properties", {}).values():
        formatted = [branch for branch in field.get("oneOf", []) if branch != EMPTY]
        if EMPTY in field.get("oneOf", []) and len(formatted) == 1:
            del field["oneOf"]
            field.update({key: value for key, value in formatted[0].items() if key != "format"})


# Text a field may not leave blank must hold more than white space (DRF trims it first).
def _text_needs_more_than_spaces(name: str, component: dict) -> None:
    if not name.endswith("Request"):
        return
    for field in component.get("properties", {}).values():
        plain = not {"pattern", "format", "enum"} & field.keys()
        if field.get("type") == "string" and field.get("minLength", 0) >= 1 and plain:
            field["pattern"] = r"\S"


WRITES = {"POST", "PUT", "PATCH"}
# The formats `_blank_or_formatted` takes out of the schema, in the words of a write's rules.
BLANK_OR_FORMATTED = {
    serializers.URLField: "a web address (http, https, ftp or ftps)",
    serializers.EmailField: "an e-mail address",
}


class AutoSchema(openapi.AutoSchema):
    """Each write says, in its description, the rules its body must also meet that no schema
    can state (uniqueness, references, one date after another, the lifecycle): the request
    serializer's `rules_beyond_schema`, and that the ids and slugs it names must exist. Such an
    operation is marked `x-refused-beyond-schema`, which `.ci/schemathesis.toml` reads: it may
    answer 400 to a body the schema allows."""

    def rules_beyond_schema(self) -> list[str]:
        serializer = self.get_request_serializer() if self.method in WRITES else None
        if isinstance(serializer, dict):  # by media type, as an upload declares its form
            serializer = next(iter(serializer.values()), None)
        if serializer is None:
            return []
        if isinstance(serializer, type):
            serializer = serializer()
        rules = list(getattr(serializer, "rules_beyond_schema", ()))
        fields = {
            name: field
            for name, field in getattr(serializer, "fields", {}).items()
            if not field.read_only
        }
        for kind, words in BLANK_OR_FORMATTED.items():
            named = [
                f"`{name}`"
                for name, field in fields.items()
                if isinstance(field, kind) and field.allow_blank
            ]
            if named:
                rules.append(f"{', '.join(named)}: empty, or {words}.")
        references = [f"`{name}`" for name, field in fields.items() if _names_a_record(field)]
        if references:
            rules.append(f"{', '.join(references)}: each id or slug names a record that exists.")
        dates = [
            f"`{name}`"
            for name, field in fields.items()
            if isinstance(field, serializers.DateField)
        ]
        if dates:
            rules.append(f"{', '.join(dates)}: no later than {LATEST_DATE:%-d %B %Y}.")
        return rules

    def get_description(self) -> str:
        description = super().get_description()
        rules = self.rules_beyond_schema()
        if not rules:
            return description
        listed = "\n".join(f"- {rule}" for rule in rules)
        return (
            f"{description}\n\nRefused with 400, though the schema allows it:\n\n{listed}".strip()
        )

    def get_extensions(self) -> dict:
        extensions = super().get_extensions()
        if self.rules_beyond_schema():
            extensions["x-refused-beyond-schema"] = True
        return extensions


def _names_a_record(field) -> bool:
    """A field that takes a record's id or slug, other than a state's code (the schema lists
    the codes)."""
    if isinstance(field, relations.ManyRelatedField):
        field = field.child_relation
    if not isinstance(field, relations.RelatedField):
        return False
    return field.queryset is not None and field.queryset.model._meta.model_name != "state"
