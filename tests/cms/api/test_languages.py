"""One language per response: ?lang=, then Accept-Language, then Italian; fallback to Italian field by field."""

import pytest

from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory

from .conftest import results

pytestmark = pytest.mark.django_db

SERVICES = "/api/directory/services/"


@pytest.fixture
def service():
    organization = OrganizationFactory(description_it="Associazione di Lecco.", description_en="")
    location = LocationFactory(
        organization=organization, opening_hours_it="Lunedì 9–12", opening_hours_en="Monday 9–12"
    )
    return ServiceFactory(
        organization=organization,
        name_it="Sportello casa",
        name_en="Housing desk",
        name_ar="مكتب السكن",
        description_it="Aiuto per trovare casa.",
        description_en="Help to find a home.",
        how_to_access_it="Su appuntamento.",
        locations=[location],
        themes=["housing"],
    )


def detail(client, service, **kwargs):
    return client.get(f"{SERVICES}{service.uuid}/", **kwargs)


def test_lang_parameter_chooses_the_language_and_content_language_says_it(client, service):
    response = detail(client, service, data={"lang": "en"})
    assert response["Content-Language"] == "en"
    body = response.json()
    assert body["name"] == "Housing desk"
    assert body["description"] == "Help to find a home."
    assert body["themes"][0]["name"] == "Housing"


def test_missing_translations_fall_back_to_italian_and_are_named_per_object(client, service):
    body = detail(client, service, data={"lang": "en"}).json()
    assert body["how_to_access"] == "Su appuntamento."
    assert body["fallback_fields"] == ["how_to_access"]  # eligibility is empty in Italian too: no fallback
    assert body["organization"]["description"] == "Associazione di Lecco."
    assert body["organization"]["fallback_fields"] == ["description"]
    assert body["locations"][0]["opening_hours"] == "Monday 9–12"
    assert body["locations"][0]["fallback_fields"] == []
    assert body["themes"][0]["fallback_fields"] == []

    arabic = detail(client, service, data={"lang": "ar"}).json()
    assert arabic["name"] == "مكتب السكن"
    assert arabic["fallback_fields"] == ["description", "how_to_access"]
    assert arabic["locations"][0]["fallback_fields"] == ["opening_hours"]


def test_italian_never_falls_back(client, service):
    body = detail(client, service).json()
    assert body["name"] == "Sportello casa"
    assert body["fallback_fields"] == []
    assert body["organization"]["fallback_fields"] == []


def test_accept_language_is_used_without_lang(client, service):
    response = detail(client, service, headers={"Accept-Language": "de;q=1, en-GB;q=0.8, fr;q=0.5"})
    assert response["Content-Language"] == "en"
    assert response.json()["name"] == "Housing desk"


def test_an_unsupported_accept_language_means_italian(client, service):
    response = detail(client, service, headers={"Accept-Language": "de, ja"})
    assert response.status_code == 200
    assert response["Content-Language"] == "it"
    assert response.json()["name"] == "Sportello casa"


def test_lang_wins_over_accept_language_and_is_case_insensitive(client, service):
    response = detail(client, service, data={"lang": "ZH-Hans"}, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"
    assert response.json()["themes"][0]["name"] == "住房"


def test_an_unknown_lang_is_a_400_that_lists_the_languages(client, service):
    for url in (SERVICES, f"{SERVICES}{service.uuid}/", "/api/directory/themes/", "/api/directory/"):
        response = client.get(url, {"lang": "de"})
        assert response.status_code == 400
        message = response.json()["lang"][0]
        assert "“de”" in message
        assert "it, en, fr, es, ar, uk, ro, sq, zh-hans" in message


def test_the_language_cookie_of_the_site_is_ignored(client, service):
    client.cookies["django_language"] = "en"
    response = detail(client, service)
    assert response["Content-Language"] == "it"
    assert "Cookie" not in response.get("Vary", "")


def test_list_items_say_which_fields_fell_back(client, service):
    ServiceFactory(name_it="Corso di italiano", description_it="Corso.", themes=["italian-courses"])
    items = results(client.get(SERVICES, {"lang": "en"}))
    by_name = {item["name"]: item["fallback_fields"] for item in items}
    assert by_name == {"Housing desk": ["how_to_access"], "Corso di italiano": ["name", "description"]}
