"""Time Bilateral's hot requests through a real gunicorn on loopback, against a generated database.

    DATABASE_URL=postgres://.../bench .venv/bin/python bench/run.py --label 10k [--repeat 30]

For each request: p50 and p95 over --repeat sequential requests (after three warm-up ones), the
queries it makes (counted in-process), and, for the instruments list, requests per second with
four concurrent clients. For the CSV export, the gunicorn worker's peak memory (VmHWM) too.
The API's answers are kept in the shared cache while the data is unchanged, so those repeated
requests are warm; `time_conditional` times the list, the detail and the board cold (a write
before each), warm, as a 304, and warm through a second server process on the same cache.
Set CACHE_URL to time them on Redis.
Results go to bench/results/<label>.json; bench/report.py turns them into the tables.
"""

import argparse
import datetime
import http.client
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bilateral.settings")
os.environ.setdefault("DEBUG", "false")
# The benchmark's own requests, through the server and in-process (the query counts), are not
# to be throttled: a 429 would be timed or counted instead of the answer.
os.environ.setdefault("API_THROTTLE_USER", "100000000/minute")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from knox.models import AuthToken  # noqa: E402

from agreements.models import Change, Instrument  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT", "8051"))
# The second server process of the shared-cache run.
SECOND_PORT = int(os.environ.get("BENCH_SECOND_PORT", str(PORT + 1)))
RESULTS = ROOT / "bench" / "results"


# Whom the benchmark reads as: a superuser (the default), or a role of the app ("consumer"), as
# an API consumer would (a superuser skips the permission lookups).
ROLE = os.environ.get("BENCH_ROLE", "superuser")
# The server: gunicorn (the deployment's sync workers), gunicorn's gthread workers, or granian
# (tried: docs/performance.md).
SERVER = os.environ.get("BENCH_SERVER", "gunicorn")


def bench_user():
    if ROLE == "superuser":
        user, _ = get_user_model().objects.get_or_create(
            username="bench", defaults={"is_staff": True, "is_superuser": True}
        )
    else:
        user, _ = get_user_model().objects.update_or_create(
            username=f"bench-{ROLE}", defaults={"is_staff": True}
        )
        user.groups.set([Group.objects.get(name=ROLE)])
    _, key = AuthToken.objects.create(user=user)
    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return user, key, session.session_key


def busiest_pair() -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT a.state_id, b.state_id FROM agreements_instrumentparty a "
            "JOIN agreements_instrumentparty b ON a.instrument_id = b.instrument_id "
            "AND a.state_id < b.state_id GROUP BY 1, 2 ORDER BY count(*) DESC LIMIT 1"
        )
        a, b = cursor.fetchone()
    return f"{a}-{b}"


def busiest_state() -> str:
    """The state party to the most instruments: the coverage grid's worst case."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT state_id FROM agreements_instrumentparty GROUP BY 1 ORDER BY count(*) DESC "
            "LIMIT 1"
        )
        return cursor.fetchone()[0]


def csv_window(rows: int = 10_000) -> str:
    """An updated_since time from which about `rows` instruments were changed: 10,000 rows at
    every scale, all of them at 10k. (Signature dates could not do that: at 10k only 7,500
    instruments are signed.)"""
    moment = (
        Instrument.objects.order_by("-updated_at")
        .values_list("updated_at", flat=True)[rows - 1 : rows]
        .first()
    )
    return quote((moment or datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)).isoformat())


def requests_to_time(pair: str, state: str) -> dict[str, tuple[str, str]]:
    """name: (kind of authentication, path)"""
    some_id = Instrument.objects.order_by("pk").values_list("pk", flat=True)[
        Instrument.objects.count() // 2
    ]
    middle_change = Change.objects.order_by("pk").values_list("pk", flat=True)[
        Change.objects.count() // 2
    ]
    return {
        "instruments by pair": ("token", f"/api/v1/instruments/?pair={pair}&page_size=50"),
        "instruments by status": ("token", "/api/v1/instruments/?status=in_force&page_size=50"),
        "full-text search": ("token", "/api/v1/instruments/?q=visa&page_size=50"),
        "instrument detail": ("token", f"/api/v1/instruments/{some_id}/"),
        "changes feed page": ("token", f"/api/v1/changes/?since={middle_change}"),
        "home page": ("session", "/"),
        "follow-up board": ("session", f"/follow-ups/?pair={pair}"),
        "relationship page": ("session", f"/relations/{pair}/"),
        "radar": ("session", "/radar/"),
        "radar of the busiest pair": ("session", f"/radar/?pair={pair}"),
        "radar API": ("token", "/api/v1/radar/"),
        "radar API of the busiest pair": ("token", f"/api/v1/radar/?pair={pair}"),
        "coverage grid of the busiest state": ("session", f"/coverage/?state={state}"),
        "admin instrument list": ("session", "/admin/agreements/instrument/"),
        "CSV export, 10k rows": (
            "token",
            f"/api/v1/instruments/?format=csv&updated_since={csv_window()}",
        ),
    }


def conditional_requests(pair: str) -> dict[str, str]:
    """The reads a polling consumer repeats: warm, cold and 304 (`time_conditional`)."""
    some_id = Instrument.objects.order_by("pk").values_list("pk", flat=True)[
        Instrument.objects.count() // 2
    ]
    return {
        "instruments list": "/api/v1/instruments/?status=in_force&page_size=50",
        "instrument detail": f"/api/v1/instruments/{some_id}/",
        "board (follow-ups of the busiest pair)": f"/api/v1/actions/?pair={pair}",
    }


def move_the_data_version() -> None:
    """A write that changes no answer but moves the data version: the next read is cold."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE agreements_sector SET name = name "
            "WHERE id = (SELECT min(id) FROM agreements_sector)"
        )


def time_conditional(path: str, headers: dict, repeat: int, ports: tuple[int, int]) -> dict:
    """p50/p95 of one read three ways through a server: cold (the data version moved before
    each request, so the answer is computed), warm (the same request again, data unchanged: the
    kept answer) and with If-None-Match (304); and warm through a second server process on the
    same cache, after the first computed the answer."""
    one, other = (http.client.HTTPConnection("127.0.0.1", port, timeout=300) for port in ports)

    def timed(conn, extra=None) -> float:
        started = time.perf_counter()
        conn.request("GET", path, headers={**headers, **(extra or {})})
        response = conn.getresponse()
        response.read()
        elapsed = (time.perf_counter() - started) * 1000
        timed.last = response
        return elapsed

    def figures(timings: list[float]) -> dict:
        timings.sort()
        return {
            "p50_ms": round(statistics.median(timings), 2),
            "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
        }

    cold, warm, not_modified, other_process = [], [], [], []
    for _ in range(3):
        timed(one)
    for _ in range(repeat):
        move_the_data_version()
        cold.append(timed(one))
        assert timed.last.status == 200
        other_process.append(timed(other))
        warm.append(timed(one))
        etag = timed.last.getheader("ETag")
        not_modified.append(timed(one, {"If-None-Match": etag}))
        assert timed.last.status == 304, timed.last.status
    return {
        "cold": figures(cold),
        "warm": figures(warm),
        "not_modified": figures(not_modified),
        "warm_other_process": figures(other_process),
    }


def headers_for(auth: str, key: str, session_key: str) -> dict:
    if auth == "token":
        return {"Authorization": f"Token {key}"}
    return {"Cookie": f"sessionid={session_key}"}


def get(conn, path, headers, body=None) -> tuple[int, int]:
    conn.request("POST" if body else "GET", path, body=body, headers=headers)
    response = conn.getresponse()
    body = response.read()
    return response.status, len(body)


def time_request(path: str, headers: dict, repeat: int, port: int = PORT, body=None) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    wanted = 304 if "If-None-Match" in headers else 200
    for _ in range(3):
        status, _ = get(conn, path, headers, body)
        assert status == wanted, (path, status)
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        status, _ = get(conn, path, headers, body)
        timings.append((time.perf_counter() - started) * 1000)
        assert status == wanted, (path, status)  # a refusal is not to be timed as an answer
    timings.sort()
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[max(0, int(len(timings) * 0.95) - 1)], 2),
    }


def throughput(
    port: int, path: str, headers: dict, seconds: float = 5, clients: int = 4, body=None
) -> float:
    """Requests per second with `clients` concurrent keep-alive clients."""
    done = [0] * clients
    refused = []
    wanted = 304 if "If-None-Match" in headers else 200
    stop = time.monotonic() + seconds

    def client(index):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        while time.monotonic() < stop:
            status, _ = get(conn, path, headers, body)
            if status != wanted:
                refused.append(status)
                return
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not refused, (path, refused)  # requests counted must be answers
    return round(sum(done) / (time.monotonic() - started), 1)


def count_queries(path: str, user, key: str) -> int:
    client = Client()
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, HTTP_AUTHORIZATION=f"Token {key}")
        if hasattr(response, "streaming_content"):
            b"".join(response.streaming_content)
    assert response.status_code == 200, (path, response.status_code)
    return len(queries)


def peak_memory_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def gunicorn_worker_args() -> list[str]:
    """gunicorn's threaded workers for BENCH_SERVER=gthread (they keep connections open), for
    Bilateral and for the floor alike; none for its sync workers."""
    return ["--worker-class", "gthread", "--threads", "2"] if SERVER == "gthread" else []


def start_server(workers: int = 2, port: int = PORT):
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            sys.exit(f"Port {port} is taken: another server would answer instead of this one.")
    env = {**os.environ, "API_THROTTLE_USER": "100000000/minute"}
    if SERVER == "granian":
        command = [
            *("-m", "granian", "--interface", "wsgi", "bilateral.wsgi:application"),
            *("--host", "127.0.0.1", "--port", str(port), "--workers", str(workers)),
        ]
    else:
        command = [
            *("-m", "gunicorn", "bilateral.wsgi", "-b", f"127.0.0.1:{port}"),
            *("-w", str(workers), "--timeout", "300"),
        ]
        command += gunicorn_worker_args()
    server = subprocess.Popen(
        [sys.executable, *command],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait_for(port, "/healthz")
    return server


def wait_for(port: int, path: str = "/", seconds: float = 60) -> None:
    """Until a server answers on the port (the benchmark's, or a peer's)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"Nothing answers on port {port}.")


def worker_pids(master: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master)], capture_output=True, text=True).stdout
    return [int(pid) for pid in out.split()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--label", required=True, help="The scale, for the file name: 10k.")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--out", help="Where to write the results (default: bench/results/).")
    parser.add_argument(
        "--only", action="append", help="Time only these requests (by name; may be repeated)."
    )
    parser.add_argument(
        "--conditional",
        action="store_true",
        help="Time only the cold, warm and 304 reads (and the API root); keep the rest.",
    )
    args = parser.parse_args()

    # Stopped from outside (timeout, Ctrl-C): still stop the server below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    user, key, session_key = bench_user()
    pair = busiest_pair()
    state = busiest_state()
    server = start_server()
    results = {
        "label": args.label,
        "instruments": Instrument.objects.count(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "busiest_pair": pair,
        "busiest_state": state,
        "requests": {},
    }
    try:
        for name, (auth, path) in requests_to_time(pair, state).items():
            if (args.only and name not in args.only) or args.conditional:
                continue
            headers = headers_for(auth, key, session_key)
            # The export takes seconds: fewer rounds of it.
            repeat = max(3, args.repeat // 6) if "format=csv" in path else args.repeat
            figures = time_request(path, headers, repeat)
            figures["queries"] = count_queries(path, user, key)
            figures["path"] = path
            results["requests"][name] = figures
            print(
                f"{name:24} p50 {figures['p50_ms']:8.1f} ms  p95 {figures['p95_ms']:8.1f} ms  "
                f"{figures['queries']} queries"
            )
        token = headers_for("token", key, session_key)
        if not args.only:
            # A second server process on the same cache (CACHE_URL, or the database's table).
            second = start_server(port=SECOND_PORT)
            try:
                results["conditional"] = {
                    name: time_conditional(path, token, args.repeat, (PORT, SECOND_PORT))
                    for name, path in conditional_requests(pair).items()
                }
                results["api_root"] = time_request("/api/v1/", token, args.repeat)
            finally:
                second.terminate()
                second.wait(timeout=60)
            for name, ways in results["conditional"].items():
                print(
                    f"{name:40} "
                    + "  ".join(f"{way} {ms['p50_ms']:.1f}" for way, ms in ways.items())
                    + " ms (p50)"
                )
            print(f"{'API root':40} {results['api_root']['p50_ms']:.1f} ms (p50)")
        if not args.conditional:
            list_path = "/api/v1/instruments/?status=in_force&page_size=50"
            results["instruments_list_rps"] = throughput(PORT, list_path, token)
            print(f"instruments list: {results['instruments_list_rps']} requests/s (4 clients)")
            results["csv_peak_memory_kb"] = max(
                peak_memory_kb(pid) for pid in worker_pids(server.pid)
            )
    finally:
        server.terminate()
        server.wait(timeout=60)
    out = Path(args.out) if args.out else RESULTS / f"{args.label}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    earlier = json.loads(out.read_text()) if out.exists() else {}
    if args.conditional:  # the other figures stay as they were
        results = {
            **earlier,
            "conditional": results["conditional"],
            "api_root": results["api_root"],
        }
    elif "peers" in earlier:
        results["peers"] = earlier["peers"]  # bench/peers.py's figures stay until it runs again
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"Wrote {out}")


if __name__ == "__main__":
    main()
