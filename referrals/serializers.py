"""Input validation and output shapes of the referral API (also used by the staff pages to parse forms).

Output is shaped per person: ``present_referral`` includes a field only when one of the
person's views of the referral (``referrals.permissions.View``) allows it, and notes every
read of personal data in ``reads`` so the caller can log it (``referrals.privacy.log_reads``).
"""

from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cms.models import Ambito, Municipality, Organization, Service, SpokenLanguage, Theme

from .models import CloseResult, Consent, Outcome, State, Urgency
from .permissions import View
from .privacy import CASE, CONTACT, IDENTITY
from .services import ReviewDecision, TriageDecision

SERVICE_ERRORS = {
    "does_not_exist": _("Choose a published, active service of the directory."),
    "incorrect_type": _("Give the service's numeric id."),
}


def public_services():
    return Service.objects.available().select_related("organization")


@extend_schema_field(OpenApiTypes.INT)
class ServiceField(serializers.PrimaryKeyRelatedField):
    default_error_messages = SERVICE_ERRORS

    def get_queryset(self):
        return public_services()


def code_field(model, slug_field, **kwargs):
    return serializers.SlugRelatedField(slug_field=slug_field, queryset=model.objects.all(), **kwargs)


def reason_field(**kwargs):
    return serializers.CharField(max_length=2000, trim_whitespace=True, **kwargs)


# --- input -----------------------------------------------------------------------


class PersonalDataInput(serializers.Serializer):
    code = serializers.CharField(
        required=False, max_length=20, help_text=_("An existing beneficiary of your office; or give the fields below.")
    )
    first_name = serializers.CharField(required=False, max_length=100)
    last_name = serializers.CharField(required=False, allow_blank=True, max_length=100)
    phone = serializers.CharField(required=False, allow_blank=True, max_length=30)
    email = serializers.EmailField(required=False, allow_blank=True)

    def validate(self, attrs):
        if self.root.partial:  # editing a draft: only the fields sent change
            return attrs
        if not attrs.get("code") and not attrs.get("first_name"):
            raise serializers.ValidationError(_("Give the code of a beneficiary of your office, or a first name."))
        return attrs


class ConsentInput(serializers.Serializer):
    given_on = serializers.DateField()
    method = serializers.ChoiceField(choices=Consent.Method.choices)
    document_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)


class DraftInput(serializers.Serializer):
    service = ServiceField(help_text=_("Id of a published, active service (see /api/referrals/services/)."))
    theme = code_field(Theme, "code", help_text=_("Theme code, e.g. housing."))
    need = serializers.CharField(max_length=2000)
    case_notes = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    urgency = serializers.ChoiceField(choices=Urgency.choices, default=Urgency.NORMAL)
    preferred_language = code_field(SpokenLanguage, "code", required=False, allow_null=True)
    municipality = code_field(Municipality, "istat_code", help_text=_("ISTAT code of the comune where help is needed."))
    availability = serializers.CharField(required=False, allow_blank=True, max_length=200)


class StartInput(DraftInput):
    beneficiary = PersonalDataInput()
    office_municipality = code_field(Municipality, "istat_code", required=False, allow_null=True)
    office_ambito = code_field(Ambito, "slug", required=False, allow_null=True)
    consent = ConsentInput(
        required=False, help_text=_("The beneficiary's consent for the service's organisation, if collected now.")
    )
    submit = serializers.BooleanField(default=False, help_text=_("Submit at once (needs consent)."))

    def validate(self, attrs):
        if attrs.get("office_municipality") and attrs.get("office_ambito"):
            raise serializers.ValidationError({"office_ambito": _("Choose one office: a comune or an ambito.")})
        return attrs


class UpdateInput(DraftInput):
    beneficiary = PersonalDataInput(required=False)


class TriageInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=TriageDecision.CHOICES)
    reason = reason_field(required=False, allow_blank=True, help_text=_("Required to return or reject."))

    def validate(self, attrs):
        if attrs["decision"] != TriageDecision.APPROVE and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": _("Give a reason: it is recorded in the history.")})
        return attrs


class ReviewInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=ReviewDecision.CHOICES)
    reason = reason_field(
        required=False, allow_blank=True, help_text=_("Required to decline or put on the waiting list.")
    )

    def validate(self, attrs):
        if attrs["decision"] != ReviewDecision.ACCEPT and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": _("Give a reason: it is recorded in the history.")})
        return attrs


class RedirectInput(serializers.Serializer):
    service = ServiceField()
    reason = reason_field()


class CloseInput(serializers.Serializer):
    result = serializers.ChoiceField(choices=CloseResult.choices)
    reason = reason_field(required=False, allow_blank=True, help_text=_("Required when not completed."))

    def validate(self, attrs):
        if attrs["result"] == CloseResult.NOT_COMPLETED and not attrs.get("reason"):
            raise serializers.ValidationError({"reason": _("Say why the referral was not completed.")})
        return attrs


class ReasonInput(serializers.Serializer):
    reason = reason_field()


class AssignInput(serializers.Serializer):
    volunteer = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.filter(is_active=True))


class ProgressInput(serializers.Serializer):
    note = serializers.CharField(max_length=2000)


class OutcomeInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=Outcome.choices)
    note = serializers.CharField(max_length=2000)


class ConsentRecordInput(ConsentInput):
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.public())


class EmergencyCallInput(serializers.Serializer):
    need = serializers.CharField(max_length=2000, help_text=_("The need, with no personal data."))
    theme = code_field(Theme, "code")
    ambiti = serializers.SlugRelatedField(
        slug_field="slug", queryset=Ambito.objects.all(), many=True, allow_empty=False
    )


class EmergencyAcceptInput(serializers.Serializer):
    organization = serializers.PrimaryKeyRelatedField(
        queryset=Organization.objects.all(),
        required=False,
        allow_null=True,
        help_text=_("Only if you coordinate several of the called organisations."),
    )


class TokenInput(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False)
    name = serializers.CharField(required=False, allow_blank=True, max_length=100, help_text=_("e.g. the phone."))


class PreferencesInput(serializers.Serializer):
    daily_digest = serializers.BooleanField()


# --- output ------------------------------------------------------------------------


def _term(obj, key="code"):
    return {key: getattr(obj, key), "name": obj.name} if obj is not None else None


def _named(obj):
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _iso(value):
    return value.isoformat() if value else None


def present_referral(referral, views: set, *, reads: list, actions=None, notes=None) -> dict:
    """The referral as this person may see it. Fields they may not see are absent, not empty."""
    office, manager = View.OFFICE in views, View.MANAGER in views
    organisation = View.ORGANISATION in views
    data = {
        "id": referral.pk,
        "number": referral.number,
        "state": referral.state,
        "state_label": str(referral.get_state_display()),
        "urgency": referral.urgency,
        "theme": _term(referral.theme),
        "service": _named(referral.service),
        "organization": _named(referral.organization),
        "ambito": _named(referral.ambito),
        "created": _iso(referral.created),
        "submitted_at": _iso(referral.submitted_at),
        "accepted_at": _iso(referral.accepted_at),
        "closed_at": _iso(referral.closed_at),
        "step_due_at": _iso(referral.step_due_at),
        "overdue": referral.is_overdue,
        "views": sorted(str(view) for view in views),
    }
    if not (office or manager or organisation):
        return data  # the organisation after a consent revocation: nothing personal
    read = {CASE}
    data.update(
        {
            "beneficiary": {"code": referral.beneficiary.code},
            "need": referral.need,
            "case_notes": referral.case_notes,
            "preferred_language": referral.preferred_language_id,
            "municipality": {"istat_code": referral.municipality.istat_code, "name": referral.municipality.name},
            "availability": referral.availability,
            "outcome": referral.outcome,
            "outcome_note": referral.outcome_note,
            "close_result": referral.close_result,
            "escalated_at": _iso(referral.escalated_at),
        }
    )
    personal = getattr(referral.beneficiary, "personal_data", None) if (office or organisation) else None
    if personal is not None:
        data["beneficiary"].update(
            first_name=personal.first_name, last_name=personal.last_name, phone=personal.phone, email=personal.email
        )
        read |= {IDENTITY, CONTACT}
    if office:
        data["office"] = _named(referral.office_municipality or referral.office_ambito)
        consent = referral.consent
        data["consent"] = (
            {
                "id": consent.pk,
                "given_on": _iso(consent.given_on),
                "method": consent.method,
                "active": consent.is_active,
            }
            if consent
            else None
        )
    if actions is not None:
        data["actions"] = actions
    if notes is not None and (office or organisation):
        data["progress_notes"] = [
            {"at": _iso(note.created_at), "by": note.author.get_username() if note.author else None, "text": note.text}
            for note in notes
        ]
    reads.append((referral.beneficiary_id, referral.pk, read))
    return data


def present_task(task, referral, *, user, reads: list, notes=None) -> dict:
    """A volunteer task with only what is needed to do it: first name (or code), language, need, where, when."""
    personal = getattr(referral.beneficiary, "personal_data", None)
    first_name = personal.first_name if personal is not None else ""
    data = {
        "id": task.pk,
        "step": task.flow_task.name,
        "title": str(task.flow_task.task_title),
        "status": task.status,
        "claimed_by_me": task.owner_id == user.pk,
        "claimed": task.owner_id is not None,
        "referral": referral.pk,
        "number": referral.number,
        "theme": _term(referral.theme),
        "urgency": referral.urgency,
        "service": _named(referral.service),
        "organization": _named(referral.organization),
        "person": first_name or referral.beneficiary.code,
        "preferred_language": referral.preferred_language_id,
        "need": referral.need,
        "where": {"istat_code": referral.municipality.istat_code, "name": referral.municipality.name},
        "when": referral.availability,
        "due_at": _iso(referral.step_due_at),
        "overdue": referral.is_overdue,
    }
    if notes is not None:
        data["my_notes"] = [{"at": _iso(note.created_at), "text": note.text} for note in notes]
    reads.append((referral.beneficiary_id, referral.pk, {IDENTITY, CASE} if first_name else {CASE}))
    return data


def present_inbox_item(task, referral, *, scope, user, reads: list) -> dict:
    """One entry of "my tasks": the step, and the referral as this person sees it."""
    if task.flow_task.name == "volunteer_task":
        return {"task": present_task(task, referral, user=user, reads=reads)}
    return {
        "task": {
            "id": task.pk,
            "step": task.flow_task.name,
            "title": str(task.flow_task.task_title),
            "status": task.status,
        },
        "referral": present_referral(referral, scope.views_of(referral), reads=reads),
    }


class ReferralSerializer(serializers.Serializer):
    """A referral as the person asking may see it. Absent fields: your role may not see them."""

    id = serializers.IntegerField()
    number = serializers.CharField()
    state = serializers.ChoiceField(choices=State.choices)
    state_label = serializers.CharField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    theme = serializers.DictField()
    service = serializers.DictField()
    organization = serializers.DictField()
    ambito = serializers.DictField()
    created = serializers.DateTimeField()
    submitted_at = serializers.DateTimeField(allow_null=True)
    accepted_at = serializers.DateTimeField(allow_null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    step_due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    views = serializers.ListField(child=serializers.CharField())
    beneficiary = serializers.DictField(
        required=False,
        help_text=_("code; name and contact for the office and the organisation (while the consent holds)"),
    )
    need = serializers.CharField(required=False)
    case_notes = serializers.CharField(required=False)
    preferred_language = serializers.CharField(required=False, allow_null=True)
    municipality = serializers.DictField(required=False)
    availability = serializers.CharField(required=False)
    outcome = serializers.CharField(required=False)
    outcome_note = serializers.CharField(required=False)
    close_result = serializers.CharField(required=False)
    escalated_at = serializers.DateTimeField(required=False, allow_null=True)
    office = serializers.DictField(required=False)
    consent = serializers.DictField(required=False, allow_null=True)
    actions = serializers.ListField(
        child=serializers.CharField(), required=False, help_text=_("What you can do now (detail only).")
    )


class TaskSerializer(serializers.Serializer):
    """A volunteer task: only what is needed to do it."""

    id = serializers.IntegerField()
    step = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    claimed_by_me = serializers.BooleanField()
    claimed = serializers.BooleanField()
    referral = serializers.IntegerField()
    number = serializers.CharField()
    theme = serializers.DictField()
    urgency = serializers.CharField()
    service = serializers.DictField()
    organization = serializers.DictField()
    person = serializers.CharField(help_text=_("First name, or the pseudonymous code."))
    preferred_language = serializers.CharField(allow_null=True)
    need = serializers.CharField()
    where = serializers.DictField()
    when = serializers.CharField()
    due_at = serializers.DateTimeField(allow_null=True)
    overdue = serializers.BooleanField()
    my_notes = serializers.ListField(child=serializers.DictField(), required=False)


class InboxItemSerializer(serializers.Serializer):
    task = serializers.DictField()
    referral = ReferralSerializer(required=False)


class AuditEventSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    action = serializers.CharField()
    action_label = serializers.CharField(source="get_action_display")
    step = serializers.CharField()
    actor = serializers.SerializerMethodField()
    from_state = serializers.CharField()
    to_state = serializers.CharField()
    reason = serializers.CharField()

    def get_actor(self, event) -> str | None:
        return event.actor.get_username() if event.actor else None


class ConsentSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organization = serializers.SerializerMethodField()
    given_on = serializers.DateField()
    method = serializers.CharField()
    document_reference = serializers.CharField()
    active = serializers.BooleanField(source="is_active")
    revoked_at = serializers.DateTimeField(allow_null=True)

    def get_organization(self, consent) -> dict:
        return _named(consent.organization)


class EmergencyCallSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    number = serializers.CharField()
    state = serializers.CharField()
    need = serializers.CharField()
    theme = serializers.SerializerMethodField()
    ambiti = serializers.SerializerMethodField()
    organizations_called = serializers.SerializerMethodField()
    taken_by = serializers.SerializerMethodField()
    taken_at = serializers.DateTimeField(allow_null=True)
    created = serializers.DateTimeField()

    def get_theme(self, call) -> dict:
        return _term(call.theme)

    def get_ambiti(self, call) -> list[str]:
        return [ambito.slug for ambito in call.ambiti.all()]

    def get_organizations_called(self, call) -> int:
        return len(call.organizations.all())

    def get_taken_by(self, call) -> dict | None:
        return _named(call.taken_by_organization)


class ServiceChoiceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    organization = serializers.SerializerMethodField()
    themes = serializers.SerializerMethodField()
    comuni = serializers.SerializerMethodField()

    def get_organization(self, service) -> dict:
        return _named(service.organization)

    def get_themes(self, service) -> list[str]:
        return [theme.code for theme in service.themes.all()]

    def get_comuni(self, service) -> list[str]:
        return sorted({sal.location.municipality.name for sal in service.service_at_locations.all()})


class MessageSerializer(serializers.Serializer):
    detail = serializers.CharField()
