"""gunicorn configuration: ``gunicorn -c deploy/gunicorn.conf.py`` from the repository root."""

import multiprocessing
import os

# The project package lives in site/aftercare; the apps at the repository root.
pythonpath = "site,."
wsgi_app = "aftercare.wsgi:application"

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
max_requests = 1000
max_requests_jitter = 100
accesslog = "-"
