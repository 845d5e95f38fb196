"""Anonymous aggregates of the referrals, for network managers and the evaluation body.

Counts by state, ambito, theme and organisation; outcomes and results; median days from
submission to acceptance and to closing. No row ever describes a person. A constant number
of queries whatever the number of referrals (the medians read two timestamps per referral).

The network-wide report (administrators and the evaluation body, who do not see the referrals
themselves) hides small groups: a count between 1 and ``REFERRALS_REPORT_MIN_COUNT`` - 1 (default 5)
is reported as suppressed, and so is a median of fewer referrals; other cells are hidden with them
where the total would give a hidden one away (complementary suppression, :func:`suppress_small_groups`),
and the report covers at least ``REFERRALS_REPORT_MIN_DAYS`` (28) days, so that a narrow date range
cannot single out a person. The dashboard and the CSV show the same figures. Network managers, who
see their ambiti's referrals anyway, get exact counts.
"""

import csv
import io
from datetime import date
from statistics import median

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import Theme
from cms.spreadsheet.formulas import neutralise

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


def minimum_window_days() -> int:
    return max(1, int(getattr(settings, "REFERRALS_REPORT_MIN_DAYS", 28)))


def suppress_small_groups(report: dict, minimum: int) -> dict:
    """Primary and complementary suppression of the network-wide report.

    Primary: a count from 1 to ``minimum`` - 1 is hidden (``suppressed``, printed ``<minimum``).
    Complementary: in each dimension the hidden cells add up to a known figure (the total minus the
    cells shown, and minus the referrals the dimension does not list, e.g. without an outcome); while
    that lets anyone work out a hidden cell exactly (one hidden cell; hidden cells that can only be
    ones), the smallest shown cells are hidden too (``complementary``, printed "hidden"), then the zeros.
    When the total itself is small, nothing but the fact is shown. ``recoverable_cells`` is the check.
    """
    report["minimum_count"] = minimum
    small_total = 0 < report["total"] < minimum
    for dimension, _title in DIMENSIONS:
        rows = report[dimension]
        for row in rows:
            row["suppressed"] = small_total or 0 < row["count"] < minimum
            row["complementary"] = False
        if not small_total and any(row["suppressed"] for row in rows):
            _hide_complementary_cells(report, dimension, minimum)
        for row in report[dimension]:
            if row["suppressed"]:
                row["shown"] = str(_("hidden")) if row["complementary"] else f"<{minimum}"
                row["count"] = None
    if small_total:
        report["total"], report["total_suppressed"] = None, True
    return report


def _hide_complementary_cells(report: dict, dimension: str, minimum: int) -> None:
    rows = report[dimension]
    counts = [row["count"] for row in rows]

    def exposed() -> bool:
        return bool(recoverable_cells(rows, minimum, counts=counts))

    visible = sorted((row for row in rows if not row["suppressed"] and row["count"]), key=lambda row: row["count"])
    for row in visible:  # the smallest shown cells, one at a time
        if not exposed():
            return
        row["suppressed"] = row["complementary"] = True
    if not exposed():
        return
    for row in rows:  # then the zeros too, and no "<5" bound: every hidden cell is just "hidden"
        row["suppressed"] = row["complementary"] = True
    if exposed():  # e.g. five groups of one referral each: not even the list of groups is shown
        report[dimension] = []
        report.setdefault("withheld", []).append(dimension)


def recoverable_cells(rows: list[dict], minimum: int, *, counts: list[int]) -> list[int]:
    """Indexes of the hidden cells whose value follows from what is shown (the attack of item 4).

    What a reader knows of a hidden cell: from 1 to ``minimum`` - 1 when printed ``<minimum``; at
    least 1 when printed "hidden" (0 when zeros are hidden too), and no more; and the sum of the
    hidden cells (the total minus what is shown and what the dimension does not list). ``counts``:
    the true values. A cell is recoverable when its smallest and largest possible values coincide.
    """
    hidden = [index for index, row in enumerate(rows) if row["suppressed"]]
    if not hidden:
        return []
    total = sum(counts[index] for index in hidden)
    zero_hidden = any(counts[index] == 0 for index in hidden)
    bounds = {
        index: (0 if zero_hidden else 1, total) if rows[index]["complementary"] else (1, minimum - 1)
        for index in hidden
    }
    found = []
    for index in hidden:
        others_low = sum(bounds[i][0] for i in hidden if i != index)
        others_high = sum(bounds[i][1] for i in hidden if i != index)
        smallest = max(bounds[index][0], total - others_high)
        largest = min(bounds[index][1], total - others_low)
        if smallest == largest:
            found.append(index)
    return found


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
        check_network_window(dates.get("from"), dates.get("to"))
        minimum = minimum_count()
        report = referral_report(date_from=dates.get("from"), date_to=dates.get("to"), minimum=minimum)
        return suppress_small_groups(report, minimum)
    return referral_report(ambiti=scope.managed_ambiti, date_from=dates.get("from"), date_to=dates.get("to"))


def check_network_window(date_from, date_to) -> None:
    """The network-wide report covers at least ``REFERRALS_REPORT_MIN_DAYS`` days (default 28, so any
    calendar month qualifies), counted up to today at the latest: a one-day report would show what
    happened to the person or two of that day."""
    if date_from is None:
        return  # from the first referral on
    end = min(date_to or timezone.localdate(), timezone.localdate())
    days = minimum_window_days()
    if (end - date_from).days + 1 < days:
        raise ValidationError(
            {
                "from": _(
                    "The network-wide report covers at least %(days)s days up to today: choose an earlier "
                    "start date, or leave it empty."
                )
                % {"days": days}
            }
        )


def report_csv(report: dict) -> str:
    """The report as CSV: one row per counted group, then the medians."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["dimension", "key", "label", "count"])
    writer.writerow(["total", "", "", shown_count(report["total"], report)])
    for dimension, _title in DIMENSIONS:
        for row in report[dimension]:
            cells = [dimension, row["key"], row["label"], row.get("shown") or shown_count(row["count"], report)]
            writer.writerow([neutralise(cell) for cell in cells])  # an organisation named "=HYPERLINK(…)"
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
