"""Every staff page at /workflow/, in Italian and in Arabic, on a 360-pixel phone: axe-core finds no serious
or critical violation, nothing scrolls sideways, and Arabic reads right to left. The pages are those of the
demo accounts (referrals/demo) with their sample referrals in every state."""

import re
from urllib.parse import urljoin

import pytest

from .conftest import PHONE, axe_violations, no_horizontal_scroll, screenshot

pytestmark = pytest.mark.browser


def first_link(page, pattern: str) -> str:
    """The path of the first link of the page whose address matches ``pattern``."""
    for href in page.locator("main a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))"):
        if re.search(pattern, href):
            return urljoin(page.url, href)
    raise AssertionError(f"no link matching {pattern} on {page.url}")


# For each demo account, the pages it opens: fixed paths, or (page to look on, address pattern of a link there).
PAGES = {
    "lecco-comune": [
        "/workflow/",
        "/workflow/referrals/",
        "/workflow/referrals/new/?q=doposcuola",
        ("/workflow/referrals/new/?q=doposcuola", r"\?service=\d+"),
        ("/workflow/referrals/?state=outcome_recorded", r"/workflow/referrals/\d+/$"),
        ("/workflow/referrals/?state=draft", r"/workflow/referrals/\d+/$"),
        ("/workflow/referrals/?state=draft", r"/workflow/referrals/\d+/$", r"/edit/$"),
        ("/workflow/referrals/?state=in_progress", r"/workflow/referrals/\d+/$", r"/print/$"),
        ("/workflow/referrals/?state=cancelled", r"/workflow/referrals/\d+/$", r"/workflow/beneficiaries/"),
    ],
    "lecco-manager": [
        "/workflow/",
        "/workflow/overdue/",
        "/workflow/emergency/",
        ("/workflow/referrals/?state=submitted", r"/workflow/referrals/\d+/$"),
        ("/workflow/referrals/?state=declined", r"/workflow/referrals/\d+/$"),
        "/workflow/reports/",
    ],
    "lecco-coordinator": [
        "/workflow/queue/",
        "/workflow/emergency/",
        ("/workflow/referrals/?state=approved", r"/workflow/referrals/\d+/$"),
    ],
    "lecco-volunteer-1": ["/workflow/", ("/workflow/", r"/workflow/tasks/\d+/$")],
    "lecco-volunteer-2": [("/workflow/queue/", r"/workflow/tasks/\d+/$")],
    "evaluation": ["/workflow/reports/"],
}


RESOLVED = {}  # entry -> the address it led to (the same in both languages)


def resolve(page, entry) -> str:
    """The address of ``entry``: following its links once, then from memory (the second language)."""
    if isinstance(entry, str):
        return entry
    if entry not in RESOLVED:
        start, *patterns = entry
        page.goto(start)
        for pattern in patterns:
            page.goto(first_link(page, pattern))
        RESOLVED[entry] = page.url
    return RESOLVED[entry]


def check(page, label: str, lang: str) -> list[str]:
    problems = [f"{label}: {violation}" for violation in axe_violations(page)]
    if not no_horizontal_scroll(page):
        problems.append(f"{label}: scrolls sideways at 360 px")
    if page.locator("html").get_attribute("dir") != ("rtl" if lang == "ar" else None):
        problems.append(f"{label}: not {'right to left' if lang == 'ar' else 'left to right'}")
    return problems


def test_every_staff_page_is_accessible_and_fits_a_phone_in_italian_and_arabic(staff, open_page, site):
    """One login per account: the second language is chosen with the language cookie, as the switcher does."""
    problems = []
    for lang in ("it", "ar"):
        login = open_page("/workflow/login/", viewport=PHONE, locale={"it": "it-IT", "ar": "ar"}[lang], bypass_csp=True)
        problems += check(login, f"login ({lang})", lang)
    for username, entries in PAGES.items():
        page = staff(username, viewport=PHONE)
        paths = [resolve(page, entry) for entry in entries]
        for lang in ("it", "ar"):
            page.context.add_cookies([{"name": "django_language", "value": lang, "url": site}])
            for entry, path in zip(entries, paths, strict=True):
                page.goto(path)
                problems += check(page, f"{username} {path} ({lang})", lang)
                if lang == "ar" and entry == "/workflow/":
                    screenshot(page, f"staff-inbox-{username}-ar-360")
        problems += [f"{username}: {problem}" for problem in page.problems]
    assert problems == []
