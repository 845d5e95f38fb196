"""Consent of a beneficiary to share their data with an organisation: recording and revoking it
(revoking cancels the referrals that depended on it)."""

from contextlib import ExitStack
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Organization, Role

from .. import audit
from ..exceptions import NOT_FOUND, Conflict
from ..flows import ReferralFlow
from ..models import (
    Beneficiary,
    Consent,
    ReferralProcess,
    State,
)
from ..permissions import Scope
from .steps import (
    Action,
    _active_consent,
    _cancel,
    _fresh_referral,
    _reason,
)

# --- consent ------------------------------------------------------------------------


def _own_beneficiary(user, beneficiary: Beneficiary) -> Scope:
    scope = Scope.of(user)
    scope.must_be(Role.SOCIAL_WORKER)
    if not scope.owns_office_of(beneficiary) or beneficiary.erased_at:
        raise Http404(NOT_FOUND)
    return scope


def consent_record(
    *,
    user,
    beneficiary: Beneficiary,
    organization: Organization,
    given_on: date,
    method: str,
    document_reference: str = "",
) -> Consent:
    """The social worker records the beneficiary's consent to share their data with ``organization``."""
    _own_beneficiary(user, beneficiary)
    with transaction.atomic():
        if _active_consent(beneficiary.pk, organization.pk) is not None:
            raise ValidationError(
                {"organization": _("The beneficiary already has an active consent for this organisation.")}
            )
        consent = Consent(
            beneficiary=beneficiary,
            organization=organization,
            given_on=given_on,
            method=method,
            document_reference=(document_reference or "").strip(),
            collected_by=user,
        )
        consent.full_clean()
        try:
            with transaction.atomic():
                consent.save()
        except IntegrityError:  # recorded at the same moment by another request
            raise ValidationError(
                {"organization": _("The beneficiary already has an active consent for this organisation.")}
            ) from None
        audit.record(
            action=Action.CONSENT_RECORDED,
            actor=user,
            beneficiary=beneficiary,
            reason=f"organisation={organization.pk}",
        )
    return consent


def consent_revoke(*, user, consent: Consent, reason: str) -> Consent:
    """The beneficiary withdraws consent: referrals to that organisation stop and it no longer sees their data."""
    reason = _reason(reason)
    _own_beneficiary(user, consent.beneficiary)
    with transaction.atomic(), ExitStack() as locks:
        # Referrals first, then the consent: the order in which submit and redirect take them
        # (their referral's lock, then the consent in ``_active_consent``), so neither waits for the other.
        affected = (
            ReferralProcess.objects.filter(
                Q(consent=consent) | Q(organization_id=consent.organization_id),
                beneficiary_id=consent.beneficiary_id,
            )
            .exclude(state__in=[State.CLOSED, State.REJECTED, State.CANCELLED])
            .order_by("pk")
        )
        affected_ids = list(affected.values_list("pk", flat=True))
        for pk in affected_ids:
            locks.enter_context(ReferralFlow.lock(pk))
        consent = Consent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            raise Conflict(_("This consent was already revoked."))
        consent.revoked_at, consent.revoked_by, consent.revocation_reason = timezone.now(), user, reason
        consent.save()
        audit.record(action=Action.CONSENT_REVOKED, actor=user, beneficiary=consent.beneficiary, reason=reason)
        # The referral's history is read by the organisation: the beneficiary's own words stay on the
        # beneficiary's record (above); the referral gets a fixed text.
        withdrawn = _("The beneficiary withdrew their consent.")
        for pk in affected_ids:
            referral = _fresh_referral(pk)
            if referral.is_open and referral.state not in (State.DRAFT, State.RETURNED):
                _cancel(user=user, referral=referral, reason=withdrawn, action=Action.CONSENT_REVOKED)
    return consent
