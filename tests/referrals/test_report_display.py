"""The reports page reads right: a zero-day median is "0 days", labels are never cut, and every chart has
a table with the same figures for screen readers."""

import html
import re

from django.test import Client
from django.utils import translation

import pytest

from referrals.charts import LABEL_CHARS, bar_chart_svg, duration_label, label_lines

pytestmark = pytest.mark.django_db


def report_page(user, language="en") -> str:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    response = client.get("/workflow/reports/")
    assert response.status_code == 200
    return response.content.decode()


def medians(page) -> dict[str, str]:
    figures = page.split('<dl class="figures">', 1)[1].split("</dl>", 1)[0]
    return dict(re.findall(r"<dt>(.*?)</dt><dd>(.*?)</dd>", figures))


def sections(page) -> dict[str, tuple[list, list]]:
    """{section id: (table rows, chart bars)}, each a list of (label, count) as a person reads them."""
    found = {}
    for key, body in re.findall(r'<section class="report" aria-labelledby="report-(\w+)">(.*?)</section>', page, re.S):
        table = re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>', body)
        bars = re.findall(r"<g><title>(.*?): ([^:<]*)</title>", body)
        found[key] = (
            [(html.unescape(a), html.unescape(b)) for a, b in table],
            [(html.unescape(a), html.unescape(b)) for a, b in bars],
        )
    return found


def test_a_referral_accepted_and_closed_within_minutes_has_medians_of_zero_days(walk, world):
    walk("closed")
    shown = medians(report_page(world.users.network_manager))
    assert shown == {
        "Median time from submission to acceptance": "0 days",
        "Median time from submission to closing": "0 days",
    }
    italian = medians(report_page(world.users.network_manager, "it"))
    assert set(italian.values()) == {"0 giorni"}


def test_no_median_yet_is_a_dash_that_is_explained(world):
    page = report_page(world.users.network_manager)
    assert set(medians(page).values()) == {"—"}
    assert "no referral has reached that step yet" in page


def test_durations_in_words():
    assert duration_label(0) == "0 days"
    assert duration_label(0.2) == "5 hours"
    assert duration_label(0.01) == "1 hour"
    assert duration_label(1) == "1 day"
    assert duration_label(3.0) == "3 days"
    with translation.override("it"):
        assert duration_label(2.5) == "2,5 giorni"
        assert duration_label(0.5) == "12 ore"


def test_every_chart_has_a_table_with_the_same_figures_and_full_labels(walk, world):
    walk("closed")
    walk("submitted")
    page = report_page(world.users.network_manager, "it")
    found = sections(page)
    assert set(found) == {"state", "ambito", "theme", "organisation", "outcome", "result"}
    for key, (table, bars) in found.items():
        assert table, key
        assert table == bars, f"the chart and the table of {key} differ"
    state_table = dict(found["state"][0])
    assert state_table["Inviata, in attesa di valutazione"] == "1"  # the whole label, not "…valutazion"
    assert state_table["Chiusa"] == "1"
    # the chart is hidden from screen readers, who read the table (with its headers) instead
    assert page.count('aria-hidden="true"') >= 6 and '<th scope="col">Stato</th>' in page


def test_long_labels_wrap_at_word_boundaries_and_keep_the_full_text():
    label = "In attesa di una risposta dell'organizzazione oltre il termine, da reindirizzare a un altro servizio"
    lines = label_lines(label)
    assert len(lines) == 3 and all(len(line) <= LABEL_CHARS for line in lines)
    assert lines[0] == "In attesa di una risposta" and lines[-1].endswith("…")
    svg = bar_chart_svg([{"label": label, "count": 4}, {"label": "Chiusa", "count": 2}])
    assert f"<title>{html.escape(label)}: 4</title>" in svg
    assert [html.unescape(t) for t in re.findall(r"<tspan[^>]*>(.*?)</tspan>", svg)] == [*lines, "Chiusa"]
    short = "Inviata, in attesa di valutazione"
    assert " ".join(label_lines(short)) == short  # wrapped, never cut


def test_the_csv_keeps_a_zero_median(walk, world):
    walk("closed")
    client = Client()
    client.force_login(world.users.network_manager)
    rows = client.get("/workflow/reports.csv").content.decode().splitlines()
    assert "median_days_to_accept,,,0.0" in rows and "median_days_to_close,,,0.0" in rows
