"""E-mail to the next actor of each transition, sent after the transaction commits.

Services call ``referrals.tasks.notify(...)`` inside their transaction; ``transaction.on_commit`` enqueues a
django-tasks task (``referrals.tasks.send_notification``), so a rolled-back transition sends
nothing and a slow mail server never holds a lock. Each recipient gets the message in their
own language (Wagtail's ``UserProfile.preferred_language``, falling back to Italian).

Messages carry **no personal data**: the referral number, theme, urgency, service, comune and
due date, and a link to the page where the recipient sees what their role allows.
"""

from enum import StrEnum
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _

from wagtail.users.models import UserProfile

from cms.models import Membership, Role

from .models import EmergencyCallProcess, NotificationPreference, ReferralProcess


class Event(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    REJECTED = "rejected"
    FORWARDED = "forwarded"
    WAITING_LISTED = "waiting_listed"
    DECLINED = "declined"
    NO_RESPONSE = "no_response"
    TASK_OPEN = "task_open"
    TASK_ASSIGNED = "task_assigned"
    OUTCOME_RECORDED = "outcome_recorded"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    OVERDUE_TRIAGE = "overdue_triage"
    OVERDUE_OUTCOME = "overdue_outcome"
    CALL_OPENED = "call_opened"
    CALL_TAKEN = "call_taken"
    CALL_CANCELLED = "call_cancelled"


SUBJECTS = {
    Event.SUBMITTED: _("Referral %(number)s is waiting for your triage"),
    Event.RETURNED: _("Referral %(number)s was returned to you for more information"),
    Event.REJECTED: _("Referral %(number)s was rejected"),
    Event.FORWARDED: _("Referral %(number)s is waiting for your organisation's answer"),
    Event.WAITING_LISTED: _("Referral %(number)s is on the organisation's waiting list"),
    Event.DECLINED: _("Referral %(number)s was declined: choose another service"),
    Event.NO_RESPONSE: _("Referral %(number)s got no answer in time: choose what to do"),
    Event.TASK_OPEN: _("A task is waiting for a volunteer: referral %(number)s"),
    Event.TASK_ASSIGNED: _("Your coordinator gave you a task: referral %(number)s"),
    Event.OUTCOME_RECORDED: _("Referral %(number)s has an outcome: review and close it"),
    Event.CLOSED: _("Referral %(number)s was closed"),
    Event.CANCELLED: _("Referral %(number)s was stopped"),
    Event.OVERDUE_TRIAGE: _("Referral %(number)s is late for triage"),
    Event.OVERDUE_OUTCOME: _("Referral %(number)s has no outcome yet"),
    Event.CALL_OPENED: _("Emergency call %(number)s: can your organisation help?"),
    Event.CALL_TAKEN: _("Emergency call %(number)s was taken"),
    Event.CALL_CANCELLED: _("Emergency call %(number)s was cancelled"),
}

MESSAGES = {
    Event.SUBMITTED: _("A social worker submitted a referral in your ambito. Approve it, return it or reject it."),
    Event.RETURNED: _("The network manager needs more information. Complete the referral and submit it again."),
    Event.REJECTED: _("The network manager rejected the referral. The reason is in its history."),
    Event.FORWARDED: _(
        "The referral was approved for your organisation. Accept it, decline it or put it on the waiting list."
    ),
    Event.WAITING_LISTED: _("The organisation put the referral on its waiting list."),
    Event.DECLINED: _("The organisation declined the referral. Redirect it to another service or cancel it."),
    Event.NO_RESPONSE: _(
        "The organisation did not answer within the time limit. Redirect the referral (to the same "
        "or another service) or cancel it."
    ),
    Event.TASK_OPEN: _("A task is waiting in your organisation's queue. Open it to accept it."),
    Event.TASK_ASSIGNED: _("Your coordinator assigned a task to you. Open it to see what is needed."),
    Event.OUTCOME_RECORDED: _("The volunteer recorded the outcome. Review it and close the referral."),
    Event.CLOSED: _("The social worker closed the referral."),
    Event.CANCELLED: _("The referral was stopped. You no longer need to act on it."),
    Event.OVERDUE_TRIAGE: _("The referral has waited for triage longer than the time limit."),
    Event.OVERDUE_OUTCOME: _("The volunteer task has had no outcome within the time limit."),
    Event.CALL_OPENED: _("A network manager opened an emergency call. The first organisation to accept takes it."),
    Event.CALL_TAKEN: _("Another organisation took the emergency call. Thank you: nothing else is needed."),
    Event.CALL_CANCELLED: _("The network manager cancelled the emergency call."),
}


# --- recipients -----------------------------------------------------------


def _members(role: str, **scope) -> set[int]:
    return set(Membership.objects.filter(role=role, user__is_active=True, **scope).values_list("user_id", flat=True))


def _office_workers(referral) -> set[int]:
    if referral.referring_worker_id:
        return {referral.referring_worker_id}
    if referral.office_municipality_id:
        return _members(Role.SOCIAL_WORKER, municipality_id=referral.office_municipality_id)
    return _members(Role.SOCIAL_WORKER, ambito_id=referral.office_ambito_id, municipality__isnull=True)


def _volunteers_without_digest(organization_id) -> set[int]:
    volunteers = _members(Role.VOLUNTEER, organization_id=organization_id)
    digest = set(
        NotificationPreference.objects.filter(user_id__in=volunteers, daily_digest=True).values_list(
            "user_id", flat=True
        )
    )
    return volunteers - digest


# The volunteer's node of the referral flow, by the reference Viewflow stores (so that sending mail
# needs no import of the flow, which itself sends mail).
VOLUNTEER_TASK_REF = "referrals/flows.ReferralFlow.volunteer_task"


def _volunteer_task_owner(referral) -> set[int]:
    # Working on it now, or when the referral was stopped (a cancelled task keeps its owner).
    owners = referral.task_set.filter(
        flow_task=VOLUNTEER_TASK_REF, owner__isnull=False, status__in=["ASSIGNED", "CANCELED"]
    ).values_list("owner_id", flat=True)
    return set(owners)


def referral_recipients(event: Event, referral: ReferralProcess) -> set[int]:
    managers = partial(_members, Role.NETWORK_MANAGER, ambito_id=referral.ambito_id)
    coordinators = partial(_members, Role.COORDINATOR, organization_id=referral.organization_id)
    if event in (Event.SUBMITTED, Event.DECLINED, Event.NO_RESPONSE, Event.OVERDUE_TRIAGE):
        return managers()
    if event in (Event.RETURNED, Event.REJECTED, Event.WAITING_LISTED, Event.OUTCOME_RECORDED):
        return _office_workers(referral)
    if event == Event.FORWARDED:
        return coordinators()
    if event == Event.TASK_OPEN:
        return _volunteers_without_digest(referral.organization_id)
    if event == Event.CLOSED:
        return coordinators()
    if event == Event.OVERDUE_OUTCOME:
        return (_volunteer_task_owner(referral) or _volunteers_without_digest(referral.organization_id)) | (
            coordinators() | _office_workers(referral)
        )
    if event == Event.CANCELLED:
        users = _office_workers(referral) | managers()
        if referral.forwarded_at:
            users |= coordinators() | _volunteer_task_owner(referral)
        return users
    return set()


def call_recipients(event: Event, call) -> set[int]:
    organizations = [organization.pk for organization in call.organizations.all()]
    coordinators = _members(Role.COORDINATOR, organization_id__in=organizations)
    if event in (Event.CALL_OPENED, Event.CALL_CANCELLED):
        return coordinators
    if event == Event.CALL_TAKEN:
        taker = {call.taken_by_id} if call.taken_by_id else set()
        return (coordinators - taker) | ({call.opened_by_id} if call.opened_by_id else set())
    return set()


# --- sending --------------------------------------------------------------


def languages_of(user_ids) -> dict[int, str]:
    available = {code for code, _name in settings.LANGUAGES}
    preferred = dict(UserProfile.objects.filter(user_id__in=user_ids).values_list("user_id", "preferred_language"))
    return {
        user_id: preferred.get(user_id) if preferred.get(user_id) in available else settings.LANGUAGE_CODE
        for user_id in user_ids
    }


def build_message(event: Event, *, number: str, facts: list[tuple], link: str, to: str) -> EmailMessage:
    """One e-mail in the active language. ``facts`` are (label, value) pairs with no personal data."""
    subject = str(SUBJECTS[event] % {"number": number})
    body = render_to_string(
        "referrals/email/notification.txt",
        {"message": MESSAGES[event], "facts": facts, "link": link, "number": number},
    )
    return EmailMessage(subject=subject, body=body, to=[to], headers={"Content-Language": translation.get_language()})


def referral_facts(referral: ReferralProcess) -> list[tuple]:
    facts = [
        (_("Theme"), referral.theme.name),
        (_("Urgency"), referral.get_urgency_display()),
        (_("Service"), referral.service.name),
        (_("Organisation"), referral.organization.name),
        (_("Comune"), referral.municipality.name),
        (_("State"), referral.get_state_display()),
    ]
    if referral.step_due_at and referral.is_open:
        facts.append((_("Due"), formats.date_format(timezone.localtime(referral.step_due_at), "DATETIME_FORMAT")))
    return facts


def call_facts(call) -> list[tuple]:
    facts = [(_("Theme"), call.theme.name), (_("State"), call.get_state_display())]
    if call.taken_by_organization_id:
        facts.append((_("Taken by"), call.taken_by_organization.name))
    return facts


def absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def deliver(event: Event, *, user_ids: set[int], number: str, facts_for, link: str) -> int:
    """Renders one message per recipient in their language and sends them on one connection."""
    if not user_ids:
        return 0
    users = get_user_model().objects.filter(pk__in=user_ids, is_active=True).exclude(email="")
    languages = languages_of([user.pk for user in users])
    messages = []
    for user in users:
        with translation.override(languages[user.pk]):
            messages.append(build_message(event, number=number, facts=facts_for(), link=link, to=user.email))
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def send_referral_event(event: Event, *, referral_id: int, exclude_user_id=None, user_ids=None) -> int:
    referral = (
        ReferralProcess.objects.select_related("theme", "service", "organization", "municipality")
        .filter(pk=referral_id)
        .first()
    )
    if referral is None:
        return 0
    recipients = set(user_ids) if user_ids else referral_recipients(event, referral)
    recipients.discard(exclude_user_id)
    return deliver(
        event,
        user_ids=recipients,
        number=referral.number,
        facts_for=lambda: referral_facts(referral),
        link=absolute(reverse("referrals-web:referral", args=[referral.pk])),
    )


def send_call_event(event: Event, *, call_id: int, exclude_user_id=None) -> int:
    call = (
        EmergencyCallProcess.objects.select_related("theme", "taken_by_organization")
        .prefetch_related("organizations")
        .filter(pk=call_id)
        .first()
    )
    if call is None:
        return 0
    recipients = call_recipients(event, call)
    recipients.discard(exclude_user_id)
    return deliver(
        event,
        user_ids=recipients,
        number=call.number,
        facts_for=lambda: call_facts(call),
        link=absolute(reverse("referrals-web:emergency-calls")),
    )
