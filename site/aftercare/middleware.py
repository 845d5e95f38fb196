"""Site-wide middleware."""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware as DjangoLocaleMiddleware
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(DjangoLocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 of a JSON API is never redirected.

    With ``i18n_patterns(prefix_default_language=True)`` and Wagtail's catch-all page route,
    Django turns every 404 of an unprefixed path into a redirect to ``/it/<path>`` (which
    Wagtail then answers with an HTML 404). The JSON APIs (``settings.UNPREFIXED_PATH_PREFIXES``)
    are not translated by URL: their clients must get the API's own JSON 404.
    """

    def process_response(self, request, response):
        if response.status_code == 404 and request.path_info.startswith(settings.UNPREFIXED_PATH_PREFIXES):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
