"""A production-like deployment for the deploy tests: its own database, collected static files,
gunicorn with production settings on a loopback port, and the session's search engine."""

import os
import secrets
from pathlib import Path

from django.conf import settings

import psycopg
import pytest

from devtools.osmem import free_loopback_port

from .server import ROOT, gunicorn, manage

__all__ = ["ROOT", "production_environment"]


def _own_database_url(tmp_path: Path) -> tuple[str, callable]:
    """A new empty database of the same engine as the test run, and a function that drops it."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        path = tmp_path / "production.sqlite3"
        return f"sqlite:///{path}", lambda: None
    name = f"aftercare_deploy_{os.getpid()}"
    params = {
        "host": db["HOST"] or "127.0.0.1",
        "port": db["PORT"] or 5432,
        "user": db["USER"] or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if db["PASSWORD"]:
        params["password"] = db["PASSWORD"]
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        with psycopg.connect(**params) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    auth = f"{params['user']}:{db['PASSWORD']}@" if db["PASSWORD"] else f"{params['user']}@"
    return f"postgres://{auth}{params['host']}:{params['port']}/{name}", drop


def production_environment(database_url: str, static_root: Path, search_url: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    return keep | {
        "DJANGO_SETTINGS_MODULE": "aftercare.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "ELASTICSEARCH_URL": search_url,
        "SEARCH_ENGINE_KIND": "osmem",
        "SEARCH_INDEX_PREFIX": f"aftercare-deploy-{os.getpid()}",
        "STATIC_ROOT": str(static_root),
        "MEDIA_ROOT": str(static_root.parent / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "PYTHONUNBUFFERED": "1",
    }


@pytest.fixture(scope="module")
def deployment(tmp_path_factory, search_engine):
    """gunicorn serving a migrated, bootstrapped, indexed production-like site. Yields (base_url, env, log)."""
    tmp_path = tmp_path_factory.mktemp("deployment")
    database_url, drop_database = _own_database_url(tmp_path)
    env = production_environment(database_url, tmp_path / "static", search_engine.url)
    port = free_loopback_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    env["GUNICORN_WORKERS"] = "2"
    log_path = tmp_path / "gunicorn.log"
    try:
        manage(env, "migrate", "--noinput")
        manage(env, "bootstrap_site", "--hostname", "127.0.0.1")
        manage(env, "generate_services", "--count", "30")
        manage(env, "search_index", "--rebuild")
        manage(env, "collectstatic", "--noinput")
        with gunicorn(env, log_path) as (_process, base):
            yield base, env, log_path
    finally:
        drop_database()
