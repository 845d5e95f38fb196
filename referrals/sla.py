"""Service-level targets per step, counted in working days (Monday to Friday, Italian public holidays excluded).

Defaults: triage in 2 working days, the organisation's answer in 2 working days, the outcome
within 14 calendar days of acceptance; and, so that no referral waits unseen, a redirection after a
decline in 2 working days, a waiting list reviewed within 30 days, and the social worker's closing
review within 5 working days of the outcome. Late steps appear in the overdue lists and in the daily
reminders to whoever must act; triage, answer and outcome also escalate by timer. Override with
the ``REFERRALS_SLA`` setting, e.g. ``{"triage": {"working_days": 3}, "outcome": {"days": 21}}``.
Local holidays (a patron saint's day) go in ``REFERRALS_EXTRA_HOLIDAYS`` as ``MM-DD`` (every year) or ``YYYY-MM-DD``.
"""

from datetime import date, datetime, timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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

# Italian national holidays with a fixed date (Easter Monday is computed).
FIXED_HOLIDAYS = {(1, 1), (1, 6), (4, 25), (5, 1), (6, 2), (8, 15), (11, 1), (12, 8), (12, 25), (12, 26)}


def targets() -> dict:
    configured = getattr(settings, "REFERRALS_SLA", None) or {}
    return {step: dict(configured.get(step) or default) for step, default in DEFAULT_SLAS.items()}


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm of Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@lru_cache(maxsize=64)
def holidays(year: int, extra: tuple = ()) -> frozenset:
    days = {date(year, month, day) for month, day in FIXED_HOLIDAYS}
    days.add(easter_sunday(year) + timedelta(days=1))
    for item in extra:
        parts = [int(part) for part in str(item).split("-")]
        if len(parts) == 2:
            days.add(date(year, *parts))
        elif len(parts) == 3 and parts[0] == year:
            days.add(date(*parts))
    return frozenset(days)


def is_working_day(day: date) -> bool:
    extra = tuple(getattr(settings, "REFERRALS_EXTRA_HOLIDAYS", ()) or ())
    return day.weekday() < 5 and day not in holidays(day.year, extra)


def add_working_days(start: datetime, count: int) -> datetime:
    """The same local time ``count`` working days after ``start``."""
    local = timezone.localtime(start)
    day = local.date()
    added = 0
    while added < count:
        day += timedelta(days=1)
        if is_working_day(day):
            added += 1
    naive = datetime.combine(day, local.time().replace(tzinfo=None))
    return timezone.make_aware(naive, timezone.get_current_timezone())


def deadline(step: str, *, start: datetime) -> datetime:
    """When ``step``, begun at ``start``, is due."""
    target = targets()[step]
    if target.get("working_days") is not None:
        return add_working_days(start, int(target["working_days"]))
    return start + timedelta(days=int(target.get("days", 0)), hours=int(target.get("hours", 0)))


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``)."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count
