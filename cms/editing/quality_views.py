"""Reports › Data quality: per ambito, what needs the editors' attention, with links to the records.

Who may use it: editors and moderators of the directory; each sees the ambiti of their editor
membership (the whole network: every ambito) and counts only the records they may edit. Others get
Wagtail's "permission denied". Queries: three per ambito shown (one per kind of record), whatever
the number of records.
"""

import csv
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from .. import data_quality
from ..models import Ambito
from ..permissions import editor_scope


def user_can_see_data_quality(user) -> bool:
    return not editor_scope(user).nothing


def visible_ambiti(user):
    scope = editor_scope(user)
    ambiti = Ambito.objects.order_by("name")
    return ambiti if scope.everything else ambiti.filter(pk__in=scope.ambito_ids)


@dataclass
class Cell:
    kind: str
    label: str
    count: int
    url: str


def list_url(model, ambito, key) -> str:
    name = model.snippet_viewset.get_url_name("list")
    return reverse(name) + "?" + urlencode({"ambito": ambito.pk, "quality": key})


def ambito_rows(user):
    rows = []
    for ambito in visible_ambiti(user):
        cells = [
            Cell(
                kind=str(item.model._meta.verbose_name_plural),
                label=str(item.check.label),
                count=item.count,
                url=list_url(item.model, ambito, item.check.key),
            )
            for item in data_quality.counts(user, ambito.pk)
        ]
        rows.append((ambito, cells))
    return rows


class DataQualityView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "cms/admin/data_quality.html"
    page_title = _("Data quality")
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        if not user_can_see_data_quality(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = ambito_rows(self.request.user)
        context["csv_url"] = reverse("cms_data_quality") + "?export=csv"
        return context

    def csv_response(self) -> HttpResponse:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="data-quality.csv"'
        response.write("\ufeff")  # spreadsheet programs then read the accents right
        writer = csv.writer(response)
        writer.writerow([_("Ambito"), _("Records"), _("Check"), _("Count"), _("Link")])
        for ambito, cells in ambito_rows(self.request.user):
            for cell in cells:
                writer.writerow(
                    [ambito.name, cell.kind, cell.label, cell.count, self.request.build_absolute_uri(cell.url)]
                )
        return response
