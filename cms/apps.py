from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content and service directory")

    def ready(self):
        from .content_version import connect_content_version
        from .editing.exports import neutralise_csv_exports
        from .editing.notifications import connect_scoped_notifications
        from .permissions import register_permission_policies

        # Before any admin view asks Wagtail for a (fallback, model-level) policy.
        register_permission_policies()
        connect_scoped_notifications()
        connect_content_version()
        neutralise_csv_exports()
        self.mark_right_to_left_page_panels()

    @staticmethod
    def mark_right_to_left_page_panels():
        """wagtail-modeltranslation (whose ready() runs first) has expanded the page panels into one
        panel per language; the right-to-left ones get dir="rtl"."""
        from .editing.panels import mark_right_to_left_panels
        from .models import GuidelineIndexPage, GuidelinePage, HomePage

        for model in (HomePage, GuidelineIndexPage, GuidelinePage):
            for attribute in ("content_panels", "promote_panels", "settings_panels"):
                mark_right_to_left_panels(getattr(model, attribute, []), model)
            model.get_edit_handler.cache_clear()
