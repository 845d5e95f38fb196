"""Exporting the directory in the import's format: importing the export changes nothing.

One row per service. A service offered at several addresses is written with the address whose
location has the service's external id (the one the import manages), or else its first one;
the import leaves the other addresses alone. Services without an external id are keyed by their
UUID, which the import recognises, so they are updated, never duplicated.
"""

import csv
import io
from decimal import Decimal
from pathlib import PurePath

from django.db.models import Prefetch

from modeltranslation.utils import fallbacks

from ..languages import content_languages, localized
from ..models import Service, ServiceAtLocation
from ..permissions import records_in_scope
from .columns import LIST_SEPARATOR, TRANSLATED_LOCATION_FIELDS, TRANSLATED_SERVICE_FIELDS, all_columns


def _text(value) -> str:
    return "" if value is None else str(value)


def export_directory(*, user=None) -> list[dict]:
    """The rows of every service (of the ambiti ``user`` may edit, when given), ordered by key.

    Queries: a fixed number (one per related table), whatever the number of services.
    """
    services = Service.objects.select_related("organization__municipality").prefetch_related(
        "themes",
        "target_groups",
        "languages_spoken",
        Prefetch(
            "service_at_locations",
            queryset=ServiceAtLocation.objects.select_related("location__municipality").order_by("sort_order", "pk"),
        ),
    )
    if user is not None:
        services = records_in_scope(services, user)
    rows = []
    with fallbacks(False):
        for service in services:
            key = service.external_id or str(service.uuid)
            locations = [link.location for link in service.service_at_locations.all()]
            location = next((loc for loc in locations if loc.external_id == key), locations[0] if locations else None)
            comune = location.municipality if location else service.organization.municipality
            row = {
                "external_id": key,
                "organization": service.organization.name,
                "organization_kind": service.organization.kind,
                "comune_istat": comune.istat_code,
                "themes": LIST_SEPARATOR.join(sorted(t.code for t in service.themes.all())),
                "target_groups": LIST_SEPARATOR.join(sorted(t.code for t in service.target_groups.all())),
                "languages_spoken": LIST_SEPARATOR.join(sorted(lang.code for lang in service.languages_spoken.all())),
                "address": location.address if location else "",
                "cap": location.cap if location else "",
                "latitude": location.latitude if location else "",
                "longitude": location.longitude if location else "",
                "phone": service.phone,
                "email": service.email,
                "website": service.website,
                "cost": service.cost,
            }
            for language in content_languages():
                for name in TRANSLATED_SERVICE_FIELDS:
                    row[localized(name, language)] = _text(getattr(service, localized(name, language)))
                for name in TRANSLATED_LOCATION_FIELDS:
                    value = getattr(location, localized(name, language)) if location else ""
                    row[localized(name, language)] = _text(value)
            rows.append(row)
    rows.sort(key=lambda row: row["external_id"])
    return rows


def _csv(rows, columns) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: _text(row.get(name)) for name in columns})
    return buffer.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8


def _xlsx(rows, columns) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "services"
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append([float(value) if isinstance(value, Decimal) else _text(value) for value in map(row.get, columns)])
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_spreadsheet(rows: list[dict], filename: str) -> bytes:
    """The rows as an .xlsx workbook or a UTF-8 .csv file, by the extension of ``filename``."""
    columns = all_columns()
    if PurePath(filename).suffix.lower() == ".csv":
        return _csv(rows, columns)
    return _xlsx(rows, columns)
