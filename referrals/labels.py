"""Words for people instead of stored codes, for the staff pages: language names in the interface
language, the labels of states, urgencies, outcomes and consent methods, dates in the local time
zone, and "overdue by 2 working days" phrases (counted with ``referrals.sla``).

Nothing here queries the database per row: a page shows a hundred rows with the same queries as one.
"""

from datetime import date, datetime

from django.conf.locale import LANG_INFO
from django.utils import formats, timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import sla
from .models import CloseResult, Consent, EmergencyCallState, Outcome, State, Urgency

# Languages of the directory that Django's own catalogue does not name (it names the others in
# every interface language).
EXTRA_LANGUAGE_NAMES = {
    "zh": _("Chinese"),
    "si": _("Sinhala"),
    "tl": _("Tagalog"),
    "wo": _("Wolof"),
    "ff": _("Fula"),
    "bm": _("Bambara"),
    "ha": _("Hausa"),
    "yo": _("Yoruba"),
    "tw": _("Twi"),
    "ti": _("Tigrinya"),
    "am": _("Amharic"),
    "so": _("Somali"),
    "ps": _("Pashto"),
    "ku": _("Kurdish"),
    "lis": _("Italian Sign Language"),
}

CHOICE_LABELS = {
    "state": dict(State.choices),
    "urgency": dict(Urgency.choices),
    "outcome": dict(Outcome.choices),
    "close_result": dict(CloseResult.choices),
    "consent_method": dict(Consent.Method.choices),
    "call_state": dict(EmergencyCallState.choices),
}


def language_name(code, fallback: str = "") -> str:
    """The name of a language in the interface language: ``ar`` → "arabo" in Italian, "Arabic" in English."""
    if not code:
        return ""
    code = str(code)
    if code in EXTRA_LANGUAGE_NAMES:
        return str(EXTRA_LANGUAGE_NAMES[code])
    info = LANG_INFO.get(code)
    if info and "name" in info:
        return gettext(info["name"])
    return fallback or code


def label(kind: str, code) -> str:
    """The translated label of a stored code (``label("outcome", "help_received")`` → "Help received")."""
    if not code:
        return ""
    return str(CHOICE_LABELS[kind].get(code, code))


def as_datetime(value) -> datetime | None:
    if isinstance(value, str):
        value = parse_datetime(value)
    if not isinstance(value, datetime):
        return None
    return timezone.localtime(value) if timezone.is_aware(value) else value


def when(value, format_name: str = "SHORT_DATETIME_FORMAT") -> str:
    """A date and time in the active language's format and the local time zone (Europe/Rome)."""
    moment = as_datetime(value)
    return formats.date_format(moment, format_name) if moment else ""


def day(value) -> str:
    """A date in the active language's short format."""
    if isinstance(value, str):
        value = parse_date(value[:10])
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT") if isinstance(value, date) else ""


def due_phrase(value, now: datetime | None = None) -> str:
    """ "due today", "due in 3 working days", "overdue by 2 working days" for a step's time limit."""
    due = as_datetime(value)
    if due is None:
        return ""
    now = timezone.localtime(now or timezone.now())
    if due >= now:
        days = sla.working_days_between(now.date(), due.date())
        if days == 0:
            return gettext("due today at %(time)s") % {"time": formats.time_format(due, "TIME_FORMAT")}
        return ngettext("due in %(days)s working day", "due in %(days)s working days", days) % {"days": days}
    days = sla.working_days_between(due.date(), now.date())
    if days == 0:
        return gettext("overdue since %(time)s today") % {"time": formats.time_format(due, "TIME_FORMAT")}
    return ngettext("overdue by %(days)s working day", "overdue by %(days)s working days", days) % {"days": days}
