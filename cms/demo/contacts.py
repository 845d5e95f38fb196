"""Sample contacts and verification dates of the demo content.

Phone numbers follow the "555" convention of fiction (``+39 039 555 0142``) and every address is at
``example.org``; all of them sit on records marked as sample data (the demo's locations and
services, the invented organisations), never on the real organisations of the network. The mix is
meant to look like a directory in use: most offices have a phone, most services an e-mail address,
a few records have nothing (the data-quality dashboard shows them), most records were verified in
the last year, some are overdue and some were never verified.
"""

import random
from datetime import date, timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from ..models import Location, Organization, Service

SEED = "demo-contacts-2026"
ASSURER = "redazione@aftercare.example.org"
LOCATION_WITH_PHONE = 0.92
SERVICE_WITH_EMAIL = 0.6
AREA_CODE = {"LC": "0341", "MB": "039"}


def _rng(external_id: str) -> random.Random:
    return random.Random(f"{SEED}:{external_id}")


def sample_phone(rng: random.Random, province: str) -> str:
    return f"+39 {AREA_CODE.get(province, '039')} 555 {rng.randint(0, 9999):04d}"


def verification(rng: random.Random, today: date) -> tuple[date | None, str]:
    """Verified within the year (70%), overdue by up to eight months (20%), or never (10%)."""
    roll = rng.random()
    if roll < 0.7:
        return today - timedelta(days=rng.randint(5, 350)), ASSURER
    if roll < 0.9:
        return today - timedelta(days=rng.randint(370, 610)), ASSURER
    return None, ""


def fill(prefix: str) -> int:
    """Gives the demo records their contacts and verification dates where they have none; returns how
    many records changed. Deterministic: each record's values come from its external id."""
    today = timezone.localdate()
    changed = 0
    locations = Location.objects.filter(external_id__startswith=prefix, phone="").select_related("municipality")
    updates = []
    for location in locations:
        rng = _rng(location.external_id)
        if rng.random() < LOCATION_WITH_PHONE:
            location.phone = sample_phone(rng, location.municipality.province)
            updates.append(location)
    Location.objects.bulk_update(updates, ["phone"])
    changed += len(updates)

    unverified = Q(assured_date__isnull=True, assurer_email="")
    updates = []
    for service in Service.objects.filter(unverified, external_id__startswith=prefix).select_related("organization"):
        rng = _rng(service.external_id)
        if not service.email and rng.random() < SERVICE_WITH_EMAIL:
            topic = slugify(service.external_id.rsplit("--", 1)[-1])[:30]
            service.email = f"{topic}@{slugify(service.organization.name)[:40]}.example.org"
        service.assured_date, service.assurer_email = verification(rng, today)
        updates.append(service)
    Service.objects.bulk_update(updates, ["email", "assured_date", "assurer_email"])
    changed += len(updates)

    updates = []
    for organization in Organization.objects.filter(unverified, external_id__startswith=prefix):
        organization.assured_date, organization.assurer_email = verification(_rng(organization.external_id), today)
        updates.append(organization)
    Organization.objects.bulk_update(updates, ["assured_date", "assurer_email"])
    return changed + len(updates)
