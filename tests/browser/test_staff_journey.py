"""A referral from start to end in headless Chromium, each step by the demo account of its role, as people
would do it: the social worker makes a mistake on the start form and corrects it without retyping anything,
the network manager triages from the inbox, the coordinator accepts, a volunteer takes the task on a phone,
writes a note and the outcome, the social worker closes, the evaluation body reads the report.

Fields are found by their visible label in Italian (the labels are looked up in the catalogues, so a
wording change does not break the test, a missing label does). Screenshots: tests/artifacts/staff-journey-*.
"""

import re

from django.utils import translation

import pytest

from .conftest import DESKTOP, PHONE, no_horizontal_scroll, screenshot
from .seed import AFTER_SCHOOL, AFTER_SCHOOL_ADDRESS, LECCO_ASSOCIATION

pytestmark = pytest.mark.browser


def it(text: str) -> str:
    """``text`` as the Italian interface shows it."""
    with translation.override("it"):
        return translation.gettext(text)


def done(page):
    """The confirmation of the last action (a message at the top of the page)."""
    message = page.locator(".messages li").first
    message.wait_for()
    return message.inner_text()


def open_referral(page, number):
    """From the landing page, the referral ``number`` waiting in the person's list."""
    page.get_by_role("link", name=number, exact=True).first.click()
    page.wait_for_url(re.compile(r"/workflow/referrals/\d+/$"))
    assert page.locator("h1").inner_text().startswith(number)


def test_a_referral_from_start_to_end_by_each_role(staff):
    # --- the social worker of the Comune di Lecco starts it ----------------------------------------
    worker = staff("lecco-comune", viewport=DESKTOP)
    worker.get_by_role("link", name=it("New referral"), exact=True).first.click()
    worker.get_by_label(it("Words"), exact=True).fill("doposcuola")
    worker.get_by_role("button", name=it("Search"), exact=True).click()
    result = worker.get_by_role("link", name=AFTER_SCHOOL, exact=True)
    assert LECCO_ASSOCIATION in worker.locator(".results li", has=result).inner_text()
    result.click()

    typed = {
        it("First name"): "Olena",
        it("Last name"): "Kovalenko",
        it("E-mail"): "olena.kovalenko.example.org",  # the mistake: no @
        it("Need"): "Aiuto con i compiti per il figlio di 12 anni, due pomeriggi a settimana.",
        it("Case notes"): "La madre lavora fino alle 17.",
        it("When the person is available"): "martedì e giovedì dalle 15",
    }
    for label, value in typed.items():
        worker.get_by_label(label, exact=True).fill(value)
    worker.get_by_label(it("High"), exact=True).check()
    language = worker.locator("#id_preferred_language")
    worker.locator("input.filter-box[aria-controls=id_preferred_language]").fill("ucr")  # search as you type
    found = language.locator("option:not([hidden])").filter(has_text=re.compile("ucr", re.I))
    assert found.count() == 1  # the list now shows only Ukrainian, by its Italian name
    language.select_option(label=found.inner_text())
    worker.get_by_label(it("Consent given on"), exact=True).fill("2026-12-01")
    worker.get_by_label(it("How the consent was given"), exact=True).select_option(label=it("Signed form"))
    worker.get_by_label(it("Submit for triage now"), exact=True).check()
    worker.get_by_role("button", name=it("Save"), exact=True).click()

    # refused: the error sits next to the e-mail field, and everything typed is still there
    email = worker.get_by_label(it("E-mail"), exact=True)
    error = worker.locator("#id_email_error")
    assert error.is_visible() and "@" in error.inner_text()
    assert email.get_attribute("aria-invalid") == "true"
    for label, value in typed.items():
        assert worker.get_by_label(label, exact=True).input_value() == value, label
    assert worker.get_by_label(it("High"), exact=True).is_checked()
    assert "ucr" in language.locator("option:checked").inner_text().lower()
    assert worker.get_by_label(it("Submit for triage now"), exact=True).is_checked()
    screenshot(worker, "staff-journey-1-social-worker-corrects-the-form")

    email.fill("olena@example.org")
    worker.get_by_role("button", name=it("Save"), exact=True).click()
    worker.wait_for_url(re.compile(r"/workflow/referrals/\d+/$"))
    number = re.match(r"R-\d{6}", worker.locator("h1").inner_text()).group(0)
    assert number in done(worker)
    facts = worker.locator("section.card").first.inner_text()
    assert "Olena Kovalenko" in facts and "La madre lavora fino alle 17." in facts
    screenshot(worker, "staff-journey-2-social-worker-submitted")

    # --- the network manager of Lecco triages it from the inbox ------------------------------------
    manager = staff("lecco-manager")
    open_referral(manager, number)
    assert "Olena" not in manager.locator("main").inner_text()  # no names for the network manager
    manager.get_by_label(it("Approve"), exact=True).check()
    manager.get_by_role("button", name=it("Decide"), exact=True).click()
    assert number in done(manager)
    screenshot(manager, "staff-journey-3-network-manager-approved")

    # --- the coordinator of the association accepts ------------------------------------------------
    coordinator = staff("lecco-coordinator")
    open_referral(coordinator, number)
    coordinator.get_by_label(it("Accept"), exact=True).check()
    coordinator.locator("#review").get_by_role("button", name=it("Answer"), exact=True).click()
    assert number in done(coordinator)
    screenshot(coordinator, "staff-journey-4-coordinator-accepted")

    # --- a volunteer takes the task on a phone, writes a note and the outcome ---------------------------
    volunteer = staff("lecco-volunteer-2", viewport=PHONE)
    volunteer.get_by_role("link", name=re.compile(re.escape(number))).first.click()
    volunteer.wait_for_url(re.compile(r"/workflow/tasks/\d+/$"))
    assert AFTER_SCHOOL_ADDRESS in volunteer.locator("main").inner_text()  # where to meet
    assert no_horizontal_scroll(volunteer)
    volunteer.get_by_role("button", name=it("I take this task"), exact=True).click()
    assert done(volunteer)
    screenshot(volunteer, "staff-journey-5-volunteer-took-the-task-360")
    volunteer.get_by_role("link", name=it("Write a note"), exact=True).click()  # one tap from the top
    volunteer.get_by_label(it("What happened"), exact=True).fill("Primo pomeriggio insieme: compiti di matematica.")
    volunteer.get_by_role("button", name=it("Save note"), exact=True).click()
    assert "compiti di matematica" in volunteer.locator("#progress").inner_text()
    assert no_horizontal_scroll(volunteer)
    screenshot(volunteer, "staff-journey-6-volunteer-wrote-a-note-360")
    volunteer.get_by_role("link", name=it("Record the outcome"), exact=True).click()
    volunteer.get_by_label(it("Help received"), exact=True).check()
    volunteer.get_by_label(it("Note"), exact=True).fill("Il ragazzo ora fa i compiti da solo.")
    volunteer.get_by_role("button", name=it("Record the outcome"), exact=True).click()
    assert done(volunteer)
    assert no_horizontal_scroll(volunteer)
    screenshot(volunteer, "staff-journey-7-volunteer-recorded-the-outcome-360")

    # --- the social worker reads the outcome and closes ------------------------------------------------
    worker.goto("/workflow/")
    open_referral(worker, number)
    assert "Il ragazzo ora fa i compiti da solo." in worker.locator("main").inner_text()
    worker.locator("#close").get_by_label(it("Completed"), exact=True).check()
    worker.locator("#close").get_by_role("button").click()
    assert number in done(worker)
    assert it("Closed") in worker.locator("h1").inner_text()
    screenshot(worker, "staff-journey-8-social-worker-closed")

    # --- the evaluation body opens the reports -----------------------------------------------------------
    evaluation = staff("evaluation")
    evaluation.get_by_role("link", name=it("Reports"), exact=True).click()
    evaluation.wait_for_url(re.compile(r"/workflow/reports/$"))
    figures = evaluation.locator(".figures").inner_text()
    assert "0 giorni" in figures  # accepted within minutes: a median of zero days, not a missing one
    state_table = evaluation.locator("#report-state").locator("xpath=..").locator("table")
    assert it("Closed") in state_table.inner_text()
    screenshot(evaluation, "staff-journey-9-evaluation-body-reads-the-report")

    for page in (worker, manager, coordinator, volunteer, evaluation):
        assert page.problems == []
