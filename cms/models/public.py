"""What "public" means, defined once for every directory record (site, APIs, search, referrals).

- ``public()``: anyone may see the record: it is published (``live``) and so is its organisation.
  A placement (service at location) is public when its service and its location both are.
- ``listed()`` (services and placements): public and active or temporarily closed, what the
  directory lists by default (a temporarily closed service keeps its page and its place on its
  organisation's page, with a notice).
- ``available()`` (services and placements): public and active, what can be found by search and
  chosen as the target of a referral now.

The managers are built with ``Manager.from_queryset``; modeltranslation wraps them in its
``MultilingualManager`` and combines its queryset with these classes, so ``Service.objects.public()``
and ``Service.objects.filter(...).available()`` both work in the active language. ``Service.is_public``
and ``Service.is_available`` answer the same questions for one loaded record.
"""

from django.db import models

ACTIVE = "active"
TEMPORARILY_CLOSED = "temporarily_closed"
LISTED_STATUSES = (ACTIVE, TEMPORARILY_CLOSED)


class OrganizationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(live=True)


class LocationQuerySet(models.QuerySet):
    def public(self):
        return self.filter(live=True, organization__live=True)


class ServiceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(live=True, organization__live=True)

    def listed(self):
        return self.public().filter(status__in=LISTED_STATUSES)

    def available(self):
        return self.public().filter(status=ACTIVE)


class ServiceAtLocationQuerySet(models.QuerySet):
    def at_public_locations(self):
        """Placements at a public location (for the placements of a service already known public)."""
        return self.filter(location__live=True, location__organization__live=True)

    def public(self):
        return self.at_public_locations().filter(service__live=True, service__organization__live=True)

    def listed(self):
        return self.public().filter(service__status__in=LISTED_STATUSES)

    def available(self):
        return self.public().filter(service__status=ACTIVE)


OrganizationManager = models.Manager.from_queryset(OrganizationQuerySet)
LocationManager = models.Manager.from_queryset(LocationQuerySet)
ServiceManager = models.Manager.from_queryset(ServiceQuerySet)
ServiceAtLocationManager = models.Manager.from_queryset(ServiceAtLocationQuerySet)
