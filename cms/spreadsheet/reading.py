"""Reading a spreadsheet (.xlsx or .csv) into rows of text, with the spreadsheet's row numbers.

Whatever the bytes, reading either gives rows or raises ``SpreadsheetError`` with a message a
person understands: a damaged or disguised workbook, a file too large once unpacked (a zip bomb),
more rows or columns than an import may have. Reading stops after ``MAX_EMPTY_ROWS`` empty rows
in a row (a sheet "used" down to row 1,048,576 has nothing after its data). Cells holding
control characters, and formulas saved without a value, are reported on their row and column
(``Sheet.cell_errors``).
"""

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath

from django.utils.translation import gettext as _

from .formulas import restore

MAX_ROWS = 50_000
MAX_COLUMNS = 200  # the import knows about 60 columns; more is not a directory sheet
MAX_EMPTY_ROWS = 1_000  # consecutive empty rows after which the data is taken to have ended
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # an .xlsx is a zip: its parts once decompressed
# C0 control characters (NUL...) and DEL; tab and line breaks are ordinary text in a cell.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class SpreadsheetError(Exception):
    """The file as a whole cannot be read (not a row's problem)."""


class _FormulaWithoutValue:
    """A formula cell saved without its computed value (written by a program, never opened in Excel)."""


FORMULA_WITHOUT_VALUE = _FormulaWithoutValue()


@dataclass
class Sheet:
    header: list[str]
    rows: list[tuple[int, dict[str, str]]]  # (row number as the spreadsheet shows it, values by column)
    cell_errors: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column name, message)


def _cell_text(value) -> str:
    """Spreadsheet cells as text: 97042.0 -> "97042", 45.8 -> "45.8", None -> ""."""
    if value is None or value is FORMULA_WITHOUT_VALUE:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(Decimal(repr(value)), "f")
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _cell_problem(value, text: str) -> str | None:
    if value is FORMULA_WITHOUT_VALUE:
        return _("This cell is a formula without a value: copy the column and paste it as values, then save.")
    if CONTROL_CHARACTERS.search(text):
        return _("This cell contains a control character (such as NUL): delete it and type the text again.")
    return None


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
    if len(header) > MAX_COLUMNS:
        raise SpreadsheetError(
            _("The first row names more than %(max)s columns: this is not a directory sheet.") % {"max": MAX_COLUMNS}
        )
    sheet = Sheet(header=header, rows=[])
    empty_in_a_row = 0
    for number, cells in enumerate(iterator, start=2):
        cells = list(cells[: len(header)])
        values = [_cell_text(cell) for cell in cells]
        if not any(values) and FORMULA_WITHOUT_VALUE not in cells:
            empty_in_a_row += 1
            if empty_in_a_row >= MAX_EMPTY_ROWS:
                break
            continue
        empty_in_a_row = 0
        if len(sheet.rows) >= MAX_ROWS:
            raise SpreadsheetError(
                _("The file has more than %(max)s rows: split it into smaller files.") % {"max": MAX_ROWS}
            )
        for name, cell, text in zip(header, cells, values, strict=False):
            problem = _cell_problem(cell, text)
            if problem and name:
                sheet.cell_errors.append((number, name, problem))
        values += [""] * (len(header) - len(values))
        sheet.rows.append((number, {name: value for name, value in zip(header, values, strict=False) if name}))
    return sheet


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
    try:
        return _sheet([restore(cell) for cell in row] for row in rows)  # the apostrophe our exports put before "="
    except csv.Error as error:
        raise SpreadsheetError(
            _("The CSV file cannot be read (%(reason)s). Save it again from your spreadsheet as “CSV UTF-8”.")
            % {"reason": error}
        ) from None


def _check_archive(data: bytes) -> None:
    """Refuses what is not a zip (an .xlsx is one) and zips that unpack to more than an import may hold."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SpreadsheetError(
            _(
                "The file is not an Excel workbook (.xlsx), or it is damaged. Open it in your spreadsheet, "
                "save it again as “Excel workbook (.xlsx)” and try again."
            )
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise SpreadsheetError(
            _("The workbook unpacks to more than %(max)s MB: split it into smaller files.")
            % {"max": MAX_UNPACKED_BYTES // (1024 * 1024)}
        )


def _xlsx_rows(workbook):
    """The rows of the first sheet as lists of values, with formulas saved without a value marked.

    openpyxl's read-only sheet reads a formula's cached value and gives None when there is none
    (an empty cell, to the import). Its own sheet parser, with one method extended, tells the two
    apart; missing rows come out empty, as openpyxl's iterator gives them.
    """
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        def parse_cell(self, element):
            cell = super().parse_cell(element)
            if cell["value"] is None and element.find(FORMULA_TAG) is not None:
                cell["value"] = FORMULA_WITHOUT_VALUE
            return cell

    sheet = workbook.worksheets[0]
    with sheet._get_source() as source:
        parser = Parser(
            source,
            sheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        expected = 1
        for number, cells in parser.parse():
            while expected < number:  # rows the file leaves out are empty
                yield []
                expected += 1
            values = [None] * min(max((cell["column"] for cell in cells), default=0), MAX_COLUMNS + 1)
            for cell in cells:
                if cell["column"] <= len(values):
                    values[cell["column"] - 1] = cell["value"]
            yield values
            expected += 1


def read_xlsx(data: bytes) -> Sheet:
    from openpyxl import load_workbook

    _check_archive(data)
    damaged = _(
        "The workbook is damaged and cannot be read (%(reason)s). Open it in your spreadsheet, save it again "
        "as “Excel workbook (.xlsx)” and try again."
    )
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # any bytes at all come in: every failure to parse them is "damaged"
        raise SpreadsheetError(damaged % {"reason": type(error).__name__}) from error
    try:
        if not workbook.worksheets:
            raise SpreadsheetError(_("The workbook has no sheet."))
        return _sheet(_xlsx_rows(workbook))
    except SpreadsheetError:
        raise
    except Exception as error:  # a truncated or malformed sheet XML (ParseError...), found while reading rows
        raise SpreadsheetError(damaged % {"reason": type(error).__name__}) from error
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
