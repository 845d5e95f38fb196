"""Fault injection: PostgreSQL, then the search engine, gone for 20 s under a steady stream of requests.

Not collected by pytest (tests/bench is excluded). Loopback only, bounded (about three minutes with
the set-up). Run from the repository root, with the test PostgreSQL on 127.0.0.1:5432:

    .venv/bin/python tests/bench/fault_outage.py
    .venv/bin/python tests/bench/fault_outage.py --outage 20 --rate 20 --database-url postgres://postgres@127.0.0.1:5432/postgres

It creates its own database (dropped at the end), starts its own osmem-server and gunicorn with
production settings (deploy/gunicorn.conf.py, two workers), and reaches PostgreSQL through a
loopback proxy of its own, so the shared server is never stopped: "PostgreSQL down" is the proxy
refusing connections and resetting the open ones, as a stopped or failed-over server does.
"The engine down" is its process killed (SIGKILL), restarted empty after the outage and indexed
again by ``search_index --process-pending`` (what production's timer runs).

It prints, per phase (before, during, after each outage), the requests by endpoint and status.
Expected: no 500 at any time; 503 (with Retry-After) for what needs the missing part; 200 again
within seconds after it is back.
"""

import argparse
import collections
import contextlib
import os
import secrets
import signal
import socket
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "site")]

from devtools.osmem import free_loopback_port, start_engine  # noqa: E402
from tests.deploy.server import gunicorn, manage  # noqa: E402

ENDPOINTS = {
    "directory API": "/api/directory/services/?page_size=10",
    "pages API": "/api/v2/pages/",
    "search API": "/api/search/?q=casa&lang=it",
    "site page": "/it/",
}


class CuttableProxy:
    """A loopback TCP proxy to PostgreSQL that can refuse and reset every connection for a while."""

    def __init__(self, upstream: tuple[str, int]):
        self.upstream = upstream
        self.port = free_loopback_port()
        self.connections: list[socket.socket] = []
        self.lock = threading.Lock()
        self._listen()

    def _listen(self):
        self.listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()

    def _accept(self, listener):
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                server = socket.create_connection(self.upstream)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.connections += [client, server]
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    @staticmethod
    def _pump(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.listener.close()
        with self.lock:
            for sock in self.connections:
                try:
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
                    sock.close()  # linger 0: a reset, as when the server goes away
                except OSError:
                    pass
            self.connections.clear()

    def restore(self):
        self._listen()


class RequestStream:
    """Threads sending GETs round the endpoints at a steady rate; statuses counted per phase."""

    def __init__(self, base: str, rate: float, threads: int = 4):
        self.base, self.interval, self.threads = base, threads / rate, threads
        self.phase = "warm-up"
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.stop = threading.Event()
        self.retry_after_missing = 0

    def run(self, worker: int):
        names = list(ENDPOINTS)
        n = worker
        while not self.stop.is_set():
            started = time.monotonic()
            name = names[n % len(names)]
            n += 1
            request = urllib.request.Request(self.base + ENDPOINTS[name], headers={"X-Forwarded-Proto": "https"})
            try:
                with urllib.request.urlopen(request, timeout=10) as response:
                    status = response.status
            except urllib.error.HTTPError as error:
                status = error.code
                if status == 503 and not error.headers.get("Retry-After"):
                    self.retry_after_missing += 1
            except OSError as error:
                status = f"no answer ({type(error).__name__})"
            self.counts[self.phase][(name, status)] += 1
            time.sleep(max(0.0, self.interval - (time.monotonic() - started)))

    def __enter__(self):
        self.workers = [threading.Thread(target=self.run, args=(i,), daemon=True) for i in range(self.threads)]
        for worker in self.workers:
            worker.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for worker in self.workers:
            worker.join(15)


def report(stream: RequestStream) -> int:
    five_hundreds = 0
    for phase, counter in stream.counts.items():
        if phase == "warm-up":
            continue
        print(f"\n{phase}:")
        for name in ENDPOINTS:
            statuses = {status: count for (endpoint, status), count in counter.items() if endpoint == name}
            line = ", ".join(f"{count} × {status}" for status, count in sorted(statuses.items(), key=str))
            print(f"  {name:14} {line}")
            five_hundreds += sum(count for status, count in statuses.items() if status == 500)
    print(f"\n503 without Retry-After: {stream.retry_after_missing}")
    print(f"500 in every phase together: {five_hundreds}")
    return five_hundreds


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--outage", type=float, default=20, help="seconds each dependency is gone")
    parser.add_argument("--rate", type=float, default=20, help="requests per second, all endpoints together")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    args = parser.parse_args()

    admin = psycopg.conninfo.conninfo_to_dict(args.database_url)
    name = f"aftercare_fault_{os.getpid()}"
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    proxy = CuttableProxy((admin.get("host", "127.0.0.1"), int(admin.get("port", 5432))))
    engine = start_engine()
    user = admin.get("user", "postgres")
    password = f":{admin['password']}" if admin.get("password") else ""
    temporary = tempfile.TemporaryDirectory(prefix="fault-")
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "HOME", "LANG", "TMPDIR")}
    env = keep | {
        "DJANGO_SETTINGS_MODULE": "aftercare.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"postgres://{user}{password}@127.0.0.1:{proxy.port}/{name}",
        "ELASTICSEARCH_URL": engine.url,
        "SEARCH_ENGINE_KIND": "osmem",
        "SEARCH_INDEX_PREFIX": f"aftercare-fault-{os.getpid()}",
        "STATIC_ROOT": str(Path(temporary.name) / "static"),
        "MEDIA_ROOT": str(Path(temporary.name) / "media"),
        "TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "GUNICORN_BIND": f"127.0.0.1:{free_loopback_port()}",
        "GUNICORN_WORKERS": "2",
        "PYTHONUNBUFFERED": "1",
    }
    try:
        print("Setting up (migrate, pages, 30 services, index, static files)…", flush=True)
        manage(env, "migrate", "--noinput", timeout=900)
        manage(env, "bootstrap_site", "--hostname", "127.0.0.1")
        manage(env, "generate_services", "--count", "30")
        manage(env, "search_index", "--rebuild", "--no-progress")
        manage(env, "collectstatic", "--noinput", timeout=900)
        log = Path(temporary.name) / "gunicorn.log"
        with gunicorn(env, log) as (_process, base), RequestStream(base, args.rate) as stream:
            time.sleep(3)
            for part, down, up in (
                ("PostgreSQL", proxy.cut, proxy.restore),
                ("search engine", lambda: os.kill(engine._server.pid, signal.SIGKILL), None),
            ):
                stream.phase = f"before the {part} outage (5 s)"
                time.sleep(5)
                stream.phase = f"{part} down ({args.outage:.0f} s)"
                print(f"{part}: down", flush=True)
                down()
                time.sleep(args.outage)
                if up is None:  # the engine: restarted empty, indexed again by the periodic job
                    engine._server.process.wait()
                    engine.start()
                    stream.phase = f"after the {part} outage (restarted, re-indexing, 10 s)"
                    manage(env, "search_index", "--process-pending")
                else:
                    up()
                    stream.phase = f"after the {part} outage (10 s)"
                print(f"{part}: back", flush=True)
                time.sleep(10)
        print(f"\nLoad average at the end: {', '.join(f'{load:.2f}' for load in os.getloadavg())}")
        return 1 if report(stream) else 0
    finally:
        proxy.cut()
        engine.stop()
        with psycopg.connect(args.database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        temporary.cleanup()


if __name__ == "__main__":
    sys.exit(main())
