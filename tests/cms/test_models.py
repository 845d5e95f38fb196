"""The content model: translated fields with Italian as the source, and the site's page tree."""

from django.test import Client
from django.utils import translation

import pytest

from cms.models import Service
from cms.site_setup import bootstrap_site
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def test_taxonomy_is_loaded_with_stable_codes_and_translations():
    from cms.models import TargetGroup, Theme

    assert set(Theme.objects.values_list("code", flat=True)) >= {
        "housing",
        "financial-education",
        "rights-documents",
        "mediation",
        "employment-training",
        "italian-courses",
        "minors-schooling",
        "parenting-family",
        "health-access",
    }
    assert TargetGroup.objects.count() == 7
    housing = Theme.objects.get(code="housing")
    with translation.override("ar"):
        assert housing.name == "السكن"
    with translation.override("fr"):
        assert housing.name == "Logement"


def test_missing_translation_falls_back_to_italian_field_by_field():
    service = ServiceFactory(name_it="Sportello casa", name_en="Housing desk", description_it="Aiuto per la casa.")
    with translation.override("en"):
        assert service.name == "Housing desk"
        assert service.description == "Aiuto per la casa."


def test_base_columns_keep_the_italian_value_whatever_language_saves():
    service = ServiceFactory(name_it="Sportello casa", name_en="Housing desk")
    with translation.override("en"):
        service.description_en = "Help with housing."
        service.save()
    raw = Service.objects.filter(pk=service.pk).values("name", "name_it", "name_en").get()
    assert raw == {"name": "Sportello casa", "name_it": "Sportello casa", "name_en": "Housing desk"}


def test_bootstrap_creates_home_and_guidelines_served_in_every_language():
    bootstrap_site()
    bootstrap_site()  # idempotent
    client = Client()
    assert client.get("/it/").status_code == 200
    assert client.get("/it/linee-guida/").status_code == 200
    assert client.get("/en/guidelines/").status_code == 200
    response = client.get("/ar/")
    assert response.status_code == 200
    assert b'<html lang="ar" dir="rtl">' in response.content
