"""SQL queries per request do not grow with the page size: the same count for 1 and for 100 records."""

import pytest

from cms.models import Location, Service

from .conftest import queries_for

pytestmark = pytest.mark.django_db


# (endpoint, filters, SQL queries). Every read: the date of the public content (Last-Modified). Every
# list: the count, the ids of the page, the records. Services add their locations and the three
# taxonomies with their link tables; locations their services; each filter whose values are looked up
# adds one.
LISTS = [
    ("/api/directory/services/", {}, 11),
    ("/api/directory/services/", {"theme": "housing,mediation,italian-courses", "language": "it"}, 13),
    ("/api/directory/locations/", {}, 5),
]


@pytest.mark.parametrize(("url", "filters", "expected"), LISTS)
def test_service_and_location_lists(client, hundred_services, url, filters, expected):
    one, body = queries_for(client, url, {**filters, "page_size": 1, "ordering": "updated_at"})
    assert len(body["results"]) == 1
    hundred, body = queries_for(client, url, {"page_size": 100})
    assert len(body["results"]) == 100
    hundred, _body = queries_for(client, url, {**filters, "page_size": 100, "ordering": "updated_at"})
    assert one == hundred == expected


def test_service_lists_with_nested_records_of_every_kind(client, hundred_services):
    Service.objects.update(email="info@example.org")
    one, _body = queries_for(client, "/api/directory/services/", {"page_size": 1})
    hundred, body = queries_for(client, "/api/directory/services/", {"page_size": 100})
    assert one == hundred
    assert all(item["locations"] and item["themes"] for item in body["results"])
    assert sum(len(item["languages_spoken"]) for item in body["results"]) > 100


def test_organisation_list(client, hundred_organizations):
    one, _body = queries_for(client, "/api/directory/organizations/", {"page_size": 1})
    hundred, body = queries_for(client, "/api/directory/organizations/", {"page_size": 100})
    assert len(body["results"]) == 100
    assert all(len(item["comuni_covered"]) == 2 for item in body["results"])
    assert one == hundred == 6


def test_details_take_a_constant_number_of_queries(client, hundred_services):
    service = Service.objects.first()
    count, _body = queries_for(client, f"/api/directory/services/{service.uuid}/", {})
    assert count == 9
    location = Location.objects.first()
    count, _body = queries_for(client, f"/api/directory/locations/{location.uuid}/", {})
    assert count == 3


@pytest.mark.parametrize(
    ("url", "expected"),
    [("/api/directory/comuni/", 4), ("/api/directory/ambiti/", 5), ("/api/directory/themes/", 4)],
)
def test_geography_and_taxonomy_lists(client, url, expected):
    one, _body = queries_for(client, url, {"page_size": 1})
    many, _body = queries_for(client, url, {"page_size": 100})
    assert one == many == expected
