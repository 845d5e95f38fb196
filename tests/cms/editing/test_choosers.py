"""The admin choosers: searchable by name and limited to what the editor may use."""

from django.urls import reverse

import pytest

from cms.models import Municipality

from .conftest import client_for

pytestmark = pytest.mark.django_db


def chosen_names(client, model_name, query=""):
    url = reverse(f"wagtailsnippetchoosers_cms_{model_name}:choose_results")
    response = client.get(url, {"q": query} if query else {})
    assert response.status_code == 200
    if "items" not in response.context:  # nothing matched: Wagtail renders "no results"
        return []
    return [getattr(item, "name", None) or str(item) for item in response.context["items"]]


def test_an_editors_comune_chooser_lists_only_their_ambitos_comuni(lecco_moderator):
    names = chosen_names(client_for(lecco_moderator), "municipality")
    lecco_comuni = set(Municipality.objects.filter(ambito__name="Lecco").values_list("name", flat=True))
    assert set(names) == lecco_comuni  # all on the first page, nothing of Monza
    assert "Monza" not in names


def test_typing_finds_lecco(lecco_moderator, monza_moderator):
    assert chosen_names(client_for(lecco_moderator), "municipality", "lecc") == ["Lecco"]
    assert chosen_names(client_for(monza_moderator), "municipality", "lecc") == []  # not theirs


def test_a_network_editor_searches_every_comune(network_editor):
    assert chosen_names(client_for(network_editor), "municipality", "monza") == ["Monza"]


def test_the_organisation_and_location_choosers_are_searchable_and_scoped(
    lecco_moderator, lecco_records, monza_records
):
    client = client_for(lecco_moderator)
    assert chosen_names(client, "organization", "lario") == ["Cooperativa del Lario"]
    assert chosen_names(client, "organization", "monza") == []
    assert chosen_names(client, "location", "sportello") == ["Sportello Lecco"]
