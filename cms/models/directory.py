"""The service directory, shaped after Open Referral HSDS 3.0: organisations, services, locations.

Every record has drafts, revisions, moderation workflows, scheduled publishing and locking
(Wagtail snippets with the matching mixins). The database row always holds the live
(published) version; drafts live in revisions. Translated fields are registered in
cms/translation.py; Italian is the source language and the fallback.
"""

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import (
    DraftStateMixin,
    LockableMixin,
    Orderable,
    PreviewableMixin,
    RevisionMixin,
    WorkflowMixin,
)

from . import public
from .base import DirectoryRecord

phone_validator = RegexValidator(
    r"^\+?[0-9 ()./-]{5,25}$", _("Enter a phone number with digits, spaces and an optional leading +.")
)


class PublishableRecord(
    WorkflowMixin, DraftStateMixin, LockableMixin, RevisionMixin, PreviewableMixin, DirectoryRecord
):
    """A directory record with Wagtail's editorial features."""

    class Meta:
        abstract = True

    def get_preview_template(self, request, mode_name):
        return "cms/previews/directory_record.html"


class Organization(PublishableRecord, ClusterableModel):
    class Kind(models.TextChoices):
        PUBLIC_OFFICE = "public_office", _("Public office")
        SOCIAL_COOPERATIVE = "social_cooperative", _("Social cooperative")
        CONSORTIUM = "consortium", _("Consortium of cooperatives")
        VOLUNTEER_ASSOCIATION = "volunteer_association", _("Volunteer association")
        OTHER = "other", _("Other")

    objects = public.OrganizationManager()

    name = models.CharField(_("name"), max_length=200, help_text=_("The official name; it is not translated."))
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        "cms.Municipality",
        verbose_name=_("registered seat (comune)"),
        on_delete=models.PROTECT,
        related_name="organizations",
        help_text=_("The comune of the seat; it decides which ambito's editors may edit the organisation."),
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    ambiti = ParentalManyToManyField(
        "cms.Ambito", verbose_name=_("ambiti covered"), blank=True, related_name="organizations"
    )
    municipalities = ParentalManyToManyField(
        "cms.Municipality",
        verbose_name=_("comuni covered"),
        blank=True,
        related_name="covering_organizations",
        help_text=_("Only when the organisation covers some comuni rather than whole ambiti."),
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    external_id = models.CharField(
        _("external id"), max_length=100, unique=True, null=True, blank=True, help_text=_("Key used by imports.")
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class Location(PublishableRecord, ClusterableModel):
    """A place where services are offered."""

    objects = public.LocationManager()

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.CASCADE, related_name="locations"
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("For example: Sportello di Lecco, sede centrale."))
    address = models.CharField(_("address"), max_length=255, help_text=_("Street and number."))
    municipality = models.ForeignKey(
        "cms.Municipality", verbose_name=_("comune"), on_delete=models.PROTECT, related_name="locations"
    )
    cap = models.CharField(
        _("postal code (CAP)"), max_length=5, validators=[RegexValidator(r"^\d{5}$", _("A CAP has five digits."))]
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-90), MaxValueValidator(90)]
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, validators=[MinValueValidator(-180), MaxValueValidator(180)]
    )
    opening_hours = models.TextField(
        _("opening hours"), blank=True, help_text=_("For example: Monday to Friday 9:00–12:30; Thursday 14:00–17:00.")
    )
    accessibility = models.TextField(
        _("accessibility notes"), blank=True, help_text=_("Steps, lifts, accessible toilets, public transport nearby.")
    )
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    external_id = models.CharField(_("external id"), max_length=100, unique=True, null=True, blank=True)

    class Meta:
        ordering = ["municipality__name", "name", "id"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")

    def __str__(self):
        return f"{self.name}, {self.municipality.name}"


class Service(PublishableRecord, ClusterableModel):
    class Cost(models.TextChoices):
        FREE = "free", _("Free")
        REDUCED = "reduced", _("Reduced fee")
        PAID = "paid", _("Paid")

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        INACTIVE = "inactive", _("Inactive")
        TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")

    objects = public.ServiceManager()

    organization = models.ForeignKey(
        Organization, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="services"
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"))
    how_to_access = models.TextField(
        _("how to access"), blank=True, help_text=_("What to do to get the service: call, book, walk in, documents.")
    )
    eligibility = models.TextField(_("eligibility"), blank=True, help_text=_("Who can use the service."))
    cost = models.CharField(_("cost"), max_length=10, choices=Cost.choices, default=Cost.FREE)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    themes = ParentalManyToManyField("cms.Theme", verbose_name=_("themes"), related_name="services")
    target_groups = ParentalManyToManyField(
        "cms.TargetGroup", verbose_name=_("target groups"), blank=True, related_name="services"
    )
    languages_spoken = ParentalManyToManyField(
        "cms.SpokenLanguage",
        verbose_name=_("languages spoken"),
        blank=True,
        related_name="services",
        help_text=_("Languages spoken by the staff or the mediators of the service."),
    )
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    website = models.URLField(_("website"), blank=True)
    external_id = models.CharField(
        _("external id"),
        max_length=100,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Stable key of the spreadsheet import: re-importing updates the record."),
    )

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        indexes = [models.Index(fields=["status", "live"])]

    def __str__(self):
        return self.name

    @property
    def is_public(self) -> bool:
        """Anyone may see it: as ``Service.objects.public()`` (published, of a published organisation)."""
        return self.live and self.organization.live

    @property
    def is_available(self) -> bool:
        """It can be searched and referred to now: as ``Service.objects.available()`` (public and active)."""
        return self.is_public and self.status == self.Status.ACTIVE


class ServiceAtLocation(Orderable):
    """A service offered at a location (HSDS ``service_at_location``)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    service = ParentalKey(Service, on_delete=models.CASCADE, related_name="service_at_locations")
    location = models.ForeignKey(
        Location, verbose_name=_("location"), on_delete=models.CASCADE, related_name="service_at_locations"
    )

    objects = public.ServiceAtLocationManager()

    class Meta(Orderable.Meta):
        verbose_name = _("location of the service")
        verbose_name_plural = _("locations of the service")
        constraints = [models.UniqueConstraint(fields=["service", "location"], name="unique_service_location")]

    def __str__(self):
        return f"{self.service} @ {self.location}"
