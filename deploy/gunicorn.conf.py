"""gunicorn configuration of the After Care Network web process.

Run from anywhere: ``gunicorn -c deploy/gunicorn.conf.py``. Every value can be overridden
with an environment variable (documented in deploy/RUNBOOK.md and deploy/.env.example).
"""

import json
import multiprocessing
import os
from pathlib import Path

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

# Loading the app before forking is safe here: nothing opens a database connection or a
# search-engine connection at import time (both are opened lazily by each worker).
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")

# nginx on the same host sets X-Forwarded-For / X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# gunicorn 27 opens a control socket in $HOME by default; the service does not need it.
control_socket_disable = True

# Logs to stdout/stderr, access log as one JSON object per line (no query strings: they may
# carry search terms; no cookies, no bodies).
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "remote": "%({x-forwarded-for}i)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
        "user_agent": "%(a)s",
        "request_id": "%({x-request-id}i)s",
    }
)


def post_fork(server, worker):
    """Each worker opens its own connections (nothing inherited from the master)."""
    from django.db import connections

    from search.client import reset_client

    connections.close_all()
    reset_client()
