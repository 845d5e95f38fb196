"""The directory endpoints under /api/directory/: read-only, public, one language per response.

Who may use them: anyone, without an account (credentials are ignored). They show published
records only. See the README section "API" and the OpenAPI description at /api/schema/.
"""

from collections.abc import Callable

from django.db.models import F
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.views import APIView

from ..models import Ambito, Location, Municipality, Organization, Service, SpokenLanguage, TargetGroup, Theme
from ..models.geography import Province
from . import selectors, serializers
from .filters import (
    localized,
    modified_since,
    offering,
    organizations_in_ambiti,
    organizations_in_comuni,
    record_orderings,
    services_at_ambiti,
    services_at_comuni,
    services_for_groups,
    services_speaking,
    services_with_themes,
)
from .http import PublicReadMixin
from .languages import LANG_PARAMETER
from .openapi import PublicReadSchema
from .pagination import PAGE_PARAMETERS, DirectoryPagination
from .params import (
    Param,
    ambito_param,
    apply_parameters,
    choice_parser,
    comune_param,
    language_param,
    modified_since_param,
    organization_kind_param,
    parse_live_organizations,
    parse_parameters,
    target_group_param,
    theme_param,
)
from .translated import translated_value

ORDERING = "ordering"


def organization_param(apply) -> Param:
    return Param("organization", _("Organisations, by id (UUID)."), parse_live_organizations, apply)


def ordering_param(orderings: dict, default: str) -> Param:
    return Param(
        ORDERING,
        _("Sort order; ties are broken by id, so paging is stable. “name” sorts by the name in the response language."),
        choice_parser(list(orderings)),
        None,
        enum=tuple(orderings),
        many=False,
        default=default,
    )


# --- Base ----------------------------------------------------------------------------------------


class DirectoryViewSet(PublicReadMixin, viewsets.ReadOnlyModelViewSet):
    """Read-only, public, translated, cacheable. Subclasses declare queryset, params and orderings."""

    renderer_classes = [JSONRenderer]
    pagination_class = DirectoryPagination
    filter_backends = []
    schema = PublicReadSchema()
    params: tuple[Param, ...] = ()
    orderings: dict[str, Callable[[], list]] = {}
    default_ordering: str | None = None
    fixed_ordering: tuple[str, ...] = ()

    def get_params(self) -> list[Param]:
        params = list(self.params)
        if self.orderings:
            params.append(ordering_param(self.orderings, self.default_ordering))
        return params

    def filter_queryset(self, queryset):
        if self.action != "list":
            parse_parameters(self.request, [], always_allowed=[LANG_PARAMETER])
            return queryset
        params = self.get_params()
        parsed = parse_parameters(self.request, params, always_allowed=[LANG_PARAMETER, *PAGE_PARAMETERS])
        queryset = apply_parameters(queryset, params, parsed)
        if self.orderings:
            return queryset.order_by(*self.orderings[parsed.get(ORDERING, self.default_ordering)]())
        return queryset.order_by(*self.fixed_ordering)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "language": self.language}

    def prepare(self, records: list) -> None:
        """Loads what the serializer needs beyond the queryset's prefetches (a constant number of queries)."""

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        self.prepare(page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(
                _("No published %(record)s has this identifier.") % {"record": self.queryset_model()._meta.verbose_name}
            )

    def queryset_model(self):
        return self.get_queryset().model

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.prepare([obj])
        return Response(self.get_serializer(obj).data)


# --- Endpoints -----------------------------------------------------------------------------------


class ServiceViewSet(DirectoryViewSet):
    """Services of the directory, with their organisation, locations (comune and ambito) and taxonomy.

    Who may use it: anyone, without an account. Only published services of published
    organisations are shown, with published locations only. The list shows active and temporarily
    closed services unless ``status`` says otherwise; the detail shows any published service, with
    its ``status``.
    """

    serializer_class = serializers.ServiceSerializer
    lookup_field = "uuid"
    params = (
        comune_param(services_at_comuni, _("Services offered at a location in any of them.")),
        ambito_param(services_at_ambiti, _("Services offered at a location in any of them.")),
        theme_param(services_with_themes),
        target_group_param(services_for_groups),
        language_param(services_speaking),
        organization_kind_param(lambda qs, kinds: qs.filter(organization__kind__in=kinds)),
        organization_param(lambda qs, organizations: qs.filter(organization__in=organizations)),
        Param(
            "status",
            _("Statuses to list. Inactive services are listed only when asked for."),
            choice_parser(Service.Status.values),
            lambda qs, statuses: qs.filter(status__in=statuses),
            enum=tuple(Service.Status.values),
            default=list(selectors.LISTED_SERVICE_STATUSES),
        ),
        modified_since_param(modified_since),
    )
    orderings = record_orderings(lambda: localized("name"))
    default_ordering = "name"

    def get_queryset(self):
        services = Service.objects.public().select_related("organization")
        services = selectors.for_language(services, self.language, {"organization": Organization})
        return services.prefetch_related(selectors.placements_of_services(self.language))

    def prepare(self, services):
        selectors.attach_taxonomy(services)


class OrganizationViewSet(DirectoryViewSet):
    """Organisations of the network: public offices, cooperatives, consortia, volunteer associations.

    Who may use it: anyone, without an account. Only published organisations are shown. Their
    services are listed by the services endpoint (``services_url``).
    """

    serializer_class = serializers.OrganizationSerializer
    lookup_field = "uuid"
    params = (
        comune_param(
            organizations_in_comuni,
            _("Organisations with their seat or a location there, or covering it (directly or through its ambito)."),
        ),
        ambito_param(
            organizations_in_ambiti,
            _("Organisations with their seat or a location there, or covering the ambito or one of its comuni."),
        ),
        theme_param(offering(services_with_themes, "organization_id")),
        target_group_param(offering(services_for_groups, "organization_id")),
        language_param(offering(services_speaking, "organization_id")),
        organization_kind_param(lambda qs, kinds: qs.filter(kind__in=kinds)),
        modified_since_param(modified_since),
    )
    orderings = record_orderings(lambda: F("name"))
    default_ordering = "name"

    def get_queryset(self):
        organizations = Organization.objects.public().select_related("municipality__ambito", "logo")
        organizations = selectors.for_language(organizations, self.language)
        return organizations.prefetch_related("ambiti", "municipalities")


class LocationViewSet(DirectoryViewSet):
    """Places where services are offered, with their comune, organisation and the services offered there.

    Who may use it: anyone, without an account. Only published locations of published
    organisations are shown; ``services`` lists their published, active or temporarily closed services.
    """

    serializer_class = serializers.LocationSerializer
    lookup_field = "uuid"
    params = (
        comune_param(lambda qs, comuni: qs.filter(municipality__in=comuni), _("Locations in any of them.")),
        ambito_param(lambda qs, ambiti: qs.filter(municipality__ambito__in=ambiti), _("Locations in any of them.")),
        theme_param(offering(services_with_themes, "location_id")),
        target_group_param(offering(services_for_groups, "location_id")),
        language_param(offering(services_speaking, "location_id")),
        organization_kind_param(lambda qs, kinds: qs.filter(organization__kind__in=kinds)),
        organization_param(lambda qs, organizations: qs.filter(organization__in=organizations)),
        modified_since_param(modified_since),
    )
    orderings = record_orderings(lambda: F("name"))
    default_ordering = "name"

    def get_queryset(self):
        locations = Location.objects.public().select_related("municipality__ambito", "organization")
        locations = selectors.for_language(locations, self.language, {"organization": Organization})
        return locations.prefetch_related(selectors.placements_of_locations(self.language))

    def prepare(self, locations):
        """The listed services of each location, by name in the response language, then id."""

        def by_name(placement):
            return str(translated_value(placement.service, "name", self.language)[0]), placement.service_id

        for location in locations:
            location.public_placements = sorted(selectors.listed_placements(location.all_placements), key=by_name)


class ComuneViewSet(DirectoryViewSet):
    """The 139 comuni of the network, by ISTAT code, with their ambito.

    Who may use it: anyone, without an account.
    """

    serializer_class = serializers.ComuneSerializer
    lookup_field = "istat_code"
    lookup_value_regex = r"\d{6}"
    params = (
        ambito_param(lambda qs, ambiti: qs.filter(ambito__in=ambiti), _("Comuni of any of them.")),
        Param(
            "province",
            _("Provinces, by code."),
            choice_parser(Province.values),
            lambda qs, provinces: qs.filter(province__in=provinces),
            enum=tuple(Province.values),
        ),
    )
    fixed_ordering = ("name", "id")

    def get_queryset(self):
        return Municipality.objects.select_related("ambito")


class AmbitoViewSet(DirectoryViewSet):
    """The ambiti (social-service districts) of the network, with their comuni.

    Who may use it: anyone, without an account.
    """

    serializer_class = serializers.AmbitoSerializer
    lookup_field = "slug"
    fixed_ordering = ("name", "id")

    def get_queryset(self):
        return Ambito.objects.prefetch_related("municipalities")


class TaxonomyViewSet(DirectoryViewSet):
    """A vocabulary of the directory, by stable code. Who may use it: anyone, without an account."""

    lookup_field = "code"
    fixed_ordering = ("sort_order", "code")


class ThemeViewSet(TaxonomyViewSet):
    """Themes of the directory (housing, mediation…), by stable code, translated. Who may use it: anyone."""

    serializer_class, queryset = serializers.ThemeSerializer, Theme.objects.all()


class TargetGroupViewSet(TaxonomyViewSet):
    """Target groups of services (families, women, minors…), by stable code, translated. Who may use it: anyone."""

    serializer_class, queryset = serializers.TargetGroupSerializer, TargetGroup.objects.all()


class SpokenLanguageViewSet(TaxonomyViewSet):
    """Languages that staff or mediators of services may speak, by ISO 639 code. Who may use it: anyone."""

    serializer_class, queryset = serializers.SpokenLanguageSerializer, SpokenLanguage.objects.all()
    fixed_ordering = ("code",)


class DirectoryIndexView(PublicReadMixin, APIView):
    """The endpoints of the directory API.

    Who may use it: anyone, without an account.
    """

    renderer_classes = [JSONRenderer]
    schema = PublicReadSchema()
    endpoints = (
        ("services", "service"),
        ("organizations", "organization"),
        ("locations", "location"),
        ("comuni", "comune"),
        ("ambiti", "ambito"),
        ("themes", "theme"),
        ("target_groups", "target-group"),
        ("languages", "language"),
    )

    @extend_schema(
        operation_id="directory_index",
        responses={
            200: {
                "type": "object",
                "description": "The list URL of each directory endpoint, and of the OpenAPI description.",
                "additionalProperties": {"type": "string", "format": "uri"},
            }
        },
    )
    def get(self, request):
        parse_parameters(request, [], always_allowed=[LANG_PARAMETER])
        return Response(
            {key: reverse(f"directory:{name}-list", request=request) for key, name in self.endpoints}
            | {
                "openapi": request.build_absolute_uri(reverse("openapi-schema")),
                "docs": request.build_absolute_uri(reverse("openapi-docs")),
            }
        )
