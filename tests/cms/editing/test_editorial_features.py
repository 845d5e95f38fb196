"""Drafts, moderation, scheduled publishing, locking, previews and revisions of directory records."""

from datetime import timedelta

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from wagtail.models import GroupApprovalTask, TaskState, Workflow, WorkflowContentType, WorkflowState, WorkflowTask

import pytest

from cms.models import AmbitoGroupApprovalTask, Service
from cms.permissions import forget_cached_permissions

from .conftest import assert_denied, client_for, snippet_url
from .form_data import location_data, service_data

pytestmark = pytest.mark.django_db


def live_name(service):
    return Service.objects.values_list("name", flat=True).get(pk=service.pk)


def test_a_draft_does_not_change_the_live_record(lecco_editor, lecco_records):
    service = lecco_records["service"]
    response = client_for(lecco_editor).post(snippet_url(service, "edit"), service_data(service, name_it="Bozza"))
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.live and service.name == "Sportello casa Lecco"
    assert service.has_unpublished_changes
    assert service.get_latest_revision_as_object().name_it == "Bozza"


def test_an_editor_without_publish_permission_cannot_publish(lecco_editor, lecco_records):
    service = lecco_records["service"]
    client_for(lecco_editor).post(
        snippet_url(service, "edit"), service_data(service, name_it="Pubblicato?") | {"action-publish": "1"}
    )
    assert live_name(service) == "Sportello casa Lecco"  # saved as a draft only


def test_a_submitted_record_is_published_only_when_a_moderator_approves(
    lecco_editor, lecco_moderator, monza_moderator, lecco_records
):
    service = lecco_records["service"]
    client_for(lecco_editor).post(
        snippet_url(service, "edit"), service_data(service, name_it="Casa e abitare") | {"action-submit": "1"}
    )
    service.refresh_from_db()
    task_state = service.current_workflow_task_state
    assert service.workflow_in_progress and task_state is not None
    assert isinstance(task_state.task.specific, AmbitoGroupApprovalTask)
    assert live_name(service) == "Sportello casa Lecco"

    # The dashboard's "awaiting your review" of each moderator.
    task = task_state.task.specific
    assert task_state in task.get_task_states_user_can_moderate(lecco_moderator)
    assert task_state not in task.get_task_states_user_can_moderate(monza_moderator)
    assert client_for(lecco_moderator).get(reverse("wagtailadmin_home")).status_code == 200

    url = reverse("wagtailsnippets_cms_service:workflow_action", args=[service.pk, "approve", task_state.pk])
    assert_denied(client_for(monza_moderator).post(url, {}))
    assert live_name(service) == "Sportello casa Lecco"

    response = client_for(lecco_moderator).post(url, {})
    assert response.status_code in (200, 302)
    assert live_name(service) == "Casa e abitare"
    service.refresh_from_db()
    assert not service.workflow_in_progress


def test_only_the_moderators_who_may_review_a_record_are_told_it_awaits_them(
    lecco_editor, lecco_moderator, monza_moderator, network_editor, lecco_records, mailoutbox
):
    """A record of Lecco is announced to Lecco's moderators and the network-wide ones, not to Monza's."""
    service = lecco_records["service"]
    client_for(lecco_editor).post(
        snippet_url(service, "edit"), service_data(service, name_it="Casa e abitare") | {"action-submit": "1"}
    )
    told = {address for message in mailoutbox for address in message.to}
    assert lecco_moderator.email in told
    assert network_editor.email in told
    assert monza_moderator.email not in told
    assert lecco_editor.email not in told  # who submitted


@pytest.mark.parametrize("report", ["wagtailadmin_reports:workflow", "wagtailadmin_reports:workflow_tasks"])
def test_the_workflow_reports_list_only_records_of_the_moderators_ambiti(
    report, lecco_moderator, monza_moderator, network_editor, lecco_records, monza_records
):
    for records, name in ((lecco_records, "Casa Lecco in revisione"), (monza_records, "Casa Monza in revisione")):
        service = records["service"]
        client_for(network_editor).post(
            snippet_url(service, "edit"), service_data(service, name_it=name) | {"action-submit": "1"}
        )
        assert Service.objects.get(pk=service.pk).workflow_in_progress

    def listed(user):
        response = client_for(user).get(reverse(report))
        assert response.status_code == 200
        page = response.content.decode()
        return {name for name in ("Casa Lecco in revisione", "Casa Monza in revisione") if name in page}

    assert listed(lecco_moderator) == {"Casa Lecco in revisione"}
    assert listed(monza_moderator) == {"Casa Monza in revisione"}
    assert listed(network_editor) == {"Casa Lecco in revisione", "Casa Monza in revisione"}


def test_a_moderator_can_request_changes_and_nothing_is_published(lecco_editor, lecco_moderator, lecco_records):
    service = lecco_records["service"]
    client_for(lecco_editor).post(
        snippet_url(service, "edit"), service_data(service, name_it="Da rivedere") | {"action-submit": "1"}
    )
    service.refresh_from_db()
    url = reverse(
        "wagtailsnippets_cms_service:workflow_action",
        args=[service.pk, "reject", service.current_workflow_task_state.pk],
    )
    client_for(lecco_moderator).post(url, {"comment": "Manca l'orario di apertura."})
    assert live_name(service) == "Sportello casa Lecco"
    assert WorkflowState.objects.get(object_id=str(service.pk)).status == WorkflowState.STATUS_NEEDS_CHANGES


def test_the_scope_holds_with_a_plain_wagtail_group_approval_workflow(
    lecco_editor, lecco_moderator, monza_moderator, lecco_records
):
    """An administrator may switch the directory to Wagtail's stock workflow: the views still check the ambito."""
    stock = Workflow.objects.create(name="Stock")
    task = GroupApprovalTask.objects.create(name="Moderators")
    task.groups.set(lecco_moderator.groups.all())
    WorkflowTask.objects.create(workflow=stock, task=task, sort_order=0)
    WorkflowContentType.objects.filter(content_type__model="service").update(workflow=stock)

    service = lecco_records["service"]
    client_for(lecco_editor).post(
        snippet_url(service, "edit"), service_data(service, name_it="Nuovo") | {"action-submit": "1"}
    )
    service.refresh_from_db()
    task_state = service.current_workflow_task_state
    assert task_state.task.specific == task
    url = reverse("wagtailsnippets_cms_service:workflow_action", args=[service.pk, "approve", task_state.pk])
    assert_denied(client_for(monza_moderator).post(url, {}))
    assert TaskState.objects.get(pk=task_state.pk).status == TaskState.STATUS_IN_PROGRESS
    client_for(lecco_moderator).post(url, {})
    assert live_name(service) == "Nuovo"


def test_scheduled_publishing_publishes_when_the_time_comes(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    go_live = timezone.localtime() + timedelta(days=2)
    response = client_for(lecco_moderator).post(
        snippet_url(service, "edit"),
        service_data(service, name_it="Orari estivi")
        | {"go_live_at": go_live.strftime("%Y-%m-%d %H:%M"), "action-publish": "1"},
    )
    assert response.status_code == 302
    call_command("publish_scheduled")
    assert live_name(service) == "Sportello casa Lecco"  # not yet

    service.refresh_from_db()
    scheduled = service.scheduled_revision
    assert scheduled is not None
    # Two days pass.
    past = timezone.now() - timedelta(minutes=1)
    scheduled.content["go_live_at"] = past.isoformat()
    scheduled.approved_go_live_at = past
    scheduled.save()
    call_command("publish_scheduled")
    assert live_name(service) == "Orari estivi"


def test_an_expired_record_is_unpublished_by_publish_scheduled(lecco_records):
    location = lecco_records["location"]
    type(location).objects.filter(pk=location.pk).update(expire_at=timezone.now() - timedelta(minutes=1))
    call_command("publish_scheduled")
    location.refresh_from_db()
    assert not location.live and location.expired


def test_a_record_locked_by_one_editor_cannot_be_saved_by_another(lecco_moderator, lecco_records):
    from .conftest import make_editor

    colleague = make_editor("collega-lecco", ambito_name="Lecco")
    location = lecco_records["location"]
    revisions = location.revisions.count()
    assert client_for(lecco_moderator).post(snippet_url(location, "lock"), {}).status_code == 302
    location.refresh_from_db()
    assert location.locked and location.locked_by == lecco_moderator

    response = client_for(colleague).post(
        snippet_url(location, "edit"), location_data(location, name="Cambiato") | {"action-publish": "1"}
    )
    assert response.status_code == 200
    assert "could not be saved as it is locked" in response.content.decode()
    location.refresh_from_db()
    assert location.name == "Sportello Lecco" and location.revisions.count() == revisions

    # Only the one who locked it (or a moderator with unlock permission in scope) unlocks it.
    client_for(lecco_moderator).post(snippet_url(location, "unlock"), {})
    location.refresh_from_db()
    assert not location.locked


def test_the_preview_shows_the_draft_not_the_live_record(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    client = client_for(lecco_moderator)
    url = snippet_url(service, "preview_on_edit")
    assert client.post(url, service_data(service, name_it="Anteprima della bozza")).json()["is_valid"]
    response = client.get(url)
    assert response.status_code == 200
    assert "Anteprima della bozza" in response.content.decode()
    assert live_name(service) == "Sportello casa Lecco"


def test_reverting_to_an_earlier_revision_restores_its_content(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    client = client_for(lecco_moderator)
    client.post(snippet_url(service, "edit"), service_data(service, name_it="Prima") | {"action-publish": "1"})
    first = Service.objects.get(pk=service.pk).latest_revision
    service.refresh_from_db()
    client.post(snippet_url(service, "edit"), service_data(service, name_it="Seconda") | {"action-publish": "1"})
    assert live_name(service) == "Seconda"
    reverted = first.as_object()
    response = client.post(
        snippet_url(service, "revisions_revert", first.pk), service_data(reverted) | {"action-publish": "1"}
    )
    assert response.status_code == 302
    assert live_name(service) == "Prima"


def test_losing_the_membership_takes_effect_at_the_next_request(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    client = client_for(lecco_moderator)
    assert client.get(snippet_url(service, "edit")).status_code == 200
    lecco_moderator.memberships.all().delete()
    forget_cached_permissions(lecco_moderator)
    assert_denied(client.get(snippet_url(service, "edit")))
