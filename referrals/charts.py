"""How the report reads: bar charts whose labels are never cut, and durations in words.

The figures come from ``referrals.reports``; this module only draws them. Every chart is drawn
next to a table holding the same figures (the table is what screen readers read: the drawing is
hidden from them), and every label is shown in full, wrapped on up to ``MAX_LINES`` lines; a label
longer still is abbreviated with "…" and its full text kept in the SVG ``<title>`` (a tooltip) and
in the table.
"""

import textwrap

from django.utils.formats import number_format
from django.utils.html import escape
from django.utils.translation import gettext_lazy, ngettext

# The heading of the first column of each report table (the keys of ``referrals.reports.DIMENSIONS``).
COLUMN_HEADINGS = {
    "state": gettext_lazy("State"),
    "ambito": gettext_lazy("Ambito"),
    "theme": gettext_lazy("Theme"),
    "organisation": gettext_lazy("Organisation"),
    "outcome": gettext_lazy("Outcome"),
    "result": gettext_lazy("Result"),
}

LABEL_CHARS = 26  # characters per line of a label (12 px text in a 190 px column)
MAX_LINES = 3
LINE_HEIGHT = 14


def label_lines(label: str, *, width: int = LABEL_CHARS, max_lines: int = MAX_LINES) -> list[str]:
    """``label`` wrapped at word boundaries; past ``max_lines`` the last line ends with "…"."""
    lines = textwrap.wrap(str(label), width=width, break_long_words=True) or [""]
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1][: width - 1].rstrip() + "…"
    return lines


def bar_chart_svg(rows: list[dict], *, width: int = 480, bar: int = 18, gap: int = 8, minimum: int = 1) -> str:
    """A horizontal bar chart as inline SVG (no JavaScript, no CDN), scaled to the width of its box.
    Labels are escaped and wrapped; a suppressed count (``None``) is drawn as a thin bar labelled ``<minimum``.
    Hidden from screen readers (``aria-hidden``): the table beside it has the same figures."""
    if not rows:
        return ""
    label_width, count_width = 190, 40
    scale = (width - label_width - count_width) / max(max(row["count"] or 0 for row in rows), 1)
    parts, y = [], 0
    for row in rows:
        lines = label_lines(row["label"])
        height = max(bar, len(lines) * LINE_HEIGHT)
        count = row["count"]
        length = 1 if count is None else max(count * scale, 1 if count else 0)
        shown = escape(row.get("shown") or f"<{minimum}" if count is None else count)
        label = escape(str(row["label"]))
        first_line = y + (height - len(lines) * LINE_HEIGHT) / 2 + LINE_HEIGHT - 3
        text = "".join(
            f'<tspan x="{label_width - 6}" y="{first_line + index * LINE_HEIGHT:.1f}">{escape(line)}</tspan>'
            for index, line in enumerate(lines)
        )
        bar_y = y + (height - bar) / 2
        parts.append(
            f"<g><title>{label}: {shown}</title>"
            f'<text text-anchor="end">{text}</text>'
            f'<rect x="{label_width}" y="{bar_y:.1f}" width="{length:.1f}" height="{bar}" rx="2"></rect>'
            f'<text x="{label_width + length + 4:.1f}" y="{bar_y + bar - 5:.1f}">{shown}</text></g>'
        )
        y += height + gap
    total = y - gap
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {total}" width="{width}" height="{total}" '
        f'class="chart" aria-hidden="true" focusable="false" preserveAspectRatio="xMinYMin meet">'
        + "".join(parts)
        + "</svg>"
    )


def duration_label(days: float | None) -> str:
    """A median duration in words: "0 days", "5 hours" under a day, "2.5 days" (in the active language's
    number format); "—" when there is none (no referral reached the step, or too few to show)."""
    if days is None:
        return "—"
    if days == 0:
        return ngettext("%(count)s day", "%(count)s days", 0) % {"count": 0}
    if days < 1:
        hours = max(1, round(days * 24))
        return ngettext("%(count)s hour", "%(count)s hours", hours) % {"count": hours}
    shown = number_format(days, decimal_pos=0 if float(days).is_integer() else 1)
    return ngettext("%(count)s day", "%(count)s days", 2 if days != 1 else 1) % {"count": shown}
