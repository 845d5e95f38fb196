"""Every page in every language: lang and dir, the language switcher, hreflang alternates, the note
when a text is shown in Italian; and the Wagtail pages (home, guidelines) with their query counts."""

import json
import re
import uuid

from django.conf import settings

import pytest

from cms.site_setup import bootstrap_site
from public_site.templatetags.public_site import page_url_in
from tests.factories import ServiceFactory
from tests.search.pages import blocks, make_guideline

from .conftest import count_queries, html, text_of

pytestmark = pytest.mark.django_db

LANGUAGES = [code for code, _ in settings.LANGUAGES]


@pytest.fixture
def service():
    return ServiceFactory(
        name_it="Sportello casa",
        name_ar="مكتب السكن",
        description_it="Aiuto per trovare casa.",
        description_ar="مساعدة في العثور على سكن.",
        how_to_access_it="Telefonare.",  # no Arabic: shown in Italian
    )


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_language_sets_lang_and_direction(client, service, lang):
    page = html(client.get(f"/{lang}/services/{service.uuid}/"))
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'<html lang="{lang}" dir="{direction}">' in page


def test_the_language_switcher_links_the_same_page_in_every_language(client, service):
    page = html(client.get(f"/it/services/{service.uuid}/?from=test"))
    switcher = re.search(r'<nav class="lang-switcher".*?</nav>', page, re.S).group(0)
    for code in LANGUAGES:
        assert f'href="/{code}/services/{service.uuid}/?from=test" hreflang="{code}" lang="{code}"' in switcher
    assert 'lang="ar" dir="rtl"' in switcher
    assert 'aria-current="true">italiano<' in switcher  # the current language, in its own name
    assert "العربيّة" in switcher and "Українська" in switcher and "简体中文" in switcher


def test_hreflang_alternates_and_x_default(client, service):
    page = html(client.get(f"/fr/services/{service.uuid}/"))
    for code in LANGUAGES:
        assert (
            f'<link rel="alternate" hreflang="{code}" href="http://testserver/{code}/services/{service.uuid}/">' in page
        )
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver/it/services/{service.uuid}/">' in page


def test_a_missing_translation_is_shown_in_italian_with_a_note(client, service):
    page = html(client.get(f"/ar/services/{service.uuid}/"))
    assert 'class="note note--fallback"' in page
    assert "<h1>مكتب السكن</h1>" in page  # translated: no lang attribute
    assert re.search(r'<div class="prose" lang="it" dir="ltr">\s*<p>Telefonare.</p>', page)
    complete = ServiceFactory(name_it="Completo", description_it="Testo.", name_ar="كامل", description_ar="نص.")
    assert "note--fallback" not in html(client.get(f"/ar/services/{complete.uuid}/"))
    assert "note--fallback" not in html(client.get(f"/it/services/{service.uuid}/"))


def test_the_site_has_no_inline_script_or_style(client, service):
    for url in (f"/it/services/{service.uuid}/", "/ar/accessibility/"):
        page = html(client.get(url))
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page), "inline script"
        assert not re.search(r"<style\b|\sstyle=", page), "inline style"


def test_the_content_security_policy_allows_no_inline_script(client, service):
    policy = client.get(f"/it/services/{service.uuid}/")["Content-Security-Policy"]
    script_src = re.search(r"script-src ([^;]*)", policy).group(1)
    assert "'unsafe-inline'" not in script_src and "'self'" in script_src


def test_the_home_page_offers_search_themes_and_ambiti(client):
    bootstrap_site()
    ServiceFactory(themes=["housing"])
    ServiceFactory(themes=["housing"], live=False)
    few, response = count_queries(client, "/en/")
    page, text = html(response), text_of(response)
    assert 'action="/en/search/"' in page and 'role="search"' in page
    assert re.search(
        r'href="/en/search/\?theme=housing">\s*<span class="tile__title">Housing</span>\s*'
        r'<span class="tile__meta">1 service</span>',
        page,
    )
    assert 'href="/en/ambiti/lecco/"' in page and "Bellano" in text
    for number in range(4):
        ServiceFactory(themes=["housing", "mediation"])
        make_guideline(title_it=f"Guida {number}")
    many, response = count_queries(client, "/en/")
    assert few == many
    assert "Guida 3" in text_of(response)


def test_the_guideline_page_shows_its_intervention_model_and_public_services(client):
    shown = ServiceFactory(name_it="Sportello casa di Lecco")
    hidden = ServiceFactory(name_it="Sportello in bozza", live=False)
    guideline = make_guideline(title_it="Accoglienza abitativa", target_group="families", themes=["housing"])
    guideline.services.set([shown, hidden])
    guideline.save_revision().publish()
    response = client.get(page_url_in(guideline, None, "en"))
    text = text_of(response)
    for expected in (
        "Accoglienza abitativa",
        "Intervention model",
        "Dalla prima accoglienza alla casa",
        "For whom",
        "Families",
        "Primo colloquio",
        "Sportello casa del comune",
        "Sportello casa di Lecco",
    ):
        assert expected in text
    assert "Sportello in bozza" not in text
    assert '<ol class="steps">' in html(response)


def test_the_guideline_page_in_arabic_uses_its_own_slug_and_marks_italian_text(client):
    guideline = make_guideline(title_it="Accoglienza abitativa", title_ar="الاستقبال السكني", target_group="families")
    italian_url = guideline.get_url()
    response = client.get(italian_url)
    arabic_link = re.search(r'<a href="([^"]+)" hreflang="ar"', html(response)).group(1)
    assert arabic_link.startswith("/ar/") and arabic_link != italian_url.replace("/it/", "/ar/", 1)
    arabic = client.get(arabic_link)
    assert arabic.status_code == 200
    page = html(arabic)
    assert "<h1>الاستقبال السكني</h1>" in page
    assert 'class="note note--fallback"' in page  # the body has no Arabic version
    assert '<div class="prose" lang="it" dir="ltr">' in page
    # ...but the labels of the intervention model are the page's own, in Arabic, right to left.
    assert re.search(r'<span class="model__kicker" lang="ar" dir="rtl">[^<]+</span>', page)
    assert re.search(r'<dt lang="ar" dir="rtl">[^<]+</dt><dd lang="ar" dir="rtl">[^<]+</dd>', page)


def _guideline_with(title, *, models, services):
    guideline = make_guideline(title_it=title)
    body = []
    for group in ["families", "women", "minors", "workers"][:models]:
        for block in json.loads(blocks(group)):
            body.append(block | {"id": str(uuid.uuid4())})
    guideline.body_it = json.dumps(body)
    guideline.services.set(services)
    guideline.save_revision().publish()
    return guideline


def test_guideline_pages_run_a_constant_number_of_queries(client):
    services = [ServiceFactory(themes=["housing", "mediation"]) for _ in range(4)]
    small = _guideline_with("Piccola", models=1, services=services[:1])
    large = _guideline_with("Grande", models=4, services=services)
    assert text_of(client.get(large.get_url())).count("Dalla prima accoglienza alla casa") == 4
    few, _ = count_queries(client, small.get_url())
    many, _ = count_queries(client, large.get_url())
    assert few == many


def test_an_unpublished_guideline_is_not_found(client):
    guideline = make_guideline(title_it="Bozza di linea guida", live=False)
    assert client.get("/it/linee-guida/bozza-di-linea-guida/").status_code == 404
    assert guideline.title not in text_of(client.get(guideline.get_parent().get_url()))


def test_the_not_found_page_helps_to_search(client):
    response = client.get("/en/services/999999/")
    assert response.status_code == 404
    assert 'role="search"' in html(response) and "Page not found" in text_of(response)
