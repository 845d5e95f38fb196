"""Consent per recipient organisation; revoking it stops the referral and hides the data from the recipient."""

from django.test import Client

import pytest

from referrals.models import Consent, ReferralProcess

from .conftest import START_PAYLOAD, start_payload, volunteer_task_id

pytestmark = pytest.mark.django_db


def consent_of(pk):
    return ReferralProcess.objects.get(pk=pk).consent


def revoke(api, role, consent, reason="La signora ritira il consenso."):
    return api(role).post(f"/api/referrals/consents/{consent.pk}/revoke/", {"reason": reason}, format="json")


def test_consent_records_date_who_and_how(world, walk):
    pk = walk("submitted")
    consent = consent_of(pk)
    assert consent.organization == world.org_a and consent.collected_by == world.users.social_worker
    assert consent.method == "signed_form" and consent.document_reference == "PG 1/2025" and consent.is_active


def test_revocation_stops_the_referral_and_hides_the_data_from_the_organisation(world, api, walk):
    pk = walk("in_progress")
    task = volunteer_task_id(pk)
    assert revoke(api, "social_worker", consent_of(pk), reason="").status_code == 400
    response = revoke(api, "social_worker", consent_of(pk))
    assert response.status_code == 200 and response.json()["active"] is False

    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.state == "cancelled"
    event = referral.audit_events.get(action="consent_revoked")
    assert event.actor == world.users.social_worker and event.from_state == "in_progress"
    seen = api("coordinator").get(f"/api/referrals/{pk}/").json()
    assert seen["state"] == "cancelled" and seen["views"] == ["organisation_no_consent"]
    for hidden in ("beneficiary", "need", "case_notes", "availability", "municipality"):
        assert hidden not in seen
    assert "Olena" not in str(api("coordinator").get("/api/referrals/").json())
    assert api("volunteer").get(f"/api/referrals/tasks/{task}/").status_code == 404
    assert api("volunteer").get("/api/referrals/queue/").json()["results"] == []
    assert api("social_worker").get(f"/api/referrals/{pk}/").json()["beneficiary"]["first_name"] == "Olena"


def test_revocation_after_closing_still_hides_the_data(api, walk):
    pk = walk("closed")
    assert revoke(api, "social_worker", consent_of(pk)).status_code == 200
    assert ReferralProcess.objects.get(pk=pk).state == "closed"  # the loop was already closed
    assert "need" not in api("coordinator").get(f"/api/referrals/{pk}/").json()


def test_only_the_beneficiarys_office_may_record_or_revoke(world, api, walk):
    pk = walk("approved")
    consent = consent_of(pk)
    assert revoke(api, "network_manager", consent).status_code == 403
    assert revoke(api, "coordinator", consent).status_code == 403
    assert revoke(api, "social_worker_other", consent).status_code == 404
    code = consent.beneficiary.code
    assert api("social_worker_other").get(f"/api/referrals/beneficiaries/{code}/consents/").status_code == 404
    assert api("network_manager").get(f"/api/referrals/beneficiaries/{code}/consents/").status_code == 403
    listed = api("social_worker").get(f"/api/referrals/beneficiaries/{code}/consents/").json()
    assert [item["organization"]["name"] for item in listed] == ["Casa Aperta"]
    assert revoke(api, "social_worker", consent).status_code == 200
    assert revoke(api, "social_worker", consent).status_code == 409


def test_one_active_consent_per_organisation_and_a_new_one_after_revocation(world, api, walk):
    pk = walk("submitted")
    consent = consent_of(pk)
    code = consent.beneficiary.code
    url = f"/api/referrals/beneficiaries/{code}/consents/"
    body = {"organization": world.org_a.pk, "given_on": "2025-02-01", "method": "electronic"}
    duplicate = api("social_worker").post(url, body, format="json")
    assert duplicate.status_code == 400 and "organization" in duplicate.json()
    revoke(api, "social_worker", consent)
    assert api("social_worker").post(url, body, format="json").status_code == 201
    assert Consent.objects.filter(beneficiary=consent.beneficiary, revoked_at__isnull=True).count() == 1
    payload = {**start_payload(world), "beneficiary": {"code": code}}
    del payload["consent"]
    assert api("social_worker").post("/api/referrals/", payload, format="json").status_code == 201


def test_a_draft_cannot_be_submitted_once_consent_is_revoked(world, api):
    created = api("social_worker").post("/api/referrals/", start_payload(world, submit=False), format="json").json()
    consent = Consent.objects.get(beneficiary__code=created["beneficiary"]["code"])
    assert revoke(api, "social_worker", consent).status_code == 200
    submitted = api("social_worker").post(f"/api/referrals/{created['id']}/submit/")
    assert submitted.status_code == 400 and "consent" in submitted.json()
    assert START_PAYLOAD["beneficiary"]["first_name"] == "Olena"


def test_after_revocation_the_organisation_sees_neither_the_task_nor_the_reasons(world, api, walk):
    pk = walk("in_progress")
    task = volunteer_task_id(pk)
    api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "approve"}, format="json")
    secret = "Ha paura del marito, non chiamare la sera."
    assert revoke(api, "social_worker", consent_of(pk), reason=secret).status_code == 200

    # The task and its page: gone for the coordinator as for the volunteer.
    assert api("coordinator").get(f"/api/referrals/tasks/{task}/").status_code == 404
    page = Client()
    page.force_login(world.users.coordinator)
    assert page.get(f"/workflow/tasks/{task}/").status_code == 404
    # The history keeps what happened, not the words about the case.
    history = api("coordinator").get(f"/api/referrals/{pk}/history/").json()
    assert history[-1]["action"] == "consent_revoked"
    assert all(event["reason"] == "" for event in history)
    referral_page = page.get(f"/workflow/referrals/{pk}/").content.decode()
    assert secret not in referral_page
    # The social worker's own history says why the referral stopped, not the beneficiary's words.
    office = api("social_worker").get(f"/api/referrals/{pk}/history/").json()
    assert office[-1]["reason"] == "The beneficiary withdrew their consent."
    assert secret not in str(office)


def test_contact_details_of_a_draft_can_be_edited_alone(world, api, walk):
    pk = walk("draft")
    response = api("social_worker").patch(
        f"/api/referrals/{pk}/", {"beneficiary": {"phone": "+39 333 7654321"}}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["beneficiary"]["phone"] == "+39 333 7654321"
    assert response.json()["beneficiary"]["first_name"] == "Olena"
