"""Reports › Verification log: every use of the links e-mailed to organisations, and revoking a link.

Who may use it: editors and moderators of the directory, for the organisations of their scope
(network editors: all); others get Wagtail's "permission denied". Queries: constant per page (50 rows).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView

from ..models import Organization, VerificationEvent, VerificationLink
from ..permissions import records_in_scope, user_may_edit_record
from ..verification.links import revoke
from .quality_views import user_can_see_data_quality


class VerificationLogView(ReportView):
    page_title = _("Verification log")
    header_icon = "history"
    paginate_by = 50
    index_url_name = "cms_verification_log"
    index_results_url_name = "cms_verification_log"
    template_name = "cms/admin/verification_log.html"

    def dispatch(self, request, *args, **kwargs):
        if not user_can_see_data_quality(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        organizations = records_in_scope(Organization.objects.all(), self.request.user)
        return (
            VerificationEvent.objects.filter(organization__in=organizations)
            .select_related("organization", "link")
            .order_by("-at", "-pk")
        )

    def filter_queryset(self, queryset):
        return queryset

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        organizations = records_in_scope(Organization.objects.all(), self.request.user)
        context["open_links"] = (
            VerificationLink.objects.filter(organization__in=organizations, revoked_at__isnull=True)
            .select_related("organization")
            .order_by("-created_at")[:50]
        )
        return context

    @cached_property
    def columns(self):
        return [
            DateColumn("at", label=_("When")),
            Column("organization", label=_("Organisation")),
            Column("action", label=_("What"), accessor="get_action_display"),
            Column("ip_address", label=_("IP address")),
            Column("note", label=_("Note"), accessor=lambda event: event.detail.get("note", "")),
        ]


@require_POST
def revoke_link(request, pk: int):
    """Withdraws a link at once (a wrong address, a compromised mailbox). Editors of the organisation's scope."""
    link = get_object_or_404(VerificationLink.objects.select_related("organization"), pk=pk)
    if not user_can_see_data_quality(request.user) or not user_may_edit_record(request.user, link.organization):
        raise PermissionDenied
    revoke(link, user=request.user)
    messages.success(request, _("The link sent to %(email)s no longer works.") % {"email": link.email})
    return redirect(reverse("cms_verification_log"))
