"""The public site in headless Chromium, used as a person would: searching in Italian and in Arabic,
filtering, opening a result, switching language, with the keyboard alone, on a phone and on a desktop;
axe-core finds no serious or critical accessibility violation; screenshots for people to look at."""

import re

import pytest

from .conftest import DESKTOP, PHONE, axe_violations, no_horizontal_scroll, screenshot
from .seed import GUIDELINE_TITLE, HOUSING_DESK, ITALIAN_COURSE

pytestmark = pytest.mark.browser

HOUSING_DESK_AR = "مكتب مساعدة السكن في ليكو"


def result_titles(page) -> list[str]:
    return [title.strip() for title in page.locator(".result__title").all_inner_texts()]


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_search_in_italian_filter_and_open_a_result(open_page, viewport):
    page = open_page("/it/", viewport=viewport)
    page.get_by_role("combobox", name="Di che cosa hai bisogno?").fill("lavoro")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/it/search/\?q=lavoro"))
    assert "18 risultati" in page.locator("h2#results-title").inner_text()
    assert no_horizontal_scroll(page)

    # A facet: on a phone the filters start folded, so open them first. Filters apply without a reload.
    if viewport is PHONE:
        assert page.locator("[data-filters-panel]").get_attribute("open") is None
        page.locator("summary.filters__toggle").click()
    page.evaluate("window.sameDocument = true")
    page.locator("details[data-facet=kind] > summary").click()
    page.get_by_role("checkbox", name=re.compile("^Ufficio pubblico")).check()
    page.wait_for_url(re.compile(r"kind=public_office"))
    page.wait_for_function("document.querySelector('h2#results-title').textContent.includes('9 ')")
    assert page.evaluate("window.sameDocument === true"), "the filter reloaded the page"
    assert page.locator("[data-live-status]").inner_text().strip().startswith("9 risultati")
    assert page.evaluate("document.activeElement.id") == "f-kind-public_office"  # focus stays on the filter

    page.get_by_role("link", name="Orientamento al lavoro 01").click()
    page.wait_for_url(re.compile(r"/it/services/[0-9a-f-]{36}/$"))
    assert page.locator("h1").inner_text() == "Orientamento al lavoro 01"
    assert page.problems == []


def test_search_in_arabic_on_a_phone_reads_right_to_left(open_page):
    page = open_page("/ar/", viewport=PHONE)
    assert page.locator("html").get_attribute("dir") == "rtl"
    search_box = page.locator("#q")
    search_box.fill("السكن")
    page.locator(".search-box__button").first.click()
    page.wait_for_url(re.compile(r"/ar/search/"))
    assert HOUSING_DESK_AR in result_titles(page)
    # Mirrored layout: the button sits at the inline end, which is the left in Arabic.
    box, button = page.locator("#q").bounding_box(), page.locator(".search-box__button").first.bounding_box()
    assert button["x"] + button["width"] <= box["x"] + 1
    assert no_horizontal_scroll(page)
    page.get_by_role("link", name=HOUSING_DESK_AR).click()
    assert page.locator("h1").inner_text() == HOUSING_DESK_AR
    # what has no Arabic translation is shown in Italian, marked as such
    assert page.locator(".note--fallback").is_visible()
    assert page.locator('[lang="it"]', has_text="Prenota un colloquio").count() == 0  # translated
    assert page.locator('.prose[lang="it"]', has_text="Persone e famiglie residenti").is_visible()


def test_switch_language_keeps_the_page(open_page):
    page = open_page("/it/search/?q=casa", viewport=PHONE)
    page.get_by_role("link", name=HOUSING_DESK).click()
    service_path = re.search(r"/services/[0-9a-f-]{36}/", page.url).group(0)
    page.locator(".lang-switcher__toggle").click()
    page.get_by_role("link", name="العربيّة").click()
    page.wait_for_url(re.compile(f"/ar{service_path}$"))
    assert page.locator("html").get_attribute("lang") == "ar"
    assert page.locator("h1").inner_text() == HOUSING_DESK_AR
    page.locator(".lang-switcher__toggle").click()
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(f"/en{service_path}$"))
    assert page.locator("h1").inner_text() == "Lecco housing help desk"


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_keyboard_only(open_page, viewport):
    page = open_page("/it/", viewport=viewport)
    page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert skip.inner_text() == "Salta al contenuto principale"
    assert skip.is_visible() and skip.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"
    ring = page.evaluate("getComputedStyle(document.activeElement).boxShadow")
    assert ring != "none", "the focused field shows a focus ring"
    page.keyboard.type("corso di italiano")
    page.keyboard.press("Enter")  # no suggestion chosen: the form is sent
    page.wait_for_url(re.compile(r"/it/search/\?q=corso"))
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.result__title') !== null"):
            break
    else:
        pytest.fail("Tab never reached a result")
    assert page.evaluate("document.activeElement.textContent.trim()") == ITALIAN_COURSE
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/it/services/[0-9a-f-]{36}/$"))
    assert page.locator("h1").inner_text() == ITALIAN_COURSE


def test_autocomplete_with_the_keyboard(open_page):
    page = open_page("/it/", viewport=PHONE)
    page.locator("#q").press_sequentially("sporte", delay=30)
    options = page.get_by_role("option")
    options.first.wait_for()
    assert page.locator("#q").get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    active = page.locator("#q").get_attribute("aria-activedescendant")
    assert active and page.locator(f"#{active}").get_attribute("aria-selected") == "true"
    assert HOUSING_DESK in page.get_by_role("listbox").inner_text()
    page.get_by_role("option", name=re.compile(HOUSING_DESK)).click()
    page.wait_for_url(re.compile(r"/it/services/[0-9a-f-]{36}/$"))
    assert page.locator("h1").inner_text() == HOUSING_DESK


def test_everything_works_without_javascript(open_page):
    page = open_page("/it/search/?q=lavoro", viewport=PHONE, javascript=False)
    assert page.locator("[data-geolocate]").is_hidden()  # needs JavaScript: not offered
    page.get_by_role("link", name="Pagina 2", exact=True).click()
    assert page.locator(".result").count() == 8
    assert page.locator("ol.result-list").get_attribute("start") == "11"
    page.locator("details[data-facet=kind] > summary").click()
    page.get_by_role("checkbox", name=re.compile("^Ufficio pubblico")).check()
    page.get_by_role("button", name="Applica i filtri").click()
    page.wait_for_url(re.compile(r"kind=public_office"))
    assert page.locator("h2#results-title").inner_text().startswith("9 risultati")


def test_errors_are_announced_and_focused(open_page):
    page = open_page("/it/search/?q=casa&lat=abc", viewport=PHONE)
    summary = page.locator(".error-summary")
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def test_shared_position_sorts_by_distance(open_page):
    page = open_page(
        "/it/search/?q=lavoro",
        viewport=PHONE,
        permissions=["geolocation"],
        geolocation={"latitude": 45.5846, "longitude": 9.2744},  # Monza
    )
    page.get_by_role("button", name=re.compile("Usa la mia posizione")).click()
    page.wait_for_url(re.compile(r"lat=45\.585&lon=9\.274&sort=distance"))
    first = page.locator(".result").first
    assert "km" in first.locator(".result__distance").inner_text()
    assert page.locator("#sort").input_value() == "distance"


def test_reflow_zoom_and_reduced_motion(open_page):
    # 200% zoom of a 640-pixel window is a 320-pixel layout: nothing may need horizontal scrolling.
    for path in ("/it/", "/it/search/?q=casa", "/ar/search/?q=casa", "/it/accessibility/"):
        page = open_page(path, viewport={"width": 320, "height": 640})
        assert no_horizontal_scroll(page), path
    page = open_page("/it/", viewport=PHONE, reduced_motion="reduce")
    assert page.evaluate("getComputedStyle(document.querySelector('.tile')).transitionDuration") == "0s"


def test_touch_targets_are_large_enough_on_a_phone(open_page):
    page = open_page("/it/search/?q=lavoro", viewport=PHONE)
    page.locator("summary.filters__toggle").click()
    selectors = [
        ".header-nav__list a",
        ".lang-switcher__toggle",
        ".search-box__button",
        ".check label",
        ".pagination a",
        ".facet__title",
    ]
    for selector in selectors:
        for box in [element.bounding_box() for element in page.locator(selector).all() if element.is_visible()]:
            assert box["height"] >= 44 - 0.5, f"{selector} is {box['height']} px high"


PAGES = {
    "home": "/{lang}/",
    "results": "/{lang}/search/?q=casa",
    "service": None,  # found from the results
    "guideline": None,
    "accessibility": "/{lang}/accessibility/",
}


@pytest.mark.parametrize("lang", ["it", "ar"])
@pytest.mark.parametrize("name", list(PAGES))
def test_axe_finds_no_serious_or_critical_violation(open_page, lang, name):
    if PAGES[name]:
        page = open_page(PAGES[name].format(lang=lang), viewport=PHONE, bypass_csp=True)
    else:
        page = open_page(f"/{lang}/search/?q=casa", viewport=PHONE, bypass_csp=True)
        title = {"service": HOUSING_DESK, "guideline": GUIDELINE_TITLE}[name]
        if lang == "ar":
            title = {"service": HOUSING_DESK_AR, "guideline": "من الاستقبال الأول إلى السكن"}[name]
        page.get_by_role("link", name=title).click()
        page.wait_for_load_state()
    assert axe_violations(page) == []


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_screenshots_at_phone_width(open_page, lang):
    home = open_page(f"/{lang}/", viewport=PHONE)
    screenshot(home, f"home-{lang}-360")
    results = open_page(f"/{lang}/search/?q=casa", viewport=PHONE)
    screenshot(results, f"results-{lang}-360")
    assert home.problems == [] and results.problems == []
