"""The staff workspace (issue 14, items 2-5): forms that keep what was typed, labels instead of codes,
lists with tools and constant queries, the printable summary, the volunteer's task on a phone."""

import datetime
import html
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from referrals import labels, services
from referrals.models import Beneficiary, Consent, PersonalDataAccess, ReferralProcess
from tests.factories import comune

from .conftest import START_PAYLOAD, volunteer_task_id

pytestmark = pytest.mark.django_db

LECCO = "097042"


@pytest.fixture
def browser(world):
    def login(role, language="it"):
        client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if role:
            client.force_login(getattr(world.users, role))
        return client

    return login


def text_of(response) -> str:
    """What a person reads on the page: the text, without tags, scripts, styles or attribute values."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


def start_form(world, **overrides):
    data = {
        "service": world.service_a.pk,
        "first_name": "Olena",
        "last_name": "Kovalenko",
        "phone": "+39 333 1234567",
        "theme": "housing",
        "need": START_PAYLOAD["need"],
        "case_notes": "Nota riservata: situazione familiare difficile.",
        "urgency": "high",
        "preferred_language": "uk",
        "municipality": LECCO,
        "availability": "martedì mattina",
        "consent_given_on": "2025-01-15",
        "consent_method": "signed_form",
        "consent_reference": "PG 1/2025",
        "submit": "1",
    }
    data.update(overrides)
    return data


# --- the start form ---------------------------------------------------------------------------------


def test_a_refused_start_form_keeps_every_typed_value_and_says_what_to_fix(world, browser):
    client = browser("social_worker", "en")
    response = client.post(
        "/workflow/referrals/new/", start_form(world, preferred_language="klingon", municipality="Atlantide")
    )
    assert response.status_code == 400
    page = response.content.decode()
    for typed in ("Olena", "Kovalenko", "+39 333 1234567", "martedì mattina", "PG 1/2025", "Nota riservata"):
        assert typed in html.unescape(page), typed
    assert "Cerca una sistemazione temporanea" in html.unescape(page)
    assert "Choose a language from the list." in page
    assert "Choose a comune of the network from the list." in page
    # each error sits in the block of its own field, after its label
    language_block = page[page.index('for="id_preferred_language"') :][:400]
    assert "Choose a language from the list." in language_block
    assert "does not exist" not in page and "preferred_language:" not in page
    assert not ReferralProcess.objects.exists() and not Beneficiary.objects.exists() and not Consent.objects.exists()


def test_missing_fields_are_named_in_plain_words_in_italian(world, browser):
    response = browser("social_worker").post(
        "/workflow/referrals/new/", start_form(world, first_name="", need="", consent_method="")
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "Descrivi di cosa ha bisogno la persona." in text
    assert not ReferralProcess.objects.exists()


def test_language_and_comune_may_be_given_by_name(world, browser):
    response = browser("social_worker").post(
        "/workflow/referrals/new/", start_form(world, preferred_language="ucraino", municipality="Lecco")
    )
    assert response.status_code == 302
    referral = ReferralProcess.objects.get()
    assert referral.preferred_language_id == "uk" and referral.municipality.istat_code == LECCO
    assert referral.state == "submitted" and referral.urgency == "high"


def test_the_form_names_languages_in_the_interface_language_and_starts_at_the_office_comune(world, browser):
    page = browser("social_worker").get("/workflow/referrals/new/", {"service": world.service_a.pk}).content.decode()
    assert '<option value="ar">Arabo</option>' in page
    assert '<option value="uk">Ucraino</option>' in page
    assert f'<option value="{LECCO}" selected>Lecco</option>' in page
    assert '<optgroup label="Lecco">' in page and '<optgroup label="Monza e Brianza">' in page
    english = browser("social_worker", "en").get("/workflow/referrals/new/", {"service": world.service_a.pk})
    assert '<option value="ar">Arabic</option>' in english.content.decode()


def test_the_directory_search_filters_by_language_and_shows_the_consent_of_the_person_on_file(world, browser, walk):
    world.service_a2.languages_spoken.set(["ar"])
    world.service_a2.save()
    client = browser("social_worker", "en")
    by_language = text_of(client.get("/workflow/referrals/new/", {"language": "ar"}))
    assert "Sportello lavoro" in by_language and "Accoglienza abitativa" not in by_language
    assert "Casa Aperta" in by_language and "Lecco" in by_language and "Arabic" in by_language

    pk = walk("submitted")
    code = ReferralProcess.objects.get(pk=pk).beneficiary.code
    PersonalDataAccess.objects.all().delete()
    found = text_of(client.get("/workflow/referrals/new/", {"theme": "housing", "beneficiary": code}))
    assert f"Already on file for {code}" in found and "Olena Kovalenko" in found
    assert "Consent on file for this organisation" in found  # Casa Aperta
    assert "No consent yet for this organisation" in found  # Mani Tese Brianza
    assert PersonalDataAccess.objects.filter(purpose="web:start", beneficiary__code=code).exists()


def test_an_unknown_or_foreign_code_finds_nobody(world, browser, walk):
    pk = walk("draft")
    code = ReferralProcess.objects.get(pk=pk).beneficiary.code
    page = text_of(browser("social_worker_other", "en").get("/workflow/referrals/new/", {"beneficiary": code}))
    assert "No person with this code in your office." in page and "Olena" not in page


def test_a_person_on_file_is_referred_again_without_retyping(world, browser, walk):
    pk = walk("closed")
    code = ReferralProcess.objects.get(pk=pk).beneficiary.code
    client = browser("social_worker", "en")
    form = text_of(client.get("/workflow/referrals/new/", {"service": world.service_a2.pk, "beneficiary": code}))
    assert "The person already gave consent for this organisation" in form
    response = client.post(
        "/workflow/referrals/new/",
        {
            "service": world.service_a2.pk,
            "beneficiary_code": code,
            "theme": "housing",
            "need": "Lavoro.",
            "urgency": "normal",
            "municipality": LECCO,
            "submit": "1",
        },
    )
    assert response.status_code == 302
    assert ReferralProcess.objects.filter(beneficiary__code=code).count() == 2


# --- no codes on the pages ----------------------------------------------------------------------------

RAW_CODES = re.compile(
    r"\b(help_received|partly|not_received|could_not_contact|high|normal|low|signed_form|verbal_witnessed"
    r"|draft|submitted|returned|rejected|approved|waiting_list|declined|no_response|accepted|in_progress"
    r"|outcome_recorded|closed|cancelled|completed|not_completed|uk|ar|097042|NEW|ASSIGNED)\b|→|\d{4}-\d{2}-\d{2}T"
)


def referral_in(state, walk, api):
    """A referral of the Lecco office to Casa Aperta in ``state``, driven through the API."""
    simple = {"draft", "submitted", "approved", "accepted", "in_progress", "outcome_recorded", "closed"}
    if state in simple:
        return walk(state)
    if state in ("returned", "rejected"):
        pk = walk("submitted")
        decision = {"returned": "return", "rejected": "reject"}[state]
        api("network_manager").post(f"/api/referrals/{pk}/triage/", {"decision": decision, "reason": "Manca."})
    elif state in ("waiting_list", "declined"):
        pk = walk("approved")
        api("coordinator").post(
            f"/api/referrals/{pk}/review/", {"decision": state.replace("declined", "decline"), "reason": "Pieni."}
        )
    else:
        pk = walk("approved")
        api("social_worker").post(f"/api/referrals/{pk}/cancel/", {"reason": "Trasferita."})
    assert ReferralProcess.objects.get(pk=pk).state == state
    return pk


STATES = (
    "draft",
    "submitted",
    "returned",
    "rejected",
    "approved",
    "waiting_list",
    "declined",
    "accepted",
    "in_progress",
    "outcome_recorded",
    "closed",
    "cancelled",
)


@pytest.mark.parametrize("state", STATES)
def test_no_staff_page_shows_a_stored_code(state, world, walk, api, browser):
    pk = referral_in(state, walk, api)
    pages = [
        ("social_worker", f"/workflow/referrals/{pk}/"),
        ("social_worker", f"/workflow/referrals/{pk}/print/"),
        ("social_worker", "/workflow/referrals/"),
        ("social_worker", "/workflow/"),
    ]
    if state != "draft":
        pages += [
            ("network_manager", f"/workflow/referrals/{pk}/"),
            ("network_manager", "/workflow/referrals/"),
            ("network_manager", "/workflow/"),
        ]
    if ReferralProcess.objects.get(pk=pk).forwarded_at:
        pages += [("coordinator", f"/workflow/referrals/{pk}/"), ("coordinator", "/workflow/")]
    if state in ("accepted", "in_progress"):
        pages += [
            ("volunteer", f"/workflow/tasks/{volunteer_task_id(pk)}/"),
            ("volunteer", "/workflow/queue/"),
            ("volunteer", "/workflow/"),
        ]
    for role, url in pages:
        response = browser(role).get(url)
        assert response.status_code == 200, (role, url)
        found = RAW_CODES.findall(text_of(response))
        assert not found, (role, url, found)


def test_history_and_dates_read_as_words_in_the_local_time(walk, browser):
    pk = walk("closed")
    text = text_of(browser("social_worker", "en").get(f"/workflow/referrals/{pk}/"))
    assert "from “Draft” to “Submitted, waiting for triage”" in text
    assert "Help received" in text and "Signed form" in text and "Ukrainian" in text and "High" in text
    created = timezone.localtime(ReferralProcess.objects.get(pk=pk).created)  # Europe/Rome
    assert created.strftime("%m/%d/%Y") in text


def test_due_phrases_count_working_days():
    rome = timezone.get_current_timezone()
    friday = datetime.datetime(2026, 12, 4, 10, 0, tzinfo=rome)
    tuesday = datetime.datetime(2026, 12, 8, 9, 0, tzinfo=rome)  # 8 December is a holiday
    wednesday = datetime.datetime(2026, 12, 9, 12, 0, tzinfo=rome)
    assert labels.due_phrase(friday, now=wednesday) == "overdue by 2 working days"  # Monday and Wednesday
    assert labels.due_phrase(datetime.datetime(2026, 12, 8, 10, 0, tzinfo=rome), now=wednesday) == (
        "overdue by 1 working day"
    )
    assert labels.due_phrase(wednesday, now=friday) == "due in 2 working days"
    assert labels.due_phrase(tuesday.replace(day=4, hour=18), now=friday).startswith("due today")


# --- action forms keep what was typed ----------------------------------------------------------------


def test_a_refused_decision_keeps_the_choice_and_shows_the_error_by_the_reason(walk, browser):
    pk = walk("outcome_recorded")
    response = browser("social_worker", "en").post(f"/workflow/referrals/{pk}/close/", {"result": "not_completed"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'value="not_completed" checked' in page
    reason = page[page.index('for="close-reason"') :][:300]
    assert "Say why the referral was not completed." in reason
    assert ReferralProcess.objects.get(pk=pk).state == "outcome_recorded"


def test_a_refused_progress_note_comes_back_with_its_error(walk, browser):
    pk = walk("in_progress")
    task = volunteer_task_id(pk)
    response = browser("volunteer", "en").post(f"/workflow/tasks/{task}/outcome/", {"note": "Ci siamo visti."})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ci siamo visti." in page and "Choose one of the options." in page or "This is needed" in page
    assert ReferralProcess.objects.get(pk=pk).state == "in_progress"


def test_a_refused_emergency_call_keeps_the_need(world, browser):
    response = browser("network_manager", "en").post("/workflow/emergency/", {"need": "Letti.", "theme": "housing"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Letti." in page and "call-ambiti-error" in page


# --- lists with tools -------------------------------------------------------------------------------


def test_the_list_finds_by_number_and_code_and_filters(world, walk, api, browser):
    first = walk("submitted")
    second = walk("draft", urgency="low", theme="employment-training")
    code = ReferralProcess.objects.get(pk=second).beneficiary.code
    client = browser("social_worker", "en")

    def numbers(**query):
        return re.findall(r"R-\d{6}", text_of(client.get("/workflow/referrals/", query)))

    assert numbers(q=f"R-{first:06d}") == [f"R-{first:06d}"]
    assert numbers(q=str(first)) == [f"R-{first:06d}"]
    assert (
        numbers(q=code[:6].lower()) == [f"R-{second:06d}"]
        or code[:6].upper() in ReferralProcess.objects.get(pk=first).beneficiary.code
    )
    assert numbers(theme="employment-training") == [f"R-{second:06d}"]
    assert numbers(urgency="high") == [f"R-{first:06d}"]
    assert numbers(state="draft") == [f"R-{second:06d}"]
    assert numbers(sort="oldest") == [f"R-{first:06d}", f"R-{second:06d}"]
    assert numbers(sort="urgency") == [f"R-{first:06d}", f"R-{second:06d}"]
    assert numbers(mine="1") == [f"R-{second:06d}", f"R-{first:06d}"]
    assert numbers(overdue="1") == []
    tabs = text_of(client.get("/workflow/referrals/"))
    assert re.search(r"All\s+2", tabs) and re.search(r"Draft\s+1", tabs)
    assert re.search(r"Submitted, waiting for triage\s+1", tabs)


def test_late_referrals_and_the_counts_of_the_landing_page(world, walk, browser):
    pk = walk("submitted")
    ReferralProcess.objects.filter(pk=pk).update(step_due_at=timezone.now() - datetime.timedelta(days=6))
    manager = text_of(browser("network_manager", "en").get("/workflow/"))
    assert re.search(r"1\s+to triage", manager) and re.search(r"1\s+late", manager)
    assert "overdue by" in manager
    late = text_of(browser("social_worker", "en").get("/workflow/referrals/", {"overdue": "1"}))
    assert f"R-{pk:06d}" in late
    volunteer = text_of(browser("volunteer", "en").get("/workflow/"))
    assert re.search(r"0\s+tasks to claim", volunteer)


def many_drafts(world, count):
    worker = world.users.social_worker
    for n in range(count):
        services.referral_start(
            worker=worker,
            service=world.service_a,
            theme=world.service_a.themes.first(),
            need=f"Bisogno {n}",
            municipality=comune("Lecco"),
            personal_data={"first_name": f"Persona {n}"},
            preferred_language=None,
        )


@pytest.mark.parametrize("url", ["/workflow/referrals/", "/workflow/", "/workflow/referrals/?sort=urgency&mine=1"])
def test_lists_take_the_same_queries_for_one_row_and_for_fifty(world, browser, url):
    client = browser("social_worker")
    many_drafts(world, 1)
    client.get(url)  # warm caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    many_drafts(world, 49)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.status_code == 200
    assert len(set(re.findall(r"R-\d{6}", text_of(response)))) == 50
    assert len(fifty) == len(one), [q["sql"] for q in fifty.captured_queries]


# --- the printable summary ----------------------------------------------------------------------------


def test_the_printable_summary_shows_what_the_viewer_may_see_and_logs_the_read(walk, browser):
    pk = walk("approved")
    PersonalDataAccess.objects.all().delete()
    office = text_of(browser("social_worker", "en").get(f"/workflow/referrals/{pk}/print/"))
    assert "Olena Kovalenko" in office and "Nota riservata" in office and "Printed on" in office
    manager = text_of(browser("network_manager", "en").get(f"/workflow/referrals/{pk}/print/"))
    assert "Olena" not in manager and "Kovalenko" not in manager and "Cerca una sistemazione" in manager
    assert set(PersonalDataAccess.objects.values_list("purpose", flat=True)) == {"web:print"}
    assert PersonalDataAccess.objects.count() == 2


@pytest.mark.parametrize(
    "role",
    [
        "social_worker_other",
        "network_manager_other",
        "coordinator_other",
        "volunteer",
        "editor",
        "evaluator",
        "outsider",
    ],
)
def test_the_printable_summary_is_denied_to_others(walk, browser, role):
    pk = walk("accepted")
    assert browser(role).get(f"/workflow/referrals/{pk}/print/").status_code == 404
    assert not PersonalDataAccess.objects.filter(purpose="web:print").exists()


def test_the_printable_summary_needs_a_login(walk, browser):
    pk = walk("submitted")
    response = browser(None).get(f"/workflow/referrals/{pk}/print/")
    assert response.status_code == 302 and "/workflow/login/" in response["Location"]


# --- the volunteer's task -----------------------------------------------------------------------------


def test_the_task_page_shows_where_to_meet_and_whom_to_call(world, walk, browser):
    pk = walk("in_progress")
    task = volunteer_task_id(pk)
    response = browser("volunteer", "en").get(f"/workflow/tasks/{task}/")
    page = response.content.decode()
    text = text_of(response)
    assert "Piazza Garibaldi 1" in text and "Lecco" in text
    assert 'href="geo:' in page and "Piazza%20Garibaldi%201" in page
    assert "coord@example.org" in text and "Your contact at Casa Aperta" in text
    assert page.index('href="#outcome"') < page.index("Meeting place")  # one tap away, first on the page
    for secret in ("Kovalenko", "+39 333", "olena@example.org", "Nota riservata"):
        assert secret not in page


# --- correcting a returned referral -------------------------------------------------------------------


def test_a_returned_referral_is_corrected_on_its_own_page(walk, api, browser):
    pk = referral_in("returned", walk, api)
    client = browser("social_worker", "en")
    detail = client.get(f"/workflow/referrals/{pk}/").content.decode()
    assert f"/workflow/referrals/{pk}/edit/" in detail
    form = client.get(f"/workflow/referrals/{pk}/edit/").content.decode()
    assert 'value="Olena"' in form and '<option value="uk" selected>Ukrainian</option>' in form
    refused = client.post(
        f"/workflow/referrals/{pk}/edit/",
        {
            "first_name": "Olena",
            "theme": "housing",
            "need": "Nuovo testo del bisogno.",
            "urgency": "high",
            "preferred_language": "klingon",
            "municipality": LECCO,
        },
    )
    assert refused.status_code == 400
    assert "Nuovo testo del bisogno." in refused.content.decode() and "Choose a language from the list." in (
        refused.content.decode()
    )
    assert ReferralProcess.objects.get(pk=pk).need == START_PAYLOAD["need"]
    saved = client.post(
        f"/workflow/referrals/{pk}/edit/",
        {
            "first_name": "Olena",
            "theme": "housing",
            "need": "Nuovo testo del bisogno.",
            "urgency": "high",
            "preferred_language": "ar",
            "municipality": LECCO,
        },
    )
    assert saved.status_code == 302
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.need == "Nuovo testo del bisogno." and referral.preferred_language_id == "ar"


@pytest.mark.parametrize("role", ["network_manager", "social_worker_other", "coordinator", "volunteer", "outsider"])
def test_only_the_office_corrects_a_referral(walk, api, browser, role):
    pk = referral_in("returned", walk, api)
    response = browser(role).post(
        f"/workflow/referrals/{pk}/edit/", {"first_name": "X", "theme": "housing", "need": "X", "municipality": LECCO}
    )
    assert response.status_code in (403, 404)
    assert ReferralProcess.objects.get(pk=pk).need == START_PAYLOAD["need"]


def test_a_submitted_referral_cannot_be_corrected(walk, browser):
    pk = walk("submitted")
    assert browser("social_worker").get(f"/workflow/referrals/{pk}/edit/").status_code == 403


def test_consents_and_emergency_calls_read_as_words(walk, api, browser):
    pk = walk("approved")
    code = ReferralProcess.objects.get(pk=pk).beneficiary.code
    api("network_manager").post(
        "/api/referrals/emergency-calls/", {"need": "Letti.", "theme": "housing", "ambiti": ["lecco"]}, format="json"
    )
    pages = [
        ("social_worker", f"/workflow/beneficiaries/{code}/"),
        ("network_manager", "/workflow/emergency/"),
        ("coordinator", "/workflow/emergency/"),
        ("network_manager", "/workflow/overdue/"),
    ]
    for role, url in pages:
        response = browser(role).get(url)
        assert response.status_code == 200, (role, url)
        assert not RAW_CODES.findall(text_of(response)), (role, url)
        assert not re.search(r"\b(open|taken|electronic)\b", text_of(response)), (role, url)
    assert "Modulo firmato" in text_of(browser("social_worker").get(f"/workflow/beneficiaries/{code}/"))
