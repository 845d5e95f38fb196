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


@hooks.register("register_admin_urls")
def token_admin_urls():
    from django.urls import path

    from .token_admin import revoke_tokens_view

    return [path("users/<int:user_id>/revoke-api-tokens/", revoke_tokens_view, name="referrals_revoke_tokens")]


@hooks.register("register_user_listing_buttons")
def revoke_tokens_button(user, request_user):
    from wagtail.admin.widgets import ListingButton

    from .token_admin import may_revoke_tokens

    if may_revoke_tokens(request_user):
        yield ListingButton(
            _("Revoke API tokens"), reverse("referrals_revoke_tokens", args=[user.pk]), icon_name="key", priority=50
        )
