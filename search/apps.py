from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Public search")

    def ready(self):
        from . import client  # noqa: F401  (drops the cached connection when settings change)
