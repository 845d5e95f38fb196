"""Item 9 of the security review: a failed action on a staff page goes back to the page it came from only
when that page is on this site; a forged Referer never turns the site into a phishing redirector."""

from django.test import Client

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def social_worker(world):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(world.users.social_worker)
    return client


def failed_cancel(client, pk, referer):
    """Cancelling a referral that is already closed: refused (a conflict), with a message, then redirected."""
    return client.post(f"/workflow/referrals/{pk}/cancel/", {"reason": "Per errore."}, HTTP_REFERER=referer)


@pytest.mark.parametrize(
    "referer",
    [
        "https://evil.example/phish",
        "//evil.example/phish",
        "http://testserver.evil.example/",
        "javascript:alert(1)",
        "https:///evil.example/",
    ],
)
def test_a_forged_referer_is_not_followed(walk, social_worker, referer):
    pk = walk("closed")
    response = failed_cancel(social_worker, pk, referer)
    assert response.status_code == 302
    assert response["Location"] == "/workflow/"


def test_a_referer_on_this_site_is_followed(walk, social_worker):
    pk = walk("closed")
    response = failed_cancel(social_worker, pk, f"http://testserver/workflow/referrals/{pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"http://testserver/workflow/referrals/{pk}/"
