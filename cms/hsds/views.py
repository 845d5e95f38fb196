"""The Open Referral HSDS 3.0 read API under /hsds/.

Who may use it: anyone, without an account (credentials are ignored). It shows the published
directory: organisations, services (of every status, which HSDS carries) and their locations,
and the two taxonomies (themes, target groups). One language per response (``?lang=`` or
``Accept-Language``, Italian fallback), HSDS paging, ETag/Last-Modified and 304 like every public read.
"""

import math
import uuid

from django.db.models import Prefetch, Q
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ..api import selectors
from ..api.http import PublicReadMixin
from ..api.languages import LANG_PARAMETER
from ..api.pagination import positive_integer
from ..api.params import Param, ParameterError, apply_parameters, modified_since_param, parse_parameters, parse_uuids
from ..models import Location, Organization, Service, ServiceAtLocation, TargetGroup, Theme
from . import mapping
from .openapi import HSDSSchema, detail_response, list_response, root_response

DEFAULT_PER_PAGE = 50
MAX_PER_PAGE = 100
PAGING_PARAMETERS = ("page", "per_page")


# --- Parameters ----------------------------------------------------------------------------------


def parse_boolean(value: str) -> bool:
    lowered = value.lower()
    if lowered in ("true", "1", "yes"):
        return True
    if lowered in ("false", "0", "no"):
        return False
    raise ParameterError(_("Give true or false."))


def all_terms() -> list:
    return [*Theme.objects.all(), *TargetGroup.objects.all()]


def parse_terms(values: list[str]) -> list:
    ids = {str(i) for i in parse_uuids(values)}
    terms = [term for term in all_terms() if str(term.uuid) in ids]
    missing = sorted(ids - {str(term.uuid) for term in terms})
    if missing:
        raise ParameterError(
            _("Unknown taxonomy term: %(ids)s. See /hsds/taxonomy_terms.") % {"ids": ", ".join(missing)}
        )
    return terms


def parse_taxonomies(values: list[str]) -> list[mapping.TaxonomyInfo]:
    ids = {str(i) for i in parse_uuids(values)}
    found = [info for info in mapping.taxonomies() if str(info.id) in ids]
    missing = sorted(ids - {str(info.id) for info in found})
    if missing:
        raise ParameterError(_("Unknown taxonomy: %(ids)s. See /hsds/taxonomies.") % {"ids": ", ".join(missing)})
    return found


def parse_organizations(values: list[str]) -> list[Organization]:
    ids = parse_uuids(values)
    found = list(Organization.objects.public().filter(uuid__in=ids))
    missing = sorted(str(i) for i in set(ids) - {o.uuid for o in found})
    if missing:
        raise ParameterError(_("Unknown organization: %(ids)s.") % {"ids": ", ".join(missing)})
    return found


def parse_postcodes(values: list[str]) -> list[str]:
    wrong = [value for value in values if not (len(value) == 5 and value.isdigit())]
    if wrong:
        raise ParameterError(_("A postal code (CAP) has five digits: %(values)s.") % {"values": ", ".join(wrong)})
    return values


def parse_format(value: str) -> str:
    if value != "json":
        raise ParameterError(_("Only json is available."))
    return value


def services_with_terms(services, terms):
    """Services with any of the terms (themes and target groups alike)."""
    themes = [t for t in terms if isinstance(t, Theme)]
    groups = [t for t in terms if isinstance(t, TargetGroup)]
    condition = Q(pk__in=[])
    if themes:
        condition |= Q(id__in=Service.themes.through.objects.filter(theme__in=themes).values("service_id"))
    if groups:
        condition |= Q(id__in=Service.target_groups.through.objects.filter(targetgroup__in=groups).values("service_id"))
    return services.filter(condition)


def services_in_taxonomies(services, infos):
    terms = [term for info in infos for term in info.model.objects.all()]
    return services_with_terms(services, terms)


def service_params(prefix: str = "") -> tuple[Param, ...]:
    """Filters of services (``prefix="service__"`` applies them to service-at-location links)."""

    def on_services(apply):
        if not prefix:
            return apply
        return lambda qs, value: qs.filter(service__in=apply(Service.objects.public(), value))

    return (
        Param(
            "taxonomy_term_id",
            gettext_lazy("Taxonomy term ids (themes or target groups): services with any of them."),
            parse_terms,
            on_services(services_with_terms),
        ),
        Param(
            "taxonomy_id",
            gettext_lazy("Taxonomy ids: services with any term of them."),
            parse_taxonomies,
            on_services(services_in_taxonomies),
        ),
        Param(
            "organization_id",
            gettext_lazy("Organization ids: services they provide."),
            parse_organizations,
            on_services(lambda qs, organizations: qs.filter(organization__in=organizations)),
        ),
    )


FULL = Param(
    "full",
    gettext_lazy("true: fully nested objects in the list (as the detail endpoint returns them)."),
    parse_boolean,
    None,
    openapi_type=OpenApiTypes.BOOL,
    many=False,
    default=False,
)
FORMAT = Param("format", gettext_lazy("Only json is available."), parse_format, None, many=False, enum=("json",))


# --- Views ---------------------------------------------------------------------------------------


def documented(operation_id: str, response: dict, parameters=()):
    """Class decorator: the OpenAPI operation id and 200 response of an HSDS view's GET."""
    return extend_schema_view(
        get=extend_schema(operation_id=operation_id, responses={200: response}, parameters=list(parameters))
    )


# The URLs accept any text as id (so that a malformed one gets a JSON 404): the description says UUID.
ID_PARAMETER = OpenApiParameter("id", OpenApiTypes.UUID, OpenApiParameter.PATH)


class HSDSView(PublicReadMixin, APIView):
    renderer_classes = [JSONRenderer]
    schema = HSDSSchema()
    openapi_tags = ["hsds"]
    params: tuple[Param, ...] = ()


class HSDSRootView(HSDSView):
    """About this API: the HSDS version, profile and OpenAPI description.

    Who may use it: anyone, without an account.
    """

    @extend_schema(operation_id="hsds_root", responses={200: root_response()})
    def get(self, request):
        parse_parameters(request, [], always_allowed=[LANG_PARAMETER])
        return Response(
            {
                "version": mapping.HSDS_VERSION,
                "profile": mapping.HSDS_PROFILE,
                "openapi_url": request.build_absolute_uri(reverse("hsds:openapi")),
            }
        )


class HSDSListView(HSDSView):
    """A paginated HSDS list: ``page`` (from 1) and ``per_page`` (1–100, default 50)."""

    always_allowed = (LANG_PARAMETER, *PAGING_PARAMETERS)

    def get_params(self) -> list[Param]:
        return list(self.params)

    def get_queryset(self, parsed):
        raise NotImplementedError

    def represent(self, records, parsed) -> list[dict]:
        raise NotImplementedError

    def get(self, request):
        params = self.get_params()
        parsed = parse_parameters(request, params, always_allowed=self.always_allowed)
        per_page = positive_integer(request, "per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
        page_number = positive_integer(request, "page", 1)
        queryset = apply_parameters(self.get_queryset(parsed), params, parsed)
        total = queryset.count()
        start = (page_number - 1) * per_page
        records = list(queryset[start : start + per_page]) if start < total else []
        contents = self.represent(records, parsed)
        total_pages = math.ceil(total / per_page)
        return Response(
            {
                "total_items": total,
                "total_pages": total_pages,
                "page_number": page_number,
                "size": len(contents),
                "first_page": page_number == 1,
                "last_page": page_number >= total_pages,
                "empty": not contents,
                "contents": contents,
            }
        )


class HSDSDetailView(HSDSView):
    not_found = ""

    def get_object(self, pk: uuid.UUID):
        raise NotImplementedError

    def represent(self, record) -> dict:
        raise NotImplementedError

    def get(self, request, pk):
        parse_parameters(request, [], always_allowed=[LANG_PARAMETER])
        try:
            record = self.get_object(uuid.UUID(pk))
        except ValueError:  # not a UUID: no record has it
            record = None
        if record is None:
            raise Http404(self.not_found)
        return Response(self.represent(record))


def service_queryset(language: str, full: bool):
    queryset = Service.objects.public().select_related("organization__logo").order_by("id")
    queryset = selectors.for_language(queryset, language, {"organization": Organization})
    if full:
        queryset = queryset.prefetch_related(placements_prefetch(language))
    return queryset


def placements_prefetch(language: str):
    placements = ServiceAtLocation.objects.public().select_related("location__municipality", "location__organization")
    placements = selectors.for_language(placements.order_by("sort_order", "id"), language, {"location": Location})
    return Prefetch("service_at_locations", queryset=placements, to_attr="hsds_placements")


@documented("hsds_services_list", list_response("HSDSServiceListItem"))
class ServiceListView(HSDSListView):
    """Services (HSDS ``service_list`` items; fully nested with ``full=true``), ordered by creation.

    Who may use it: anyone, without an account. Published services of every status.
    """

    params = (
        *service_params(),
        modified_since_param(lambda qs, moment: qs.filter(updated_at__gte=moment), name="modified_after"),
        FULL,
        FORMAT,
    )

    def get_queryset(self, parsed):
        return service_queryset(self.language, parsed.get("full", False))

    def represent(self, services, parsed):
        if parsed.get("full"):
            selectors.attach_taxonomy(services)
            return [mapping.service_full(s, self.request, placements=s.hsds_placements) for s in services]
        return [mapping.service_summary(s, self.request) for s in services]


@documented("hsds_services_retrieve", detail_response("HSDSService"), [ID_PARAMETER])
class ServiceDetailView(HSDSDetailView):
    """A fully nested service: organisation, locations, phones, languages, themes and target groups.

    Who may use it: anyone, without an account.
    """

    not_found = gettext_lazy("No published service has this id.")

    def get_object(self, pk):
        return service_queryset(self.language, full=True).filter(uuid=pk).first()

    def represent(self, service):
        selectors.attach_taxonomy([service])
        return mapping.service_full(service, self.request, placements=service.hsds_placements)


def organization_queryset(language: str):
    return selectors.for_language(Organization.objects.public().select_related("logo").order_by("id"), language)


@documented("hsds_organizations_list", list_response("HSDSOrganizationListItem"))
class OrganizationListView(HSDSListView):
    """Organisations (HSDS ``organization_list`` items; fully nested with ``full=true``).

    Who may use it: anyone, without an account. Published organisations only.
    """

    params = (FULL, FORMAT)

    def get_queryset(self, parsed):
        queryset = organization_queryset(self.language)
        if parsed.get("full"):
            queryset = queryset.prefetch_related(*organization_prefetches(self.language))
        return queryset

    def represent(self, organizations, parsed):
        if parsed.get("full"):
            return [self.full(o) for o in organizations]
        return [mapping.organization_summary(o, self.request) for o in organizations]

    def full(self, organization):
        return mapping.organization_full(
            organization, self.request, locations=organization.hsds_locations, services=organization.hsds_services
        )


def organization_prefetches(language: str):
    locations = Location.objects.public().select_related("municipality").order_by("id")
    services = Service.objects.public().order_by("id")
    return (
        Prefetch("locations", selectors.for_language(locations, language), to_attr="hsds_locations"),
        Prefetch("services", selectors.for_language(services, language), to_attr="hsds_services"),
    )


@documented("hsds_organizations_retrieve", detail_response("HSDSOrganization"), [ID_PARAMETER])
class OrganizationDetailView(HSDSDetailView):
    """An organisation with its phone, its published locations and its published services (id, name, status).

    Who may use it: anyone, without an account.
    """

    not_found = gettext_lazy("No published organization has this id.")

    def get_object(self, pk):
        queryset = organization_queryset(self.language).prefetch_related(*organization_prefetches(self.language))
        return queryset.filter(uuid=pk).first()

    def represent(self, organization):
        return mapping.organization_full(
            organization, self.request, locations=organization.hsds_locations, services=organization.hsds_services
        )


def placement_queryset(language: str):
    queryset = ServiceAtLocation.objects.public().select_related(
        "service__organization__logo", "location__municipality", "location__organization"
    )
    related = {"service": Service, "service__organization": Organization, "location": Location}
    return selectors.for_language(queryset.order_by("id"), language, related)


@documented("hsds_service_at_locations_list", list_response("HSDSServiceAtLocationListItem"))
class ServiceAtLocationListView(HSDSListView):
    """Services at their locations (HSDS ``service_at_location_list`` items; nested with ``full=true``).

    Who may use it: anyone, without an account.
    """

    params = (
        *service_params(prefix="service__"),
        modified_since_param(
            lambda qs, moment: qs.filter(service__updated_at__gte=moment) | qs.filter(location__updated_at__gte=moment),
            name="modified_after",
        ),
        Param(
            "postcode",
            gettext_lazy("Postal codes (CAP, five digits) of the location."),
            parse_postcodes,
            lambda qs, codes: qs.filter(location__cap__in=codes),
        ),
        FULL,
        FORMAT,
    )

    def get_queryset(self, parsed):
        return placement_queryset(self.language)

    def represent(self, placements, parsed):
        if parsed.get("full"):
            selectors.attach_taxonomy([p.service for p in placements])
            return [mapping.service_at_location_full(p, self.request, include_service=True) for p in placements]
        return [mapping.service_at_location_summary(p, self.request) for p in placements]


@documented("hsds_service_at_locations_retrieve", detail_response("HSDSServiceAtLocation"), [ID_PARAMETER])
class ServiceAtLocationDetailView(HSDSDetailView):
    """A service at one location, fully nested (the location with its address, and the service).

    Who may use it: anyone, without an account.
    """

    not_found = gettext_lazy("No published service at location has this id.")

    def get_object(self, pk):
        return placement_queryset(self.language).filter(uuid=pk).first()

    def represent(self, placement):
        selectors.attach_taxonomy([placement.service])
        return mapping.service_at_location_full(placement, self.request, include_service=True)


class ListOf:
    """A tiny queryset-like wrapper so the HSDS paging code also pages fixed lists."""

    def __init__(self, items):
        self.items = list(items)

    def count(self):
        return len(self.items)

    def __getitem__(self, key):
        return self.items[key]


@documented("hsds_taxonomies_list", list_response("HSDSTaxonomy"))
class TaxonomyListView(HSDSListView):
    """The two taxonomies of the directory: themes and target groups (fixed ids).

    Who may use it: anyone, without an account.
    """

    params = (FORMAT,)

    def get_queryset(self, parsed):
        return ListOf(mapping.taxonomies())

    def represent(self, infos, parsed):
        return [mapping.taxonomy(info, self.request) for info in infos]


@documented("hsds_taxonomy_terms_list", list_response("HSDSTaxonomyTerm"))
class TaxonomyTermListView(HSDSListView):
    """Taxonomy terms: every theme and target group, in the requested language.

    Who may use it: anyone, without an account.
    """

    params = (
        Param("taxonomy_id", gettext_lazy("Taxonomy ids."), parse_taxonomies, None),
        FORMAT,
    )

    def get_queryset(self, parsed):
        infos = parsed.get("taxonomy_id") or mapping.taxonomies()
        return ListOf(term for info in infos for term in info.model.objects.order_by("sort_order", "code"))

    def represent(self, terms, parsed):
        return [mapping.taxonomy_term(term, self.request) for term in terms]
