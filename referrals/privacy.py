"""Data protection: the log of every read of personal data, export, erasure and retention.

- ``log_reads``: who read which beneficiary's personal data, when, what kind and where
  (API endpoint, staff page or command). Called by every place that shows personal data.
- ``beneficiary_export``: everything held about one beneficiary (``manage.py
  referrals_export_beneficiary``).
- ``beneficiary_erase``: erases one beneficiary's personal data on request, keeping the
  anonymous skeleton of their referrals for statistics (``manage.py referrals_erase_beneficiary``).
- ``anonymise_expired``: the retention rule, ``REFERRALS_RETENTION_DAYS`` after a referral
  ended (``manage.py referrals_anonymise``, run daily).

Anonymising keeps state, dates, ambito, theme, service, organisation, outcome and result
(what the reports count) and blanks every free text and every link to a person.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import audit, services
from .flows import ReferralFlow
from .models import (
    TERMINAL_STATES,
    AuditEvent,
    Beneficiary,
    BeneficiaryPersonalData,
    Consent,
    PersonalDataAccess,
    ReferralNote,
    ReferralProcess,
    State,
)

IDENTITY = "identity"
CONTACT = "contact"
CASE = "case"
DEFAULT_RETENTION_DAYS = 730
DEFAULT_ABANDONED_DRAFT_DAYS = 180


def log_reads(user, rows, *, purpose: str) -> int:
    """Records reads of personal data. ``rows``: (beneficiary_id, referral_id or None, categories) triples."""
    entries = [
        PersonalDataAccess(
            user=user if user is not None and user.is_authenticated else None,
            beneficiary_id=beneficiary_id,
            referral_id=referral_id,
            categories=",".join(sorted(categories)),
            purpose=purpose[:100],
        )
        for beneficiary_id, referral_id, categories in rows
        if categories
    ]
    PersonalDataAccess.objects.bulk_create(entries)
    return len(entries)


def _dates(value):
    return value.isoformat() if value else None


def beneficiary_export(
    *, beneficiary: Beneficiary, user=None, purpose: str = "command:referrals_export_beneficiary"
) -> dict:
    """Everything held about ``beneficiary``, as JSON-ready data (the read itself is logged, by ``user``)."""
    data = BeneficiaryPersonalData.objects.filter(beneficiary=beneficiary).first()
    referrals = ReferralProcess.objects.filter(beneficiary=beneficiary).select_related(
        "theme", "service", "organization", "ambito", "municipality"
    )
    export = {
        "beneficiary": {
            "code": beneficiary.code,
            "office": str(beneficiary.office_municipality or beneficiary.office_ambito),
            "created_at": _dates(beneficiary.created_at),
            "erased_at": _dates(beneficiary.erased_at),
        },
        "personal_data": (
            {name: getattr(data, name) for name in ("first_name", "last_name", "phone", "email")} if data else None
        ),
        "consents": [
            {
                "organisation": consent.organization.name,
                "given_on": _dates(consent.given_on),
                "method": consent.method,
                "document_reference": consent.document_reference,
                "collected_by": consent.collected_by.get_username() if consent.collected_by else None,
                "revoked_at": _dates(consent.revoked_at),
                "revocation_reason": consent.revocation_reason,
            }
            for consent in Consent.objects.filter(beneficiary=beneficiary).select_related(
                "organization", "collected_by"
            )
        ],
        "referrals": [
            {
                "number": referral.number,
                "state": referral.state,
                "created": _dates(referral.created),
                "ambito": referral.ambito.name,
                "theme": referral.theme.code,
                "service": referral.service.name,
                "organisation": referral.organization.name,
                "comune": referral.municipality.name,
                "need": referral.need,
                "case_notes": referral.case_notes,
                "urgency": referral.urgency,
                "availability": referral.availability,
                "outcome": referral.outcome,
                "outcome_note": referral.outcome_note,
                "close_result": referral.close_result,
                "submitted_at": _dates(referral.submitted_at),
                "accepted_at": _dates(referral.accepted_at),
                "closed_at": _dates(referral.closed_at),
                "progress_notes": [{"at": _dates(note.created_at), "text": note.text} for note in referral.notes.all()],
                "history": [
                    {
                        "at": _dates(event.at),
                        "action": event.action,
                        "from": event.from_state,
                        "to": event.to_state,
                        "by": event.actor.get_username() if event.actor else None,
                        "reason": event.reason,
                    }
                    for event in referral.audit_events.select_related("actor")
                ],
            }
            for referral in referrals
        ],
        "reads_of_personal_data": [
            {
                "at": _dates(entry.at),
                "by": entry.user.get_username() if entry.user else None,
                "what": entry.categories,
                "where": entry.purpose,
            }
            for entry in PersonalDataAccess.objects.filter(beneficiary=beneficiary).select_related("user")
        ],
    }
    log_reads(user, [(beneficiary.pk, None, {IDENTITY, CONTACT, CASE})], purpose=purpose)
    return export


def _anonymise_referral(referral: ReferralProcess, *, reason: str) -> None:
    ReferralProcess.objects.filter(pk=referral.pk).update(
        need="",
        case_notes="",
        availability="",
        outcome_note="",
        consent=None,
        referring_worker=None,
        anonymised_at=timezone.now(),
    )
    ReferralNote.objects.filter(referral=referral).delete()
    AuditEvent.objects.filter(referral=referral).exclude(action=AuditEvent.Action.ESCALATED).update(reason="")
    audit.record(action=AuditEvent.Action.ANONYMISED, referral=referral, reason=reason)


def _erase_person(beneficiary: Beneficiary) -> None:
    BeneficiaryPersonalData.objects.filter(beneficiary=beneficiary).delete()
    Consent.objects.filter(beneficiary=beneficiary).update(document_reference="", revocation_reason="")
    AuditEvent.objects.filter(beneficiary=beneficiary, referral__isnull=True).update(reason="")
    Beneficiary.objects.filter(pk=beneficiary.pk).update(erased_at=timezone.now())


def beneficiary_erase(*, beneficiary: Beneficiary, actor=None, reason: str = "erasure request") -> int:
    """Erases a beneficiary's personal data (right to erasure). Open referrals are cancelled first.

    Returns the number of referrals anonymised. Anonymous statistics (states, dates, themes,
    organisations, outcomes) survive.
    """
    count = 0
    with transaction.atomic():
        for referral in ReferralProcess.objects.filter(beneficiary=beneficiary).order_by("pk"):
            with ReferralFlow.lock(referral.pk):
                referral.refresh_from_db()
                if referral.state not in TERMINAL_STATES:
                    services._cancel(user=actor, referral=referral, reason=reason)
                _anonymise_referral(referral, reason=reason)
                count += 1
        _erase_person(beneficiary)
        audit.record(action=AuditEvent.Action.ERASED, actor=actor, beneficiary=beneficiary, reason=reason)
    return count


def retention_days() -> int:
    return int(getattr(settings, "REFERRALS_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def abandoned_draft_days() -> int:
    return int(getattr(settings, "REFERRALS_ABANDONED_DRAFT_DAYS", DEFAULT_ABANDONED_DRAFT_DAYS))


def abandoned_drafts(*, now=None):
    """Drafts, and referrals returned for more information, that nobody touched for
    ``REFERRALS_ABANDONED_DRAFT_DAYS``: they hold personal data and would otherwise never end."""
    cutoff = (now or timezone.now()) - timedelta(days=abandoned_draft_days())
    return ReferralProcess.objects.filter(state__in=[State.DRAFT, State.RETURNED], updated_at__lt=cutoff)


def cancel_abandoned_drafts(*, now=None) -> int:
    """Cancels the abandoned drafts (the social worker is told); they are then anonymised like any
    referral that ended, after the retention period."""
    reason = f"abandoned: no change in {abandoned_draft_days()} days"
    count = 0
    for pk in abandoned_drafts(now=now).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic(), ReferralFlow.lock(pk):
            referral = ReferralProcess.objects.get(pk=pk)
            if referral.state in (State.DRAFT, State.RETURNED):
                services._cancel(user=None, referral=referral, reason=reason)
                count += 1
    return count


def expired_referrals(*, now=None):
    cutoff = (now or timezone.now()) - timedelta(days=retention_days())
    return ReferralProcess.objects.filter(
        state__in=[State.CLOSED, State.REJECTED, State.CANCELLED], closed_at__lt=cutoff, anonymised_at__isnull=True
    )


def anonymise_expired(*, now=None) -> tuple[int, int]:
    """Anonymises referrals that ended more than the retention period ago, and erases the personal data of
    beneficiaries left with no referral that still needs it. Returns (referrals, beneficiaries)."""
    referrals = beneficiaries = 0
    reason = f"retention: {retention_days()} days after the end"
    with transaction.atomic():
        touched = set()
        for referral in expired_referrals(now=now).order_by("pk"):
            _anonymise_referral(referral, reason=reason)
            touched.add(referral.beneficiary_id)
            referrals += 1
        for beneficiary in Beneficiary.objects.filter(pk__in=touched, erased_at__isnull=True):
            if not beneficiary.referrals.filter(anonymised_at__isnull=True).exists():
                _erase_person(beneficiary)
                audit.record(action=AuditEvent.Action.ERASED, beneficiary=beneficiary, reason=reason)
                beneficiaries += 1
    return referrals, beneficiaries
