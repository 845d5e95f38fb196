"""Publishing or approving a service whose organisation or location is not published is refused, naming them."""

from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from cms.models import Service
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, comune

from .conftest import client_for, published, snippet_url
from .form_data import service_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def service_of_a_draft_organisation(db):
    organization = OrganizationFactory(name="Associazione in bozza", municipality=comune("Lecco"), live=False)
    organization.save_revision()
    location = LocationFactory(organization=organization, municipality=comune("Lecco"), name="Sede nuova", live=False)
    location.save_revision()
    service = ServiceFactory(organization=organization, name_it="Servizio nuovo", locations=[location], live=False)
    service.save_revision()
    return {"organization": organization, "location": location, "service": service}


def test_publishing_the_service_is_refused_naming_what_to_publish_first(
    lecco_moderator, service_of_a_draft_organisation
):
    service = service_of_a_draft_organisation["service"]
    response = client_for(lecco_moderator).post(
        snippet_url(service, "edit"), service_data(service) | {"action-publish": "1"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Publish these first: organisation “Associazione in bozza”, location “Sede nuova, Lecco”" in page
    assert not Service.objects.get(pk=service.pk).live


def test_approving_it_in_moderation_is_refused_too(lecco_editor, lecco_moderator, service_of_a_draft_organisation):
    service = service_of_a_draft_organisation["service"]
    client_for(lecco_editor).post(snippet_url(service, "edit"), service_data(service) | {"action-submit": "1"})
    service.refresh_from_db()
    task_state = service.current_workflow_task_state
    assert task_state is not None
    # "Approve and publish" from the edit form.
    data = service_data(service) | {"action-workflow-action": "1", "workflow-action-name": "approve"}
    response = client_for(lecco_moderator).post(snippet_url(service, "edit"), data)
    assert response.status_code == 200
    assert "Publish these first" in response.content.decode()
    # "Approve" from the dashboard.
    url = reverse("wagtailsnippets_cms_service:workflow_action", args=[service.pk, "approve", task_state.pk])
    response = client_for(lecco_moderator).post(url, follow=True)
    assert "Publish these first" in response.content.decode()
    service.refresh_from_db()
    assert not service.live
    assert service.workflow_in_progress  # still waiting, nothing lost
    assert WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).count() == 1


def test_once_the_organisation_and_location_are_published_the_service_can_be(
    lecco_moderator, service_of_a_draft_organisation
):
    records = service_of_a_draft_organisation
    published({"organization": records["organization"], "location": records["location"]})
    service = records["service"]
    response = client_for(lecco_moderator).post(
        snippet_url(service, "edit"), service_data(service) | {"action-publish": "1"}
    )
    assert response.status_code == 302
    assert Service.objects.get(pk=service.pk).live
