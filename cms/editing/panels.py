"""Panels for translated fields: Italian first (the source, required where the field is), then one
collapsible group per language, right-to-left for Arabic and the other right-to-left languages."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel, MultiFieldPanel, Panel

from ..languages import is_rtl, language_name, localized, translation_languages

TRANSLATION_HELP = _(
    "Translate the Italian text into {language}. Leave a field empty to show the Italian text "
    "to readers of this language; the translation report lists what is missing."
)


def language_attributes(code: str) -> dict[str, str]:
    attributes = {"lang": code}
    if is_rtl(code):
        attributes["dir"] = "rtl"
    return attributes


def source_panels(fields, **panel_kwargs) -> list[Panel]:
    """The Italian fields ("Name [it]"...), shown first."""
    return [FieldPanel(localized(field, "it"), attrs=language_attributes("it"), **panel_kwargs) for field in fields]


def translation_panels(fields) -> list[Panel]:
    """One collapsed group per translation language, with that language's fields."""
    panels = []
    for code in translation_languages():
        panels.append(
            MultiFieldPanel(
                [FieldPanel(localized(field, code), attrs=language_attributes(code)) for field in fields],
                heading=language_name(code),
                help_text=format_lazy(TRANSLATION_HELP, language=language_name(code)),
                classname="collapsed",
                attrs=language_attributes(code),
            )
        )
    return panels


def mark_right_to_left_panels(panels, model) -> None:
    """Adds ``dir="rtl"`` and ``lang`` to existing panels of right-to-left fields (pages patched by
    wagtail-modeltranslation: "Title [ar]", "Body [ar]"…), recursing into groups."""
    from ..languages import localized_field_languages

    languages = localized_field_languages(model)
    for panel in panels:
        children = getattr(panel, "children", None)
        if children:
            mark_right_to_left_panels(children, model)
        code = languages.get(getattr(panel, "field_name", None))
        if code:
            panel.attrs.update(language_attributes(code))
