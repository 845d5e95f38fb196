"""Audit entries fed by Viewflow's signals: what happens in the flow without a person.

Timers fire from ``manage.py workflow_timers`` with no request and no actor; their
``task_finished`` signal is recorded here as "time limit expired" (the escalation that
follows records itself). Decisions of people are recorded by the services, with the reason.
"""

from django.dispatch import receiver

from viewflow.workflow.signals import task_finished

from . import audit
from .flows import ReferralFlow
from .models import AuditEvent


@receiver(task_finished, sender=ReferralFlow, dispatch_uid="referrals-audit-timers")
def record_fired_timer(sender, process, task, **kwargs):
    if task.flow_task_type != "TIMER":
        return
    host = getattr(task.flow_task, "_attached_to", None)
    audit.record(
        action=AuditEvent.Action.SLA_EXPIRED,
        referral=process,
        from_state=process.state,
        to_state=process.state,
        task=task,
        step=host.sla if host is not None and getattr(host, "sla", None) else task.flow_task.name,
    )
