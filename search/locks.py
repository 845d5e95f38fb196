"""The rebuild lock: one full rebuild of an index at a time, released when its process dies.

On PostgreSQL a session advisory lock (shared by every app host using the database); on SQLite
(development, tests: one machine) an exclusive ``flock`` on a file in the temporary directory.
Both are released by the operating system or the database when the process holding them is
killed, so a ``kill -KILL`` during a rebuild never leaves the lock taken.
"""

import fcntl
import tempfile
import zlib
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection


class RebuildLocked(Exception):
    """Another rebuild of the same index is running."""


def _lock_name() -> str:
    # The same engine and prefix: the same index family, whoever rebuilds it.
    return f"aftercare-search-rebuild:{settings.ELASTICSEARCH_URL}:{settings.SEARCH_INDEX_PREFIX}"


@contextmanager
def _advisory_lock(key: int):
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise RebuildLocked
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


@contextmanager
def _file_lock(name: str):
    path = Path(tempfile.gettempdir()) / f"aftercare-search-rebuild-{zlib.crc32(name.encode()):08x}.lock"
    with path.open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RebuildLocked from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextmanager
def rebuild_lock():
    """Held for the whole rebuild; raises ``RebuildLocked`` at once when another rebuild holds it."""
    name = _lock_name()
    if connection.vendor == "postgresql":
        with _advisory_lock(zlib.crc32(name.encode())):
            yield
    else:
        with _file_lock(name):
            yield
