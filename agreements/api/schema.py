"""The OpenAPI schema's error answers, written once for every operation instead of per view.

Any operation may answer: 400 (the request says something wrong), 401 (no valid token), 403
(the role may not), 404 (no such object or page), 409 (the lifecycle forbids it, or the object
is still referred to), 412 (If-Match is stale), 413 (body too large), 429 (throttled) and 503
(the database is unavailable). Each comes as JSON with a `detail` text or, for 400, the message
per field.
"""

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


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the error answers every operation may give."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            _refuse_nul_in_parameters(operation)
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
