"""One strict parser of whole numbers for every public JSON endpoint: the directory, HSDS and search agree."""

import pytest

from cms.api.numbers import LARGEST, whole_number


@pytest.mark.parametrize(
    "text, value",
    [
        ("5", 5),
        ("0005", 5),
        ("0", 0),
        ("9" * 40, LARGEST),
        (" 5", None),
        ("5 ", None),
        ("+5", None),
        ("-1", None),
        ("1_0", None),
        ("٥", None),
        ("²", None),
        ("5.0", None),
        ("", None),
    ],
)
def test_only_ascii_digits_make_a_whole_number(text, value):
    assert whole_number(text) == value


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/directory/services/", "/hsds/services", "/api/search/"])
@pytest.mark.parametrize("page", [" 5", "٥", "1_0", "0"])
def test_every_public_endpoint_refuses_the_same_malformed_page_numbers(client, path, page):
    response = client.get(path, {"page": page})
    assert response.status_code == 400, (path, page)
    body = response.json()
    assert "page" in body.get("errors", body)  # the parameter is named (the search API nests its errors)


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/directory/services/", "/hsds/services"])
def test_a_plain_page_number_is_accepted(client, path):
    assert client.get(path, {"page": "1"}).status_code == 200
