"""Referrals: the Viewflow process between social services, network managers, organisations and volunteers."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

EVALUATION_GROUP = "Evaluation body"


def create_evaluation_group(sender, using="default", **kwargs):
    """The group of the evaluation body (IPRS): anonymous reports of the whole network, nothing else."""
    from django.contrib.auth.management import create_permissions
    from django.contrib.auth.models import Group, Permission

    create_permissions(sender, verbosity=0, using=using)  # this app's permissions may not exist yet
    permission = (
        Permission.objects.using(using).filter(content_type__app_label="referrals", codename="view_reports").first()
    )
    if permission is None:
        return
    group, _created = Group.objects.using(using).get_or_create(name=EVALUATION_GROUP)
    group.permissions.add(permission)


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Referrals")

    def ready(self):
        from . import signals  # noqa: F401 (connects the audit receivers)

        post_migrate.connect(create_evaluation_group, sender=self, dispatch_uid="referrals-evaluation-group")
