"""E-mail to the next actor, after commit, in the recipient's language, with no personal data; daily digests."""

import io

from django.core import mail
from django.core.management import call_command

from wagtail.users.models import UserProfile

import pytest

from .conftest import start_payload, volunteer_task_id

pytestmark = pytest.mark.django_db


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


@pytest.fixture
def sent(django_capture_on_commit_callbacks):
    """Runs after-commit callbacks (the notifications) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_each_transition_tells_the_next_actor(world, api, walk, sent):
    users = world.users
    with sent():
        pk = walk("submitted")
    assert recipients() == [users.network_manager.email]
    mail.outbox.clear()
    with sent():
        api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    assert recipients() == [users.coordinator.email]
    mail.outbox.clear()
    with sent():
        api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json")
    assert recipients() == sorted([users.volunteer.email, users.volunteer2.email])
    mail.outbox.clear()
    task = volunteer_task_id(pk)
    with sent():
        api("volunteer").post(f"/api/referrals/tasks/{task}/claim/")
        api("volunteer").post(f"/api/referrals/tasks/{task}/outcome/", {"outcome": "help_received", "note": "Ok"})
    assert recipients() == [users.social_worker.email]
    assert f"/workflow/referrals/{pk}/" in mail.outbox[0].body


def test_nothing_is_sent_when_the_transition_fails(world, api, walk, sent):
    pk = walk("submitted")
    with sent():
        response = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "return"}, format="json")
    assert response.status_code == 400 and mail.outbox == []


def test_messages_are_in_the_recipients_language(world, api, sent):
    UserProfile.objects.update_or_create(user=world.users.network_manager, defaults={"preferred_language": "en"})
    manager_it = world.users.network_manager_other
    from cms.models import Membership, Role

    Membership.objects.create(user=manager_it, role=Role.NETWORK_MANAGER, ambito=world.lecco)
    with sent():
        api("social_worker").post("/api/referrals/", start_payload(world), format="json")
    by_recipient = {message.to[0]: message for message in mail.outbox}
    english = by_recipient[world.users.network_manager.email]
    italian = by_recipient[manager_it.email]
    assert english.extra_headers["Content-Language"] == "en"
    assert italian.extra_headers["Content-Language"] == "it"
    months_en = ["Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
    months_it = [
        "gennaio",
        "febbraio",
        "marzo",
        "aprile",
        "maggio",
        "giugno",
        "luglio",
        "agosto",
        "settembre",
        "ottobre",
        "novembre",
        "dicembre",
    ]
    assert any(month in english.body for month in months_en), english.body
    assert any(month in italian.body.lower() for month in months_it), italian.body
    assert not any(month in english.body.lower() for month in months_it)


def test_volunteers_who_chose_the_digest_get_one_email_a_day(world, api, walk, sent):
    assert (
        api("volunteer2").put("/api/referrals/me/", {"daily_digest": True}, format="json").json()["daily_digest"]
        is True
    )
    with sent():
        walk("accepted")
        walk("accepted")
    new_task_mails = [message for message in mail.outbox if world.users.volunteer2.email in message.to]
    assert new_task_mails == []
    assert any(world.users.volunteer.email in message.to for message in mail.outbox)
    mail.outbox.clear()
    call_command("referrals_daily", stdout=io.StringIO())
    assert recipients() == [world.users.volunteer2.email]
    assert "2" in mail.outbox[0].subject and "Olena" not in mail.outbox[0].body


def test_the_organisation_of_a_cancelled_referral_is_told(world, api, walk, sent):
    pk = walk("in_progress")
    with sent():
        api("network_manager").post(f"/api/referrals/{pk}/cancel/", {"reason": "Trasferita."}, format="json")
    users = world.users
    assert recipients() == sorted([users.social_worker.email, users.coordinator.email, users.volunteer.email])


def test_the_volunteer_task_reference_names_the_flow_node():
    """Notifications find the volunteer's task by Viewflow's stored reference, without importing the flow."""
    from viewflow.workflow.fields import get_task_ref

    from referrals.flows import ReferralFlow
    from referrals.notifications import VOLUNTEER_TASK_REF

    assert get_task_ref(ReferralFlow.volunteer_task) == VOLUNTEER_TASK_REF
