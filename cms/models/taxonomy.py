"""The small managed taxonomy of the directory: themes, target groups and spoken languages.

Codes are stable identifiers used by the APIs, the search facets, the spreadsheet import
and HSDS; names and descriptions are translated. Codes never change once created.
"""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

TAXONOMY_NAMESPACE = uuid.UUID("6f1d4c1e-8a54-4f0e-9a55-7c3b2f6a0e11")


class TaxonomyTerm(models.Model):
    code = models.SlugField(
        _("code"),
        max_length=50,
        unique=True,
        help_text=_("Stable identifier used by the APIs and the spreadsheet import; never change it."),
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        abstract = True
        ordering = ["sort_order", "code"]

    def __str__(self):
        return self.name or self.code

    @property
    def uuid(self) -> uuid.UUID:
        """A UUID derived from the code, so HSDS ids never change."""
        return uuid.uuid5(TAXONOMY_NAMESPACE, f"{self._meta.model_name}:{self.code}")


class Theme(TaxonomyTerm):
    """What a service helps with: housing, financial education, rights and documents…"""

    icon = models.CharField(_("icon"), max_length=50, blank=True, help_text=_("Name of an icon of the public site."))

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("theme")
        verbose_name_plural = _("themes")


class TargetGroup(TaxonomyTerm):
    """Who a service or an intervention model is for: families, women, minors…"""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class SpokenLanguage(models.Model):
    """A language that staff or mediators of a service speak, by ISO 639-1 code (ISO 639-3 when none exists)."""

    code = models.CharField(_("ISO 639 code"), max_length=3, primary_key=True)
    name = models.CharField(_("English name"), max_length=60)
    native_name = models.CharField(_("native name"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("spoken language")
        verbose_name_plural = _("spoken languages")

    def __str__(self):
        return f"{self.native_name} ({self.code})"
