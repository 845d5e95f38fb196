"""HSDS lists take the same number of SQL queries for 1 and for 100 records, nested or not."""

import pytest

from cms.models import Organization, Service, ServiceAtLocation
from tests.cms.api.conftest import queries_for as count

pytestmark = pytest.mark.django_db


# The date of the public content (Last-Modified), the count and the page; nested services add their
# locations and the three taxonomies with their link tables (six queries); nested organisations add
# their locations and services.
@pytest.mark.parametrize(
    ("url", "params", "expected"),
    [
        ("/hsds/services", {}, 3),
        ("/hsds/services", {"full": "true"}, 10),
        ("/hsds/service_at_locations", {}, 3),
        ("/hsds/service_at_locations", {"full": "true"}, 9),
        ("/hsds/organizations", {"full": "true"}, 5),
    ],
)
def test_lists(client, hundred_services, url, params, expected):
    one, body = count(client, url, {**params, "per_page": 1})
    assert body["size"] == 1
    hundred, body = count(client, url, {**params, "per_page": 100})
    assert body["size"] == min(100, body["total_items"])
    assert one == hundred == expected


def test_organisation_list_of_a_hundred(client, hundred_organizations):
    one, _body = count(client, "/hsds/organizations", {"per_page": 1})
    hundred, body = count(client, "/hsds/organizations", {"per_page": 100})
    assert body["size"] == 100
    assert one == hundred == 3


def test_details(client, hundred_services):
    assert count(client, f"/hsds/services/{Service.objects.first().uuid}", {})[0] == 9
    assert count(client, f"/hsds/organizations/{Organization.objects.first().uuid}", {})[0] == 4
    assert count(client, f"/hsds/service_at_locations/{ServiceAtLocation.objects.first().uuid}", {})[0] == 8
