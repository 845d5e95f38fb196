"""The application under gunicorn with production settings answers what users and operators need."""

import json
import re
import time
import urllib.error
import urllib.request

# nginx terminates TLS and says so; the production settings redirect plain HTTP to HTTPS.
HTTPS = {"X-Forwarded-Proto": "https"}


def get(url, headers=HTTPS):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_health_and_readiness(deployment):
    base, _, _ = deployment
    assert get(f"{base}/healthz", headers={})[0] == 200  # health checks come over plain HTTP
    status, _, body = get(f"{base}/readyz", headers={})
    assert status == 200, body


def test_plain_http_is_redirected_to_https(deployment):
    base, _, _ = deployment
    opener = urllib.request.build_opener(NoRedirect)
    try:
        opener.open(f"{base}/it/", timeout=10)
        raise AssertionError("expected a redirect")
    except urllib.error.HTTPError as error:
        assert error.code == 301
        assert error.headers["Location"].startswith("https://")


def test_home_page_is_served_with_security_headers(deployment):
    base, _, _ = deployment
    status, headers, body = get(f"{base}/it/")
    assert status == 200
    assert b'<html lang="it"' in body
    assert "max-age=31536000" in headers["Strict-Transport-Security"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]


def test_admin_login_page(deployment):
    base, _, _ = deployment
    status, headers, body = get(f"{base}/admin/login/")
    assert status == 200
    assert b'name="username"' in body
    cookie = headers.get("Set-Cookie", "")
    assert "csrftoken" in cookie and "Secure" in cookie


def test_content_api_list(deployment):
    base, _, _ = deployment
    status, headers, body = get(f"{base}/api/directory/services/?lang=en&page_size=5")
    assert status == 200
    data = json.loads(body)
    assert data["count"] >= 25 and len(data["results"]) == 5
    assert headers["Content-Language"] == "en"
    assert "ETag" in headers


def test_search_and_suggest(deployment):
    base, _, _ = deployment
    status, _, body = get(f"{base}/api/search/?q=casa&lang=it")
    assert status == 200
    assert json.loads(body)["total"] > 0
    status, _, body = get(f"{base}/api/search/suggest/?q=cor&lang=it")
    assert status == 200


def test_public_search_page(deployment):
    base, _, _ = deployment
    status, _, body = get(f"{base}/ar/search/?q=casa")
    assert status == 200
    assert b'dir="rtl"' in body


def test_openapi_description(deployment):
    base, _, _ = deployment
    status, headers, body = get(f"{base}/api/schema/?format=json")
    assert status == 200
    assert b'"openapi": "3.' in body or b'"openapi":"3.' in body


def test_static_file_with_a_long_cache_lifetime(deployment):
    base, _, _ = deployment
    _, _, page = get(f"{base}/it/")
    stylesheet = re.search(rb'href="(/static/aftercare/site\.[0-9a-f]{12}\.css)"', page)
    assert stylesheet, "the home page links the hashed stylesheet"
    status, headers, body = get(base + stylesheet.group(1).decode())
    assert status == 200
    assert b".skip-link" in body
    assert "max-age=315360000" in headers["Cache-Control"] or "immutable" in headers["Cache-Control"]


def test_access_log_is_json_without_query_strings(deployment):
    base, _, log_path = deployment
    get(f"{base}/healthz?secret-search-terms=1", headers={})
    lines = [line for line in log_path.read_text().splitlines() if '"path": "/healthz"' in line]
    assert lines, log_path.read_text()[-2000:]
    assert "secret-search-terms" not in log_path.read_text()


def test_access_log_lines_stay_json_whatever_the_client_sends(deployment):
    base, _, log_path = deployment
    user_agent = 'Mozilla/5.0 "quoted" \\ back\\slash \\" end\\'
    request_id = 'req-"1"\\'
    get(f"{base}/healthz", headers={"User-Agent": user_agent, "X-Request-ID": request_id})
    deadline = time.monotonic() + 10
    while True:
        # Every access log line parses, the one of this request included.
        records = [json.loads(line) for line in log_path.read_text().splitlines() if line.startswith("{")]
        mine = [record for record in records if record["user_agent"] == user_agent]
        if mine or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert mine, log_path.read_text()[-2000:]
    assert mine[0]["request_id"] == request_id
    assert mine[0]["path"] == "/healthz" and mine[0]["status"] == "200"
    assert set(mine[0]) == {
        "time",
        "remote",
        "method",
        "path",
        "status",
        "bytes",
        "duration_ms",
        "user_agent",
        "request_id",
    }
