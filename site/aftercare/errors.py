"""Error views of the whole project: a database that does not answer is 503, not 500.

When PostgreSQL restarts or fails over, requests that need it fail with a connection error.
That is the service being unavailable for a moment, not a bug: APIs answer 503 JSON and the site
a friendly page, both with ``Retry-After``, as search already does for the engine. Nothing here
touches the database. Every other uncaught error keeps Django's 500 page.
"""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

RETRY_AFTER_SECONDS = 30
DATABASE_ERRORS = (OperationalError, InterfaceError)


def database_unavailable(request) -> HttpResponse:
    language = translation.get_language_from_path(request.path_info) or translation.get_language_from_request(
        request, check_path=False
    )
    with translation.override(language):
        if request.path_info.startswith(settings.UNPREFIXED_PATH_PREFIXES):
            response = JsonResponse(
                {
                    "detail": _("The service is unavailable for a moment. Please try again in a minute."),
                    "retry_after": RETRY_AFTER_SECONDS,
                },
                status=503,
            )
        else:
            response = HttpResponse(loader.render_to_string("503.html", {"LANGUAGE_CODE": language}), status=503)
        response["Content-Language"] = language
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def server_error(request, template_name=defaults.ERROR_500_TEMPLATE_NAME):
    """``handler500``: called by Django with the uncaught exception still being handled."""
    if isinstance(sys.exc_info()[1], DATABASE_ERRORS):
        return database_unavailable(request)
    return defaults.server_error(request, template_name)
