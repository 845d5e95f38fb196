"""Service-level targets per step, counted in working days of the referring office's calendar.

A working day is Monday to Friday, not a holiday of the office's calendar: Italy's public holidays
from the maintained ``holidays`` package (Easter Monday, 4 October San Francesco from 2026...), with
the package's subdivision of the office's province, which adds the patron saint's day of its
capital (Monza e Brianza: 24 June; Lecco: 6 December).

Defaults: triage in 2 working days, the organisation's answer in 2 working days, the outcome
within 14 calendar days of acceptance; and, so that no referral waits unseen, a redirection after a
decline in 2 working days, a waiting list reviewed within 30 days, and the social worker's closing
review within 5 working days of the outcome. Late steps appear in the overdue lists and in the daily
reminders to whoever must act; triage, answer and outcome also escalate by timer. Override with
the ``REFERRALS_SLA`` setting, e.g. ``{"triage": {"working_days": 3}, "outcome": {"days": 21}}``.
Other local holidays (the patron saint of another comune) go in ``REFERRALS_EXTRA_HOLIDAYS`` as
``MM-DD`` (every year) or ``YYYY-MM-DD``; they count for every office.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import holidays as calendars

from cms.models import Municipality

TRIAGE = "triage"
ORGANISATION_RESPONSE = "organisation_response"
OUTCOME = "outcome"
REDIRECT = "redirect"
WAITING_LIST = "waiting_list"
CLOSE = "close"

DEFAULT_SLAS = {
    TRIAGE: {"working_days": 2},
    ORGANISATION_RESPONSE: {"working_days": 2},
    OUTCOME: {"days": 14},
    REDIRECT: {"working_days": 2},
    WAITING_LIST: {"days": 30},
    CLOSE: {"working_days": 5},
}

STEP_LABELS = {
    TRIAGE: _("triage by the network manager"),
    ORGANISATION_RESPONSE: _("answer of the organisation"),
    OUTCOME: _("outcome of the volunteer task"),
    REDIRECT: _("redirection by the network manager"),
    WAITING_LIST: _("review of the waiting list"),
    CLOSE: _("closing review by the social worker"),
}


def targets() -> dict:
    configured = getattr(settings, "REFERRALS_SLA", None) or {}
    return {step: dict(configured.get(step) or default) for step, default in DEFAULT_SLAS.items()}


@lru_cache(maxsize=64)
def holidays(year: int, subdivision: str | None = None, extra: tuple = ()) -> frozenset:
    """The holidays of ``year``: Italy's, its province ``subdivision``'s (e.g. ``"LC"``) and ``extra``."""
    days = set(calendars.Italy(years=year, subdiv=subdivision))
    for item in extra:
        parts = [int(part) for part in str(item).split("-")]
        if len(parts) == 2:
            days.add(date(year, *parts))
        elif len(parts) == 3 and parts[0] == year:
            days.add(date(*parts))
    return frozenset(days)


def is_working_day(day: date, subdivision: str | None = None) -> bool:
    extra = tuple(getattr(settings, "REFERRALS_EXTRA_HOLIDAYS", ()) or ())
    return day.weekday() < 5 and day not in holidays(day.year, subdivision, extra)


def office_subdivision(process) -> str | None:
    """The province (a ``holidays`` subdivision) of the office that referred ``process``, if it has one."""
    municipality_id = getattr(process, "office_municipality_id", None)
    ambito_id = getattr(process, "office_ambito_id", None)
    if municipality_id:
        provinces = Municipality.objects.filter(pk=municipality_id)
    elif ambito_id:
        provinces = Municipality.objects.filter(ambito_id=ambito_id)  # an ambito lies in one province
    else:
        return None
    province = provinces.values_list("province", flat=True).first()
    return province if province in calendars.Italy.subdivisions else None


def add_working_days(start: datetime, count: int, subdivision: str | None = None) -> datetime:
    """The same local time ``count`` working days after ``start``, in the calendar of ``subdivision``."""
    local = timezone.localtime(start)
    day = local.date()
    added = 0
    while added < count:
        day += timedelta(days=1)
        if is_working_day(day, subdivision):
            added += 1
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def deadline(step: str, *, start: datetime, subdivision: str | None = None) -> datetime:
    """When ``step``, begun at ``start``, is due (working days in the calendar of ``subdivision``)."""
    target = targets()[step]
    if target.get("working_days") is not None:
        return add_working_days(start, int(target["working_days"]), subdivision)
    return start + timedelta(days=int(target.get("days", 0)), hours=int(target.get("hours", 0)))
