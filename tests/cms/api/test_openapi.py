"""The OpenAPI 3 description at /api/schema/: valid, complete for our endpoints, free of admin views and warnings."""

import json

from django.core.management import call_command

import pytest
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db

DIRECTORY = [
    "/api/directory/",
    *[
        f"/api/directory/{name}/{suffix}"
        for name, key in [
            ("services", "{uuid}"),
            ("organizations", "{uuid}"),
            ("locations", "{uuid}"),
            ("comuni", "{istat_code}"),
            ("ambiti", "{slug}"),
            ("themes", "{code}"),
            ("target-groups", "{code}"),
            ("languages", "{code}"),
        ]
        for suffix in ("", f"{key}/")
    ],
]
PAGES = ["/api/v2/pages/", "/api/v2/pages/{id}/", "/api/v2/pages/find/"]
HSDS = [
    "/hsds/",
    "/hsds/services",
    "/hsds/services/{id}",
    "/hsds/organizations",
    "/hsds/organizations/{id}",
    "/hsds/service_at_locations",
    "/hsds/service_at_locations/{id}",
    "/hsds/taxonomies",
    "/hsds/taxonomy_terms",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    return json.loads(response.content)


def test_the_description_is_valid_openapi_3(schema):
    assert schema["openapi"].startswith("3.")
    validate(schema)


def test_every_json_endpoint_we_built_is_described(schema):
    missing = [path for path in DIRECTORY + PAGES + HSDS if path not in schema["paths"]]
    assert missing == []


def test_the_wagtail_admin_api_is_left_out(schema):
    assert [path for path in schema["paths"] if path.startswith("/admin/")] == []


def test_operations_say_who_may_use_them_and_document_errors_and_caching(schema):
    for path in DIRECTORY + PAGES + HSDS:
        operation = schema["paths"][path]["get"]
        assert "Who may use it" in operation["description"], path
        assert "400" in operation["responses"], path
        parameters = {p["name"] for p in operation.get("parameters", [])}
        assert {"lang", "Accept-Language", "If-None-Match"} <= parameters, path
        if path != "/api/v2/pages/find/":
            assert "304" in operation["responses"], path
            assert "ETag" in operation["responses"]["200"]["headers"], path
        if "{" in path:
            assert "404" in operation["responses"], path


def test_filters_are_documented(schema):
    services = {p["name"]: p for p in schema["paths"]["/api/directory/services/"]["get"]["parameters"]}
    assert {
        "comune",
        "ambito",
        "theme",
        "target_group",
        "language",
        "organization_kind",
        "organization",
        "status",
        "modified_since",
        "ordering",
        "page",
        "page_size",
    } <= set(services)
    assert services["page_size"]["schema"]["maximum"] == 100
    assert services["status"]["schema"]["items"]["enum"] == ["active", "inactive", "temporarily_closed"]
    hsds = {p["name"] for p in schema["paths"]["/hsds/services"]["get"]["parameters"]}
    assert {"taxonomy_term_id", "taxonomy_id", "organization_id", "modified_after", "page", "per_page"} <= hsds


def test_hsds_responses_refer_to_the_hsds_schemas(schema):
    detail = schema["paths"]["/hsds/services/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert detail["schema"] == {"$ref": "#/components/schemas/HSDSService"}
    components = schema["components"]["schemas"]
    assert components["HSDSService"]["required"] == ["id", "name", "status"]
    assert components["HSDSService"]["properties"]["attributes"]["items"] == {
        "$ref": "#/components/schemas/HSDSAttribute"
    }


def test_generation_gives_no_warning_or_error(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(target))
    assert target.read_text().startswith("openapi: 3.0.3")


def test_the_hsds_openapi_url_describes_the_hsds_endpoints_only(client):
    openapi_url = client.get("/hsds/").json()["openapi_url"]
    response = client.get(openapi_url)
    assert response.status_code == 200
    description = response.json()
    validate(description)
    assert sorted(description["paths"]) == sorted(HSDS)
