"""Anonymous aggregates for network managers and the evaluation body: tables, charts, CSV."""

import csv
import datetime
import io

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from referrals.models import ReferralProcess

pytestmark = pytest.mark.django_db


@pytest.fixture
def some_referrals(world, api, walk):
    closed = walk("closed")
    accepted = walk("accepted")
    rejected = walk("submitted")
    api("network_manager").post(
        f"/api/referrals/{rejected}/triage/", {"decision": "reject", "reason": "No."}, format="json"
    )
    walk("draft")  # drafts are not counted
    now = timezone.now()
    ReferralProcess.objects.filter(pk=closed).update(
        submitted_at=now - datetime.timedelta(days=10),
        accepted_at=now - datetime.timedelta(days=8),
        closed_at=now - datetime.timedelta(days=1),
    )
    ReferralProcess.objects.filter(pk=accepted).update(
        submitted_at=now - datetime.timedelta(days=5),
        accepted_at=now - datetime.timedelta(days=1),
    )
    return closed, accepted, rejected


def counts(rows):
    return {row["key"]: row["count"] for row in rows if row["count"]}


def test_the_report_counts_and_medians(api, some_referrals):
    report = api("network_manager").get("/api/referrals/reports/").json()
    assert report["total"] == 3
    assert counts(report["state"]) == {"closed": 1, "accepted": 1, "rejected": 1}
    assert counts(report["ambito"]) == {"lecco": 3}
    assert counts(report["theme"]) == {"housing": 3}
    assert [row["label"] for row in report["organisation"]] == ["Casa Aperta"]
    assert counts(report["outcome"]) == {"help_received": 1}
    assert counts(report["result"]) == {"completed": 1}
    assert report["median_days_to_accept"] == 3.0  # median of 2 and 4 days
    assert report["median_days_to_close"] == 9.0
    assert "Olena" not in str(report)


def test_managers_see_their_ambiti_and_the_evaluation_body_the_network(api, some_referrals, settings):
    settings.REFERRALS_REPORT_MIN_COUNT = 1
    assert api("network_manager_other").get("/api/referrals/reports/").json()["total"] == 0
    for role in ("evaluator", "administrator"):
        report = api(role).get("/api/referrals/reports/").json()
        assert report["total"] == 3 and report["scope"] == "network"


def test_the_network_wide_report_hides_groups_small_enough_to_single_out_a_person(api, world, some_referrals, settings):
    settings.REFERRALS_REPORT_MIN_COUNT = 3
    evaluator = api("evaluator").get("/api/referrals/reports/").json()
    assert evaluator["total"] == 3 and evaluator["minimum_count"] == 3
    assert {row["key"]: row["count"] for row in evaluator["ambito"]} == {"lecco": 3}
    closed = next(row for row in evaluator["state"] if row["key"] == "closed")
    assert closed["count"] is None and closed["suppressed"] is True  # one referral: could be a person
    # Three states of one referral each add up to the total: "<3" would give each away, so all are "hidden".
    assert closed["shown"] == "hidden"
    assert evaluator["median_days_to_close"] is None  # a median of one referral is that referral
    rows = list(csv.reader(io.StringIO(api("evaluator").get("/api/referrals/reports/csv/").content.decode())))
    assert ["state", "closed", "Closed", "hidden"] in rows
    page = Client(HTTP_ACCEPT_LANGUAGE="en")
    page.force_login(world.users.evaluator)
    html = page.get("/workflow/reports/").content.decode()
    assert "shown as “&lt;3”" in html and '<td class="num">hidden</td>' in html
    # The network manager of the ambito sees the referrals themselves: exact counts for them.
    manager = api("network_manager").get("/api/referrals/reports/").json()
    assert {row["key"]: row["count"] for row in manager["state"]}["closed"] == 1
    assert manager["median_days_to_close"] == 9.0
    settings.REFERRALS_REPORT_MIN_COUNT = 5
    assert api("evaluator").get("/api/referrals/reports/").json()["total"] is None


@pytest.mark.parametrize(
    "role, code",
    [
        ("social_worker", 403),
        ("coordinator", 403),
        ("volunteer", 403),
        ("editor", 403),
        ("outsider", 403),
        (None, 401),
    ],
)
def test_others_get_no_report(api, role, code):
    assert api(role).get("/api/referrals/reports/").status_code == code
    assert api(role).get("/api/referrals/reports/csv/").status_code == code


def test_csv_export(api, some_referrals, settings):
    settings.REFERRALS_REPORT_MIN_COUNT = 1
    response = api("evaluator").get("/api/referrals/reports/csv/")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["dimension", "key", "label", "count"]
    assert ["total", "", "", "3"] in rows
    assert ["theme", "housing", "Casa", "3"] in rows or any(r[:2] == ["theme", "housing"] and r[3] == "3" for r in rows)
    assert ["median_days_to_close", "", "", "9.0"] in rows


def test_dates_filter_and_bad_dates(api, some_referrals):
    future = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert api("network_manager").get(f"/api/referrals/reports/?from={future}").json()["total"] == 0
    bad = api("evaluator").get("/api/referrals/reports/?from=yesterday")
    assert bad.status_code == 400 and "from" in bad.json()


def test_the_report_costs_the_same_queries_whatever_the_number_of_referrals(api, walk):
    walk("closed")
    client = api("evaluator")
    with CaptureQueriesContext(connection) as few:
        client.get("/api/referrals/reports/")
    for _ in range(4):
        walk("closed")
    with CaptureQueriesContext(connection) as many:
        client.get("/api/referrals/reports/")
    assert len(many) == len(few)
