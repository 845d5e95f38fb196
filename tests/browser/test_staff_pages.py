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


@pytest.mark.parametrize("lang", ["it", "ar"])
def test_every_staff_page_is_accessible_and_fits_a_phone(staff, open_page, lang):
    problems = []
    login = open_page("/workflow/login/", viewport=PHONE, locale={"it": "it-IT", "ar": "ar"}[lang], bypass_csp=True)
    checked = [(login, "login")]
    for username, entries in PAGES.items():
        page = staff(username, lang=lang, viewport=PHONE)
        for entry in entries:
            path = resolve(page, entry)
            if page.url != urljoin(page.url, path):
                page.goto(path)
            problems += [f"{username} {path}: {violation}" for violation in axe_violations(page)]
            if not no_horizontal_scroll(page):
                problems.append(f"{username} {path}: scrolls sideways at 360 px")
            if page.locator("html").get_attribute("dir") != ("rtl" if lang == "ar" else None):
                problems.append(f"{username} {path}: wrong direction")
            if lang == "ar" and entry == "/workflow/":
                screenshot(page, f"staff-inbox-{username}-ar-360")
        checked.append((page, username))
    problems += [f"{name}: {problem}" for page, name in checked for problem in page.problems]
    problems += [f"login: {violation}" for violation in axe_violations(login)]
    assert problems == []
