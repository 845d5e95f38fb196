"""Benchmark of the public search on 10,000 synthetic services in every language.

Not collected by pytest (tests/bench is excluded). Run from the repository root:

    .venv/bin/python tests/bench/bench_search.py                              # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftercare_bench \\
        .venv/bin/python tests/bench/bench_search.py                          # PostgreSQL

It starts its own osmem-server, creates a fresh test database (dropped at the end), generates the
services with ``cms.demo.synthetic.generate_services`` and prints:

- the time of a full rebuild (``search.index.rebuild``: bulk load, reconcile, count check, alias swap);
- for a mixed set of queries (text in one of the nine languages + two filters, with facets and
  highlights), the median and 95th percentile of the search API through the whole Django stack
  (test client, no network) and, in the same run and interleaved, of the very same Elasticsearch
  request body sent directly with the client: their ratio is the API's own overhead;
- the median and 95th percentile of the suggest API.
"""

import argparse
import contextlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402

from cms.demo.synthetic import generate_services  # noqa: E402
from cms.models import Ambito, Organization, SpokenLanguage, TargetGroup, Theme  # noqa: E402
from devtools.osmem import start_engine  # noqa: E402
from search.client import get_client, reset_client  # noqa: E402
from search.index import alias_name, rebuild  # noqa: E402
from search.parameters import parse_search_params  # noqa: E402
from search.queries import build_search_body  # noqa: E402

WORDS = {
    "it": ["casa", "corso di italiano", "famiglie", "lavoro", "mediazione", "documenti", "sportello"],
    "en": ["housing", "italian course", "families", "employment", "counselling", "documents"],
    "fr": ["logement", "cours", "familles", "emploi", "accompagnement"],
    "es": ["vivienda", "curso", "familias", "empleo"],
    "ar": ["السكن", "دورة", "العائلات"],
    "uk": ["житло", "курс", "сімей"],
    "ro": ["locuință", "curs", "familiile"],
    "sq": ["strehim", "kurs", "familjet"],
    "zh-hans": ["住房", "课程", "家庭"],
}
PREFIXES = {
    "it": ["ca", "cas", "cor", "sport", "lav", "media", "mon", "lec", "vimer", "famig"],
    "en": ["hou", "cour", "help", "emplo", "coun"],
    "fr": ["log", "gui", "cou", "emp"],
    "ar": ["الس", "دور"],
    "zh-hans": ["住", "课"],
}


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(sorted(values), n=100, method="inclusive")[p - 1]


def query_set(count: int, seed: int = 1) -> list[dict]:
    """Text in one language plus two filters of different kinds, with values that exist."""
    rng = random.Random(seed)
    values = {
        "theme": list(Theme.objects.values_list("code", flat=True)),
        "ambito": list(Ambito.objects.values_list("slug", flat=True)),
        "spoken": ["it", "ar", "fr", "en", "uk", "zh", "ro", "sq"],
        "target": list(TargetGroup.objects.values_list("code", flat=True)),
        "kind": list(Organization.Kind.values),
    }
    assert set(values["spoken"]) <= set(SpokenLanguage.objects.values_list("code", flat=True))
    queries = []
    for _ in range(count):
        lang = rng.choice(list(WORDS))
        params = {"q": rng.choice(WORDS[lang]), "lang": lang}
        for facet in rng.sample(list(values), 2):
            params[facet] = rng.choice(values[facet])
        queries.append(params)
    return queries


def timed(function) -> tuple[float, object]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def summary(name: str, timings: list[float]) -> str:
    return f"{name:44} {statistics.median(timings):9.1f} {percentile(timings, 95):9.1f} {len(timings):6d}"


def engine_memory_mib(engine) -> float | None:
    try:
        status = Path(f"/proc/{engine._server.pid}/status").read_text()
    except OSError:
        return None
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return kib / 1024


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--queries", type=int, default=300, help="searches timed (each through the API and direct)")
    parser.add_argument("--suggestions", type=int, default=300, help="suggest requests timed")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = tempfile.TemporaryDirectory(prefix="bench-search-")
        database.setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    # This run measures speed, not the 1.5 s answer-or-503 limit (the machine may be shared).
    settings.SEARCH_TIMEOUT_SECONDS = 30
    engine = start_engine()
    settings.ELASTICSEARCH_URL = engine.url
    reset_client()
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations of translated Wagtail fields print SQL
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        start = time.perf_counter()
        counts = generate_services(args.services)
        print(
            f"Database: {connection.vendor}; {counts.services} services, {counts.organizations} organisations, "
            f"{counts.locations} locations in {len(settings.LANGUAGES)} languages, generated in "
            f"{time.perf_counter() - start:.1f} s. Engine: osmem-server at {engine.url}."
        )

        seconds, report = timed(rebuild)
        documents = sum(report.counts.values())
        print(
            f"Rebuild: {documents} documents ({report.counts['service']} public services, "
            f"{report.counts['theme']} themes, {report.counts['comune']} comuni) in {seconds / 1000:.1f} s "
            f"({documents / (seconds / 1000):.0f} documents/s); alias {alias_name()} -> {report.index}."
        )
        memory = engine_memory_mib(engine)
        if memory:
            print(f"Engine memory after the rebuild: {memory:.0f} MiB")

        client = Client()
        direct = get_client().options(request_timeout=30)
        queries = query_set(args.queries)
        rng = random.Random(2)
        for params in queries[:20]:  # warm-up: caches, connections
            client.get("/api/search/", params)
        api_ms, direct_ms, totals, errors = [], [], [], 0
        with CaptureQueriesContext(connection) as sql:
            for params in queries:
                body = build_search_body(parse_search_params(params))
                measurements = [
                    ("api", lambda params=params: client.get("/api/search/", params)),
                    ("direct", lambda body=body: direct.search(index=alias_name(), body=body)),
                ]
                rng.shuffle(measurements)  # neither side always runs second (warmer)
                for side, call in measurements:
                    elapsed, response = timed(call)
                    if side == "api":
                        api_ms.append(elapsed)
                        if response.status_code != 200:
                            errors += 1
                        else:
                            totals.append(response.json()["total"])
                    else:
                        direct_ms.append(elapsed)
        suggest_ms = []
        prefixes = [(lang, prefix) for lang, items in PREFIXES.items() for prefix in items]
        for index in range(args.suggestions):
            lang, prefix = prefixes[index % len(prefixes)]
            params = {"q": prefix, "lang": lang}
            elapsed, response = timed(lambda params=params: client.get("/api/search/suggest/", params))
            suggest_ms.append(elapsed)
            errors += response.status_code != 200

        print(
            f"\nSearch: {len(queries)} queries, text in one of {len(WORDS)} languages + 2 filters, facets "
            f"(7) and highlights; hits per query: median {statistics.median(totals):.0f}, "
            f"max {max(totals)}; non-200 answers: {errors}; SQL queries per API search: "
            f"{len(sql.captured_queries) / len(queries):.2f}"
        )
        print(f"{'':44} {'p50 ms':>9} {'p95 ms':>9} {'runs':>6}")
        print(summary("search API (Django + DRF + engine)", api_ms))
        print(summary("same request body, sent directly", direct_ms))
        print(summary("suggest API", suggest_ms))
        print(
            f"API overhead ratio (API / direct): p50 {statistics.median(api_ms) / statistics.median(direct_ms):.2f}, "
            f"p95 {percentile(api_ms, 95) / percentile(direct_ms, 95):.2f}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        engine.stop()
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
