"""Wagtail admin: the directory, the taxonomy, people and the geography (snippet view sets).

The view sets of the directory live in cms/editing/viewsets.py; who may do what is decided by
the permission policies of cms/permissions.py (registered in CmsConfig.ready()).
"""

from django.db import transaction
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import EditView, SnippetViewSet, SnippetViewSetGroup

from .editing import quality_views, reports, spreadsheet_views, verification_views
from .editing.views import MunicipalityChooserViewSet
from .editing.viewsets import DirectoryGroup, MembershipViewSet, TaxonomyGroup
from .geography import move_municipality
from .models import Ambito, Municipality


class MunicipalityEditView(EditView):
    """Records a move to another ambito in the comune's ambito history before saving the rest."""

    def save_instance(self):
        with transaction.atomic():
            move_municipality(municipality=self.form.instance, ambito=self.form.instance.ambito, user=self.request.user)
            return super().save_instance()


class AmbitoViewSet(SnippetViewSet):
    model = Ambito
    icon = "site"
    menu_label = _("Ambiti")
    list_display = ["name", "slug"]
    search_fields = ["name"]
    panels = [FieldPanel("name"), FieldPanel("slug")]


class MunicipalityViewSet(SnippetViewSet):
    model = Municipality
    chooser_viewset_class = MunicipalityChooserViewSet
    chooser_per_page = 60  # an ambito's comuni on one page (the largest has some fifty); search narrows them
    icon = "home"
    menu_label = _("Comuni")
    edit_view_class = MunicipalityEditView
    list_display = ["name", "istat_code", "province", "ambito", "population"]
    list_filter = ["province", "ambito"]
    search_fields = ["name", "istat_code", "cap"]
    panels = [
        MultiFieldPanel(
            [FieldPanel("name"), FieldPanel("istat_code"), FieldPanel("slug"), FieldPanel("province")],
            heading=_("Identity"),
        ),
        FieldPanel("ambito"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldPanel("cap"),
                FieldRowPanel([FieldPanel("population"), FieldPanel("population_year")]),
            ],
            heading=_("Place and population"),
        ),
    ]


class GeographyGroup(SnippetViewSetGroup):
    items = (AmbitoViewSet, MunicipalityViewSet)
    menu_icon = "site"
    menu_label = _("Geography")
    menu_name = "geography"


register_snippet(GeographyGroup)

register_snippet(DirectoryGroup)
register_snippet(TaxonomyGroup)
register_snippet(MembershipViewSet)


# --- Reports, import and export ------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_directory_admin_urls():
    return [
        path("reports/translations/", reports.TranslationReportView.as_view(), name="cms_translation_report"),
        path(
            "reports/translations/<str:language>/<slug:kind>/",
            reports.MissingTranslationsView.as_view(),
            name="cms_translation_report_missing",
        ),
        path("reports/data-quality/", quality_views.DataQualityView.as_view(), name="cms_data_quality"),
        path("reports/verification/", verification_views.VerificationLogView.as_view(), name="cms_verification_log"),
        path(
            "reports/verification/links/<int:pk>/revoke/",
            verification_views.revoke_link,
            name="cms_verification_revoke",
        ),
        path("directory/import/", spreadsheet_views.ImportView.as_view(), name="cms_directory_import"),
        path(
            "directory/import/confirm/",
            spreadsheet_views.ConfirmImportView.as_view(),
            name="cms_directory_import_confirm",
        ),
        path("directory/export/", spreadsheet_views.ExportView.as_view(), name="cms_directory_export"),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, test, **kwargs):
        super().__init__(*args, **kwargs)
        self.test = test

    def is_shown(self, request):
        return self.test(request.user)


@hooks.register("register_reports_menu_item")
def register_translation_report_menu_item():
    return PermissionMenuItem(
        _("Translations"),
        reverse("cms_translation_report"),
        icon_name="globe",
        order=700,
        test=reports.user_can_see_translation_report,
    )


@hooks.register("register_reports_menu_item")
def register_data_quality_menu_item():
    return PermissionMenuItem(
        _("Data quality"),
        reverse("cms_data_quality"),
        icon_name="tasks",
        order=710,
        test=quality_views.user_can_see_data_quality,
    )


@hooks.register("register_reports_menu_item")
def register_verification_log_menu_item():
    return PermissionMenuItem(
        _("Verification log"),
        reverse("cms_verification_log"),
        icon_name="history",
        order=720,
        test=quality_views.user_can_see_data_quality,
    )


@hooks.register("register_directory_menu_item")
def register_data_quality_directory_item():
    return PermissionMenuItem(
        _("Data quality"),
        reverse("cms_data_quality"),
        icon_name="tasks",
        order=800,
        test=quality_views.user_can_see_data_quality,
    )


@hooks.register("register_directory_menu_item")
def register_import_menu_item():
    return PermissionMenuItem(
        _("Import and export"),
        reverse("cms_directory_import"),
        icon_name="table",
        order=900,
        test=spreadsheet_views.user_can_import,
    )
