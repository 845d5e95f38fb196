"""Granting roles in People: nobody grants themselves anything, and roles that see personal data
(social workers, network managers, coordinators, volunteers: beneficiaries' names, contacts, case
notes) are granted by superusers only. Each such grant is e-mailed to every superuser and to the
person, besides Wagtail's own history entry (who, when, what).

Administrator memberships manage people and the taxonomy and see nothing personal; an administrator
could otherwise give themselves a network-manager membership and read case notes.
"""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from ..models import Role

logger = logging.getLogger("aftercare.security")

PERSONAL_DATA_ROLES = frozenset({Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR, Role.VOLUNTEER})


class MembershipForm(WagtailAdminModelForm):
    def clean(self):
        cleaned = super().clean()
        granter = self.for_user
        person, role = cleaned.get("user"), cleaned.get("role")
        if person is not None and person.pk == granter.pk:
            self.add_error("user", _("Nobody may give themselves a membership: ask another administrator."))
        if role in PERSONAL_DATA_ROLES and not granter.is_superuser:
            self.add_error(
                "role",
                _("This role sees beneficiaries' personal data: only a superuser may grant or change it."),
            )
        return cleaned

    def save(self, commit=True):
        membership = super().save(commit=commit)
        if membership.role in PERSONAL_DATA_ROLES and self.has_changed():
            granter = self.for_user
            transaction.on_commit(lambda: notify_personal_role(membership, granter))
        return membership


def notify_personal_role(membership, granter) -> None:
    subject = f"[{settings.WAGTAIL_SITE_NAME}] {membership.get_role_display()}: {membership.user.get_username()}"
    body = (
        f"{granter.get_username()} gave {membership.user.get_username()} the role "
        f"“{membership}”.\n"
        f"This role sees beneficiaries' personal data. If this is not expected, remove the membership in People.\n"
        f"{settings.SITE_URL}/admin/snippets/cms/membership/"
    )
    superusers = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(email="")
    recipients = sorted({user.email for user in superusers} | ({membership.user.email} - {""}))
    logger.warning(
        "personal-data role %s granted to %s by %s", membership.role, membership.user.get_username(), granter
    )
    if recipients:
        send_mail(subject, body, None, recipients)
