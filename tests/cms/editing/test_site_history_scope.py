"""Item 7 of the security review: the site history shows an editor the changes to their ambito's records
only: not another ambito's draft titles, nor the names of its editors (page, results, filters, CSV)."""

from django.urls import reverse

import pytest

from .conftest import client_for, snippet_url
from .form_data import service_data

pytestmark = pytest.mark.django_db

SECRET = "Bozza riservata di Lecco"


@pytest.fixture
def lecco_draft(lecco_moderator, lecco_records, monza_moderator, monza_records):
    service = lecco_records["service"]
    response = client_for(lecco_moderator).post(snippet_url(service, "edit"), service_data(service, name_it=SECRET))
    assert response.status_code == 302
    monza = monza_records["service"]
    client_for(monza_moderator).post(snippet_url(monza, "edit"), service_data(monza, name_it="Bozza di Monza"))
    return service


@pytest.mark.parametrize("view", ["wagtailadmin_reports:site_history", "wagtailadmin_reports:site_history_results"])
def test_a_monza_editor_does_not_see_lecco_drafts_or_editors(monza_moderator, lecco_draft, view):
    html = client_for(monza_moderator).get(reverse(view)).content.decode()
    assert "Bozza di Monza" in html
    assert SECRET not in html and "moderatore-lecco" not in html


def test_the_csv_download_is_scoped_too(monza_moderator, lecco_draft):
    response = client_for(monza_moderator).get(reverse("wagtailadmin_reports:site_history") + "?export=csv")
    text = b"".join(response.streaming_content).decode()
    assert "Bozza di Monza" in text and SECRET not in text and "moderatore-lecco" not in text


def test_a_lecco_editor_and_a_network_editor_see_lecco_changes(lecco_moderator, network_editor, lecco_draft):
    for user in (lecco_moderator, network_editor):
        html = client_for(user).get(reverse("wagtailadmin_reports:site_history")).content.decode()
        assert SECRET in html
