"""The Wagtail API v2 pages endpoint (guidelines, index and home pages) at /api/v2/pages/, with ``?lang=``.

Wagtail's stock endpoint follows ``Accept-Language`` through LocaleMiddleware but rejects
``?lang=`` (400). This endpoint accepts it (an unknown code is a 400), runs the whole request in
that language, sets ``Content-Language``, adds ``meta.fallback_fields`` (translated fields of
each page shown in Italian) and the caching headers of every public read. It is registered as the
router's only pages endpoint, so ``detail_url`` and ``find`` point to it.

Who may use it: anyone, without an account. It shows live pages without view restrictions only.
"""

from django.utils import translation
from django.utils.translation import gettext as _

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.serializers import PageSerializer
from wagtail.api.v2.utils import BadRequestError
from wagtail.api.v2.views import PagesAPIViewSet

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from modeltranslation.translator import NotRegistered, translator
from rest_framework.renderers import JSONRenderer

from .http import PublicReadMixin
from .languages import LANG_PARAMETER
from .openapi import PublicReadSchema
from .translated import fell_back

MAX_OFFSET = 10**9
MAX_PAGE_ID = 2**63 - 1  # the largest integer the databases store


def translated_fields_of(model) -> list[str]:
    try:
        return list(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return []


class LocalizedPageSerializer(PageSerializer):
    """Adds ``meta.fallback_fields``: the translated fields of the page, shown here, that fell back to Italian."""

    def to_representation(self, instance):
        data = super().to_representation(instance)
        meta = data.setdefault("meta", {})
        shown = set(data) | set(meta)
        language = translation.get_language()
        meta["fallback_fields"] = [
            name
            for name in translated_fields_of(type(instance))
            if name in shown and fell_back(instance, name, language)
        ]
        return data


# --- OpenAPI description (Wagtail builds its serializers per request, so they are described by hand) ---

PAGE_META = {
    "type": "object",
    "properties": {
        "type": {"type": "string", "example": "cms.GuidelinePage"},
        "detail_url": {"type": "string", "format": "uri"},
        "html_url": {"type": "string", "format": "uri", "nullable": True},
        "slug": {"type": "string", "description": "The slug in the response language."},
        "first_published_at": {"type": "string", "format": "date-time", "nullable": True},
        "fallback_fields": {
            "type": "array",
            "items": {"type": "string"},
            "description": "Translated fields shown here whose value is the Italian one (no translation).",
        },
    },
    "additionalProperties": True,
}
PAGE = {
    "type": "object",
    "description": (
        "A page. Listings show id, meta and title unless ?fields= asks for more; the detail shows every field "
        "of the page type (for cms.GuidelinePage: intro, body, themes, services)."
    ),
    "properties": {"id": {"type": "integer"}, "meta": PAGE_META, "title": {"type": "string"}},
    "required": ["id", "meta"],
    "additionalProperties": True,
}
PAGE_LISTING = {
    "type": "object",
    "properties": {
        "meta": {"type": "object", "properties": {"total_count": {"type": "integer"}}},
        "items": {"type": "array", "items": PAGE},
    },
    "required": ["meta", "items"],
}
WAGTAIL_ERROR = {"type": "object", "properties": {"message": {"type": "string"}}, "required": ["message"]}


def _query(name, description, type_=OpenApiTypes.STR):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


class PagesSchema(PublicReadSchema):
    def get_override_parameters(self):
        action = getattr(self.view, "action", None)
        parameters = list(super().get_override_parameters())
        if action in ("listing_view", "detail_view"):
            parameters.append(_query("fields", "Fields to show, e.g. *, or title,intro, or -title (Wagtail syntax)."))
        if action == "listing_view":
            parameters += [
                _query("type", "Page type, e.g. cms.GuidelinePage (needed to filter or order by its fields)."),
                _query("child_of", "Id of the parent page.", OpenApiTypes.INT),
                _query("descendant_of", "Id of an ancestor page.", OpenApiTypes.INT),
                _query("ancestor_of", "Id of a descendant page.", OpenApiTypes.INT),
                _query("order", "A field to sort by (- for descending), or random."),
                _query("search", "Words to search for."),
                _query("limit", "Pages per response (at most 100).", OpenApiTypes.INT),
                _query("offset", "Pages to skip.", OpenApiTypes.INT),
            ]
        if action == "find_view":
            parameters += [
                _query("html_path", "The path of the page on the site, e.g. /linee-guida/casa/."),
                _query("id", "The page id.", OpenApiTypes.INT),
            ]
        return parameters

    def get_response_serializers(self):
        action = getattr(self.view, "action", None)
        if action == "listing_view":
            return {200: PAGE_LISTING}
        if action == "detail_view":
            return {200: PAGE}
        return {302: None}

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ("400", "404"):
            if code in responses:
                responses[code]["content"] = {"application/json": {"schema": WAGTAIL_ERROR}}
        if getattr(self.view, "action", None) == "find_view":
            responses["302"] = {"description": "Redirect to the page's detail URL, keeping the other parameters."}
            responses.pop("304", None)
            responses["404"] = {
                "description": "No public page matches.",
                "content": {"application/json": {"schema": WAGTAIL_ERROR}},
            }
        elif getattr(self.view, "action", None) == "listing_view":
            responses.pop("404", None)
        return responses

    def get_operation_id(self):
        return {"listing_view": "pages_list", "detail_view": "pages_retrieve", "find_view": "pages_find"}.get(
            getattr(self.view, "action", None), super().get_operation_id()
        )


class LocalizedPagesAPIViewSet(PublicReadMixin, PagesAPIViewSet):
    """Pages of the site (home, guidelines index, guidelines) in one language, with fallback to Italian.

    Who may use it: anyone, without an account. Only live pages without view restrictions are shown.
    """

    base_serializer_class = LocalizedPageSerializer
    renderer_classes = [JSONRenderer]
    known_query_parameters = PagesAPIViewSet.known_query_parameters.union([LANG_PARAMETER])
    schema = PagesSchema()
    openapi_tags = ["pages"]

    def language_error_exception(self, error):
        return BadRequestError(error.message)

    def paginate_queryset(self, queryset):
        """Wagtail's paging, with a bound on ``offset`` (a huge one overflows the database's integers)."""
        try:
            too_far = int(self.request.GET.get("offset", 0)) > MAX_OFFSET
        except ValueError:
            too_far = False  # Wagtail answers "offset must be a positive integer"
        if too_far:
            raise BadRequestError(_("offset cannot be higher than %(max)s.") % {"max": MAX_OFFSET})
        return super().paginate_queryset(queryset)

    def find_object(self, queryset, request):
        """Wagtail's lookup by ``html_path`` or ``id``; an ``id`` that is not a page id is a 400, not a 500."""
        page_id = request.GET.get("id")
        if page_id is not None:
            if not (page_id.isascii() and page_id.isdigit()):
                raise BadRequestError(_("id must be a page id: a positive whole number."))
            if int(page_id) > MAX_PAGE_ID:
                raise self.model.DoesNotExist  # no page has it: 404
        return super().find_object(queryset, request)


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", LocalizedPagesAPIViewSet)

__all__ = ["LocalizedPagesAPIViewSet", "api_router"]
