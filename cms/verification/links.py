"""Signed, expiring, single-purpose links that let an organisation check its records without an account.

The token is ``django.core.signing.dumps`` of the link's UUID with a salt used for nothing else,
so a token made for another purpose (or altered) never validates. The row it names can expire
and be revoked, and every use, refused ones included, is written to ``VerificationEvent``.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ..models import Organization, VerificationEvent, VerificationLink

SALT = "cms.verification.link"
Action = VerificationEvent.Action

# The uses counted by the rate limit: everything a visitor does with a valid link.
COUNTED_USES = (Action.OPENED, Action.CONFIRMED, Action.PROPOSED)


@dataclass(frozen=True)
class Refusal:
    """Why a link cannot be used: the HTTP status, a title and an explanation for a person."""

    status: int
    action: str
    title: str
    message: str


EXPIRED = Refusal(
    410,
    Action.REFUSED_EXPIRED,
    _("This link has expired"),
    _("Links to check a listing work for a limited time. Write to the network's editors to receive a new one."),
)
REVOKED = Refusal(
    410,
    Action.REFUSED_REVOKED,
    _("This link is no longer valid"),
    _("The network's editors have withdrawn this link, perhaps because a newer one was sent. Use the latest e-mail."),
)
INVALID = Refusal(
    404,
    Action.REFUSED_INVALID,
    _("This link is not valid"),
    _(
        "The address may be incomplete: copy the whole link from the e-mail, or ask the network's "
        "editors for a new one."
    ),
)
TOO_MANY = Refusal(
    429,
    Action.REFUSED_RATE,
    _("Too many attempts"),
    _("This link has been used too many times in the last hour. Try again later."),
)


def link_lifetime() -> timedelta:
    return timedelta(days=settings.DIRECTORY_VERIFY_LINK_DAYS)


def issue_link(organization: Organization, *, email: str | None = None) -> tuple[VerificationLink, str]:
    """A new link for ``organization`` (sent to its e-mail address); returns the row and its token."""
    now = timezone.now()
    link = VerificationLink.objects.create(
        organization=organization,
        email=email or organization.email,
        language=organization.language,
        created_at=now,
        expires_at=now + link_lifetime(),
    )
    return link, token_for(link)


def token_for(link: VerificationLink) -> str:
    return signing.dumps(str(link.uuid), salt=SALT)


def audit(action, *, link=None, organization=None, ip_address=None, **detail) -> VerificationEvent:
    return VerificationEvent.objects.create(
        link=link,
        organization=organization or (link.organization if link else None),
        action=action,
        ip_address=ip_address,
        detail=detail,
    )


def uses_in_last_hour(link: VerificationLink) -> int:
    since = timezone.now() - timedelta(hours=1)
    return link.events.filter(action__in=COUNTED_USES, at__gte=since).count()


def resolve(token: str, *, ip_address=None) -> tuple[VerificationLink | None, Refusal | None]:
    """The link a token names, if it may be used now; otherwise the refusal (already audited)."""
    try:
        value = signing.loads(token, salt=SALT, max_age=link_lifetime())
        link = VerificationLink.objects.select_related("organization").get(uuid=value)
    except signing.SignatureExpired:
        link, refusal = _link_of_expired_token(token), EXPIRED
    except (signing.BadSignature, VerificationLink.DoesNotExist, ValueError):
        link, refusal = None, INVALID
    else:
        refusal = None
        if link.revoked_at is not None:
            refusal = REVOKED
        elif not link.is_usable():
            refusal = EXPIRED
        elif uses_in_last_hour(link) >= settings.DIRECTORY_VERIFY_LINK_USES_PER_HOUR:
            refusal = TOO_MANY
    if refusal is not None:
        audit(refusal.action, link=link, ip_address=ip_address)
        return None, refusal
    return link, None


def _link_of_expired_token(token: str) -> VerificationLink | None:
    """The row of a genuine token whose signature age is over the limit (for the audit)."""
    try:
        value = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    return VerificationLink.objects.filter(uuid=value).first()


def revoke(link: VerificationLink, *, user=None) -> None:
    if link.revoked_at is None:
        link.revoked_at = timezone.now()
        link.revoked_by = user
        link.save(update_fields=["revoked_at", "revoked_by"])
        audit(Action.REVOKED, link=link, user=getattr(user, "username", None))


def revoke_earlier_links(organization: Organization, *, keep: VerificationLink) -> None:
    """Only the latest link of an organisation works: the earlier ones are revoked."""
    for link in organization.verification_links.filter(revoked_at__isnull=True).exclude(pk=keep.pk):
        revoke(link)
