"""Moderation of directory records by the moderators of the record's ambito."""

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
        from ..permissions import workflow_states_in_scope

        states = super().get_task_states_user_can_moderate(user, **kwargs)
        if user.is_superuser or not states.exists():
            return states
        return states.filter(workflow_states_in_scope(user, "workflow_state__"))
