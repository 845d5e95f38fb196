"""The columns of the directory spreadsheet (one row = one service at one address).

- ``external_id``: the ambito's stable key of the row; importing again updates the same service.
- ``organization``, ``organization_kind``: who offers the service (created when new; kinds:
  public_office, social_cooperative, consortium, volunteer_association, other).
- ``comune_istat``: ISTAT code of the comune of the address (six digits, e.g. 097042 for Lecco).
- ``name_<lang>``, ``description_<lang>``, ``eligibility_<lang>``, ``how_to_access_<lang>``: the
  texts; the Italian name and description are required, the other languages optional.
- ``opening_hours_<lang>``: opening hours of the address (Italian and, optionally, translations).
- ``themes``, ``target_groups``: codes separated by ``;`` (the admin's Taxonomy menu lists them).
- ``languages_spoken``: ISO 639 codes separated by ``;`` (it; ar; fr).
- ``address``, ``cap``, ``latitude``, ``longitude``: the address; CAP and coordinates default to the comune's.
- ``phone``, ``email``, ``website``: contacts of the service.
- ``cost``: free, reduced or paid (gratuito, ridotto, a pagamento are understood too).
"""

from ..languages import content_languages, localized

TRANSLATED_SERVICE_FIELDS = ("name", "description", "eligibility", "how_to_access")
TRANSLATED_LOCATION_FIELDS = ("opening_hours",)
LIST_SEPARATOR = ";"

REQUIRED_COLUMNS = ("external_id", "organization", "comune_istat", "name_it", "description_it")


def text_columns(language: str) -> list[str]:
    return [localized(field, language) for field in (*TRANSLATED_SERVICE_FIELDS, *TRANSLATED_LOCATION_FIELDS)]


def all_columns() -> list[str]:
    """Every column the import accepts, in the order the export writes them."""
    columns = ["external_id", "organization", "organization_kind", "comune_istat"]
    for language in content_languages():
        columns += text_columns(language)
    columns += [
        "themes",
        "target_groups",
        "languages_spoken",
        "address",
        "cap",
        "latitude",
        "longitude",
        "phone",
        "email",
        "website",
        "cost",
    ]
    return columns


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how spreadsheets name columns."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters
