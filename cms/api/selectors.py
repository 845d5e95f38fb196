"""The published records the public APIs may show (directory API and HSDS alike).

A record is public when it is live (published) and so is the organisation it belongs to: a live
service of a never-published organisation stays hidden, and so does a live location.
"""

from django.db.models import Prefetch, QuerySet

from ..models import Location, Organization, Service, ServiceAtLocation

# Statuses the directory lists unless asked otherwise; an inactive service is only shown on request.
LISTED_SERVICE_STATUSES = (Service.Status.ACTIVE, Service.Status.TEMPORARILY_CLOSED)


def public_organizations() -> QuerySet[Organization]:
    return Organization.objects.filter(live=True)


def public_locations() -> QuerySet[Location]:
    return Location.objects.filter(live=True, organization__live=True)


def public_services() -> QuerySet[Service]:
    return Service.objects.filter(live=True, organization__live=True)


def public_placements() -> QuerySet[ServiceAtLocation]:
    """Service-at-location links whose service and location are both public."""
    return ServiceAtLocation.objects.filter(
        service__live=True,
        service__organization__live=True,
        location__live=True,
        location__organization__live=True,
    )


def placements_of_services(to_attr: str = "public_placements") -> Prefetch:
    """For services: their public locations with comune and ambito, in the editor's order."""
    return Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.filter(location__live=True, location__organization__live=True)
        .select_related("location__municipality__ambito")
        .order_by("sort_order", "id"),
        to_attr=to_attr,
    )


def placements_of_locations(statuses=LISTED_SERVICE_STATUSES, to_attr: str = "public_placements") -> Prefetch:
    """For locations: the public services offered there."""
    return Prefetch(
        "service_at_locations",
        queryset=ServiceAtLocation.objects.filter(
            service__live=True, service__organization__live=True, service__status__in=statuses
        )
        .select_related("service")
        .order_by("service__name", "service_id"),
        to_attr=to_attr,
    )
