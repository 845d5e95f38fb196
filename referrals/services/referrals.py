"""A referral from start to end: the draft, submission, triage, the organisation's review, redirection,
closing and cancelling."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cms.models import Ambito, Municipality, Role, Service, SpokenLanguage, Theme

from .. import audit
from ..exceptions import NOT_YOUR_ROLE, Conflict
from ..flows import ReferralFlow
from ..models import (
    Beneficiary,
    BeneficiaryPersonalData,
    CloseResult,
    ReferralProcess,
    State,
    Urgency,
)
from ..notifications import Event
from ..permissions import Actor, Scope
from .consent import consent_record
from .steps import (
    DRAFT_FIELDS,
    PERSONAL_FIELDS,
    Action,
    _active_consent,
    _cancel,
    _end,
    _fresh_referral,
    _not_open,
    _perform_step,
    _public_service,
    _reason,
    _visible,
)

# --- start and draft ----------------------------------------------------------


def _office_of(scope: Scope, office: Ambito | Municipality | None) -> dict:
    """The office fields for a new record: the given office, or the only office the worker has."""
    if office is None:
        offices = [("municipality", pk) for pk in scope.office_municipalities] + [
            ("ambito", pk) for pk in scope.office_ambiti
        ]
        if len(offices) != 1:
            raise ValidationError({"office": _("You work for several offices: choose the office of this referral.")})
        kind, pk = offices[0]
    elif isinstance(office, Municipality):
        kind, pk = "municipality", office.pk
    else:
        kind, pk = "ambito", office.pk
    allowed = scope.office_municipalities if kind == "municipality" else scope.office_ambiti
    if pk not in allowed:
        raise ValidationError({"office": _("You do not work for that office.")})
    if kind == "municipality":
        return {"office_municipality_id": pk, "office_ambito_id": None}
    return {"office_ambito_id": pk, "office_municipality_id": None}


def _ambito_of_office(office: dict) -> int:
    if office["office_municipality_id"]:
        return Municipality.objects.values_list("ambito_id", flat=True).get(pk=office["office_municipality_id"])
    return office["office_ambito_id"]


def beneficiary_create(*, worker, office: dict, personal_data: dict) -> Beneficiary:
    """A new beneficiary of the worker's office, with their personal data in its separate table."""
    beneficiary = Beneficiary(created_by=worker, **office)
    beneficiary.full_clean()
    data = BeneficiaryPersonalData(**{name: (personal_data.get(name) or "").strip() for name in PERSONAL_FIELDS})
    data.full_clean(exclude=["beneficiary"])
    beneficiary.save()
    data.beneficiary = beneficiary
    data.save()
    return beneficiary


def referral_start(
    *,
    worker,
    service: Service,
    theme: Theme,
    need: str,
    municipality: Municipality,
    beneficiary: Beneficiary | None = None,
    personal_data: dict | None = None,
    office: Ambito | Municipality | None = None,
    urgency: str = Urgency.NORMAL,
    preferred_language: SpokenLanguage | None = None,
    availability: str = "",
    case_notes: str = "",
    consent: dict | None = None,
    submit: bool = False,
) -> ReferralProcess:
    """A social worker starts a referral (a draft), optionally recording consent and submitting it at once."""
    scope = Scope.of(worker)
    scope.must_be(Role.SOCIAL_WORKER)
    _public_service(service)
    with transaction.atomic():
        if beneficiary is not None:
            if not scope.owns_office_of(beneficiary) or beneficiary.erased_at:
                raise ValidationError({"beneficiary": _("No beneficiary with this code in your office.")})
            office_fields = {
                "office_municipality_id": beneficiary.office_municipality_id,
                "office_ambito_id": beneficiary.office_ambito_id,
            }
        else:
            if not personal_data:
                raise ValidationError(
                    {"beneficiary": _("Give the code of a beneficiary of your office, or the new person's data.")}
                )
            office_fields = _office_of(scope, office)
            beneficiary = beneficiary_create(worker=worker, office=office_fields, personal_data=personal_data)
        if consent is not None:
            consent_record(user=worker, beneficiary=beneficiary, organization=service.organization, **consent)
        fields = {
            **office_fields,
            "beneficiary": beneficiary,
            "service": service,
            "organization": service.organization,
            "ambito_id": _ambito_of_office(office_fields),
            "referring_worker": worker,
            "theme": theme,
            "need": (need or "").strip(),
            "case_notes": (case_notes or "").strip(),
            "urgency": urgency,
            "preferred_language": preferred_language,
            "municipality": municipality,
            "availability": (availability or "").strip(),
            "state": State.DRAFT,
        }
        candidate = ReferralProcess(flow_class=ReferralFlow, **fields)
        candidate.full_clean()
        referral = ReferralFlow.start.run(**fields)
        audit.record(action=Action.STARTED, actor=worker, referral=referral, to_state=State.DRAFT)
        if submit:
            referral = referral_submit(user=worker, referral=referral)
    return referral


def referral_update(*, user, referral: ReferralProcess, personal_data: dict | None = None, **changes):
    """The social worker edits a draft (or a referral returned for more information)."""
    unknown = set(changes) - set(DRAFT_FIELDS) - {"service"}
    if unknown:
        raise ValidationError({name: _("This field cannot be changed.") for name in unknown})
    with transaction.atomic(), ReferralFlow.lock(referral.pk):
        referral = _fresh_referral(referral.pk)
        scope = Scope.of(user)
        _visible(scope, referral)
        if not scope.is_actor(Actor.OFFICE, referral):
            raise PermissionDenied(NOT_YOUR_ROLE)
        if referral.state not in (State.DRAFT, State.RETURNED):
            raise _not_open(referral)
        if "service" in changes:
            service = _public_service(changes.pop("service"))
            referral.service, referral.organization = service, service.organization
        for name, value in changes.items():
            setattr(referral, name, value.strip() if isinstance(value, str) else value)
        referral.full_clean()
        referral.save()
        if personal_data:
            data = referral.beneficiary.personal_data
            for name in PERSONAL_FIELDS:
                if name in personal_data:
                    setattr(data, name, (personal_data[name] or "").strip())
            data.full_clean()
            data.save()
        audit.record(
            action=Action.UPDATED, actor=user, referral=referral, from_state=referral.state, to_state=referral.state
        )
    return referral


def referral_submit(*, user, referral: ReferralProcess) -> ReferralProcess:
    """draft/returned → submitted. Needs an active consent of the beneficiary for the target organisation."""

    def decide(referral, task):
        consent = _active_consent(referral.beneficiary_id, referral.organization_id)
        if consent is None:
            raise ValidationError(
                {
                    "consent": _("Record the beneficiary's consent for %(organisation)s before submitting.")
                    % {"organisation": referral.organization.name}
                }
            )
        referral.consent = consent
        referral.state = State.SUBMITTED
        referral.submitted_at = referral.submitted_at or timezone.now()

    return _perform_step(
        user=user,
        referral=referral,
        nodes=[ReferralFlow.prepare],
        action=Action.SUBMITTED,
        decide=decide,
        events=[Event.SUBMITTED],
    )


# --- triage, organisation, redirect -------------------------------------------


class TriageDecision:
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    CHOICES = (APPROVE, RETURN, REJECT)


class ReviewDecision:
    ACCEPT = "accept"
    DECLINE = "decline"
    WAITING_LIST = "waiting_list"
    CHOICES = (ACCEPT, DECLINE, WAITING_LIST)


TRIAGE_OUTCOMES = {
    TriageDecision.APPROVE: (State.APPROVED, Action.APPROVED, Event.FORWARDED),
    TriageDecision.RETURN: (State.RETURNED, Action.RETURNED, Event.RETURNED),
    TriageDecision.REJECT: (State.REJECTED, Action.REJECTED, Event.REJECTED),
}
REVIEW_OUTCOMES = {
    ReviewDecision.ACCEPT: (State.ACCEPTED, Action.ACCEPTED, Event.TASK_OPEN),
    ReviewDecision.DECLINE: (State.DECLINED, Action.DECLINED, Event.DECLINED),
    ReviewDecision.WAITING_LIST: (State.WAITING_LIST, Action.WAITING_LISTED, Event.WAITING_LISTED),
}


def _decision(decision: str, outcomes: dict, *, free: str, reason: str, message) -> tuple:
    """(state, audit action, event, reason) of a ``decision``; every decision but ``free`` needs a reason."""
    if decision not in outcomes:
        raise ValidationError({"decision": message})
    reason = (reason or "").strip() if decision == free else _reason(reason)
    return (*outcomes[decision], reason)


def referral_triage(*, user, referral: ReferralProcess, decision: str, reason: str = "") -> ReferralProcess:
    """A network manager of the ambito approves, returns (for more information) or rejects a submitted referral."""
    state, action, event, reason = _decision(
        decision,
        TRIAGE_OUTCOMES,
        free=TriageDecision.APPROVE,
        reason=reason,
        message=_("Choose approve, return or reject."),
    )

    def decide(referral, task):
        if state == State.REJECTED:
            _end(referral, state)
        else:
            referral.state = state
        if state == State.APPROVED:
            referral.forwarded_at = timezone.now()

    return _perform_step(
        user=user,
        referral=referral,
        nodes=[ReferralFlow.triage],
        action=action,
        decide=decide,
        reason=reason,
        events=[event],
    )


def referral_review(*, user, referral: ReferralProcess, decision: str, reason: str = "") -> ReferralProcess:
    """A coordinator of the receiving organisation accepts, declines or puts the referral on the waiting list."""
    state, action, event, reason = _decision(
        decision,
        REVIEW_OUTCOMES,
        free=ReviewDecision.ACCEPT,
        reason=reason,
        message=_("Choose accept, decline or waiting_list."),
    )

    def decide(referral, task):
        if task.flow_task == ReferralFlow.waiting_list and state == State.WAITING_LIST:
            raise Conflict(_("The referral is already on the waiting list: accept it or decline it."))
        referral.state = state
        if state == State.ACCEPTED:
            referral.accepted_at = timezone.now()

    return _perform_step(
        user=user,
        referral=referral,
        nodes=[ReferralFlow.org_review, ReferralFlow.waiting_list],
        action=action,
        decide=decide,
        reason=reason,
        events=[event],
    )


def referral_redirect(*, user, referral: ReferralProcess, service: Service, reason: str) -> ReferralProcess:
    """After a decline (or no answer in time) a network manager sends the referral to another (or the same) service."""
    reason = _reason(reason)
    _public_service(service)

    def decide(referral, task):
        consent = _active_consent(referral.beneficiary_id, service.organization_id)
        if consent is None:
            raise ValidationError(
                {
                    "service": _(
                        "The beneficiary has no active consent for %(organisation)s: ask the social worker "
                        "to record it first."
                    )
                    % {"organisation": service.organization.name}
                }
            )
        referral.service, referral.organization, referral.consent = service, service.organization, consent
        referral.state = State.APPROVED
        referral.forwarded_at = timezone.now()

    return _perform_step(
        user=user,
        referral=referral,
        nodes=[ReferralFlow.redirect],
        action=Action.REDIRECTED,
        decide=decide,
        reason=reason,
        events=[Event.FORWARDED],
    )


# --- close and cancel -----------------------------------------------------------


def referral_close(*, user, referral: ReferralProcess, result: str, reason: str = "") -> ReferralProcess:
    """The social worker reviews the outcome and closes the loop: completed or not completed."""
    if result not in CloseResult.values:
        raise ValidationError({"result": _("Choose completed or not_completed.")})
    if result == CloseResult.NOT_COMPLETED:
        reason = _reason(reason)

    def decide(referral, task):
        _end(referral, State.CLOSED)
        referral.close_result = result

    return _perform_step(
        user=user,
        referral=referral,
        nodes=[ReferralFlow.close],
        action=Action.CLOSED,
        decide=decide,
        reason=(reason or "").strip(),
        events=[Event.CLOSED],
    )


def referral_cancel(*, user, referral: ReferralProcess, reason: str) -> ReferralProcess:
    """The social worker or a network manager stops a referral at any point before it ends."""
    reason = _reason(reason)
    with transaction.atomic(), ReferralFlow.lock(referral.pk):
        referral = _fresh_referral(referral.pk)
        scope = Scope.of(user)
        _visible(scope, referral)
        if not (scope.is_actor(Actor.OFFICE, referral) or scope.is_actor(Actor.NETWORK_MANAGER, referral)):
            raise PermissionDenied(NOT_YOUR_ROLE)
        if not referral.is_open:
            raise _not_open(referral)
        return _cancel(user=user, referral=referral, reason=reason)
