"""Site-wide middleware."""

import re

from django.conf import settings
from django.http import HttpResponseBadRequest, JsonResponse
from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _

# C0 control characters (NUL...) and DEL; tab, line feed and carriage return are ordinary text.
SEARCH_API_PREFIX = "/api/search/"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class HealthCheckMiddleware:
    """Answers ``/healthz`` and ``/readyz`` before anything else, whatever the Host header.

    systemd, compose, nginx and load balancers probe the process by address
    (``http://127.0.0.1:8000/healthz``, ``http://10.0.0.5/healthz``), not by the public host name:
    Django's host validation (``ALLOWED_HOSTS``) would answer them 400, and the HTTPS redirect 301.
    The two endpoints reveal nothing and change nothing, so they are served first.
    """

    def __init__(self, get_response):
        from . import health  # imports the search client: only once Django is set up

        self.get_response = get_response
        self.probes = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __call__(self, request):
        view = self.probes.get(request.path_info)
        if view is not None:
            return view(request)
        return self.get_response(request)


class ControlCharactersMiddleware:
    """Refuses query parameters holding control characters (NUL...) with a 400 naming the parameter.

    No one types them; PostgreSQL refuses NUL in text (``DataError``: a 500 deep in a query) and
    SQLite stores it. JSON for the APIs (``settings.UNPREFIXED_PATH_PREFIXES``) in the shape each
    documents for a bad parameter, text elsewhere.
    Form and JSON bodies are checked by their fields (Django's and DRF's ``CharField`` refuse NUL).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        bad = [key for key, values in request.GET.lists() if any(map(CONTROL_CHARACTERS.search, [key, *values]))]
        if not bad:
            return self.get_response(request)
        language = translation.get_language_from_request(request, check_path=True)
        with translation.override(language):
            message = _("The parameter “%(name)s” contains a control character (such as NUL): remove it.")
            errors = {
                CONTROL_CHARACTERS.sub("", name) or "?": [message % {"name": CONTROL_CHARACTERS.sub("", name)}]
                for name in bad
            }
            detail = " ".join(messages[0] for messages in errors.values())
        if request.path_info.startswith(SEARCH_API_PREFIX):  # its documented 400: {"detail", "errors"}
            response = JsonResponse({"detail": detail, "errors": errors}, status=400)
        elif request.path_info.startswith(settings.UNPREFIXED_PATH_PREFIXES):  # the others': {parameter: [...]}
            response = JsonResponse(errors, status=400)
        else:
            response = HttpResponseBadRequest(detail, content_type="text/plain; charset=utf-8")
        response["Content-Language"] = language
        return response


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 of a JSON API or of a routed view stays a 404.

    Django turns every 404 of an unprefixed path into a redirect to ``/<language>/<path>`` when
    that path is valid under ``i18n_patterns``, and Wagtail's catch-all page route makes every
    path valid: a JSON API answering "not found, or not in your scope" (404) became a 302 to an
    HTML page. A request that was routed to a view (``resolver_match`` is set) keeps that view's
    answer, and so does any path under the JSON APIs (``settings.UNPREFIXED_PATH_PREFIXES``),
    which are not translated by URL. Pages keep their language prefix redirect.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and not translation.get_language_from_path(request.path_info):
            routed = getattr(request, "resolver_match", None) is not None
            if routed or request.path_info.startswith(settings.UNPREFIXED_PATH_PREFIXES):
                patch_vary_headers(response, ("Accept-Language",))
                response.headers.setdefault("Content-Language", translation.get_language())
                return response
        return super().process_response(request, response)


class StaffSessionRefreshMiddleware:
    """Moves a staff session's end forward on each request to the staff pages (idle expiry).

    Django's ``SESSION_SAVE_EVERY_REQUEST`` would do it on every request, public reads included: each
    answer to a logged-in person would then set the session cookie and vary on ``Cookie``, and no
    shared cache could serve the public APIs to them. Only the admin and the staff pages refresh the
    session; elsewhere it is saved only when it changes. Listed right after ``SessionMiddleware``.
    """

    STAFF_PREFIXES = ("/admin/", "/workflow/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and request.path_info.startswith(self.STAFF_PREFIXES) and not session.is_empty():
            session.modified = True  # saved by SessionMiddleware with a new expiry
        return response
