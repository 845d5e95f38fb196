"""The no-account page of the verification links (inside the language prefix: /it/verify/<token>/)."""

from django.urls import path

from . import views

app_name = "verification"

urlpatterns = [
    path("verify/<str:token>/", views.check_listing, name="check"),
]
