"""The content languages as the admin shows them: Italian first, labels, right-to-left ones."""

from django.conf import settings
from django.utils.translation import get_language_info

from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

SOURCE_LANGUAGE = "it"


def content_languages() -> list[str]:
    """Every content language, the source language (Italian) first."""
    languages = list(settings.MODELTRANSLATION_LANGUAGES)
    languages.remove(SOURCE_LANGUAGE)
    return [SOURCE_LANGUAGE, *languages]


def translation_languages() -> list[str]:
    """The languages editors translate into (all but Italian)."""
    return content_languages()[1:]


def is_rtl(code: str) -> bool:
    return code in settings.LANGUAGES_BIDI or bool(get_language_info(code).get("bidi"))


def language_name(code: str) -> str:
    """The language's own name and its code, e.g. "العربيّة [ar]"."""
    return f"{get_language_info(code)['name_local']} [{code}]"


def localized(field: str, code: str) -> str:
    """``localized("name", "zh-hans")`` -> ``"name_zh_hans"``."""
    return build_localized_fieldname(field, code)


def translated_field_names(model) -> tuple[str, ...]:
    """The translated fields of ``model`` and of its parents (base names), in the model's field order."""
    try:
        names = set(translator.get_options_for_model(model).all_fields)
    except NotRegistered:
        return ()
    order = {field.name: index for index, field in enumerate(model._meta.get_fields())}
    return tuple(sorted(names, key=lambda name: order.get(name, len(order))))


def localized_field_languages(model) -> dict[str, str]:
    """``{"name_ar": "ar", "name_en": "en", ...}`` for every translated field of ``model``."""
    return {localized(field, code): code for field in translated_field_names(model) for code in content_languages()}
