"""URLs of the headless API, mounted at /api/ by the site.

- /api/directory/…: the directory endpoints (``views``), namespace ``directory``.
- /api/v2/pages/…: the Wagtail API v2 pages endpoint with ``?lang=`` (``pages``), namespace ``wagtailapi``.
"""

from django.urls import include, path

from rest_framework.routers import SimpleRouter

from . import views
from .pages import api_router

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("locations", views.LocationViewSet, basename="location")
router.register("comuni", views.ComuneViewSet, basename="comune")
router.register("ambiti", views.AmbitoViewSet, basename="ambito")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("target-groups", views.TargetGroupViewSet, basename="target-group")
router.register("languages", views.SpokenLanguageViewSet, basename="language")

directory_patterns = [
    path("", views.DirectoryIndexView.as_view(), name="index"),
    *router.urls,
]

urlpatterns = [
    path("directory/", include((directory_patterns, "directory"))),
    path("v2/", api_router.urls),
]
