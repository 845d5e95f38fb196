"""Data protection: every read of personal data is logged; export and erasure; retention; no personal data in
logs, e-mails or a volunteer's view."""

import datetime
import io
import json
import logging

from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest

from referrals import reports
from referrals.models import (
    AuditEvent,
    Beneficiary,
    BeneficiaryPersonalData,
    PersonalDataAccess,
    ReferralNote,
    ReferralProcess,
)

from .conftest import START_PAYLOAD, volunteer_task_id

pytestmark = pytest.mark.django_db
PERSON = START_PAYLOAD["beneficiary"]
SECRETS = (PERSON["first_name"], PERSON["last_name"], PERSON["phone"], PERSON["email"], "Nota riservata")


def code_of(pk):
    return ReferralProcess.objects.get(pk=pk).beneficiary.code


def test_every_read_of_personal_data_is_logged(world, api, walk):
    pk = walk("accepted")
    PersonalDataAccess.objects.all().delete()
    api("social_worker").get(f"/api/referrals/{pk}/")
    api("network_manager").get(f"/api/referrals/{pk}/")
    api("coordinator").get("/api/referrals/")
    api("volunteer").get("/api/referrals/queue/")
    rows = list(
        PersonalDataAccess.objects.order_by("pk").values_list("user__username", "referral_id", "categories", "purpose")
    )
    assert rows == [
        ("sw", pk, "case,contact,identity", "api:ReferralDetailView"),
        ("nm", pk, "case", "api:ReferralDetailView"),
        ("coord", pk, "case,contact,identity", "api:ReferralListView"),
        ("vol", pk, "case,identity", "api:QueueView"),
    ]
    assert all(entry.beneficiary.code == code_of(pk) for entry in PersonalDataAccess.objects.all())


def test_a_volunteer_sees_only_what_the_task_needs(world, api, walk):
    pk = walk("accepted")
    task = volunteer_task_id(pk)
    queue = api("volunteer").get("/api/referrals/queue/").content.decode()
    api("volunteer").post(f"/api/referrals/tasks/{task}/claim/")
    detail = api("volunteer").get(f"/api/referrals/tasks/{task}/").json()
    inbox = api("volunteer").get("/api/referrals/tasks/").content.decode()
    assert detail["person"] == "Olena" and detail["need"] == START_PAYLOAD["need"]
    assert detail["preferred_language"] == "uk" and detail["where"]["name"] == "Lecco"
    assert detail["when"] == "martedì mattina"
    for text in (queue, json.dumps(detail, ensure_ascii=False), inbox):
        for secret in (PERSON["last_name"], PERSON["phone"], PERSON["email"], "Nota riservata", code_of(pk)):
            assert secret not in text
    assert api("volunteer").get(f"/api/referrals/{pk}/").status_code == 403
    assert api("volunteer").get(f"/api/referrals/{pk}/history/").status_code == 403


def test_without_a_first_name_the_volunteer_sees_the_code(world, api, walk):
    pk = walk("accepted")
    BeneficiaryPersonalData.objects.all().update(first_name="")
    assert api("volunteer").get("/api/referrals/queue/").json()["results"][0]["person"] == code_of(pk)


def test_export_holds_everything_and_is_logged(world, api, walk):
    pk = walk("in_progress")
    api("volunteer").post(f"/api/referrals/tasks/{volunteer_task_id(pk)}/progress/", {"note": "Chiamata fatta."})
    out = io.StringIO()
    call_command("referrals_export_beneficiary", code_of(pk), "--by", "iprs", stdout=out)
    export = json.loads(out.getvalue())
    assert export["personal_data"]["last_name"] == PERSON["last_name"]
    assert export["consents"][0]["organisation"] == "Casa Aperta"
    referral = export["referrals"][0]
    assert referral["need"] == START_PAYLOAD["need"] and referral["progress_notes"][0]["text"] == "Chiamata fatta."
    assert [event["action"] for event in referral["history"]][:2] == ["started", "submitted"]
    assert export["reads_of_personal_data"]
    read = PersonalDataAccess.objects.get(purpose="command:referrals_export_beneficiary")
    assert read.user.username == "iprs"  # who answered the request


def test_erasure_keeps_the_anonymous_statistics(world, api, walk):
    closed = walk("closed")
    code = code_of(closed)
    open_one = (
        api("social_worker")
        .post(
            "/api/referrals/",
            {
                **START_PAYLOAD,
                "service": world.service_a.pk,
                "beneficiary": {"code": code},
                "submit": True,
            },
            format="json",
        )
        .json()["id"]
    )
    before = reports.referral_report()
    out = io.StringIO()
    with pytest.raises(CommandError, match="--by"):
        call_command("referrals_erase_beneficiary", code, "--by", "no-such-user", stdout=out)
    call_command("referrals_erase_beneficiary", code, "--by", "iprs", stdout=out)
    assert "Add --yes" in out.getvalue() and BeneficiaryPersonalData.objects.exists()
    call_command("referrals_erase_beneficiary", code, "--yes", "--by", "iprs", stdout=out)
    assert not BeneficiaryPersonalData.objects.exists()
    assert Beneficiary.objects.get(code=code).erased_at is not None
    erased = AuditEvent.objects.get(action=AuditEvent.Action.ERASED, beneficiary__code=code)
    assert erased.actor.username == "iprs"
    assert not ReferralNote.objects.exists()
    for referral in ReferralProcess.objects.all():
        assert (referral.need, referral.case_notes, referral.outcome_note, referral.availability) == ("", "", "", "")
        assert referral.anonymised_at is not None
    assert ReferralProcess.objects.get(pk=open_one).state == "cancelled"
    after = reports.referral_report()
    assert after["total"] == before["total"] and after["theme"] == before["theme"]
    assert after["outcome"] == before["outcome"]
    assert api("social_worker").get(f"/api/referrals/beneficiaries/{code}/consents/").status_code == 404
    body = api("social_worker").get(f"/api/referrals/{closed}/").content.decode()
    assert not any(secret in body for secret in SECRETS)


def test_retention_anonymises_referrals_that_ended_long_ago(world, settings, api, walk):
    settings.REFERRALS_RETENTION_DAYS = 365
    old_a, old_b, recent = walk("closed"), walk("closed"), walk("closed")
    code_a = code_of(old_a)
    payload = {**START_PAYLOAD, "service": world.service_a.pk, "beneficiary": {"code": code_a}, "submit": True}
    still_open = api("social_worker").post("/api/referrals/", payload, format="json").json()["id"]
    long_ago = timezone.now() - datetime.timedelta(days=400)
    ReferralProcess.objects.filter(pk__in=[old_a, old_b]).update(closed_at=long_ago)
    out = io.StringIO()
    call_command("referrals_anonymise", "--dry-run", stdout=out)
    assert out.getvalue().startswith("2 referral(s)")
    call_command("referrals_anonymise", stdout=out)
    assert "2 referral(s) anonymised, 1 beneficiary(ies) erased" in out.getvalue()
    assert [ReferralProcess.objects.get(pk=pk).need for pk in (old_a, old_b)] == ["", ""]
    assert ReferralProcess.objects.get(pk=recent).need == START_PAYLOAD["need"]
    assert ReferralProcess.objects.get(pk=still_open).need == START_PAYLOAD["need"]
    # A still has an open referral: their personal data stay. B has nothing left that needs them.
    assert BeneficiaryPersonalData.objects.filter(beneficiary__code=code_a).exists()
    assert not BeneficiaryPersonalData.objects.filter(beneficiary__code=code_of(old_b)).exists()
    assert ReferralProcess.objects.get(pk=old_b).state == "closed"  # the statistics stay


def test_abandoned_drafts_are_cancelled_then_anonymised_like_any_ended_referral(world, settings, walk):
    settings.REFERRALS_ABANDONED_DRAFT_DAYS = 180
    abandoned, recent, submitted = walk("draft"), walk("draft"), walk("submitted")
    long_ago = timezone.now() - datetime.timedelta(days=200)
    ReferralProcess.objects.filter(pk__in=[abandoned, submitted]).update(updated_at=long_ago)
    out = io.StringIO()
    call_command("referrals_anonymise", "--dry-run", stdout=out)
    assert "1 draft(s) untouched for 180 days." in out.getvalue()
    call_command("referrals_anonymise", stdout=out)
    assert "1 abandoned draft(s) cancelled." in out.getvalue()
    assert ReferralProcess.objects.get(pk=abandoned).state == "cancelled"
    assert ReferralProcess.objects.get(pk=recent).state == "draft"
    assert ReferralProcess.objects.get(pk=submitted).state == "submitted"  # in the network's hands: not a draft
    event = AuditEvent.objects.get(referral_id=abandoned, to_state="cancelled")
    assert event.reason == "abandoned: no change in 180 days" and event.actor is None
    # After the retention period it is anonymised like any referral that ended.
    ReferralProcess.objects.filter(pk=abandoned).update(closed_at=timezone.now() - datetime.timedelta(days=800))
    call_command("referrals_anonymise", stdout=out)
    assert ReferralProcess.objects.get(pk=abandoned).need == ""


def test_logs_and_emails_never_hold_the_beneficiarys_data(world, api, walk, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    with django_capture_on_commit_callbacks(execute=True):
        pk = walk("closed")
        bad = api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": "reject"}, format="json")
        assert bad.status_code in (400, 409)
        api("social_worker").get(f"/api/referrals/{pk}/")
        api("social_worker").get(f"/api/referrals/{pk}/", HTTP_ACCEPT_LANGUAGE="en")
        api("social_worker_other").get(f"/api/referrals/{pk}/")
        call_command("referrals_export_beneficiary", code_of(pk), "--by", "iprs", stdout=io.StringIO())
    assert mail.outbox, "the walk sends e-mails"
    assert caplog.records, "the run logs something"
    for secret in SECRETS:
        assert secret not in caplog.text
        for message in mail.outbox:
            assert secret not in message.subject and secret not in message.body
    for record in ReferralProcess.objects.all():
        assert PERSON["first_name"] not in str(record)
    assert PERSON["first_name"] not in str(BeneficiaryPersonalData.objects.get())


def test_the_search_app_never_imports_referrals():
    """No referral or personal data can reach the public index: search does not even know the app exists."""
    from pathlib import Path

    import search

    for path in Path(search.__file__).parent.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "import referrals" not in text and "from referrals" not in text, path


def test_reading_the_history_is_logged(api, walk):
    pk = walk("submitted")
    PersonalDataAccess.objects.all().delete()
    api("network_manager").get(f"/api/referrals/{pk}/history/")
    assert list(PersonalDataAccess.objects.values_list("user__username", "categories", "purpose")) == [
        ("nm", "case", "api:HistoryView")
    ]
