"""Settings shared by every environment, all read from environment variables here.

This is the one module that reads the environment. ``dev``, ``test`` and
``production`` import it and change only what they must. Every variable is
documented in the README (section "Configuration").
"""

from datetime import timedelta
from pathlib import Path

from django.conf.locale import LANG_INFO

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent  # site/aftercare
BASE_DIR = PROJECT_DIR.parent.parent  # the repository root

env = environ.Env()

# Variables that production refuses to start without (see production.py).
REQUIRED_IN_PRODUCTION = ("SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "ELASTICSEARCH_URL")

# --- Core -----------------------------------------------------------------

# The development key is public on purpose: production.py refuses it.
DEVELOPMENT_SECRET_KEY = "development-only-insecure-key-never-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    # runserver serves static files through WhiteNoise, as production does: Django's own static
    # handler answers 500 to /static/%2e%2e/%2e%2e/manage.py (SuspiciousFileOperation), WhiteNoise 404.
    "whitenoise.runserver_nostatic",
    # wagtail_modeltranslation must come before every app with a translation.py.
    "wagtail_modeltranslation",
    "wagtail_modeltranslation.makemigrations",
    "wagtail_modeltranslation.migrate",
    "aftercare",
    "cms",
    "search",
    "referrals",
    "public_site",
    "wagtail.contrib.settings",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail.api.v2",
    "wagtail",
    "modelcluster",
    "taggit",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "viewflow",
    "viewflow.workflow",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "aftercare.middleware.HealthCheckMiddleware",  # probes by address: before host validation and redirects
    "django.middleware.security.SecurityMiddleware",
    "aftercare.middleware.ControlCharactersMiddleware",  # NUL in a query parameter: 400, not a database error
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "aftercare.middleware.StaffSessionRefreshMiddleware",  # idle expiry of staff sessions, not public reads
    "aftercare.middleware.LocaleMiddleware",  # Django's, keeping the 404s of the APIs
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # The public site (under /<lang>/) gets a policy without 'unsafe-inline' (site/aftercare/csp.py).
    "aftercare.csp.PublicSiteCSPMiddleware",
    # Login lockout (django-axes): turns a locked-out login into a 429 page. Last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "aftercare.urls"
WSGI_APPLICATION = "aftercare.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers take the lock when their transaction begins: concurrent claims of
    # one workflow task are serialised instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Languages: change the list here (or with LANGUAGES) and nowhere else ----

LANGUAGE_CODE = "it"  # the source language of content and the fallback
DEFAULT_LANGUAGES = ["it", "en", "fr", "es", "ar", "uk", "ro", "sq", "zh-hans"]
LANGUAGE_CODES = env.list("LANGUAGES", default=DEFAULT_LANGUAGES)
if LANGUAGE_CODE not in LANGUAGE_CODES:
    LANGUAGE_CODES.insert(0, LANGUAGE_CODE)
LANGUAGES = [(code, LANG_INFO[code]["name_local"]) for code in LANGUAGE_CODES]
LANGUAGES_BIDI = ["ar", "fa", "he", "ur"]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Rome")
USE_TZ = True

# django-modeltranslation: LANGUAGES and MODELTRANSLATION_LANGUAGES must stay equal.
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
MODELTRANSLATION_LANGUAGES = tuple(LANGUAGE_CODES)
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": (LANGUAGE_CODE,)}
WAGTAIL_I18N_ENABLED = False

# --- Static and media files -----------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [PROJECT_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# --- Search engine --------------------------------------------------------

ELASTICSEARCH_URL = env.str("ELASTICSEARCH_URL", default="http://127.0.0.1:9200")
# "elasticsearch" (production) or "osmem" (the in-memory engine of development
# and tests): selects the transport that speaks plain JSON and the analyzers.
SEARCH_ENGINE_KIND = env.str("SEARCH_ENGINE_KIND", default="elasticsearch")
SEARCH_INDEX_PREFIX = env.str("SEARCH_INDEX_PREFIX", default="aftercare-dev")
SEARCH_TIMEOUT_SECONDS = env.float("SEARCH_TIMEOUT_SECONDS", default=1.5)
# Writes carry more data than searches and a busy engine applies them slowly: a write that takes
# longer is retried in smaller batches (a timeout means slow, not down; writes are idempotent).
SEARCH_WRITE_TIMEOUT_SECONDS = env.float("SEARCH_WRITE_TIMEOUT_SECONDS", default=30)
# The write made inside a web request (the immediate task backend of development): kept short so
# that publishing never waits long; what it could not write is left for the next drain.
SEARCH_INLINE_WRITE_TIMEOUT_SECONDS = env.float("SEARCH_INLINE_WRITE_TIMEOUT_SECONDS", default=2)

# --- Background tasks (django-tasks) --------------------------------------

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", default="django_tasks.backends.immediate.ImmediateBackend"),
    }
}

# --- Cache and sessions ---------------------------------------------------

CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://aftercare")}
# With several app hosts, keep sessions in the shared cache too ("cached_db": Redis in front of the database).
SESSION_ENGINE = env.str("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
# Staff sessions (the admin, the staff pages) end after SESSION_IDLE_MINUTES without a request, and when
# the browser closes (the cookie has no expiry date). Each request to the staff pages moves the end
# forward (aftercare.middleware.StaffSessionRefreshMiddleware); public reads leave the session alone.
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=60)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# --- Email ----------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="After Care Network <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Authentication -------------------------------------------------------

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "wagtailadmin_login"
# django-axes checks every login (admin, staff pages, API token) before the password is tried.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Login lockout and the client's address (README and RUNBOOK: "Security") ----

# How many proxies (nginx, a load balancer) stand in front of the app and append to X-Forwarded-For.
# 0: the header is ignored (development; a server reached directly). deploy/: 1 (nginx).
NUM_PROXIES = env.int("NUM_PROXIES", default=0)
AXES_CLIENT_IP_CALLABLE = "aftercare.client_address.client_ip"
# After AXES_FAILURE_LIMIT wrong passwords for one username from one address, that pair is refused (429)
# for AXES_COOLOFF_MINUTES; a right password resets the count. Unlock: manage.py axes_reset_username NAME.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_MINUTES = env.int("AXES_COOLOFF_MINUTES", default=15)
AXES_COOLOFF_TIME = timedelta(minutes=AXES_COOLOFF_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "aftercare.lockout.lockout_response"
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "new_password1", "new_password2"]

# --- Wagtail --------------------------------------------------------------

WAGTAIL_SITE_NAME = "After Care Network"
WAGTAILADMIN_BASE_URL = SITE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "xlsx"]
WAGTAILAPI_LIMIT_MAX = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# --- REST framework and OpenAPI -------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Deny by default: every view states who may use it.
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAdminUser"],
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Throttles count the address the configured proxies vouch for (see NUM_PROXIES above).
    "NUM_PROXIES": NUM_PROXIES,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "After Care Network API",
    "DESCRIPTION": "Headless content, service directory, public search and referrals of the After Care Network.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    # Record ids in paths (referrals/converters.py): integers of at most 18 digits.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 999_999_999_999_999_999}},
}

# --- Content security policy (django-csp 4) -------------------------------

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Logging: one line per event on stdout ----------------------------------

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "elastic_transport": {"level": "WARNING"},
    },
}

# --- Headless API and HSDS (cms/api, cms/hsds) ------------------------------

# Cache-Control of public reads: browsers and CDNs may reuse a response this many seconds, then
# serve it stale while they revalidate it (with its ETag) for this many more.
API_CACHE_MAX_AGE = env.int("API_CACHE_MAX_AGE", default=60)
API_CACHE_STALE_WHILE_REVALIDATE = env.int("API_CACHE_STALE_WHILE_REVALIDATE", default=300)
# The OpenAPI description covers public endpoints only (not the Wagtail admin's private JSON API).
SPECTACULAR_SETTINGS["PREPROCESSING_HOOKS"] = ["cms.api.openapi.public_endpoints_only"]
SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"] = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "cms.hsds.openapi.add_hsds_components",  # the HSDS 3.0 schemas, for the /hsds/ endpoints
]
# JSON APIs live outside i18n_patterns: their 404s must not be redirected to /it/… (see aftercare.middleware).
UNPREFIXED_PATH_PREFIXES = ("/api/", "/hsds/")

# --- Referrals (referrals/; README section "Referrals") ---------------------

# Time limits per step; working days skip weekends and Italian public holidays (referrals/sla.py).
REFERRALS_SLA = {
    "triage": {"working_days": env.int("REFERRALS_SLA_TRIAGE_WORKING_DAYS", default=2)},
    "organisation_response": {"working_days": env.int("REFERRALS_SLA_RESPONSE_WORKING_DAYS", default=2)},
    "outcome": {"days": env.int("REFERRALS_SLA_OUTCOME_DAYS", default=14)},
    "redirect": {"working_days": env.int("REFERRALS_SLA_REDIRECT_WORKING_DAYS", default=2)},
    "waiting_list": {"days": env.int("REFERRALS_SLA_WAITING_LIST_DAYS", default=30)},
    "close": {"working_days": env.int("REFERRALS_SLA_CLOSE_WORKING_DAYS", default=5)},
}
# Local holidays, e.g. a patron saint's day: MM-DD (every year) or YYYY-MM-DD, comma separated.
REFERRALS_EXTRA_HOLIDAYS = env.list("REFERRALS_EXTRA_HOLIDAYS", default=[])
# Days after a referral ended (closed, rejected, cancelled) before `referrals_anonymise` anonymises it.
REFERRALS_RETENTION_DAYS = env.int("REFERRALS_RETENTION_DAYS", default=730)
# Drafts (and referrals returned for more information) untouched this long are cancelled.
REFERRALS_ABANDONED_DRAFT_DAYS = env.int("REFERRALS_ABANDONED_DRAFT_DAYS", default=180)
# The network-wide report hides groups smaller than this (1: no suppression).
REFERRALS_REPORT_MIN_COUNT = env.int("REFERRALS_REPORT_MIN_COUNT", default=5)
# ...and covers at least this many days (up to today); 28: any calendar month qualifies.
REFERRALS_REPORT_MIN_DAYS = env.int("REFERRALS_REPORT_MIN_DAYS", default=28)
# API tokens of the volunteers' app: each key lives this many hours, and may be refreshed (swapped for a
# new key) until this many days after the password was given; then the app asks for the password again.
REFERRALS_TOKEN_HOURS = env.int("REFERRALS_TOKEN_HOURS", default=24)
REFERRALS_TOKEN_MAX_DAYS = env.int("REFERRALS_TOKEN_MAX_DAYS", default=30)

# --- Public search (search/): analyzers and index sync ------------------------
# One analyzer per content language, as ``code=analyzer`` pairs. The defaults are the
# built-in language analyzers of the Elasticsearch reference; "folded" (standard tokenizer,
# lowercase, ASCII folding) serves languages Elasticsearch has no analyzer for, and
# "ukrainian_light" (endings stripped) Ukrainian. On osmem (SEARCH_ENGINE_KIND=osmem)
# search/analyzers.py replaces the analyzers it lacks: "arabic" by "arabic_folded", others by "folded".
# With text and a position: results scoring under this share of the best text score are left out
# (also when sorting by distance), and nearness adds up to SEARCH_DISTANCE_WEIGHT of the best score.
SEARCH_RELEVANCE_FLOOR = env.float("SEARCH_RELEVANCE_FLOOR", default=0.3)
SEARCH_DISTANCE_WEIGHT = env.float("SEARCH_DISTANCE_WEIGHT", default=0.5)
SEARCH_LANGUAGE_ANALYZERS = env.dict(
    "SEARCH_LANGUAGE_ANALYZERS",
    default={
        "it": "italian",
        "en": "english",
        "fr": "french",
        "es": "spanish",
        "ar": "arabic",
        "uk": "ukrainian_light",
        "ro": "romanian",
        "sq": "folded",
        "zh-hans": "cjk",
    },
)

# --- Public site (public_site/views.py): the accessibility statement ----------------------
# Who answers accessibility reports (AgID model: "meccanismo di feedback") and who is responsible.
ACCESSIBILITY_CONTACT_EMAIL = env.str("ACCESSIBILITY_CONTACT_EMAIL", default="")
ACCESSIBILITY_RESPONSIBLE_BODY = env.str("ACCESSIBILITY_RESPONSIBLE_BODY", default="After Care Network")

# --- Directory verification cycle (cms/verification/) -------------------------------------
# Every organisation and service is checked again after this many days (Inform USA: once a year).
DIRECTORY_VERIFY_EVERY_DAYS = env.int("DIRECTORY_VERIFY_EVERY_DAYS", default=365)
# How long the link e-mailed to an organisation works, and how often one link may be used per hour.
DIRECTORY_VERIFY_LINK_DAYS = env.int("DIRECTORY_VERIFY_LINK_DAYS", default=30)
DIRECTORY_VERIFY_LINK_USES_PER_HOUR = env.int("DIRECTORY_VERIFY_LINK_USES_PER_HOUR", default=20)
# Editors are reminded of records still unverified this many days after they fell due.
DIRECTORY_VERIFY_REMINDER_AFTER_DAYS = env.int("DIRECTORY_VERIFY_REMINDER_AFTER_DAYS", default=30)
# At most this many organisations are e-mailed per run (iCarol sends batches of up to 1,000).
DIRECTORY_VERIFY_BATCH_SIZE = env.int("DIRECTORY_VERIFY_BATCH_SIZE", default=1000)
# The weekly check of the directory's websites (manage.py check_links): seconds per address.
DIRECTORY_LINK_CHECK_TIMEOUT_SECONDS = env.float("DIRECTORY_LINK_CHECK_TIMEOUT_SECONDS", default=5.0)
