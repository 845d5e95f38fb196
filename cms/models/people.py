"""People: a membership gives a user a role within a scope (an ambito, a comune office, an organisation).

A user may hold several memberships. Everything is denied unless a membership allows it.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SOCIAL_WORKER = "social_worker", _("Social worker")
    NETWORK_MANAGER = "network_manager", _("Network manager")
    COORDINATOR = "coordinator", _("Organisation coordinator")
    VOLUNTEER = "volunteer", _("Volunteer")
    EDITOR = "editor", _("Editor")
    ADMINISTRATOR = "administrator", _("Administrator")


# Which scope each role needs: "ambito", "office" (an ambito or a comune), "organization", or nothing.
ROLE_SCOPES = {
    Role.SOCIAL_WORKER: "office",
    Role.NETWORK_MANAGER: "ambito",
    Role.COORDINATOR: "organization",
    Role.VOLUNTEER: "organization",
    Role.EDITOR: "optional_ambito",
    Role.ADMINISTRATOR: None,
}


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    ambito = models.ForeignKey(
        "cms.Ambito",
        verbose_name=_("ambito"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_(
            "Network managers: the ambito they manage. Social workers of an ambito office: that ambito. "
            "Editors: the ambito whose records they may edit (empty: the whole network)."
        ),
    )
    municipality = models.ForeignKey(
        "cms.Municipality",
        verbose_name=_("comune office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Social workers of a comune's office."),
    )
    organization = models.ForeignKey(
        "cms.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="memberships",
        help_text=_("Coordinators and volunteers: their organisation."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["user_id", "role", "id"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [models.Index(fields=["user", "role"])]

    def __str__(self):
        scope = self.organization or self.municipality or self.ambito or _("whole network")
        return f"{self.user} · {self.get_role_display()} · {scope}"

    def clean(self):
        scope = ROLE_SCOPES.get(self.role)
        has = {
            "ambito": bool(self.ambito_id),
            "municipality": bool(self.municipality_id),
            "org": bool(self.organization_id),
        }
        if scope == "office":
            ok = has["ambito"] != has["municipality"] and not has["org"]
            message = _("A social worker belongs to the office of one ambito or of one comune (not both).")
        elif scope == "ambito":
            ok = has["ambito"] and not has["municipality"] and not has["org"]
            message = _("A network manager needs an ambito, and nothing else.")
        elif scope == "organization":
            ok = has["org"] and not has["ambito"] and not has["municipality"]
            message = _("Coordinators and volunteers need an organisation, and nothing else.")
        elif scope == "optional_ambito":
            ok = not has["municipality"] and not has["org"]
            message = _("An editor may have an ambito (or none for the whole network), and nothing else.")
        else:
            ok = not any(has.values())
            message = _("An administrator has no scope.")
        if not ok:
            raise ValidationError(message)
