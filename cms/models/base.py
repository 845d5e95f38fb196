"""What every translated directory record shares."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class SourceLanguageMixin(models.Model):
    """Saves the untranslated base columns with the Italian values.

    django-modeltranslation keeps one column per language (``name_it``, ``name_en``…) and the
    base column (``name``) gets whatever language was active when the record was saved.
    Saving under the source language keeps the base columns equal to Italian, so listings,
    ordering and database constraints never depend on the last editor's language.
    """

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        with translation.override(settings.LANGUAGE_CODE):
            return super().save(*args, **kwargs)


class DirectoryRecord(SourceLanguageMixin, models.Model):
    """Identity and bookkeeping of organisations, services and locations."""

    uuid = models.UUIDField(
        _("UUID"), default=uuid.uuid4, unique=True, editable=False, help_text=_("Public identifier; never changes.")
    )
    is_sample = models.BooleanField(
        _("sample data"),
        default=False,
        help_text=_("Invented record of the demo content. Sample records are marked as such on the site and in APIs."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    class Meta:
        abstract = True


class VerifiedRecord(models.Model):
    """When a record was last checked as correct, and by whom (HSDS ``assured_date``, ``assurer_email``)."""

    assured_date = models.DateField(
        _("verified on"),
        null=True,
        blank=True,
        help_text=_('The day someone last checked that the record is correct. Tick "Mark as verified" to set it.'),
    )
    assurer_email = models.EmailField(
        _("verified by"), blank=True, help_text=_("The e-mail address of whoever last checked the record.")
    )

    class Meta:
        abstract = True
