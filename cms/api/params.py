"""Query parameters of the public read endpoints: declared once, parsed strictly, documented in OpenAPI.

Every endpoint declares its filters. A request with a parameter the endpoint does not know, or a
value it cannot use (an unknown theme code, a malformed date), is answered 400 with a JSON object
naming each offending parameter: ``{"theme": ["Unknown value: “hosing”. Known values: …"]}``. A
typo therefore never silently returns everything.

Filters that take codes accept several values, comma separated or repeated
(``?theme=housing,mediation`` or ``?theme=housing&theme=mediation``): a record matches when it has
any of them. Different filters combine with AND.
"""

import re
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, time

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError

from ..models import Ambito, Municipality, Organization, SpokenLanguage, TargetGroup, Theme


class ParameterError(ValueError):
    """A value of one parameter that cannot be used; the message is shown to the client."""


def raw_values(request, name: str) -> list[str]:
    """Every value of a repeatable, comma-separated parameter, stripped, without blanks."""
    values = []
    for raw in request.GET.getlist(name):
        values += [part.strip() for part in raw.split(",") if part.strip()]
    return values


@dataclass(frozen=True)
class Param:
    """One query parameter: how to read it, how to apply it, and how to document it."""

    name: str
    description: str
    parse: Callable[[list[str]], object]
    apply: Callable[[QuerySet, object], QuerySet] | None = None
    openapi_type: object = OpenApiTypes.STR
    enum: tuple[str, ...] | None = None
    many: bool = True
    default: object = None  # applied when the parameter is absent

    def openapi(self) -> OpenApiParameter:
        description = str(self.description)
        if self.many:
            description += " " + _("Several values: comma separated or repeated (any of them matches).")
        return OpenApiParameter(
            name=self.name,
            type=self.openapi_type,
            location=OpenApiParameter.QUERY,
            required=False,
            description=description,
            enum=list(self.enum) if self.enum else None,
            many=self.many,
            explode=False if self.many else None,
            default=self.default,
        )


def parse_parameters(request, params: Iterable[Param], always_allowed: Iterable[str]) -> dict[str, object]:
    """Parses every declared parameter present; raises a DRF ValidationError naming each bad one."""
    params = list(params)
    allowed = {p.name for p in params} | set(always_allowed)
    errors: dict[str, list[str]] = {}
    for name in sorted(set(request.GET.keys()) - allowed):
        errors[name] = [
            _("Unknown query parameter. This endpoint accepts: %(allowed)s.") % {"allowed": ", ".join(sorted(allowed))}
        ]
    parsed = {}
    for param in params:
        if param.name not in request.GET:
            continue
        values = raw_values(request, param.name)
        if not values:
            errors[param.name] = [_("Give a value, or leave the parameter out.")]
            continue
        if not param.many and len(values) > 1:
            errors[param.name] = [_("Give one value only.")]
            continue
        try:
            parsed[param.name] = param.parse(values if param.many else values[0])
        except ParameterError as error:
            errors[param.name] = [str(error)]
    if errors:
        raise ValidationError(errors)
    return parsed


def apply_parameters(queryset: QuerySet, params: Iterable[Param], parsed: dict[str, object]) -> QuerySet:
    for param in params:
        value = parsed.get(param.name, param.default)
        if value is not None and param.apply is not None:
            queryset = param.apply(queryset, value)
    return queryset


# --- Parsers -----------------------------------------------------------------------------------


def _unknown(values: Iterable[str], known: Iterable[str] | None = None) -> ParameterError:
    message = _("Unknown value: %(values)s.") % {"values": ", ".join(f"“{v}”" for v in values)}
    if known is not None:
        message += " " + _("Known values: %(known)s.") % {"known": ", ".join(known)}
    return ParameterError(message)


def code_parser(model, *, field_name: str = "code", list_known: bool = True) -> Callable[[list[str]], list]:
    """Values are codes of ``model``; the parser returns the matching objects."""

    def parse(values: list[str]) -> list:
        found = {getattr(obj, field_name): obj for obj in model.objects.filter(**{f"{field_name}__in": values})}
        missing = [value for value in values if value not in found]
        if missing:
            known = model.objects.order_by(field_name).values_list(field_name, flat=True) if list_known else None
            raise _unknown(missing, known)
        return list(found.values())

    return parse


ISTAT_CODE = re.compile(r"^\d{6}$")


def parse_comuni(values: list[str]) -> list[Municipality]:
    """Comuni by ISTAT code (six digits, e.g. 097042) or slug (e.g. lecco)."""
    codes = [v for v in values if ISTAT_CODE.match(v)]
    slugs = [v.lower() for v in values if not ISTAT_CODE.match(v)]
    found = list(Municipality.objects.filter(istat_code__in=codes)) + list(Municipality.objects.filter(slug__in=slugs))
    known = {m.istat_code for m in found} | {m.slug for m in found}
    missing = [v for v in values if v not in known and v.lower() not in known]
    if missing:
        raise ParameterError(
            _("Unknown comune: %(values)s. Use an ISTAT code (six digits) or a slug, as listed by %(url)s.")
            % {"values": ", ".join(f"“{v}”" for v in missing), "url": "/api/directory/comuni/"}
        )
    return found


def choice_parser(choices: Iterable[str]) -> Callable[[list[str]], list[str]]:
    choices = list(choices)

    def parse(values: list[str] | str) -> list[str] | str:
        given = [values] if isinstance(values, str) else values  # one value, or several
        missing = [v for v in given if v not in choices]
        if missing:
            raise _unknown(missing, choices)
        return values

    return parse


def parse_uuids(values: list[str]) -> list[uuid.UUID]:
    parsed = []
    for value in values:
        try:
            parsed.append(uuid.UUID(value))
        except ValueError:
            raise ParameterError(_("“%(value)s” is not a UUID.") % {"value": value})
    return parsed


def parse_live_organizations(values: list[str]) -> list[Organization]:
    ids = parse_uuids(values)
    found = {o.uuid: o for o in Organization.objects.public().filter(uuid__in=ids)}
    missing = [str(i) for i in ids if i not in found]
    if missing:
        raise _unknown(missing)
    return list(found.values())


OFFSET_AFTER_SPACE = re.compile(r" (\d{2}:?\d{2})$")


def parse_moment(value: str) -> datetime:
    """An ISO 8601 date or date and time; without an offset it is local time (TIME_ZONE).

    An unencoded ``+`` in a query string arrives as a space: ``…T10:00:00 02:00`` is read as ``+02:00``.
    """
    text = OFFSET_AFTER_SPACE.sub(r"+\1", value.strip())
    try:
        moment = parse_datetime(text)
        if moment is None:
            day = parse_date(text)
            moment = datetime.combine(day, time.min) if day else None
    except ValueError:
        moment = None
    if moment is None:
        raise ParameterError(
            _("“%(value)s” is not an ISO 8601 date or date-time, such as 2025-03-01 or 2025-03-01T09:30:00+01:00.")
            % {"value": value}
        )
    try:
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment, timezone.get_default_timezone())
        moment.astimezone(UTC)  # the database compares in UTC: the first and last hours of the calendar overflow
    except OverflowError:
        raise ParameterError(
            _("“%(value)s” is too far in the past or in the future: give a moment between 0002-01-01 and 9998-12-31.")
            % {"value": value}
        )
    return moment


# --- The filters shared by several endpoints --------------------------------------------------


def language_param(apply) -> Param:
    return Param(
        "language",
        gettext_lazy("Languages spoken by staff or mediators, as ISO 639 codes (see /api/directory/languages/)."),
        code_parser(SpokenLanguage),
        apply,
    )


def theme_param(apply) -> Param:
    return Param(
        "theme", gettext_lazy("Theme codes (see /api/directory/themes/), e.g. housing."), code_parser(Theme), apply
    )


def target_group_param(apply) -> Param:
    return Param(
        "target_group",
        gettext_lazy("Target group codes (see /api/directory/target-groups/), e.g. families."),
        code_parser(TargetGroup),
        apply,
    )


def comune_param(apply, meaning) -> Param:
    return Param(
        "comune",
        format_lazy(
            "{} {}", gettext_lazy("Comuni, by ISTAT code (six digits, e.g. 097042) or slug (e.g. lecco)."), meaning
        ),
        parse_comuni,
        apply,
    )


def ambito_param(apply, meaning) -> Param:
    return Param(
        "ambito",
        format_lazy("{} {}", gettext_lazy("Ambiti, by slug (see /api/directory/ambiti/), e.g. lecco."), meaning),
        code_parser(Ambito, field_name="slug"),
        apply,
    )


def organization_kind_param(apply) -> Param:
    return Param(
        "organization_kind",
        gettext_lazy("Kinds of organisation."),
        choice_parser(Organization.Kind.values),
        apply,
        enum=tuple(Organization.Kind.values),
    )


def _describe_modified_since() -> str:
    return _(
        "Only records modified at or after this moment: an ISO 8601 date or date-time "
        "(without an offset, local time of %(zone)s is meant)."
    ) % {"zone": settings.TIME_ZONE}


def modified_since_param(apply, name: str = "modified_since") -> Param:
    return Param(
        name,
        lazy(_describe_modified_since, str)(),
        parse_moment,
        apply,
        openapi_type=OpenApiTypes.DATETIME,
        many=False,
    )
