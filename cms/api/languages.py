"""Which language a response is in: ``?lang=`` first, then ``Accept-Language``, then Italian.

``?lang=`` is explicit: an unknown code is a client error (400). ``Accept-Language`` is a
preference: a browser asking for German gets Italian, the source language of every text.
The language cookie of the site is ignored on purpose, so responses vary only by the URL and
``Accept-Language`` and can be cached by a CDN.
"""

from django.conf import settings
from django.utils.translation import get_supported_language_variant
from django.utils.translation import gettext_lazy as _
from django.utils.translation.trans_real import parse_accept_lang_header

LANG_PARAMETER = "lang"


class UnknownLanguage(ValueError):
    """``?lang=`` names a language the site does not publish."""

    def __init__(self, code: str):
        self.code = code
        super().__init__(code)

    @property
    def message(self) -> str:
        return _("Unknown language “%(code)s”. Available languages: %(available)s.") % {
            "code": self.code,
            "available": ", ".join(available_languages()),
        }


def available_languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def source_language() -> str:
    return settings.LANGUAGE_CODE


def language_from_parameter(value: str) -> str:
    """The configured code matching ``value`` (case-insensitive: ``zh-Hans`` is ``zh-hans``)."""
    code = value.strip().lower().replace("_", "-")
    if code in available_languages():
        return code
    raise UnknownLanguage(value)


def language_from_header(header: str) -> str | None:
    """The first configured language of an ``Accept-Language`` header, by preference (``en-GB`` is ``en``)."""
    for code, _quality in parse_accept_lang_header(header or ""):
        if code == "*":
            continue
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def negotiate_language(request) -> str:
    """The language of the response; raises UnknownLanguage for a bad ``?lang=``."""
    if LANG_PARAMETER in request.GET:
        return language_from_parameter(request.GET[LANG_PARAMETER])
    return language_from_header(request.META.get("HTTP_ACCEPT_LANGUAGE", "")) or source_language()
