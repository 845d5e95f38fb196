"""The start form of the staff pages: choices by name, errors in plain words next to their field.

The form only parses and checks what was typed; ``referrals.services.referral_start`` decides (the
same service the API calls). A refused form is shown again with everything typed and nothing written.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cms.models import Ambito, Municipality, SpokenLanguage, Theme
from cms.models.geography import Province

from .labels import language_name
from .models import Beneficiary, Consent, Urgency
from .permissions import Scope
from .serializers import public_services

REQUIRED = _("This is needed: please fill it in.")


def language_choices() -> list[tuple[str, str]]:
    """Every language of the directory, by its name in the interface language, alphabetically."""
    rows = [(lang.code, language_name(lang.code, fallback=lang.name)) for lang in SpokenLanguage.objects.all()]
    return sorted(rows, key=lambda row: row[1].casefold())


def municipality_choices() -> list:
    """The 139 comuni of the network by name, grouped by province."""
    groups = {code: [] for code, _label in Province.choices}
    for istat_code, name, province in Municipality.objects.order_by("name").values_list(
        "istat_code", "name", "province"
    ):
        groups.setdefault(province, []).append((istat_code, name))
    return [(label, groups[code]) for code, label in Province.choices if groups.get(code)]


def resolve_choice(value: str, choices) -> str | None:
    """The value of a choice given by its value or by its label (case-insensitive): "arabo" → "ar"."""
    value = (value or "").strip()
    flat = []
    for key, label in choices:
        flat.extend(label if isinstance(label, list) else [(key, label)])
    for key, label in flat:
        if value == key or value.casefold() == str(label).casefold():
            return key
    return None


class LenientChoiceField(forms.ChoiceField):
    """A choice that also accepts its label as typed, for people and old links."""

    def to_python(self, value):
        value = super().to_python(value)
        return resolve_choice(value, self.choices) or value if value else value


class ReferralDetailsForm(forms.Form):
    """What a social worker writes about a referral: the person's contact, the need, where and when."""

    first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        error_messages={"invalid": _("Write the e-mail as name@example.org, or leave it empty.")},
    )
    theme = forms.ModelChoiceField(
        label=_("Theme"),
        queryset=Theme.objects.all(),
        to_field_name="code",
        empty_label=None,
        error_messages={"required": REQUIRED, "invalid_choice": _("Choose a theme from the list.")},
    )
    need = forms.CharField(
        label=_("Need"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the person needs, in a few sentences. Volunteers read it."),
        error_messages={"required": _("Describe what the person needs.")},
    )
    case_notes = forms.CharField(
        label=_("Case notes"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Never shown to volunteers."),
    )
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL, widget=forms.RadioSelect
    )
    preferred_language = LenientChoiceField(
        label=_("Preferred language"),
        required=False,
        error_messages={"invalid_choice": _("Choose a language from the list.")},
    )
    municipality = LenientChoiceField(
        label=_("Where the help is needed (comune)"),
        error_messages={"required": REQUIRED, "invalid_choice": _("Choose a comune of the network from the list.")},
    )
    availability = forms.CharField(
        label=_("When the person is available"),
        required=False,
        max_length=200,
        help_text=_("For example: Tuesday mornings."),
    )

    # Fields of the service's errors that are not fields of this form.
    SERVICE_ERROR_FIELDS = {"beneficiary": "beneficiary_code", "consent": "consent_given_on", "organization": "service"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.scope = Scope.of(user)
        self.fields["preferred_language"].choices = [("", _("Not known"))] + language_choices()
        self.fields["municipality"].choices = [("", _("Choose a comune"))] + municipality_choices()
        for name in ("preferred_language", "municipality"):
            self.fields[name].widget.attrs["data-filterable"] = "1"

    def clean_preferred_language(self):
        code = self.cleaned_data["preferred_language"]
        return SpokenLanguage.objects.filter(code=code).first() if code else None

    def clean_municipality(self):
        return Municipality.objects.get(istat_code=self.cleaned_data["municipality"])

    def details(self) -> dict:
        data = self.cleaned_data
        names = ("theme", "need", "case_notes", "urgency", "preferred_language", "municipality", "availability")
        return {name: data[name] for name in names}

    def personal_data(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("first_name", "last_name", "phone", "email")}

    def add_service_errors(self, error) -> None:
        """Puts the service's refusal (a Django ``ValidationError``) next to the fields it concerns."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for field, messages in error.message_dict.items():
            name = self.SERVICE_ERROR_FIELDS.get(field, field)
            self.add_error(name if name in self.fields else None, messages)


class ReferralEditForm(ReferralDetailsForm):
    """A draft, or a referral returned for more information, corrected by its office."""

    field_order = ["first_name", "last_name", "phone", "email"]

    @classmethod
    def initial_of(cls, referral) -> dict:
        personal = getattr(referral.beneficiary, "personal_data", None)
        initial = {
            "theme": referral.theme.code,
            "need": referral.need,
            "case_notes": referral.case_notes,
            "urgency": referral.urgency,
            "preferred_language": referral.preferred_language_id or "",
            "municipality": referral.municipality.istat_code,
            "availability": referral.availability,
        }
        if personal is not None:
            initial.update(
                first_name=personal.first_name, last_name=personal.last_name, phone=personal.phone, email=personal.email
            )
        return initial

    def clean(self):
        data = super().clean()
        if "first_name" in self.data and not data.get("first_name"):
            self.add_error("first_name", _("Write the person's first name."))
        return data


class ReferralStartForm(ReferralDetailsForm):
    service = forms.ModelChoiceField(
        queryset=public_services(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Choose the service again from the directory."),
            "invalid_choice": _("This service is no longer in the directory: choose another one."),
        },
    )
    office = forms.ChoiceField(label=_("Office"), required=False)
    beneficiary_code = forms.CharField(
        label=_("Code of a person already on file"),
        required=False,
        max_length=20,
        help_text=_("For example B-7K3Q-9XW2. Leave empty for a new person."),
    )
    consent_given_on = forms.DateField(
        label=_("Consent given on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Write the date as day, month and year.")},
    )
    consent_method = forms.ChoiceField(label=_("How the consent was given"), required=False)
    consent_reference = forms.CharField(
        label=_("Document reference"), required=False, max_length=100, help_text=_("For example the protocol number.")
    )
    submit = forms.BooleanField(label=_("Submit for triage now"), required=False)

    field_order = ["service", "office", "beneficiary_code", "first_name", "last_name", "phone", "email"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["consent_method"].choices = [("", _("Choose how"))] + list(Consent.Method.choices)
        offices = self.office_choices()
        self.fields["office"].choices = offices
        if len(offices) > 1:
            self.fields["office"].required = True
            self.fields["office"].error_messages["required"] = _("Choose the office of this referral.")
        if not self.is_bound:
            home = next(iter(sorted(self.scope.office_municipalities)), None)
            if home is not None:
                self.initial.setdefault(
                    "municipality", Municipality.objects.filter(pk=home).values_list("istat_code", flat=True).first()
                )

    def office_choices(self) -> list[tuple[str, str]]:
        comuni = Municipality.objects.filter(pk__in=self.scope.office_municipalities).order_by("name")
        ambiti = Ambito.objects.filter(pk__in=self.scope.office_ambiti).order_by("name")
        return [("municipality:" + m.istat_code, _("Comune office of %(name)s") % {"name": m.name}) for m in comuni] + [
            ("ambito:" + a.slug, _("Ambito office of %(name)s") % {"name": a.name}) for a in ambiti
        ]

    def clean_beneficiary_code(self):
        code = self.cleaned_data["beneficiary_code"].strip().upper()
        if not code:
            return None
        beneficiary = Beneficiary.objects.filter(code=code, erased_at__isnull=True).first()
        if beneficiary is None or not self.scope.owns_office_of(beneficiary):
            raise forms.ValidationError(
                _(
                    "No person with this code in your office. Check the code, or leave it empty and write the new "
                    "person's name."
                )
            )
        return beneficiary

    def clean_office(self):
        value = self.cleaned_data["office"]
        kind, _sep, key = value.partition(":")
        if kind == "municipality":
            return Municipality.objects.filter(istat_code=key).first()
        if kind == "ambito":
            return Ambito.objects.filter(slug=key).first()
        return None

    def clean(self):
        data = super().clean()
        if not data.get("beneficiary_code") and not data.get("first_name") and "beneficiary_code" not in self.errors:
            self.add_error("first_name", _("Write the person's first name, or the code of a person already on file."))
        given_on, method = data.get("consent_given_on"), data.get("consent_method")
        if given_on or method or data.get("consent_reference"):
            if not given_on and "consent_given_on" not in self.errors:
                self.add_error("consent_given_on", _("Write the day the consent was given."))
            if not method:
                self.add_error("consent_method", _("Choose how the consent was given."))
        if given_on and given_on > timezone.localdate():
            self.add_error("consent_given_on", _("The consent cannot be dated in the future."))
        return data

    def service_arguments(self) -> dict:
        """The keyword arguments of ``services.referral_start``."""
        data = self.cleaned_data
        beneficiary = data["beneficiary_code"]
        consent = None
        if data.get("consent_given_on"):
            consent = {
                "given_on": data["consent_given_on"],
                "method": data["consent_method"],
                "document_reference": data["consent_reference"],
            }
        return {
            **self.details(),
            "service": data["service"],
            "beneficiary": beneficiary,
            "personal_data": None if beneficiary else self.personal_data(),
            "office": data.get("office"),
            "consent": consent,
            "submit": data["submit"],
        }
