"""Time limits per step: working days, timers fired by ``manage.py workflow_timers``, escalation, late lists,
daily reminders."""

import datetime
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest
from viewflow.workflow.models import Task

from referrals import sla
from referrals.flows import ReferralFlow
from referrals.models import AuditEvent, ReferralProcess

from .conftest import volunteer_task_id

ROME = ZoneInfo("Europe/Rome")


def at(*args):
    return datetime.datetime(*args, tzinfo=ROME)


@pytest.mark.parametrize(
    "start, days, due",
    [
        (at(2025, 3, 3, 10), 2, at(2025, 3, 5, 10)),  # Monday → Wednesday
        (at(2025, 3, 7, 16, 30), 2, at(2025, 3, 11, 16, 30)),  # Friday → Tuesday
        (at(2025, 3, 8, 9), 2, at(2025, 3, 11, 9)),  # Saturday → Tuesday
        (at(2025, 4, 17, 9), 2, at(2025, 4, 22, 9)),  # Thursday before Easter: Good Friday counts, Easter Monday not
        (at(2025, 4, 24, 9), 2, at(2025, 4, 29, 9)),  # Liberation Day (25 April) is a holiday
        (at(2025, 12, 23, 9), 2, at(2025, 12, 29, 9)),  # Christmas and Santo Stefano
    ],
)
def test_working_days_skip_weekends_and_italian_holidays(start, days, due):
    assert sla.add_working_days(start, days) == due


def test_the_calendar_is_italys_own_with_san_francesco_and_the_offices_patron_saint():
    # 4 October (San Francesco) is a national holiday again from 2026: Monday 4 October 2027 is not worked.
    assert sla.add_working_days(at(2027, 10, 1, 9), 1) == at(2027, 10, 5, 9)  # Fri → (Mon 4 Oct) → Tue
    assert sla.add_working_days(at(2025, 10, 3, 9), 1) == at(2025, 10, 6, 9)  # before 2026 it was a working day
    # Lecco's office counts 6 December (San Nicolò, patron of Lecco); Monza's does not.
    assert sla.add_working_days(at(2027, 12, 3, 9), 1, "LC") == at(2027, 12, 7, 9)  # Fri → (Mon 6 Dec) → Tue
    assert sla.add_working_days(at(2027, 12, 3, 9), 1, "MB") == at(2027, 12, 6, 9)
    # Monza's office counts 24 June (San Giovanni Battista); Lecco's does not.
    assert sla.add_working_days(at(2027, 6, 23, 9), 1, "MB") == at(2027, 6, 25, 9)  # Wed → (Thu 24 Jun) → Fri
    assert sla.add_working_days(at(2027, 6, 23, 9), 1, "LC") == at(2027, 6, 24, 9)


def test_a_referral_of_a_lecco_office_is_due_by_lecco_s_calendar(db):
    from cms.models import Municipality

    lecco = Municipality.objects.get(name="Lecco")
    monza = Municipality.objects.get(name="Monza")
    assert sla.office_subdivision(ReferralProcess(office_municipality=lecco)) == "LC"
    assert sla.office_subdivision(ReferralProcess(office_ambito=monza.ambito)) == "MB"
    assert sla.office_subdivision(ReferralProcess()) is None


def test_local_holidays_and_targets_are_configurable(settings):
    settings.REFERRALS_EXTRA_HOLIDAYS = ["12-06"]  # San Nicolò, patron of Lecco
    assert sla.add_working_days(at(2027, 12, 3, 9), 1) == at(2027, 12, 7, 9)  # Fri → (Mon 6 Dec) → Tue
    settings.REFERRALS_SLA = {"triage": {"working_days": 5}, "outcome": {"days": 21}}
    assert sla.deadline("triage", start=at(2025, 3, 3, 10)) == at(2025, 3, 10, 10)
    assert sla.deadline("outcome", start=at(2025, 3, 3, 10)) == at(2025, 3, 24, 10)
    assert sla.deadline("organisation_response", start=at(2025, 3, 3, 10)) == at(2025, 3, 5, 10)  # default kept


def timers(pk, status="SCHEDULED"):
    return Task.objects.filter(process_id=pk, flow_task_type="TIMER", status=status)


def expire(pk):
    """Moves the current step's time limit into the past, as if the days had gone by."""
    past = timezone.now() - datetime.timedelta(minutes=1)
    assert timers(pk).update(scheduled=past) == 1
    ReferralProcess.objects.filter(pk=pk).update(step_due_at=past)


def fire():
    call_command("workflow_timers", stdout=open("/dev/null", "w"))  # noqa: SIM115


pytestmark = pytest.mark.django_db


def test_each_step_gets_its_deadline_and_its_timer(walk):
    pk = walk("submitted")
    referral = ReferralProcess.objects.get(pk=pk)
    triage_task = Task.objects.get(process_id=pk, flow_task_type="HUMAN", status="NEW")
    assert referral.step_due_at == sla.deadline("triage", start=triage_task.created)
    assert timers(pk).get().scheduled == referral.step_due_at


def test_late_triage_is_escalated_by_the_periodic_command(world, api, walk, django_capture_on_commit_callbacks):
    pk = walk("submitted")
    assert api("network_manager").get("/api/referrals/overdue/").json()["results"] == []
    expire(pk)
    assert [row["id"] for row in api("network_manager").get("/api/referrals/overdue/").json()["results"]] == [pk]
    assert api("network_manager_other").get("/api/referrals/overdue/").json()["results"] == []
    with django_capture_on_commit_callbacks(execute=True):
        fire()
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.escalated_at is not None and referral.state == "submitted"  # triage stays open
    events = list(
        referral.audit_events.filter(action__in=["sla_expired", "escalated"]).values_list("action", "actor", "step")
    )
    assert events == [("sla_expired", None, "triage"), ("escalated", None, "triage")]
    assert [message.to for message in mail.outbox] == [[world.users.network_manager.email]]
    # In the recipient's language: Italian, as nobody chose another one.
    assert "R-" in mail.outbox[0].subject and "in ritardo" in mail.outbox[0].subject
    fire()  # nothing more to fire
    assert referral.audit_events.filter(action="escalated").count() == 1
    approved = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    assert approved.status_code == 200 and approved.json()["overdue"] is False


def test_no_answer_from_the_organisation_moves_the_referral_to_the_network_manager(world, api, walk):
    pk = walk("approved")
    expire(pk)
    fire()
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.state == "no_response"
    assert Task.objects.get(process_id=pk, flow_task=ReferralFlow.org_review).status == "CANCELED"
    late = api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json")
    assert late.status_code == 409
    assert "redirect" in api("network_manager").get(f"/api/referrals/{pk}/").json()["actions"]
    again = api("network_manager").post(
        f"/api/referrals/{pk}/redirect/",
        {"service": world.service_a.pk, "reason": "Sollecitati per telefono."},
        format="json",
    )
    assert again.json()["state"] == "approved"
    assert (
        api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json").json()["state"]
        == "accepted"
    )


def test_missing_outcome_is_escalated_but_the_volunteer_keeps_the_task(
    world, api, walk, django_capture_on_commit_callbacks
):
    pk = walk("in_progress")
    expire(pk)
    with django_capture_on_commit_callbacks(execute=True):
        fire()
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.state == "in_progress" and referral.escalated_at is not None
    recipients = sorted(address for message in mail.outbox for address in message.to)
    users = world.users
    assert recipients == sorted([users.volunteer.email, users.coordinator.email, users.social_worker.email])
    task = volunteer_task_id(pk)
    done = api("volunteer").post(f"/api/referrals/tasks/{task}/outcome/", {"outcome": "partly", "note": "In ritardo"})
    assert done.status_code == 200


def test_a_finished_step_never_fires_its_timer(walk):
    pk = walk("accepted")
    assert timers(pk, "CANCELED").count() == 2  # triage and the organisation's answer
    assert timers(pk).count() == 1  # the outcome's
    timers(pk, "CANCELED").update(scheduled=timezone.now() - datetime.timedelta(days=30))
    fire()
    assert not AuditEvent.objects.filter(referral_id=pk, action__in=["sla_expired", "escalated"]).exists()


def test_no_step_waits_without_a_time_limit(world, api, walk):
    """Redirection, waiting list and the closing review have time limits too: late ones are reminded."""
    declined = walk("approved")
    api("coordinator").post(
        f"/api/referrals/{declined}/review/", {"decision": "decline", "reason": "Pieno."}, format="json"
    )
    waiting = walk("approved")
    api("coordinator").post(
        f"/api/referrals/{waiting}/review/", {"decision": "waiting_list", "reason": "Lista."}, format="json"
    )
    to_close = walk("outcome_recorded")
    steps = {"redirect": declined, "waiting_list": waiting, "close": to_close}
    for step, pk in steps.items():
        referral = ReferralProcess.objects.get(pk=pk)
        task = Task.objects.get(process_id=pk, flow_task_type="HUMAN", status="NEW")
        assert task.flow_task.name == step
        assert referral.step_due_at == sla.deadline(step, start=task.created), step
    ReferralProcess.objects.filter(pk__in=steps.values()).update(
        step_due_at=timezone.now() - datetime.timedelta(hours=1)
    )
    call_command("referrals_daily", stdout=open("/dev/null", "w"))  # noqa: SIM115
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert f"R-{declined:06d}" in bodies[world.users.network_manager.email]
    assert f"R-{waiting:06d}" in bodies[world.users.coordinator.email]
    assert f"R-{to_close:06d}" in bodies[world.users.social_worker.email]


def test_daily_reminders_go_to_whoever_must_act(world, walk):
    late_triage = walk("submitted")
    late_answer = walk("approved")
    expire(late_triage)
    ReferralProcess.objects.filter(pk=late_answer).update(step_due_at=timezone.now() - datetime.timedelta(hours=1))
    call_command("referrals_daily", stdout=open("/dev/null", "w"))  # noqa: SIM115
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {world.users.network_manager.email, world.users.coordinator.email}
    assert f"R-{late_triage:06d}" in by_recipient[world.users.network_manager.email].body
    assert f"R-{late_answer:06d}" in by_recipient[world.users.coordinator.email].body
    assert "Olena" not in by_recipient[world.users.coordinator.email].body
