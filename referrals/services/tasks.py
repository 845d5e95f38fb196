"""The volunteer task: claim, assign, hand back, progress notes and the outcome."""

from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from viewflow.utils import is_owner
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cms.models import Membership, Role

from .. import audit
from ..exceptions import NOT_FOUND, NOT_YOUR_ROLE, Conflict
from ..flows import ReferralFlow
from ..models import (
    Outcome,
    ReferralNote,
    ReferralProcess,
    State,
)
from ..notifications import Event
from ..permissions import Actor, Scope
from ..tasks import notify
from .steps import (
    OPEN_TASK,
    Action,
    _fresh_referral,
    _reason,
    _required,
    _save_changes,
    _values,
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
