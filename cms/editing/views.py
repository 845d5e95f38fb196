"""Snippet views of directory records that check the record, not only the model.

Wagtail 8's generic edit, delete, publish, lock and workflow views ask the permission policy
about the *model* ("may this user change services?"). Here every view that reaches one record
also asks about *that record* ("may this user change this service, in Monza?") before doing
anything, and answers 403 (Wagtail's "permission denied" redirect) when the answer is no.
The listing and the chooser only offer the records the user may edit.

Views not replaced here already ask the policy about the record: copying (``CopyViewMixin``),
previewing (``PreviewOnEdit``) and the bulk delete (``DeleteBulkAction.check_perm``).
"""

from functools import reduce
from operator import or_

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser as chooser_views
from wagtail.snippets.views import snippets as snippet_views

from .. import publishing
from ..permissions import editor_scope, is_administrator, linkable_organizations, records_in_scope, user_may_edit_record


class RecordPermissionMixin:
    """Checks ``record_permission`` on the records the view acts on, before dispatching.

    ``record_permission = None`` checks only that the record lies in the user's scope, for views
    whose action permission Wagtail decides otherwise (locking and workflow tasks, read-only pages).
    """

    record_permission = None

    def get_records_to_check(self):
        return [getattr(self, "object", None)]

    def user_may_act_on(self, record) -> bool:
        user = self.request.user
        if self.record_permission is None:
            return user_may_edit_record(user, record)
        policy = policy_registry.get_by_type(self.model)
        return policy.user_has_permission_for_instance(user, self.record_permission, record)

    def dispatch(self, request, *args, **kwargs):
        for record in self.get_records_to_check():
            if record is not None and not self.user_may_act_on(record):
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class IndexView(snippet_views.IndexView):
    """Lists only the records the user may edit."""

    def get_base_queryset(self):
        return records_in_scope(super().get_base_queryset(), self.request.user)


class CreateView(snippet_views.CreateView):
    """Adding a record: no autosave. Autosaving an "add" form creates a draft record on the first
    keystroke pause, so a form left unsaved (or opened five times) left duplicates in the directory."""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.autosave_enabled = False


class EditView(RecordPermissionMixin, snippet_views.EditView):
    """Editing, saving drafts, publishing, submitting, reverting: the live record and the draft
    being edited must both be in scope (a reviewer of the current workflow task may open it too).
    Publishing or approving a service whose organisation or locations are not published is refused,
    naming them, before anything is saved."""

    record_permission = "change"

    def would_publish(self) -> bool:
        return self.action == "publish" or (self.action == "workflow-action" and self.workflow_action == "approve")

    def form_valid(self, form):
        if self.would_publish():
            pending = publishing.unpublished_dependencies(
                organization=form.cleaned_data.get("organization"), locations=form_locations(form)
            )
            if pending:
                message = publishing.publish_first_message(pending)
                form.add_error(None, message)
                self.produced_error_message = message
                return self.form_invalid(form)
        return super().form_valid(form)

    def get_records_to_check(self):
        return [self.live_object, self.object]

    def user_may_act_on(self, record) -> bool:
        if super().user_may_act_on(record):
            return True
        task = self.current_workflow_task
        return bool(task and task.user_can_access_editor(record, self.request.user))


class DeleteView(RecordPermissionMixin, snippet_views.DeleteView):
    record_permission = "delete"


class UnpublishView(RecordPermissionMixin, snippet_views.UnpublishView):
    record_permission = "publish"


class RevisionsUnscheduleView(RecordPermissionMixin, snippet_views.RevisionsUnscheduleView):
    record_permission = "publish"


class LockView(RecordPermissionMixin, snippet_views.LockView):
    pass


class UnlockView(RecordPermissionMixin, snippet_views.UnlockView):
    pass


class WorkflowActionView(RecordPermissionMixin, snippet_views.WorkflowActionView):
    """Approving from the dashboard or the listing: refused, with the same message, when the record's
    organisation or locations are not published."""

    def post(self, request, *args, **kwargs):
        if self.action_name == "approve":
            pending = publishing.dependencies_of(self.object.get_latest_revision_as_object())
            if pending:
                messages.error(request, publishing.publish_first_message(pending))
                return redirect(self.model.snippet_viewset.get_url_name("edit"), self.object.pk)
        return super().post(request, *args, **kwargs)


def form_locations(form) -> list:
    """The locations a service form would save (its inline rows not marked for deletion)."""
    formset = getattr(form, "formsets", {}).get("service_at_locations")
    if formset is None:
        return []
    rows = (getattr(child, "cleaned_data", None) or {} for child in formset.forms)
    return [row["location"] for row in rows if row.get("location") and not row.get("DELETE")]


class CollectWorkflowActionDataView(RecordPermissionMixin, snippet_views.CollectWorkflowActionDataView):
    pass


class ConfirmWorkflowCancellationView(RecordPermissionMixin, snippet_views.ConfirmWorkflowCancellationView):
    pass


class WorkflowPreviewView(RecordPermissionMixin, snippet_views.WorkflowPreviewView):
    pass


class HistoryView(RecordPermissionMixin, snippet_views.HistoryView):
    pass


class UsageView(RecordPermissionMixin, snippet_views.UsageView):
    pass


class InspectView(RecordPermissionMixin, snippet_views.InspectView):
    pass


class PreviewRevisionView(RecordPermissionMixin, snippet_views.PreviewRevisionView):
    pass


class RevisionsCompareView(RecordPermissionMixin, snippet_views.RevisionsCompareView):
    pass


class WorkflowHistoryView(RecordPermissionMixin, snippet_views.WorkflowHistoryView):
    pass


class WorkflowHistoryDetailView(RecordPermissionMixin, snippet_views.WorkflowHistoryDetailView):
    pass


class NameSearchForm(BaseFilterForm):
    """The chooser's search box: finds records whose name (or another of ``search_fields``) contains the
    words typed, in the database, so that it needs no search index ("lec" finds Lecco)."""

    search_fields = ("name",)
    q = forms.CharField(
        label=_("Search term"), required=False, widget=forms.TextInput(attrs={"placeholder": _("Search by name")})
    )

    def filter(self, objects):
        objects = super().filter(objects)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            for word in query.split():
                objects = objects.filter(
                    reduce(or_, (Q(**{f"{field}__icontains": word}) for field in self.search_fields))
                )
            self.is_searching = True
            self.search_query = query
        return objects


def name_search_form(fields):
    return type("NameSearchForm", (NameSearchForm,), {"search_fields": tuple(fields)})


class ScopedChooseViewMixin:
    def get_object_list(self):
        return self.filter_choices(super().get_object_list(), self.request.user)


class ScopedChooserViewSet(chooser_views.SnippetChooserViewSet):
    """A chooser offering only the records the user may edit (used to attach locations to a service),
    searchable by name."""

    filter_choices = staticmethod(records_in_scope)
    search_fields = ("name", "municipality__name")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        attributes = {
            "filter_choices": staticmethod(self.filter_choices),
            "filter_form_class": name_search_form(self.search_fields),
        }
        self.choose_view_class = type("ChooseView", (ScopedChooseViewMixin, chooser_views.ChooseView), {**attributes})
        self.choose_results_view_class = type(
            "ChooseResultsView", (ScopedChooseViewMixin, chooser_views.ChooseResultsView), {**attributes}
        )


class OrganizationChooserViewSet(ScopedChooserViewSet):
    """Organisations an editor may attach locations and services to: those of their ambiti and those that
    declare they work there (consortia, network-wide associations). Linking does not widen anyone's scope:
    a service's scope comes from its locations."""

    filter_choices = staticmethod(linkable_organizations)


def comuni_in_scope(queryset, user):
    """The comuni an editor may place records in: those of their ambiti (every comune network-wide)."""
    scope = editor_scope(user)
    if scope.everything or is_administrator(user):  # administrators place people's offices anywhere
        return queryset
    return queryset.filter(ambito_id__in=scope.ambito_ids)


class MunicipalityChooserViewSet(ScopedChooserViewSet):
    """The comune chooser: the comuni of the editor's ambiti, searchable by name, CAP or ISTAT code."""

    filter_choices = staticmethod(comuni_in_scope)
    search_fields = ("name", "cap", "istat_code")


SCOPED_VIEW_CLASSES = {
    "add_view_class": CreateView,
    "index_view_class": IndexView,
    "edit_view_class": EditView,
    "delete_view_class": DeleteView,
    "unpublish_view_class": UnpublishView,
    "revisions_unschedule_view_class": RevisionsUnscheduleView,
    "lock_view_class": LockView,
    "unlock_view_class": UnlockView,
    "workflow_action_view_class": WorkflowActionView,
    "collect_workflow_action_data_view_class": CollectWorkflowActionDataView,
    "confirm_workflow_cancellation_view_class": ConfirmWorkflowCancellationView,
    "workflow_preview_view_class": WorkflowPreviewView,
    "history_view_class": HistoryView,
    "usage_view_class": UsageView,
    "inspect_view_class": InspectView,
    "revisions_view_class": PreviewRevisionView,
    "revisions_compare_view_class": RevisionsCompareView,
    "workflow_history_view_class": WorkflowHistoryView,
    "workflow_history_detail_view_class": WorkflowHistoryDetailView,
}
