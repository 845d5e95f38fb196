"""gunicorn configuration of the After Care Network web process.

Run from anywhere: ``gunicorn -c deploy/gunicorn.conf.py``. Every value can be overridden
with an environment variable (documented in deploy/RUNBOOK.md and deploy/.env.example).
"""

import json
import multiprocessing
import os
import traceback
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parent.parent

# The project package lives in site/aftercare; the apps at the repository root.
chdir = str(ROOT)
pythonpath = f"{ROOT / 'site'},{ROOT}"
wsgi_app = "aftercare.wsgi:application"
raw_env = [f"DJANGO_SETTINGS_MODULE={os.environ.get('DJANGO_SETTINGS_MODULE', 'aftercare.settings.production')}"]

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000").split(",")

# Workers: (2 x CPU) + 1 by default, capped so that a big machine does not exhaust PostgreSQL
# connections; threads serve slow clients and the search engine's I/O waits.
_cpus = multiprocessing.cpu_count()
workers = int(os.environ.get("GUNICORN_WORKERS", min(_cpus * 2 + 1, 12)))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"

# Recycle workers now and then (memory growth), with jitter so they do not restart together.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = int(os.environ.get("GUNICORN_MAX_REQUESTS_JITTER", "200"))

timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))  # nginx keeps upstream connections open

# Off by default, so that upgrades need no restart: on `systemctl reload aftercare-web` (HUP)
# gunicorn starts new workers, which import the new code, and stops the old ones gracefully.
# With GUNICORN_PRELOAD=true the master imports the application once before forking (workers
# start faster and share memory), but a HUP reuses the code already loaded: new code then
# needs `systemctl restart aftercare-web`. Preloading is safe either way: nothing opens a
# database or search-engine connection at import time (post_fork below makes sure of it).
preload_app = os.environ.get("GUNICORN_PRELOAD", "false").lower() in ("1", "true", "yes")

# nginx on the same host sets X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27 opens a control socket in $HOME by default; the service does not need it.
control_socket_disable = True

# Logs to stdout/stderr, access log as one JSON object per line (no query strings: they may
# carry search terms; no cookies, no bodies).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonAccessLogger(Logger):
    """gunicorn's logger, with access log lines serialised by ``json.dumps``.

    gunicorn's ``access_log_format`` only escapes double quotes, so a backslash, a control
    character or a quote after a backslash in a User-Agent or an X-Request-ID would break a
    JSON line; here every value is escaped by the JSON encoder, whatever the client sent.
    """

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        line = {
            "time": atoms["t"],
            "remote": atoms.get("{x-forwarded-for}i", "-"),
            "method": atoms["m"],
            "path": atoms["U"],  # PATH_INFO: never the query string
            "status": str(atoms["s"]),
            "bytes": str(atoms["B"]),
            "duration_ms": str(atoms["M"]),
            "user_agent": atoms["a"],
            "request_id": atoms.get("{x-request-id}i", "-"),
        }
        try:
            self.access_log.info(json.dumps(line))
        except Exception:  # as gunicorn's Logger.access: a log line never fails a request; into the error log
            self.error(traceback.format_exc())


logger_class = JsonAccessLogger


def post_fork(server, worker):
    """With a preloaded application, each worker drops what it inherited from the master and
    opens its own connections. Without preloading the master never imported Django: nothing
    to drop (and the worker loads the application only after this hook)."""
    if not server.cfg.preload_app:
        return
    from django.db import connections

    from search.client import reset_client

    connections.close_all()
    reset_client()
