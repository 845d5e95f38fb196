"""The verification cycle: links e-mailed to organisations, confirming, proposing, refusals, reminders."""

import re
from datetime import timedelta

from django.core import mail, signing
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from cms.models import Organization, Service, VerificationEvent, VerificationLink
from cms.verification import links
from cms.verification import mail as verification_mail

from .conftest import client_for, make_editor, snippet_url
from .form_data import service_data

pytestmark = pytest.mark.django_db
Action = VerificationEvent.Action


def sent_link(organization) -> str:
    """Runs the periodic job and returns the path of the link e-mailed to ``organization`` (written in
    English: the page follows the organisation's language, and assertions do not depend on catalogues)."""
    Organization.objects.filter(pk=organization.pk).update(language="en")
    verification_mail.send_requests()
    message = next(m for m in mail.outbox if organization.email in m.to)
    url = re.search(r"https?://\S+/verify/\S+/", message.body).group(0)
    return "/" + url.split("://", 1)[1].split("/", 1)[1]


def live(record):
    return type(record).objects.get(pk=record.pk)


@override_settings(SITE_URL="https://rete.example.org")
def test_the_job_emails_each_due_organisation_once_in_its_language(lecco_records):
    organization = lecco_records["organization"]
    Organization.objects.filter(pk=organization.pk).update(language="en")
    verification_mail.send_requests()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [organization.email]
    assert "still correct" in message.subject
    assert re.search(r"https://rete\.example\.org/en/verify/\S+/", message.body)
    assert "127.0.0.1" not in message.body
    verification_mail.send_requests()  # the link is still valid: not sent again
    assert len(mail.outbox) == 1
    assert VerificationEvent.objects.filter(action=Action.SENT, organization=organization).count() == 1


def test_a_recently_verified_organisation_is_not_asked(lecco_records):
    today = timezone.localdate()
    Organization.objects.update(assured_date=today)
    Service.objects.update(assured_date=today)
    assert verification_mail.send_requests().requests_sent == 0
    assert mail.outbox == []


def test_the_link_shows_the_listing_and_still_correct_verifies_it_today(lecco_records):
    organization, service = lecco_records["organization"], lecco_records["service"]
    path = sent_link(organization)
    client = Client()
    page = client.get(path)
    assert page.status_code == 200
    assert organization.name in page.content.decode() and service.name in page.content.decode()
    response = client.post(path, {"action": "confirm"})
    assert response.status_code == 302
    assert live(organization).assured_date == timezone.localdate()
    assert live(service).assured_date == timezone.localdate()
    assert live(service).assurer_email == organization.email
    assert "verified today" in client.get(response.url).content.decode()
    assert VerificationEvent.objects.filter(action=Action.CONFIRMED, organization=organization).exists()


def test_proposed_changes_become_a_draft_in_moderation_and_the_live_record_is_unchanged(lecco_records, lecco_moderator):
    organization, service = lecco_records["organization"], lecco_records["service"]
    path = sent_link(organization)
    form = Client().get(path).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields}
    key = f"r{service.uuid.hex}-phone"
    data |= {"action": "propose", key: "+39 0341 000 111", "note": "Nuovo numero da gennaio."}
    mail.outbox.clear()
    response = Client().post(path, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    service.refresh_from_db()
    assert service.phone == ""  # the public still sees the published version
    assert service.has_unpublished_changes and service.workflow_in_progress
    assert service.get_latest_revision_as_object().phone == "+39 0341 000 111"
    assert service.assured_date is None  # proposing is not confirming
    task_state = service.current_workflow_task_state
    assert task_state in task_state.task.specific.get_task_states_user_can_moderate(lecco_moderator)
    note_mails = [m for m in mail.outbox if lecco_moderator.email in m.to and "proposed changes" in m.subject]
    assert note_mails and "Nuovo numero da gennaio." in note_mails[0].body
    event = VerificationEvent.objects.get(action=Action.PROPOSED)
    assert event.detail["changes"] == {str(service.uuid): ["phone"]}


def test_a_proposal_with_an_invalid_value_keeps_what_was_typed_and_writes_nothing(lecco_records):
    service = lecco_records["service"]
    path = sent_link(lecco_records["organization"])
    key = f"r{service.uuid.hex}-email"
    response = Client().post(path, {"action": "propose", key: "not an address"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="not an address"' in html and "valid email" in html
    assert not live(service).has_unpublished_changes


def test_a_proposal_that_changes_nothing_is_refused_with_a_hint(lecco_records):
    path = sent_link(lecco_records["organization"])
    form = Client().get(path).context["form"]
    data = {name: form.initial.get(name, "") for name in form.fields} | {"action": "propose"}
    response = Client().post(path, data)
    assert response.status_code == 400
    assert "Nothing has changed" in response.content.decode()


def assert_refused_and_nothing_written(response, status, text, records):
    assert response.status_code == status
    assert text in response.content.decode()
    for record in records.values():
        fresh = live(record)
        if hasattr(fresh, "assured_date"):
            assert fresh.assured_date is None
        assert not fresh.has_unpublished_changes


def test_an_expired_link_is_refused(lecco_records):
    path = sent_link(lecco_records["organization"])
    VerificationLink.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    response = Client().post(path, {"action": "confirm"})
    assert_refused_and_nothing_written(response, 410, "This link has expired", lecco_records)
    assert VerificationEvent.objects.filter(action=Action.REFUSED_EXPIRED).exists()


def test_a_link_older_than_its_signature_allows_is_refused(lecco_records, settings):
    path = sent_link(lecco_records["organization"])
    settings.DIRECTORY_VERIFY_LINK_DAYS = -1  # the signature's age check, whatever the row says
    response = Client().post(path, {"action": "confirm"})
    assert_refused_and_nothing_written(response, 410, "This link has expired", lecco_records)


def test_a_revoked_link_is_refused_and_a_new_link_revokes_the_old_one(lecco_records):
    organization = lecco_records["organization"]
    old_path = sent_link(organization)
    old = VerificationLink.objects.get()
    links.revoke(old)
    response = Client().post(old_path, {"action": "confirm"})
    assert_refused_and_nothing_written(response, 410, "no longer valid", lecco_records)
    assert VerificationEvent.objects.filter(action=Action.REVOKED, link=old).exists()


def test_sending_a_new_link_revokes_the_earlier_ones(lecco_records):
    organization = lecco_records["organization"]
    sent_link(organization)
    VerificationLink.objects.update(expires_at=timezone.now() - timedelta(days=1))
    mail.outbox.clear()
    sent_link(organization)
    first, second = VerificationLink.objects.order_by("pk")
    assert first.revoked_at is not None and second.revoked_at is None


def test_a_tampered_or_foreign_token_is_refused(lecco_records):
    path = sent_link(lecco_records["organization"])
    token = path.rstrip("/").rsplit("/", 1)[1]
    tampered = path.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    response = Client().post(tampered, {"action": "confirm"})
    assert_refused_and_nothing_written(response, 404, "This link is not valid", lecco_records)
    # The same value signed for another purpose (another salt) does not open anything either.
    foreign = signing.dumps(str(VerificationLink.objects.get().uuid), salt="another.purpose")
    response = Client().post(path.replace(token, foreign), {"action": "confirm"})
    assert_refused_and_nothing_written(response, 404, "This link is not valid", lecco_records)
    assert VerificationEvent.objects.filter(action=Action.REFUSED_INVALID).count() == 2


def test_a_link_is_rate_limited(lecco_records, settings):
    settings.DIRECTORY_VERIFY_LINK_USES_PER_HOUR = 3
    path = sent_link(lecco_records["organization"])
    client = Client()
    assert [client.get(path).status_code for _ in range(3)] == [200, 200, 200]
    response = client.post(path, {"action": "confirm"})
    assert_refused_and_nothing_written(response, 429, "Too many attempts", lecco_records)


def test_editors_of_the_ambito_are_reminded_of_long_overdue_records_once_a_week(lecco_records, monza_records):
    lecco_editor = make_editor("verifica-lecco", ambito_name="Lecco", email="lecco@example.org")
    make_editor("verifica-monza", ambito_name="Monza", email="monza@example.org")
    Organization.objects.update(assured_date=timezone.localdate())
    Service.objects.update(assured_date=timezone.localdate())
    Service.objects.filter(pk=lecco_records["service"].pk).update(
        assured_date=timezone.localdate() - timedelta(days=365 + 31)
    )
    assert verification_mail.send_reminders() == 1
    (message,) = mail.outbox
    assert message.to == [lecco_editor.email]
    assert "Sportello casa Lecco" in message.body and "Monza" not in message.body
    assert verification_mail.send_reminders() == 0  # not again within the week


def test_saving_in_the_admin_can_mark_a_service_verified(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    data = service_data(service) | {"mark_verified": "on", "action-publish": "1"}
    response = client_for(lecco_moderator).post(snippet_url(service, "edit"), data)
    assert response.status_code == 302
    service = live(service)
    assert service.assured_date == timezone.localdate()
    assert service.assurer_email == lecco_moderator.email


def test_editors_see_the_log_of_their_organisations_and_can_revoke_a_link(
    lecco_records, monza_records, lecco_moderator
):
    path = sent_link(lecco_records["organization"])
    Client().get(path)
    client = client_for(lecco_moderator)
    log = client.get(reverse("cms_verification_log"))
    assert log.status_code == 200
    events = list(log.context["object_list"])
    assert {event.organization for event in events} == {lecco_records["organization"]}  # nothing of Monza
    assert {event.action for event in events} == {Action.SENT, Action.OPENED}
    link = VerificationLink.objects.get(organization=lecco_records["organization"])
    monza_link = VerificationLink.objects.get(organization=monza_records["organization"])
    assert client.post(reverse("cms_verification_revoke", args=[monza_link.pk])).status_code in (302, 403)
    monza_link.refresh_from_db()
    assert monza_link.revoked_at is None  # not theirs
    assert client.post(reverse("cms_verification_revoke", args=[link.pk])).status_code == 302
    assert Client().get(path).status_code == 410


def test_people_without_an_editor_membership_cannot_see_the_log(lecco_records):
    outsider = make_editor("fuori", membership=False)
    response = client_for(outsider).get(reverse("cms_verification_log"))
    assert response.status_code in (302, 403)
