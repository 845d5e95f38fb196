"""Wagtail's workflow reports (Reports › Workflows) and the site history, narrowed to the editor's ambiti.

Wagtail lists every directory record in moderation, and every change to one, to anyone who may edit
that kind of record; here a moderator of Lecco sees the records of Lecco (and pages, under Wagtail's
own rules), as in "Awaiting your review". Wagtail's other reports (locked pages, aging pages, page
types) list pages only, which are not divided by ambito. The project's URL map mounts these views
at Wagtail's own paths, before the admin, so Wagtail's links and URL names lead here.

Who may use them: what Wagtail requires (admin access and a page permission to add, change or
publish), then only the rows inside the user's editor scope.
"""

from django.contrib.auth import get_user_model
from django.db.models import IntegerField, Value
from django.urls import path

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.audit_logging import LogEntriesView, SiteHistoryReportFilterSet
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView
from wagtail.log_actions import registry as log_action_registry
from wagtail.models import ModelLogEntry

from ..permissions import generic_records_in_scope, workflow_states_in_scope


class ScopedWorkflowView(WorkflowView):
    def get_queryset(self):
        return super().get_queryset().filter(workflow_states_in_scope(self.request.user))


class ScopedWorkflowTasksView(WorkflowTasksView):
    def get_queryset(self):
        return super().get_queryset().filter(workflow_states_in_scope(self.request.user, "workflow_state__"))


# --- Site history ------------------------------------------------------------------------------


def log_entries_viewable(log_model, user):
    """What Wagtail shows ``user`` of ``log_model``, less the directory records outside their scope
    (draft titles and editors' names of another ambito's records)."""
    entries = log_model.objects.viewable_by_user(user)
    if log_model is ModelLogEntry:
        entries = entries.filter(generic_records_in_scope(user, "content_type", "object_id"))
    return entries


class ScopedSiteHistoryFilterSet(SiteHistoryReportFilterSet):
    """The choices of the filters (people, actions, types) come from the scoped entries too."""

    def get_user_choices(self):
        user_ids = set()
        for log_model in log_action_registry.get_log_entry_models():
            user_ids.update(log_entries_viewable(log_model, self.request.user).get_user_ids())
        User = get_user_model()
        return User.objects.filter(pk__in=user_ids).order_by(User.USERNAME_FIELD)


class ScopedSiteHistoryView(LogEntriesView):
    filterset_class = ScopedSiteHistoryFilterSet

    def get_filtered_queryset(self):
        """Wagtail's own (a union of one values() query per log model), on the scoped entries."""
        queryset = None
        self.log_models = list(log_action_registry.get_log_entry_models())
        for index, log_model in enumerate(self.log_models):
            sub_queryset = (
                log_entries_viewable(log_model, self.request.user)
                .values("pk", "timestamp")
                .annotate(log_model_index=Value(index, output_field=IntegerField()))
            )
            sub_queryset = self.filter_queryset(sub_queryset).order_by()
            queryset = sub_queryset if queryset is None else queryset.union(sub_queryset, all=True)
        return queryset.order_by("-timestamp")


urlpatterns = [
    path("workflow/", require_admin_access(ScopedWorkflowView.as_view()), name="workflow"),
    path(
        "workflow/results/",
        require_admin_access(ScopedWorkflowView.as_view(results_only=True)),
        name="workflow_results",
    ),
    path("workflow_tasks/", require_admin_access(ScopedWorkflowTasksView.as_view()), name="workflow_tasks"),
    path(
        "workflow_tasks/results/",
        require_admin_access(ScopedWorkflowTasksView.as_view(results_only=True)),
        name="workflow_tasks_results",
    ),
    path("site-history/", require_admin_access(ScopedSiteHistoryView.as_view()), name="site_history"),
    path(
        "site-history/results/",
        require_admin_access(ScopedSiteHistoryView.as_view(results_only=True)),
        name="site_history_results",
    ),
]
