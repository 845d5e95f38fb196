"""How the directory endpoints narrow and sort querysets: one function per filter and kind of record.

Each filter takes a queryset and the parsed values of its parameter (see ``params.py``) and returns the
narrowed queryset; they read public records through the managers of ``cms/models/public.py``, so a filter
never reaches a draft.
"""

from collections.abc import Callable

from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import translation

from modeltranslation.utils import build_localized_fieldname

from ..models import Location, Organization, Service, ServiceAtLocation
from .languages import source_language

# --- Orderings -----------------------------------------------------------------------------------


def localized(field: str) -> Coalesce:
    """The field in the active language, or Italian when empty: what the client reads, so what it sorts by."""
    language = translation.get_language()
    italian = F(build_localized_fieldname(field, source_language()))
    if language == source_language():
        return italian
    return Coalesce(NullIf(F(build_localized_fieldname(field, language)), Value("")), italian)


def record_orderings(name_expression: Callable[[], object]) -> dict[str, Callable[[], list]]:
    return {
        "name": lambda: [name_expression().asc(), "id"],
        "-name": lambda: [name_expression().desc(), "-id"],
        "updated_at": lambda: ["updated_at", "id"],
        "-updated_at": lambda: ["-updated_at", "-id"],
    }


# --- Filters: how each one narrows each kind of record ------------------------------------------


def ids_of(queryset: QuerySet, column: str = "id"):
    return queryset.values(column)


def listed_services() -> QuerySet[Service]:
    return Service.objects.listed()


def services_at_comuni(qs, comuni):
    return qs.filter(
        id__in=ids_of(ServiceAtLocation.objects.public().filter(location__municipality__in=comuni), "service_id")
    )


def services_at_ambiti(qs, ambiti):
    placements = ServiceAtLocation.objects.public().filter(location__municipality__ambito__in=ambiti)
    return qs.filter(id__in=ids_of(placements, "service_id"))


def through_filter(relation, column: str):
    """``qs`` narrowed to services linked through the m2m ``relation`` to any of the given objects."""

    def apply(qs, objects):
        return qs.filter(id__in=ids_of(relation.through.objects.filter(**{f"{column}__in": objects}), "service_id"))

    return apply


services_with_themes = through_filter(Service.themes, "theme")
services_for_groups = through_filter(Service.target_groups, "targetgroup")
services_speaking = through_filter(Service.languages_spoken, "spokenlanguage")


def offering(service_filter, column: str):
    """Narrows organisations or locations to those offering a listed service that passes ``service_filter``."""

    def apply(qs, objects):
        services = service_filter(listed_services(), objects)
        if column == "organization_id":
            return qs.filter(id__in=ids_of(services, "organization_id"))
        return qs.filter(id__in=ids_of(ServiceAtLocation.objects.filter(service__in=services), "location_id"))

    return apply


def organizations_in_comuni(qs, comuni):
    ambiti = {comune.ambito_id for comune in comuni}
    return qs.filter(
        Q(municipality__in=comuni)
        | Q(
            id__in=ids_of(
                Organization.municipalities.through.objects.filter(municipality__in=comuni), "organization_id"
            )
        )
        | Q(id__in=ids_of(Organization.ambiti.through.objects.filter(ambito__in=ambiti), "organization_id"))
        | Q(id__in=ids_of(Location.objects.public().filter(municipality__in=comuni), "organization_id"))
    )


def organizations_in_ambiti(qs, ambiti):
    return qs.filter(
        Q(municipality__ambito__in=ambiti)
        | Q(id__in=ids_of(Organization.ambiti.through.objects.filter(ambito__in=ambiti), "organization_id"))
        | Q(
            id__in=ids_of(
                Organization.municipalities.through.objects.filter(municipality__ambito__in=ambiti), "organization_id"
            )
        )
        | Q(id__in=ids_of(Location.objects.public().filter(municipality__ambito__in=ambiti), "organization_id"))
    )


def modified_since(qs, moment):
    return qs.filter(updated_at__gte=moment)
