from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Public search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import checks, client, signals  # noqa: F401  (system checks; settings reset; index sync receivers)
