"""Wagtail's workflow reports (Reports › Workflows), narrowed to the editor's ambiti.

Wagtail lists every directory record in moderation to anyone who may edit that kind of record;
here a moderator of Lecco sees the records of Lecco (and pages, under Wagtail's own rules), as in
"Awaiting your review". The project's URL map mounts these views at Wagtail's own paths, before
the admin, so Wagtail's links and URL names lead here.

Who may use them: what Wagtail requires (admin access and a page permission to add, change or
publish), then only the rows inside the user's editor scope.
"""

from django.urls import path

from wagtail.admin.auth import require_admin_access
from wagtail.admin.views.reports.workflows import WorkflowTasksView, WorkflowView

from ..permissions import workflow_states_in_scope


class ScopedWorkflowView(WorkflowView):
    def get_queryset(self):
        return super().get_queryset().filter(workflow_states_in_scope(self.request.user))


class ScopedWorkflowTasksView(WorkflowTasksView):
    def get_queryset(self):
        return super().get_queryset().filter(workflow_states_in_scope(self.request.user, "workflow_state__"))


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
]
