"""Moderation of directory records by the moderators of the record's ambito."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _

from wagtail.models import AbstractGroupApprovalTask


class AmbitoGroupApprovalTask(AbstractGroupApprovalTask):
    """Members of the chosen groups approve, but only records inside their editor scope.

    A moderator whose editor membership covers the ambito of Lecco reviews the records of
    Lecco; records of Monza wait for the moderators of Monza (or network-wide ones).
    Pages and other content go through unchanged: for them this is a plain group approval.
    """

    class Meta:
        verbose_name = _("Group approval within the ambito")
        verbose_name_plural = _("Group approvals within the ambito")

    @classmethod
    def get_description(cls):
        return _("Members of the chosen groups approve directory records of the ambiti their editor membership covers.")

    @staticmethod
    def _is_directory_record(obj) -> bool:
        from .directory import Location, Organization, Service

        return isinstance(obj, (Organization, Location, Service))

    def may_review(self, obj, user) -> bool:
        """May this user approve or reject this object in this task?"""
        from ..permissions import user_may_edit_record

        if user.is_superuser:
            return True
        if not self._user_in_groups(user):
            return False
        return not self._is_directory_record(obj) or user_may_edit_record(user, obj)

    def user_can_access_editor(self, obj, user):
        return self.may_review(obj, user)

    def locked_for_user(self, obj, user):
        return not self.may_review(obj, user)

    def user_can_lock(self, obj, user):
        return self.may_review(obj, user)

    def get_actions(self, obj, user):
        if not self.may_review(obj, user):
            return []
        return super().get_actions(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser or not states.exists():
            return states
        from ..permissions import editor_scope, scope_filter
        from .directory import Location, Organization, Service

        scope = editor_scope(user)
        if scope.everything:
            return states
        directory_types = ContentType.objects.get_for_models(Organization, Location, Service)
        allowed = Q()
        for model, content_type in directory_types.items():
            ids = (
                model._default_manager.filter(scope_filter(model, scope))
                .annotate(pk_text=Cast("pk", CharField()))
                .values("pk_text")
            )
            allowed |= Q(workflow_state__base_content_type=content_type, workflow_state__object_id__in=ids)
        others = ~Q(workflow_state__base_content_type__in=list(directory_types.values()))
        return states.filter(others | allowed)
