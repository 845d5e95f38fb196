"""Item 2 of the security review: password guessing is stopped on every login (the admin, the staff pages,
the API token), per username and real client address; forged X-Forwarded-For headers change nothing."""

from django.core.cache import cache
from django.test import Client

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

RIGHT = "pw-for-tests-only"
LOGINS = {
    "staff pages": ("/workflow/login/", "/workflow/"),
    "admin": ("/admin/login/", "/admin/"),
}


@pytest.fixture(autouse=True)
def fresh_throttle():
    cache.clear()  # throttle counts live in the cache
    yield
    cache.clear()


def guess(client, url, username, password, **headers):
    return client.post(url, {"username": username, "password": password}, **headers)


@pytest.mark.parametrize("login", list(LOGINS))
def test_the_fifth_wrong_password_locks_and_then_the_right_one_is_refused(world, login, settings):
    url, _home = LOGINS[login]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    statuses = [guess(client, url, "vol", f"wrong-{n}").status_code for n in range(settings.AXES_FAILURE_LIMIT)]
    assert statuses == [200] * (settings.AXES_FAILURE_LIMIT - 1) + [429]  # the form again, then locked
    locked = guess(client, url, "vol", RIGHT)
    assert locked.status_code == 429
    assert "Too many wrong passwords" in locked.content.decode()
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("login", list(LOGINS))
def test_another_address_and_another_account_are_not_locked(world, login, settings):
    url, _home = LOGINS[login]
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        guess(Client(HTTP_ACCEPT_LANGUAGE="en"), url, "vol", f"wrong-{attempt}")
    elsewhere = guess(Client(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="198.51.100.9"), url, "vol", RIGHT)
    assert elsewhere.status_code == 302
    colleague = guess(Client(HTTP_ACCEPT_LANGUAGE="en"), url, "vol2", RIGHT)
    assert colleague.status_code == 302


def test_forging_x_forwarded_for_does_not_reset_the_lockout(world, settings):
    settings.NUM_PROXIES = 1
    url = "/workflow/login/"
    nginx = {"REMOTE_ADDR": "127.0.0.1", "HTTP_ACCEPT_LANGUAGE": "en"}
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        # The client starts the header with a new address each time; nginx appends the real one.
        forwarded = f"10.0.0.{attempt}, 203.0.113.7"
        guess(Client(**nginx), url, "vol", f"wrong-{attempt}", HTTP_X_FORWARDED_FOR=forwarded)
    locked = guess(Client(**nginx), url, "vol", RIGHT, HTTP_X_FORWARDED_FOR="10.9.9.9, 203.0.113.7")
    assert locked.status_code == 429
    other_person = guess(Client(**nginx), url, "vol", RIGHT, HTTP_X_FORWARDED_FOR="203.0.113.8")
    assert other_person.status_code == 302


def test_the_token_endpoint_locks_out_too(world, settings):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    statuses = [
        client.post("/api/referrals/auth/token/", {"username": "vol", "password": f"wrong-{n}"}).status_code
        for n in range(settings.AXES_FAILURE_LIMIT)
    ]
    assert statuses == [400] * (settings.AXES_FAILURE_LIMIT - 1) + [429]
    locked = client.post("/api/referrals/auth/token/", {"username": "vol", "password": RIGHT})
    assert locked.status_code == 429
    assert locked.json()["code"] == "locked_out" and "Too many wrong passwords" in locked.json()["detail"]


def test_the_token_throttle_counts_the_real_address_not_the_forged_one(world, settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en", REMOTE_ADDR="127.0.0.1")
    statuses = [
        client.post(
            "/api/referrals/auth/token/",
            {"username": f"nobody-{n}", "password": "x"},
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}, 203.0.113.7",
        ).status_code
        for n in range(13)
    ]
    assert statuses[:10] == [400] * 10 and statuses[10:] == [429] * 3


def test_a_valid_token_does_not_skip_the_throttle(world):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    key = client.post("/api/referrals/auth/token/", {"username": "vol", "password": RIGHT}).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    statuses = [
        client.post("/api/referrals/auth/token/", {"username": f"nobody-{n}", "password": "x"}).status_code
        for n in range(12)
    ]
    assert 429 in statuses and statuses.index(429) == 9  # the first request above was the 1st of 10


def test_only_the_proxies_configured_are_trusted(rf, settings):
    from aftercare.client_address import client_ip

    request = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="10.0.0.1, 203.0.113.7")
    settings.NUM_PROXIES = 0
    assert client_ip(request) == "192.0.2.1"
    settings.NUM_PROXIES = 1
    assert client_ip(request) == "203.0.113.7"
    settings.NUM_PROXIES = 2
    assert client_ip(request) == "10.0.0.1"
