"""The directory endpoints: published records only, nested data, filters, paging and ordering."""

from datetime import timedelta

from django.utils import timezone

import pytest

from cms.models import Location, Organization, Service
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

from .conftest import names, results

pytestmark = pytest.mark.django_db

SERVICES = "/api/directory/services/"


def test_the_index_lists_every_endpoint(client):
    response = client.get("/api/directory/")
    assert response.status_code == 200
    assert set(response.json()) == {
        "services",
        "organizations",
        "locations",
        "comuni",
        "ambiti",
        "themes",
        "target_groups",
        "languages",
        "openapi",
        "docs",
    }
    for url in response.json().values():
        assert client.get(url).status_code == 200


def test_a_service_comes_with_its_organisation_locations_and_taxonomy(client):
    service = ServiceFactory(
        name_it="Sportello casa",
        comuni=["Lecco", "Merate"],
        themes=["housing", "mediation"],
        target_groups=["families"],
        languages=["ar", "fr"],
        phone="+39 0341 000000",
    )
    item = client.get(f"{SERVICES}{service.uuid}/").json()

    assert item["id"] == str(service.uuid)
    assert item["url"] == f"http://testserver{SERVICES}{service.uuid}/"
    assert item["name"] == "Sportello casa"
    assert item["status"] == "active"
    assert item["cost"] == "free"
    assert item["organization"]["id"] == str(service.organization.uuid)
    assert item["organization"]["kind"] == "volunteer_association"
    assert [loc["comune"]["name"] for loc in item["locations"]] == ["Lecco", "Merate"]
    lecco = item["locations"][0]["comune"]
    assert lecco["istat_code"] == "097042"
    assert lecco["ambito"]["slug"] == "lecco"
    assert isinstance(item["locations"][0]["latitude"], float)
    assert [t["code"] for t in item["themes"]] == ["housing", "mediation"]
    assert [t["code"] for t in item["target_groups"]] == ["families"]
    assert [lang["code"] for lang in item["languages_spoken"]] == ["ar", "fr"]


def test_only_published_records_of_published_organisations_are_shown(client):
    shown = ServiceFactory(name_it="Pubblicato", comuni=["Lecco"])
    draft = ServiceFactory(name_it="Bozza", live=False)
    hidden_organization = OrganizationFactory(live=False)
    orphan = ServiceFactory(name_it="Di organizzazione non pubblicata", organization=hidden_organization)
    draft_location = LocationFactory(organization=shown.organization, municipality=comune("Merate"), live=False)
    shown.service_at_locations.create(location=draft_location)

    assert names(client.get(SERVICES)) == ["Pubblicato"]
    assert client.get(f"{SERVICES}{draft.uuid}/").status_code == 404
    assert client.get(f"{SERVICES}{orphan.uuid}/").status_code == 404
    assert [loc["comune"]["name"] for loc in client.get(f"{SERVICES}{shown.uuid}/").json()["locations"]] == ["Lecco"]

    organizations = [o["id"] for o in results(client.get("/api/directory/organizations/"))]
    assert str(hidden_organization.uuid) not in organizations
    assert client.get(f"/api/directory/organizations/{hidden_organization.uuid}/").status_code == 404
    locations = [loc["id"] for loc in results(client.get("/api/directory/locations/"))]
    assert str(draft_location.uuid) not in locations
    assert client.get(f"/api/directory/locations/{draft_location.uuid}/").status_code == 404


def test_inactive_services_are_listed_only_when_asked_for_but_always_have_a_detail(client):
    ServiceFactory(name_it="Attivo")
    ServiceFactory(name_it="Chiuso per ferie", status=Service.Status.TEMPORARILY_CLOSED)
    inactive = ServiceFactory(name_it="Cessato", status=Service.Status.INACTIVE)

    assert names(client.get(SERVICES)) == ["Attivo", "Chiuso per ferie"]
    assert names(client.get(SERVICES, {"status": "inactive"})) == ["Cessato"]
    assert names(client.get(SERVICES, {"status": "active,inactive"})) == ["Attivo", "Cessato"]
    detail = client.get(f"{SERVICES}{inactive.uuid}/")
    assert detail.status_code == 200
    assert detail.json()["status"] == "inactive"


# --- Filters -----------------------------------------------------------------------------------


@pytest.fixture
def directory():
    public = OrganizationFactory(name="Comune di Lecco", kind=Organization.Kind.PUBLIC_OFFICE)
    cooperative = OrganizationFactory(
        name="Cooperativa Monza", kind=Organization.Kind.SOCIAL_COOPERATIVE, municipality=comune("Monza")
    )
    return {
        "casa-lecco": ServiceFactory(
            name_it="Casa a Lecco",
            organization=public,
            comuni=["Lecco"],
            themes=["housing"],
            target_groups=["families"],
            languages=["ar"],
        ),
        "lavoro-monza": ServiceFactory(
            name_it="Lavoro a Monza",
            organization=cooperative,
            comuni=["Monza"],
            themes=["employment-training"],
            target_groups=["young-people"],
            languages=["fr"],
        ),
        "mediazione-merate": ServiceFactory(
            name_it="Mediazione a Merate",
            organization=public,
            comuni=["Merate"],
            themes=["mediation", "housing"],
            target_groups=["women"],
            languages=["ar", "uk"],
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"comune": "097042"}, ["Casa a Lecco"]),
        ({"comune": "lecco"}, ["Casa a Lecco"]),
        ({"comune": "lecco,monza"}, ["Casa a Lecco", "Lavoro a Monza"]),
        ({"ambito": "merate"}, ["Mediazione a Merate"]),
        ({"ambito": "lecco,merate"}, ["Casa a Lecco", "Mediazione a Merate"]),
        ({"theme": "housing"}, ["Casa a Lecco", "Mediazione a Merate"]),
        ({"theme": ["housing", "employment-training"]}, ["Casa a Lecco", "Lavoro a Monza", "Mediazione a Merate"]),
        ({"target_group": "women"}, ["Mediazione a Merate"]),
        ({"language": "ar"}, ["Casa a Lecco", "Mediazione a Merate"]),
        ({"organization_kind": "social_cooperative"}, ["Lavoro a Monza"]),
        ({"theme": "housing", "language": "uk"}, ["Mediazione a Merate"]),
        ({"comune": "monza", "theme": "housing"}, []),
    ],
)
def test_services_filters(client, directory, query, expected):
    assert names(client.get(SERVICES, query)) == expected


def test_services_of_one_organisation(client, directory):
    organization = directory["lavoro-monza"].organization
    response = client.get(SERVICES, {"organization": str(organization.uuid)})
    assert names(response) == ["Lavoro a Monza"]
    listed = client.get(f"/api/directory/organizations/{organization.uuid}/").json()["services_url"]
    assert names(client.get(listed)) == ["Lavoro a Monza"]


def test_modified_since(client, directory):
    old = directory["casa-lecco"]
    Service.objects.filter(pk=old.pk).update(updated_at=timezone.now() - timedelta(days=10))
    since = (timezone.now() - timedelta(days=1)).isoformat()
    assert names(client.get(SERVICES, {"modified_since": since})) == ["Lavoro a Monza", "Mediazione a Merate"]
    assert len(results(client.get(SERVICES, {"modified_since": "2000-01-01"}))) == 3
    # An unencoded "+" of the offset arrives as a space: it is still understood.
    response = client.get(f"{SERVICES}?modified_since=2000-01-01T00:00:00+01:00")
    assert len(results(response)) == 3


@pytest.mark.parametrize(
    ("query", "parameter", "words"),
    [
        ({"theme": "hosing"}, "theme", "hosing"),
        ({"theme": "housing,hosing"}, "theme", "hosing"),
        ({"comune": "999999"}, "comune", "999999"),
        ({"comune": "atlantide"}, "comune", "ISTAT"),
        ({"ambito": "nowhere"}, "ambito", "nowhere"),
        ({"target_group": "aliens"}, "target_group", "aliens"),
        ({"language": "xx"}, "language", "xx"),
        ({"organization_kind": "club"}, "organization_kind", "public_office"),
        ({"organization": "not-a-uuid"}, "organization", "UUID"),
        ({"organization": "6f1d4c1e-8a54-4f0e-9a55-7c3b2f6a0e11"}, "organization", "Unknown"),
        ({"modified_since": "yesterday"}, "modified_since", "ISO 8601"),
        ({"modified_since": "2025-13-45"}, "modified_since", "ISO 8601"),
        ({"modified_since": "0001-01-01"}, "modified_since", "too far in the past or in the future"),
        ({"modified_since": "9999-12-31T23:59:59-05:00"}, "modified_since", "between 0002-01-01 and 9998-12-31"),
        ({"status": "open"}, "status", "active"),
        ({"ordering": "price"}, "ordering", "name"),
        ({"themes": "housing"}, "themes", "theme"),
        ({"theme": ""}, "theme", "value"),
        ({"page_size": "101"}, "page_size", "100"),
        ({"page_size": "0"}, "page_size", "1"),
        ({"page": "first"}, "page", "number"),
    ],
)
def test_bad_filters_are_a_400_naming_the_parameter(client, query, parameter, words):
    response = client.get(SERVICES, query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    assert list(body) == [parameter]
    assert words in body[parameter][0]
    assert response["Cache-Control"] == "no-store"


def test_every_bad_parameter_is_reported_at_once(client):
    response = client.get(SERVICES, {"theme": "hosing", "comune": "atlantide", "colour": "blue"})
    assert response.status_code == 400
    assert set(response.json()) == {"theme", "comune", "colour"}


def test_a_detail_accepts_only_lang(client):
    service = ServiceFactory()
    assert client.get(f"{SERVICES}{service.uuid}/", {"theme": "housing"}).status_code == 400
    assert client.get(f"{SERVICES}{service.uuid}/", {"lang": "en"}).status_code == 200


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"comune": "merate"}, ["Comune di Lecco"]),  # a location there
        ({"comune": "monza"}, ["Cooperativa Monza"]),  # its seat
        ({"ambito": "monza"}, ["Cooperativa Monza"]),
        ({"theme": "mediation"}, ["Comune di Lecco"]),
        ({"language": "fr"}, ["Cooperativa Monza"]),
        ({"organization_kind": "public_office"}, ["Comune di Lecco"]),
    ],
)
def test_organisation_filters(client, directory, query, expected):
    assert names(client.get("/api/directory/organizations/", query)) == expected


def test_organisations_covering_a_comune_or_its_ambito_are_found_there(client):
    covering = OrganizationFactory(name="Copre Bellano", municipality=comune("Monza"))
    covering.municipalities.set([comune("Bellano")])
    covering.save()
    district = OrganizationFactory(name="Copre l'ambito di Bellano", municipality=comune("Monza"))
    district.ambiti.set([comune("Bellano").ambito])
    district.save()
    OrganizationFactory(name="Altrove", municipality=comune("Monza"))

    response = client.get("/api/directory/organizations/", {"comune": "bellano"})
    assert names(response) == ["Copre Bellano", "Copre l'ambito di Bellano"]
    assert names(client.get("/api/directory/organizations/", {"ambito": "bellano"})) == [
        "Copre Bellano",
        "Copre l'ambito di Bellano",
    ]
    item = results(response)[0]
    assert [c["name"] for c in item["comuni_covered"]] == ["Bellano"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"comune": "lecco"}, ["Lecco"]),
        ({"ambito": "monza"}, ["Monza"]),
        ({"theme": "housing"}, ["Lecco", "Merate"]),
        ({"target_group": "young-people"}, ["Monza"]),
        ({"organization_kind": "public_office"}, ["Lecco", "Merate"]),
    ],
)
def test_location_filters(client, directory, query, expected):
    found = results(client.get("/api/directory/locations/", query))
    assert sorted(item["comune"]["name"] for item in found) == expected


def test_a_location_lists_the_listed_services_offered_there(client, directory):
    location = Location.objects.get(municipality__name="Lecco")
    closed = ServiceFactory(name_it="Vecchio servizio", status=Service.Status.INACTIVE, locations=[location])
    item = client.get(f"/api/directory/locations/{location.uuid}/").json()
    assert [s["name"] for s in item["services"]] == ["Casa a Lecco"]
    assert str(closed.uuid) not in str(item)


def test_comuni_ambiti_and_taxonomies(client):
    comuni = client.get("/api/directory/comuni/", {"page_size": 100})
    assert comuni.json()["count"] == 139
    lecco = client.get("/api/directory/comuni/097042/").json()
    assert lecco["name"] == "Lecco"
    assert lecco["ambito"]["slug"] == "lecco"
    assert names(client.get("/api/directory/comuni/", {"ambito": "bellano", "page_size": 3})) == [
        "Abbadia Lariana",
        "Ballabio",
        "Barzio",
    ]
    assert client.get("/api/directory/comuni/", {"province": "MB"}).json()["count"] == 55
    assert client.get("/api/directory/comuni/lecco/").status_code == 404  # by ISTAT code only

    ambiti = results(client.get("/api/directory/ambiti/"))
    assert len(ambiti) == 8
    assert sum(len(a["comuni"]) for a in ambiti) == 139
    assert client.get("/api/directory/ambiti/merate/").json()["name"] == "Merate"

    assert client.get("/api/directory/themes/housing/", {"lang": "fr"}).json()["name"] == "Logement"
    assert client.get("/api/directory/target-groups/").json()["count"] == 7
    assert client.get("/api/directory/languages/ar/").json()["native_name"] == "العربية"


# --- Paging and ordering ------------------------------------------------------------------------


def test_pages_link_to_each_other_and_keep_the_filters(client):
    for i in range(5):
        ServiceFactory(name_it=f"Servizio {i}", themes=["housing"])
    first = client.get(SERVICES, {"theme": "housing", "page_size": 2}).json()
    assert (first["count"], first["page"], first["page_size"], first["total_pages"]) == (5, 1, 2, 3)
    assert first["previous"] is None
    second = client.get(first["next"]).json()
    assert "theme=housing" in first["next"]
    assert [s["name"] for s in second["results"]] == ["Servizio 2", "Servizio 3"]
    last = client.get(second["next"]).json()
    assert last["next"] is None
    assert [s["name"] for s in last["results"]] == ["Servizio 4"]
    past = client.get(SERVICES, {"theme": "housing", "page_size": 2, "page": 4}, HTTP_ACCEPT_LANGUAGE="en")
    assert past.status_code == 404
    assert "last page is 3" in past.json()["detail"]


def test_an_empty_list_is_an_empty_first_page(client):
    body = client.get(SERVICES).json()
    assert (body["count"], body["total_pages"], body["results"]) == (0, 0, [])


def test_ordering_is_stable_and_follows_the_response_language(client):
    same = [ServiceFactory(name_it="Uguale") for _ in range(3)]
    ServiceFactory(name_it="Zeta", name_en="Alpha")
    ServiceFactory(name_it="Beta")

    italian = results(client.get(SERVICES))
    assert [s["name"] for s in italian] == ["Beta", "Uguale", "Uguale", "Uguale", "Zeta"]
    assert [s["id"] for s in italian[1:4]] == [str(s.uuid) for s in same]  # ties broken by id
    assert names(client.get(SERVICES, {"lang": "en"})) == ["Alpha", "Beta", "Uguale", "Uguale", "Uguale"]
    assert names(client.get(SERVICES, {"ordering": "-name"})) == ["Zeta", "Uguale", "Uguale", "Uguale", "Beta"]

    Service.objects.filter(pk=same[0].pk).update(updated_at=timezone.now() + timedelta(hours=1))
    assert results(client.get(SERVICES, {"ordering": "-updated_at"}))[0]["id"] == str(same[0].uuid)
