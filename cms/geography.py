"""Business rules of the geography: loading the real data and moving a comune between ambiti."""

import csv
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

COMUNI_CSV = Path(__file__).resolve().parent / "data" / "comuni_mb_lc.csv"


@dataclass(frozen=True)
class ComuneRow:
    istat_code: str
    name: str
    province: str
    ambito: str
    latitude: Decimal
    longitude: Decimal
    cap: str
    population: int
    population_year: int


def read_comuni(path: Path = COMUNI_CSV) -> list[ComuneRow]:
    """The rows of the comuni CSV, with the ISTAT code kept as text."""
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            ComuneRow(
                istat_code=row["istat_code"].strip(),
                name=row["name"].strip(),
                province=row["province"].strip(),
                ambito=row["ambito"].strip(),
                latitude=Decimal(row["latitude"]),
                longitude=Decimal(row["longitude"]),
                cap=row["cap"].strip(),
                population=int(row["population"]),
                population_year=int(row["population_year"]),
            )
            for row in csv.DictReader(handle)
        ]


def load_geography(ambito_model, municipality_model, rows: list[ComuneRow]) -> None:
    """Creates or updates ambiti and comuni from ``rows`` (models are passed in so migrations can use it)."""
    ambiti = {}
    for name in sorted({row.ambito for row in rows}):
        ambiti[name], _ = ambito_model.objects.update_or_create(slug=slugify(name), defaults={"name": name})
    for row in rows:
        municipality_model.objects.update_or_create(
            istat_code=row.istat_code,
            defaults={
                "name": row.name,
                "slug": slugify(row.name),
                "province": row.province,
                "ambito": ambiti[row.ambito],
                "latitude": row.latitude,
                "longitude": row.longitude,
                "cap": row.cap,
                "population": row.population,
                "population_year": row.population_year,
            },
        )


def move_municipality(*, municipality, ambito, user=None):
    """Moves a comune to another ambito and records the move. Does nothing if it is already there."""
    from .content_version import record_content_change
    from .models import Municipality, MunicipalityAmbitoChange

    with transaction.atomic():
        current = Municipality.objects.select_for_update().get(pk=municipality.pk)
        if current.ambito_id == ambito.pk:
            return None
        change = MunicipalityAmbitoChange.objects.create(
            municipality=current, previous_ambito_id=current.ambito_id, new_ambito=ambito, changed_by=user
        )
        current.ambito = ambito
        current.save(update_fields=["ambito"])
        record_content_change()  # the comune's ambito is in the APIs (post_save records it too)
        municipality.ambito = ambito
        return change
