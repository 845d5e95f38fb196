"""The geography of the network: 8 ambiti (social-service districts) and their 139 comuni.

Loaded from cms/data/comuni_mb_lc.csv by a data migration (sources in cms/data/SOURCES.md).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Province(models.TextChoices):
    MONZA_BRIANZA = "MB", _("Monza and Brianza")
    LECCO = "LC", _("Lecco")


class Ambito(models.Model):
    """A social-service district (ambito territoriale) grouping several comuni."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("ambito")
        verbose_name_plural = _("ambiti")

    def __str__(self):
        return self.name


class Municipality(models.Model):
    """A comune, identified by its ISTAT code (text: it has a leading zero)."""

    istat_code = models.CharField(
        _("ISTAT code"),
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", _("An ISTAT code has exactly six digits."))],
        help_text=_("Six digits, as published by ISTAT (for example 097042)."),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    province = models.CharField(_("province"), max_length=2, choices=Province.choices)
    ambito = models.ForeignKey(
        Ambito,
        verbose_name=_("ambito"),
        on_delete=models.PROTECT,
        related_name="municipalities",
        help_text=_("Moving a comune to another ambito is recorded in its ambito history."),
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    cap = models.CharField(
        _("postal code (CAP)"), max_length=5, validators=[RegexValidator(r"^\d{5}$", _("A CAP has five digits."))]
    )
    population = models.PositiveIntegerField(_("population"))
    population_year = models.PositiveSmallIntegerField(_("population year"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        indexes = [models.Index(fields=["ambito", "name"])]

    def __str__(self):
        return f"{self.name} ({self.province})"


class MunicipalityAmbitoChange(models.Model):
    """One move of a comune from one ambito to another: districts change rarely, and history is kept."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="ambito_changes")
    previous_ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="+")
    new_ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField(auto_now_add=True)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-changed_at", "-id"]
        verbose_name = _("ambito change")
        verbose_name_plural = _("ambito changes")

    def __str__(self):
        return f"{self.municipality}: {self.previous_ambito} → {self.new_ambito}"
