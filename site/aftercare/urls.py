"""The URL map of the whole project. Each app owns its own URL module; this file only wires them."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.permissions import AllowAny

from . import health


class OpenAPIView(SpectacularAPIView):
    """The OpenAPI 3 description of every JSON endpoint. Anyone may read it."""

    permission_classes = [AllowAny]


class OpenAPIDocsView(SpectacularSwaggerView):
    """Swagger UI over the OpenAPI description, served from our own static files. Anyone may read it."""

    permission_classes = [AllowAny]


# A database that does not answer: 503 with Retry-After (site/aftercare/errors.py), not 500.
handler500 = "aftercare.errors.server_error"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # Wagtail's workflow reports, narrowed to the editor's ambiti (at Wagtail's own paths, so first).
    path("admin/reports/", include(("cms.editing.workflow_reports", "scoped_reports"))),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    # JSON APIs. Each app owns its URL module; the OpenAPI description covers them all.
    path("api/search/", include("search.urls")),
    path("api/referrals/", include("referrals.urls")),
    path("workflow/", include("referrals.web_urls")),  # staff pages of the referral process
    path("api/", include("cms.api.urls")),
    path("hsds/", include("cms.hsds.urls")),
    path("api/schema/", OpenAPIView.as_view(), name="openapi-schema"),
    path("api/docs/", OpenAPIDocsView.as_view(url_name="openapi-schema"), name="openapi-docs"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    # The public site: search and directory pages first, then Wagtail's pages (a catch-all).
    path("", include("public_site.search_urls")),
    path("", include("public_site.urls")),
    path("", include("cms.verification.urls")),  # links e-mailed to organisations to check their listing
    path("", include(wagtail_urls)),
    prefix_default_language=True,
)
