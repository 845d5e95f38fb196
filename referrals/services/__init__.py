"""Business rules of the referral process: every write goes through one of these functions.

Each function takes keyword arguments only, checks who is asking (``referrals.permissions``),
validates (``full_clean``), runs in one transaction under the process lock, records the
transition in the audit trail and queues the notifications for after the commit. Errors:
``ValidationError`` (bad input), ``PermissionDenied`` (role), ``Http404`` (outside the
person's scope), ``Conflict`` (the state changed: someone else acted first).

One module per part of the process: ``steps`` (the machinery every step shares), ``referrals``,
``tasks`` (the volunteer task), ``consent``, ``emergency`` (emergency calls), ``preferences``.
Callers import from ``referrals.services``.
"""

from .consent import (
    consent_record,
    consent_revoke,
)
from .emergency import (
    emergency_call_accept,
    emergency_call_cancel,
    emergency_call_open,
    matching_organizations,
)
from .preferences import (
    preferences_set,
)
from .referrals import (
    ReviewDecision,
    TriageDecision,
    beneficiary_create,
    referral_cancel,
    referral_close,
    referral_redirect,
    referral_review,
    referral_start,
    referral_submit,
    referral_triage,
    referral_update,
)
from .steps import _cancel
from .tasks import (
    task_assign,
    task_claim,
    task_hand_back,
    task_record_outcome,
    task_record_progress,
)

__all__ = [
    "ReviewDecision",
    "TriageDecision",
    "_cancel",
    "beneficiary_create",
    "consent_record",
    "consent_revoke",
    "emergency_call_accept",
    "emergency_call_cancel",
    "emergency_call_open",
    "matching_organizations",
    "preferences_set",
    "referral_cancel",
    "referral_close",
    "referral_redirect",
    "referral_review",
    "referral_start",
    "referral_submit",
    "referral_triage",
    "referral_update",
    "task_assign",
    "task_claim",
    "task_hand_back",
    "task_record_outcome",
    "task_record_progress",
]
