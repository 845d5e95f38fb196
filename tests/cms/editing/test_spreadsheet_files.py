"""Malformed, huge and odd spreadsheets: a message about the file or the cell, never a 500 or a traceback."""

import io
import zipfile

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

import pytest
from openpyxl import Workbook

from cms.models import Service
from cms.spreadsheet import import_directory, reading

from .conftest import client_for
from .test_spreadsheet import GOOD_ROW, counts, csv_bytes, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def in_english():
    with translation.override("en"):
        yield


def file_message(data, filename):
    result = import_directory(data=data, filename=filename)
    assert not result.ok and counts() == (0, 0, 0)
    assert [error.row for error in result.errors] == [0]  # about the file, not a row
    return str(result.errors[0])


def truncated_sheet_xml() -> bytes:
    """A real workbook whose sheet XML was cut in the middle (a download that stopped)."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes([GOOD_ROW])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(item, data)
    return buffer.getvalue()


def test_a_csv_renamed_xlsx_is_a_file_level_message():
    message = file_message(b"a,b\n", "x.xlsx")
    assert message.startswith("File: The file is not an Excel workbook (.xlsx), or it is damaged.")


def test_a_truncated_sheet_is_a_file_level_message():
    message = file_message(truncated_sheet_xml(), "cut.xlsx")
    assert message.startswith("File: The workbook is damaged and cannot be read (ParseError)")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(monkeypatch):
    monkeypatch.setattr(reading, "MAX_UNPACKED_BYTES", 1024 * 1024)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("xl/worksheets/sheet1.xml", b"<row/>" * 400_000)  # 2.4 MB, a few KB packed
    assert len(buffer.getvalue()) < 50_000
    assert "unpacks to more than 1 MB" in file_message(buffer.getvalue(), "bomb.xlsx")


def test_a_sheet_used_down_to_its_last_row_stops_after_the_empty_rows():
    workbook = Workbook()
    sheet = workbook.active
    columns = list(GOOD_ROW)
    sheet.append(columns)
    sheet.append([GOOD_ROW[name] for name in columns])
    sheet.cell(row=1_048_576, column=1, value=None).number_format = "0.00"  # formatted, empty: "used"
    for row in range(3, 3 + reading.MAX_EMPTY_ROWS + 10):
        sheet.cell(row=row, column=2).number_format = "0.00"
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = import_directory(data=buffer.getvalue(), filename="used.xlsx", dry_run=True)
    assert result.ok, [str(e) for e in result.errors]
    assert result.rows == 1


def test_a_nul_in_a_csv_cell_is_a_row_error_and_nothing_is_stored():
    result = import_directory(data=csv_bytes([GOOD_ROW | {"name_it": "Sportello\x00casa"}]), filename="nul.csv")
    assert [str(e) for e in result.errors] == [
        "Row 2, column E (name_it): This cell contains a control character (such as NUL): "
        "delete it and type the text again."
    ]
    assert counts() == (0, 0, 0)


def test_a_formula_without_a_value_says_so_instead_of_empty():
    workbook = Workbook()
    columns = list(GOOD_ROW)
    workbook.active.append(columns)
    workbook.active.append(
        [GOOD_ROW[name] if name != "name_it" else '=CONCAT("Sportello ", "casa")' for name in columns]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)  # openpyxl writes formulas without a computed value, like many programs
    result = import_directory(data=buffer.getvalue(), filename="formula.xlsx")
    assert [str(e) for e in result.errors] == [
        "Row 2, column E (name_it): This cell is a formula without a value: "
        "copy the column and paste it as values, then save."
    ]


def test_the_admin_page_shows_the_file_message_for_a_corrupt_file(lecco_moderator):
    client = client_for(lecco_moderator)
    file = SimpleUploadedFile("x.xlsx", b"a,b\n", content_type="application/octet-stream")
    response = client.post(reverse("cms_directory_import"), {"file": file})
    assert response.status_code == 200
    assert "The file is not an Excel workbook (.xlsx), or it is damaged." in response.content.decode()
    assert not Service.objects.exists()


def test_the_command_prints_the_file_message_not_a_traceback(tmp_path):
    path = tmp_path / "cut.xlsx"
    path.write_bytes(truncated_sheet_xml())
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import_directory", str(path), "--no-progress", stdout=io.StringIO(), stderr=errors)
    assert "Traceback" not in errors.getvalue() and "(ParseError)" in errors.getvalue()
