"""The staff pages of the referral process, mounted at /workflow/ (see referrals.web)."""

from django.urls import path

from . import (
    converters,  # noqa: F401 (registers the <id:…> path converter)
    web,
)

app_name = "referrals-web"

urlpatterns = [
    path("", web.inbox, name="inbox"),
    path("login/", web.LoginView.as_view(), name="login"),
    path("logout/", web.LogoutView.as_view(), name="logout"),
    path("referrals/", web.referral_list, name="referrals"),
    path("referrals/new/", web.referral_start, name="start"),
    path("referrals/<id:pk>/", web.referral_detail, name="referral"),
    path("referrals/<id:pk>/edit/", web.referral_edit, name="referral-edit"),
    path("referrals/<id:pk>/print/", web.referral_print, name="referral-print"),
    path("referrals/<id:pk>/<slug:action>/", web.referral_action, name="referral-action"),
    path("queue/", web.queue, name="queue"),
    path("tasks/<id:pk>/", web.task_detail, name="task"),
    path("tasks/<id:pk>/<slug:action>/", web.task_action, name="task-action"),
    path("overdue/", web.overdue, name="overdue"),
    path("beneficiaries/<str:code>/", web.beneficiary, name="beneficiary"),
    path("emergency/", web.emergency_calls, name="emergency-calls"),
    path("emergency/<id:pk>/<slug:action>/", web.emergency_action, name="emergency-action"),
    path("reports/", web.report, name="reports"),
    path("reports.csv", web.report_csv, name="reports-csv"),
]
