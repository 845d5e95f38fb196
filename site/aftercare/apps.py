from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AftercareConfig(AppConfig):
    """The project itself, as an app: site-wide templates, static files, health checks, commands."""

    name = "aftercare"
    verbose_name = _("After Care Network")
