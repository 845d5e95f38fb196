"""HTTP behaviour shared by every public read endpoint (directory, Wagtail pages, HSDS).

- The response language is negotiated once per request (see ``languages``) and the whole request,
  rendering included, runs in it; ``Content-Language`` names it and ``Vary: Accept-Language``
  tells caches that the header matters.
- Successful reads carry a strong ``ETag`` (a hash of the language and the exact body, so it
  changes whenever the content or the language does) and
  ``Cache-Control: public, max-age=…, stale-while-revalidate=…``; ``If-None-Match`` is answered
  with 304 Not Modified as RFC 9110 says. There is no ``Last-Modified``: no timestamp sees every
  change of a representation (a record leaving a list, a deleted record, a renamed theme, which
  has no timestamp, a nested location unpublished), so ``If-Modified-Since`` and
  ``If-Unmodified-Since`` are ignored, as RFC 9110 asks when there is no modification date.
- These endpoints ignore credentials (no authentication classes): every reader gets the same
  representation, so nothing varies by ``Cookie`` and shared caches may store it. For the same
  reason any web page may read them (``Access-Control-Allow-Origin: *``, no credentials).
"""

import copy
import hashlib

from django.conf import settings
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers

from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from .languages import LANG_PARAMETER, UnknownLanguage, negotiate_language, source_language

SAFE_READS = ("GET", "HEAD")
DATE_PRECONDITIONS = ("HTTP_IF_MODIFIED_SINCE", "HTTP_IF_UNMODIFIED_SINCE")


def cache_max_age() -> int:
    return getattr(settings, "API_CACHE_MAX_AGE", 60)


def cache_stale_while_revalidate() -> int:
    return getattr(settings, "API_CACHE_STALE_WHILE_REVALIDATE", 300)


def representation_etag(language: str, body: bytes) -> str:
    digest = hashlib.sha256(language.encode() + b"\n" + body).hexdigest()[:40]
    return f'"{digest}"'


def without_date_preconditions(request):
    """The request with ``If-Modified-Since`` and ``If-Unmodified-Since`` left out.

    The representations have no modification date, and RFC 9110 has both headers ignored then;
    Django's ``get_conditional_response`` would answer ``If-Unmodified-Since`` with 412.
    """
    trimmed = copy.copy(request)
    trimmed.META = {name: value for name, value in request.META.items() if name not in DATE_PRECONDITIONS}
    return trimmed


def allow_any_origin(response, *, preflight: bool) -> None:
    """CORS for public, credential-free reads: any web page may read them, and see the caching headers."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Content-Language"
    if preflight:
        response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
        response["Access-Control-Allow-Headers"] = "Accept-Language, If-None-Match, If-Modified-Since"
        response["Access-Control-Max-Age"] = "86400"


class PublicReadMixin:
    """For DRF views that serve public, cacheable, translated reads. Put it first in the bases."""

    authentication_classes = []
    permission_classes = [AllowAny]
    language = settings.LANGUAGE_CODE  # set per request by dispatch(); the default serves schema generation

    def dispatch(self, request, *args, **kwargs):
        self.language_error = None
        try:
            self.language = negotiate_language(request)
        except UnknownLanguage as error:
            self.language = source_language()
            self.language_error = error
        with translation.override(self.language):
            return super().dispatch(request, *args, **kwargs)

    def perform_content_negotiation(self, request, force=False):
        """Always JSON: ``?format=`` is an ordinary parameter (HSDS has one), not DRF's renderer switch."""
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if self.language_error is not None:
            raise self.language_error_exception(self.language_error)

    def language_error_exception(self, error: UnknownLanguage) -> Exception:
        return ValidationError({LANG_PARAMETER: [error.message]})

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        response["Content-Language"] = self.language
        patch_vary_headers(response, ["Accept-Language"])
        allow_any_origin(response, preflight=request.method == "OPTIONS")
        if request.method not in SAFE_READS or response.status_code != 200:
            patch_cache_control(response, no_store=True)
            return response
        body = response.rendered_content
        response.content = body  # rendered once, here
        response["ETag"] = representation_etag(self.language, body)
        patch_cache_control(
            response, public=True, max_age=cache_max_age(), stale_while_revalidate=cache_stale_while_revalidate()
        )
        conditional = get_conditional_response(
            without_date_preconditions(request._request), etag=response["ETag"], response=response
        )
        if conditional is not response:
            conditional["Content-Language"] = self.language
        return conditional
