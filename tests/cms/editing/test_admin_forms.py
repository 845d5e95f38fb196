"""What editors see in the admin forms: per-language fields, right-to-left Arabic, help, and who sees which menu."""

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from wagtail.models import Page

import pytest

from cms.models import GuidelineIndexPage, Location, Membership, Role, Theme
from cms.site_setup import bootstrap_site
from tests.factories import LocationFactory, ServiceFactory, ambito, comune

from .conftest import assert_denied, client_for, make_editor, snippet_url
from .form_data import location_data, service_data

pytestmark = pytest.mark.django_db


def input_tag(html, name):
    match = re.search(rf'<(?:input|textarea)[^>]*name="{name}"[^>]*>', html)
    assert match, f"no input {name}"
    return match.group(0)


def test_service_form_labels_each_language_italian_first_and_arabic_right_to_left(lecco_moderator, lecco_records):
    html = client_for(lecco_moderator).get(snippet_url(lecco_records["service"], "edit")).content.decode()
    assert "Name [it]" in html and "Name [ar]" in html and "Description [fr]" in html
    assert html.index('name="name_it"') < html.index('name="name_en"') < html.index('name="name_ar"')
    assert 'dir="rtl"' in input_tag(html, "name_ar")
    assert 'dir="rtl"' in input_tag(html, "description_ar")
    assert 'lang="ar"' in input_tag(html, "description_ar")
    assert 'dir="rtl"' not in input_tag(html, "name_fr")
    assert "Leave a field empty to show the Italian text" in html  # help for translators


def test_the_italian_name_is_required_other_languages_are_not(lecco_moderator, lecco_records):
    service = lecco_records["service"]
    data = service_data(service, name_it="", name_en="Housing desk") | {"action-publish": "1"}
    response = client_for(lecco_moderator).post(snippet_url(service, "edit"), data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    service.refresh_from_db()
    assert service.name == "Sportello casa Lecco"


def test_guideline_page_form_has_right_to_left_arabic_title_and_rich_text(db):
    bootstrap_site()
    root = make_editor("root", group=None, membership=False, is_superuser=True)
    index = GuidelineIndexPage.objects.get()
    html = client_for(root).get(reverse("wagtailadmin_pages:add", args=["cms", "guidelinepage", index.pk])).content
    html = html.decode()
    assert 'dir="rtl"' in input_tag(html, "title_ar")
    intro_ar = input_tag(html, "intro_ar")
    assert 'dir="rtl"' in intro_ar and "textDirectionality&quot;: &quot;RTL" in intro_ar
    assert "textDirectionality" not in input_tag(html, "intro_en")
    assert re.search(r'<section[^>]*id="[^"]*body_ar[^"]*"[^>]*dir="rtl"', html)  # the StreamField's panel


def test_home_page_form_is_right_to_left_for_arabic(db):
    home = bootstrap_site()
    root = make_editor("root", group=None, membership=False, is_superuser=True)
    html = client_for(root).get(reverse("wagtailadmin_pages:edit", args=[home.pk])).content.decode()
    assert 'dir="rtl"' in input_tag(html, "intro_ar")
    assert Page.objects.count() >= 3


def test_location_takes_cap_and_coordinates_from_the_comune_when_left_empty(lecco_moderator, lecco_records):
    new = Location(organization=lecco_records["organization"], name="Sede di Valmadrera", address="Via Roma 1")
    new.municipality = comune("Valmadrera")
    data = location_data(new, cap="", latitude="", longitude="")
    response = client_for(lecco_moderator).post(reverse("wagtailsnippets_cms_location:add"), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    created = Location.objects.get(name="Sede di Valmadrera")
    assert created.cap == comune("Valmadrera").cap
    assert created.latitude == comune("Valmadrera").latitude


def test_the_service_listing_runs_the_same_number_of_queries_for_5_and_for_30_services(lecco_moderator, lecco_records):
    client = client_for(lecco_moderator)
    url = reverse("wagtailsnippets_cms_service:list")

    def queries():
        client.get(url)  # warm the per-process caches (content types, site)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    organization = lecco_records["organization"]
    for _ in range(4):
        ServiceFactory(organization=organization, locations=[LocationFactory(organization=organization)])
    small = queries()
    for _ in range(25):
        ServiceFactory(organization=organization, locations=[LocationFactory(organization=organization)])
    assert queries() == small


# --- Menus for administrators only -------------------------------------------------------


@pytest.fixture
def administrator(db):
    user = make_editor("amministratore", group="Editors", membership=False)
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR)
    return user


def test_people_and_taxonomy_are_for_administrators_only(lecco_moderator, administrator):
    theme = Theme.objects.get(code="housing")
    editor = client_for(lecco_moderator)
    assert_denied(editor.get(reverse("wagtailsnippets_cms_membership:list")))
    assert_denied(editor.get(reverse("wagtailsnippets_cms_theme:edit", args=[theme.pk])))
    assert "People" not in editor.get(reverse("wagtailadmin_home")).content.decode()

    admin = client_for(administrator)
    assert admin.get(reverse("wagtailsnippets_cms_membership:list")).status_code == 200
    assert admin.get(reverse("wagtailsnippets_cms_theme:edit", args=[theme.pk])).status_code == 200
    assert "People" in admin.get(reverse("wagtailadmin_home")).content.decode()


def test_an_administrator_gives_an_editor_membership_and_a_wrong_scope_is_refused(administrator, lecco_records):
    person = make_editor("nuova-redattrice", membership=False)
    client = client_for(administrator)
    url = reverse("wagtailsnippets_cms_membership:add")
    wrong = {"user": person.pk, "role": Role.EDITOR, "organization": lecco_records["organization"].pk}
    response = client.post(url, wrong)
    assert response.status_code == 200
    assert "An editor may have an ambito" in response.content.decode()
    assert not person.memberships.exists()

    response = client.post(url, {"user": person.pk, "role": Role.EDITOR, "ambito": ambito("Merate").pk})
    assert response.status_code == 302
    assert person.memberships.get().ambito == ambito("Merate")
