"""Audit entries fed by Viewflow's signals: what happens in the flow without a person; and API keys that
die with the password, the account or the last membership.

Timers fire from ``manage.py workflow_timers`` with no request and no actor; their
``task_finished`` signal is recorded here as "time limit expired" (the escalation that
follows records itself). Decisions of people are recorded by the services, with the reason.
"""

from django.conf import settings
from django.db.models.signals import post_delete, pre_save
from django.dispatch import receiver

from viewflow.workflow.signals import task_finished

from . import audit
from .auth import tokens_revoke_all
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


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="referrals-revoke-tokens-on-password")
def revoke_tokens_when_credentials_change(sender, instance, update_fields=None, **kwargs):
    """A new password (changed, reset, set by an administrator) or a deactivated account: every API key
    of the person stops working, whatever the way the user row is saved."""
    if instance.pk is None or (update_fields is not None and not {"password", "is_active"} & set(update_fields)):
        return  # e.g. last_login after each login
    before = sender._default_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before and (before["password"] != instance.password or (before["is_active"] and not instance.is_active)):
        tokens_revoke_all(user=instance)


@receiver(post_delete, sender="cms.Membership", dispatch_uid="referrals-revoke-tokens-on-last-membership")
def revoke_tokens_after_last_membership(sender, instance, **kwargs):
    """Someone whose last membership ends has no role left: their API keys stop working."""
    if not sender._default_manager.filter(user_id=instance.user_id).exists():
        tokens_revoke_all(user=instance.user_id)
