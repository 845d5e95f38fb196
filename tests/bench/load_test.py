"""Load test of a production-like deployment (not collected by pytest).

Sets up its own PostgreSQL database (demo content + synthetic services, indexed into an osmem
engine), serves it with gunicorn under production settings on a loopback port, then runs
locust (tests/bench/locustfile.py) for a bounded time: anonymous visitors (content API,
search, suggestions) at a steady rate plus staff walking referrals through their process with
API tokens. Prints requests per second, p50/p95/p99 latency, the error count (it must be zero)
and the memory of the gunicorn workers at start and end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/aftercare_load \\
        .venv/bin/python tests/bench/load_test.py [--duration 300] [--visitors 8] [--rate 1] [--services 2000]

Loopback only; the database named in DATABASE_URL is dropped and created again.
"""

import argparse
import csv
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "site"), str(ROOT)]

CAST_SCRIPT = """
import json
from django.contrib.auth import get_user_model
from cms.models import Ambito, Membership, Municipality, Role, Service, Theme
from referrals.auth import token_issue

lecco = Municipality.objects.get(name="Lecco")
service = (Service.objects.filter(live=True, status="active", organization__live=True,
           service_at_locations__location__municipality__ambito__slug="lecco").order_by("pk").first())
scopes = {
    "social_worker": {"municipality": lecco},
    "network_manager": {"ambito": lecco.ambito},
    "coordinator": {"organization": service.organization},
    "volunteer": {"organization": service.organization},
}
tokens = {}
for role, scope in scopes.items():
    user, _ = get_user_model().objects.get_or_create(
        username=f"load-{role}", defaults={"email": f"load-{role}@example.org"}
    )
    Membership.objects.get_or_create(user=user, role=Role(role), **scope)
    tokens[role] = token_issue(user=user, name="load test")[1]
print(json.dumps({
    "tokens": tokens,
    "service_id": service.pk,
    "office_istat": lecco.istat_code,
    "themes": list(Theme.objects.values_list("code", flat=True)),
    "ambiti": list(Ambito.objects.values_list("slug", flat=True)),
    "service_uuids": [
        str(u) for u in Service.objects.filter(live=True, status="active").values_list("uuid", flat=True)[:500]
    ],
}))
"""


def fresh_database(url: str) -> None:
    import environ
    import psycopg

    config = environ.Env.db_url_config(url)
    if not config["ENGINE"].endswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/aftercare_load")
    params = {"host": config["HOST"] or "127.0.0.1", "port": config["PORT"] or 5432, "user": config["USER"]}
    params |= {"dbname": "postgres", "autocommit": True}
    if config["PASSWORD"]:
        params["password"] = config["PASSWORD"]
    with psycopg.connect(**params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{config["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{config["NAME"]}"')


def worker_memory_mb(master_pid: int) -> list[float]:
    """Resident memory of each gunicorn worker (the master's children), from /proc."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text().split()
    sizes = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                sizes.append(int(line.split()[1]) / 1024)
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--visitors", type=int, default=8, help="anonymous users (default 8)")
    parser.add_argument("--rate", type=float, default=1.0, help="requests/s of each anonymous user (default 1)")
    parser.add_argument("--services", type=int, default=2000, help="synthetic services besides the demo content")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: its config)")
    args = parser.parse_args()

    from devtools.osmem import free_loopback_port, start_engine
    from tests.deploy.server import gunicorn, manage

    database_url = os.environ.get("DATABASE_URL", "")
    fresh_database(database_url)
    engine = start_engine()
    work = Path(tempfile.mkdtemp(prefix="aftercare-load-"))
    port = free_loopback_port()
    env = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG")} | {
        "DJANGO_SETTINGS_MODULE": "aftercare.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        "ELASTICSEARCH_URL": engine.url,
        "SEARCH_ENGINE_KIND": "osmem",
        "SEARCH_INDEX_PREFIX": "aftercare-load",
        "STATIC_ROOT": str(work / "static"),
        "MEDIA_ROOT": str(work / "media"),
        "EMAIL_URL": "dummymail://",
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_ACCESS_LOG": str(work / "access.log"),
        "LOG_LEVEL": "WARNING",
    }
    if args.workers:
        env["GUNICORN_WORKERS"] = str(args.workers)
    try:
        print("Setting up: migrate, site, demo content, synthetic services, index…", flush=True)
        started = time.monotonic()
        manage(env, "migrate", "--noinput")
        manage(env, "bootstrap_site", "--hostname", "127.0.0.1")
        manage(env, "load_demo_content", timeout=3600)
        manage(env, "generate_services", "--count", str(args.services), timeout=3600)
        manage(env, "search_index", "--rebuild", timeout=3600)
        manage(env, "collectstatic", "--noinput")
        cast = json.loads(manage(env, "shell", "-c", CAST_SCRIPT).stdout.strip().splitlines()[-1])
        cast_file = work / "cast.json"
        cast_file.write_text(json.dumps(cast))
        print(f"  ready in {time.monotonic() - started:.0f} s", flush=True)

        with gunicorn(env, work / "gunicorn.log") as (server, base):
            # Warm every worker up (imports, connections) before taking the first memory reading.
            for _ in range(30):
                urllib.request.urlopen(f"{base}/healthz", timeout=5).read()
            time.sleep(1)
            memory_start = worker_memory_mb(server.pid)

            print(
                f"Load: {args.visitors} visitors at {args.rate}/s each + 1 staff walking referrals (1 step / 2 s), "
                f"{args.duration} s, against {base} ({len(memory_start)} gunicorn workers)",
                flush=True,
            )
            prefix = work / "locust"
            subprocess.run(
                [
                    sys.executable, "-m", "locust", "-f", str(ROOT / "tests/bench/locustfile.py"), "--headless",
                    "--users", str(args.visitors + 1), "--spawn-rate", str(args.visitors + 1),
                    "--run-time", f"{args.duration}s", "--host", base, "--csv", str(prefix), "--only-summary",
                    "--anonymous-rate", str(args.rate), "--stop-timeout", "10", "--loglevel", "WARNING",
                ],
                cwd=ROOT,
                env=os.environ | {"LOADTEST_CAST": str(cast_file)},
                check=False,
            )  # fmt: skip
            memory_end = worker_memory_mb(server.pid)
            report(prefix, memory_start, memory_end)
    finally:
        engine.stop()


def report(prefix: Path, memory_start: list[float], memory_end: list[float]) -> None:
    with open(f"{prefix}_stats.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    print("\n  endpoint                                   requests  errors   p50 ms   p95 ms   p99 ms")
    for row in rows:
        label = row["Name"] if row["Name"] != "Aggregated" else "ALL"
        print(
            f"  {label[:42]:42} {int(row['Request Count']):8} {int(row['Failure Count']):7} "
            f"{row['50%']:>8} {row['95%']:>8} {row['99%']:>8}"
        )
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(f"\nRequests per second: {float(total['Requests/s']):.1f}")
    print(f"Latency p50 / p95 / p99: {total['50%']} / {total['95%']} / {total['99%']} ms")
    print(f"Errors: {total['Failure Count']}")
    print(
        "Worker memory (RSS) at start: "
        + ", ".join(f"{mb:.0f}" for mb in memory_start)
        + f" MB (total {sum(memory_start):.0f} MB)"
    )
    print(
        "Worker memory (RSS) at end:   "
        + ", ".join(f"{mb:.0f}" for mb in memory_end)
        + f" MB (total {sum(memory_end):.0f} MB)"
    )
    failures = Path(f"{prefix}_failures.csv")
    if failures.exists() and len(failures.read_text().splitlines()) > 1:
        print("\nFailures:\n" + failures.read_text()[:3000])


if __name__ == "__main__":
    main()
