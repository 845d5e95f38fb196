"""OpenAPI 3 description of the public read endpoints (drf-spectacular).

- ``PublicReadSchema`` documents what every public read shares: ``lang`` and ``Accept-Language``,
  the declared filters of list endpoints, conditional requests (``If-None-Match``,
  ``If-Modified-Since``) and the 200/304/400/404 responses with their caching headers.
- ``public_endpoints_only`` (a preprocessing hook) leaves out the endpoints mounted under the
  Wagtail admin (its private JSON API for the editor's interface), which are not for clients and
  cannot be described without a request.
"""

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from .languages import LANG_PARAMETER, available_languages, source_language

WHO_MAY_USE = _("Who may use it: anyone, without an account; credentials are ignored.")

VALIDATION_ERROR = {
    "type": "object",
    "description": "Each key names a query parameter that cannot be used; its value lists what is wrong.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"theme": ["Unknown value: “hosing”. Known values: housing, mediation, …"]},
}
NOT_FOUND = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}


def language_parameters() -> list[OpenApiParameter]:
    languages = available_languages()
    return [
        OpenApiParameter(
            LANG_PARAMETER,
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description=(
                f"Language of the response: one of {', '.join(languages)}. Wins over Accept-Language. "
                f"An unknown code is a 400. Texts missing in that language are shown in Italian "
                f"({source_language()}), and each object lists them in fallback_fields."
            ),
            enum=languages,
        ),
        OpenApiParameter(
            "Accept-Language",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description=(
                "Used when lang is absent: the first supported language of the header (en-GB is en); "
                f"Italian ({source_language()}) when none is supported."
            ),
        ),
    ]


def conditional_parameters() -> list[OpenApiParameter]:
    return [
        OpenApiParameter(
            "If-None-Match",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description="An ETag received earlier: 304 Not Modified when the representation is unchanged.",
        ),
        OpenApiParameter(
            "If-Modified-Since",
            OpenApiTypes.STR,
            OpenApiParameter.HEADER,
            description=(
                "The Last-Modified received earlier (an HTTP date): 304 Not Modified when the public content has not "
                "changed since. Ignored when If-None-Match is sent. If-Unmodified-Since is ignored (reads never "
                "answer 412)."
            ),
        ),
    ]


def response_headers() -> list[OpenApiParameter]:
    def header(name, description, codes=(200, 304)):
        return OpenApiParameter(
            name, OpenApiTypes.STR, OpenApiParameter.HEADER, description=description, response=list(codes)
        )

    return [
        header("ETag", "Validator of this exact representation (content and language)."),
        header(
            "Last-Modified",
            "When the public content last changed, as a whole: any change of a record, of the taxonomy, of the "
            "comuni and ambiti or of a page (an edit, a publication or unpublication, a deletion, an import) moves "
            "it on, for every endpoint. Never later than the time of the response.",
        ),
        header("Cache-Control", "public, max-age=…, stale-while-revalidate=…"),
        header("Vary", "Accept-Language"),
        header("Content-Language", "The language of the response."),
    ]


class PublicReadSchema(AutoSchema):
    """Describes a PublicReadMixin view: language, filters, conditional requests, caching, errors."""

    def get_override_parameters(self):
        parameters = [*language_parameters(), *conditional_parameters(), *response_headers()]
        get_params = getattr(self.view, "get_params", None)
        if get_params is not None and getattr(self.view, "action", None) == "list":
            parameters += [param.openapi() for param in get_params()]
        return parameters + list(super().get_override_parameters())

    def get_description(self):
        description = super().get_description() or ""
        if "Who may use it" not in description:
            description = f"{description}\n\n{WHO_MAY_USE}".strip()
        return description

    def get_tags(self):
        tags = getattr(self.view, "openapi_tags", None)
        return list(tags) if tags else super().get_tags()

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        media = "application/json"
        responses.setdefault(
            "304",
            {
                "description": "Not Modified: the representation matches If-None-Match (or, without it, nothing "
                "changed since If-Modified-Since).",
                "headers": self._get_response_headers_for_code("304", direction),
            },
        )
        responses.setdefault(
            "400",
            {
                "description": "A query parameter is unknown or has a value that cannot be used (lang included).",
                "content": {media: {"schema": VALIDATION_ERROR}},
            },
        )
        if "{" in self.path:
            responses.setdefault(
                "404",
                {"description": "No published record has this identifier.", "content": {media: {"schema": NOT_FOUND}}},
            )
        elif getattr(self.view, "pagination_class", None) is not None and self._is_list_view():
            responses.setdefault(
                "404",
                {"description": "The page number is past the last page.", "content": {media: {"schema": NOT_FOUND}}},
            )
        return responses


def _admin_prefix() -> str:
    try:
        return reverse("wagtailadmin_home")
    except NoReverseMatch:
        return "/admin/"


def public_endpoints_only(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: drop endpoints mounted under the Wagtail admin."""
    prefix = _admin_prefix()
    return [endpoint for endpoint in endpoints if not endpoint[0].startswith(prefix)]
