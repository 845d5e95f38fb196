"""URLs of the HSDS 3.0 read API, mounted at /hsds/ by the site (namespace ``hsds``)."""

from django.urls import path

from drf_spectacular.views import SpectacularJSONAPIView
from rest_framework.permissions import AllowAny

from . import views

app_name = "hsds"


class HSDSOpenAPIView(SpectacularJSONAPIView):
    """The OpenAPI 3 description of the /hsds/ endpoints only (HSDS ``openapi_url``). Anyone may read it."""

    permission_classes = [AllowAny]
    authentication_classes = []
    urlconf = "cms.hsds.openapi_urls"
    custom_settings = {
        "TITLE": "After Care Network: Open Referral HSDS 3.0 API",
        "DESCRIPTION": (
            "The published service directory of the After Care Network as Open Referral HSDS 3.0, "
            "one language per response (?lang= or Accept-Language, Italian fallback)."
        ),
    }


urlpatterns = [
    path("", views.HSDSRootView.as_view(), name="root"),
    path("openapi.json", HSDSOpenAPIView.as_view(), name="openapi"),
    path("services", views.ServiceListView.as_view(), name="services"),
    # Any text as id: one that is not a UUID gets the same JSON 404 as an unknown UUID.
    path("services/<str:pk>", views.ServiceDetailView.as_view(), name="service"),
    path("organizations", views.OrganizationListView.as_view(), name="organizations"),
    path("organizations/<str:pk>", views.OrganizationDetailView.as_view(), name="organization"),
    path("service_at_locations", views.ServiceAtLocationListView.as_view(), name="service_at_locations"),
    path("service_at_locations/<str:pk>", views.ServiceAtLocationDetailView.as_view(), name="service_at_location"),
    path("taxonomies", views.TaxonomyListView.as_view(), name="taxonomies"),
    path("taxonomy_terms", views.TaxonomyTermListView.as_view(), name="taxonomy_terms"),
]
