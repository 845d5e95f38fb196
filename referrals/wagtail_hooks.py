"""A link from the Wagtail admin menu to the referral pages, for staff who also edit content."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem

from cms.models import Role

from .permissions import Scope


class ReferralsMenuItem(MenuItem):
    def is_shown(self, request):
        scope = Scope.of(request.user)
        return scope.has_any(Role.SOCIAL_WORKER, Role.NETWORK_MANAGER, Role.COORDINATOR, Role.VOLUNTEER) or (
            scope.may_read_reports
        )


@hooks.register("register_admin_menu_item")
def referrals_menu_item():
    return ReferralsMenuItem(_("Referrals"), reverse("referrals-web:inbox"), icon_name="tasks", order=900)
