"""Every path of the referral process through the JSON API, one user per role."""

from django.utils import timezone

import pytest
from viewflow.workflow.models import Task
from viewflow.workflow.status import PROCESS

from referrals.flows import ReferralFlow
from referrals.models import AuditEvent, Beneficiary, BeneficiaryPersonalData, ReferralProcess

from .conftest import START_PAYLOAD, start_payload, volunteer_task_id

pytestmark = pytest.mark.django_db


def actions_of(referral):
    return list(referral.audit_events.values_list("action", "from_state", "to_state"))


def test_the_whole_loop_from_draft_to_closed(world, api):
    users = world.users
    response = api("social_worker").post("/api/referrals/", start_payload(world, submit=False), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["state"] == "draft"
    assert body["beneficiary"]["first_name"] == "Olena"
    assert body["beneficiary"]["code"].startswith("B-")
    assert set(body["actions"]) == {"update", "submit", "cancel"}
    pk = body["id"]

    assert api("social_worker").post(f"/api/referrals/{pk}/submit/").json()["state"] == "submitted"
    triaged = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    assert triaged.json()["state"] == "approved"
    assert "first_name" not in triaged.json()["beneficiary"]  # network managers see no identity
    reviewed = api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json")
    assert reviewed.json()["state"] == "accepted"

    queue = api("volunteer").get("/api/referrals/queue/").json()["results"]
    assert [task["referral"] for task in queue] == [pk]
    task_id = queue[0]["id"]
    claimed = api("volunteer").post(f"/api/referrals/tasks/{task_id}/claim/")
    assert claimed.status_code == 200 and claimed.json()["claimed_by_me"] is True
    assert api("volunteer2").get("/api/referrals/queue/").json()["results"] == []
    assert api("volunteer").get("/api/referrals/tasks/").json()["results"][0]["task"]["id"] == task_id
    note = api("volunteer").post(f"/api/referrals/tasks/{task_id}/progress/", {"note": "Primo incontro fatto."})
    assert note.status_code == 200
    assert api("volunteer").get(f"/api/referrals/tasks/{task_id}/").json()["my_notes"][0]["text"] == (
        "Primo incontro fatto."
    )
    outcome = api("volunteer").post(
        f"/api/referrals/tasks/{task_id}/outcome/", {"outcome": "partly", "note": "Ospitalità per un mese."}
    )
    assert outcome.status_code == 200

    detail = api("social_worker").get(f"/api/referrals/{pk}/").json()
    assert detail["state"] == "outcome_recorded" and detail["outcome"] == "partly"
    assert "close" in detail["actions"]
    closed = api("social_worker").post(f"/api/referrals/{pk}/close/", {"result": "completed"}, format="json")
    assert closed.json()["state"] == "closed" and closed.json()["close_result"] == "completed"

    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.status == PROCESS.DONE and referral.finished is not None
    assert actions_of(referral) == [
        ("started", "", "draft"),
        ("submitted", "draft", "submitted"),
        ("approved", "submitted", "approved"),
        ("accepted", "approved", "accepted"),
        ("claimed", "accepted", "in_progress"),
        ("progress", "in_progress", "in_progress"),
        ("outcome_recorded", "in_progress", "outcome_recorded"),
        ("closed", "outcome_recorded", "closed"),
    ]
    actors = list(referral.audit_events.values_list("actor__username", flat=True))
    assert actors == ["sw", "sw", "nm", "coord", "vol", "vol", "vol", "sw"]
    volunteer_task = Task.objects.get(pk=task_id)
    assert volunteer_task.owner == users.volunteer and volunteer_task.assigned is not None  # Viewflow never sets it
    history = api("coordinator").get(f"/api/referrals/{pk}/history/").json()
    assert [event["action"] for event in history][-1] == "closed"


def test_returned_for_more_information_then_resubmitted(world, api, walk):
    pk = walk("submitted")
    returned = api("network_manager").post(
        f"/api/referrals/{pk}/triage/",
        {"decision": "return", "reason": "Manca la composizione del nucleo."},
        format="json",
    )
    assert returned.json()["state"] == "returned"
    assert api("social_worker").get("/api/referrals/tasks/").json()["results"][0]["task"]["step"] == "prepare"
    edited = api("social_worker").patch(
        f"/api/referrals/{pk}/",
        {"need": "Casa per tre persone: madre e due figli.", "urgency": "normal"},
        format="json",
    )
    assert edited.status_code == 200 and edited.json()["need"].startswith("Casa per tre")
    assert api("social_worker").post(f"/api/referrals/{pk}/submit/").json()["state"] == "submitted"
    approved = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    assert approved.json()["state"] == "approved"
    referral = ReferralProcess.objects.get(pk=pk)
    returned_event = referral.audit_events.get(action="returned")
    assert returned_event.reason == "Manca la composizione del nucleo."
    assert returned_event.actor == world.users.network_manager


def test_rejected_ends_the_process_with_the_reason(world, api, walk):
    pk = walk("submitted")
    missing_reason = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "reject"}, format="json")
    assert missing_reason.status_code == 400 and "reason" in missing_reason.json()
    assert ReferralProcess.objects.get(pk=pk).state == "submitted"
    rejected = api("network_manager").post(
        f"/api/referrals/{pk}/triage/",
        {"decision": "reject", "reason": "Fuori dai criteri del servizio."},
        format="json",
    )
    assert rejected.json()["state"] == "rejected"
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.status == PROCESS.DONE and referral.closed_at is not None
    again = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    assert again.status_code == 409


def test_declined_then_redirected_to_another_organisation(world, api, walk):
    pk = walk("approved")
    declined = api("coordinator").post(
        f"/api/referrals/{pk}/review/", {"decision": "decline", "reason": "Nessun posto disponibile."}, format="json"
    )
    assert declined.json()["state"] == "declined"
    assert api("network_manager").get("/api/referrals/tasks/").json()["results"][0]["task"]["step"] == "redirect"

    code = declined.json()["beneficiary"]["code"]
    without_consent = api("network_manager").post(
        f"/api/referrals/{pk}/redirect/", {"service": world.service_b.pk, "reason": "Posto a Monza."}, format="json"
    )
    assert without_consent.status_code == 400 and "service" in without_consent.json()
    recorded = api("social_worker").post(
        f"/api/referrals/beneficiaries/{code}/consents/",
        {"organization": world.org_b.pk, "given_on": "2025-01-10", "method": "verbal_witnessed"},
        format="json",
    )
    assert recorded.status_code == 201, recorded.json()
    redirected = api("network_manager").post(
        f"/api/referrals/{pk}/redirect/", {"service": world.service_b.pk, "reason": "Posto a Monza."}, format="json"
    )
    assert redirected.status_code == 200, redirected.json()
    assert redirected.json()["organization"]["id"] == world.org_b.pk and redirected.json()["state"] == "approved"
    # The first organisation no longer sees it; the new one does.
    assert api("coordinator").get(f"/api/referrals/{pk}/").status_code == 404
    accepted = api("coordinator_other").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json")
    assert accepted.json()["state"] == "accepted"
    assert [task["referral"] for task in api("volunteer_other").get("/api/referrals/queue/").json()["results"]] == [pk]


def test_waiting_list_then_accepted(world, api, walk):
    pk = walk("approved")
    waiting = api("coordinator").post(
        f"/api/referrals/{pk}/review/",
        {"decision": "waiting_list", "reason": "Posto libero a marzo."},
        format="json",
    )
    assert waiting.json()["state"] == "waiting_list"
    due = ReferralProcess.objects.get(pk=pk).step_due_at  # the waiting list is reviewed within 30 days
    assert 29 <= (due - timezone.now()).days <= 30
    again = api("coordinator").post(
        f"/api/referrals/{pk}/review/", {"decision": "waiting_list", "reason": "ancora"}, format="json"
    )
    assert again.status_code == 409
    accepted = api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "accept"}, format="json")
    assert accepted.json()["state"] == "accepted"


def test_waiting_list_then_declined_goes_to_the_network_manager(world, api, walk):
    pk = walk("approved")
    api("coordinator").post(
        f"/api/referrals/{pk}/review/", {"decision": "waiting_list", "reason": "Forse a marzo."}, format="json"
    )
    declined = api("coordinator").post(
        f"/api/referrals/{pk}/review/", {"decision": "decline", "reason": "Niente posto."}, format="json"
    )
    assert declined.json()["state"] == "declined"
    assert "redirect" in api("network_manager").get(f"/api/referrals/{pk}/").json()["actions"]


def test_hand_back_and_someone_else_takes_it(world, api, walk):
    pk = walk("in_progress")
    task_id = volunteer_task_id(pk)
    no_reason = api("volunteer").post(f"/api/referrals/tasks/{task_id}/hand-back/", {})
    assert no_reason.status_code == 400
    not_mine = api("volunteer2").post(f"/api/referrals/tasks/{task_id}/hand-back/", {"reason": "x"})
    assert not_mine.status_code == 403
    handed = api("volunteer").post(f"/api/referrals/tasks/{task_id}/hand-back/", {"reason": "Sono malato."})
    assert handed.status_code == 200 and handed.json()["status"] == "NEW"
    assert ReferralProcess.objects.get(pk=pk).state == "accepted"
    assert api("volunteer2").post(f"/api/referrals/tasks/{task_id}/claim/").status_code == 200
    assert (
        api("volunteer")
        .post(f"/api/referrals/tasks/{task_id}/outcome/", {"outcome": "partly", "note": "x"})
        .status_code
        == 403
    )  # no longer theirs
    assert api("volunteer").get(f"/api/referrals/tasks/{task_id}/").status_code == 404  # and they see nothing of it
    task = Task.objects.get(pk=task_id)
    assert task.owner == world.users.volunteer2


def test_coordinator_gives_the_task_to_a_volunteer(world, api, walk):
    pk = walk("accepted")
    task_id = volunteer_task_id(pk)
    outsider = api("coordinator").post(
        f"/api/referrals/tasks/{task_id}/assign/", {"volunteer": world.users.volunteer_other.pk}
    )
    assert outsider.status_code == 400 and "volunteer" in outsider.json()
    assigned = api("coordinator").post(
        f"/api/referrals/tasks/{task_id}/assign/", {"volunteer": world.users.volunteer2.pk}
    )
    assert assigned.status_code == 200
    assert api("volunteer2").get("/api/referrals/tasks/").json()["results"][0]["task"]["id"] == task_id
    assert (
        api("volunteer")
        .post(f"/api/referrals/tasks/{task_id}/assign/", {"volunteer": world.users.volunteer.pk})
        .status_code
        == 403
    )


def test_closing_as_not_completed_needs_a_reason(world, api, walk):
    pk = walk("outcome_recorded")
    assert api("social_worker").post(f"/api/referrals/{pk}/close/", {"result": "not_completed"}).status_code == 400
    closed = api("social_worker").post(
        f"/api/referrals/{pk}/close/", {"result": "not_completed", "reason": "La persona si è trasferita."}
    )
    assert closed.json()["close_result"] == "not_completed"


@pytest.mark.parametrize("step", ["draft", "submitted", "approved", "accepted", "in_progress", "outcome_recorded"])
@pytest.mark.parametrize("role", ["social_worker", "network_manager"])
def test_cancel_at_any_point_before_the_end(world, api, walk, step, role):
    pk = walk(step)
    if step == "draft" and role == "network_manager":
        # A draft is the social worker's own work: network managers do not see it until it is submitted.
        assert api(role).post(f"/api/referrals/{pk}/cancel/", {"reason": "x"}).status_code == 404
        return
    assert api(role).post(f"/api/referrals/{pk}/cancel/", {}).status_code == 400
    cancelled = api(role).post(f"/api/referrals/{pk}/cancel/", {"reason": "La famiglia ha trovato casa da sola."})
    assert cancelled.status_code == 200, cancelled.json()
    assert cancelled.json()["state"] == "cancelled"
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.status == PROCESS.CANCELED
    assert not referral.task_set.filter(status__in=["NEW", "ASSIGNED", "SCHEDULED"]).exists()
    event = referral.audit_events.get(action="cancelled")
    assert (event.from_state, event.actor, event.reason) == (
        step,
        getattr(world.users, role),
        "La famiglia ha trovato casa da sola.",
    )
    assert api(role).post(f"/api/referrals/{pk}/cancel/", {"reason": "again"}).status_code == 409


def test_a_closed_referral_cannot_be_cancelled(api, walk):
    pk = walk("closed")
    assert api("social_worker").post(f"/api/referrals/{pk}/cancel/", {"reason": "tardi"}).status_code == 409


def test_submitting_without_consent_is_refused_and_writes_nothing(world, api):
    payload = start_payload(world)
    del payload["consent"]
    before = (Beneficiary.objects.count(), BeneficiaryPersonalData.objects.count(), ReferralProcess.objects.count())
    response = api("social_worker").post("/api/referrals/", payload, format="json")
    assert response.status_code == 400 and "consent" in response.json()
    after = (Beneficiary.objects.count(), BeneficiaryPersonalData.objects.count(), ReferralProcess.objects.count())
    assert after == before
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"service": 999999}, "service"),
        ({"theme": "astrology"}, "theme"),
        ({"municipality": "000000"}, "municipality"),
        ({"urgency": "yesterday"}, "urgency"),
        ({"need": ""}, "need"),
        ({"beneficiary": {"last_name": "Senza nome"}}, "beneficiary"),
        ({"beneficiary": {"first_name": "A", "email": "not-an-email"}}, "beneficiary"),
        ({"consent": {"given_on": "2999-01-01", "method": "signed_form"}}, "given_on"),
        ({"need": "x" * 2001}, "need"),
    ],
)
def test_bad_input_answers_400_with_the_field(world, api, change, field):
    response = api("social_worker").post("/api/referrals/", start_payload(world, **change), format="json")
    assert response.status_code == 400
    assert field in str(response.json())
    assert not ReferralProcess.objects.exists() and not Beneficiary.objects.exists()


def test_an_existing_beneficiary_is_referred_again_by_code(world, api, walk):
    first = walk("closed")
    code = ReferralProcess.objects.get(pk=first).beneficiary.code
    payload = start_payload(world, beneficiary={"code": code})
    del payload["consent"]  # the consent for this organisation is still active
    response = api("social_worker").post("/api/referrals/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["beneficiary"]["code"] == code
    other_office = api("social_worker_other").post(
        "/api/referrals/",
        {**START_PAYLOAD, "service": world.service_a.pk, "beneficiary": {"code": code}},
        format="json",
    )
    assert other_office.status_code == 400


def test_a_worker_of_two_offices_must_choose(world, api):
    from cms.models import Role
    from tests.factories import MembershipFactory, comune

    MembershipFactory(user=world.users.social_worker, role=Role.SOCIAL_WORKER, municipality=comune("Merate"))
    payload = start_payload(world, submit=False)
    assert "office" in api("social_worker").post("/api/referrals/", payload, format="json").json()
    chosen = api("social_worker").post(
        "/api/referrals/", {**payload, "office_municipality": comune("Merate").istat_code}, format="json"
    )
    assert chosen.status_code == 201
    referral = ReferralProcess.objects.get(pk=chosen.json()["id"])
    assert referral.office_municipality == comune("Merate") and referral.ambito == comune("Merate").ambito


def test_flow_nodes_follow_the_diagram(walk):
    pk = walk("closed")
    names = [task.flow_task.name for task in Task.objects.filter(process_id=pk).order_by("pk")]
    assert [n for n in names if "__" not in n] == [
        "start",
        "prepare",
        "triage",
        "after_triage",
        "org_review",
        "after_review",
        "volunteer_task",
        "close",
        "closed",
    ]
    assert ReferralFlow.lock_impl.nowait is False


def test_progress_notes_reach_the_office_and_the_organisation_not_the_manager(api, walk):
    pk = walk("in_progress")
    api("volunteer").post(f"/api/referrals/tasks/{volunteer_task_id(pk)}/progress/", {"note": "Visita fissata."})
    for role in ("social_worker", "coordinator"):
        notes = api(role).get(f"/api/referrals/{pk}/").json()["progress_notes"]
        assert [(note["by"], note["text"]) for note in notes] == [("vol", "Visita fissata.")]
    assert "progress_notes" not in api("network_manager").get(f"/api/referrals/{pk}/").json()
