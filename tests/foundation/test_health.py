"""/healthz and /readyz, as systemd, nginx and load balancers see them."""

from django.conf import settings

import pytest

from devtools.osmem import start_engine
from search.client import reset_client

pytestmark = pytest.mark.django_db


def test_healthz_answers_while_the_process_is_up(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_answers_200_when_database_and_search_engine_answer(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"] == {"database": "ok", "search_engine": "ok"}


def test_readyz_answers_503_naming_the_search_engine_when_it_is_stopped(client):
    engine = start_engine()
    previous = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = engine.url
    reset_client()
    try:
        assert client.get("/readyz").status_code == 200
        engine.stop()
        response = client.get("/readyz")
    finally:
        engine.stop()
        settings.ELASTICSEARCH_URL = previous
        reset_client()
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["search_engine"]
    assert body["checks"]["database"] == "ok"


def test_health_endpoints_only_answer_get(client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "10.0.0.5", "localhost"])
@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_probes_by_address_are_answered_under_production_host_rules(client, settings, host, path):
    """systemd, compose and load balancers call the process by address, not by the public name."""
    settings.ALLOWED_HOSTS = ["aftercare.example.org"]
    settings.SECURE_SSL_REDIRECT = True
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, response.status_code
    # Everything else still obeys the host rules.
    assert client.get("/it/", HTTP_HOST=host).status_code == 400
