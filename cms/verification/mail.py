"""The periodic e-mails of the verification cycle (``manage.py send_verification_requests``).

1. Each live organisation with a record due (and an e-mail address, and no link still valid)
   receives, in its language of correspondence, a new link to check its listing; earlier links
   are revoked.
2. The editors of each ambito are reminded, at most once a week, of the records still unverified
   ``DIRECTORY_VERIFY_REMINDER_AFTER_DAYS`` after they fell due.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from ..models import Ambito, Membership, Organization, Role, Service, VerificationEvent, VerificationLink
from .cycle import due_organizations, overdue_in_ambito
from .links import Action, audit, issue_link, revoke_earlier_links

REMINDER_INTERVAL = timedelta(days=7)


def site_url() -> str:
    """The public address links in e-mails start with (``SITE_URL``), never a hard-coded host."""
    return settings.SITE_URL.rstrip("/")


def link_url(token: str) -> str:
    return site_url() + reverse("verification:check", args=[token])


def admin_url(name: str, *args) -> str:
    return site_url() + reverse(name, args=args)


@dataclass
class RunSummary:
    requests_sent: int = 0
    without_address: int = 0
    reminders_sent: int = 0


def organizations_to_ask(today=None):
    """Due organisations with an address and without a link still valid, the longest unverified first."""
    valid_links = VerificationLink.objects.filter(
        organization=OuterRef("pk"), revoked_at__isnull=True, expires_at__gt=timezone.now()
    )
    return (
        due_organizations(today)
        .exclude(email="")
        .exclude(Exists(valid_links))
        .order_by(F("assured_date").asc(nulls_first=True), "name", "pk")
    )


@transaction.atomic
def send_request(organization: Organization) -> None:
    """One link, e-mailed; if the mail server refuses, the link is not kept and the next run retries."""
    link, token = issue_link(organization)
    revoke_earlier_links(organization, keep=link)
    with translation.override(link.language):
        context = {
            "organization": organization,
            "url": link_url(token),
            "expires_at": link.expires_at,
            "services": list(Service.objects.filter(organization=organization, live=True).order_by("name")),
        }
        subject = render_to_string("cms/verification/request_subject.txt", context).strip()
        body = render_to_string("cms/verification/request_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [link.email])
    audit(Action.SENT, link=link, to=link.email, language=link.language)


def send_requests(*, today=None, limit: int | None = None) -> RunSummary:
    summary = RunSummary()
    limit = limit or settings.DIRECTORY_VERIFY_BATCH_SIZE
    for organization in organizations_to_ask(today)[:limit]:
        send_request(organization)
        summary.requests_sent += 1
    summary.without_address = due_organizations(today).filter(email="").count()
    return summary


def ambito_editors(ambito: Ambito):
    """Active users with an editor membership of the ambito and an e-mail address."""
    users = Membership.objects.filter(role=Role.EDITOR, ambito=ambito).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email="").order_by("pk")


def recently_reminded(ambito: Ambito) -> bool:
    since = timezone.now() - REMINDER_INTERVAL
    return VerificationEvent.objects.filter(action=Action.REMINDED, at__gte=since, detail__ambito=ambito.pk).exists()


def send_reminders(*, today=None) -> int:
    grace = settings.DIRECTORY_VERIFY_REMINDER_AFTER_DAYS
    sent = 0
    for ambito in Ambito.objects.order_by("name"):
        organizations = list(overdue_in_ambito(Organization, ambito.pk, grace_days=grace, today=today).order_by("name"))
        services = list(overdue_in_ambito(Service, ambito.pk, grace_days=grace, today=today).order_by("name"))
        if not (organizations or services) or recently_reminded(ambito):
            continue
        for editor in ambito_editors(ambito):
            send_reminder(editor, ambito, organizations, services)
            sent += 1
        audit(Action.REMINDED, ambito=ambito.pk, organizations=len(organizations), services=len(services))
    return sent


def send_reminder(editor, ambito, organizations, services) -> None:
    from wagtail.users.models import UserProfile

    language = UserProfile.get_for_user(editor).get_preferred_language() or settings.LANGUAGE_CODE
    with translation.override(language):
        context = {
            "editor": editor,
            "ambito": ambito,
            "organizations": organizations,
            "services": services,
            "cycle_days": settings.DIRECTORY_VERIFY_EVERY_DAYS,
            "grace_days": settings.DIRECTORY_VERIFY_REMINDER_AFTER_DAYS,
            "dashboard_url": admin_url("cms_data_quality"),
        }
        subject = render_to_string("cms/verification/reminder_subject.txt", context).strip()
        body = render_to_string("cms/verification/reminder_email.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [editor.email])


def run(*, today=None) -> RunSummary:
    summary = send_requests(today=today)
    summary.reminders_sent = send_reminders(today=today)
    return summary


def seat_editors(organization: Organization):
    """The editors of the ambito of the organisation's seat, or the network's editors when it has none."""
    editors = ambito_editors(organization.municipality.ambito)
    if editors.exists():
        return editors
    users = Membership.objects.filter(role=Role.EDITOR, ambito__isnull=True).values("user_id")
    return get_user_model().objects.filter(pk__in=users, is_active=True).exclude(email="").order_by("pk")


def notify_editors_of_proposal(link, *, revisions, note: str) -> int:
    """Tells the editors of the organisation's ambito what it proposed (Wagtail's own moderation
    e-mail announces each draft to the moderators; this one carries the organisation's note)."""
    organization = link.organization
    sent = 0
    for editor in seat_editors(organization):
        from wagtail.users.models import UserProfile

        language = UserProfile.get_for_user(editor).get_preferred_language() or settings.LANGUAGE_CODE
        with translation.override(language):
            context = {
                "organization": organization,
                "email": link.email,
                "note": note,
                "records": [revision.object_str for revision in revisions],
                "workflow_url": admin_url("wagtailadmin_home"),
            }
            subject = render_to_string("cms/verification/proposal_subject.txt", context).strip()
            body = render_to_string("cms/verification/proposal_email.txt", context)
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [editor.email])
        sent += 1
    return sent
