"""The CSV downloads of Wagtail's listings and reports (snippet listings, site history, workflow reports)
neutralise formulas too (see :mod:`cms.spreadsheet.formulas`).

Wagtail already stores .xlsx cells that look like formulas as strings, but writes CSV cells as they
are. Every listing and report view inherits ``SpreadsheetExportMixin``, so its CSV value hook is
wrapped once, at start-up, instead of subclassing each of Wagtail's report views.
"""

from wagtail.admin.views.mixins import SpreadsheetExportMixin

from ..spreadsheet.formulas import neutralise


def neutralise_csv_exports() -> None:
    """Called once from ``CmsConfig.ready()``."""
    original = SpreadsheetExportMixin.preprocess_field_value
    if getattr(original, "neutralises_formulas", False):
        return

    def preprocess_field_value(self, field, value, export_format):
        value = original(self, field, value, export_format)
        return neutralise(value) if export_format == self.FORMAT_CSV else value

    preprocess_field_value.neutralises_formulas = True
    SpreadsheetExportMixin.preprocess_field_value = preprocess_field_value
