"""The public search page: ``/<lang>/search/``, server-rendered, in the language of the URL prefix.

Who may use it: anyone, without an account (the index holds only public records, never personal
data). The view parses the query string, calls search.queries (the same implementation as the
JSON API) and renders the results: facets as filters with counts, distances when the user shared
a position, pages, "did you mean", themes when nothing matches. Bad parameters give the page with
the errors explained (400); when the search engine does not answer, a page that says so (503 with
Retry-After) and offers browsing by ambito, which reads the database only.
"""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from cms.models import GuidelinePage
from search.documents import GUIDELINE, SERVICE
from search.parameters import DEFAULT_PAGE_SIZE, FACETS, InvalidSearch, SearchParams, parse_search_params
from search.queries import SearchPage, SearchUnavailable, search

from .selectors import ambiti_with_counts, public_guidelines

# Facet titles, in the order of search.parameters.FACETS; the facets open by default.
FACET_TITLES = {
    "type": _("Type of result"),
    "theme": _("Theme"),
    "target": _("For whom"),
    "ambito": _("Ambito"),
    "comune": _("Comune"),
    "spoken": _("Languages spoken"),
    "kind": _("Organisation"),
}
OPEN_FACETS = {"type", "theme"}
PAGE_WINDOW = 2  # page links shown on each side of the current page
POSITION_PARAMS = ("lat", "lon", "radius_km", "sort")
RADIUS_CHOICES = (2, 5, 10, 20, 50)


def params_query(params: SearchParams, **changes) -> list[tuple[str, str]]:
    """The canonical query string of ``params`` as pairs; ``changes`` replace (None removes) parameters."""
    values: dict[str, list[str]] = {"q": [params.q] if params.q else []}
    for facet in FACETS:
        values[facet.param] = list(getattr(params, facet.attribute))
    if params.point:
        values["lat"], values["lon"] = [f"{params.lat:g}"], [f"{params.lon:g}"]
    values["radius_km"] = [f"{params.radius_km:g}"] if params.radius_km else []
    values["sort"] = [params.sort] if params.sort != "relevance" else []
    values["page_size"] = [str(params.page_size)] if params.page_size != DEFAULT_PAGE_SIZE else []
    values["page"] = [str(params.page)] if params.page > 1 else []
    for key, value in changes.items():
        if value is None:
            values[key] = []
        elif isinstance(value, list | tuple):
            values[key] = [str(v) for v in value]
        else:
            values[key] = [str(value)]
    return [(key, value) for key, items in values.items() for value in items]


def search_url(params: SearchParams | None = None, **changes) -> str:
    base = reverse("public_search:search")
    query = urlencode(params_query(params or SearchParams(), **changes))
    return f"{base}?{query}" if query else base


@dataclass
class ResultLink:
    hit: object
    url: str | None
    organization_url: str | None


def _hit_links(request, page: SearchPage) -> list[ResultLink]:
    """Where each hit leads on this site (guideline URLs are read in one query)."""
    guideline_ids = [hit.id for hit in page.hits if hit.type == GUIDELINE]
    guidelines: dict[str, GuidelinePage] = {}
    if guideline_ids:
        guidelines = {str(p.pk): p for p in public_guidelines().filter(pk__in=guideline_ids)}
    links = []
    for hit in page.hits:
        if hit.type == SERVICE:
            url = reverse("public:service", args=[hit.id])
        elif hit.id in guidelines:
            url = guidelines[hit.id].get_url(request=request)
        else:
            url = None  # unpublished since it was indexed: shown without a link
        organization = hit.organization
        org_url = reverse("public:organization", args=[organization["id"]]) if organization else None
        links.append(ResultLink(hit=hit, url=url, organization_url=org_url))
    return links


def _pagination(page: SearchPage) -> dict:
    params, last = page.params, page.pages
    current = min(params.page, last)
    numbers = sorted({1, last, *range(max(1, current - PAGE_WINDOW), min(last, current + PAGE_WINDOW) + 1)})
    items, previous_number = [], 0
    for number in numbers:
        if number - previous_number > 1:
            items.append({"gap": True})
        url = search_url(params, page=number if number > 1 else None)
        items.append({"number": number, "url": url, "current": number == params.page})
        previous_number = number
    return {
        "items": items if last > 1 else [],
        "previous": search_url(params, page=params.page - 1 if params.page > 2 else None)
        if 1 < params.page <= last + 1
        else None,
        "next": search_url(params, page=params.page + 1) if params.page < last else None,
    }


def _facets(page: SearchPage) -> list[dict]:
    params = page.params
    facets = []
    for facet in FACETS:
        values = page.facets.get(facet.param, [])
        if not values:
            continue
        chosen = getattr(params, facet.attribute)
        facets.append(
            {
                "param": facet.param,
                "title": FACET_TITLES[facet.param],
                "values": values,
                "open": facet.param in OPEN_FACETS or bool(chosen),
            }
        )
    return facets


def _chips(page: SearchPage) -> list[dict]:
    """The chosen filters, each with the URL that removes it."""
    chips = []
    for facet in FACETS:
        chosen = getattr(page.params, facet.attribute)
        labels = {value.value: value.label for value in page.facets.get(facet.param, [])}
        for value in chosen:
            remaining = [v for v in chosen if v != value]
            chips.append(
                {
                    "title": FACET_TITLES[facet.param],
                    "label": labels.get(value, value),
                    "remove_url": search_url(page.params, **{facet.param: remaining, "page": None}),
                }
            )
    return chips


def _render(request, context: dict, status: int = 200, headers: dict | None = None):
    context.setdefault("radius_choices", RADIUS_CHOICES)
    response = render(request, "public_site/search_page.html", context, status=status)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


@require_safe
@cache_control(public=True, max_age=60)
def search_page(request):
    """Search services and guidelines. Who may use it: anyone."""
    language = request.LANGUAGE_CODE
    data = request.GET.copy()
    data["lang"] = language  # the page's language comes from the URL prefix
    try:
        params = parse_search_params(data, default_language=language)
    except InvalidSearch as invalid:
        return _render(
            request,
            {"errors": invalid.errors, "q": " ".join(str(request.GET.get("q", "")).split())[:200]},
            status=400,
        )
    try:
        page = search(params)
    except SearchUnavailable as unavailable:
        response = render(
            request,
            "public_site/search_unavailable.html",
            {"q": params.q, "ambiti": list(ambiti_with_counts())},
            status=503,
        )
        response["Retry-After"] = str(unavailable.retry_after)
        response["Cache-Control"] = "no-store"
        return response
    context = {
        "params": params,
        "q": params.q,
        "found": page,
        "results": _hit_links(request, page),
        "facets": _facets(page),
        "chips": _chips(page),
        "pagination": _pagination(page),
        "first_number": (params.page - 1) * params.page_size + 1,
        "did_you_mean_url": search_url(params, q=page.did_you_mean, page=None) if page.did_you_mean else None,
        "helplines": [
            {"line": line, "url": reverse("public:organization", args=[line.uuid])} for line in page.helplines
        ],
        "clear_position_url": search_url(params, **dict.fromkeys(POSITION_PARAMS), page=None) if params.point else None,
        "clear_filters_url": search_url(SearchParams(q=params.q)) if page.params.selected() else None,
        "theme_urls": [
            {"label": theme["label"], "url": search_url(theme=theme["code"])} for theme in page.suggested_themes
        ],
    }
    return _render(request, context)
