"""Spreadsheet import and export: whole-file validation, nothing written on error, no duplicates, round trip."""

import csv
import io
from decimal import Decimal

from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from wagtail.signals import published

import pytest
from openpyxl import Workbook, load_workbook

from cms.models import Location, Organization, Service, ServiceAtLocation
from cms.spreadsheet import export_directory, import_directory, write_spreadsheet
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, ambito, comune

from .conftest import assert_denied, client_for
from .conftest import published as publish_records

pytestmark = pytest.mark.django_db

GOOD_ROW = {
    "external_id": "LC-001",
    "organization": "Cooperativa Sociale L'Arcobaleno",
    "organization_kind": "social_cooperative",
    "comune_istat": "097042",
    "name_it": "Sportello casa",
    "description_it": "Orientamento alla ricerca di un alloggio e all'housing sociale.",
    "name_ar": "مكتب السكن",
    "description_en": "Help to find a home and social housing.",
    "how_to_access_it": "Su appuntamento, telefonando al numero indicato.",
    "opening_hours_it": "Martedì 9:00–12:00",
    "themes": "housing;rights-documents",
    "target_groups": "families",
    "languages_spoken": "it;ar;fr",
    "address": "Via Roma 12",
    "cap": "",
    "latitude": "45.8566",
    "longitude": "9.3977",
    "phone": "+39 0341 123456",
    "email": "casa@arcobaleno.example.org",
    "website": "https://arcobaleno.example.org",
    "cost": "gratuito",
}


def csv_bytes(rows, delimiter=",", columns=None):
    columns = columns or list(dict.fromkeys(name for row in rows for name in row))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows):
    columns = list(dict.fromkeys(name for row in rows for name in row))
    workbook = Workbook()
    workbook.active.append(columns)
    for row in rows:
        workbook.active.append([row.get(name) for name in columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def counts():
    return (Organization.objects.count(), Location.objects.count(), Service.objects.count())


def database_state():
    """Every row of the directory (raw translated columns included) and every record's revision count."""
    state = {}
    for model in (Organization, Location, Service, ServiceAtLocation):
        state[model.__name__] = sorted(
            tuple(sorted((k, str(v)) for k, v in row.items())) for row in model.objects.values()
        )
    for model in (Service, Location, Organization):
        state[f"{model.__name__} revisions"] = sorted(model.objects.values_list("pk", "latest_revision_id"))
    state["themes"] = sorted(Service.themes.through.objects.values_list("service_id", "theme_id"))
    state["languages"] = sorted(Service.languages_spoken.through.objects.values_list("service_id", "spokenlanguage_id"))
    return state


def test_a_good_file_creates_published_records_through_revisions_and_signals():
    seen = []
    published.connect(lambda sender, instance, **kwargs: seen.append(instance), weak=False, dispatch_uid="t1")
    try:
        result = import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    finally:
        published.disconnect(dispatch_uid="t1")
    assert result.ok, [str(e) for e in result.errors]
    assert result.created == {"organization": 1, "location": 1, "service": 1}

    service = Service.objects.get(external_id="LC-001")
    assert service.live and service.live_revision is not None
    assert service.name == "Sportello casa" and service.name_ar == "مكتب السكن"
    assert service.cost == Service.Cost.FREE
    assert set(service.themes.values_list("code", flat=True)) == {"housing", "rights-documents"}
    assert set(service.languages_spoken.values_list("code", flat=True)) == {"it", "ar", "fr"}
    location = service.service_at_locations.get().location
    assert location.municipality == comune("Lecco") and location.cap == comune("Lecco").cap  # CAP from the comune
    assert location.latitude == Decimal("45.856600") and location.opening_hours_it == "Martedì 9:00–12:00"
    assert location.live and service.organization.live and service.organization.kind == "social_cooperative"
    assert {type(instance) for instance in seen} == {Organization, Location, Service}


def test_reimporting_updates_and_never_duplicates():
    import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    before = database_state()
    again = import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    assert again.ok and again.unchanged == 1 and not again.created and not again.updated
    assert database_state() == before  # not even a new revision

    changed = GOOD_ROW | {"name_it": "Sportello casa e abitare", "themes": "housing"}
    result = import_directory(data=csv_bytes([changed]), filename="lecco.csv")
    assert result.updated == {"service": 1}
    assert counts() == (1, 1, 1)
    service = Service.objects.get(external_id="LC-001")
    assert service.name == "Sportello casa e abitare"
    assert list(service.themes.values_list("code", flat=True)) == ["housing"]
    assert service.revisions.count() == 2


def test_a_file_with_errors_writes_nothing_and_names_each_bad_cell():
    rows = [
        GOOD_ROW | {"external_id": "LC-010"},  # a good row: not written either
        GOOD_ROW | {"external_id": "LC-011", "comune_istat": "123456", "themes": "housing;casa"},
        GOOD_ROW | {"external_id": "LC-012", "name_it": "", "email": "non-una-email", "latitude": "nord"},
        GOOD_ROW | {"external_id": "LC-010", "organization": "Nuova associazione", "organization_kind": ""},
    ]
    with translation.override("en"):  # messages are in the editor's language; these assertions read English
        result = import_directory(data=csv_bytes(rows), filename="errori.csv")
    assert not result.ok
    assert counts() == (0, 0, 0)
    problems = {(error.row, error.column) for error in result.errors}
    assert problems >= {
        (3, "comune_istat"),
        (3, "themes"),
        (4, "name_it"),
        (4, "email"),
        (4, "latitude"),
        (5, "organization_kind"),
        (5, "external_id"),
    }
    assert (2, "name_it") not in problems
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert "No comune of the network has the ISTAT code “123456”" in messages[(3, "comune_istat")]
    assert "Unknown theme code(s): casa" in messages[(3, "themes")]
    assert "already used in row 2" in messages[(5, "external_id")]
    with translation.override("en"):
        assert str(next(e for e in result.errors if e.column == "email")).startswith("Row 4, column ")


def test_unknown_and_missing_columns_are_reported_on_the_header_row():
    rows = [{k: v for k, v in GOOD_ROW.items() if k != "description_it"} | {"descrizione_it": "x"}]
    with translation.override("en"):
        result = import_directory(data=csv_bytes(rows), filename="colonne.csv")
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert "Unknown column." in messages[(1, "descrizione_it")]
    assert "Did you mean “description_it”?" in messages[(1, "descrizione_it")]
    assert messages[(1, "description_it")] == "This required column is missing."
    assert counts() == (0, 0, 0)


def test_excel_habits_are_understood_semicolons_and_a_dropped_leading_zero():
    data = csv_bytes([GOOD_ROW | {"comune_istat": "97042"}], delimiter=";")
    result = import_directory(data=data, filename="excel.csv")
    assert result.ok, [str(e) for e in result.errors]
    assert Location.objects.get().municipality == comune("Lecco")


def test_an_xlsx_file_with_numeric_cells_imports():
    row = GOOD_ROW | {"comune_istat": 97042, "latitude": 45.8566, "longitude": 9.3977, "cap": 23900}
    result = import_directory(data=xlsx_bytes([row]), filename="lecco.xlsx")
    assert result.ok, [str(e) for e in result.errors]
    assert Location.objects.get().cap == "23900"


def test_a_dry_run_reports_what_would_happen_and_writes_nothing():
    result = import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv", dry_run=True)
    assert result.ok and result.created == {"organization": 1, "location": 1, "service": 1}
    assert counts() == (0, 0, 0)


def test_export_then_import_changes_nothing(tmp_path):
    # Records from an import, and records made in the admin (no external id, two addresses, translations).
    import_directory(
        data=csv_bytes([GOOD_ROW, GOOD_ROW | {"external_id": "LC-002", "address": "Via Cavour 3"}]),
        filename="lecco.csv",
    )
    organization = Organization.objects.get()
    admin_made = ServiceFactory(
        organization=organization,
        name_it="Corso di italiano",
        name_fr="Cours d'italien",
        eligibility_it="Adulti stranieri",
        themes=["italian-courses"],
        languages=["ar", "uk"],
        locations=[LocationFactory(organization=organization), LocationFactory(organization=organization)],
    )
    publish_records({"service": admin_made})
    before = database_state()

    path = tmp_path / "directory.xlsx"
    call_command("export_directory", str(path), stdout=io.StringIO())
    workbook = load_workbook(path)
    assert workbook.active.max_row == 4  # header + 3 services
    output = io.StringIO()
    call_command("import_directory", str(path), "--no-progress", stdout=output, stderr=io.StringIO())
    assert "3 service(s) unchanged" in output.getvalue()
    assert database_state() == before

    csv_rows = export_directory()
    again = import_directory(data=write_spreadsheet(csv_rows, "d.csv"), filename="d.csv")
    assert again.ok and again.unchanged == 3
    assert database_state() == before


def test_export_then_import_keeps_each_service_with_its_own_organisation_of_a_shared_name():
    lecco = OrganizationFactory(name="Caritas", slug="caritas-lecco", municipality=comune("Lecco"))
    monza = OrganizationFactory(name="Caritas", slug="caritas-monza", municipality=comune("Monza"))
    in_lecco = ServiceFactory(organization=lecco, name_it="Centro di ascolto Lecco", comuni=["Lecco"])
    in_monza = ServiceFactory(organization=monza, name_it="Centro di ascolto Monza", comuni=["Monza"])
    publish_records({"lecco": lecco, "monza": monza, "in_lecco": in_lecco, "in_monza": in_monza})
    before = database_state()
    again = import_directory(data=write_spreadsheet(export_directory(), "d.csv"), filename="d.csv")
    assert again.ok, [str(e) for e in again.errors]
    assert again.unchanged == 2 and not again.updated and not again.created
    assert database_state() == before
    assert Service.objects.get(pk=in_monza.pk).organization == monza


def test_a_new_row_naming_an_organisation_whose_name_is_shared_is_an_error():
    OrganizationFactory(name="Caritas", slug="caritas-lecco", municipality=comune("Lecco"))
    OrganizationFactory(name="Caritas", slug="caritas-monza", municipality=comune("Monza"))
    before = database_state()
    with translation.override("en"):
        result = import_directory(data=csv_bytes([GOOD_ROW | {"organization": "caritas"}]), filename="x.csv")
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert list(messages) == [(2, "organization")]
    assert messages[(2, "organization")].startswith(
        "Several organisations are called “caritas”: caritas-lecco (Lecco), caritas-monza (Monza)."
    )
    assert database_state() == before


def test_a_record_with_a_draft_is_not_overwritten_by_the_import():
    import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    service = Service.objects.get(external_id="LC-001")
    service.eligibility_it = "Bozza: solo residenti"
    service.save_revision()
    before = database_state()
    with translation.override("en"):
        result = import_directory(data=csv_bytes([GOOD_ROW | {"phone": "+39 0341 999999"}]), filename="lecco.csv")
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert "has unpublished changes" in messages[(2, "external_id")]
    assert "publish or discard the draft" in messages[(2, "external_id")]
    assert database_state() == before
    service = Service.objects.get(pk=service.pk)
    assert service.has_unpublished_changes
    assert service.get_latest_revision_as_object().eligibility_it == "Bozza: solo residenti"


def test_a_record_in_moderation_is_not_overwritten_by_the_import(lecco_moderator):
    import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    service = Service.objects.get(external_id="LC-001")
    service.save_revision(user=lecco_moderator)
    service.get_workflow().start(service, lecco_moderator)
    assert Service.objects.get(pk=service.pk).workflow_in_progress
    before = database_state()
    with translation.override("en"):
        for user in (None, lecco_moderator):  # a reviewer of the task is not exempt
            result = import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv", user=user)
            messages = {(error.row, error.column): error.message for error in result.errors}
            assert "is in moderation" in messages[(2, "external_id")], messages
    assert database_state() == before


def test_a_row_of_another_ambitos_organisation_is_refused_on_the_row(lecco_moderator, monza_records):
    monza_organization = monza_records["organization"]
    other_kind = "other" if monza_organization.kind != "other" else "consortium"
    before = database_state()
    row = GOOD_ROW | {"organization": monza_organization.name, "organization_kind": other_kind}
    with translation.override("en"):
        result = import_directory(data=csv_bytes([row]), filename="x.csv", user=lecco_moderator)
        shown = [str(error) for error in result.errors]
    messages = {(error.row, error.column): error.message for error in result.errors}
    assert set(messages) == {(2, "organization_kind"), (2, "organization")}, shown
    assert "You may not change the kind of “Associazione di Monza”" in messages[(2, "organization_kind")]
    assert "You may not add services or addresses to “Associazione di Monza”" in messages[(2, "organization")]
    assert shown[0].startswith("Row 2, column ")
    assert database_state() == before

    result = import_directory(data=csv_bytes([row | {"organization_kind": ""}]), filename="x.csv", user=lecco_moderator)
    assert [(error.row, error.column) for error in result.errors] == [(2, "organization")]
    assert database_state() == before


def test_a_row_may_add_a_service_to_an_organisation_working_in_the_ambito(lecco_moderator, monza_records):
    consortium = monza_records["organization"]
    consortium.ambiti.add(ambito("Lecco"))
    consortium.save()
    row = GOOD_ROW | {"organization": consortium.name, "organization_kind": ""}
    result = import_directory(data=csv_bytes([row]), filename="x.csv", user=lecco_moderator)
    assert result.ok, [str(e) for e in result.errors]
    assert Service.objects.get(external_id="LC-001").organization == consortium

    # Without an address the service would lie in the consortium's seat, in Monza: refused on the row.
    bare = GOOD_ROW | {"external_id": "LC-002", "organization": consortium.name, "organization_kind": ""}
    bare |= {"address": "", "latitude": "", "longitude": "", "opening_hours_it": ""}
    result = import_directory(data=csv_bytes([bare]), filename="x.csv", user=lecco_moderator)
    assert [(error.row, error.column) for error in result.errors] == [(2, "address")]


def test_the_command_lists_every_problem_and_fails(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes([GOOD_ROW | {"cost": "caro", "cap": "239"}]))
    errors = io.StringIO()
    # Commands speak the site's language (Italian) unless another one is active.
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_directory", str(path), "--no-progress", stdout=io.StringIO(), stderr=errors)
    assert "Riga 2, colonna " in errors.getvalue() and "(cost): Costo sconosciuto “caro”" in errors.getvalue()
    assert counts() == (0, 0, 0)


# --- The admin page -------------------------------------------------------------------------


def upload(client, rows, name="lecco.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    file = SimpleUploadedFile(name, csv_bytes(rows), content_type="text/csv")
    return client.post(reverse("cms_directory_import"), {"file": file})


def test_the_admin_page_checks_then_imports_on_confirmation(lecco_moderator):
    client = client_for(lecco_moderator)
    response = upload(client, [GOOD_ROW])
    assert response.status_code == 200
    assert "passed every check" in response.content.decode()
    assert counts() == (0, 0, 0)  # nothing until confirmed
    response = client.post(reverse("cms_directory_import_confirm"))
    assert response.status_code == 302
    service = Service.objects.get(external_id="LC-001")
    assert service.latest_revision.user == lecco_moderator


def test_the_admin_page_shows_every_error_and_refuses_rows_of_another_ambito(lecco_moderator):
    client = client_for(lecco_moderator)
    monza_row = GOOD_ROW | {"external_id": "MB-001", "comune_istat": comune("Monza").istat_code}
    response = upload(client, [GOOD_ROW, monza_row | {"email": "x"}])
    html = response.content.decode()
    assert "2 problems. Nothing was imported." in html
    assert "You may import only services in the comuni of your ambito." in html
    assert "Not an e-mail address" in html
    client.post(reverse("cms_directory_import_confirm"))
    assert counts() == (0, 0, 0)


def test_importing_is_for_moderators_and_exporting_is_scoped(lecco_editor, lecco_moderator, monza_records):
    assert_denied(client_for(lecco_editor).get(reverse("cms_directory_import")))
    import_directory(data=csv_bytes([GOOD_ROW]), filename="lecco.csv")
    response = client_for(lecco_moderator).get(reverse("cms_directory_export") + "?format=csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [row["external_id"] for row in rows] == ["LC-001"]  # not Monza's service
