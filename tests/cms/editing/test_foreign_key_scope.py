"""Item 1 of the security review: whatever id is posted, the server refuses to point an editor's record at
an organisation, a comune or an ambito outside the editor's scope (the choosers only hide them)."""

from django.urls import reverse

import pytest

from cms.models import Location, Service
from tests.factories import OrganizationFactory, ambito, comune

from .conftest import client_for, snippet_url
from .form_data import location_data, organization_data, service_data

pytestmark = pytest.mark.django_db

PUBLISH = {"action-publish": "1"}


def refused(response, field_message="organisation of your ambito"):
    assert response.status_code == 200, response.status_code  # the form again, with the error
    assert field_message in response.content.decode()


def test_a_lecco_service_cannot_be_moved_under_a_monza_organisation(lecco_moderator, lecco_records, monza_records):
    service, foreign = lecco_records["service"], monza_records["organization"]
    response = client_for(lecco_moderator).post(
        snippet_url(service, "edit"), service_data(service, organization=foreign.pk) | PUBLISH
    )
    refused(response)
    assert Service.objects.get(pk=service.pk).organization_id == lecco_records["organization"].pk


def test_the_directory_api_keeps_the_service_under_its_own_organisation(
    client, lecco_moderator, lecco_records, monza_records
):
    service, foreign = lecco_records["service"], monza_records["organization"]
    client_for(lecco_moderator).post(
        snippet_url(service, "edit"), service_data(service, organization=foreign.pk) | PUBLISH
    )
    response = client.get(f"/api/directory/services/{service.uuid}/")
    assert response.status_code == 200
    assert lecco_records["organization"].name in str(response.json()) and foreign.name not in str(response.json())


def test_a_lecco_location_cannot_be_given_to_a_monza_organisation(lecco_moderator, lecco_records, monza_records):
    location, foreign = lecco_records["location"], monza_records["organization"]
    response = client_for(lecco_moderator).post(
        snippet_url(location, "edit"), location_data(location, organization=foreign.pk) | PUBLISH
    )
    refused(response)
    assert Location.objects.get(pk=location.pk).organization_id == lecco_records["organization"].pk


def test_a_new_service_cannot_be_created_under_a_monza_organisation(lecco_moderator, lecco_records, monza_records):
    draft = Service(organization=monza_records["organization"], name_it="Nuovo", description_it="x")
    data = service_data(draft, locations=[lecco_records["location"]]) | PUBLISH
    response = client_for(lecco_moderator).post(reverse("wagtailsnippets_cms_service:add"), data)
    refused(response)
    assert not Service.objects.filter(name_it="Nuovo").exists()


def test_an_organisation_working_in_the_ambito_may_be_chosen(lecco_moderator, lecco_records, monza_records):
    consortium = OrganizationFactory(name="Consorzio", slug="consorzio", municipality=comune("Monza"))
    consortium.ambiti.add(ambito("Lecco"))
    consortium.save()  # modelcluster keeps the relation in memory until then
    location = lecco_records["location"]
    response = client_for(lecco_moderator).post(
        snippet_url(location, "edit"), location_data(location, organization=consortium.pk) | PUBLISH
    )
    assert response.status_code == 302
    assert Location.objects.get(pk=location.pk).organization_id == consortium.pk


def test_a_lecco_editor_cannot_open_an_organisation_to_another_ambito(lecco_moderator, lecco_records):
    organization = lecco_records["organization"]
    data = organization_data(organization, ambiti=[ambito("Monza").pk], municipalities=[comune("Monza").pk])
    response = client_for(lecco_moderator).post(snippet_url(organization, "edit"), data | PUBLISH)
    assert response.status_code == 200
    organization.refresh_from_db()
    assert not organization.ambiti.exists() and not organization.municipalities.exists()


def test_coverage_put_by_another_ambito_stays_when_a_lecco_editor_saves(lecco_moderator, lecco_records):
    organization = lecco_records["organization"]
    organization.ambiti.add(ambito("Monza"))
    organization.save()
    data = organization_data(organization, ambiti=[ambito("Monza").pk, ambito("Lecco").pk])
    response = client_for(lecco_moderator).post(snippet_url(organization, "edit"), data | PUBLISH)
    assert response.status_code == 302, response.context["form"].errors
    organization.refresh_from_db()
    assert set(organization.ambiti.values_list("name", flat=True)) == {"Monza", "Lecco"}


def test_a_lecco_location_cannot_be_moved_to_a_monza_comune(lecco_moderator, lecco_records):
    location = lecco_records["location"]
    response = client_for(lecco_moderator).post(
        snippet_url(location, "edit"), location_data(location, municipality=comune("Monza").pk) | PUBLISH
    )
    refused(response, "comuni of your ambito")
    assert Location.objects.get(pk=location.pk).municipality.name == "Lecco"
