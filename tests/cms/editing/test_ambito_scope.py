"""Ambito-scoped editing: an editor of Lecco edits Lecco's records and cannot touch Monza's, by any URL."""

from django.urls import reverse

import pytest

from cms.models import Location, Organization, Service, ServiceAtLocation
from tests.factories import LocationFactory, ServiceFactory, ambito, comune

from .conftest import assert_denied, client_for, make_editor, snippet_url
from .form_data import location_data, organization_data, service_data

pytestmark = pytest.mark.django_db

KINDS = ["organization", "location", "service"]


def data_for(record, **overrides):
    builder = {Organization: organization_data, Location: location_data, Service: service_data}[type(record)]
    return builder(record, **overrides)


def snapshot(record):
    """What a reader could notice: the live row and the number of revisions."""
    record = type(record).objects.get(pk=record.pk)
    return (record.name, record.live, record.locked, record.revisions.count(), record.updated_at)


# --- Listing and choosers ----------------------------------------------------------------


def test_listing_shows_an_editor_only_the_records_of_their_ambito(lecco_moderator, lecco_records, monza_records):
    client = client_for(lecco_moderator)
    for kind in KINDS:
        response = client.get(reverse(f"wagtailsnippets_cms_{kind}:list"))
        assert response.status_code == 200
        html = response.content.decode()
        assert str(lecco_records[kind].name) in html
        assert str(monza_records[kind].name) not in html


def test_an_editor_of_the_whole_network_lists_every_ambito(network_editor, lecco_records, monza_records):
    response = client_for(network_editor).get(reverse("wagtailsnippets_cms_service:list"))
    html = response.content.decode()
    assert "Sportello casa Lecco" in html and "Sportello casa Monza" in html


def test_location_chooser_offers_only_locations_of_the_ambito(lecco_moderator, lecco_records, monza_records):
    response = client_for(lecco_moderator).get(reverse("wagtailsnippetchoosers_cms_location:choose"))
    assert response.status_code == 200
    html = response.json()["html"]
    assert "Sportello Lecco" in html
    assert "Sportello Monza" not in html


# --- Every write path on a record of another ambito --------------------------------------


WRITE_ATTEMPTS = {
    # description: (method, view name, needs a revision id, extra POST data or None for GET)
    "edit form": ("get", "edit", False, None),
    "save draft": ("post", "edit", False, {}),
    "publish": ("post", "edit", False, {"action-publish": "1"}),
    "submit for moderation": ("post", "edit", False, {"action-submit": "1"}),
    "delete": ("post", "delete", False, {}),
    "unpublish": ("post", "unpublish", False, {}),
    "lock": ("post", "lock", False, {}),
    "unlock": ("post", "unlock", False, {}),
    "copy": ("get", "copy", False, None),
    "revert to a revision": ("post", "revisions_revert", True, {"action-publish": "1"}),
    "unschedule a revision": ("post", "revisions_unschedule", True, {}),
    "history": ("get", "history", False, None),
    "usage": ("get", "usage", False, None),
    "view a revision": ("get", "revisions_view", True, None),
    "preview": ("post", "preview_on_edit", False, {}),
}


@pytest.mark.parametrize("attempt", list(WRITE_ATTEMPTS))
@pytest.mark.parametrize("kind", KINDS)
def test_an_editor_of_lecco_cannot_change_a_monza_record_by_any_url(kind, attempt, lecco_moderator, monza_records):
    record = monza_records[kind]
    method, view, with_revision, extra = WRITE_ATTEMPTS[attempt]
    args = [record.save_revision().pk] if with_revision else []
    if attempt == "unlock":
        type(record).objects.filter(pk=record.pk).update(locked=True, locked_by=None)
    before = snapshot(record)
    client = client_for(lecco_moderator)
    url = snippet_url(record, view, *args)
    response = client.get(url) if method == "get" else client.post(url, data_for(record) | extra)
    assert_denied(response)
    assert snapshot(record) == before


@pytest.mark.parametrize("kind", KINDS)
def test_bulk_delete_skips_records_of_another_ambito(kind, lecco_moderator, monza_records):
    record = monza_records[kind]
    url = reverse("wagtail_bulk_action", args=["cms", kind, "delete"]) + f"?id={record.pk}"
    client_for(lecco_moderator).post(url, {})
    assert type(record).objects.filter(pk=record.pk).exists()


@pytest.mark.parametrize("kind", KINDS)
def test_an_editor_of_lecco_edits_and_publishes_a_lecco_record(kind, lecco_moderator, lecco_records):
    record = lecco_records[kind]
    client = client_for(lecco_moderator)
    assert client.get(snippet_url(record, "edit")).status_code == 200
    new_name = "Nuovo nome di Lecco"
    field = "name_it" if kind == "service" else "name"
    response = client.post(snippet_url(record, "edit"), data_for(record, **{field: new_name}) | {"action-publish": "1"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert type(record).objects.get(pk=record.pk).name == new_name


def test_a_workflow_action_on_a_monza_record_is_denied_to_a_lecco_moderator(
    lecco_moderator, monza_moderator, monza_records
):
    service = monza_records["service"]
    client_for(monza_moderator).post(snippet_url(service, "edit"), service_data(service) | {"action-submit": "1"})
    service.refresh_from_db()
    task_state = service.current_workflow_task_state
    assert task_state is not None
    url = reverse("wagtailsnippets_cms_service:workflow_action", args=[service.pk, "approve", task_state.pk])
    assert_denied(client_for(lecco_moderator).post(url, {}))
    service.refresh_from_db()
    assert service.current_workflow_task_state == task_state  # still waiting


def test_the_bulk_delete_of_mixed_records_deletes_only_those_of_the_ambito(
    lecco_moderator, lecco_records, monza_records
):
    lecco, monza = lecco_records["organization"], monza_records["organization"]
    other_lecco = type(lecco).objects.create(
        name="Associazione vuota", slug="associazione-vuota", kind="other", municipality=comune("Lecco")
    )
    url = reverse("wagtail_bulk_action", args=["cms", "organization", "delete"])
    client = client_for(lecco_moderator)
    response = client.get(f"{url}?id={other_lecco.pk}&id={monza.pk}")
    assert response.status_code == 200
    assert "Associazione di Monza" in response.content.decode()  # listed as not allowed
    client.post(f"{url}?id={other_lecco.pk}&id={monza.pk}", {})
    assert not Organization.objects.filter(pk=other_lecco.pk).exists()
    assert Organization.objects.filter(pk=monza.pk).exists()


def consortium_with_a_location_in_monza():
    """An organisation seated in Lecco, working in Monza too, with a location that Monza's editors added."""
    organization = Organization.objects.create(
        name="Consorzio Lario", slug="consorzio-lario", kind="consortium", municipality=comune("Lecco")
    )
    organization.ambiti.add(ambito("Monza"))
    organization.save()
    location = LocationFactory(organization=organization, municipality=comune("Monza"), name="Sportello a Monza")
    return organization, location


def test_deleting_an_organisation_needs_its_locations_of_other_ambiti_in_scope(
    lecco_moderator, network_editor, monza_records
):
    organization, location = consortium_with_a_location_in_monza()
    ServiceAtLocation.objects.create(service=monza_records["service"], location=location)
    client = client_for(lecco_moderator)
    assert client.get(snippet_url(organization, "edit")).status_code == 200  # still theirs to edit
    assert_denied(client.get(snippet_url(organization, "delete")))
    assert_denied(client.post(snippet_url(organization, "delete"), {}))
    url = reverse("wagtail_bulk_action", args=["cms", "organization", "delete"]) + f"?id={organization.pk}"
    client.post(url, {})
    assert Organization.objects.filter(pk=organization.pk).exists()
    assert Location.objects.filter(pk=location.pk).exists()
    assert ServiceAtLocation.objects.filter(service=monza_records["service"], location=location).exists()

    response = client_for(network_editor).post(snippet_url(organization, "delete"), {})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()


def test_an_editor_deletes_an_organisation_whose_locations_are_all_in_scope(lecco_moderator):
    organization = Organization.objects.create(
        name="Associazione del lago", slug="associazione-del-lago", kind="other", municipality=comune("Lecco")
    )
    LocationFactory(organization=organization, municipality=comune("Lecco"))
    response = client_for(lecco_moderator).post(snippet_url(organization, "delete"), {})
    assert response.status_code == 302
    assert not Organization.objects.filter(pk=organization.pk).exists()


# --- The record as it would be saved must stay in scope -----------------------------------


def test_an_editor_cannot_move_a_location_into_another_ambito(lecco_moderator, lecco_records):
    location = lecco_records["location"]
    response = client_for(lecco_moderator).post(
        snippet_url(location, "edit"),
        location_data(location, municipality=comune("Monza").pk) | {"action-publish": "1"},
    )
    assert response.status_code == 200  # the form again, with the error
    assert "You may edit only records in the comuni of your ambito (Lecco)" in response.content.decode()
    location.refresh_from_db()
    assert location.municipality == comune("Lecco")
    assert not location.has_unpublished_changes


def test_an_editor_cannot_attach_a_location_of_another_ambito_to_a_service(
    lecco_moderator, lecco_records, monza_records
):
    service = lecco_records["service"]
    locations = [lecco_records["location"], monza_records["location"]]
    response = client_for(lecco_moderator).post(
        snippet_url(service, "edit"), service_data(service, locations=locations) | {"action-publish": "1"}
    )
    assert response.status_code == 200
    assert "You may edit only records in the comuni of your ambito" in response.content.decode()
    assert list(ServiceAtLocation.objects.filter(service=service).values_list("location", flat=True)) == [
        lecco_records["location"].pk
    ]


def test_an_editor_cannot_create_a_record_in_another_ambito(lecco_moderator, lecco_records):
    client = client_for(lecco_moderator)
    new = Organization(name="Nuova associazione", slug="", kind="other", municipality=comune("Monza"))
    response = client.post(reverse("wagtailsnippets_cms_organization:add"), organization_data(new))
    assert response.status_code == 200
    assert not Organization.objects.filter(name="Nuova associazione").exists()
    new.municipality = comune("Calolziocorte")  # ambito of Lecco
    response = client.post(reverse("wagtailsnippets_cms_organization:add"), organization_data(new))
    assert response.status_code == 302
    created = Organization.objects.get(name="Nuova associazione")
    assert created.slug == "nuova-associazione"  # made from the name


def test_a_service_without_locations_belongs_to_its_organisations_seat(lecco_moderator, monza_records):
    bare = ServiceFactory(organization=monza_records["organization"], name_it="Servizio senza sede")
    assert_denied(client_for(lecco_moderator).get(snippet_url(bare, "edit")))


def test_a_service_across_two_ambiti_needs_a_network_editor(lecco_moderator, network_editor, lecco_records):
    service = ServiceFactory(
        organization=lecco_records["organization"],
        locations=[lecco_records["location"], LocationFactory(municipality=comune("Monza"))],
    )
    assert_denied(client_for(lecco_moderator).get(snippet_url(service, "edit")))
    assert client_for(network_editor).get(snippet_url(service, "edit")).status_code == 200


# --- Deny by default ------------------------------------------------------------------------


def test_group_permissions_without_an_editor_membership_edit_nothing(lecco_records):
    moderator_only = make_editor("solo-gruppo", membership=False)
    client = client_for(moderator_only)
    assert_denied(client.get(reverse("wagtailsnippets_cms_service:list")))
    assert_denied(client.get(snippet_url(lecco_records["service"], "edit")))
    response = client.post(snippet_url(lecco_records["organization"], "delete"), {})
    assert_denied(response)
    assert Organization.objects.filter(pk=lecco_records["organization"].pk).exists()


def test_a_membership_without_group_permissions_gives_no_admin_access(lecco_records):
    member_only = make_editor("solo-membership", ambito_name="Lecco", group=None)
    response = client_for(member_only).get(snippet_url(lecco_records["service"], "edit"))
    assert response.status_code == 302
    assert Service.objects.get(pk=lecco_records["service"].pk).name == "Sportello casa Lecco"


def test_a_superuser_edits_everything(monza_records):
    root = make_editor("root", group=None, membership=False, is_superuser=True)
    client = client_for(root)
    for record in monza_records.values():
        assert client.get(snippet_url(record, "edit")).status_code == 200


def test_the_organisation_chooser_offers_those_working_in_the_ambito(lecco_moderator, lecco_records, monza_records):
    consortium = monza_records["organization"]
    url = reverse("wagtailsnippetchoosers_cms_organization:choose")
    html = client_for(lecco_moderator).get(url).json()["html"]
    assert "Cooperativa del Lario" in html and consortium.name not in html
    consortium.ambiti.add(ambito("Lecco"))  # a consortium that declares it works in the ambito of Lecco
    consortium.save()
    html = client_for(lecco_moderator).get(url).json()["html"]
    assert consortium.name in html
