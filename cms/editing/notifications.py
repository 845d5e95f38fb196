"""Who is told by e-mail that a record awaits review.

Wagtail's stock notifier writes to every member of the approval task's groups (and to every
superuser). With :class:`~cms.models.AmbitoGroupApprovalTask` a moderator may review only the
directory records of the ambiti their editor membership covers, so a record of Lecco is announced
to the moderators who can act on it, not to those of Monza, who would find nothing to do.
"""

from wagtail.admin.mail import GroupApprovalTaskStateSubmissionEmailNotifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

# Wagtail connects its own notifier under this id; ours takes its place.
DISPATCH_UID = "group_approval_task_submitted_email_notification"


class ScopedGroupApprovalSubmissionNotifier(GroupApprovalTaskStateSubmissionEmailNotifier):
    def get_recipient_users(self, task_state: TaskState, **kwargs):
        recipients = super().get_recipient_users(task_state, **kwargs)
        task = task_state.task.specific
        may_review = getattr(task, "may_review", None)
        if may_review is None:  # a stock Wagtail task: its own rule
            return recipients
        content_object = task_state.workflow_state.content_object
        return {user for user in recipients.distinct() if may_review(content_object, user)}


notifier = ScopedGroupApprovalSubmissionNotifier()


def connect_scoped_notifications() -> None:
    """Replace Wagtail's submission notifier, whichever of the two apps is ready first."""
    task_submitted.disconnect(sender=TaskState, dispatch_uid=DISPATCH_UID)
    task_submitted.connect(notifier, sender=TaskState, dispatch_uid=DISPATCH_UID)
