"""The data-quality checks of the directory, per ambito: one definition of each check (a filter), used
by the dashboard's counts, by the filtered admin listings the counts link to, and by the CSV export,
so that a count always equals the records behind its link."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Count, Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Cast
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail.models import WorkflowState

from .languages import language_name, localized, translation_languages
from .models import LinkCheck, Location, Organization, Service
from .permissions import records_in_scope
from .verification.cycle import in_ambito_filter, overdue_filter


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    condition: Callable[[type], Q]
    live_only: bool = True


def _no_text(field: str) -> Q:
    return Q(**{field: ""}) | Q(**{f"{field}__isnull": True})


def _in_moderation(model) -> Q:
    states = WorkflowState.objects.filter(
        base_content_type=ContentType.objects.get_for_model(model, for_concrete_model=True),
        status=WorkflowState.STATUS_IN_PROGRESS,
        object_id=Cast(OuterRef("pk"), CharField()),
    )
    return Q(Exists(states))


def _broken_website(model) -> Q:
    return Q(Exists(LinkCheck.objects.filter(url=OuterRef("website"), ok=False))) & ~Q(website="")


def _without_contact(model) -> Q:
    own = Q(phone="", email="", website="")
    if model is Organization:
        return own
    located = Location.objects.filter(service_at_locations__service=OuterRef("pk")).exclude(phone="")
    return own & ~Q(Exists(located)) & Q(organization__phone="", organization__email="", organization__website="")


def _missing_translation(code: str) -> Callable[[type], Q]:
    def condition(model) -> Q:
        return _no_text(localized("description", code))

    return condition


def service_checks() -> list[Check]:
    return [
        Check("overdue", _("Verification overdue"), lambda m: overdue_filter()),
        Check("no_contact", _("No contact (service, locations, organisation)"), _without_contact),
        Check("broken_link", _("Website not answering"), _broken_website),
        *[
            Check(
                f"missing_{code}",
                format_lazy(_("Description not translated: {language}"), language=language_name(code)),
                _missing_translation(code),
            )
            for code in translation_languages()
        ],
        Check("in_moderation", _("Waiting for moderation"), _in_moderation, live_only=False),
    ]


def organization_checks() -> list[Check]:
    return [
        Check("overdue", _("Verification overdue"), lambda m: overdue_filter()),
        Check("no_contact", _("No contact"), _without_contact),
        Check("broken_link", _("Website not answering"), _broken_website),
        Check("in_moderation", _("Waiting for moderation"), _in_moderation, live_only=False),
    ]


def location_checks() -> list[Check]:
    return [
        Check(
            "centre_coordinates",
            _("Coordinates of the comune's centre, not of the door"),
            lambda m: Q(latitude=F("municipality__latitude"), longitude=F("municipality__longitude")),
        ),
        Check("no_opening_hours", _("No opening hours"), lambda m: _no_text(localized("opening_hours", "it"))),
        Check("in_moderation", _("Waiting for moderation"), _in_moderation, live_only=False),
    ]


CHECKS_OF = {Service: service_checks, Organization: organization_checks, Location: location_checks}


def checks_of(model) -> list[Check]:
    return CHECKS_OF[model]()


def check_choices(model) -> list[tuple[str, str]]:
    return [(check.key, check.label) for check in checks_of(model)]


def check_filter(model, key: str) -> Q:
    """The condition of one check, as the filtered listing applies it."""
    for check in checks_of(model):
        if check.key == key:
            condition = check.condition(model)
            return condition & Q(live=True) if check.live_only else condition
    return Q(pk__in=[])


def in_ambito(queryset: QuerySet, ambito_id: int) -> QuerySet:
    model = queryset.model
    return queryset.filter(pk__in=model.objects.filter(in_ambito_filter(model, ambito_id)).values("pk"))


@dataclass(frozen=True)
class CheckCount:
    model: type
    check: Check
    count: int


def counts(user, ambito_id: int) -> list[CheckCount]:
    """Every check's count for one ambito, among the records ``user`` may edit (one query per model)."""
    result = []
    for model in (Service, Organization, Location):
        checks = checks_of(model)
        base = in_ambito(records_in_scope(model.objects.all(), user), ambito_id)
        totals = base.aggregate(
            **{check.key: Count("pk", distinct=True, filter=check_filter(model, check.key)) for check in checks}
        )
        result.extend(CheckCount(model, check, totals[check.key]) for check in checks)
    return result
