"""Links e-mailed to organisations to check their records, and the audit of every use.

The token in the e-mail is signed (``django.core.signing``, with a salt of its own) and names a
row of :class:`VerificationLink`; the row is what makes the link revocable, expiring and
auditable. Nothing in the token grants anything by itself once the row is revoked or expired.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class VerificationLink(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "cms.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="verification_links",
    )
    email = models.EmailField(_("sent to"))
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("verification link")
        verbose_name_plural = _("verification links")

    def __str__(self):
        return f"{self.organization} · {self.created_at:%Y-%m-%d}"

    def is_usable(self, now=None) -> bool:
        now = now or timezone.now()
        return self.revoked_at is None and now < self.expires_at


class VerificationEvent(models.Model):
    """One use (or refused use) of a verification link."""

    class Action(models.TextChoices):
        SENT = "sent", _("Link sent")
        OPENED = "opened", _("Link opened")
        CONFIRMED = "confirmed", _("Records confirmed")
        PROPOSED = "proposed", _("Changes proposed")
        REVOKED = "revoked", _("Link revoked")
        REFUSED_EXPIRED = "refused_expired", _("Refused: expired link")
        REFUSED_REVOKED = "refused_revoked", _("Refused: revoked link")
        REFUSED_INVALID = "refused_invalid", _("Refused: invalid link")
        REFUSED_RATE = "refused_rate", _("Refused: too many uses")
        REMINDED = "reminded", _("Editors reminded")

    link = models.ForeignKey(
        VerificationLink,
        verbose_name=_("link"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    organization = models.ForeignKey(
        "cms.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="verification_events",
    )
    action = models.CharField(_("action"), max_length=20, choices=Action.choices)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    detail = models.JSONField(_("detail"), default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("verification event")
        verbose_name_plural = _("verification events")
        indexes = [models.Index(fields=["link", "at"])]

    def __str__(self):
        return f"{self.get_action_display()} · {self.at:%Y-%m-%d %H:%M}"
