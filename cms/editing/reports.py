"""Reports › Translations: how complete each language is, and what is still missing."""

from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView

from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.reports import ReportView
from wagtail.permissions import page_permission_policy, policy_registry

from ..languages import language_name, translation_languages
from ..models import Service
from ..translation_report import (
    DIRECTORY_KINDS,
    KIND_LABELS,
    incomplete_records,
    missing_fields,
    translation_completeness,
)


def user_can_see_translation_report(user) -> bool:
    """Editors of the directory (any scope) and of pages."""
    actions = {"add", "change", "publish"}
    return policy_registry.get_by_type(Service).user_has_any_permission(
        user, actions
    ) or page_permission_policy.user_has_any_permission(user, actions)


class TranslationReportMixin:
    def dispatch(self, request, *args, **kwargs):
        if not user_can_see_translation_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class TranslationReportView(TranslationReportMixin, WagtailAdminTemplateMixin, TemplateView):
    """Per language: how many published services, organisations, locations and pages are fully translated.

    Who may use it: editors and moderators of the directory (the counts cover the records of
    their scope) and page editors. Queries: a fixed number, whatever the number of records.
    """

    template_name = "cms/admin/translation_report.html"
    page_title = _("Translations")
    header_icon = "globe"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        rows = translation_completeness(self.request.user)
        for row in rows:
            row.name = language_name(row.language)
            for cell in row.kinds:
                cell.url = reverse("cms_translation_report_missing", args=[row.language, cell.kind])
        context["rows"] = rows
        context["kinds"] = [KIND_LABELS[kind] for kind in [*DIRECTORY_KINDS, "page"]]
        return context


class MissingTranslationsView(TranslationReportMixin, ReportView):
    """The published records (or pages) of one kind that miss a translation in one language, with links to edit them.

    Who may use it: as the overview. Queries: constant per page of results (50 rows).
    """

    header_icon = "globe"
    paginate_by = 50

    def setup(self, request, *args, language, kind, **kwargs):
        super().setup(request, *args, **kwargs)
        if language not in translation_languages() or kind not in [*DIRECTORY_KINDS, "page"]:
            raise Http404
        self.language, self.kind = language, kind

    @cached_property
    def index_url_name(self):
        return "cms_translation_report_missing"

    def get_index_url(self):
        return reverse(self.index_url_name, args=[self.language, self.kind])

    def get_index_results_url(self):
        return self.get_index_url()

    def get_page_title(self):
        return _("%(kind)s to translate into %(language)s") % {
            "kind": capfirst(KIND_LABELS[self.kind]),
            "language": language_name(self.language),
        }

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse("cms_translation_report"), "label": _("Translations")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_queryset(self):
        return incomplete_records(self.kind, self.language, self.request.user)

    def filter_queryset(self, queryset):
        return queryset

    def decorate_paginated_queryset(self, object_list):
        for record in object_list:
            names = missing_fields(record, self.language)
            record.missing = ", ".join(str(capfirst(type(record)._meta.get_field(name).verbose_name)) for name in names)
        return object_list

    def edit_url(self, record):
        if self.kind == "page":
            return reverse("wagtailadmin_pages:edit", args=[record.pk])
        return reverse(f"wagtailsnippets_cms_{self.kind}:edit", args=[quote(record.pk)])

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "name",
                label=pgettext_lazy("a directory record: organisation, service or location", "Record"),
                accessor=str,
                get_url=self.edit_url,
            ),
            Column("missing", label=_("Missing in this language")),
        ]
