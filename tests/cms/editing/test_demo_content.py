"""The demo content of ``make run``: the real network, 300+ services everywhere, one guideline per theme."""

import io
from collections import defaultdict
from datetime import timedelta

from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

import pytest
from modeltranslation.utils import fallbacks

from cms.contacts import is_reachable
from cms.models import Ambito, GuidelinePage, Location, Organization, Service, Theme

pytestmark = pytest.mark.django_db

REAL_ORGANIZATIONS = [
    "Consorzio Comunità Brianza",
    "CS&L Consorzio Sociale",
    "Consolida",
    "Mosaico Interculturale",
    *[f"Ufficio di Piano dell'Ambito di {name}" for name in ("Carate Brianza", "Desio", "Seregno", "Monza")],
    *[f"Ufficio di Piano dell'Ambito di {name}" for name in ("Vimercate", "Merate", "Lecco", "Bellano")],
]


def test_the_demo_content_is_a_living_directory_and_loads_once():
    output = io.StringIO()
    call_command("load_demo_content", stdout=output)
    assert "Demo content: created" in output.getvalue()

    # The network's real organisations are there, not marked as samples; invented ones are.
    real = Organization.objects.filter(name__in=REAL_ORGANIZATIONS)
    assert real.count() == len(REAL_ORGANIZATIONS)
    assert not real.filter(is_sample=True).exists()
    assert Organization.objects.filter(is_sample=True).count() >= 20
    assert not Service.objects.filter(is_sample=False).exists()

    # At least 300 published services in at least 100 comuni, every ambito × every theme.
    services = Service.objects.filter(live=True, live_revision__isnull=False)
    assert services.count() >= 300
    comuni = Location.objects.filter(service_at_locations__service__in=services).values("municipality").distinct()
    assert comuni.count() >= 100
    pairs = set(
        services.values_list("service_at_locations__location__municipality__ambito__name", "themes__code").distinct()
    )
    assert pairs >= {
        (a, t)
        for a in Ambito.objects.values_list("name", flat=True)
        for t in Theme.objects.values_list("code", flat=True)
    }

    # Translated at least into English, French and Arabic; places with opening hours; languages spoken.
    with fallbacks(False):
        for language in ("en", "fr", "ar"):
            empty = Q(**{f"name_{language}__isnull": True}) | Q(**{f"name_{language}": ""})
            empty |= Q(**{f"description_{language}__isnull": True}) | Q(**{f"description_{language}": ""})
            assert not services.filter(empty).exists(), language
        assert not Location.objects.filter(Q(opening_hours_it="") | Q(opening_hours_ar__isnull=True)).exists()
    spoken = defaultdict(set)
    for pk, code in services.values_list("pk", "languages_spoken"):
        spoken[pk].add(code)
    assert all("it" in codes and len(codes) >= 2 for codes in spoken.values())

    # One published guideline per theme, with an intervention model, linked to themes and services.
    guidelines = GuidelinePage.objects.live()
    assert guidelines.count() == Theme.objects.count()
    for page in guidelines:
        assert page.themes.count() == 1 and page.services.exists()
        for language in ("it", "en", "fr", "ar"):
            body = getattr(page, f"body_{language}")
            assert getattr(page, f"intro_{language}") and getattr(page, f"title_{language}")
            assert [block.block_type for block in body].count("intervention_model") >= 1, (page.slug, language)
    assert {page.themes.get().code for page in guidelines} == set(Theme.objects.values_list("code", flat=True))

    # Contacts reach the public: at most 5% of the services have no phone, e-mail or website on the
    # service, its offices or its organisation; all sample contacts are fiction (555, example.org).
    shown = services.select_related("organization").prefetch_related("service_at_locations__location")
    unreachable = [service for service in shown if not is_reachable(service)]
    assert len(unreachable) <= 0.05 * services.count(), len(unreachable)
    assert unreachable  # a believable mix: the dashboard has something to show
    assert all(" 555 " in phone for phone in Location.objects.exclude(phone="").values_list("phone", flat=True))
    emails = Service.objects.exclude(email="").values_list("email", flat=True)
    assert emails and all(email.endswith("example.org") for email in emails)
    assert not Organization.objects.filter(is_sample=False).exclude(phone="").exists()  # nothing invented on real ones

    # Verification dates: most within the cycle, some overdue, some never verified.
    today = timezone.localdate()
    recent = services.filter(assured_date__gte=today - timedelta(days=365)).count()
    overdue = services.filter(assured_date__lt=today - timedelta(days=365)).count()
    never = services.filter(assured_date__isnull=True).count()
    assert recent > overdue > 0 and never > 0

    counts = (Organization.objects.count(), Location.objects.count(), Service.objects.count())
    again = io.StringIO()
    call_command("load_demo_content", stdout=again)
    assert "already loaded" in again.getvalue()
    assert (Organization.objects.count(), Location.objects.count(), Service.objects.count()) == counts
