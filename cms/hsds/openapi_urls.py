"""The URL map that the HSDS-only OpenAPI description (/hsds/openapi.json) is generated from."""

from django.urls import include, path

urlpatterns = [path("hsds/", include("cms.hsds.urls"))]
