"""Reports › Translations: per language, complete published records and pages, and links to the others."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from cms.models import GuidelineIndexPage, GuidelinePage
from cms.site_setup import bootstrap_site
from cms.translation_report import incomplete_records, missing_fields, translation_completeness
from tests.factories import ServiceFactory, UserFactory

from .conftest import assert_denied, client_for, make_editor, snippet_url

pytestmark = pytest.mark.django_db


def cell(rows, language, kind):
    row = next(row for row in rows if row.language == language)
    return next(c for c in row.kinds if c.kind == kind)


@pytest.fixture
def services(lecco_records):
    organization = lecco_records["organization"]
    complete_fr = ServiceFactory(
        organization=organization,
        locations=[lecco_records["location"]],
        name_it="Corso di italiano",
        description_it="Corso serale.",
        eligibility_it="Adulti",
        name_fr="Cours d'italien",
        description_fr="Cours du soir.",
        eligibility_fr="Adultes",
    )
    half_fr = ServiceFactory(
        organization=organization,
        locations=[lecco_records["location"]],
        name_it="Sportello lavoro",
        description_it="Orientamento al lavoro.",
        name_fr="Guichet emploi",
    )
    draft = ServiceFactory(organization=organization, locations=[lecco_records["location"]], live=False)
    return complete_fr, half_fr, draft


def test_counts_published_records_whose_every_italian_field_is_translated(lecco_moderator, services, monza_records):
    complete_fr, half_fr, _draft = services
    rows = translation_completeness(lecco_moderator)
    fr = cell(rows, "fr", "service")
    # The Lecco fixture's own service has no French; the draft is not counted; Monza is not in scope.
    assert (fr.complete, fr.total) == (1, 3)
    assert missing_fields(half_fr, "fr") == ["description"]
    assert missing_fields(complete_fr, "fr") == []
    assert set(incomplete_records("service", "fr", lecco_moderator)) == {
        half_fr,
        services[0].organization.services.get(name="Sportello casa Lecco"),
    }
    assert [c.kind for c in rows[0].kinds] == ["service", "organization", "location", "page"]
    assert [row.language for row in rows][:3] == ["en", "fr", "es"]


def test_pages_count_title_intro_and_body(db):
    bootstrap_site()
    index = GuidelineIndexPage.objects.get()
    page = GuidelinePage(
        title="Casa", slug="casa", intro="<p>Abitare.</p>", title_en="Housing", intro_en="<p>Living.</p>"
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    root = UserFactory(is_superuser=True)
    rows = translation_completeness(root)
    assert missing_fields(GuidelinePage.objects.get(pk=page.pk), "en") == []
    assert missing_fields(GuidelinePage.objects.get(pk=page.pk), "fr") == ["title", "intro"]
    assert cell(rows, "en", "page").complete >= 1


def test_the_report_page_links_to_what_is_missing(lecco_moderator, services):
    _complete, half_fr, _draft = services
    client = client_for(lecco_moderator)
    html = client.get(reverse("cms_translation_report")).content.decode()
    assert "1 / 3 (33%)" in html
    missing_url = reverse("cms_translation_report_missing", args=["fr", "service"])
    assert missing_url in html
    html = client.get(missing_url).content.decode()
    assert snippet_url(half_fr, "edit") in html
    assert "Sportello lavoro" in html and "Description" in html
    assert "Corso di italiano" not in html


def test_the_report_runs_a_fixed_number_of_queries(lecco_moderator, lecco_records):
    client = client_for(lecco_moderator)
    url = reverse("cms_translation_report")

    def queries():
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    few = queries()
    for _ in range(20):
        ServiceFactory(organization=lecco_records["organization"], locations=[lecco_records["location"]])
    assert queries() == few
    missing_url = reverse("cms_translation_report_missing", args=["ar", "service"])
    client.get(missing_url)
    with CaptureQueriesContext(connection) as context:
        client.get(missing_url)
    many = len(context)
    for _ in range(10):
        ServiceFactory(organization=lecco_records["organization"], locations=[lecco_records["location"]])
    with CaptureQueriesContext(connection) as context:
        client.get(missing_url)
    assert len(context) == many


def test_people_without_editing_rights_cannot_see_the_report(db):
    nobody = make_editor("nessuno", group="Editors", membership=False)
    nobody.groups.clear()
    from django.contrib.auth.models import Permission

    nobody.user_permissions.add(Permission.objects.get(codename="access_admin"))
    assert_denied(client_for(nobody).get(reverse("cms_translation_report")))
    assert_denied(client_for(nobody).get(reverse("cms_translation_report_missing", args=["fr", "service"])))
