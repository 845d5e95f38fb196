"""The public search API: ``GET /api/search/`` and ``GET /api/search/suggest/``.

Who may use it: anyone, without an account (the index holds only published directory records
and guidelines, never personal data). The views only parse, call search/queries.py and serialise.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cms.api.languages import language_from_header

from .parameters import (
    MAX_PAGE_SIZE,
    MAX_QUERY_LENGTH,
    MAX_RADIUS_KM,
    MIN_RADIUS_KM,
    SORTS,
    InvalidSearch,
    language_codes,
    parse_search_params,
)
from .queries import SearchPage, SearchUnavailable, search, suggest
from .serializers import (
    SearchErrorSerializer,
    SearchResponseSerializer,
    SearchUnavailableSerializer,
    SuggestResponseSerializer,
)

PUBLIC_CACHE = "public, max-age=60"
WHO = "Who may use it: anyone, no account needed. The index holds no personal data."


def _parameters(*names):
    available = {
        "q": OpenApiParameter(
            "q", str, description=f"Search text, at most {MAX_QUERY_LENGTH} characters; empty lists everything."
        ),
        "lang": OpenApiParameter(
            "lang",
            str,
            enum=language_codes(),
            description="Language of the query and of the results (default: Accept-Language, then Italian).",
        ),
        "type": OpenApiParameter("type", str, many=True, enum=["service", "guideline"], description="Document type."),
        "theme": OpenApiParameter("theme", str, many=True, description="Theme code, e.g. housing."),
        "target": OpenApiParameter("target", str, many=True, description="Target group code, e.g. families."),
        "ambito": OpenApiParameter("ambito", str, many=True, description="Ambito slug, e.g. lecco."),
        "comune": OpenApiParameter(
            "comune",
            str,
            many=True,
            description="Comune slug, e.g. vimercate: services with an office there or covering it.",
        ),
        "spoken": OpenApiParameter("spoken", str, many=True, description="ISO 639 code of a language spoken."),
        "kind": OpenApiParameter("kind", str, many=True, description="Organisation kind, e.g. volunteer_association."),
        "lat": OpenApiParameter("lat", float, description="Latitude of the user (decimal degrees), with lon."),
        "lon": OpenApiParameter("lon", float, description="Longitude of the user (decimal degrees), with lat."),
        "radius_km": OpenApiParameter(
            "radius_km", float, description=f"Only results within this distance ({MIN_RADIUS_KM}–{MAX_RADIUS_KM:g} km)."
        ),
        "sort": OpenApiParameter("sort", str, enum=list(SORTS), description="relevance (default) or distance."),
        "page": OpenApiParameter("page", int, description="From 1; a page past the end is empty, never an error."),
        "page_size": OpenApiParameter("page_size", int, description=f"1–{MAX_PAGE_SIZE}, default 10."),
    }
    return [available[name] for name in names]


def public_schema(*, operation_id, summary, description, parameters, response):
    """The OpenAPI description shared by the public search endpoints (anonymous; 400 and 503 documented)."""
    return extend_schema(
        operation_id=operation_id,
        summary=summary,
        description=f"{WHO}\n\n{description}",
        parameters=parameters,
        responses={
            200: response,
            400: OpenApiResponse(SearchErrorSerializer, description="Bad parameters, with a message for each."),
            503: OpenApiResponse(SearchUnavailableSerializer, description="The search engine is unavailable."),
        },
        auth=[],
        tags=["search"],
    )


# --- Views ---------------------------------------------------------------------------------


class PublicSearchView(APIView):
    """Base of the public search endpoints: anyone may use them; answers in the requested language."""

    permission_classes = [AllowAny]
    authentication_classes = []

    def message_language(self, request) -> str:
        requested = request.query_params.get("lang", "").strip().lower()
        return requested if requested in language_codes() else self.default_language(request)

    @staticmethod
    def default_language(request) -> str:
        """From Accept-Language only (not the language cookie): answers are cached by CDNs, which
        vary them by that header alone."""
        return language_from_header(request.headers.get("Accept-Language", "")) or settings.LANGUAGE_CODE

    def get(self, request):
        language = self.message_language(request)
        with translation.override(language):
            try:
                return self.answer(request)
            except InvalidSearch as invalid:
                response = Response({"detail": str(invalid), "errors": invalid.errors}, status=400)
            except SearchUnavailable as unavailable:
                response = Response(
                    {
                        "detail": _("Search is unavailable for a moment. Please try again in a minute."),
                        "retry_after": unavailable.retry_after,
                    },
                    status=503,
                    headers={"Retry-After": str(unavailable.retry_after)},
                )
            response["Cache-Control"] = "no-store"
            response["Content-Language"] = language
            return response

    def respond(self, data, language):
        response = Response(data)
        response["Cache-Control"] = PUBLIC_CACHE
        response["Content-Language"] = language
        response["Vary"] = "Accept-Language"
        return response

    def search_url(self, request, **params) -> str:
        return request.build_absolute_uri(f"{reverse('search:search')}?{urlencode(params)}")


class SearchView(PublicSearchView):
    """Full-text search of the service directory and the guidelines, in any configured language.

    Searches the requested language (and Italian where a record has no translation) with typo
    tolerance; returns highlighted hits, facet counts (each facet ignoring its own selection), the
    total, and distances when a position is given. Filters combine with AND across facets and
    with OR inside one. When nothing matches: a "did you mean" and the list of themes. When the
    search engine is down: 503 with Retry-After, within two seconds.
    """

    @public_schema(
        operation_id="search",
        summary="Search services and guidelines",
        description=__doc__,
        parameters=_parameters(
            "q",
            "lang",
            "type",
            "theme",
            "target",
            "ambito",
            "comune",
            "spoken",
            "kind",
            "lat",
            "lon",
            "radius_km",
            "sort",
            "page",
            "page_size",
        ),
        response=SearchResponseSerializer,
    )
    def get(self, request):
        return super().get(request)

    def answer(self, request):
        params = parse_search_params(request.query_params, default_language=self.default_language(request))
        page = search(params)
        return self.respond(self.serialize(request, page), params.lang)

    def serialize(self, request, page: SearchPage) -> dict:
        params = page.params

        def page_url(number):
            query = request.query_params.copy()
            query["page"] = str(number)
            return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

        return {
            "q": params.q,
            "lang": params.lang,
            "total": page.total,
            "page": params.page,
            "page_size": params.page_size,
            "pages": page.pages,
            "next": page_url(params.page + 1) if params.page < page.pages else None,
            "previous": page_url(min(params.page - 1, page.pages)) if params.page > 1 else None,
            "results": [
                {
                    "type": hit.type,
                    "id": hit.id,
                    "title": hit.title,
                    "title_highlighted": hit.title_highlighted,
                    "snippet": hit.snippet,
                    "language": hit.language,
                    "snippet_language": hit.snippet_language,
                    "organization": hit.organization
                    and hit.organization
                    | {"url": request.build_absolute_uri(f"/api/directory/organizations/{hit.organization['id']}/")},
                    "comuni": hit.comuni,
                    "distance_km": hit.distance_km,
                    "url": request.build_absolute_uri(hit.api_path) if hit.api_path else None,
                    "themes": hit.themes,
                    "is_sample": hit.is_sample,
                    "assured_date": hit.assured_date,
                }
                for hit in page.hits
            ],
            "facets": {name: [vars(value) for value in values] for name, values in page.facets.items()},
            "matched": page.matched,
            "all_words_total": page.all_words_total,
            "did_you_mean": page.did_you_mean,
            "helplines": [
                vars(line) | {"url": request.build_absolute_uri(f"/api/directory/organizations/{line.uuid}/")}
                for line in page.helplines
            ],
            "suggested_themes": [
                theme | {"url": self.search_url(request, theme=theme["code"], lang=params.lang)}
                for theme in page.suggested_themes
            ],
        }


class SuggestView(PublicSearchView):
    """Autocomplete for the search box: themes, comuni and service names that start like the text typed.

    Accents and case are ignored and small typos tolerated. Fewer than two characters give an
    empty list. When the search engine is down: 503 with Retry-After, within two seconds.
    """

    @public_schema(
        operation_id="search_suggest",
        summary="Suggestions while typing",
        description=__doc__,
        parameters=_parameters("q", "lang"),
        response=SuggestResponseSerializer,
    )
    def get(self, request):
        return super().get(request)

    def answer(self, request):
        params = parse_search_params(
            {"q": request.query_params.get("q", ""), "lang": request.query_params.get("lang", "")},
            default_language=self.default_language(request),
        )
        items = suggest(q=params.q, lang=params.lang)
        data = {
            "q": params.q,
            "lang": params.lang,
            "suggestions": [
                {
                    "type": item.type,
                    "text": item.text,
                    "value": item.value,
                    "url": request.build_absolute_uri(item.api_path)
                    if item.api_path
                    else self.search_url(request, **{item.type: item.value, "lang": params.lang}),
                }
                for item in items
            ],
        }
        return self.respond(data, params.lang)
