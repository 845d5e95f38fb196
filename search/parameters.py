"""The parameters of the public search: what a client may ask, parsed and checked once.

``parse_search_params(request.GET, default_language=request.LANGUAGE_CODE)`` returns ``SearchParams``
or raises ``InvalidSearch`` with messages a person understands, by parameter. The query body built
from them is in ``search/queries.py``.
"""

import math
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from cms.api.numbers import whole_number

from .labels import facet_labels

MAX_QUERY_LENGTH = 200
MAX_RADIUS_KM = 100.0
MIN_RADIUS_KM = 0.1
DEFAULT_PAGE_SIZE = 10
MAX_PAGE_SIZE = 50
MAX_FILTER_VALUES = 20
SORTS = ("relevance", "distance")


@dataclass(frozen=True)
class Facet:
    param: str  # query parameter and facet name in responses
    attribute: str  # attribute of SearchParams
    field: str  # keyword field of the index
    size: int  # how many values to count


FACETS = (
    Facet("type", "types", "doc_type", 5),
    Facet("theme", "themes", "themes", 50),
    Facet("target", "targets", "target_groups", 50),
    Facet("ambito", "ambiti", "ambiti", 20),
    Facet("comune", "comuni", "comuni", 200),
    Facet("spoken", "spoken", "languages_spoken", 100),
    Facet("kind", "kinds", "organization.kind", 20),
)
FACETS_BY_PARAM = {facet.param: facet for facet in FACETS}


class InvalidSearch(ValueError):
    """Bad parameters: ``errors`` maps each parameter to messages a person understands."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = errors
        super().__init__("; ".join(message for messages in errors.values() for message in messages))


@dataclass(frozen=True)
class SearchParams:
    q: str = ""
    lang: str = "it"
    types: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    targets: tuple[str, ...] = ()
    ambiti: tuple[str, ...] = ()
    comuni: tuple[str, ...] = ()
    spoken: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = DEFAULT_PAGE_SIZE

    @property
    def point(self) -> dict | None:
        return None if self.lat is None else {"lat": self.lat, "lon": self.lon}

    def selected(self) -> dict[str, tuple[str, ...]]:
        return {facet.param: getattr(self, facet.attribute) for facet in FACETS if getattr(self, facet.attribute)}


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def _values(data, name: str) -> list[str]:
    """Repeated (``theme=a&theme=b``) or comma-separated (``theme=a,b``) values."""
    raw = data.getlist(name) if hasattr(data, "getlist") else ([data[name]] if data.get(name) else [])
    values = []
    for item in raw:
        values += [part.strip() for part in str(item).split(",") if part.strip()]
    return list(dict.fromkeys(values))


def _number(text: str | None) -> float | None:
    if text is None or str(text).strip() == "":
        return None
    value = float(str(text).strip())  # ValueError on garbage
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def parse_search_params(data, *, default_language: str | None = None) -> SearchParams:
    """Validates query parameters (a QueryDict or a dict) into SearchParams, or raises InvalidSearch."""
    errors: dict[str, list[str]] = {}

    def error(name, message):
        errors.setdefault(name, []).append(message)

    q = " ".join(str(data.get("q") or "").split())
    if len(q) > MAX_QUERY_LENGTH:
        error(
            "q",
            _("The search text is too long: at most %(max)d characters, this one has %(count)d.")
            % {"max": MAX_QUERY_LENGTH, "count": len(q)},
        )

    codes = language_codes()
    lang = (data.get("lang") or "").strip().lower() or default_language or settings.LANGUAGE_CODE
    if lang not in codes:
        fallback = (default_language or "").split("-")[0]
        if not data.get("lang") and fallback in codes:
            lang = fallback
        elif not data.get("lang"):
            lang = settings.LANGUAGE_CODE
        else:
            error(
                "lang",
                _("Unknown language “%(code)s”. Use one of: %(codes)s.") % {"code": lang, "codes": ", ".join(codes)},
            )
            lang = settings.LANGUAGE_CODE

    labels = facet_labels(lang)
    filters = {}
    for facet in FACETS:
        values = _values(data, facet.param)
        if len(values) > MAX_FILTER_VALUES:
            error(facet.param, _("Choose at most %(max)d values.") % {"max": MAX_FILTER_VALUES})
        unknown = [value for value in values if value not in labels[facet.param]]
        if unknown:
            error(
                facet.param,
                _("Unknown value “%(value)s” for “%(param)s”. Use the values listed in the facets of a search.")
                % {"value": unknown[0][:50], "param": facet.param},
            )
        filters[facet.attribute] = tuple(values)

    lat = lon = radius = None
    try:
        lat, lon = _number(data.get("lat")), _number(data.get("lon"))
    except ValueError:
        error("lat", _("Malformed coordinates: give lat and lon as decimal degrees, e.g. lat=45.85&lon=9.39."))
    else:
        if (lat is None) != (lon is None):
            error("lat", _("Give both lat and lon, or neither."))
            lat = lon = None
        elif lat is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            error("lat", _("Coordinates out of range: lat goes from -90 to 90 and lon from -180 to 180."))
            lat = lon = None
    try:
        radius = _number(data.get("radius_km"))
    except ValueError:
        error("radius_km", _("The radius must be a number of kilometres, e.g. radius_km=10."))
    if radius is not None:
        if not MIN_RADIUS_KM <= radius <= MAX_RADIUS_KM:
            error(
                "radius_km",
                _("The radius must be between %(min)s and %(max)s km.")
                % {"min": MIN_RADIUS_KM, "max": int(MAX_RADIUS_KM)},
            )
        elif lat is None and "lat" not in errors:
            error("radius_km", _("A radius needs a position: give lat and lon too."))

    sort = (data.get("sort") or "relevance").strip()
    if sort not in SORTS:
        error("sort", _("Sort by “relevance” or “distance”."))
    elif sort == "distance" and lat is None and "lat" not in errors:
        error("sort", _("Sorting by distance needs a position: give lat and lon too."))

    page = _positive_int(data, "page", 1, None, error)
    page_size = _positive_int(data, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, error)

    if errors:
        raise InvalidSearch(errors)
    return SearchParams(
        q=q, lang=lang, lat=lat, lon=lon, radius_km=radius, sort=sort, page=page, page_size=page_size, **filters
    )


def _positive_int(data, name, default, maximum, error) -> int:
    text = str(data.get(name) or "")
    if not text.strip():
        return default
    value = whole_number(text)
    if value is None or value < 1:
        error(name, _("“%(name)s” must be a whole number from 1.") % {"name": name})
        return default
    if maximum and value > maximum:
        error(name, _("“%(name)s” can be at most %(max)d.") % {"name": name, "max": maximum})
        return default
    return value
