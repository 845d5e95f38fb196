"""The published records the public APIs may show (directory API and HSDS alike).

A record is public when it is live (published) and so is the organisation it belongs to: a live
service of a never-published organisation stays hidden, and so does a live location. The rule is
defined once, in ``cms/models/public.py`` (``Service.objects.public()`` and its siblings).
"""

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from modeltranslation.translator import NotRegistered, translator

from ..models import Location, Organization, Service, ServiceAtLocation, SpokenLanguage, TargetGroup, Theme
from ..models.public import LISTED_STATUSES

# Statuses the directory lists unless asked otherwise; an inactive service is only shown on request.
LISTED_SERVICE_STATUSES = LISTED_STATUSES


def placements_of_services(language: str, to_attr: str = "public_placements") -> Prefetch:
    """For services: their public locations with comune and ambito, in the editor's order."""
    placements = ServiceAtLocation.objects.at_public_locations()
    placements = placements.select_related("location__municipality__ambito").order_by("sort_order", "id")
    return Prefetch("service_at_locations", for_language(placements, language, {"location": Location}), to_attr)


def placements_of_locations(language: str, to_attr: str = "all_placements") -> Prefetch:
    """For locations: every service offered there, to be narrowed by ``listed_placements``.

    The query is driven by the location ids alone: filtering on the service's status in SQL makes
    SQLite scan every service through the status index instead.
    """
    placements = ServiceAtLocation.objects.select_related("service__organization").order_by("id")
    related = {"service": Service, "service__organization": Organization}
    return Prefetch("service_at_locations", for_language(placements, language, related), to_attr)


def listed_placements(placements) -> list[ServiceAtLocation]:
    """The links to services the directory lists: published, of a published organisation, not inactive."""
    return [
        placement
        for placement in placements
        if placement.service.live
        and placement.service.organization.live
        and placement.service.status in LISTED_SERVICE_STATUSES
    ]


# --- Reading less: other languages' columns, taxonomy through link tables ------------------------


def other_language_columns(model, language: str, prefix: str = "") -> list[str]:
    """The translated columns of ``model`` that a response in ``language`` never reads."""
    try:
        options = translator.get_options_for_model(model)
    except NotRegistered:
        return []
    keep = {language, settings.LANGUAGE_CODE}
    return sorted(
        f"{prefix}{column.name}"
        for columns in options.all_fields.values()
        for column in columns
        if column.language not in keep
    )


def for_language(queryset: QuerySet, language: str, related: dict[str, type] | None = None) -> QuerySet:
    """Defers the columns of the other languages, for the model and its select_related models."""
    columns = other_language_columns(queryset.model, language)
    for path, model in (related or {}).items():
        columns += other_language_columns(model, language, prefix=f"{path}__")
    return queryset.defer(*columns) if columns else queryset


def attach_taxonomy(services) -> None:
    """Sets ``theme_list``, ``target_group_list`` and ``language_list`` on each service.

    Six queries whatever the number of services: the three small taxonomy tables once, and the
    three link tables as plain id pairs, so a term is one object however many services share it.
    """
    services = list(services)
    for service in services:
        service.theme_list, service.target_group_list, service.language_list = [], [], []
    if not services:
        return
    by_id = {service.pk: service for service in services}
    links = (
        (Service.themes.through, "theme_id", Theme.objects.all(), "theme_list"),
        (Service.target_groups.through, "targetgroup_id", TargetGroup.objects.all(), "target_group_list"),
        (Service.languages_spoken.through, "spokenlanguage_id", SpokenLanguage.objects.all(), "language_list"),
    )
    for through, column, terms, attribute in links:
        ordered = list(terms)  # in the taxonomy's own order
        position = {term.pk: index for index, term in enumerate(ordered)}
        pairs = through.objects.filter(service_id__in=by_id).values_list("service_id", column)
        chosen: dict[int, list[int]] = {}
        for service_id, term_id in pairs:
            chosen.setdefault(service_id, []).append(position[term_id])
        for service_id, indexes in chosen.items():
            setattr(by_id[service_id], attribute, [ordered[i] for i in sorted(indexes)])
