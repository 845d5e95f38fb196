"""Reading a spreadsheet (.xlsx or .csv) into rows of text, with the spreadsheet's row numbers."""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from .formulas import restore

MAX_ROWS = 50_000


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (not a row's problem)."""


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, values by column)


def _cell_text(value) -> str:
    """Spreadsheet cells as text: 97042.0 -> "97042", 45.8 -> "45.8", None -> ""."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _sheet(raw_rows) -> Sheet:
    iterator = iter(raw_rows)
    try:
        header_cells = next(iterator)
    except StopIteration:
        raise SpreadsheetError(_("The file is empty: the first row must name the columns.")) from None
    header = [_cell_text(cell).lower() for cell in header_cells]
    while header and not header[-1]:
        header.pop()
    if not any(header):
        raise SpreadsheetError(_("The first row must name the columns (external_id, organization, …)."))
    rows = []
    for number, cells in enumerate(iterator, start=2):
        values = [_cell_text(cell) for cell in cells]
        if not any(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(max)s rows: split it into smaller files.") % {"max": MAX_ROWS}
            )
        values += [""] * (len(header) - len(values))
        rows.append((number, {name: value for name, value in zip(header, values, strict=False) if name}))
    return Sheet(header=header, rows=rows)


def read_csv(data: bytes) -> Sheet:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            _("The CSV file is not in UTF-8. In your spreadsheet choose “Save as… CSV UTF-8” and try again.")
        ) from None
    sample = text[:4096]
    try:
        delimiter = csv.Sniffer().sniff(sample.splitlines()[0] if sample else "", delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    # Only the delimiter is guessed from the header: quoting stays Excel's (a quote inside a quoted cell
    # is doubled), which a header without quotes would make the sniffer forget.
    rows = csv.reader(io.StringIO(text, newline=""), csv.excel, delimiter=delimiter)
    return _sheet([restore(cell) for cell in row] for row in rows)  # the apostrophe our exports put before "="


def read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as error:
        raise SpreadsheetError(_("The file is not a readable Excel workbook (.xlsx).")) from error
    try:
        return _sheet(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()


def read_spreadsheet(data: bytes, filename: str) -> Sheet:
    """Reads ``data`` as the format its ``filename`` says (.xlsx or .csv)."""
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".xlsx":
        return read_xlsx(data)
    if suffix == ".csv":
        return read_csv(data)
    raise SpreadsheetError(
        _("Use an Excel workbook (.xlsx) or a CSV file (.csv), not “%(name)s”.") % {"name": filename}
    )
