"""The real geography of the network is loaded by migrations and can be re-organised by administrators."""

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.urls import reverse

import pytest

from cms.models import Ambito, Municipality, MunicipalityAmbitoChange

pytestmark = pytest.mark.django_db

# The counts published in cms/data/SOURCES.md.
EXPECTED_PER_AMBITO = {
    "Carate Brianza": 13,
    "Desio": 7,
    "Seregno": 10,
    "Monza": 3,
    "Vimercate": 22,
    "Lecco": 31,
    "Bellano": 29,
    "Merate": 24,
}


def test_migrations_load_139_comuni_in_8_ambiti():
    assert Municipality.objects.count() == 139
    assert Ambito.objects.count() == 8
    counts = dict(Ambito.objects.annotate(n=Count("municipalities")).values_list("name", "n"))
    assert counts == EXPECTED_PER_AMBITO


def test_provinces_have_55_and_84_comuni():
    counts = dict(Municipality.objects.values_list("province").annotate(n=Count("id")).values_list("province", "n"))
    assert counts == {"MB": 55, "LC": 84}


def test_istat_codes_keep_their_leading_zero():
    lecco = Municipality.objects.get(name="Lecco")
    assert lecco.istat_code == "097042"
    assert Municipality.objects.get(name="Monza").istat_code == "108033"
    assert all(len(code) == 6 for code in Municipality.objects.values_list("istat_code", flat=True))


def test_every_comune_has_coordinates_cap_and_population():
    for comune in Municipality.objects.all():
        assert 45.3 < float(comune.latitude) < 46.3, comune
        assert 9.0 < float(comune.longitude) < 9.8, comune
        assert len(comune.cap) == 5
        assert comune.population > 0 and comune.population_year == 2021


def _edit_form_data(comune, ambito):
    return {
        "name": comune.name,
        "istat_code": comune.istat_code,
        "slug": comune.slug,
        "province": comune.province,
        "ambito": ambito.pk,
        "latitude": str(comune.latitude),
        "longitude": str(comune.longitude),
        "cap": comune.cap,
        "population": comune.population,
        "population_year": comune.population_year,
    }


def test_administrator_moves_a_comune_to_another_ambito_in_the_admin(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(admin)
    comune = Municipality.objects.get(name="Agrate Brianza")
    previous = comune.ambito
    target = Ambito.objects.exclude(pk=previous.pk).get(name="Monza")

    url = reverse("wagtailsnippets_cms_municipality:edit", args=[comune.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, _edit_form_data(comune, target))

    assert response.status_code == 302, response.content[:2000]
    comune.refresh_from_db()
    assert comune.ambito == target
    change = MunicipalityAmbitoChange.objects.get(municipality=comune)
    assert (change.previous_ambito, change.new_ambito, change.changed_by) == (previous, target, admin)
    assert target.municipalities.count() == EXPECTED_PER_AMBITO["Monza"] + 1


def test_saving_without_moving_records_no_change(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.org", "pw-for-tests-only")
    client.force_login(admin)
    comune = Municipality.objects.get(name="Lecco")
    url = reverse("wagtailsnippets_cms_municipality:edit", args=[comune.pk])
    data = _edit_form_data(comune, comune.ambito) | {"population": comune.population + 1}
    assert client.post(url, data).status_code == 302
    assert not MunicipalityAmbitoChange.objects.exists()


def test_a_user_without_permission_cannot_move_a_comune(client):
    user = get_user_model().objects.create_user("someone", "someone@example.org", "pw-for-tests-only")
    client.force_login(user)
    comune = Municipality.objects.get(name="Lecco")
    target = Ambito.objects.get(name="Merate")
    url = reverse("wagtailsnippets_cms_municipality:edit", args=[comune.pk])
    response = client.post(url, _edit_form_data(comune, target))
    assert response.status_code in (302, 403)
    comune.refresh_from_db()
    assert comune.ambito.name == "Lecco"
