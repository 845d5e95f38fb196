"""The data-quality dashboard: scoped counts that equal the records behind their links; the website check."""

import csv
import io
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from django.urls import reverse
from django.utils import timezone

import pytest

from cms.link_checker import check_links
from cms.models import Ambito, LinkCheck, Organization, Service

from .conftest import assert_denied, client_for, make_editor, records_in

pytestmark = pytest.mark.django_db
URL = reverse("cms_data_quality")


@pytest.fixture
def mixed_records(db):
    """Lecco: a service with a contact, verified; one without any contact, overdue. Monza: one overdue."""
    lecco = records_in("Lecco", "Cooperativa del Lario")
    Organization.objects.filter(pk=lecco["organization"].pk).update(email="", phone="", website="")
    extra = records_in("Lecco", "Associazione Lario Aperto")
    Service.objects.filter(pk=extra["service"].pk).update(
        phone="0341 000 000", assured_date=timezone.localdate() - timedelta(days=10)
    )
    monza = records_in("Monza", "Associazione di Monza")
    return {"lecco": lecco, "lecco_verified": extra, "monza": monza}


def listed_names(client, url) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return [str(item) for item in response.context["object_list"]]


def dashboard_cells(client) -> dict:
    rows = client.get(URL).context["rows"]
    return {(ambito.name, cell.kind, cell.label): cell for ambito, cells in rows for cell in cells}


@pytest.mark.parametrize(("ambito_name", "other"), [("Lecco", "Monza"), ("Monza", "Lecco")])
def test_each_count_equals_the_records_behind_its_link_for_an_editor_of_each_ambito(mixed_records, ambito_name, other):
    editor = make_editor(f"qualita-{ambito_name.lower()}", ambito_name=ambito_name)
    client = client_for(editor)
    cells = dashboard_cells(client)
    assert {name for name, _kind, _label in cells} == {ambito_name}  # nothing of other ambiti
    for cell in cells.values():
        names = listed_names(client, cell.url)
        assert len(names) == cell.count, (cell.label, names)
        assert not any(other in name for name in names)


def test_the_lecco_dashboard_shows_what_needs_attention(mixed_records, lecco_moderator):
    cells = dashboard_cells(client_for(lecco_moderator))
    assert cells[("Lecco", "services", "Verification overdue")].count == 1
    no_contact = cells[("Lecco", "services", "No contact (service, locations, organisation)")]
    assert no_contact.count == 1
    assert listed_names(client_for(lecco_moderator), no_contact.url) == ["Sportello casa Lecco"]


def test_a_network_editor_sees_every_ambito_and_can_download_a_csv(mixed_records, network_editor):
    client = client_for(network_editor)
    cells = dashboard_cells(client)
    assert {name for name, _kind, _label in cells} == set(Ambito.objects.values_list("name", flat=True))
    response = client.get(URL + "?export=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    lecco_overdue = [
        row for row in rows if row[0] == "Lecco" and row[1] == "services" and row[2] == "Verification overdue"
    ]
    assert lecco_overdue and lecco_overdue[0][3] == "1"


def test_people_without_an_editor_membership_cannot_see_it(mixed_records):
    outsider = make_editor("senza-ambito", membership=False)
    assert_denied(client_for(outsider).get(URL))


class Answers(BaseHTTPRequestHandler):
    def do_HEAD(self):
        self.send_response(200 if self.path == "/ok" else 404)
        self.end_headers()

    do_GET = do_HEAD

    def log_message(self, *args):
        pass


@pytest.fixture
def local_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_website_check_marks_addresses_that_answer_an_error(mixed_records, local_server, lecco_moderator):
    lecco = mixed_records["lecco_verified"]
    Organization.objects.filter(pk=lecco["organization"].pk).update(website=f"{local_server}/ok")
    Service.objects.filter(pk=lecco["service"].pk).update(website=f"{local_server}/gone")
    answers = check_links()
    assert answers == {f"{local_server}/gone": False, f"{local_server}/ok": True}
    assert LinkCheck.objects.get(url=f"{local_server}/gone").status_code == 404
    cells = dashboard_cells(client_for(lecco_moderator))
    broken = cells[("Lecco", "services", "Website not answering")]
    assert broken.count == 1
    assert listed_names(client_for(lecco_moderator), broken.url) == ["Sportello casa Lecco"]
    assert cells[("Lecco", "organisations", "Website not answering")].count == 0


def test_an_address_that_does_not_answer_in_time_is_marked(settings, db):
    settings.DIRECTORY_LINK_CHECK_TIMEOUT_SECONDS = 0.5
    import socket

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts the connection but never answers
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    try:
        assert check_links([url]) == {url: False}
    finally:
        listener.close()
    assert LinkCheck.objects.filter(url=url).count() == 0  # not a directory address: not kept
