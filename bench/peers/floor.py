"""The floor: the instruments list's page as bare SQL through psycopg, straight to JSON, with no
framework. What Bilateral's list could cost at the least. Served by gunicorn:

    FLOOR_DATABASE_URL=postgres://... gunicorn --chdir bench/peers floor:app
"""

import json
import os
from urllib.parse import parse_qs

import psycopg

PAGE = """
SELECT json_agg(row_to_json(page)) FROM (
    SELECT i.id, i.title, i.short_title, i.kind, i.is_binding, i.level, i.status, i.signed_on,
           i.in_force_on, i.updated_at,
           (SELECT array_agg(p.state_id ORDER BY p.state_id)
              FROM agreements_instrumentparty p WHERE p.instrument_id = i.id) AS parties
    FROM agreements_instrument i
    WHERE i.status = %s
    ORDER BY i.signed_on DESC NULLS LAST, i.title, i.id
    LIMIT 50
) page
"""

_connection = None


def connection():
    global _connection
    if _connection is None or _connection.closed:
        _connection = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
    return _connection


def app(environ, start_response):
    status = parse_qs(environ.get("QUERY_STRING", "")).get("status", ["in_force"])[0]
    with connection().cursor() as cursor:
        cursor.execute(PAGE, [status])
        rows = cursor.fetchone()[0] or []
    body = json.dumps({"results": rows}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]
