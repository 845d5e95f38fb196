"""Serializers of the directory API: one language per response, falling back to Italian field by field.

Every object that has translated text carries ``fallback_fields``: the names of its fields whose
value is shown in Italian because the requested language has none. Nested objects say it for
themselves. Codes (``kind``, ``status``, ``cost``, theme codes) are never translated.

Fields are declared explicitly (no ModelSerializer introspection per request) and links are
built from cached URL templates: a page of 100 services serialises in a few milliseconds.
"""

from functools import lru_cache

from django.urls import get_script_prefix, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Organization, Service
from ..models.geography import Province
from .translated import fell_back, translated_value

# --- Fields --------------------------------------------------------------------------------------


def response_language(field) -> str:
    return field.context.get("language") or translation.get_language()


def verified_on_field():
    return serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text=_("The day the record was last checked as correct (HSDS assured_date); null: never verified."),
    )


class TranslatedField(serializers.CharField):
    """A translated text in the response language, or in Italian when that language has none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value, _found_in = translated_value(instance, self.source, response_language(self))
        return value or ""

    def to_representation(self, value):
        return str(value)


class FallbackFieldsField(serializers.ListField):
    """The translated fields of the same object whose value fell back to Italian."""

    def __init__(self, **kwargs):
        super().__init__(
            child=serializers.CharField(),
            read_only=True,
            source="*",
            help_text=_(
                "Names of the fields of this object shown in Italian (the source language) because the "
                "requested language has no translation. Empty when everything is in the requested language."
            ),
            **kwargs,
        )

    def to_representation(self, instance):
        language = response_language(self)
        return [
            name
            for name, field in self.parent.fields.items()
            if isinstance(field, TranslatedField) and fell_back(instance, field.source, language)
        ]


SAMPLE_KEYS = {"uuid": "00000000-0000-0000-0000-000000000000", "istat_code": "000000", "slug": "x", "code": "x"}


@lru_cache(maxsize=64)
def url_template(view_name: str, lookup: str, script_prefix: str) -> tuple[str, str]:
    """The path of a detail view split around its key, so links need no ``reverse()`` per record."""
    sample = SAMPLE_KEYS[lookup]
    path = reverse(view_name, kwargs={lookup: sample})
    before, _sample, after = path.rpartition(sample)
    return before, after


def site_base(request) -> str:
    base = getattr(request, "_api_site_base", None)
    if base is None:
        base = request._api_site_base = f"{request.scheme}://{request.get_host()}"
    return base


@extend_schema_field(OpenApiTypes.URI)
class DetailURLField(serializers.Field):
    """The absolute URL of the record's detail endpoint."""

    def __init__(self, view_name: str, lookup: str, **kwargs):
        self.view_name, self.lookup = f"directory:{view_name}-detail", lookup
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, instance):
        before, after = url_template(self.view_name, self.lookup, get_script_prefix())
        return f"{site_base(self.context['request'])}{before}{getattr(instance, self.lookup)}{after}"


class ThroughListSerializer(serializers.ListSerializer):
    """Lists the targets of prefetched link rows: ``instance.<attribute>[i].<target>``."""

    def __init__(self, *args, attribute: str, target: str, **kwargs):
        self.attribute, self.target = attribute, target
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        return [getattr(link, self.target) for link in getattr(instance, self.attribute)]


def public_id():
    return serializers.UUIDField(source="uuid", read_only=True, help_text=_("Public identifier; never changes."))


def text():
    return serializers.CharField(read_only=True)


def coordinate():
    return serializers.FloatField(read_only=True)


# --- Geography and taxonomy ---------------------------------------------------------------------


class AmbitoSummarySerializer(serializers.Serializer):
    slug = text()
    name = text()
    url = DetailURLField("ambito", "slug")


class ComuneBriefSerializer(serializers.Serializer):
    istat_code = serializers.CharField(read_only=True, help_text=_("Six digits, as published by ISTAT."))
    name = text()
    slug = text()
    url = DetailURLField("comune", "istat_code")


class ComuneSummarySerializer(ComuneBriefSerializer):
    province = serializers.ChoiceField(choices=Province.choices, read_only=True)
    ambito = AmbitoSummarySerializer(read_only=True)


class ComuneSerializer(ComuneSummarySerializer):
    cap = text()
    latitude = coordinate()
    longitude = coordinate()
    population = serializers.IntegerField(read_only=True)
    population_year = serializers.IntegerField(read_only=True)


class AmbitoSerializer(AmbitoSummarySerializer):
    comuni = ComuneBriefSerializer(many=True, read_only=True, source="municipalities.all")


class ThemeSummarySerializer(serializers.Serializer):
    code = text()
    name = TranslatedField()
    icon = text()
    fallback_fields = FallbackFieldsField()


class ThemeSerializer(serializers.Serializer):
    code = text()
    url = DetailURLField("theme", "code")
    name = TranslatedField()
    description = TranslatedField()
    icon = text()
    fallback_fields = FallbackFieldsField()


class TargetGroupSummarySerializer(serializers.Serializer):
    code = text()
    name = TranslatedField()
    fallback_fields = FallbackFieldsField()


class TargetGroupSerializer(serializers.Serializer):
    code = text()
    url = DetailURLField("target-group", "code")
    name = TranslatedField()
    description = TranslatedField()
    fallback_fields = FallbackFieldsField()


class SpokenLanguageSummarySerializer(serializers.Serializer):
    code = serializers.CharField(read_only=True, help_text=_("ISO 639-1 code (ISO 639-3 when there is none)."))
    name = serializers.CharField(read_only=True, help_text=_("English name."))
    native_name = serializers.CharField(read_only=True, help_text=_("The language's name for itself."))


class SpokenLanguageSerializer(SpokenLanguageSummarySerializer):
    url = DetailURLField("language", "code")


# --- Directory ---------------------------------------------------------------------------------


class OrganizationSummarySerializer(serializers.Serializer):
    id = public_id()
    url = DetailURLField("organization", "uuid")
    name = serializers.CharField(read_only=True, help_text=_("The official name; it is not translated."))
    slug = text()
    kind = serializers.ChoiceField(choices=Organization.Kind.choices, read_only=True)
    description = TranslatedField()
    website = text()
    email = text()
    phone = text()
    is_sample = serializers.BooleanField(read_only=True, help_text=_("Invented record of the demo content."))
    fallback_fields = FallbackFieldsField()


class LocationInServiceSerializer(serializers.Serializer):
    id = public_id()
    url = DetailURLField("location", "uuid")
    name = text()
    address = text()
    cap = text()
    comune = ComuneSummarySerializer(source="municipality", read_only=True)
    latitude = coordinate()
    longitude = coordinate()
    opening_hours = TranslatedField()
    accessibility = TranslatedField()
    phone = text()
    fallback_fields = FallbackFieldsField()


class ServiceSummarySerializer(serializers.Serializer):
    id = public_id()
    url = DetailURLField("service", "uuid")
    name = TranslatedField()
    status = serializers.ChoiceField(choices=Service.Status.choices, read_only=True)
    fallback_fields = FallbackFieldsField()


class ServiceSerializer(serializers.Serializer):
    """A service with its organisation, its public locations (with comune and ambito) and its taxonomy."""

    id = public_id()
    url = DetailURLField("service", "uuid")
    name = TranslatedField()
    description = TranslatedField()
    how_to_access = TranslatedField()
    eligibility = TranslatedField()
    cost = serializers.ChoiceField(choices=Service.Cost.choices, read_only=True)
    status = serializers.ChoiceField(choices=Service.Status.choices, read_only=True)
    email = text()
    phone = text()
    website = text()
    organization = OrganizationSummarySerializer(read_only=True)
    locations = ThroughListSerializer(
        child=LocationInServiceSerializer(), attribute="public_placements", target="location", read_only=True
    )
    themes = ThemeSummarySerializer(many=True, read_only=True, source="theme_list")
    target_groups = TargetGroupSummarySerializer(many=True, read_only=True, source="target_group_list")
    languages_spoken = SpokenLanguageSummarySerializer(many=True, read_only=True, source="language_list")
    is_sample = serializers.BooleanField(read_only=True, help_text=_("Invented record of the demo content."))
    assured_date = verified_on_field()
    updated_at = serializers.DateTimeField(read_only=True)
    fallback_fields = FallbackFieldsField()


class OrganizationSerializer(OrganizationSummarySerializer):
    """An organisation with its seat, the ambiti and comuni it covers, and a link to its services."""

    logo = serializers.SerializerMethodField()
    comune = ComuneSummarySerializer(source="municipality", read_only=True, help_text=_("The registered seat."))
    ambiti_covered = AmbitoSummarySerializer(source="ambiti.all", many=True, read_only=True)
    comuni_covered = ComuneBriefSerializer(source="municipalities.all", many=True, read_only=True)
    services_url = serializers.SerializerMethodField()
    assured_date = verified_on_field()
    updated_at = serializers.DateTimeField(read_only=True)
    fallback_fields = FallbackFieldsField()

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "The logo image."})
    def get_logo(self, organization) -> str | None:
        if not organization.logo_id:
            return None
        return self.context["request"].build_absolute_uri(organization.logo.file.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_services_url(self, organization) -> str:
        path = reverse("directory:service-list")
        return f"{site_base(self.context['request'])}{path}?organization={organization.uuid}"


class LocationSerializer(LocationInServiceSerializer):
    """A place where services are offered, with its comune, its organisation and the services offered there."""

    organization = OrganizationSummarySerializer(read_only=True)
    services = ThroughListSerializer(
        child=ServiceSummarySerializer(), attribute="public_placements", target="service", read_only=True
    )
    is_sample = serializers.BooleanField(read_only=True, help_text=_("Invented record of the demo content."))
    updated_at = serializers.DateTimeField(read_only=True)
    fallback_fields = FallbackFieldsField()
