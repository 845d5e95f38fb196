"""Claims under concurrency: exactly one winner, the others a clear 409, one claim in the history.

The parallel tests need PostgreSQL: each thread has its own connection and the process row lock
(SELECT … FOR UPDATE) serialises them. SQLite's in-memory test database is not shared between
threads; there, the same rule is proven one request after another.
"""

import threading

from django.conf import settings
from django.db import connection

import pytest
from rest_framework.test import APIClient

from cms.models import Role
from referrals.models import AuditEvent

from .conftest import member, volunteer_task_id

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def on_postgres(test):
    """Marker ``postgres``; skipped on SQLite; committed data, so that other connections see it."""
    test = pytest.mark.django_db(transaction=True, serialized_rollback=True)(test)
    test = pytest.mark.skipif(not ON_POSTGRES, reason="parallel connections need PostgreSQL (set DATABASE_URL)")(test)
    return pytest.mark.postgres(test)


def send_together(requests):
    """``{name: (user, url, body)}``: every request posted at the same moment, each on its own
    connection; returns ``{name: response}``."""
    barrier = threading.Barrier(len(requests))
    responses = {}

    def attempt(name, user, url, body):
        try:
            client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
            client.force_authenticate(user)
            barrier.wait(timeout=30)
            responses[name] = client.post(url, body or {}, format="json")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(name, *request)) for name, request in requests.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(responses) == len(requests), "a thread did not finish"
    return responses


def race(users, url, body=None):
    """Every user posts to ``url`` at the same moment; returns the responses by username."""
    return send_together({user.username: (user, url, body) for user in users})


def claims_of(pk):
    return AuditEvent.objects.filter(referral_id=pk, action=AuditEvent.Action.CLAIMED)


@on_postgres
def test_twenty_volunteers_claim_the_same_task_at_once(world, walk, api):
    volunteers = [member(f"racer{n}", Role.VOLUNTEER, organization=world.org_a) for n in range(20)]
    pk = walk("accepted")
    task = volunteer_task_id(pk)
    responses = race(volunteers, f"/api/referrals/tasks/{task}/claim/")
    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200] + [409] * 19, codes
    winner = next(name for name, response in responses.items() if response.status_code == 200)
    losers = [response.json()["detail"] for response in responses.values() if response.status_code == 409]
    assert set(losers) == {"Someone else has just taken this task."}
    assert claims_of(pk).count() == 1 and claims_of(pk).get().actor.username == winner
    history = api("coordinator").get(f"/api/referrals/{pk}/history/").json()
    assert [event["actor"] for event in history if event["action"] == "claimed"] == [winner]


@on_postgres
def test_two_coordinators_race_for_an_emergency_call(world, api):
    from referrals.models import EmergencyCallProcess

    world.org_b.ambiti.add(world.lecco)  # both organisations work in Lecco: both are called
    world.org_b.save()
    opened = api("network_manager").post(
        "/api/referrals/emergency-calls/",
        {"need": "Alloggio per 12 persone in arrivo stanotte.", "theme": "housing", "ambiti": ["lecco"]},
        format="json",
    )
    assert opened.status_code == 201, opened.json()
    assert opened.json()["organizations_called"] == 2
    call = EmergencyCallProcess.objects.get(pk=opened.json()["id"])
    responses = race(
        [world.users.coordinator, world.users.coordinator_other], f"/api/referrals/emergency-calls/{call.pk}/accept/"
    )
    codes = sorted(response.status_code for response in responses.values())
    assert codes == [200, 409], codes
    loser = next(response for response in responses.values() if response.status_code == 409)
    winner = next(name for name, response in responses.items() if response.status_code == 200)
    call.refresh_from_db()
    assert call.state == "taken" and call.taken_by.username == winner
    assert call.taken_by_organization.name in loser.json()["detail"]
    assert AuditEvent.objects.filter(emergency_call=call, action="call_taken").count() == 1


@on_postgres
def test_a_consent_revoked_while_the_referral_is_submitted_never_lets_it_through(world, walk):
    """Submitting and revoking at the same moment: either the submission wins and the revocation then
    stops the referral, or the revocation wins and the submission is refused. Never a referral in the
    organisation's hands on a withdrawn consent, never a deadlock or a 500."""
    from referrals.models import ReferralProcess

    for _attempt in range(5):
        pk = walk("draft")
        consent = ReferralProcess.objects.get(pk=pk).beneficiary.consents.get(revoked_at__isnull=True)
        worker = world.users.social_worker
        responses = send_together(
            {
                "submit": (worker, f"/api/referrals/{pk}/submit/", {}),
                "revoke": (worker, f"/api/referrals/consents/{consent.pk}/revoke/", {"reason": "Ci ha ripensato."}),
            }
        )
        assert responses["revoke"].status_code == 200, responses["revoke"].content
        assert responses["submit"].status_code in (200, 400), responses["submit"].content
        referral = ReferralProcess.objects.get(pk=pk)
        if responses["submit"].status_code == 200:
            assert referral.state == "cancelled"  # submitted first, then stopped by the revocation
        else:
            assert referral.state == "draft" and "consent" in responses["submit"].json()


# --- the same rules, one request after another (every database) ----------------------------------


@pytest.mark.django_db
def test_a_second_claim_gets_409_with_a_clear_message(world, api, walk):
    pk = walk("accepted")
    task = volunteer_task_id(pk)
    assert api("volunteer").post(f"/api/referrals/tasks/{task}/claim/").status_code == 200
    late = api("volunteer2").post(f"/api/referrals/tasks/{task}/claim/")
    assert late.status_code == 409
    assert late.json() == {"detail": "Someone else has just taken this task.", "code": "conflict"}
    assert claims_of(pk).count() == 1


@pytest.mark.django_db
def test_a_second_coordinator_sees_the_call_taken(world, api):
    world.org_b.ambiti.add(world.lecco)
    world.org_b.save()
    opened = (
        api("network_manager")
        .post(
            "/api/referrals/emergency-calls/",
            {"need": "Mediatori ucraini per domani.", "theme": "housing", "ambiti": ["lecco"]},
            format="json",
        )
        .json()
    )
    assert opened.get("organizations_called") == 2, opened
    pk = opened["id"]
    assert api("coordinator_other").get("/api/referrals/emergency-calls/").json()["results"][0]["state"] == "open"
    assert api("coordinator").post(f"/api/referrals/emergency-calls/{pk}/accept/").status_code == 200
    late = api("coordinator_other").post(f"/api/referrals/emergency-calls/{pk}/accept/")
    assert late.status_code == 409 and late.json()["detail"] == "Already taken by Casa Aperta."
    seen = api("coordinator_other").get("/api/referrals/emergency-calls/").json()["results"][0]
    assert seen["state"] == "taken" and seen["taken_by"]["name"] == "Casa Aperta"
