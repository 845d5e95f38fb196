"""The API's description, its cost per request, and token authentication for the volunteers' app."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest
from rest_framework.test import APIClient

from referrals.models import ApiToken

from .conftest import volunteer_task_id

pytestmark = pytest.mark.django_db


def test_every_endpoint_is_described_with_who_may_use_it(api):
    schema = APIClient().get("/api/schema/", {"format": "json"}).json()
    operations = {
        (path, method): operation
        for path, item in schema["paths"].items()
        if path.startswith("/api/referrals/")
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    }
    assert len(operations) >= 28
    for key, operation in operations.items():
        assert operation["description"].startswith("Who may use it:"), key
        assert operation["tags"] == ["referrals"], key
    expected = {
        "/api/referrals/",
        "/api/referrals/{id}/",
        "/api/referrals/tasks/{id}/claim/",
        "/api/referrals/queue/",
        "/api/referrals/{id}/history/",
        "/api/referrals/auth/token/",
    }
    assert expected <= {path for path, _method in operations}
    claim = operations[("/api/referrals/tasks/{id}/claim/", "post")]
    assert "409" in claim["responses"]


def queries(client, url):
    """Queries of one request, as a new request of the same person (nothing cached on the user object)."""
    user = client.handler._force_user
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return len(captured)


@pytest.mark.parametrize(
    "role, url",
    [
        ("social_worker", "/api/referrals/"),
        ("network_manager", "/api/referrals/"),
        ("coordinator", "/api/referrals/"),
        ("social_worker", "/api/referrals/tasks/"),
        ("network_manager", "/api/referrals/tasks/"),
        ("coordinator", "/api/referrals/tasks/"),
        ("volunteer", "/api/referrals/queue/"),
        ("network_manager", "/api/referrals/overdue/"),
        ("social_worker", "/api/referrals/services/?q=casa"),
    ],
)
def test_lists_cost_the_same_queries_for_two_or_six_rows(world, api, walk, role, url):
    from referrals.models import ReferralProcess

    step = {"tasks/": "submitted" if role == "network_manager" else "approved", "queue/": "accepted"}
    until = next((value for key, value in step.items() if url.endswith(key)), "approved")
    if role == "social_worker" and url.endswith("tasks/"):
        until = "draft"
    for _ in range(2):
        walk(until)
    ReferralProcess.objects.update(step_due_at=timezone.now() - datetime.timedelta(hours=1))
    client = api(role)
    few = queries(client, url)
    for _ in range(4):
        walk(until)
    ReferralProcess.objects.update(step_due_at=timezone.now() - datetime.timedelta(hours=1))
    rows = client.get(url).json()["results"]
    assert len(rows) >= (6 if "services" not in url else 1)
    assert queries(client, url) == few


def test_history_costs_the_same_for_short_and_long_histories(api, walk):
    short = walk("submitted")
    long = walk("closed")
    client = api("social_worker")
    assert queries(client, f"/api/referrals/{short}/history/") == queries(client, f"/api/referrals/{long}/history/")


def test_a_volunteers_app_lives_on_a_token(world, api, walk):
    pk = walk("accepted")
    anonymous = APIClient()
    issued = anonymous.post(
        "/api/referrals/auth/token/", {"username": "vol", "password": "pw-for-tests-only", "name": "Pixel 7"}
    )
    assert issued.status_code == 201
    key = issued.json()["token"]
    stored = ApiToken.objects.get()
    assert stored.key_hash != key and key not in stored.key_hash and stored.name == "Pixel 7"
    app = APIClient()
    app.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    task = app.get("/api/referrals/queue/").json()["results"][0]
    assert task["referral"] == pk
    assert app.post(f"/api/referrals/tasks/{task['id']}/claim/").status_code == 200
    assert (
        app.post(f"/api/referrals/tasks/{volunteer_task_id(pk)}/progress/", {"note": "In contatto."}).status_code == 200
    )
    bearer = APIClient()
    bearer.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert bearer.get("/api/referrals/me/").json()["roles"] == ["volunteer"]
    assert app.delete("/api/referrals/auth/token/").status_code == 204
    assert app.get("/api/referrals/queue/").status_code == 401


def test_tokens_are_refused_when_wrong_expired_or_roleless(world):
    client = APIClient()
    wrong = client.post("/api/referrals/auth/token/", {"username": "vol", "password": "nope"})
    assert wrong.status_code == 400
    assert (
        client.post("/api/referrals/auth/token/", {"username": "editor", "password": "pw-for-tests-only"}).status_code
        == 403
    )
    key = client.post("/api/referrals/auth/token/", {"username": "vol", "password": "pw-for-tests-only"}).json()[
        "token"
    ]
    ApiToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    expired = client.get("/api/referrals/queue/")
    assert expired.status_code == 401 and expired["WWW-Authenticate"] == "Token"
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get("/api/referrals/queue/").status_code == 401


def test_me_lists_roles_and_preferences(api):
    me = api("network_manager").get("/api/referrals/me/").json()
    assert me == {"username": "nm", "roles": ["network_manager"], "may_read_reports": True, "daily_digest": False}
    assert api("network_manager").put("/api/referrals/me/", {"daily_digest": "maybe"}, format="json").status_code == 400


def test_an_api_404_stays_a_404_and_pages_still_get_their_language_prefix(api):
    """aftercare.middleware.LocaleMiddleware: Django would turn the API's 404 into a redirect to /it/…"""
    missing = api("social_worker").get("/api/referrals/999999/")
    assert missing.status_code == 404 and missing["Content-Type"] == "application/json"
    page = APIClient().get("/chi-siamo/")
    assert page.status_code == 302 and page["Location"] == "/it/chi-siamo/"


def test_the_service_lookup_refuses_an_unknown_theme_instead_of_finding_nothing(world, api):
    client = api("social_worker")
    assert client.get("/api/referrals/services/?theme=housing").status_code == 200
    response = client.get("/api/referrals/services/?theme=hosing")
    assert response.status_code == 400
    assert "hosing" in str(response.json())
    assert "housing" in str(response.json())  # the known codes are listed
