"""The shared machinery of every step: lookups under the process lock, checks in a fixed order, one UPDATE
of the fields a step changed, the audit record and the notifications after commit."""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from viewflow.utils import is_owner
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cms.models import Service

from .. import audit
from ..exceptions import NOT_FOUND, NOT_YOUR_ROLE, Conflict
from ..flows import ReferralFlow, Step
from ..models import (
    AuditEvent,
    Consent,
    ReferralProcess,
    State,
)
from ..notifications import Event
from ..permissions import Scope
from ..tasks import notify

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
    if service is None or not service.is_available:
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
