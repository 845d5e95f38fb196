"""The referral process and the emergency call, as Viewflow flows.

Read it as the process diagram. Each human step names who performs it (an ``Actor``, checked
against memberships by ``referrals.permissions``: Viewflow itself checks only task states);
each decision is a named condition on the state the service has just set; each time limit is
a timer fired by ``manage.py workflow_timers``. Business rules live in ``referrals.services``.

    start ─► prepare (social worker) ─► triage (network manager) ─┬─ approved ─► org_review
                ▲                        ⏱ triage_overdue ─► tell  ├─ returned ─► prepare
                │                                                  └─ rejected ─► rejected (end)
    org_review (coordinator) ─┬─ accepted ─────► volunteer_task (volunteer) ─► close (social worker) ─► closed
      ⏱ no_response ─► redirect├─ waiting list ─► waiting_list (coordinator) ─► (accept / decline)
                              └─ declined ─────► redirect (network manager) ─► org_review
                                                 ⏱ outcome_overdue ─► tell
    cancel: any time before the end, by the social worker or a network manager (services.referral_cancel)

Renaming a node orphans the tasks of running referrals: add a data migration when you do.
"""

from django.utils.translation import gettext_lazy as _

from viewflow import this
from viewflow.utils import is_owner
from viewflow.workflow import flow, lock

from . import sla
from .escalation import escalate
from .models import EmergencyCallProcess, ReferralProcess, State
from .permissions import Actor, Scope

# Claims are serialised on the process row. NOWAIT would abort the caller's outer transaction,
# so wait for the lock; every service wraps the whole transition in one atomic block.
# (SQLite has no row locks: its IMMEDIATE transactions, set in the settings, serialise writers.)
PROCESS_LOCK = lock.SelectForUpdateLock(nowait=False)


class Step(flow.View):
    """A human step performed by ``actor``, optionally with a time limit (a key of ``referrals.sla``).

    The built-in Viewflow views are never routed: the API and the staff pages drive steps
    through ``referrals.services``, which ask ``can_assign`` / ``can_execute`` below.
    """

    def __init__(self, actor: Actor, *, sla: str | None = None, **kwargs):
        super().__init__(view=None, **kwargs)
        self.actor = actor
        self.sla = sla

    def can_assign(self, user, task):
        return task.owner_id is None and Scope.of(user).is_actor(self.actor, task.process.coerced)

    def can_execute(self, user, task):
        return is_owner(task.owner, user) and Scope.of(user).is_actor(self.actor, task.process.coerced)

    def can_unassign(self, user, task):
        return task.owner_id is not None and (
            is_owner(task.owner, user) or Scope.of(user).is_actor(Actor.COORDINATOR, task.process.coerced)
        )

    def _create(self, prev_activation, token, data=None, seed=None):
        activation = super()._create(prev_activation, token, data=data, seed=seed)
        process = activation.process
        if hasattr(process, "step_due_at"):
            process.step_due_at = (
                sla.deadline(self.sla, start=activation.task.created, subdivision=sla.office_subdivision(process))
                if self.sla
                else None
            )
            process.save(update_fields=["step_due_at"])
        return activation


class ReferralFlow(flow.Flow):
    """Referral

    A social worker refers a beneficiary to a service of the network; a network manager
    triages it; the organisation answers; a volunteer does the work and records the outcome;
    the social worker closes the loop.
    """

    process_class = ReferralProcess
    lock_impl = PROCESS_LOCK

    start = flow.StartHandle(this.start_referral).Next(this.prepare)

    prepare = Step(Actor.OFFICE).Annotation(title=_("Prepare and submit")).Next(this.triage)

    triage = (
        Step(Actor.NETWORK_MANAGER, sla=sla.TRIAGE)
        .Annotation(title=_("Triage"))
        .OnTimeout(this.sla_deadline, this.triage_overdue, interrupting=False)
        .Next(this.after_triage)
    )
    after_triage = (
        flow.Switch()
        .Case(this.org_review, this.is_approved)
        .Case(this.prepare, this.is_returned)
        .Default(this.rejected)
    )
    triage_overdue = flow.Function(this.escalate_triage).Next(this.escalation_sent)

    org_review = (
        Step(Actor.COORDINATOR, sla=sla.ORGANISATION_RESPONSE)
        .Annotation(title=_("Answer of the organisation"))
        .OnTimeout(this.sla_deadline, this.no_response, interrupting=True)
        .Next(this.after_review)
    )
    after_review = (
        flow.Switch()
        .Case(this.volunteer_task, this.is_accepted)
        .Case(this.waiting_list, this.is_waiting)
        .Default(this.redirect)
    )
    waiting_list = (
        Step(Actor.COORDINATOR, sla=sla.WAITING_LIST).Annotation(title=_("Waiting list")).Next(this.after_review)
    )
    no_response = flow.Function(this.escalate_response).Next(this.redirect)
    redirect = Step(Actor.NETWORK_MANAGER, sla=sla.REDIRECT).Annotation(title=_("Redirect")).Next(this.org_review)

    volunteer_task = (
        Step(Actor.VOLUNTEER, sla=sla.OUTCOME)
        .Annotation(title=_("Volunteer task"))
        .OnTimeout(this.sla_deadline, this.outcome_overdue, interrupting=False)
        .Next(this.close)
    )
    outcome_overdue = flow.Function(this.escalate_outcome).Next(this.escalation_sent)

    close = Step(Actor.OFFICE, sla=sla.CLOSE).Annotation(title=_("Review the outcome and close")).Next(this.closed)

    closed = flow.End()
    rejected = flow.End()
    escalation_sent = flow.End()

    # --- start --------------------------------------------------------------

    def start_referral(self, activation, **fields):
        """Fills the new process with the fields ``services.referral_start`` validated."""
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process

    # --- conditions: the service sets the state, the flow follows it ---------

    def is_approved(self, activation):
        return activation.process.state == State.APPROVED

    def is_returned(self, activation):
        return activation.process.state == State.RETURNED

    def is_accepted(self, activation):
        return activation.process.state == State.ACCEPTED

    def is_waiting(self, activation):
        return activation.process.state == State.WAITING_LIST

    # --- time limits --------------------------------------------------------

    def sla_deadline(self, activation):
        host = activation.task.previous.get()
        return sla.deadline(
            host.flow_task.sla, start=host.created, subdivision=sla.office_subdivision(activation.process)
        )

    def escalate_triage(self, activation):
        escalate(referral=activation.process, step=sla.TRIAGE, task=activation.task)

    def escalate_response(self, activation):
        escalate(referral=activation.process, step=sla.ORGANISATION_RESPONSE, task=activation.task)

    def escalate_outcome(self, activation):
        escalate(referral=activation.process, step=sla.OUTCOME, task=activation.task)


class EmergencyCallFlow(flow.Flow):
    """Emergency call

    A network manager calls every organisation that matches a need, a theme and a set of
    ambiti at once; the first coordinator to accept takes it, the others see it taken.
    """

    process_class = EmergencyCallProcess
    lock_impl = PROCESS_LOCK

    start = flow.StartHandle(this.open_call).Next(this.answer)
    answer = Step(Actor.CALLED_COORDINATOR).Annotation(title=_("Take the call")).Next(this.taken)
    taken = flow.End()

    def open_call(self, activation, **fields):
        for name, value in fields.items():
            setattr(activation.process, name, value)
        return activation.process
