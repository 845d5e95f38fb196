"""NUL and other control characters in query parameters: a 400 naming the parameter, never a 500."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/api/v2/pages/", "/api/directory/services/", "/api/search/", "/hsds/services"])
def test_a_nul_in_a_query_parameter_of_an_api_is_a_400_naming_it(client, path):
    response = client.get(path, {"search": "casa\x00", "q": "casa\x00"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    body = response.json()
    errors = body["errors"] if path == "/api/search/" else body  # each API's documented shape of a 400
    assert set(errors) == {"search", "q"}
    assert errors["search"] == ["The parameter “search” contains a control character (such as NUL): remove it."]


def test_the_pages_api_search_with_nul_is_refused_and_without_it_answers(client):
    assert client.get("/api/v2/pages/?search=%00").status_code == 400
    assert client.get("/api/v2/pages/?search=casa").status_code == 200


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f"])
def test_other_control_characters_are_refused_on_the_site_too(client, character):
    response = client.get("/it/search/", {"q": f"casa{character}"}, HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 400
    assert "“q”" in response.content.decode()


def test_tabs_and_line_breaks_are_ordinary_text(client):
    assert client.get("/api/v2/pages/", {"search": "casa\tlavoro\n"}).status_code == 200
