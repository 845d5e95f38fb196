"""Admin forms of directory records: the ambito scope of editors, slugs and defaults (the per-language
widgets come from ``cms.language_forms``)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from wagtail.admin.forms import WagtailAdminModelForm

from ..language_forms import LanguageAwareFormMixin
from ..permissions import editor_scope
from ..slugs import unique_slug

OUTSIDE_SCOPE = _(
    "You may edit only records in the comuni of your ambito (%(ambiti)s). "
    "Ask an editor of the whole network to change records elsewhere."
)


def _ambito_names(scope) -> str:
    from ..models import Ambito

    return ", ".join(Ambito.objects.filter(pk__in=scope.ambito_ids).order_by("name").values_list("name", flat=True))


class DirectoryRecordForm(LanguageAwareFormMixin, WagtailAdminModelForm):
    """Form of organisations, locations and services for editors with an ambito scope.

    The choices of comuni and of locations only offer those of the editor's ambiti, and the
    record as it would be saved must lie inside the scope: an editor of Lecco cannot move a
    record to Monza, nor attach a location of Monza to a service.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope = editor_scope(self.for_user)
        if self.scope.everything:
            return
        from ..models import Location, Municipality

        message = self.outside_scope_message()
        if "municipality" in self.fields:
            field = self.fields["municipality"]
            field.queryset = Municipality.objects.filter(ambito_id__in=self.scope.ambito_ids)
            field.error_messages["invalid_choice"] = message
        formset = self.formsets.get("service_at_locations")
        if formset is not None:
            allowed = Location.objects.filter(municipality__ambito_id__in=self.scope.ambito_ids)
            for child in formset.forms:
                if "location" in child.fields:
                    child.fields["location"].queryset = allowed
                    child.fields["location"].error_messages["invalid_choice"] = message

    def outside_scope_message(self) -> str:
        return OUTSIDE_SCOPE % {"ambiti": _ambito_names(self.scope) or "—"}

    def resulting_ambito_ids(self) -> set[int]:
        """The ambiti the record will lie in once saved (read from the validated form)."""
        from ..models import Location, Municipality

        data = self.cleaned_data
        if "municipality" in self.fields:
            municipality = data.get("municipality")
            return {municipality.ambito_id} if municipality else set()
        formset = self.formsets.get("service_at_locations")
        location_ids = set()
        if formset is not None:
            for child in formset.forms:
                cleaned = getattr(child, "cleaned_data", None) or {}
                if cleaned.get("location") and not cleaned.get("DELETE"):
                    location_ids.add(cleaned["location"].pk)
        if location_ids:
            return set(Location.objects.filter(pk__in=location_ids).values_list("municipality__ambito_id", flat=True))
        organization = data.get("organization")
        if organization is not None:
            return set(Municipality.objects.filter(pk=organization.municipality_id).values_list("ambito_id", flat=True))
        return set()

    def is_valid(self):
        valid = super().is_valid()
        if valid and not self.scope.everything and not self.scope.covers(self.resulting_ambito_ids()):
            self.add_error(None, forms.ValidationError(self.outside_scope_message(), code="outside_scope"))
            return False
        return valid


class OrganizationForm(DirectoryRecordForm):
    """Fills the slug from the name when the editor leaves it empty."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("slug") and cleaned.get("name"):
            cleaned["slug"] = unique_slug(self._meta.model, cleaned["name"], exclude_pk=self.instance.pk)
        return cleaned


class LocationForm(DirectoryRecordForm):
    """Takes the CAP and the coordinates from the comune when the editor leaves them empty."""

    DEFAULTS_FROM_COMUNE = ("cap", "latitude", "longitude")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.DEFAULTS_FROM_COMUNE:
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        cleaned = super().clean()
        municipality = cleaned.get("municipality")
        if municipality is not None:
            for name in self.DEFAULTS_FROM_COMUNE:
                if name in self.fields and cleaned.get(name) in (None, "") and name not in self.errors:
                    cleaned[name] = getattr(municipality, name)
        return cleaned
