"""Benchmark of the directory import's check: a valid 20,000-row CSV, checked (a dry run) on a fresh database.

Not collected by pytest (tests/bench is excluded). Run from the repository root:

    .venv/bin/python tests/bench/bench_import.py                  # SQLite (a temporary file)
    .venv/bin/python tests/bench/bench_import.py --rows 5000 --profile
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftercare_bench .venv/bin/python tests/bench/bench_import.py

The target (issue 12): a 20,000-row file is checked in under 20 s. It prints the wall-clock and
CPU time of reading the file and of checking it, and whether every row passed.
"""

import argparse
import contextlib
import cProfile
import csv
import io
import os
import pstats
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
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402

from cms.models import Municipality  # noqa: E402
from cms.spreadsheet import import_directory  # noqa: E402
from cms.spreadsheet.reading import read_spreadsheet  # noqa: E402

THEMES = ["housing", "rights-documents", "employment-training", "italian-courses", "health-access"]


def sample_csv(rows: int) -> bytes:
    comuni = list(Municipality.objects.order_by("istat_code").values_list("istat_code", "latitude", "longitude"))
    buffer = io.StringIO()
    columns = [
        "external_id", "organization", "organization_kind", "comune_istat", "name_it", "description_it",
        "name_en", "description_en", "how_to_access_it", "themes", "target_groups", "languages_spoken",
        "address", "latitude", "longitude", "phone", "email", "website", "cost",
    ]  # fmt: skip
    writer = csv.DictWriter(buffer, fieldnames=columns)
    writer.writeheader()
    for n in range(rows):
        istat, latitude, longitude = comuni[n % len(comuni)]
        writer.writerow(
            {
                "external_id": f"BENCH-{n:06d}",
                "organization": f"Associazione di prova {n % 400}",
                "organization_kind": "volunteer_association",
                "comune_istat": istat,
                "name_it": f"Sportello di prova {n}",
                "description_it": "Orientamento e accompagnamento ai servizi del territorio.",
                "name_en": f"Test desk {n}",
                "description_en": "Guidance and accompaniment to local services.",
                "how_to_access_it": "Su appuntamento.",
                "themes": THEMES[n % len(THEMES)],
                "target_groups": "families",
                "languages_spoken": "it;en",
                "address": f"Via Roma {n % 200 + 1}",
                "latitude": f"{latitude}" if latitude else "",
                "longitude": f"{longitude}" if longitude else "",
                "phone": "+39 0341 123456",
                "email": f"sportello{n}@example.org",
                "website": "https://example.org",
                "cost": "gratuito",
            }
        )
    return buffer.getvalue().encode("utf-8")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--profile", action="store_true", help="print the 25 most expensive functions")
    args = parser.parse_args()

    database = settings.DATABASES["default"]
    temporary = None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        temporary = tempfile.TemporaryDirectory(prefix="bench-import-")
        database.setdefault("TEST", {})["NAME"] = str(Path(temporary.name) / "bench.sqlite3")
    setup_test_environment()
    with contextlib.redirect_stdout(io.StringIO()):  # the migrations of translated Wagtail fields print SQL
        old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        data = sample_csv(args.rows)
        print(f"Database: {connection.vendor}; file: {args.rows} rows, {len(data) / 1024 / 1024:.1f} MB CSV.")
        print(f"Load average before: {', '.join(f'{load:.2f}' for load in os.getloadavg())} on {os.cpu_count()} CPUs.")
        start, start_cpu = time.perf_counter(), time.process_time()
        read_spreadsheet(data, "bench.csv")
        print(f"read:  {time.perf_counter() - start:6.1f} s wall, {time.process_time() - start_cpu:6.1f} s CPU")
        profiler = cProfile.Profile() if args.profile else None
        start, start_cpu = time.perf_counter(), time.process_time()
        with translation.override("en"):
            if profiler:
                profiler.enable()
            result = import_directory(data=data, filename="bench.csv", dry_run=True)
            if profiler:
                profiler.disable()
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        print(f"check: {wall:6.1f} s wall, {cpu:6.1f} s CPU (read + every row checked, dry run)")
        print(f"rows: {result.rows}; problems: {len(result.errors)}; would create: {dict(result.created)}")
        for error in result.errors[:5]:
            print(f"  {error}")
        print(f"target < 20 s: {'met' if wall < 20 else 'NOT met'}")
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        if temporary is not None:
            temporary.cleanup()


if __name__ == "__main__":
    main()
