"""Production: refuses to start without its required variables; hardened HTTP."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEVELOPMENT_SECRET_KEY, REQUIRED_IN_PRODUCTION, env


def _require_environment():
    missing = [name for name in REQUIRED_IN_PRODUCTION if not os.environ.get(name, "").strip()]
    if missing:
        raise ImproperlyConfigured(
            "Production settings need these environment variables, which are not set: "
            + ", ".join(missing)
            + ". See deploy/.env.example and deploy/RUNBOOK.md."
        )
    if os.environ["SECRET_KEY"] == DEVELOPMENT_SECRET_KEY or len(os.environ["SECRET_KEY"]) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be a private random value of at least 50 characters, "
            "for example from: python -c 'import secrets; print(secrets.token_urlsafe(64))'"
        )


_require_environment()

DEBUG = False
TASKS = {"default": {"BACKEND": env.str("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "aftercare.storage.StaticFilesStorage"},
}

# The app runs behind nginx (deploy/nginx), which writes X-Forwarded-For: one proxy to trust.
NUM_PROXIES = env.int("NUM_PROXIES", default=1)
REST_FRAMEWORK = {**REST_FRAMEWORK, "NUM_PROXIES": NUM_PROXIES}

# HTTPS and cookies. nginx terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SESSION_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_SECURE = True
# Wagtail marks its preview views SAMEORIGIN itself; everything else may never be framed.
X_FRAME_OPTIONS = "DENY"
