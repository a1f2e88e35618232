"""Request bodies take each value in the JSON type the schema states, nothing DRF would convert.

DRF reads a number where text is wanted as that text (12 is stored as "12", and a reference
"0012" sent as a number arrives as "12"), "yes" or 1 as true, "5" as the integer 5, and an object
where a list of ids is wanted as the list of its keys ({} as "none"). A program sending those has
a bug the API should tell it about, and the schema says "string", "boolean", "integer" and
"array": so a value of another JSON type answers 400 naming the field, and nothing is written.
"""

from collections.abc import Mapping

from rest_framework import serializers

WANTED = {
    serializers.CharField: (str, "Give text (a JSON string)."),
    serializers.DecimalField: (str, 'Give the number as text ("162.4"): no digit is lost.'),
    serializers.BooleanField: (bool, "Give true or false."),
    serializers.IntegerField: (int, "Give a whole number."),
    serializers.PrimaryKeyRelatedField: (int, "Give an id (a whole number)."),
    serializers.SlugRelatedField: (str, "Give a code or slug (a JSON string)."),
    serializers.ManyRelatedField: (list, "Give a list (a JSON array)."),
}


def wrong_type(field: serializers.Field, value) -> str | None:
    """Why `value` is not of the JSON type `field` takes, or None when it is."""
    for field_class, (json_type, message) in WANTED.items():
        if isinstance(field, field_class):
            # A JSON true is a Python int too.
            if not isinstance(value, json_type) or (json_type is int and isinstance(value, bool)):
                return message
            if isinstance(field, serializers.ManyRelatedField):
                wrong = (wrong_type(field.child_relation, item) for item in value)
                return next((message for message in wrong if message), None)
            return None
    return None


class JSONTypes:
    """Mixin for serializers: refuse values of another JSON type than their fields take."""

    def to_internal_value(self, data):
        # Multipart forms (a draft's file) carry text only: their fields parse it themselves.
        if isinstance(data, Mapping) and not hasattr(data, "getlist"):
            errors = {}
            for name, field in self.fields.items():
                value = data.get(name)
                if field.read_only or value is None:
                    continue
                message = wrong_type(field, value)
                if message:
                    errors[name] = [message]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)
