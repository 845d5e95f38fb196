"""Anonymous aggregates of the referrals, for network managers and the evaluation body.

Counts by state, ambito, theme and organisation; outcomes and results; median days from
submission to acceptance and to closing. No row ever describes a person. A constant number
of queries whatever the number of referrals (the medians read two timestamps per referral).

The network-wide report (administrators and the evaluation body, who do not see the referrals
themselves) hides small groups: a count between 1 and ``REFERRALS_REPORT_MIN_COUNT`` - 1 (default 5)
is reported as suppressed, and so is a median of fewer referrals, so that a narrow date range cannot
single out a person. Network managers, who see their ambiti's referrals anyway, get exact counts.
"""

import csv
import io
from datetime import date
from statistics import median

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from cms.models import Theme

from .models import CloseResult, Outcome, ReferralProcess, State
from .permissions import Scope

DIMENSIONS = (
    ("state", _("By state")),
    ("ambito", _("By ambito")),
    ("theme", _("By theme")),
    ("organisation", _("By organisation")),
    ("outcome", _("Outcomes")),
    ("result", _("Results at closing")),
)


def _counts(queryset, key: str, label: str) -> list[dict]:
    rows = queryset.values(key, label).annotate(count=Count("pk")).order_by("-count", label)
    return [{"key": row[key], "label": row[label], "count": row["count"]} for row in rows]


def _choices(queryset, field: str, choices) -> list[dict]:
    counts = dict(queryset.exclude(**{field: ""}).values_list(field).annotate(count=Count("pk")))
    return [{"key": value, "label": str(label), "count": counts.get(value, 0)} for value, label in choices]


def _median_days(pairs, minimum: int = 1) -> float | None:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end and end >= start]
    return round(median(days), 1) if days and len(days) >= minimum else None


def minimum_count() -> int:
    return max(1, int(getattr(settings, "REFERRALS_REPORT_MIN_COUNT", 5)))


def suppress_small_groups(report: dict, minimum: int) -> dict:
    """Counts from 1 to ``minimum`` - 1 become ``None`` with ``suppressed: true`` (zero stays zero)."""
    for dimension, _title in DIMENSIONS:
        for row in report[dimension]:
            row["suppressed"] = 0 < row["count"] < minimum
            if row["suppressed"]:
                row["count"] = None
    if 0 < report["total"] < minimum:
        report["total"], report["total_suppressed"] = None, True
    report["minimum_count"] = minimum
    return report


def referral_report(*, ambiti=None, date_from=None, date_to=None, minimum: int = 1) -> dict:
    """Aggregates of submitted referrals (drafts are not counted). ``ambiti=None``: the whole network."""
    queryset = ReferralProcess.objects.exclude(state=State.DRAFT)
    if ambiti is not None:
        queryset = queryset.filter(ambito_id__in=list(ambiti))
    if date_from:
        queryset = queryset.filter(created__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(created__date__lte=date_to)
    theme_names = {theme.code: theme.name for theme in Theme.objects.all()}
    by_theme = _counts(queryset, "theme__code", "theme__code")
    for row in by_theme:
        row["label"] = theme_names.get(row["key"], row["key"])
    return {
        "total": queryset.count(),
        "state": _choices(queryset, "state", [(value, label) for value, label in State.choices if value != "draft"]),
        "ambito": _counts(queryset, "ambito__slug", "ambito__name"),
        "theme": by_theme,
        "organisation": _counts(queryset, "organization_id", "organization__name"),
        "outcome": _choices(queryset, "outcome", Outcome.choices),
        "result": _choices(queryset, "close_result", CloseResult.choices),
        "median_days_to_accept": _median_days(
            queryset.filter(accepted_at__isnull=False).values_list("submitted_at", "accepted_at"), minimum
        ),
        "median_days_to_close": _median_days(
            queryset.filter(state=State.CLOSED).values_list("submitted_at", "closed_at"), minimum
        ),
        "scope": "network" if ambiti is None else "ambiti",
    }


def report_for(user, params) -> dict:
    """The report ``user`` may read: their ambiti (network managers) or the whole network (administrators and
    the evaluation body). ``params``: optional ``from`` and ``to`` dates (YYYY-MM-DD)."""
    scope = Scope.of(user)
    dates = {}
    for key in ("from", "to"):
        value = (params.get(key) or "").strip()
        if value:
            try:
                dates[key] = date.fromisoformat(value)
            except ValueError:
                raise ValidationError({key: _("Use the format YYYY-MM-DD.")})
    if scope.reports_network_wide:
        minimum = minimum_count()
        report = referral_report(date_from=dates.get("from"), date_to=dates.get("to"), minimum=minimum)
        return suppress_small_groups(report, minimum)
    return referral_report(ambiti=scope.managed_ambiti, date_from=dates.get("from"), date_to=dates.get("to"))


def report_csv(report: dict) -> str:
    """The report as CSV: one row per counted group, then the medians."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "count"])
    writer.writerow(["total", "", "", shown_count(report["total"], report)])
    for dimension, _title in DIMENSIONS:
        for row in report[dimension]:
            writer.writerow([dimension, row["key"], row["label"], shown_count(row["count"], report)])
    for figure in ("median_days_to_accept", "median_days_to_close"):
        writer.writerow([figure, "", "", "" if report[figure] is None else report[figure]])  # 0.0 is a value
    return out.getvalue()


def shown_count(count: int | None, report: dict) -> str | int:
    """A count as printed: ``<5`` when it was suppressed."""
    return f"<{report.get('minimum_count', 1)}" if count is None else count


def csv_response(report: dict) -> HttpResponse:
    response = HttpResponse(report_csv(report), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="referrals-report.csv"'
    return response
