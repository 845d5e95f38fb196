"""Item 4 of the security review: a suppressed cell of the network-wide report cannot be worked out from the
total, the zeros or the other cells (complementary suppression), and the report covers at least four weeks."""

import csv
import datetime
import io
import itertools

from django.test import Client
from django.utils import timezone

import pytest

from referrals.models import ReferralProcess
from referrals.reports import DIMENSIONS, suppress_small_groups

pytestmark = pytest.mark.django_db


def attacker_recovers(report: dict, exact: dict) -> list[tuple[str, object, int]]:
    """Every (dimension, key, value) an attacker works out from the published ``report``.

    Brute force, independent of the code under test: for each dimension, every assignment of the hidden
    cells consistent with what is printed (a "<m" cell is 1..m-1, a "hidden" one 0 or more, zeros hidden
    only if the printed report says a cell is hidden) and with the sum the total leaves for them (the
    attacker is given the number of referrals the dimension does not list). A cell with one possible value
    is recovered."""
    minimum = report["minimum_count"]
    total = exact["total"]
    recovered = []
    for dimension, _title in DIMENSIONS:
        rows = report[dimension]
        true = {row["key"]: row["count"] for row in exact[dimension]}
        hidden = [row for row in rows if row["suppressed"]]
        if not hidden or report["total"] is None:
            continue
        unlisted = total - sum(true.values())
        left = total - unlisted - sum(row["count"] for row in rows if not row["suppressed"])
        # The attacker is even told whether a zero is among the hidden cells.
        low = 0 if any(true[row["key"]] == 0 for row in hidden) else 1
        ranges = [range(1, minimum) if row["shown"].startswith("<") else range(low, left + 1) for row in hidden]
        possible = [set() for _row in hidden]
        for values in itertools.product(*ranges):
            if sum(values) == left:
                for index, value in enumerate(values):
                    possible[index].add(value)
        for row, values in zip(hidden, possible, strict=True):
            if len(values) == 1:
                recovered.append((dimension, row["key"], values.pop()))
    return recovered


def table(**dimensions) -> dict:
    """A report as referral_report returns it (every dimension given as {key: count})."""
    report = {name: [] for name, _title in DIMENSIONS}
    for name, counts in dimensions.items():
        report[name] = [{"key": key, "label": key, "count": count} for key, count in counts.items()]
    report.update(median_days_to_accept=None, median_days_to_close=None, scope="network")
    report["total"] = sum(dimensions["ambito"].values())
    return report


CASES = {
    "the attack of the review: total 7, Lecco 6, Monza 1": {"ambito": {"lecco": 6, "monza": 1, "merate": 0}},
    "two small cells": {"ambito": {"lecco": 20, "monza": 1, "merate": 1}},
    "ones only": {"ambito": {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "f": 0}},
    "ones only, no zero to hide": {"ambito": {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}},
    "a small cell beside big ones": {"ambito": {"lecco": 30, "monza": 12, "merate": 2}},
    "outcome with referrals not yet recorded": {
        "ambito": {"lecco": 9},
        "outcome": {"help_received": 1, "not_reached": 0, "declined": 6},
    },
    "state with zeros and a single small cell": {
        "ambito": {"lecco": 8},
        "state": {"submitted": 7, "approved": 1, "closed": 0, "rejected": 0},
    },
}


def test_five_groups_of_one_are_withheld_altogether():
    published = suppress_small_groups(table(ambito={"a": 1, "b": 1, "c": 1, "d": 1, "e": 1}), 5)
    assert published["ambito"] == [] and published["withheld"] == ["ambito"] and published["total"] == 5


@pytest.mark.parametrize("case", list(CASES))
def test_no_suppressed_cell_can_be_recovered(case):
    import copy

    exact = table(**CASES[case])
    published = suppress_small_groups(copy.deepcopy(exact), 5)
    assert any(row["suppressed"] for name, _t in DIMENSIONS for row in published[name]) or published["withheld"]
    assert attacker_recovers(published, exact) == []
    for name, _title in DIMENSIONS:  # what stays visible is exact
        for shown, true in zip(published[name], exact[name] if published[name] else [], strict=True):
            assert shown["count"] in (None, true["count"])


def test_without_complementary_cells_the_attack_works():
    """The attack itself, on the figures as the report printed them before."""
    exact = table(ambito={"lecco": 6, "monza": 1})
    naive = {**exact, "minimum_count": 5}
    naive["ambito"] = [{**row, "suppressed": row["count"] < 5, "shown": "<5"} for row in exact["ambito"]]
    naive["ambito"] = [{**row, "count": None if row["suppressed"] else row["count"]} for row in naive["ambito"]]
    assert attacker_recovers(naive, exact) == [("ambito", "monza", 1)]


def test_a_small_total_shows_nothing_but_the_fact():
    published = suppress_small_groups(table(ambito={"lecco": 3, "monza": 1}), 5)
    assert published["total"] is None
    assert all(row["count"] is None for row in published["ambito"])


@pytest.fixture
def seven_referrals(world, walk):
    """The review's case: 7 referrals, 6 in Lecco and 1 in Monza."""
    ids = [walk("submitted") for _ in range(7)]
    ReferralProcess.objects.filter(pk=ids[0]).update(ambito=world.monza)
    return ids


def test_the_api_csv_and_dashboard_hide_monza_and_one_more_cell(api, world, seven_referrals):
    report = api("evaluator").get("/api/referrals/reports/").json()
    assert report["total"] == 7
    ambiti = {row["key"]: row for row in report["ambito"]}
    assert ambiti["monza"]["count"] is None and ambiti["lecco"]["count"] is None
    assert ambiti["monza"]["shown"] == "<5" and ambiti["lecco"]["complementary"] is True
    rows = list(csv.reader(io.StringIO(api("evaluator").get("/api/referrals/reports/csv/").content.decode())))
    assert ["ambito", "monza", "Monza", "<5"] in rows
    assert not [row for row in rows if row[:2] == ["ambito", "lecco"] and row[3] == "6"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(world.users.evaluator)
    html = page.get("/workflow/reports/").content.decode()
    assert '<td>Lecco</td><td class="num">6</td>' not in html and ">hidden<" in html


def test_the_network_wide_report_refuses_a_one_day_window(api, seven_referrals):
    today = timezone.localdate().isoformat()
    response = api("evaluator").get(f"/api/referrals/reports/?from={today}&to={today}")
    assert response.status_code == 400 and "28 days" in str(response.json()["from"])
    csv_response = api("evaluator").get(f"/api/referrals/reports/csv/?from={today}&to={today}")
    assert csv_response.status_code == 400
    # A start in the future ends today: still one day.
    future = (timezone.localdate() + datetime.timedelta(days=40)).isoformat()
    assert api("evaluator").get(f"/api/referrals/reports/?from={today}&to={future}").status_code == 400
    month_ago = (timezone.localdate() - datetime.timedelta(days=27)).isoformat()
    assert api("evaluator").get(f"/api/referrals/reports/?from={month_ago}").status_code == 200
    # Network managers see their ambiti's referrals anyway: any window.
    assert api("network_manager").get(f"/api/referrals/reports/?from={today}&to={today}").status_code == 200
