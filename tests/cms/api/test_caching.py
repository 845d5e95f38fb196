"""HTTP caching of public reads: ETag, conditional GET (304), no Last-Modified, Cache-Control, Vary."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.http import http_date

import pytest

from cms.models import Service, Theme
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

SERVICES = "/api/directory/services/"
READS = [
    SERVICES,
    "/api/directory/organizations/",
    "/api/directory/locations/",
    "/api/directory/comuni/",
    "/api/directory/ambiti/",
    "/api/directory/themes/",
    "/api/directory/target-groups/",
    "/api/directory/languages/",
    "/api/directory/",
    "/api/v2/pages/",
    "/hsds/",
    "/hsds/services",
    "/hsds/organizations",
    "/hsds/service_at_locations",
    "/hsds/taxonomies",
    "/hsds/taxonomy_terms",
]


@pytest.fixture
def service():
    return ServiceFactory(name_it="Sportello casa", name_en="Housing desk", comuni=["Lecco"])


@pytest.mark.parametrize("url", READS)
def test_every_public_read_is_cacheable_and_answers_304_to_its_etag(client, service, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
    assert response["Vary"] == "Accept-Language"
    assert response["ETag"].startswith('"')
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == response["ETag"]
    assert again["Cache-Control"] == response["Cache-Control"]
    assert again["Content-Language"] == "it"


@pytest.mark.parametrize("url", [*READS, "detail"])
def test_no_read_has_a_last_modified_and_dates_are_no_preconditions(client, service, url):
    """No timestamp sees every change of a representation: only the ETag validates."""
    url = f"{SERVICES}{service.uuid}/" if url == "detail" else url
    response = client.get(url)
    assert "Last-Modified" not in response
    assert "Last-Modified" not in response["Access-Control-Expose-Headers"]
    future = http_date((timezone.now() + timedelta(days=1)).timestamp())
    past = http_date((timezone.now() - timedelta(days=365)).timestamp())
    assert client.get(url, headers={"If-Modified-Since": future}).status_code == 200
    assert client.get(url, headers={"If-Unmodified-Since": past}).status_code == 200  # ignored, not a 412


@pytest.mark.parametrize("url", [SERVICES, "/hsds/services", "/api/directory/organizations/"])
def test_a_list_revalidated_by_date_after_its_newest_record_is_unpublished_is_sent_again(client, url):
    older = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    newer = ServiceFactory(name_it="Sportello lavoro", comuni=["Lecco"])
    Service.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    type(older.organization).objects.filter(pk=older.organization.pk).update(
        updated_at=timezone.now() - timedelta(days=2), last_published_at=None
    )
    first = client.get(url)
    seen_at = http_date(timezone.now().timestamp())
    unpublished = newer.organization if "organizations" in url else newer
    type(unpublished).objects.filter(pk=unpublished.pk).update(live=False)  # timestamps unchanged
    again = client.get(url, headers={"If-Modified-Since": seen_at})
    assert again.status_code == 200
    assert again.content != first.content
    assert "Sportello lavoro" not in again.content.decode() and str(newer.uuid) not in again.content.decode()


def test_a_detail_revalidated_by_date_after_a_theme_is_renamed_is_sent_again(client, service):
    url = f"{SERVICES}{service.uuid}/"
    client.get(url)
    seen_at = http_date(timezone.now().timestamp())
    theme = service.themes.first()
    Theme.objects.filter(pk=theme.pk).update(name_it="Abitare e casa")
    again = client.get(url, headers={"If-Modified-Since": seen_at})
    assert again.status_code == 200
    assert "Abitare e casa" in again.content.decode()


def test_an_edit_changes_the_etag(client, service):
    url = f"{SERVICES}{service.uuid}/"
    etag = client.get(url)["ETag"]
    service.name_it = "Sportello per la casa"
    service.save()
    response = client.get(url, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["name"] == "Sportello per la casa"
    assert response["ETag"] != etag


def test_a_record_leaving_a_list_changes_its_etag(client, service):
    etag = client.get(SERVICES)["ETag"]
    Service.objects.filter(pk=service.pk).update(live=False)
    response = client.get(SERVICES, headers={"If-None-Match": etag})
    assert response.status_code == 200
    assert response.json()["count"] == 0


def test_the_etag_differs_by_language(client, service):
    italian = client.get(SERVICES)
    english = client.get(SERVICES, {"lang": "en"})
    assert italian["ETag"] != english["ETag"]
    assert client.get(SERVICES, {"lang": "en"}, headers={"If-None-Match": italian["ETag"]}).status_code == 200
    # A language whose texts all fall back still has its own ETag: the representation says so.
    assert client.get(SERVICES, {"lang": "fr"})["ETag"] != italian["ETag"]


def test_the_if_none_match_wins_over_if_modified_since(client, service):
    url = f"{SERVICES}{service.uuid}/"
    client.get(url)
    future = http_date((timezone.now() + timedelta(days=1)).timestamp())
    headers = {"If-None-Match": '"stale"', "If-Modified-Since": future}
    assert client.get(url, headers=headers).status_code == 200


def test_head_is_answered_like_get(client, service):
    response = client.head(SERVICES)
    assert response.status_code == 200
    assert response["ETag"] == client.get(SERVICES)["ETag"]


def test_errors_are_not_stored(client, service):
    for url in (f"{SERVICES}?lang=xx", f"{SERVICES}00000000-0000-0000-0000-000000000000/", f"{SERVICES}?page=9"):
        response = client.get(url)
        assert response.status_code in (400, 404)
        assert response["Cache-Control"] == "no-store"
        assert "ETag" not in response


def test_a_missing_record_is_a_json_404_not_a_redirect_to_a_language(client):
    response = client.get(f"{SERVICES}00000000-0000-0000-0000-000000000000/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"detail": "No published service has this identifier."}


def test_credentials_change_nothing(client, service):
    anonymous = client.get(SERVICES)
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(admin)
    logged_in = client.get(SERVICES)
    assert logged_in["Cache-Control"] == anonymous["Cache-Control"]
    assert logged_in["ETag"] == anonymous["ETag"]
    assert "Cookie" not in logged_in["Vary"]
    assert client.post(SERVICES, {}).status_code == 405


def test_any_web_page_may_read_the_api_and_its_validators(client, service):
    response = client.get(SERVICES, headers={"Origin": "https://app.example.org"})
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = client.options(
        SERVICES,
        headers={
            "Origin": "https://app.example.org",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "if-none-match",
        },
    )
    assert preflight.status_code == 200
    assert "If-None-Match" in preflight["Access-Control-Allow-Headers"]
    assert "Access-Control-Allow-Credentials" not in preflight
