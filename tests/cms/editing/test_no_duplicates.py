""" "Add" forms do not autosave drafts, and the same organisation name in the same comune is refused."""

from django.urls import reverse

import pytest

from cms.models import Organization

from .conftest import client_for, snippet_url
from .form_data import organization_data

pytestmark = pytest.mark.django_db
ADD_URL = reverse("wagtailsnippets_cms_organization:add")


def test_the_add_form_does_not_autosave(lecco_moderator):
    response = client_for(lecco_moderator).get(ADD_URL)
    assert response.status_code == 200
    assert response.context["autosave_enabled"] is False


def test_the_same_name_in_the_same_comune_is_refused_with_a_link_to_the_existing_one(lecco_moderator, lecco_records):
    existing = lecco_records["organization"]
    data = organization_data(existing, name="cooperativa del lario ", slug="")
    response = client_for(lecco_moderator).post(ADD_URL, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "An organisation with this name already exists in Lecco" in page
    assert snippet_url(existing, "edit") in page
    assert Organization.objects.filter(name__iexact="cooperativa del lario").count() == 1


def test_editing_the_existing_one_is_not_a_duplicate_of_itself(lecco_moderator, lecco_records):
    existing = lecco_records["organization"]
    response = client_for(lecco_moderator).post(snippet_url(existing, "edit"), organization_data(existing))
    assert response.status_code == 302
