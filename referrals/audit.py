"""The audit trail: every transition with who, when, from what state, to what, and why.

Viewflow records one row per task (owner, created, finished) but no actor on cancel, no
reason anywhere, and never fills ``Task.assigned``. Services call ``record`` inside the same
transaction as the change; ``referrals.signals`` records what happens without a person
(timers fired by ``manage.py workflow_timers``).
"""

from .models import AuditEvent


def record(
    *,
    action: str,
    actor=None,
    referral=None,
    emergency_call=None,
    beneficiary=None,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    task=None,
    step: str = "",
) -> AuditEvent:
    if referral is not None and beneficiary is None:
        beneficiary_id = referral.beneficiary_id
    else:
        beneficiary_id = beneficiary.pk if beneficiary is not None else None
    return AuditEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        referral=referral,
        emergency_call=emergency_call,
        beneficiary_id=beneficiary_id,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        task=task,
        step=step or (task.flow_task.name if task is not None and task.flow_task else ""),
    )
