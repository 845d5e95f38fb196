"""The short form through which an organisation proposes changes to its public records."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Service
from ..models.directory import phone_validator
from .proposals import Proposal, changed_values, editable_fields

FIELD_LABELS = {
    "phone": _("Phone"),
    "email": _("E-mail"),
    "website": _("Website"),
    "how_to_access": _("How to access"),
}


def form_field(name: str) -> forms.Field:
    base = "how_to_access" if name.startswith("how_to_access") else name
    label = FIELD_LABELS[base]
    if base == "email":
        return forms.EmailField(label=label, required=False, max_length=254)
    if base == "website":
        return forms.URLField(label=label, required=False, max_length=200, assume_scheme="https")
    if base == "phone":
        return forms.CharField(label=label, required=False, max_length=30, validators=[phone_validator])
    return forms.CharField(label=label, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ProposalForm(forms.Form):
    """One group of fields per record (the organisation, then each public service), with the live values."""

    note = forms.CharField(
        label=_("Anything else the editors should know"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("For example: a service that has closed, a new office, new opening hours."),
    )

    def __init__(self, *args, records, language, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = []
        note = self.fields.pop("note")
        for record in records:
            prefix = f"r{record.uuid.hex}"
            names = []
            for name in editable_fields(record, language):
                key = f"{prefix}-{name}"
                self.fields[key] = form_field(name)
                self.initial.setdefault(key, getattr(record, name) or "")
                names.append((name, key))
            self.groups.append((record, names))
        self.fields["note"] = note

    def field_groups(self):
        """``(record, is_service, [bound fields])`` for the template."""
        return [
            (record, isinstance(record, Service), [self[key] for _name, key in names]) for record, names in self.groups
        ]

    def proposals(self) -> list[Proposal]:
        proposals = []
        for record, names in self.groups:
            values = {name: self.cleaned_data.get(key, "") for name, key in names}
            proposals.append(Proposal(record=record, changes=changed_values(record, values)))
        return proposals

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not any(p.changes for p in self.proposals()) and not cleaned.get("note"):
            raise forms.ValidationError(
                _('Nothing has changed. If everything is right, press "Still correct" instead.'), code="unchanged"
            )
        return cleaned
