"""Settings › Users › "Revoke API tokens": an administrator signs a person's app out (a lost phone)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .auth import tokens_revoke_all
from .models import ApiToken


def may_revoke_tokens(user) -> bool:
    """Who may: those who manage people's accounts in the admin (superusers, the ``auth.change_user`` holders)."""
    return bool(user.is_active and user.has_perm("auth.change_user"))


def revoke_tokens_view(request, user_id):
    if not may_revoke_tokens(request.user):
        raise PermissionDenied
    person = get_object_or_404(get_user_model(), pk=user_id)
    if request.method == "POST":
        count = tokens_revoke_all(user=person)
        messages.success(
            request, _("%(count)s API key(s) of %(name)s revoked.") % {"count": count, "name": person.get_username()}
        )
        return redirect("wagtailusers_users:index")
    live = ApiToken.objects.filter(user=person, revoked_at__isnull=True, expires_at__gt=timezone.now()).count()
    context = {
        "person": person,
        "live": live,
        "page_title": _("Revoke API tokens"),
        "header_title": _("Revoke API tokens"),
    }
    return TemplateResponse(request, "referrals/admin/revoke_tokens.html", context)
