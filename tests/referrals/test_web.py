"""The staff pages at /workflow/: scoped like the API, driven by the same services."""

from django.test import Client
from django.urls import URLResolver, get_resolver

import pytest

from referrals.models import ReferralProcess

from .conftest import START_PAYLOAD, volunteer_task_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(world):
    def login(role):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the staff pages follow the browser's language
        client.force_login(getattr(world.users, role))
        return client

    return login


def test_anonymous_people_are_sent_to_the_login_page():
    response = Client().get("/workflow/")
    assert response.status_code == 302 and response["Location"].startswith("/workflow/login/")
    assert Client().get("/workflow/login/").status_code == 200


def test_a_social_worker_finds_the_service_and_starts_a_referral(world, browser):
    client = browser("social_worker")
    search = client.get("/workflow/referrals/new/", {"q": "accoglienza"})
    assert "Accoglienza abitativa" in search.content.decode()
    form = client.get("/workflow/referrals/new/", {"service": world.service_a.pk})
    assert 'name="need"' in form.content.decode()
    response = client.post(
        "/workflow/referrals/new/",
        {
            "service": world.service_a.pk,
            "first_name": "Olena",
            "last_name": "Kovalenko",
            "theme": "housing",
            "need": START_PAYLOAD["need"],
            "urgency": "high",
            "municipality": "097042",
            "consent_given_on": "2025-01-15",
            "consent_method": "signed_form",
            "submit": "1",
        },
    )
    referral = ReferralProcess.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/workflow/referrals/{referral.pk}/"
    assert referral.state == "submitted"
    page = client.get(response["Location"]).content.decode()
    assert "Olena" in page and "Kovalenko" in page and "Cancel the referral" in page


def test_bad_form_input_is_shown_and_nothing_is_written(world, browser):
    client = browser("social_worker")
    response = client.post("/workflow/referrals/new/", {"service": world.service_a.pk, "theme": "housing"}, follow=True)
    assert not ReferralProcess.objects.exists()
    assert "need" in response.content.decode()


def test_network_manager_triages_from_the_page_without_seeing_the_name(walk, browser):
    pk = walk("submitted")
    client = browser("network_manager")
    page = client.get(f"/workflow/referrals/{pk}/").content.decode()
    assert "Triage" in page and "Olena" not in page and "Kovalenko" not in page
    client.post(f"/workflow/referrals/{pk}/triage/", {"decision": "approve"})
    assert ReferralProcess.objects.get(pk=pk).state == "approved"
    refused = client.post(f"/workflow/referrals/{pk}/triage/", {"decision": "approve"}, follow=True)
    assert "no longer possible" in refused.content.decode()


@pytest.mark.parametrize("role", ["network_manager_other", "social_worker_other", "coordinator_other"])
def test_other_ambiti_and_organisations_get_404(walk, browser, role):
    pk = walk("accepted")
    assert browser(role).get(f"/workflow/referrals/{pk}/").status_code == 404
    assert browser(role).post(f"/workflow/referrals/{pk}/cancel/", {"reason": "x"}).status_code == 404
    assert ReferralProcess.objects.get(pk=pk).state == "accepted"


def test_a_volunteer_takes_a_task_and_records_the_outcome(walk, browser):
    pk = walk("accepted")
    task = volunteer_task_id(pk)
    client = browser("volunteer")
    queue = client.get("/workflow/queue/").content.decode()
    assert "Olena" in queue and "Kovalenko" not in queue
    assert client.get(f"/workflow/referrals/{pk}/")["Location"] == f"/workflow/tasks/{task}/"  # link in the e-mail
    client.post(f"/workflow/tasks/{task}/claim/")
    page = client.get(f"/workflow/tasks/{task}/").content.decode()
    assert "Record the outcome" in page
    for secret in ("Kovalenko", "+39 333", "olena@example.org", "Nota riservata"):
        assert secret not in page
    client.post(f"/workflow/tasks/{task}/outcome/", {"outcome": "help_received", "note": "Casa trovata."})
    assert ReferralProcess.objects.get(pk=pk).state == "outcome_recorded"
    assert browser("volunteer2").get(f"/workflow/tasks/{task}/").status_code == 404


def test_pages_need_the_right_role(browser):
    assert browser("volunteer").get("/workflow/referrals/").status_code == 403
    assert browser("editor").get("/workflow/referrals/new/").status_code == 403
    assert browser("coordinator").get("/workflow/overdue/").status_code == 403
    assert browser("social_worker").get("/workflow/reports/").status_code == 403
    assert browser("social_worker").get("/workflow/emergency/").status_code == 403


def test_reports_page_draws_charts(walk, browser):
    walk("closed")
    page = browser("evaluator").get("/workflow/reports/").content.decode()
    assert "<svg" in page and "Casa Aperta" in page
    csv = browser("network_manager").get("/workflow/reports.csv")
    assert csv["Content-Type"].startswith("text/csv")


def test_emergency_page(world, browser):
    client = browser("network_manager")
    client.post("/workflow/emergency/", {"need": "Letti per stanotte.", "theme": "housing", "ambiti": ["lecco"]})
    assert "Letti per stanotte." in browser("coordinator").get("/workflow/emergency/").content.decode()


def test_consents_page(walk, browser):
    pk = walk("approved")
    code = ReferralProcess.objects.get(pk=pk).beneficiary.code
    client = browser("social_worker")
    assert "Casa Aperta" in client.get(f"/workflow/beneficiaries/{code}/").content.decode()
    consent = ReferralProcess.objects.get(pk=pk).consent
    client.post(f"/workflow/beneficiaries/{code}/", {"revoke": consent.pk, "reason": "Ritirato."})
    assert ReferralProcess.objects.get(pk=pk).state == "cancelled"
    assert browser("social_worker_other").get(f"/workflow/beneficiaries/{code}/").status_code == 404


def test_viewflows_own_unscoped_views_are_not_routed():
    """Viewflow's built-in inbox, queue and detail views are not scoped by ambito or organisation."""

    def callbacks(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from callbacks(pattern.url_patterns)
            else:
                yield pattern.callback

    modules = {getattr(callback, "__module__", "") for callback in callbacks(get_resolver().url_patterns)}
    assert "referrals.web" in modules
    assert not [module for module in modules if module.startswith("viewflow")]


def test_the_wagtail_admin_menu_links_to_the_referral_pages(world):
    from django.contrib.auth.models import Permission

    from cms.models import Membership, Role
    from tests.factories import UserFactory

    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    manager, editor = world.users.network_manager, UserFactory(username="content-only")
    Membership.objects.create(user=editor, role=Role.EDITOR)
    for user in (manager, editor):
        user.user_permissions.add(access)
    shown = Client()
    shown.force_login(manager)
    hidden = Client()
    hidden.force_login(editor)
    assert "/workflow/" in shown.get("/admin/").content.decode()
    assert "/workflow/" not in hidden.get("/admin/").content.decode()


def test_network_manager_redirects_through_the_directory_search(world, walk, browser, api):
    pk = walk("approved")
    api("coordinator").post(f"/api/referrals/{pk}/review/", {"decision": "decline", "reason": "Pieno."}, format="json")
    client = browser("network_manager")
    page = client.get(f"/workflow/referrals/{pk}/", {"service_q": "sportello"}).content.decode()
    assert "Sportello lavoro" in page and f'value="{world.service_a2.pk}"' in page
    client.post(f"/workflow/referrals/{pk}/redirect/", {"service": world.service_a2.pk, "reason": "Altro sportello."})
    referral = ReferralProcess.objects.get(pk=pk)
    assert referral.state == "approved" and referral.service == world.service_a2


def test_a_coordinator_gives_the_task_from_the_page(world, walk, browser):
    pk = walk("accepted")
    client = browser("coordinator")
    page = client.get(f"/workflow/referrals/{pk}/").content.decode()
    users = world.users
    assert "Give the task to a volunteer" in page
    assert users.volunteer2.get_full_name() in page and users.volunteer_other.get_full_name() not in page
    client.post(f"/workflow/tasks/{volunteer_task_id(pk)}/assign/", {"volunteer": world.users.volunteer2.pk})
    from viewflow.workflow.models import Task

    assert Task.objects.get(pk=volunteer_task_id(pk)).owner == world.users.volunteer2


def test_odd_identifiers_in_forms_and_links_are_not_server_errors(world, browser, walk):
    client = browser("social_worker")
    assert client.get("/workflow/referrals/new/", {"service": "abc"}).status_code == 200
    code = ReferralProcess.objects.get(pk=walk("submitted")).beneficiary.code
    response = client.post(f"/workflow/beneficiaries/{code}/", {"revoke": "abc", "reason": "x"})
    assert response.status_code == 404


def test_a_volunteer_following_an_email_link_reaches_the_task_they_took(world, browser, walk):
    pk = walk("in_progress")
    response = browser("volunteer").get(f"/workflow/referrals/{pk}/")
    assert response.status_code == 302 and response["Location"] == f"/workflow/tasks/{volunteer_task_id(pk)}/"
    assert browser("volunteer2").get(f"/workflow/referrals/{pk}/").status_code == 404  # not theirs


def test_a_volunteer_who_left_the_organisation_no_longer_sees_the_task_they_took(world, api, walk):
    from cms.models import Membership

    pk = walk("in_progress")
    assert [item["task"]["id"] for item in api("volunteer").get("/api/referrals/tasks/").json()["results"]] == [
        volunteer_task_id(pk)
    ]
    Membership.objects.filter(user=world.users.volunteer).update(organization=world.org_b)
    world.users.volunteer.refresh_from_db()  # as the next request would load them
    del world.users.volunteer._referral_scope
    assert api("volunteer").get("/api/referrals/tasks/").json()["results"] == []
