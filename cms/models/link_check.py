"""The last answer of each website address of the directory (``manage.py check_links``)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LinkCheck(models.Model):
    url = models.URLField(_("address"), max_length=500, unique=True)
    ok = models.BooleanField(_("answers"), default=True)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    checked_at = models.DateTimeField(_("checked"))

    class Meta:
        ordering = ["url"]
        verbose_name = _("link check")
        verbose_name_plural = _("link checks")

    def __str__(self):
        return self.url
