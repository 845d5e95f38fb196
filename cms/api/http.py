"""HTTP behaviour shared by every public read endpoint (directory, Wagtail pages, HSDS).

- The response language is negotiated once per request (see ``languages``) and the whole request,
  rendering included, runs in it; ``Content-Language`` names it and ``Vary: Accept-Language``
  tells caches that the header matters.
- Successful reads carry a strong ``ETag`` (a hash of the language and the exact body, so it
  changes whenever the content or the language does), a ``Last-Modified`` and
  ``Cache-Control: public, max-age=…, stale-while-revalidate=…``.
- ``Last-Modified`` is when the public content last changed, as a whole (cms/content_version.py):
  one date for every representation, raised in the transaction of every change of what any of
  them shows (a record edited, unpublished or deleted, a theme renamed, a page published, an
  import). It is read before the content, so a response never carries a date later than its
  content. It is never later than the current time: a date still in the future (a change in the
  last second) is sent as the current time, which is earlier than the stored one, so it costs
  a client one full response and never gives a wrong 304.
- ``If-None-Match`` and ``If-Modified-Since`` are answered with 304 Not Modified as RFC 9110 says:
  the ETag wins when both are sent; ``If-Modified-Since`` is compared with the stored date itself
  (a whole second, later than any date sent before the change). ``If-Unmodified-Since`` is
  ignored on these reads (no 412).
- These endpoints ignore credentials (no authentication classes): every reader gets the same
  representation, so nothing varies by ``Cookie`` and shared caches may store it. For the same
  reason any web page may read them (``Access-Control-Allow-Origin: *``, no credentials).
"""

import copy
import hashlib
import math
from datetime import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny

from ..content_version import content_changed_at
from .languages import LANG_PARAMETER, UnknownLanguage, negotiate_language, source_language

SAFE_READS = ("GET", "HEAD")
IGNORED_PRECONDITIONS = ("HTTP_IF_UNMODIFIED_SINCE",)


def cache_max_age() -> int:
    return getattr(settings, "API_CACHE_MAX_AGE", 60)


def cache_stale_while_revalidate() -> int:
    return getattr(settings, "API_CACHE_STALE_WHILE_REVALIDATE", 300)


def representation_etag(language: str, body: bytes) -> str:
    digest = hashlib.sha256(language.encode() + b"\n" + body).hexdigest()[:40]
    return f'"{digest}"'


def last_modified_times(changed_at: datetime, now: datetime) -> tuple[int, int]:
    """The stored date in whole seconds (for ``If-Modified-Since``) and the one sent (never after ``now``)."""
    stored = math.ceil(changed_at.timestamp())
    return stored, min(stored, math.floor(now.timestamp()))


def without_ignored_preconditions(request):
    """The request without ``If-Unmodified-Since``, which reads ignore.

    Django's ``get_conditional_response`` would answer it with 412 whenever the content changed
    since the date given; a read changes nothing, so the client gets the representation.
    """
    trimmed = copy.copy(request)
    trimmed.META = {name: value for name, value in request.META.items() if name not in IGNORED_PRECONDITIONS}
    return trimmed


def allow_any_origin(response, *, preflight: bool) -> None:
    """CORS for public, credential-free reads: any web page may read them, and see the caching headers."""
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Content-Language"
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
        self.content_changed_at = None
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
        if request.method in SAFE_READS:
            self.content_changed_at = content_changed_at()  # before the content: see cms/content_version.py

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
        last_modified = None
        if self.content_changed_at is not None:
            last_modified, sent = last_modified_times(self.content_changed_at, timezone.now())
            response["Last-Modified"] = http_date(sent)
        patch_cache_control(
            response, public=True, max_age=cache_max_age(), stale_while_revalidate=cache_stale_while_revalidate()
        )
        conditional = get_conditional_response(
            without_ignored_preconditions(request._request),
            etag=response["ETag"],
            last_modified=last_modified,
            response=response,
        )
        if conditional is not response:
            conditional["Content-Language"] = self.language
        return conditional
