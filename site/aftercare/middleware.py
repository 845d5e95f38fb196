"""Site-wide middleware."""

from django.middleware import locale
from django.utils import translation
from django.utils.cache import patch_vary_headers


class LocaleMiddleware(locale.LocaleMiddleware):
    """Django's LocaleMiddleware, except that a 404 answered by a routed view stays a 404.

    Django turns every 404 of an unprefixed path into a redirect to ``/<language>/<path>`` when
    that path is valid under ``i18n_patterns``, and Wagtail's catch-all makes every path valid:
    a JSON API answering "not found, or not in your scope" (404) became a 302 to a page. A
    request that was routed to a view (``resolver_match`` is set) got that view's real answer.
    """

    def process_response(self, request, response):
        routed = getattr(request, "resolver_match", None) is not None
        if response.status_code == 404 and routed and not translation.get_language_from_path(request.path_info):
            patch_vary_headers(response, ("Accept-Language",))
            response.headers.setdefault("Content-Language", translation.get_language())
            return response
        return super().process_response(request, response)
