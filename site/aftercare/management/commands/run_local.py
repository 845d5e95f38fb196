"""``make run``: sets up a local site and serves it on http://127.0.0.1:8000 until Ctrl-C.

It migrates the database, loads the real geography (a migration) and the demo
content, starts the in-memory search engine (osmem-server) on a free loopback
port and indexes everything, creates the local ``admin`` account (printing its
password once), then runs Django's development server. Ctrl-C stops the
server and the search engine.
"""

import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from aftercare.local_admin import LOCAL_ADMIN_USERNAME, ensure_local_admin
from search.client import reset_client
from search.engine import EngineError, start_engine

# Commands that prepare content, run in this order when the app that owns them is installed.
SETUP_COMMANDS = [
    ("bootstrap_site", []),
    ("load_demo_content", []),  # added by the directory issue
]


class Command(BaseCommand):
    help = "Set up the local database, demo content and search engine, then serve http://127.0.0.1:8000."

    def add_arguments(self, parser):
        parser.add_argument("--addrport", default="127.0.0.1:8000", help="Where to serve (default 127.0.0.1:8000).")
        parser.add_argument("--no-serve", action="store_true", help="Set everything up, then stop (used by tests).")

    def handle(self, *args, addrport, no_serve, **options):
        if settings.SEARCH_ENGINE_KIND != "osmem":
            raise CommandError("run_local starts its own search engine; unset SEARCH_ENGINE_KIND or set it to osmem.")
        self.stdout.write("Migrating the database…")
        call_command("migrate", interactive=False, verbosity=0)
        available = get_commands()
        for name, arguments in SETUP_COMMANDS:
            if name in available:
                self.stdout.write(f"Running {name}…")
                call_command(name, *arguments)

        try:
            engine = start_engine()
        except EngineError as error:
            raise CommandError(str(error)) from error
        try:
            os.environ["ELASTICSEARCH_URL"] = settings.ELASTICSEARCH_URL = engine.url
            reset_client()
            self.stdout.write(f"Search engine (osmem-server) answering at {engine.url}")
            call_command("search_index", "--rebuild")

            password = ensure_local_admin()
            if password:
                self.stdout.write(self.style.SUCCESS(f"Local administrator: {LOCAL_ADMIN_USERNAME} / {password}"))
                self.stdout.write("  (shown only now; change it with: .venv/bin/python manage.py changepassword admin)")
            else:
                self.stdout.write(f"The local administrator '{LOCAL_ADMIN_USERNAME}' already exists.")
            if no_serve:
                return
            self.stdout.write(self.style.SUCCESS(f"Serving http://{addrport}/  (admin at /admin/). Ctrl-C stops."))
            self._serve(addrport, engine.url)
        finally:
            engine.stop()
            self.stdout.write("Search engine stopped.")

    def _serve(self, addrport, engine_url):
        env = dict(os.environ, ELASTICSEARCH_URL=engine_url, SEARCH_ENGINE_KIND="osmem")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        # The development server (and its autoreloader child) run in a process group of their
        # own, so that stopping it stops both; Ctrl-C and SIGTERM reach this process, which stops it.
        server = subprocess.Popen([*manage, "runserver", addrport], env=env, start_new_session=True)  # noqa: S603
        previous = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
        try:
            server.wait()
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            signal.signal(signal.SIGTERM, previous)
            _stop_group(server)


def _raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def _stop_group(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
