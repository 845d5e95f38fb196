"""The referral JSON API, mounted at /api/referrals/ (see referrals.api for who may use what)."""

from django.urls import path

from . import (
    api,
    converters,  # noqa: F401 (registers the <id:…> path converter)
)
from .actions import REFERRAL_ACTIONS, TASK_ACTIONS

urlpatterns = [
    path("", api.ReferralListView.as_view(), name="referrals-list"),
    path("<id:pk>/", api.ReferralDetailView.as_view(), name="referrals-detail"),
    *[
        path(f"<id:pk>/{name}/", api.referral_action_view(action), name=f"referrals-{name}")
        for name, action in REFERRAL_ACTIONS.items()
    ],
    path("<id:pk>/history/", api.HistoryView.as_view(), name="referrals-history"),
    path("tasks/", api.InboxView.as_view(), name="referrals-tasks"),
    path("queue/", api.QueueView.as_view(), name="referrals-queue"),
    path("tasks/<id:pk>/", api.TaskDetailView.as_view(), name="referrals-task"),
    *[
        path(f"tasks/<id:pk>/{name}/", api.task_action_view(action), name=f"referrals-task-{name}")
        for name, action in TASK_ACTIONS.items()
    ],
    path("overdue/", api.OverdueView.as_view(), name="referrals-overdue"),
    path("beneficiaries/<str:code>/consents/", api.ConsentListView.as_view(), name="referrals-consents"),
    path("consents/<id:pk>/revoke/", api.ConsentRevokeView.as_view(), name="referrals-consent-revoke"),
    path("services/", api.ServiceSearchView.as_view(), name="referrals-services"),
    path("emergency-calls/", api.EmergencyCallListView.as_view(), name="referrals-emergency-calls"),
    path("emergency-calls/<id:pk>/accept/", api.EmergencyAcceptView.as_view(), name="referrals-emergency-accept"),
    path("emergency-calls/<id:pk>/cancel/", api.EmergencyCancelView.as_view(), name="referrals-emergency-cancel"),
    path("reports/", api.ReportView.as_view(), name="referrals-report"),
    path("reports/csv/", api.ReportCSVView.as_view(), name="referrals-report-csv"),
    path("auth/token/", api.TokenView.as_view(), name="referrals-token"),
    path("auth/token/refresh/", api.TokenRefreshView.as_view(), name="referrals-token-refresh"),
    path("me/", api.MeView.as_view(), name="referrals-me"),
]
