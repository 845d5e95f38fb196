"""The daily e-mails: reminders of late steps to whoever can act on them, and volunteers' digests.

Run by ``manage.py referrals_daily`` (a daily systemd timer). Like every notification they
carry no personal data: referral numbers, themes and links.
"""

from collections import defaultdict

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from cms.models import Membership, Role

from .flows import ReferralFlow
from .models import TERMINAL_STATES, NotificationPreference, ReferralProcess
from .notifications import absolute, languages_of

OPEN = (STATUS.NEW, STATUS.ASSIGNED)


def _members(role, **scope):
    return list(Membership.objects.filter(role=role, user__is_active=True, **scope).values_list("user_id", flat=True))


def late_work(now=None) -> dict[int, list[ReferralProcess]]:
    """Who should act on which late referral: {user id: [referrals]}."""
    now = now or timezone.now()
    late = (
        ReferralProcess.objects.filter(step_due_at__lt=now)
        .exclude(state__in=TERMINAL_STATES)
        .select_related("theme")
        .order_by("step_due_at")
    )
    late = {referral.pk: referral for referral in late}
    steps = Task.objects.filter(process_id__in=list(late), flow_task_type="HUMAN", status__in=OPEN)
    managers = defaultdict(list)
    for user_id, ambito_id in Membership.objects.filter(role=Role.NETWORK_MANAGER, user__is_active=True).values_list(
        "user_id", "ambito_id"
    ):
        managers[ambito_id].append(user_id)
    coordinators = defaultdict(list)
    for user_id, organization_id in Membership.objects.filter(role=Role.COORDINATOR, user__is_active=True).values_list(
        "user_id", "organization_id"
    ):
        coordinators[organization_id].append(user_id)
    work = defaultdict(list)
    for task in steps:
        referral = late[task.process_id]
        node = task.flow_task
        if node in (ReferralFlow.triage, ReferralFlow.redirect):
            people = managers[referral.ambito_id]
        elif node is ReferralFlow.volunteer_task:
            people = [task.owner_id] if task.owner_id else coordinators[referral.organization_id]
        elif node in (ReferralFlow.org_review, ReferralFlow.waiting_list):
            people = coordinators[referral.organization_id]
        else:
            people = [referral.referring_worker_id] if referral.referring_worker_id else []
        for user_id in people:
            work[user_id].append(referral)
    return work


def email(subject, body, to, language) -> EmailMessage:
    return EmailMessage(subject=subject, body=body, to=[to], headers={"Content-Language": language})


def _send(messages) -> int:
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def send_reminders(now=None) -> int:
    """One e-mail per person listing the late referrals waiting for them."""
    work = late_work(now)
    users = get_user_model().objects.filter(pk__in=list(work)).exclude(email="")
    languages = languages_of([user.pk for user in users])
    messages = []
    for user in users:
        referrals = work[user.pk]
        with translation.override(languages[user.pk]):
            lines = [
                (referral.number, referral.theme.name, absolute(reverse("referrals-web:referral", args=[referral.pk])))
                for referral in referrals
            ]
            subject = _("%(count)s late referrals are waiting for you") % {"count": len(referrals)}
            body = render_to_string("referrals/email/reminder.txt", {"lines": lines})
        messages.append(email(subject, body, user.email, languages[user.pk]))
    return _send(messages)


def send_digests() -> int:
    """Volunteers who chose the daily digest: how many tasks wait in their organisation's queue, and theirs."""
    volunteers = list(
        NotificationPreference.objects.filter(daily_digest=True, user__is_active=True)
        .exclude(user__email="")
        .select_related("user")
    )
    if not volunteers:
        return 0
    organizations = defaultdict(set)
    for user_id, organization_id in Membership.objects.filter(
        user_id__in=[preference.user_id for preference in volunteers], role__in=[Role.VOLUNTEER, Role.COORDINATOR]
    ).values_list("user_id", "organization_id"):
        organizations[user_id].add(organization_id)
    open_tasks = list(
        Task.objects.filter(flow_task=ReferralFlow.volunteer_task, status__in=OPEN).values_list(
            "process__referralprocess__organization_id", "owner_id"
        )
    )
    languages = languages_of([preference.user_id for preference in volunteers])
    messages = []
    for preference in volunteers:
        user = preference.user
        queue = sum(1 for org, owner in open_tasks if org in organizations[user.pk] and owner is None)
        mine = sum(1 for _org, owner in open_tasks if owner == user.pk)
        if not queue and not mine:
            continue
        with translation.override(languages[user.pk]):
            subject = _("After Care: %(queue)s open tasks, %(mine)s yours") % {"queue": queue, "mine": mine}
            body = render_to_string(
                "referrals/email/digest.txt",
                {"queue": queue, "mine": mine, "link": absolute(reverse("referrals-web:queue"))},
            )
        messages.append(email(subject, body, user.email, languages[user.pk]))
    return _send(messages)
