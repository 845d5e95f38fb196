"""Translated fields (django-modeltranslation). Italian is the source, required, and the fallback."""

from modeltranslation.translator import TranslationOptions, register

from .models import (
    GuidelineIndexPage,
    GuidelinePage,
    HomePage,
    Location,
    Organization,
    Service,
    TargetGroup,
    Theme,
)


class SourceRequired(TranslationOptions):
    required_languages = ("it",)


@register(Theme)
class ThemeTranslation(SourceRequired):
    fields = ("name", "description")


@register(TargetGroup)
class TargetGroupTranslation(SourceRequired):
    fields = ("name", "description")


@register(Organization)
class OrganizationTranslation(TranslationOptions):
    fields = ("description",)


@register(Location)
class LocationTranslation(TranslationOptions):
    fields = ("opening_hours", "accessibility")


@register(Service)
class ServiceTranslation(SourceRequired):
    fields = ("name", "description", "how_to_access", "eligibility")


@register(HomePage)
class HomePageTranslation(TranslationOptions):
    fields = ("intro",)


@register(GuidelineIndexPage)
class GuidelineIndexPageTranslation(TranslationOptions):
    fields = ("intro",)


@register(GuidelinePage)
class GuidelinePageTranslation(TranslationOptions):
    fields = ("intro", "body")
