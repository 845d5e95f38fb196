"""Directory › Import and export: upload a spreadsheet, see every problem, confirm; download the directory."""

import uuid
from datetime import timedelta
from pathlib import PurePath

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, View

from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.permissions import policy_registry

from ..models import Location, Organization, Service
from ..spreadsheet import export_directory, import_directory, write_spreadsheet
from ..spreadsheet.columns import REQUIRED_COLUMNS, all_columns

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
SESSION_KEY = "cms_directory_import"
# Between the check and the confirmation the file waits in the default storage under an unguessable name.
STORAGE_DIRECTORY = "directory-imports"


def user_can_import(user) -> bool:
    """Importing publishes: moderators (publish permission) with an editor membership, and superusers."""
    return all(
        policy_registry.get_by_type(model).user_has_permission(user, action)
        for model in (Organization, Location, Service)
        for action in ("add", "change", "publish")
    )


def user_can_export(user) -> bool:
    return policy_registry.get_by_type(Service).user_has_any_permission(user, {"add", "change", "publish"})


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet"),
        help_text=gettext_lazy("An Excel workbook (.xlsx, first sheet) or a CSV file saved as UTF-8, at most 10 MB."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if PurePath(upload.name).suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError(_("Choose an .xlsx or a .csv file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB: split it into smaller files."))
        return upload


class ImportView(WagtailAdminTemplateMixin, FormView):
    """Step 1: upload and check (nothing is written); step 2: confirm and import.

    Who may use it: moderators (publish permission on organisations, locations and services) with an
    editor membership, and superusers. Rows outside the editor's ambito are refused, row by row.
    """

    template_name = "cms/admin/directory_import.html"
    form_class = UploadForm
    page_title = gettext_lazy("Import and export")
    header_icon = "table"

    def dispatch(self, request, *args, **kwargs):
        if not user_can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            required_columns=REQUIRED_COLUMNS,
            all_columns=all_columns(),
            export_url=reverse("cms_directory_export"),
            confirm_url=reverse("cms_directory_import_confirm"),
        )
        return context

    def form_valid(self, form):
        upload = form.cleaned_data["file"]
        data = upload.read()
        result = import_directory(data=data, filename=upload.name, user=self.request.user, dry_run=True)
        context = self.get_context_data(
            form=form, result=result, filename=upload.name, summary=summarise(result) if result.ok else []
        )
        if result.ok:
            _forget_pending(self.request)
            _remove_abandoned_uploads()
            suffix = PurePath(upload.name).suffix.lower()
            stored = default_storage.save(f"{STORAGE_DIRECTORY}/{uuid.uuid4().hex}{suffix}", ContentFile(data))
            self.request.session[SESSION_KEY] = {
                "path": stored,
                "filename": upload.name,
                "checked_at": timezone.now().isoformat(),
            }
        return self.render_to_response(context)


class ConfirmImportView(View):
    """Imports the file checked in step 1 (checked again: the directory may have changed meanwhile).

    Who may use it: as :class:`ImportView`.
    """

    def post(self, request):
        if not user_can_import(request.user):
            raise PermissionDenied
        pending = request.session.get(SESSION_KEY)
        if not pending or not default_storage.exists(pending["path"]):
            messages.error(request, _("There is no checked file to import: upload it again."))
            return redirect("cms_directory_import")
        with default_storage.open(pending["path"], "rb") as handle:
            data = handle.read()
        result = import_directory(data=data, filename=pending["filename"], user=request.user)
        _forget_pending(request)
        if not result.ok:
            for error in result.errors[:20]:
                messages.error(request, str(error))
            messages.error(request, _("Nothing was imported: the file no longer passes the checks."))
            return redirect("cms_directory_import")
        messages.success(
            request,
            _("Imported %(file)s: %(created)s records created, %(updated)s updated, %(unchanged)s services unchanged.")
            % {
                "file": pending["filename"],
                "created": sum(result.created.values()),
                "updated": sum(result.updated.values()),
                "unchanged": result.unchanged,
            },
        )
        return redirect("wagtailsnippets_cms_service:list")


MODELS_BY_KIND = {"organization": Organization, "location": Location, "service": Service}


def summarise(result) -> list[str]:
    """Lines such as "New services: 3" for the confirmation step."""
    lines = []
    for label, counter in (
        (_("New %(kind)s: %(count)s"), result.created),
        (_("Changed %(kind)s: %(count)s"), result.updated),
    ):
        for kind, count in sorted(counter.items()):
            lines.append(label % {"kind": MODELS_BY_KIND[kind]._meta.verbose_name_plural, "count": count})
    return lines


def _forget_pending(request):
    pending = request.session.pop(SESSION_KEY, None)
    if pending and default_storage.exists(pending["path"]):
        default_storage.delete(pending["path"])


def _remove_abandoned_uploads(max_age=timedelta(days=1)):
    """Checked files never confirmed (the editor went away) are deleted after a day."""
    try:
        _folders, files = default_storage.listdir(STORAGE_DIRECTORY)
    except (FileNotFoundError, NotImplementedError):
        return
    for name in files:
        path = f"{STORAGE_DIRECTORY}/{name}"
        try:
            if timezone.now() - default_storage.get_modified_time(path) > max_age:
                default_storage.delete(path)
        except (FileNotFoundError, NotImplementedError):
            continue


class ExportView(View):
    """Downloads the services the user may edit in the import's format (``?format=csv`` or xlsx).

    Who may use it: editors and moderators of the directory (their ambito's records), superusers (all).
    """

    def get(self, request):
        if not user_can_export(request.user):
            raise PermissionDenied
        extension = "csv" if request.GET.get("format") == "csv" else "xlsx"
        filename = f"directory-{timezone.localdate().isoformat()}.{extension}"
        rows = export_directory(user=request.user)
        content_type = (
            "text/csv; charset=utf-8"
            if extension == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(write_spreadsheet(rows, filename), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
