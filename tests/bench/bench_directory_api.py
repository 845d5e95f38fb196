"""Benchmark of the directory API and HSDS on a fresh database of 10,000 synthetic services.

Not collected by pytest (tests/bench is excluded). Run from the repository root:

    .venv/bin/python tests/bench/bench_directory_api.py                       # SQLite (a temporary file)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftercare_bench \\
        .venv/bin/python tests/bench/bench_directory_api.py                   # PostgreSQL

It creates a fresh test database (``test_<name>``, dropped at the end), migrates it, generates the
services with ``cms.demo.synthetic.generate_services``, then times requests through the whole
Django stack (middleware included, no network) with the test client, and prints for each
scenario the median and 95th percentile of the wall-clock time in milliseconds, the median CPU
time of the process (less sensitive to other work on a shared machine), the SQL queries of one
request and the size of the response.
"""

import argparse
import contextlib
import io
import os
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
from cms.models import Service, ServiceAtLocation  # noqa: E402


def scenarios() -> list[tuple[str, str, dict]]:
    total = Service.objects.count()
    service = Service.objects.order_by("id")[total // 2]
    placement = ServiceAtLocation.objects.filter(service=service).first()
    services = "/api/directory/services/"
    middle, last = max(1, total // 200), max(1, (total * 9) // 1000)
    return [
        ("service list, page 1 (100)", services, {"page_size": 100}),
        (f"service list, page {middle} (100)", services, {"page_size": 100, "page": middle}),
        (f"service list, page {last} (100)", services, {"page_size": 100, "page": last}),
        (f"service list, lang=en, page {middle}", services, {"page_size": 100, "page": middle, "lang": "en"}),
        ("service list, theme=housing", services, {"page_size": 100, "theme": "housing"}),
        ("service list, ambito=lecco, lang=ar", services, {"page_size": 100, "ambito": "lecco", "lang": "ar"}),
        ("service list, comune+language", services, {"page_size": 100, "comune": "monza,lecco", "language": "ar"}),
        ("service list, -updated_at", services, {"page_size": 100, "ordering": "-updated_at"}),
        ("service detail", f"{services}{service.uuid}/", {}),
        ("service detail, lang=fr", f"{services}{service.uuid}/", {"lang": "fr"}),
        ("location list (100)", "/api/directory/locations/", {"page_size": 100}),
        ("organisation list (100)", "/api/directory/organizations/", {"page_size": 100}),
        ("HSDS services (100)", "/hsds/services", {"per_page": 100}),
        ("HSDS services full (100)", "/hsds/services", {"per_page": 100, "full": "true"}),
        ("HSDS service detail", f"/hsds/services/{service.uuid}", {}),
        ("HSDS service_at_location detail", f"/hsds/service_at_locations/{placement.uuid}", {}),
    ]


def measure(client: Client, url: str, params: dict, runs: int) -> dict:
    response = client.get(url, params)  # warm-up (and the checks)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    with CaptureQueriesContext(connection) as queries:
        client.get(url, params)
    query_count = len(queries.captured_queries)  # read now: the next request clears the log
    timings, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        client.get(url, params)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    timings.sort()
    p95 = statistics.quantiles(timings, n=20, method="inclusive")[18]
    return {
        "median": statistics.median(timings),
        "p95": p95,
        "cpu": statistics.median(cpu),
        "queries": query_count,
        "kib": len(response.content) / 1024,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30, help="timed requests per scenario")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = tempfile.TemporaryDirectory(prefix="bench-api-")
        database.setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations of translated Wagtail fields print SQL
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        start = time.perf_counter()
        counts = generate_services(args.services)
        generated = time.perf_counter() - start
        vendor = f"{connection.vendor} {connection.Database.sqlite_version if connection.vendor == 'sqlite' else ''}"
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
                cursor.execute("SHOW server_version")
                vendor = f"postgresql {cursor.fetchone()[0]}"
        print(
            f"Database: {vendor.strip()}; {counts.services} services, {counts.organizations} organisations, "
            f"{counts.locations} locations generated in {generated:.1f} s; {args.runs} timed requests each."
        )
        client = Client()
        print(f"Load average before: {', '.join(f'{load:.2f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs.")
        print(f"{'scenario':40} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8} {'queries':>8} {'KiB':>8}")
        for name, url, params in scenarios():
            result = measure(client, url, params, args.runs)
            print(
                f"{name:40} {result['median']:10.1f} {result['p95']:8.1f} {result['cpu']:8.1f} "
                f"{result['queries']:8d} {result['kib']:8.1f}"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
