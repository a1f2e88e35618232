"""Bilateral's instruments list beside what a consumer could put in front of the same rows, on
the same machine in the same run: the bare floor (SQL through psycopg straight to JSON),
PostGraphile 4 on the same database, and Datasette on a SQLite copy. The request everywhere: the
first page of 50 instruments in force, newest signature first, with their parties.

Two more rows measure Bilateral's own server doing next to nothing, as a ceiling for the list:
Django answering /healthz (one SELECT 1, no authentication), and DRF answering the API root
(the token checked, throttled and permitted, no rows read).

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/peers.py --label 10k

Needs bench/.peers/ (see docs/performance.md): `npm install postgraphile@4` and a venv with
datasette there. Adds "peers" to bench/results/<label>.json.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import run as bilateral
from django.conf import settings

PEERS = Path(__file__).resolve().parent / ".peers"
# The floor, PostGraphile and Datasette listen here (PEER_PORTS="8052,8053,8054" by default).
FLOOR, POSTGRAPHILE, DATASETTE = (
    int(port) for port in os.environ.get("PEER_PORTS", "8052,8053,8054").split(",")
)
LIST = "/api/v1/instruments/?status=in_force&page_size=50"
GRAPHQL = json.dumps(
    {
        "query": '{ allAgreementsInstruments(first: 50, condition: {status: "in_force"}, '
        "orderBy: [SIGNED_ON_DESC, TITLE_ASC, ID_ASC]) { nodes { id title shortTitle kind "
        "isBinding level status signedOn inForceOn updatedAt "
        "agreementsInstrumentpartiesByInstrumentId { nodes { stateId } } } } }"
    }
)


def database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def etag_of(port: int, path: str, headers: dict) -> str:
    conn = bilateral.http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", path, headers=headers)
    response = conn.getresponse()
    response.read()
    return response.getheader("ETag")


def sqlite_copy(label: str) -> Path:
    """The instruments, with their parties as text, in a SQLite file for Datasette."""
    path = PEERS / f"{label}.db"
    if path.exists():
        path.unlink()
    target = sqlite3.connect(path)
    target.execute(
        "CREATE TABLE agreements_instrument (id INTEGER PRIMARY KEY, title TEXT, short_title "
        "TEXT, kind TEXT, is_binding INTEGER, level TEXT, status TEXT, signed_on TEXT, "
        "in_force_on TEXT, updated_at TEXT, parties TEXT)"
    )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.id, i.title, i.short_title, i.kind, i.is_binding, i.level, i.status, "
            "i.signed_on::text, i.in_force_on::text, i.updated_at::text, "
            "(SELECT string_agg(state_id, ',' ORDER BY state_id) FROM agreements_instrumentparty"
            " p WHERE p.instrument_id = i.id) FROM agreements_instrument i"
        )
        while rows := cursor.fetchmany(10_000):
            target.executemany(
                "INSERT INTO agreements_instrument VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows
            )
    # The index a careful publisher would add for this page.
    target.execute("CREATE INDEX by_status ON agreements_instrument (status, signed_on DESC, id)")
    target.commit()
    target.close()
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", help="The results file to add to (default: bench/results/).")
    args = parser.parse_args()
    url = database_url()
    _, key, _ = bilateral.bench_user()
    servers = []
    figures = {}
    try:
        servers.append(bilateral.start_server())
        token = {"Authorization": f"Token {key}"}
        figures["Bilateral"] = (bilateral.PORT, LIST, token, None)

        servers.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "--chdir",
                    str(Path(__file__).parent / "peers"),
                    "floor:app",
                    "-b",
                    f"127.0.0.1:{FLOOR}",
                    "-w",
                    "2",
                    *bilateral.gunicorn_worker_args(),  # as Bilateral is served
                ],
                env={**os.environ, "FLOOR_DATABASE_URL": url},
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bilateral.wait_for(FLOOR)
        figures["floor (psycopg → JSON)"] = (FLOOR, "/?status=in_force", {}, None)

        servers.append(
            subprocess.Popen(
                [
                    str(PEERS / "node_modules" / ".bin" / "postgraphile"),
                    "-c",
                    url,
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(POSTGRAPHILE),
                    "--schema",
                    "public",
                    "--disable-query-log",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bilateral.wait_for(POSTGRAPHILE, "/graphql")
        figures["PostGraphile 4"] = (
            POSTGRAPHILE,
            "/graphql",
            {"Content-Type": "application/json"},
            GRAPHQL.encode(),
        )

        db = sqlite_copy(args.label)
        servers.append(
            subprocess.Popen(
                [
                    str(PEERS / "venv" / "bin" / "datasette"),
                    "serve",
                    str(db),
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(DATASETTE),
                    "--setting",
                    "default_page_size",
                    "50",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        bilateral.wait_for(DATASETTE)
        figures["Datasette (SQLite copy)"] = (
            DATASETTE,
            f"/{db.stem}/agreements_instrument.json?status=in_force&_sort_desc=signed_on"
            "&_size=50&_shape=objects",
            {},
            None,
        )

        # A polling consumer's request: the same list with the ETag it was last given.
        etag = etag_of(bilateral.PORT, LIST, token)
        figures["Bilateral, If-None-Match (304)"] = (
            bilateral.PORT,
            LIST,
            {**token, "If-None-Match": etag},
            None,
        )
        figures["ceiling: Django, /healthz"] = (bilateral.PORT, "/healthz", {}, None)
        figures["ceiling: DRF, API root with a token"] = (bilateral.PORT, "/api/v1/", token, None)

        results = {}
        for name, (port, path, headers, body) in figures.items():
            timing = bilateral.time_request(path, headers, args.repeat, port=port, body=body)
            timing["requests_per_second"] = bilateral.throughput(port, path, headers, body=body)
            results[name] = timing
            print(
                f"{name:26} p50 {timing['p50_ms']:7.1f} ms  p95 {timing['p95_ms']:7.1f} ms  "
                f"{timing['requests_per_second']:7.1f} requests/s"
            )
        ours = results["Bilateral"]["requests_per_second"]
        for timing in results.values():
            timing["throughput_vs_bilateral"] = round(timing["requests_per_second"] / ours, 2)
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
    out = Path(args.out) if args.out else bilateral.RESULTS / f"{args.label}.json"
    data = json.loads(out.read_text()) if out.exists() else {"label": args.label}
    data["peers"] = results
    out.write_text(json.dumps(data, indent=2) + "\n")
    print(f"Added the peers to {out}")


if __name__ == "__main__":
    main()
