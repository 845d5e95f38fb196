"""Spreadsheet import and export of the directory (``manage.py import_directory`` / ``export_directory``
and Directory › Import and export in the admin)."""

from .exporting import export_directory, write_spreadsheet
from .importing import ImportResult, RowError, import_directory

__all__ = ["ImportResult", "RowError", "export_directory", "import_directory", "write_spreadsheet"]
