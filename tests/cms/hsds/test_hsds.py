"""The Open Referral HSDS 3.0 read API: every object it returns validates against the HSDS 3.0 schemas."""

import json
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.utils import timezone

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from cms.hsds.mapping import TARGET_GROUPS_TAXONOMY_ID, THEMES_TAXONOMY_ID
from cms.hsds.openapi import PAGE_PROPERTIES
from cms.models import Service, ServiceAtLocation, Theme
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parents[3] / "cms" / "hsds" / "schemas"


def forbid_additional_properties(schema):
    """As the HSDS CI does (--set-additional-properties-false-everywhere): every object is closed."""
    if isinstance(schema, dict):
        if "properties" in schema:
            schema["additionalProperties"] = False
        for value in schema.values():
            forbid_additional_properties(value)
    elif isinstance(schema, list):
        for value in schema:
            forbid_additional_properties(value)
    return schema


def load(relative: str) -> dict:
    return forbid_additional_properties(json.loads((SCHEMAS / relative).read_text(encoding="utf-8")))


@cache
def validator(relative: str) -> Draft202012Validator:
    """A draft 2020-12 validator of one HSDS schema (compiled, or with its relative $refs resolved)."""
    registry = Registry().with_resources(
        (path.name, Resource.from_contents(load(path.name), default_specification=DRAFT202012))
        for path in SCHEMAS.glob("*.json")
    )
    return Draft202012Validator(load(relative), registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER)


def assert_valid(obj: dict, relative: str):
    errors = sorted(validator(relative).iter_errors(obj), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


PAGE_SCHEMA = {
    "type": "object",
    "properties": {**PAGE_PROPERTIES, "contents": {"type": "array"}},
    "required": [*PAGE_PROPERTIES, "contents"],
    "additionalProperties": False,
}


def page(client, url, params=None) -> dict:
    response = client.get(url, params or {})
    assert response.status_code == 200, response.content
    body = response.json()
    Draft202012Validator(PAGE_SCHEMA).validate(body)
    return body


@pytest.fixture
def directory():
    """Records with every field the mapping knows filled in, plus records the API must not show."""
    organization = OrganizationFactory(
        name="Consorzio Comunità Brianza",
        description_it="Consorzio di cooperative sociali.",
        description_en="A consortium of social cooperatives.",
        website="https://example.org",
        phone="+39 039 000000",
    )
    location = LocationFactory(
        organization=organization,
        municipality=comune("Monza"),
        phone="+39 039 111111",
        opening_hours_it="Lunedì 9–12",
        opening_hours_en="Monday 9–12",
        accessibility_it="Accesso senza gradini.",
    )
    service = ServiceFactory(
        organization=organization,
        name_it="Sportello casa",
        name_en="Housing desk",
        description_it="Aiuto per la casa.",
        how_to_access_it="Su appuntamento.",
        eligibility_it="Residenti nell'ambito.",
        email="casa@example.org",
        phone="+39 039 222222",
        website="https://example.org/casa",
        themes=["housing", "mediation"],
        target_groups=["families"],
        languages=["ar", "fr"],
        locations=[location],
        comuni=["Lecco"],
        assured_date=date(2026, 5, 4),
        assurer_email="casa@example.org",
    )
    closed = ServiceFactory(name_it="Chiuso", status=Service.Status.TEMPORARILY_CLOSED, themes=["employment-training"])
    draft = ServiceFactory(name_it="Bozza", live=False, comuni=["Lecco"])
    return {"organization": organization, "location": location, "service": service, "closed": closed, "draft": draft}


def test_the_root_says_version_profile_and_openapi_url(client):
    body = client.get("/hsds/").json()
    assert body["version"] == "3.0"
    assert body["profile"].startswith("https://")
    assert body["openapi_url"] == "http://testserver/hsds/openapi.json"


def test_services_list_and_detail_validate(client, directory):
    listing = page(client, "/hsds/services")
    assert listing["total_items"] == 2  # HSDS carries every published service, whatever its status
    for item in listing["contents"]:
        assert_valid(item, "compiled/service_list.json")
    full = page(client, "/hsds/services", {"full": "true"})
    for item in full["contents"]:
        assert_valid(item, "compiled/service.json")

    service = directory["service"]
    detail = client.get(f"/hsds/services/{service.uuid}").json()
    assert_valid(detail, "compiled/service.json")
    assert detail["id"] == str(service.uuid)
    assert detail["status"] == "active"
    assert detail["application_process"] == "Su appuntamento."
    assert (detail["assured_date"], detail["assurer_email"]) == ("2026-05-04", "casa@example.org")
    summary = next(item for item in listing["contents"] if item["id"] == str(service.uuid))
    assert summary["assured_date"] == "2026-05-04"
    assert [lang["code"] for lang in detail["languages"]] == ["ar", "fr"]
    assert {a["taxonomy_term"]["code"] for a in detail["attributes"]} == {"housing", "mediation", "families"}
    assert len(detail["service_at_locations"]) == 2
    monza = next(
        s["location"] for s in detail["service_at_locations"] if s["location"]["addresses"][0]["city"] == "Monza"
    )
    assert monza["addresses"][0]["state_province"] == "MB"
    assert monza["schedules"][0]["description"] == "Lunedì 9–12"
    assert monza["accessibility"][0]["description"] == "Accesso senza gradini."

    closed = client.get(f"/hsds/services/{directory['closed'].uuid}").json()
    assert closed["status"] == "temporarily closed"


def test_organizations_validate(client, directory):
    for item in page(client, "/hsds/organizations")["contents"]:
        assert_valid(item, "compiled/organization_list.json")
    for item in page(client, "/hsds/organizations", {"full": "true"})["contents"]:
        assert_valid(item, "compiled/organization.json")
    detail = client.get(f"/hsds/organizations/{directory['organization'].uuid}").json()
    assert_valid(detail, "compiled/organization.json")
    assert detail["phones"][0]["number"] == "+39 039 000000"
    assert [s["name"] for s in detail["services"]] == ["Sportello casa"]
    assert len(detail["locations"]) == 2


def test_service_at_locations_validate(client, directory):
    listing = page(client, "/hsds/service_at_locations")
    assert listing["total_items"] == 2  # the draft service's location is not shown
    for item in listing["contents"]:
        assert_valid(item, "compiled/service_at_location_list.json")
    for item in page(client, "/hsds/service_at_locations", {"full": "true"})["contents"]:
        assert_valid(item, "compiled/service_at_location.json")
    placement = ServiceAtLocation.objects.get(location=directory["location"])
    detail = client.get(f"/hsds/service_at_locations/{placement.uuid}").json()
    assert_valid(detail, "compiled/service_at_location.json")
    assert detail["service"]["id"] == str(directory["service"].uuid)
    assert detail["location"]["phones"][0]["number"] == "+39 039 111111"


def test_taxonomies_and_terms_validate_with_stable_ids(client):
    taxonomies = page(client, "/hsds/taxonomies")["contents"]
    for item in taxonomies:
        assert_valid(item, "taxonomy.json")
    assert [t["id"] for t in taxonomies] == [str(THEMES_TAXONOMY_ID), str(TARGET_GROUPS_TAXONOMY_ID)]

    terms = page(client, "/hsds/taxonomy_terms", {"per_page": 100})
    assert terms["total_items"] == 16
    for item in terms["contents"]:
        assert_valid(item, "taxonomy_term.json")
    housing = next(t for t in terms["contents"] if t["code"] == "housing")
    assert housing["id"] == str(Theme.objects.get(code="housing").uuid)
    assert housing["taxonomy_id"] == str(THEMES_TAXONOMY_ID)
    only_groups = page(client, "/hsds/taxonomy_terms", {"taxonomy_id": str(TARGET_GROUPS_TAXONOMY_ID)})
    assert only_groups["total_items"] == 7


def test_one_language_per_response(client, directory):
    service = directory["service"]
    english = client.get(f"/hsds/services/{service.uuid}", {"lang": "en"})
    assert english["Content-Language"] == "en"
    body = english.json()
    assert body["name"] == "Housing desk"
    assert body["description"] == "Aiuto per la casa."  # no English: Italian
    assert body["organization"]["description"] == "A consortium of social cooperatives."
    terms = client.get("/hsds/taxonomy_terms", {"lang": "ar"}).json()["contents"]
    assert terms[0]["name"] == "السكن"
    assert terms[0]["language"] == "ar"
    assert client.get("/hsds/services", {"lang": "xx"}).status_code == 400


def test_filters(client, directory):
    housing = str(Theme.objects.get(code="housing").uuid)
    employment = str(Theme.objects.get(code="employment-training").uuid)

    def service_names(params):
        return [s["name"] for s in page(client, "/hsds/services", params)["contents"]]

    assert service_names({"taxonomy_term_id": housing}) == ["Sportello casa"]
    assert service_names({"taxonomy_term_id": f"{housing},{employment}"}) == ["Sportello casa", "Chiuso"]
    assert service_names({"taxonomy_id": str(THEMES_TAXONOMY_ID)}) == ["Sportello casa", "Chiuso"]
    assert service_names({"organization_id": str(directory["organization"].uuid)}) == ["Sportello casa"]
    Service.objects.filter(pk=directory["closed"].pk).update(updated_at=timezone.now() - timedelta(days=3))
    assert service_names({"modified_after": (timezone.now() - timedelta(days=1)).isoformat()}) == ["Sportello casa"]
    placements = page(client, "/hsds/service_at_locations", {"postcode": comune("Monza").cap})["contents"]
    assert [p["location_id"] for p in placements] == [str(directory["location"].uuid)]
    placements = page(client, "/hsds/service_at_locations", {"taxonomy_term_id": employment})
    assert placements["total_items"] == 0  # the closed service has no location


@pytest.mark.parametrize(
    ("url", "params", "parameter"),
    [
        ("/hsds/services", {"taxonomy_term_id": "6f1d4c1e-8a54-4f0e-9a55-7c3b2f6a0e11"}, "taxonomy_term_id"),
        ("/hsds/services", {"taxonomy_id": "nope"}, "taxonomy_id"),
        ("/hsds/services", {"organization_id": "6f1d4c1e-8a54-4f0e-9a55-7c3b2f6a0e11"}, "organization_id"),
        ("/hsds/services", {"modified_after": "last week"}, "modified_after"),
        ("/hsds/services", {"modified_after": "0001-01-01"}, "modified_after"),
        ("/hsds/service_at_locations", {"modified_after": "9999-12-31T23:59:59-05:00"}, "modified_after"),
        ("/hsds/services", {"full": "maybe"}, "full"),
        ("/hsds/services", {"format": "ndjson"}, "format"),
        ("/hsds/services", {"per_page": "500"}, "per_page"),
        ("/hsds/services", {"page": "0"}, "page"),
        ("/hsds/services", {"search": "casa"}, "search"),
        ("/hsds/service_at_locations", {"postcode": "2390"}, "postcode"),
        ("/hsds/organizations", {"taxonomy_id": str(THEMES_TAXONOMY_ID)}, "taxonomy_id"),
    ],
)
def test_bad_parameters_are_a_400_naming_them(client, url, params, parameter):
    response = client.get(url, params)
    assert response.status_code == 400
    assert list(response.json()) == [parameter]


def test_paging(client, directory):
    first = page(client, "/hsds/services", {"per_page": 1})
    assert (first["total_items"], first["total_pages"], first["page_number"], first["size"]) == (2, 2, 1, 1)
    assert (first["first_page"], first["last_page"], first["empty"]) == (True, False, False)
    second = page(client, "/hsds/services", {"per_page": 1, "page": 2})
    assert (second["first_page"], second["last_page"]) == (False, True)
    assert second["contents"][0]["id"] != first["contents"][0]["id"]
    past = page(client, "/hsds/services", {"per_page": 1, "page": 3})
    assert (past["size"], past["empty"], past["contents"]) == (0, True, [])


def test_unpublished_records_are_not_found(client, directory):
    assert client.get(f"/hsds/services/{directory['draft'].uuid}").status_code == 404
    hidden = OrganizationFactory(live=False)
    assert client.get(f"/hsds/organizations/{hidden.uuid}").status_code == 404
    draft_placement = ServiceAtLocation.objects.get(service=directory["draft"])
    assert client.get(f"/hsds/service_at_locations/{draft_placement.uuid}").status_code == 404
    response = client.get("/hsds/services/not-a-uuid")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/hsds/services/not-a-uuid", "No published service has this id."),
        ("/hsds/organizations/1", "No published organization has this id."),
        (
            "/hsds/service_at_locations/00000000-0000-0000-0000-00000000000g",
            "No published service at location has this id.",
        ),
    ],
)
def test_an_id_that_is_not_a_uuid_is_a_json_404_like_an_unknown_one(client, url, message):
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": message}
    assert response["Cache-Control"] == "no-store"


def test_the_description_still_says_the_ids_are_uuids(client):
    paths = client.get("/hsds/openapi.json").json()["paths"]
    for path in ("/hsds/services/{id}", "/hsds/organizations/{id}", "/hsds/service_at_locations/{id}"):
        [parameter] = [p for p in paths[path]["get"]["parameters"] if p["in"] == "path"]
        assert parameter["name"] == "id" and parameter["schema"] == {"type": "string", "format": "uuid"}


def test_ids_never_change(client, directory):
    service = directory["service"]
    before = client.get(f"/hsds/services/{service.uuid}").json()
    service.name_it = "Sportello per la casa"
    service.save()
    after = client.get(f"/hsds/services/{service.uuid}").json()
    assert after["name"] == "Sportello per la casa"

    def ids(obj):
        found = []
        if isinstance(obj, dict):
            found += [v for k, v in obj.items() if k == "id"]
            for v in obj.values():
                found += ids(v)
        elif isinstance(obj, list):
            for v in obj:
                found += ids(v)
        return found

    assert sorted(ids(before)) == sorted(ids(after))
    assert len(set(ids(after))) > 10


def test_the_validator_catches_what_hsds_does_not_allow(directory):
    item = {"id": str(directory["service"].uuid), "name": "x", "status": "active"}
    assert_valid(item, "compiled/service_list.json")
    with pytest.raises(AssertionError, match="colour"):
        assert_valid({**item, "colour": "blue"}, "compiled/service_list.json")
    with pytest.raises(AssertionError, match="temporarily_closed"):
        assert_valid({**item, "status": "temporarily_closed"}, "compiled/service.json")
    with pytest.raises(AssertionError, match="uuid"):
        assert_valid({**item, "id": "42"}, "compiled/service.json")
