"""HTTP caching of public reads: ETag, Last-Modified (the date of the public content), conditional GET (304),
Cache-Control, Vary."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.http import http_date, parse_http_date

import pytest

from cms.models import ContentVersion, Service
from cms.spreadsheet import import_directory
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


IMPORTED_ROW = (
    b"external_id,organization,organization_kind,comune_istat,name_it,description_it,themes,address,latitude,longitude\n"
    b"LC-001,Cooperativa L'Arcobaleno,social_cooperative,097042,Sportello casa,Orientamento alla casa.,housing,"
    b"Via Roma 12,45.8566,9.3977\n"
)


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


def detail_urls(service) -> dict[str, str]:
    placement = service.service_at_locations.get()
    return {
        "service": f"{SERVICES}{service.uuid}/",
        "organization": f"/api/directory/organizations/{service.organization.uuid}/",
        "location": f"/api/directory/locations/{placement.location.uuid}/",
        "comune": f"/api/directory/comuni/{placement.location.municipality.istat_code}/",
        "theme": "/api/directory/themes/housing/",
        "hsds service": f"/hsds/services/{service.uuid}",
        "hsds organization": f"/hsds/organizations/{service.organization.uuid}",
        "hsds service at location": f"/hsds/service_at_locations/{placement.uuid}",
    }


DETAILS = [
    "service",
    "organization",
    "location",
    "comune",
    "theme",
    "hsds service",
    "hsds organization",
    "hsds service at location",
]


@pytest.mark.parametrize("url", [*READS, *DETAILS])
def test_every_read_carries_the_content_date_and_answers_304_to_it(client, service, settle, url):
    url = detail_urls(service).get(url, url)
    changed_at = settle()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Last-Modified"] == http_date(changed_at.timestamp())
    assert "Last-Modified" in response["Access-Control-Expose-Headers"]
    again = client.get(url, headers={"If-Modified-Since": response["Last-Modified"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["Last-Modified"] == response["Last-Modified"]
    assert again["ETag"] == response["ETag"]
    earlier = http_date((changed_at - timedelta(seconds=1)).timestamp())
    assert client.get(url, headers={"If-Modified-Since": earlier}).status_code == 200


@pytest.mark.parametrize("url", [SERVICES, "/hsds/services", "/api/v2/pages/"])
def test_if_unmodified_since_never_makes_a_read_fail(client, service, settle, url):
    changed_at = settle()
    past = http_date((changed_at - timedelta(days=365)).timestamp())
    response = client.get(url, headers={"If-Unmodified-Since": past})
    assert response.status_code == 200  # ignored, not a 412
    assert response.content


def revalidated(client, url, first, seen_at):
    """The list again, with the first response's Last-Modified, then with a date read from the clock."""
    by_last_modified = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    by_clock = client.get(url, headers={"If-Modified-Since": seen_at})
    assert by_last_modified.content == by_clock.content
    return by_last_modified


@pytest.mark.parametrize("url", [SERVICES, "/hsds/services", "/api/directory/organizations/"])
def test_a_list_revalidated_by_date_after_its_newest_record_is_unpublished_is_sent_again(client, settle, url):
    older = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    newer = ServiceFactory(name_it="Sportello lavoro", comuni=["Lecco"])
    Service.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=2))
    settle()
    first = client.get(url)
    assert client.get(url, headers={"If-Modified-Since": first["Last-Modified"]}).status_code == 304
    seen_at = http_date(timezone.now().timestamp())
    unpublished = newer.organization if "organizations" in url else newer
    unpublished.unpublish()  # Wagtail's action, as from the admin
    again = revalidated(client, url, first, seen_at)
    assert again.status_code == 200
    assert again.content != first.content
    assert "Sportello lavoro" not in again.content.decode() and str(newer.uuid) not in again.content.decode()


@pytest.mark.parametrize("url", [SERVICES, "/hsds/services", "/hsds/service_at_locations"])
def test_a_list_revalidated_by_date_after_a_record_is_deleted_is_sent_again(client, settle, url):
    kept = ServiceFactory(name_it="Sportello casa", comuni=["Lecco"])
    deleted = ServiceFactory(name_it="Sportello lavoro", comuni=["Lecco"])
    settle()
    first = client.get(url)
    seen_at = http_date(timezone.now().timestamp())
    deleted.delete()
    again = revalidated(client, url, first, seen_at)
    assert again.status_code == 200
    assert str(deleted.uuid) not in again.content.decode() and str(kept.uuid) in again.content.decode()


@pytest.mark.parametrize("url", ["detail", "/api/directory/themes/", "/hsds/taxonomy_terms"])
def test_a_read_revalidated_by_date_after_a_theme_is_renamed_is_sent_again(client, service, settle, url):
    url = f"{SERVICES}{service.uuid}/" if url == "detail" else url
    settle()
    first = client.get(url)
    seen_at = http_date(timezone.now().timestamp())
    theme = service.themes.first()
    theme.name_it = "Abitare e casa"
    theme.save()
    again = revalidated(client, url, first, seen_at)
    assert again.status_code == 200
    assert "Abitare e casa" in again.content.decode()


def test_a_list_revalidated_by_date_after_an_import_is_sent_again(client, service, settle):
    settle()
    first = client.get(SERVICES)
    seen_at = http_date(timezone.now().timestamp())
    result = import_directory(data=IMPORTED_ROW, filename="directory.csv")
    assert result.ok and result.written, result.errors
    again = revalidated(client, SERVICES, first, seen_at)
    assert again.status_code == 200
    assert [item["name"] for item in again.json()["results"]] == ["Sportello casa", "Sportello casa"]


def test_a_change_within_the_second_of_the_last_one_is_not_hidden(client, service):
    """The stored date is a whole second; the next change moves it to a later second, never the same one."""
    now = timezone.now().replace(microsecond=0)
    ContentVersion.objects.update(changed_at=now)  # changed in this very second
    first = client.get(SERVICES)
    assert first["Last-Modified"] == http_date(now.timestamp())
    service.name_it = "Sportello per la casa"
    service.save()
    again = client.get(SERVICES, headers={"If-Modified-Since": first["Last-Modified"]})
    assert again.status_code == 200
    assert again.json()["results"][0]["name"] == "Sportello per la casa"


def test_a_date_still_in_the_future_is_sent_as_the_current_time(client, service):
    ahead = timezone.now().replace(microsecond=0) + timedelta(minutes=5)
    ContentVersion.objects.update(changed_at=ahead)
    before = timezone.now().replace(microsecond=0)
    response = client.get(SERVICES)
    sent = parse_http_date(response["Last-Modified"])
    assert before.timestamp() <= sent <= timezone.now().timestamp()
    # The date sent is earlier than the stored one: revalidating with it costs a full response, never a wrong 304.
    assert client.get(SERVICES, headers={"If-Modified-Since": response["Last-Modified"]}).status_code == 200


def test_without_the_stored_date_there_is_no_last_modified(client, service):
    ContentVersion.objects.all().delete()
    response = client.get(SERVICES)
    assert "Last-Modified" not in response
    future = http_date((timezone.now() + timedelta(days=1)).timestamp())
    assert client.get(SERVICES, headers={"If-Modified-Since": future}).status_code == 200


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


def test_the_if_none_match_wins_over_if_modified_since(client, service, settle):
    url = f"{SERVICES}{service.uuid}/"
    settle()
    response = client.get(url)
    unchanged_by_date = {"If-None-Match": '"stale"', "If-Modified-Since": response["Last-Modified"]}
    assert client.get(url, headers=unchanged_by_date).status_code == 200
    long_ago = http_date((timezone.now() - timedelta(days=365)).timestamp())
    unchanged_by_etag = {"If-None-Match": response["ETag"], "If-Modified-Since": long_ago}
    assert client.get(url, headers=unchanged_by_etag).status_code == 304


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
    assert "Last-Modified" in response["Access-Control-Expose-Headers"]
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
