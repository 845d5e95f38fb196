"""``make run``: sets up a local site and serves it on http://127.0.0.1:8000 until Ctrl-C.

It migrates the database (which loads the real geography), creates the page tree, starts the
in-memory search engine (osmem-server) on a free loopback port and indexes what the database holds,
creates the local ``admin`` account (printing its password once) and starts Django's development
server. Then, while the site already answers, it loads whatever part of the demo content is missing
(the index follows each part as it is published). Ctrl-C stops the server and the search engine.
"""

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from aftercare.local_admin import LOCAL_ADMIN_USERNAME, ensure_local_admin
from devtools.osmem import EngineError, start_engine
from search.client import reset_client


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
        call_command("bootstrap_site")

        try:
            engine = start_engine()
        except EngineError as error:
            raise CommandError(str(error)) from error
        server = None
        previous_handler = signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
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
            if not no_serve:
                server = self._start_server(addrport, engine.url)
                self.stdout.write(self.style.SUCCESS(f"Serving http://{addrport}/  (admin at /admin/). Ctrl-C stops."))
            started = time.monotonic()
            self.stdout.write("Loading the demo content (the site answers meanwhile)…")
            call_command("load_demo_content")
            self.stdout.write(f"Demo content ready and indexed ({time.monotonic() - started:.0f} s).")
            if server is not None:
                server.wait()
        except KeyboardInterrupt:
            self.stdout.write("Stopping…")
        finally:
            signal.signal(signal.SIGTERM, previous_handler)
            if server is not None:
                _stop_group(server)
            engine.stop()
            self.stdout.write("Search engine stopped.")

    def _start_server(self, addrport, engine_url) -> subprocess.Popen:
        """Django's development server (and its autoreloader child) in a process group of their own, so
        that stopping it stops both; Ctrl-C and SIGTERM reach this process, which stops the group."""
        env = dict(os.environ, ELASTICSEARCH_URL=engine_url, SEARCH_ENGINE_KIND="osmem")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        return subprocess.Popen([*manage, "runserver", addrport], env=env, start_new_session=True)  # noqa: S603


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
