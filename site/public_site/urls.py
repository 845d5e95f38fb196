"""Pages of the public site that read the directory, mounted under each language prefix
(``/<lang>/...``) by the project's URL map, before Wagtail's page catch-all."""

from django.urls import path

from . import views as site_views

app_name = "public"

urlpatterns = [
    path("services/<uuid:uuid>/", site_views.service_detail, name="service"),
    path("organisations/<uuid:uuid>/", site_views.organization_detail, name="organization"),
    path("comuni/<slug:slug>/", site_views.comune_detail, name="comune"),
    path("ambiti/<slug:slug>/", site_views.ambito_detail, name="ambito"),
    path("accessibility/", site_views.accessibility_statement, name="accessibility"),
]
