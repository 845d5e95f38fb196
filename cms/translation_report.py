"""How complete the translations are: per language, published records and pages with every field translated.

A record is *complete* in a language when every translated field that has an Italian text also
has a text in that language (a field left empty in Italian needs no translation). Raw values
are read with fallbacks off: a missing Arabic description counts as missing even though readers
see the Italian one.

The counts are one aggregate query per directory model and one query per page model, whatever
the number of records.
"""

from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from modeltranslation.utils import fallbacks

from .languages import localized, translated_field_names, translation_languages
from .models import GuidelineIndexPage, GuidelinePage, HomePage, Location, Organization, Service
from .permissions import records_in_scope

# Derived from the titles, not written by translators.
NOT_REPORTED = {"slug", "url_path"}

DIRECTORY_KINDS = {"service": Service, "organization": Organization, "location": Location}
PAGE_MODELS = (HomePage, GuidelineIndexPage, GuidelinePage)
KIND_LABELS = {
    "service": _("Services"),
    "organization": _("Organisations"),
    "location": _("Locations"),
    "page": _("Pages"),
}


def reported_fields(model) -> list[str]:
    return [name for name in translated_field_names(model) if name not in NOT_REPORTED]


def _empty(column: str) -> Q:
    return Q(**{f"{column}__isnull": True}) | Q(**{column: ""})


def complete_filter(model, language: str) -> Q:
    """Records of ``model`` (text fields only) translated into ``language`` wherever Italian has a text."""
    condition = Q()
    for name in reported_fields(model):
        condition &= _empty(localized(name, "it")) | ~_empty(localized(name, language))
    return condition


def _is_empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return len(value) == 0
    except TypeError:
        return False


def missing_fields(record, language: str) -> list[str]:
    """The translated fields of ``record`` that have an Italian text and none in ``language``."""
    missing = []
    with fallbacks(False):
        for name in reported_fields(type(record)):
            if not _is_empty(getattr(record, localized(name, "it"))) and _is_empty(
                getattr(record, localized(name, language))
            ):
                missing.append(name)
    return missing


@dataclass
class Completeness:
    kind: str
    complete: int
    total: int

    @property
    def label(self):
        return KIND_LABELS[self.kind]

    @property
    def incomplete(self) -> int:
        return self.total - self.complete

    @property
    def percent(self) -> int:
        return round(100 * self.complete / self.total) if self.total else 100


@dataclass
class LanguageCompleteness:
    language: str
    kinds: list[Completeness] = field(default_factory=list)


def published_records(kind: str, user) -> QuerySet:
    """The published records of a directory kind that ``user`` may edit."""
    model = DIRECTORY_KINDS[kind]
    return records_in_scope(model.objects.filter(live=True), user)


def published_pages() -> list:
    """Every published translated page, with its translated columns (one query per page model)."""
    pages = []
    for model in PAGE_MODELS:
        pages.extend(model.objects.live().order_by("path"))
    return pages


def translation_completeness(user) -> list[LanguageCompleteness]:
    """Per translation language: complete and total published records of each kind, and pages."""
    languages = translation_languages()
    rows = {code: LanguageCompleteness(language=code) for code in languages}
    for kind, model in DIRECTORY_KINDS.items():
        counts = published_records(kind, user).aggregate(
            total=Count("pk"),
            **{code: Count("pk", filter=complete_filter(model, code)) for code in languages},
        )
        for code in languages:
            rows[code].kinds.append(Completeness(kind=kind, complete=counts[code], total=counts["total"]))
    pages = published_pages()
    for code in languages:
        complete = sum(1 for page in pages if not missing_fields(page, code))
        rows[code].kinds.append(Completeness(kind="page", complete=complete, total=len(pages)))
    return list(rows.values())


def incomplete_records(kind: str, language: str, user):
    """The published records (a queryset) or pages (a list) of ``kind`` not complete in ``language``."""
    if kind == "page":
        return [page for page in published_pages() if missing_fields(page, language)]
    model = DIRECTORY_KINDS[kind]
    return published_records(kind, user).exclude(complete_filter(model, language)).order_by("pk")
