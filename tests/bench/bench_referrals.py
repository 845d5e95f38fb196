"""Benchmark: N complete referral lifecycles through the JSON API on PostgreSQL.

Each lifecycle: start and submit (with consent) → triage → organisation accepts → a volunteer
claims → records the outcome → the social worker closes. Six transitions, each one HTTP request
through Django and DRF (in-process test client: no network), with the real services, the
process lock, the audit trail, the personal-data access log and the notifications. As in
production, notifications are queued in the database task backend after commit (``--tasks
immediate`` sends them inside the request instead, e-mails kept in memory).

Prints referrals per second and the p50/p95 time of one transition. Not collected by pytest.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftercare_bench \\
        .venv/bin/python tests/bench/bench_referrals.py --lifecycles 200 [--workers 4] [--tasks immediate]

The database is created and migrated if needed; benchmark records are marked ``bench-`` and kept.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aftercare.settings.test")

TRANSITIONS = ("start+submit", "triage", "accept", "claim", "outcome", "close")


def ensure_database():
    import environ
    import psycopg

    url = os.environ.get("DATABASE_URL", "")
    config = environ.Env.db_url_config(url) if url else {}
    if not config.get("ENGINE", "").endswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/aftercare_bench")
    dsn = {
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
        "user": config["USER"] or "postgres",
        "dbname": "postgres",
        "autocommit": True,
    }
    if config.get("PASSWORD"):
        dsn["password"] = config["PASSWORD"]
    with psycopg.connect(**dsn) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]).fetchone():
            conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def setup_django():
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()  # locmem e-mail, 'testserver' allowed
    with open(os.devnull, "w") as quiet:
        call_command("migrate", interactive=False, verbosity=0, stdout=quiet)


def cast():
    """The people and the service of the benchmark (created once, reused by later runs)."""
    from django.contrib.auth import get_user_model

    from cms.models import Ambito, Membership, Municipality, Organization, Role, Service, Theme

    lecco = Municipality.objects.get(name="Lecco")
    organization, _ = Organization.objects.get_or_create(
        slug="bench-organisation",
        defaults={
            "name": "Bench organisation",
            "kind": "volunteer_association",
            "municipality": lecco,
            "description": "Benchmark",
            "live": True,
        },
    )
    service = Service.objects.filter(organization=organization).first()
    if service is None:
        service = Service(organization=organization, name="Bench service", description="Benchmark", live=True)
        service.save()
        service.themes.set([Theme.objects.get(code="housing")])
        service.save()
    users = {}
    scopes = {
        "social_worker": {"municipality": lecco},
        "network_manager": {"ambito": Ambito.objects.get(name="Lecco")},
        "coordinator": {"organization": organization},
        "volunteer": {"organization": organization},
    }
    for role, scope in scopes.items():
        user, created = get_user_model().objects.get_or_create(
            username=f"bench-{role}", defaults={"email": f"bench-{role}@example.org"}
        )
        if created:
            Membership.objects.create(user=user, role=Role(role), **scope)
        users[role] = user
    return users, service


def lifecycle(clients, service, timings, lock):
    """One complete referral; appends (transition, seconds) to ``timings``."""
    from django.db import connection

    from viewflow.workflow.models import Task

    from referrals.flows import ReferralFlow

    local = []

    def timed(name, client, method, url, body=None):
        counter = QueryCounter()
        started = time.perf_counter()
        with connection.execute_wrapper(counter):
            response = getattr(client, method)(url, body or {}, format="json")
        local.append((name, time.perf_counter() - started, counter.count))
        if response.status_code not in (200, 201):
            raise RuntimeError(f"{name}: {response.status_code} {response.content[:300]!r}")
        return response.json()

    created = timed(
        "start+submit",
        clients["social_worker"],
        "post",
        "/api/referrals/",
        {
            "beneficiary": {"first_name": "Bench", "last_name": "Person"},
            "service": service.pk,
            "theme": "housing",
            "need": "Benchmark need.",
            "municipality": "097042",
            "consent": {"given_on": "2025-01-01", "method": "signed_form"},
            "submit": True,
        },
    )
    pk = created["id"]
    timed("triage", clients["network_manager"], "post", f"/api/referrals/{pk}/triage/", {"decision": "approve"})
    timed("accept", clients["coordinator"], "post", f"/api/referrals/{pk}/review/", {"decision": "accept"})
    task = Task.objects.filter(process_id=pk, flow_task=ReferralFlow.volunteer_task).values_list("pk", flat=True)[0]
    timed("claim", clients["volunteer"], "post", f"/api/referrals/tasks/{task}/claim/")
    timed(
        "outcome",
        clients["volunteer"],
        "post",
        f"/api/referrals/tasks/{task}/outcome/",
        {"outcome": "help_received", "note": "Done."},
    )
    timed("close", clients["social_worker"], "post", f"/api/referrals/{pk}/close/", {"result": "completed"})
    with lock:
        timings.extend(local)


class QueryCounter:
    """Counts the SQL statements of one request (a database wrapper: no debug cursor, no logging)."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def worker(count, users, service, timings, lock, errors):
    from django.db import connection

    from rest_framework.test import APIClient

    clients = {}
    for role, user in users.items():
        clients[role] = APIClient()
        clients[role].force_authenticate(user)
    try:
        for _ in range(count):
            lifecycle(clients, service, timings, lock)
    except Exception as error:  # reported by the main thread
        errors.append(error)
    finally:
        connection.close()


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lifecycles", type=int, default=200, help="how many referrals (default 200)")
    parser.add_argument("--workers", type=int, default=1, help="parallel clients, each on its own connection")
    parser.add_argument(
        "--tasks",
        choices=["database", "immediate"],
        default="database",
        help="notifications queued in the database (production) or sent in the request",
    )
    args = parser.parse_args()
    ensure_database()
    setup_django()
    import logging

    from django.test.utils import override_settings

    logging.getLogger("django_tasks").setLevel(logging.WARNING)
    backend = {
        "database": "django_tasks_db.DatabaseBackend",
        "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    }[args.tasks]
    override_settings(TASKS={"default": {"BACKEND": backend}}).enable()
    users, service = cast()

    from django.db import connection

    warm = []
    worker(2, users, service, warm, threading.Lock(), [])  # warm-up: imports, caches, first queries
    connection.close()
    timings, lock, errors = [], threading.Lock(), []
    per_worker = [
        args.lifecycles // args.workers + (1 if n < args.lifecycles % args.workers else 0) for n in range(args.workers)
    ]
    threads = [threading.Thread(target=worker, args=(n, users, service, timings, lock, errors)) for n in per_worker]
    started, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    if errors:
        raise SystemExit(f"failed: {errors[0]}")

    seconds = [value for _name, value, _count in timings]
    queries = [count for _name, _value, count in timings]
    print(
        f"PostgreSQL {connection.settings_dict['NAME']}, {args.workers} worker(s), {args.tasks} task backend, "
        f"{args.lifecycles} lifecycles ({len(seconds)} transitions) in {elapsed:.1f} s"
    )
    print(f"referrals per second: {args.lifecycles / elapsed:.2f}")
    print(
        f"one transition: p50 {percentile(seconds, 0.5) * 1000:.1f} ms, p95 {percentile(seconds, 0.95) * 1000:.1f} ms, "
        f"max {max(seconds) * 1000:.1f} ms"
    )
    print(
        f"SQL statements per transition: mean {statistics.fmean(queries):.1f}; CPU of this process per transition: "
        f"{cpu / len(seconds) * 1000:.1f} ms; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    )
    for name in TRANSITIONS:
        values = [value for label, value, _count in timings if label == name]
        counts = [count for label, _value, count in timings if label == name]
        print(
            f"  {name:<13} p50 {percentile(values, 0.5) * 1000:6.1f} ms   p95 {percentile(values, 0.95) * 1000:6.1f} ms"
            f"   mean {statistics.fmean(values) * 1000:6.1f} ms   {statistics.fmean(counts):5.1f} statements"
        )
    if args.tasks == "database":
        from django_tasks_db.models import DBTaskResult

        queued = DBTaskResult.objects.filter(task_path="referrals.tasks.send_notification")
        print(f"notifications queued for the worker: {queued.count()} (deleted now)")
        queued.delete()


if __name__ == "__main__":
    main()
