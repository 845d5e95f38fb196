"""What happens when a step's time limit expires (called by the flow's timer paths)."""

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from . import audit, sla
from .models import AuditEvent, State
from .notifications import Event
from .tasks import notify

EVENTS = {
    sla.TRIAGE: Event.OVERDUE_TRIAGE,
    sla.ORGANISATION_RESPONSE: Event.NO_RESPONSE,
    sla.OUTCOME: Event.OVERDUE_OUTCOME,
}


def escalate(*, referral, step: str, task=None) -> None:
    """Marks ``referral`` as escalated for ``step`` and tells the people above the late actor.

    The organisation's answer is interrupting: the referral goes to the network managers, who
    redirect it (to the same or another service) or cancel it. Triage and outcome are not: the
    late step stays open and the network managers (and the social worker) are told.
    """
    from_state = referral.state
    if step == sla.ORGANISATION_RESPONSE:
        referral.state = State.NO_RESPONSE
    referral.escalated_at = timezone.now()
    referral.save(update_fields=["state", "escalated_at", "updated_at"])
    with translation.override(settings.LANGUAGE_CODE):
        reason = gettext("Time limit for the %(step)s expired (due %(due)s).") % {
            "step": sla.STEP_LABELS[step],
            "due": formats.date_format(timezone.localtime(referral.step_due_at), "DATETIME_FORMAT")
            if referral.step_due_at
            else "-",
        }
    audit.record(
        action=AuditEvent.Action.ESCALATED,
        referral=referral,
        from_state=from_state,
        to_state=referral.state,
        reason=reason,
        task=task,
        step=step,
    )
    notify(EVENTS[step], referral=referral)
