"""The public search: the Elasticsearch query, facets, suggestions, "did you mean".

One implementation serves the JSON API (search/api.py) and the public site's search page (the
parameters are parsed in search/parameters.py):

    params = parse_search_params(request.GET, default_language=request.LANGUAGE_CODE)  # InvalidSearch
    page = search(params)                                                              # SearchUnavailable
    items = suggest(q="cas", lang="it")

``build_search_body(params)`` returns the exact request body sent to the engine (the benchmark
sends it directly to measure the API's own overhead).

How a query is answered:

- text: the requested language's fields (``name.<lang>`` above ``body.<lang>``) and the folded
  fields of every language (accents and case ignored), with fuzziness AUTO and a boost for the
  words as a phrase; documents with no translation in that language are searched in Italian;
- filters: facet values combine with OR inside a facet and with AND across facets; they are
  applied as a ``post_filter`` so that each facet's counts ignore that facet's own selection;
- several words: results with all the words come first, then those with all words but one
  (``relaxed_text_query``); the page says how many have all of them (``all_words_total``);
- place: with text and ``lat``/``lon``, a first small request finds the best text score; results
  scoring less than ``SEARCH_RELEVANCE_FLOOR`` (0.3) of it are left out (when the best result has all
  the words, results without them are left out too); a Gaussian decay on distance (1 within 1 km, half
  at 10 km) then adds up to ``SEARCH_DISTANCE_WEIGHT`` (0.5) of the best text score, and
  ``sort=distance`` sorts the results above the floor by distance alone. ``radius_km`` filters by
  distance; a chosen comune boosts the services with an office there above those that merely cover it;
- the engine is asked once per search (twice with text and a position), with
  ``SEARCH_TIMEOUT_SECONDS``: when it does not answer in time or at all, ``SearchUnavailable`` is
  raised (the API answers 503).
"""

import html
import logging
import math
from dataclasses import dataclass, field

from django.conf import settings

from elastic_transport import TransportError
from elasticsearch import ApiError, BadRequestError

from .analyzers import NORMALISED_SUBFIELDS
from .client import get_client
from .documents import COMUNE, DOCUMENTS, SEARCHABLE_TYPES, SERVICE, SUGGESTED_TYPES, THEME
from .helplines import Helpline, network_helplines
from .index import alias_name
from .labels import facet_labels
from .parameters import FACETS, FACETS_BY_PARAM, Facet, SearchParams

logger = logging.getLogger(__name__)

MAX_RESULT_WINDOW = 10_000
SNIPPET_LENGTH = 160
RETRY_AFTER_SECONDS = 30
HIGHLIGHT_TAGS = ("<mark>", "</mark>")
# Relaxed matching: every word (up to 3; 75% of longer queries) first, then all words but one.
ALL_WORDS_MINIMUM = "3<75%"
MOST_WORDS_MINIMUM = "1<-1"
ALL_WORDS = "all_words"
ALL_WORDS_BONUS = 1000.0


class SearchUnavailable(Exception):
    """The search engine did not answer in time (or at all)."""

    retry_after = RETRY_AFTER_SECONDS


# --- The request body ----------------------------------------------------------------------


FOLDED_FIELDS = ["name_folded^2", "text_folded"]


def _text_fields(language: str) -> list[str]:
    fields = [f"name.{language}^3", f"body.{language}", f"topics.{language}^0.5"]
    if language in NORMALISED_SUBFIELDS:  # Arabic without article, hamza forms, taa marbuta (search/analyzers.py)
        return fields + [f"name.{language}.folded^3", f"body.{language}.folded", f"topics.{language}.folded^0.5"]
    return fields + FOLDED_FIELDS


def _text_clause(q: str, language: str, minimum: str) -> dict:
    should = [
        {
            "multi_match": {
                "query": q,
                "type": "best_fields",
                "fields": _text_fields(language),
                "fuzziness": "AUTO",
                "prefix_length": 1,
                "max_expansions": 20,
                "minimum_should_match": minimum,
                "tie_breaker": 0.3,
            }
        },
        {
            "multi_match": {
                "query": q,
                "type": "phrase",
                "fields": [f"name.{language}^4", f"body.{language}^2"],
                "slop": 2,
                "boost": 2,
            }
        },
    ]
    if language in NORMALISED_SUBFIELDS:
        # The folded fields of every language keep the Arabic article: typos there would find
        # other words behind the same article ("النساء", the women, ~ "الحساب", the account), so
        # they match exact words only (names of organisations and comuni typed in a query).
        exact = {"query": q, "type": "best_fields", "fields": FOLDED_FIELDS, "minimum_should_match": minimum}
        should.append({"multi_match": exact})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def text_query(q: str, language: str, minimum: str = ALL_WORDS_MINIMUM) -> dict:
    """The requested language; and Italian for the documents that have no translation in it."""
    clause = _text_clause(q, language, minimum)
    if language == settings.LANGUAGE_CODE:
        return clause
    untranslated_in_italian = {
        "bool": {
            "must": [_text_clause(q, settings.LANGUAGE_CODE, minimum)],
            "must_not": [{"term": {"translated": language}}],
        }
    }
    return {"bool": {"should": [clause, untranslated_in_italian], "minimum_should_match": 1}}


def relaxes(q: str) -> bool:
    """Whether ``q`` has several words, so that "most of them" differs from "all of them"."""
    return len(q.split()) > 1


def relaxed_text_query(q: str, language: str) -> dict:
    """Documents with all the words first (a constant bonus far above any text score), then those
    with all words but one; a one-word query is just ``text_query``."""
    if not relaxes(q):
        return text_query(q, language)
    all_words = {"constant_score": {"filter": text_query(q, language), "boost": ALL_WORDS_BONUS, "_name": ALL_WORDS}}
    return {"bool": {"should": [all_words, text_query(q, language, MOST_WORDS_MINIMUM)], "minimum_should_match": 1}}


def best_text_score(params: SearchParams) -> float | None:
    """The score of the best text match under the filters (one small request), or None without text."""
    if not params.q:
        return None
    body = {
        "size": 1,
        "_source": False,
        "track_total_hits": False,
        "query": {"bool": {"must": [relaxed_text_query(params.q, params.lang)], "filter": _filters(params)}},
    }
    if params.selected():
        body["post_filter"] = _selection_filter(params)
    hits = run_search_request(body)["hits"]["hits"]
    return hits[0]["_score"] if hits else None


def _facet_filter(facet: Facet, values) -> dict:
    return {"terms": {facet.field: list(values)}}


def _filters(params: SearchParams) -> list[dict]:
    filters = [{"terms": {"doc_type": list(SEARCHABLE_TYPES)}}]
    if params.point and params.radius_km:
        filters.append({"geo_distance": {"distance": f"{params.radius_km}km", "locations.point": params.point}})
    return filters


def _selection_filter(params: SearchParams) -> dict:
    selected = {FACETS_BY_PARAM[param]: values for param, values in params.selected().items()}
    return {"bool": {"filter": [_facet_filter(f, values) for f, values in selected.items()]}}


def build_search_body(params: SearchParams, *, best_score: float | None = None) -> dict:
    """The search request body for ``params`` (the index is the read alias).

    With a position and text, ``best_score`` (``best_text_score(params)``) sets the relevance floor
    and the weight of distance: see ``_near``.
    """
    language, italian = params.lang, settings.LANGUAGE_CODE
    should = []
    if params.comuni:
        should.append({"terms": {"located_in": list(params.comuni), "boost": 0.5}})
    text = relaxed_text_query(params.q, language) if params.q else {"match_all": {}}
    text_best = None
    if params.point and params.q and best_score:
        # The floor: a share of the best text score; when the best result has all the words, only
        # results with all the words can pass it.
        base = ALL_WORDS_BONUS if best_score >= ALL_WORDS_BONUS else 0.0
        text_best = best_score - base
        floor = base + settings.SEARCH_RELEVANCE_FLOOR * text_best
        text = {"function_score": {"query": text, "min_score": floor}}
    query = {"bool": {"must": [text], "filter": _filters(params), "should": should}}
    if params.point and params.sort == "relevance":
        query = _near(query, params, text_best)

    selected = {FACETS_BY_PARAM[param]: values for param, values in params.selected().items()}
    aggs = {}
    for facet in FACETS:
        others = [_facet_filter(other, values) for other, values in selected.items() if other is not facet]
        aggs[facet.param] = {
            "filter": {"bool": {"filter": others}},
            "aggs": {"values": {"terms": {"field": facet.field, "size": facet.size}}},
        }

    start = (params.page - 1) * params.page_size
    size = params.page_size if start + params.page_size <= MAX_RESULT_WINDOW else 0
    source = ["doc_type", "record_id", "uuid", "translated", "organization", "locations.comune_name", "locations.point"]
    source += ["is_sample", "assured_date", "themes", f"name.{language}", f"name.{italian}"]
    source += [f"body.{language}", f"body.{italian}"]
    body = {
        "query": query,
        "aggs": aggs,
        "from": start if size else 0,
        "size": size,
        "track_total_hits": True,
        "_source": sorted(set(source)),
    }
    if selected:
        body["post_filter"] = _selection_filter(params)
    if params.q and relaxes(params.q):
        # How many results have all the words (under the same selection as the hits).
        chosen = [body["post_filter"]] if selected else []
        body["aggs"][ALL_WORDS] = {"filter": {"bool": {"filter": [text_query(params.q, language), *chosen]}}}
    if params.sort == "distance":
        body["sort"] = [
            {"_geo_distance": {"locations.point": params.point, "order": "asc", "unit": "km", "mode": "min"}},
            {"_score": {"order": "desc"}},
            {"record_id": {"order": "asc"}},
        ]
    else:
        body["sort"] = [
            {"_score": {"order": "desc"}},
            {f"title_sort.{language}": {"order": "asc", "missing": "_last"}},
            {"record_id": {"order": "asc"}},
        ]
    if params.q:
        text_fields = {f"name.{language}": {"number_of_fragments": 0}}
        text_fields[f"body.{language}"] = {
            "fragment_size": SNIPPET_LENGTH,
            "number_of_fragments": 1,
            "no_match_size": SNIPPET_LENGTH,
        }
        if language != italian:
            text_fields[f"name.{italian}"] = text_fields[f"name.{language}"]
            text_fields[f"body.{italian}"] = text_fields[f"body.{language}"]
        body["highlight"] = {
            "encoder": "html",
            "pre_tags": [HIGHLIGHT_TAGS[0]],
            "post_tags": [HIGHLIGHT_TAGS[1]],
            "fields": text_fields,
        }
        body["suggest"] = {
            "text": params.q,
            "did_you_mean": {
                "term": {"field": "text_folded", "suggest_mode": "missing", "sort": "score", "min_word_length": 3}
            },
        }
    return body


def _near(query: dict, params: SearchParams, text_best: float | None) -> dict:
    """Relevance and distance blended: a Gaussian decay on the distance to the nearest location (1
    within 1 km, half at 10 km) adds up to ``SEARCH_DISTANCE_WEIGHT`` times the best text score.
    Without text the weight applies to the score of 1 that every document has."""
    weight = settings.SEARCH_DISTANCE_WEIGHT * (text_best or 1.0)
    return {
        "function_score": {
            "query": query,
            "functions": [
                {
                    "gauss": {
                        "locations.point": {"origin": params.point, "scale": "10km", "offset": "1km"},
                        "multi_value_mode": "min",
                    },
                    "weight": weight,
                }
            ],
            "score_mode": "sum",
            "boost_mode": "sum",
        }
    }


# --- Running it ----------------------------------------------------------------------------


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    type: str
    id: str  # the identifier in the record's own API: a service's UUID, a page's id
    title: str
    title_highlighted: str  # HTML: the title escaped, with <mark> around matched words
    snippet: str  # HTML: an escaped passage of the text, with <mark> around matched words
    language: str  # the language of the title (Italian when there is no translation)
    organization: dict | None
    comuni: list[str]
    distance_km: float | None
    api_path: str | None
    themes: list[str]
    is_sample: bool
    snippet_language: str = ""  # the snippet's: Italian when the body is not translated, even if the title is
    assured_date: str | None = None  # services: the day the record was last verified (ISO 8601)


@dataclass
class SearchPage:
    params: SearchParams
    total: int
    hits: list[Hit]
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None = None
    suggested_themes: list[dict] = field(default_factory=list)
    helplines: list[Helpline] = field(default_factory=list)  # when nothing was found
    # Several words, not all found together: how many results have all of them (None: one word).
    all_words_total: int | None = None

    @property
    def matched(self) -> str:
        """ "all": every result has all the words; "some": at least some results have only most of them."""
        if self.all_words_total is None or self.all_words_total >= self.total:
            return "all"
        return "some"

    @property
    def pages(self) -> int:
        return max(1, math.ceil(min(self.total, MAX_RESULT_WINDOW) / self.params.page_size))


def run_search_request(body: dict, *, index: str | None = None) -> dict:
    """Sends one search request with the query timeout; raises SearchUnavailable on any engine failure."""
    client = get_client().options(request_timeout=settings.SEARCH_TIMEOUT_SECONDS)
    try:
        return client.search(index=index or alias_name(), body=body).body
    except BadRequestError as error:  # a query this code built was refused: a bug, not an outage
        logger.error("search request refused by the engine: %s", error)
        raise SearchUnavailable(str(error)) from error
    except (TransportError, ApiError) as error:
        logger.warning("search engine unavailable: %s: %s", type(error).__name__, error)
        raise SearchUnavailable(str(error)) from error


def search(params: SearchParams) -> SearchPage:
    best_score = best_text_score(params) if params.point and params.q else None
    response = run_search_request(build_search_body(params, best_score=best_score))
    labels = facet_labels(params.lang)
    total = response["hits"]["total"]["value"]
    hits = [_hit(raw, params) for raw in response["hits"]["hits"]]
    aggregations = response.get("aggregations", {})
    page = SearchPage(params=params, total=total, hits=hits, facets=_facets(aggregations, params, labels))
    if ALL_WORDS in aggregations:
        page.all_words_total = aggregations[ALL_WORDS]["doc_count"]
    if total == 0 or page.matched == "some":
        page.did_you_mean = did_you_mean(params.q, response.get("suggest", {}).get("did_you_mean", []))
    if total == 0:
        page.suggested_themes = [{"code": code, "label": label} for code, label in labels["theme"].items()]
        page.helplines = network_helplines()
    return page


def _facets(aggregations: dict, params: SearchParams, labels) -> dict[str, list[FacetValue]]:
    facets = {}
    selected = params.selected()
    for facet in FACETS:
        chosen = set(selected.get(facet.param, ()))
        buckets = aggregations.get(facet.param, {}).get("values", {}).get("buckets", [])
        counts = {bucket["key"]: bucket["doc_count"] for bucket in buckets}
        names = labels[facet.param]
        values = [
            FacetValue(value=key, label=names.get(key, key), count=count, selected=key in chosen)
            for key, count in counts.items()
            if key in names
        ]
        values += [FacetValue(value=key, label=names[key], count=0, selected=True) for key in chosen - counts.keys()]
        values.sort(key=lambda v: (-v.count, v.label.casefold()))
        facets[facet.param] = values
    return facets


def _hit(raw: dict, params: SearchParams) -> Hit:
    source, highlight = raw["_source"], raw.get("highlight", {})
    language, italian = params.lang, settings.LANGUAGE_CODE
    shown = language if language in source.get("translated", []) else italian
    title = source.get("name", {}).get(shown) or source.get("name", {}).get(italian, "")
    title_highlighted = (highlight.get(f"name.{shown}") or [html.escape(title)])[0]
    snippet_language = shown if source.get("body", {}).get(shown) else italian
    body = source.get("body", {}).get(snippet_language, "")
    snippet = (highlight.get(f"body.{snippet_language}") or [html.escape(_shorten(body))])[0]
    locations = source.get("locations", [])
    comuni = list(dict.fromkeys(loc["comune_name"] for loc in locations if loc.get("comune_name")))
    distance = None
    if params.point and locations:
        if params.sort == "distance" and raw.get("sort"):
            distance = raw["sort"][0]
        else:
            distance = min(
                haversine_km(params.lat, params.lon, loc["point"]["lat"], loc["point"]["lon"])
                for loc in locations
                if loc.get("point")
            )
        distance = round(distance, 1) if distance is not None and math.isfinite(distance) else None
    organization = source.get("organization")
    document = DOCUMENTS[source["doc_type"]]
    return Hit(
        type=source["doc_type"],
        id=document.public_id(source),
        title=title,
        title_highlighted=title_highlighted,
        snippet=snippet,
        language=shown,
        snippet_language=snippet_language,
        organization=organization,
        comuni=comuni,
        distance_km=distance,
        api_path=document.api_path(source),
        themes=source.get("themes", []),
        is_sample=bool(source.get("is_sample", False)),
        assured_date=source.get("assured_date"),
    )


def _shorten(text: str, length: int = SNIPPET_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    cut = text[:length].rsplit(" ", 1)[0]
    return f"{cut}…"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    radius = 6371.0088
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * radius * math.asin(math.sqrt(a))


def did_you_mean(q: str, entries: list[dict]) -> str | None:
    """The query with each unknown word replaced by the engine's best correction, or None."""
    corrected, changed = q, False
    for entry in sorted(entries, key=lambda e: e["offset"], reverse=True):
        if not entry.get("options"):
            continue
        start, end = entry["offset"], entry["offset"] + entry["length"]
        corrected = corrected[:start] + entry["options"][0]["text"] + corrected[end:]
        changed = True
    return corrected if changed and corrected.casefold() != q.casefold() else None


# --- Suggestions ---------------------------------------------------------------------------


@dataclass
class Suggestion:
    type: str  # "theme", "comune" or "service"
    text: str
    value: str  # theme code, comune slug or service UUID
    api_path: str | None  # the service's record (services only)


SUGGESTIONS_PER_TYPE = {THEME: 3, COMUNE: 3, SERVICE: 5}
MIN_SUGGEST_LENGTH = 2


def build_suggest_body(q: str, language: str) -> dict:
    field_name = f"autocomplete.{language}"
    return {
        "size": 0,
        "query": {
            "bool": {
                "filter": [{"terms": {"doc_type": list(SUGGESTED_TYPES)}}],
                "should": [
                    {"match": {field_name: {"query": q, "operator": "and", "boost": 2}}},
                    {"match": {field_name: {"query": q, "operator": "and", "fuzziness": "AUTO", "prefix_length": 1}}},
                ],
                "minimum_should_match": 1,
            }
        },
        "aggs": {
            "types": {
                "terms": {"field": "doc_type", "size": len(SUGGESTED_TYPES)},
                "aggs": {
                    "top": {
                        "top_hits": {
                            "size": max(SUGGESTIONS_PER_TYPE.values()),
                            "_source": [
                                "doc_type",
                                "record_id",
                                "uuid",
                                "themes",
                                "comuni",
                                f"autocomplete.{language}",
                                f"autocomplete.{settings.LANGUAGE_CODE}",
                            ],
                        }
                    }
                },
            }
        },
    }


def suggest(*, q: str, lang: str) -> list[Suggestion]:
    """Themes, comuni and service names that start like ``q`` (folded, typos tolerated)."""
    q = " ".join((q or "").split())
    if len(q) < MIN_SUGGEST_LENGTH:
        return []
    response = run_search_request(build_suggest_body(q, lang))
    by_type = {
        bucket["key"]: bucket["top"]["hits"]["hits"]
        for bucket in response.get("aggregations", {}).get("types", {}).get("buckets", [])
    }
    suggestions = []
    for doc_type, limit in SUGGESTIONS_PER_TYPE.items():
        for raw in by_type.get(doc_type, [])[:limit]:
            source = raw["_source"]
            names = source.get("autocomplete", {})
            text = names.get(lang) or names.get(settings.LANGUAGE_CODE, "")
            if doc_type == THEME:
                value, api_path = source["themes"][0], None
            elif doc_type == COMUNE:
                value, api_path = source["comuni"][0], None
            else:
                value, api_path = DOCUMENTS[SERVICE].public_id(source), DOCUMENTS[SERVICE].api_path(source)
            suggestions.append(Suggestion(type=doc_type, text=text, value=value, api_path=api_path))
    return suggestions
