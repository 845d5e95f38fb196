"""When records fall due for verification, and marking them verified."""

from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from ..models import Organization, Service

VERIFIED_FIELDS = ("assured_date", "assurer_email")


def cycle_days() -> int:
    return settings.DIRECTORY_VERIFY_EVERY_DAYS


def due_before(today: date | None = None) -> date:
    """Records verified before this day (or never) are due."""
    return (today or timezone.localdate()) - timedelta(days=cycle_days())


def overdue_filter(today: date | None = None, *, grace_days: int = 0) -> Q:
    """Never verified, or verified more than a cycle (plus ``grace_days``) ago."""
    limit = due_before(today) - timedelta(days=grace_days)
    return Q(assured_date__isnull=True) | Q(assured_date__lt=limit)


def due_organizations(today: date | None = None) -> QuerySet:
    """Live organisations whose own record, or one of whose live services, is due."""
    due_services = Service.objects.filter(overdue_filter(today), live=True)
    return (
        Organization.objects.filter(live=True)
        .filter(overdue_filter(today) | Q(pk__in=due_services.values("organization_id")))
        .distinct()
    )


def next_due_date(record) -> date | None:
    if record.assured_date is None:
        return None
    return record.assured_date + timedelta(days=cycle_days())


@transaction.atomic
def mark_verified(record, *, email: str, on: date | None = None) -> None:
    """Records that ``email`` checked ``record`` on ``on`` (today by default).

    The live row is saved with only these fields (and ``updated_at``), so search and the APIs
    follow. A pending draft gets the same date, so that publishing it later does not bring back
    the old one.
    """
    record.assured_date = on or timezone.localdate()
    record.assurer_email = email
    record.save(update_fields=[*VERIFIED_FIELDS, "updated_at"])
    revision = record.latest_revision if record.has_unpublished_changes else None
    if revision is not None:
        revision.content.update(assured_date=record.assured_date.isoformat(), assurer_email=record.assurer_email)
        revision.save(update_fields=["content"])


def in_ambito_filter(model, ambito_id: int) -> Q:
    """Records lying (at least partly) in an ambito: services with a location there, or without
    locations and with the organisation's seat there; organisations and locations by their comune."""
    if model is Service:
        return Q(service_at_locations__location__municipality__ambito_id=ambito_id) | Q(
            service_at_locations__isnull=True, organization__municipality__ambito_id=ambito_id
        )
    return Q(municipality__ambito_id=ambito_id)


def overdue_in_ambito(model, ambito_id: int, *, grace_days: int = 0, today: date | None = None) -> QuerySet:
    """Live records of ``model`` in the ambito whose verification is overdue (by ``grace_days``)."""
    ids = model.objects.filter(in_ambito_filter(model, ambito_id)).values("pk")
    return model.objects.filter(pk__in=ids, live=True).filter(overdue_filter(today, grace_days=grace_days))
