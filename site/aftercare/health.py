"""Health endpoints for systemd, nginx, compose and load balancers. Anyone may call them; they reveal no data.

- ``/healthz``: the process is up and serving (no dependency is checked).
- ``/readyz``: the database and the search engine answer, and the search alias exists (an engine
  without the index answers every search 503); 503 naming the failing part otherwise.
"""

from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from search.client import ping as search_engine_answers
from search.index import search_index_ready


@never_cache
@require_GET
def healthz(request):
    return JsonResponse({"status": "ok"})


def database_answers() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except DatabaseError:
        return False


@never_cache
@require_GET
def readyz(request):
    engine = search_engine_answers()
    checks = {
        "database": database_answers(),
        "search_engine": engine,
        "search_index": engine and search_index_ready(),
    }
    failing = [name for name, ok in checks.items() if not ok]
    body = {
        "status": "ok" if not failing else "unavailable",
        "checks": {name: ("ok" if ok else "failing") for name, ok in checks.items()},
    }
    if failing:
        body["failing"] = failing
    return JsonResponse(body, status=503 if failing else 200)
