"""Path converters of the referral URLs."""

from django.urls import register_converter


class RecordIdConverter:
    """A database id: 1 to 18 digits, so that it always fits a 64-bit integer column.

    Django's ``int`` converter takes any number of digits; a 21-digit id reached the database
    and SQLite raised ``OverflowError`` (a 500). Longer numbers do not match: 404, as for any
    unknown id.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


register_converter(RecordIdConverter, "id")
