"""Business rules of the referral process: every write goes through one of these functions.

Each function takes keyword arguments only, checks who is asking (``referrals.permissions``),
validates (``full_clean``), runs in one transaction under the process lock, records the
transition in the audit trail and queues the notifications for after the commit. Errors:
``ValidationError`` (bad input), ``PermissionDenied`` (role), ``Http404`` (outside the
person's scope), ``Conflict`` (the state changed: someone else acted first).
"""

from collections.abc import Callable, Iterable
from contextlib import ExitStack
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from viewflow.utils import is_owner
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cms.models import Ambito, Membership, Municipality, Organization, Role, Service, SpokenLanguage, Theme

from . import audit
from .exceptions import NOT_FOUND, NOT_YOUR_ROLE, Conflict
from .flows import EmergencyCallFlow, ReferralFlow, Step
from .models import (
    AuditEvent,
    Beneficiary,
    BeneficiaryPersonalData,
    CloseResult,
    Consent,
    EmergencyCallProcess,
    EmergencyCallState,
    NotificationPreference,
    Outcome,
    ReferralNote,
    ReferralProcess,
    State,
    Urgency,
)
from .notifications import Event, notify
from .permissions import Actor, Scope

Action = AuditEvent.Action
OPEN_TASK = (STATUS.NEW, STATUS.ASSIGNED)
PERSONAL_FIELDS = ("first_name", "last_name", "phone", "email")
DRAFT_FIELDS = ("need", "case_notes", "urgency", "preferred_language", "municipality", "availability", "theme")


# --- helpers ----------------------------------------------------------------


def _required(value: str, field: str, message: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message})
    return value


def _reason(reason: str) -> str:
    return _required(reason, "reason", _("Give a reason: it is recorded in the history."))


def _fresh_referral(pk: int) -> ReferralProcess:
    """The referral as committed now (call it under the process lock)."""
    referral = ReferralProcess.objects.select_related("consent", "beneficiary", "service").filter(pk=pk).first()
    if referral is None:
        raise Http404(NOT_FOUND)
    return referral


def _visible(scope: Scope, referral: ReferralProcess) -> ReferralProcess:
    if not scope.can_see(referral):
        raise Http404(NOT_FOUND)
    return referral


def _open_task(process, nodes: Iterable[Step]) -> Task | None:
    return (
        Task.objects.filter(process_id=process.pk, flow_task__in=list(nodes), status__in=OPEN_TASK)
        .order_by("-pk")
        .first()
    )


def _not_open(referral: ReferralProcess) -> Conflict:
    return Conflict(
        _("Referral %(number)s is now “%(state)s”: this action is no longer possible.")
        % {"number": referral.number, "state": referral.get_state_display()}
    )


def _public_service(service: Service) -> Service:
    if service is None or not service.is_public:
        raise ValidationError({"service": _("Choose a published, active service of the directory.")})
    return service


def _active_consent(beneficiary_id: int, organization_id: int) -> Consent | None:
    """The active consent, locked until the transaction ends: a revocation running at the same time
    waits for this transaction, or this one sees the consent revoked (PostgreSQL re-reads the row)."""
    return (
        Consent.objects.select_for_update()
        .filter(beneficiary_id=beneficiary_id, organization_id=organization_id, revoked_at__isnull=True)
        .first()
    )


def _perform_step(
    *,
    user,
    referral: ReferralProcess,
    nodes: Iterable[Step],
    action: str,
    decide: Callable[[ReferralProcess, Task], None],
    reason: str = "",
    events: Iterable[Event] = (),
) -> ReferralProcess:
    """Performs one human step of ``referral`` for ``user``, atomically, under the process lock.

    The order of the checks fixes the answer: outside the scope → 404; the step belongs to
    another role → 403; the step is not open any more (someone acted first) → 409.
    """
    nodes = list(nodes)
    with transaction.atomic(), ReferralFlow.lock(referral.pk):
        referral = _fresh_referral(referral.pk)
        scope = Scope.of(user)
        _visible(scope, referral)
        if not any(scope.is_actor(node.actor, referral) for node in nodes):
            raise PermissionDenied(NOT_YOUR_ROLE)
        task = _open_task(referral, nodes)
        if task is None:
            raise _not_open(referral)
        node = task.flow_task
        task.process = referral
        activation = node.activation_class(task)
        if task.status == STATUS.NEW:
            if not node.can_assign(user, task):
                raise PermissionDenied(NOT_YOUR_ROLE)
            task.assigned = timezone.now()
            activation.assign(user)
        elif not is_owner(task.owner, user):
            raise Conflict(_("Someone else is working on this step."))
        activation.start(None)
        from_state = referral.state
        before = _values(referral)
        decide(referral, task)
        _save_changes(referral, before)
        activation.execute()
        audit.record(
            action=action,
            actor=user,
            referral=referral,
            from_state=from_state,
            to_state=referral.state,
            reason=reason,
            task=task,
        )
        for event in events:
            notify(event, referral=referral, actor=user)
    return referral


def _values(referral: ReferralProcess) -> dict:
    return {field.attname: getattr(referral, field.attname) for field in ReferralProcess._meta.concrete_fields}


def _save_changes(referral: ReferralProcess, before: dict) -> None:
    """Validates and writes only the fields a step changed (``full_clean`` of those, then one UPDATE)."""
    changed = [name for name, value in before.items() if getattr(referral, name) != value]
    fields = {field.attname: field.name for field in ReferralProcess._meta.concrete_fields}
    unchanged = [fields[name] for name in before if name not in changed]
    referral.full_clean(exclude=unchanged, validate_unique=False, validate_constraints=False)
    referral.save(update_fields=[fields[name] for name in changed] + ["updated_at"])


def _end(referral: ReferralProcess, state: str) -> None:
    referral.state = state
    referral.closed_at = timezone.now()
    referral.step_due_at = None


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


# --- the volunteer task ---------------------------------------------------------


def _volunteer_task(task_pk: int, scope: Scope) -> tuple[Task, ReferralProcess]:
    """The volunteer task ``task_pk`` and its referral, locked; 404 outside the person's organisations."""
    task = Task.objects.filter(pk=task_pk, flow_task=ReferralFlow.volunteer_task).first()
    if task is None:
        raise Http404(NOT_FOUND)
    referral = _fresh_referral(task.process_id)
    if not scope.is_actor(Actor.VOLUNTEER, referral):
        raise Http404(NOT_FOUND)
    task.refresh_from_db()
    task.process = referral
    return task, referral


def _task_action(*, user, task: Task, work: Callable, action: str, reason: str = "", events=(), to=None):
    with transaction.atomic(), ReferralFlow.lock(task.process_id):
        scope = Scope.of(user)
        task, referral = _volunteer_task(task.pk, scope)
        activation = task.flow_task.activation_class(task)
        from_state = referral.state
        if work(task, referral, activation, scope) is False:
            return task  # nothing changed
        audit.record(
            action=action,
            actor=user,
            referral=referral,
            from_state=from_state,
            to_state=referral.state,
            reason=reason,
            task=task,
        )
        for event in events:
            notify(event, referral=referral, actor=user, user_ids=to)
    return task


def _claimable(task: Task) -> None:
    if task.status == STATUS.ASSIGNED:
        raise Conflict(_("Someone else has just taken this task."))
    if task.status != STATUS.NEW:
        raise Conflict(_("This task is closed."))


def task_claim(*, user, task: Task) -> Task:
    """A volunteer (or coordinator) of the organisation takes an open task. Someone faster → ``Conflict``."""

    def work(task, referral, activation, scope):
        if task.status == STATUS.ASSIGNED and is_owner(task.owner, user):
            return False  # already mine: claiming twice is harmless
        _claimable(task)
        task.assigned = timezone.now()
        activation.assign(user)
        referral.state = State.IN_PROGRESS
        referral.save(update_fields=["state", "updated_at"])

    return _task_action(user=user, task=task, work=work, action=Action.CLAIMED)


def task_assign(*, user, task: Task, volunteer) -> Task:
    """A coordinator gives an open (or someone else's) task to a volunteer of the organisation."""

    def work(task, referral, activation, scope):
        if not scope.is_actor(Actor.COORDINATOR, referral):
            raise PermissionDenied(NOT_YOUR_ROLE)
        if not Membership.objects.filter(
            user=volunteer,
            user__is_active=True,
            role__in=[Role.VOLUNTEER, Role.COORDINATOR],
            organization_id=referral.organization_id,
        ).exists():
            raise ValidationError({"volunteer": _("Choose a volunteer of your organisation.")})
        if task.status not in OPEN_TASK:
            raise Conflict(_("This task is closed."))
        task.assigned = timezone.now()
        if task.status == STATUS.NEW:
            activation.assign(volunteer)
        else:
            activation.reassign(volunteer)
        referral.state = State.IN_PROGRESS
        referral.save(update_fields=["state", "updated_at"])

    return _task_action(
        user=user, task=task, work=work, action=Action.ASSIGNED, events=[Event.TASK_ASSIGNED], to=[volunteer.pk]
    )


def task_hand_back(*, user, task: Task, reason: str) -> Task:
    """The volunteer (or a coordinator) puts a taken task back in the organisation's queue."""
    reason = _reason(reason)

    def work(task, referral, activation, scope):
        if task.status != STATUS.ASSIGNED:
            raise Conflict(_("This task is not taken by anyone."))
        if not task.flow_task.can_unassign(user, task):
            raise PermissionDenied(_("Only the volunteer working on it or a coordinator can hand it back."))
        task.assigned = None
        activation.unassign()
        referral.state = State.ACCEPTED
        referral.save(update_fields=["state", "updated_at"])

    return _task_action(
        user=user, task=task, work=work, action=Action.HANDED_BACK, reason=reason, events=[Event.TASK_OPEN]
    )


def _must_own(task: Task, user) -> None:
    if task.status != STATUS.ASSIGNED:
        raise Conflict(_("Take the task first."))
    if not is_owner(task.owner, user):
        raise PermissionDenied(_("Only the volunteer working on this task can do this."))


def task_record_progress(*, user, task: Task, note: str) -> ReferralNote:
    """The volunteer working on the task writes down what happened so far."""
    note = _required(note, "note", _("Write what happened."))
    created = []

    def work(task, referral, activation, scope):
        _must_own(task, user)
        entry = ReferralNote(referral=referral, task=task, author=user, text=note)
        entry.full_clean()
        entry.save()
        created.append(entry)

    _task_action(user=user, task=task, work=work, action=Action.PROGRESS)
    return created[0]


def task_record_outcome(*, user, task: Task, outcome: str, note: str) -> Task:
    """The volunteer records the outcome; the social worker is asked to close the referral."""
    if outcome not in Outcome.values:
        raise ValidationError({"outcome": _("Choose one of: %(choices)s.") % {"choices": ", ".join(Outcome.values)}})
    note = _required(note, "note", _("Describe the outcome in a few words."))

    def work(task, referral, activation, scope):
        _must_own(task, user)
        activation.start(None)
        before = _values(referral)
        referral.outcome, referral.outcome_note = outcome, note
        referral.outcome_at = timezone.now()
        referral.state = State.OUTCOME_RECORDED
        _save_changes(referral, before)
        activation.execute()

    return _task_action(
        user=user, task=task, work=work, action=Action.OUTCOME_RECORDED, events=[Event.OUTCOME_RECORDED]
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


def _cancel(*, user, referral: ReferralProcess, reason: str, action: str = Action.CANCELLED) -> ReferralProcess:
    """Cancels every open task of the referral and ends it (caller holds the lock and checked permissions)."""
    from_state = referral.state
    ReferralFlow.instance.cancel(referral)
    _end(referral, State.CANCELLED)
    referral.save()
    audit.record(
        action=action, actor=user, referral=referral, from_state=from_state, to_state=State.CANCELLED, reason=reason
    )
    notify(Event.CANCELLED, referral=referral, actor=user)
    return referral


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


# --- emergency calls -----------------------------------------------------------------


def matching_organizations(*, theme: Theme, ambiti: Iterable[Ambito]):
    """Published organisations with a public service of ``theme`` working in one of ``ambiti``."""
    ambito_ids = [ambito.pk for ambito in ambiti]
    services = Service.objects.filter(live=True, status=Service.Status.ACTIVE, themes=theme).filter(
        Q(service_at_locations__location__municipality__ambito_id__in=ambito_ids)
        | Q(organization__ambiti__in=ambito_ids)
        | Q(organization__municipalities__ambito_id__in=ambito_ids)
        | Q(organization__municipality__ambito_id__in=ambito_ids)
    )
    return Organization.objects.filter(live=True, pk__in=services.values("organization_id")).order_by("name")


def emergency_call_open(*, user, need: str, theme: Theme, ambiti: Iterable[Ambito]) -> EmergencyCallProcess:
    """A network manager calls every matching organisation at once."""
    scope = Scope.of(user)
    scope.must_be(Role.NETWORK_MANAGER)
    need = _required(need, "need", _("Describe the need (no personal data)."))
    ambiti = list(ambiti)
    if not ambiti:
        raise ValidationError({"ambiti": _("Choose at least one ambito.")})
    outside = [ambito.name for ambito in ambiti if ambito.pk not in scope.managed_ambiti]
    if outside:
        raise ValidationError({"ambiti": _("You manage none of: %(names)s.") % {"names": ", ".join(outside)}})
    organizations = list(matching_organizations(theme=theme, ambiti=ambiti))
    if not organizations:
        raise ValidationError({"theme": _("No organisation of these ambiti offers a service of this theme.")})
    with transaction.atomic():
        call = EmergencyCallFlow.start.run(need=need, theme=theme, opened_by=user, state=EmergencyCallState.OPEN)
        call.ambiti.set(ambiti)
        call.organizations.set(organizations)
        audit.record(action=Action.CALL_OPENED, actor=user, emergency_call=call, to_state=EmergencyCallState.OPEN)
        notify(Event.CALL_OPENED, call=call, actor=user)
    return call


def _call_visible(scope: Scope, call: EmergencyCallProcess) -> None:
    ambiti = {ambito.pk for ambito in call.ambiti.all()}
    organizations = {organization.pk for organization in call.organizations.all()}
    if not (ambiti & scope.managed_ambiti or organizations & scope.coordinated_organizations):
        raise Http404(NOT_FOUND)


def emergency_call_accept(*, user, call: EmergencyCallProcess, organization: Organization | None = None):
    """The first coordinator of a called organisation to accept takes the call; later ones get ``Conflict``."""
    scope = Scope.of(user)
    with transaction.atomic(), EmergencyCallFlow.lock(call.pk):
        call = EmergencyCallProcess.objects.select_related("taken_by_organization").get(pk=call.pk)
        _call_visible(scope, call)
        mine = sorted({o.pk for o in call.organizations.all()} & scope.coordinated_organizations)
        if not mine:
            raise PermissionDenied(NOT_YOUR_ROLE)
        task = _open_task(call, [EmergencyCallFlow.answer])
        if task is None or call.state != EmergencyCallState.OPEN:
            if call.state == EmergencyCallState.TAKEN:
                raise Conflict(_("Already taken by %(organisation)s.") % {"organisation": call.taken_by_organization})
            raise Conflict(_("This call was cancelled."))
        if organization is None and len(mine) > 1:
            raise ValidationError({"organization": _("You coordinate several called organisations: choose one.")})
        organization_id = organization.pk if organization is not None else mine[0]
        if organization_id not in mine:
            raise ValidationError({"organization": _("That organisation was not called or is not yours.")})
        task.process = call
        if not task.flow_task.can_assign(user, task):
            raise PermissionDenied(NOT_YOUR_ROLE)
        activation = task.flow_task.activation_class(task)
        task.assigned = timezone.now()
        activation.assign(user)
        activation.start(None)
        call.state = EmergencyCallState.TAKEN
        call.taken_by, call.taken_by_organization_id, call.taken_at = user, organization_id, timezone.now()
        call.save()
        activation.execute()
        audit.record(
            action=Action.CALL_TAKEN,
            actor=user,
            emergency_call=call,
            from_state=EmergencyCallState.OPEN,
            to_state=EmergencyCallState.TAKEN,
            task=task,
        )
        notify(Event.CALL_TAKEN, call=call, actor=user)
    return call


def emergency_call_cancel(*, user, call: EmergencyCallProcess, reason: str) -> EmergencyCallProcess:
    """A network manager of one of the call's ambiti withdraws an open call."""
    reason = _reason(reason)
    scope = Scope.of(user)
    with transaction.atomic(), EmergencyCallFlow.lock(call.pk):
        call = EmergencyCallProcess.objects.get(pk=call.pk)
        _call_visible(scope, call)
        if not {a.pk for a in call.ambiti.all()} & scope.managed_ambiti:
            raise PermissionDenied(NOT_YOUR_ROLE)
        if call.state != EmergencyCallState.OPEN:
            raise Conflict(_("Only an open call can be cancelled."))
        EmergencyCallFlow.instance.cancel(call)
        call.state, call.cancel_reason = EmergencyCallState.CANCELLED, reason
        call.save()
        audit.record(
            action=Action.CALL_CANCELLED,
            actor=user,
            emergency_call=call,
            from_state=EmergencyCallState.OPEN,
            to_state=EmergencyCallState.CANCELLED,
            reason=reason,
        )
        notify(Event.CALL_CANCELLED, call=call, actor=user)
    return call


def preferences_set(*, user, daily_digest: bool) -> NotificationPreference:
    """A person chooses one e-mail per new task, or a daily digest."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"daily_digest": bool(daily_digest)}
    )
    return preference
