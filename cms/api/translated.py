"""Translated fields read with fallback, field by field, and the record of which fields fell back.

django-modeltranslation keeps one column per language (``name_it``, ``name_en``…). A field is
missing in a language when it is NULL, an empty string or an empty StreamField; it is then read
in the fallback languages (Italian, the source) in order. APIs tell clients which fields fell
back, so that a front-end can mark them (``lang="it"``) or hide them.
"""

from functools import lru_cache

from modeltranslation import settings as modeltranslation_settings
from modeltranslation.utils import build_localized_fieldname


@lru_cache(maxsize=32)
def fallback_order(language: str) -> tuple[tuple[str, str], ...]:
    """``(language, column suffix)`` to try, in order: the language, then its fallbacks (Italian).

    The same order as ``modeltranslation.utils.resolution_order``, computed once per language.
    """
    fallbacks = modeltranslation_settings.FALLBACK_LANGUAGES
    order = (language, *fallbacks.get(language, ()), *fallbacks["default"])
    unique = tuple(dict.fromkeys(order))
    return tuple((code, build_localized_fieldname("", code)) for code in unique)


def is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return value == ""
    try:  # StreamValue, lists
        return len(value) == 0
    except TypeError:
        return False


def translated_value(instance, field: str, language: str):
    """``(value, language it was found in)``; ``(empty value, None)`` when missing everywhere."""
    order = fallback_order(language)
    for code, suffix in order:
        value = getattr(instance, field + suffix, None)
        if not is_missing(value):
            return value, code
    return getattr(instance, field + order[0][1], None), None


def fell_back(instance, field: str, language: str) -> bool:
    """True when the value shown for ``language`` comes from another language."""
    _value, found_in = translated_value(instance, field, language)
    return found_in is not None and found_in != language


def fallback_fields(instance, fields, language: str) -> list[str]:
    return [field for field in fields if fell_back(instance, field, language)]
