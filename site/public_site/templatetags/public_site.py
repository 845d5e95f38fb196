"""Template helpers of the public site: languages, translated texts with their fallback, links.

``{% load public_site %}`` gives:

- ``{% language_links as links %}``: the current page in every configured language (for the
  language switcher and the ``hreflang`` alternates); Wagtail pages get their translated URL,
  other pages the same route in the other language, with the same query string;
- ``{% translated record "field" as text %}``: ``text.value``, ``text.lang`` and ``text.fallback``
  (True when the current language has no text and another language's text is shown);
- ``{{ phone|tel_href }}``, ``{% query_string page=2 %}``;
- for Wagtail page templates, which cannot add to their context: ``{% home_sections as home %}``,
  ``{% guidelines_of page as guidelines %}``, ``{% related_services page as services %}`` and
  ``{% guidelines_index as index %}``, each one or two queries whatever the number of items.

Only the last group queries the database.
"""

from dataclasses import dataclass
from typing import Any

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import get_language_info

from wagtail.models import Page

from modeltranslation.utils import build_localized_fieldname, resolution_order

from cms.models import GuidelineIndexPage, Service

from .. import selectors

register = template.Library()


@dataclass(frozen=True)
class LanguageLink:
    code: str
    name: str  # the language's own name: "العربيّة", "Українська"
    bidi: bool
    url: str  # relative, for links
    absolute_url: str  # for hreflang alternates
    current: bool


def page_url_in(page: Page, request, language: str) -> str:
    """The URL of a Wagtail page in ``language`` (each language has its own slugs)."""
    with translation.override(language):
        return page.get_url(request=request) or "/"


def language_links_for(request, page: Page | None = None) -> list[LanguageLink]:
    cached = getattr(request, "_public_language_links", None)
    if cached is not None:
        return cached
    current = translation.get_language()
    path = request.get_full_path()
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        url = page_url_in(page, request, code) if page is not None else translate_url(path, code)
        links.append(
            LanguageLink(
                code=code,
                name=info["name_local"],
                bidi=info["bidi"],
                url=url,
                absolute_url=request.build_absolute_uri(url),
                current=code == current,
            )
        )
    request._public_language_links = links
    return links


@register.simple_tag(takes_context=True)
def language_links(context) -> list[LanguageLink]:
    page = context.get("page")
    return language_links_for(context["request"], page if isinstance(page, Page) else None)


@register.simple_tag(takes_context=True)
def default_language_url(context) -> str:
    """The absolute URL of this page in the source language (the ``x-default`` alternate)."""
    for link in language_links(context):
        if link.code == settings.LANGUAGE_CODE:
            return link.absolute_url
    return ""


@dataclass(frozen=True)
class Text:
    value: Any
    lang: str  # the language the value is written in
    fallback: bool  # True when the current language has no text and ``lang`` is another one


def _empty(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    try:
        return len(value) == 0  # an empty StreamValue
    except TypeError:
        return False


def translated_text(record, field_name: str, language: str | None = None) -> Text:
    """The value of a translated field in ``language`` (default: the active one), following the
    configured fallback chain, and which language it really is in. Reads the per-language columns
    directly, so it never queries the database."""
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    order = resolution_order(language, getattr(settings, "MODELTRANSLATION_FALLBACK_LANGUAGES", None))
    for code in order:
        value = getattr(record, build_localized_fieldname(field_name, code), None)
        if not _empty(value):
            return Text(value=value, lang=code, fallback=code != language)
    missing = getattr(record, build_localized_fieldname(field_name, language), None)
    return Text(value=missing, lang=language, fallback=False)


@register.simple_tag
def translated(record, field_name: str) -> Text:
    return translated_text(record, field_name)


@register.filter
def lang_attrs(text) -> str:
    """`` lang="it" dir="ltr"`` when a text (a ``Text`` or a language code) is not in the page's language."""
    language = text if isinstance(text, str) else (text.lang if getattr(text, "fallback", False) else None)
    if not language or language == translation.get_language():
        return ""
    try:
        direction = "rtl" if get_language_info(language)["bidi"] else "ltr"
    except KeyError:
        direction = "auto"
    return format_html(' lang="{}" dir="{}"', language, direction)


@register.filter
def tel_href(phone: str) -> str:
    """``+39 0341 123 456`` → ``tel:+390341123456`` (digits and a leading +)."""
    phone = (phone or "").strip()
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"tel:{'+' if phone.startswith('+') else ''}{digits}"


@register.simple_tag(takes_context=True)
def query_string(context, **changes) -> str:
    """The current query string with some parameters replaced (``None`` removes one), e.g. for paging."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.filter
def language_name(code: str) -> str:
    """The own name of a configured language (``ar`` → ``العربيّة``)."""
    try:
        return get_language_info(code)["name_local"]
    except KeyError:
        return code


# --- Content of Wagtail page templates ------------------------------------------------------

HOME_GUIDELINES = 6


@register.simple_tag
def home_sections() -> dict:
    """Themes with their number of services, ambiti with their number of comuni, recent guidelines."""
    return {
        "themes": list(selectors.themes_with_counts()),
        "ambiti": list(selectors.ambiti_with_counts()),
        "guidelines": list(selectors.public_guidelines().order_by("-first_published_at", "pk")[:HOME_GUIDELINES]),
    }


@register.simple_tag(takes_context=True)
def guidelines_index(context) -> GuidelineIndexPage | None:
    """The (first) published guidelines index, for the main navigation; read once per request."""
    request = context["request"]
    if not hasattr(request, "_public_guidelines_index"):
        request._public_guidelines_index = GuidelineIndexPage.objects.live().public().order_by("path").first()
    return request._public_guidelines_index


@register.simple_tag
def guidelines_of(index: Page) -> list:
    """The published guidelines under an index page, in the editors' order."""
    return list(selectors.public_guidelines().child_of(index).order_by("path"))


@register.simple_tag
def related_services(guideline) -> list:
    """The public services a guideline links to."""
    services = Service.objects.available().filter(guidelines=guideline.pk)
    return list(selectors.service_listing(services).order_by("name", "pk"))
