"""Serializers of the directory API: one language per response, falling back to Italian field by field.

Every object that has translated text carries ``fallback_fields``: the names of its fields whose
value is shown in Italian because the requested language has none. Nested objects say it for
themselves. Codes (``kind``, ``status``, ``cost``, theme codes) are never translated.
"""

from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Ambito, Location, Municipality, Organization, Service, SpokenLanguage, TargetGroup, Theme
from .translated import fell_back, translated_value


class TranslatedField(serializers.CharField):
    """A translated text in the active language, or in Italian when that language has none."""

    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def get_attribute(self, instance):
        value, _found_in = translated_value(instance, self.source, translation.get_language())
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
        language = translation.get_language()
        return [
            name
            for name, field in self.parent.fields.items()
            if isinstance(field, TranslatedField) and fell_back(instance, field.source, language)
        ]


class ThroughListSerializer(serializers.ListSerializer):
    """Lists the targets of prefetched link rows: ``instance.<attribute>[i].<target>``."""

    def __init__(self, *args, attribute: str, target: str, **kwargs):
        self.attribute, self.target = attribute, target
        super().__init__(*args, **kwargs)

    def get_attribute(self, instance):
        return [getattr(link, self.target) for link in getattr(instance, self.attribute)]


def detail_url(view_name: str, lookup_field: str):
    return serializers.HyperlinkedIdentityField(
        view_name=f"directory:{view_name}-detail", lookup_field=lookup_field, lookup_url_kwarg=lookup_field
    )


# --- Geography and taxonomy ---------------------------------------------------------------------


class AmbitoSummarySerializer(serializers.ModelSerializer):
    url = detail_url("ambito", "slug")

    class Meta:
        model = Ambito
        fields = ["slug", "name", "url"]


class ComuneSummarySerializer(serializers.ModelSerializer):
    url = detail_url("comune", "istat_code")
    ambito = AmbitoSummarySerializer(read_only=True)

    class Meta:
        model = Municipality
        fields = ["istat_code", "name", "slug", "province", "url", "ambito"]


class ComuneBriefSerializer(serializers.ModelSerializer):
    url = detail_url("comune", "istat_code")

    class Meta:
        model = Municipality
        fields = ["istat_code", "name", "slug", "url"]


class ComuneSerializer(serializers.ModelSerializer):
    url = detail_url("comune", "istat_code")
    ambito = AmbitoSummarySerializer(read_only=True)
    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)

    class Meta:
        model = Municipality
        fields = [
            "istat_code",
            "name",
            "slug",
            "province",
            "url",
            "cap",
            "latitude",
            "longitude",
            "population",
            "population_year",
            "ambito",
        ]


class AmbitoSerializer(serializers.ModelSerializer):
    url = detail_url("ambito", "slug")
    comuni = ComuneBriefSerializer(many=True, read_only=True, source="municipalities")

    class Meta:
        model = Ambito
        fields = ["slug", "name", "url", "comuni"]


class ThemeSummarySerializer(serializers.ModelSerializer):
    name = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Theme
        fields = ["code", "name", "icon", "fallback_fields"]


class ThemeSerializer(serializers.ModelSerializer):
    url = detail_url("theme", "code")
    name = TranslatedField()
    description = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Theme
        fields = ["code", "url", "name", "description", "icon", "fallback_fields"]


class TargetGroupSummarySerializer(serializers.ModelSerializer):
    name = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = TargetGroup
        fields = ["code", "name", "fallback_fields"]


class TargetGroupSerializer(serializers.ModelSerializer):
    url = detail_url("target-group", "code")
    name = TranslatedField()
    description = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = TargetGroup
        fields = ["code", "url", "name", "description", "fallback_fields"]


class SpokenLanguageSerializer(serializers.ModelSerializer):
    url = detail_url("language", "code")
    name = serializers.CharField(read_only=True, help_text=_("English name."))
    native_name = serializers.CharField(read_only=True, help_text=_("The language's name for itself."))

    class Meta:
        model = SpokenLanguage
        fields = ["code", "url", "name", "native_name"]


class SpokenLanguageSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = SpokenLanguage
        fields = ["code", "name", "native_name"]


# --- Directory ---------------------------------------------------------------------------------


class OrganizationSummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True, help_text=_("Public identifier; never changes."))
    url = detail_url("organization", "uuid")
    description = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Organization
        fields = ["id", "url", "name", "slug", "kind", "description", "website", "email", "phone", "is_sample"]
        fields += ["fallback_fields"]


class LocationInServiceSerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    url = detail_url("location", "uuid")
    comune = ComuneSummarySerializer(source="municipality", read_only=True)
    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)
    opening_hours = TranslatedField()
    accessibility = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Location
        fields = ["id", "url", "name", "address", "cap", "comune", "latitude", "longitude", "opening_hours"]
        fields += ["accessibility", "phone", "fallback_fields"]


class ServiceSummarySerializer(serializers.ModelSerializer):
    id = serializers.UUIDField(source="uuid", read_only=True)
    url = detail_url("service", "uuid")
    name = TranslatedField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Service
        fields = ["id", "url", "name", "status", "fallback_fields"]


class ServiceSerializer(serializers.ModelSerializer):
    """A service with its organisation, its public locations (with comune and ambito) and its taxonomy."""

    id = serializers.UUIDField(source="uuid", read_only=True, help_text=_("Public identifier; never changes."))
    url = detail_url("service", "uuid")
    name = TranslatedField()
    description = TranslatedField()
    how_to_access = TranslatedField()
    eligibility = TranslatedField()
    organization = OrganizationSummarySerializer(read_only=True)
    locations = ThroughListSerializer(
        child=LocationInServiceSerializer(), attribute="public_placements", target="location", read_only=True
    )
    themes = ThemeSummarySerializer(many=True, read_only=True)
    target_groups = TargetGroupSummarySerializer(many=True, read_only=True)
    languages_spoken = SpokenLanguageSummarySerializer(many=True, read_only=True)
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Service
        fields = [
            "id",
            "url",
            "name",
            "description",
            "how_to_access",
            "eligibility",
            "cost",
            "status",
            "email",
            "phone",
            "website",
            "organization",
            "locations",
            "themes",
            "target_groups",
            "languages_spoken",
            "is_sample",
            "updated_at",
            "fallback_fields",
        ]


class OrganizationSerializer(serializers.ModelSerializer):
    """An organisation with its seat, the ambiti and comuni it covers, and a link to its services."""

    id = serializers.UUIDField(source="uuid", read_only=True, help_text=_("Public identifier; never changes."))
    url = detail_url("organization", "uuid")
    description = TranslatedField()
    logo = serializers.SerializerMethodField()
    comune = ComuneSummarySerializer(source="municipality", read_only=True, help_text=_("The registered seat."))
    ambiti_covered = AmbitoSummarySerializer(source="ambiti", many=True, read_only=True)
    comuni_covered = ComuneBriefSerializer(source="municipalities", many=True, read_only=True)
    services_url = serializers.SerializerMethodField()
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Organization
        fields = [
            "id",
            "url",
            "name",
            "slug",
            "kind",
            "description",
            "website",
            "email",
            "phone",
            "logo",
            "comune",
            "ambiti_covered",
            "comuni_covered",
            "services_url",
            "is_sample",
            "updated_at",
            "fallback_fields",
        ]

    @extend_schema_field({"type": "string", "format": "uri", "nullable": True, "description": "The logo image."})
    def get_logo(self, organization) -> str | None:
        if not organization.logo_id:
            return None
        return self.context["request"].build_absolute_uri(organization.logo.file.url)

    @extend_schema_field(OpenApiTypes.URI)
    def get_services_url(self, organization) -> str:
        request = self.context["request"]
        path = reverse("directory:service-list")
        return request.build_absolute_uri(f"{path}?organization={organization.uuid}")


class LocationSerializer(serializers.ModelSerializer):
    """A place where services are offered, with its comune, its organisation and the services offered there."""

    id = serializers.UUIDField(source="uuid", read_only=True, help_text=_("Public identifier; never changes."))
    url = detail_url("location", "uuid")
    comune = ComuneSummarySerializer(source="municipality", read_only=True)
    latitude = serializers.FloatField(read_only=True)
    longitude = serializers.FloatField(read_only=True)
    opening_hours = TranslatedField()
    accessibility = TranslatedField()
    organization = OrganizationSummarySerializer(read_only=True)
    services = ThroughListSerializer(
        child=ServiceSummarySerializer(), attribute="public_placements", target="service", read_only=True
    )
    fallback_fields = FallbackFieldsField()

    class Meta:
        model = Location
        fields = [
            "id",
            "url",
            "name",
            "address",
            "cap",
            "comune",
            "latitude",
            "longitude",
            "opening_hours",
            "accessibility",
            "phone",
            "organization",
            "services",
            "is_sample",
            "updated_at",
            "fallback_fields",
        ]
