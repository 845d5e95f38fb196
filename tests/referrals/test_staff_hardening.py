"""Item 8 of the security review: the staff pages, where personal data is shown, run under a strict content
security policy, and staff sessions end after an hour without a request and when the browser closes."""

from datetime import timedelta

from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

import pytest

pytestmark = pytest.mark.django_db


def directive(policy: str, name: str) -> list[str]:
    for part in policy.split(";"):
        words = part.split()
        if words and words[0] == name:
            return words[1:]
    return []


@pytest.mark.parametrize("path", ["/workflow/", "/workflow/login/", "/workflow/reports/"])
def test_staff_pages_allow_no_inline_script(world, path):
    client = Client()
    if not path.endswith("login/"):
        client.force_login(world.users.evaluator)
    response = client.get(path)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    scripts = directive(policy, "script-src")
    assert "'self'" in scripts and "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts
    assert "'unsafe-inline'" not in directive(policy, "style-src")
    assert directive(policy, "object-src") == ["'none'"] and directive(policy, "frame-ancestors") == ["'self'"]


def test_a_nonce_is_fresh_on_each_response(rf):
    from django.template import Context, Template

    from csp.middleware import CSPMiddleware

    from aftercare.csp import STAFF_PAGES_POLICY

    nonces = []
    for _ in range(2):
        request = rf.get("/workflow/")
        middleware = CSPMiddleware(lambda req: None)
        middleware.process_request(request)
        html = Template('<script nonce="{{ request.csp_nonce }}"></script>').render(Context({"request": request}))
        from django.http import HttpResponse

        response = HttpResponse(html)
        response._csp_replace = STAFF_PAGES_POLICY
        header = middleware.process_response(request, response)["Content-Security-Policy"]
        nonce = html.split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in directive(header, "script-src")
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_the_session_cookie_ends_with_the_browser_and_after_an_hour_idle(world, settings):
    client = Client()
    response = client.post("/workflow/login/", {"username": "nm", "password": "pw-for-tests-only"})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert not cookie["expires"] and not cookie["max-age"]  # a browser-session cookie
    session = Session.objects.get()
    assert timedelta(minutes=59) < session.expire_date - timezone.now() <= timedelta(minutes=60)
    # Each request moves the end forward; an hour without one ends it.
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    assert client.get("/workflow/").status_code == 200
    assert Session.objects.get().expire_date - timezone.now() > timedelta(minutes=59)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    assert client.get("/workflow/")["Location"].startswith("/workflow/login/")
