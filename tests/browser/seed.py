"""The content the browser tests browse: a small directory and one guideline, in Italian with some
translations (so that both translated and fallback texts appear), then the search index; and the
staff of the referral process with its sample cases, made by the demo of ``make run`` (referrals/demo).

Run inside the server's own database: ``manage.py shell -c "from tests.browser.seed import seed; seed()"``.
"""

import json
import uuid

from django.conf import settings
from django.db import transaction
from django.test.utils import override_settings
from django.utils.text import slugify

from cms.models import GuidelineIndexPage, GuidelinePage, Theme
from cms.site_setup import bootstrap_site
from referrals.demo import load_demo
from search.client import get_client
from search.index import alias_name, rebuild
from tests.factories import LocationFactory, OrganizationFactory, ServiceFactory, ambito, comune

HOUSING_DESK = "Sportello casa di Lecco"
ITALIAN_COURSE = "Corso di italiano per adulti"
HIDDEN_SERVICE = "Servizio non pubblicato"
GUIDELINE_TITLE = "Dalla prima accoglienza alla casa"
FILLER_SERVICES = 18  # enough for two pages of results
# The staff journey: an association of Lecco whose coordinator and volunteers are demo accounts (Monza's is
# Associazione Mondo Insieme). Its service shares no word with the public-site tests' searches.
LECCO_ASSOCIATION = "Associazione Incontro Lecco"
AFTER_SCHOOL = "Doposcuola per ragazzi"
AFTER_SCHOOL_ADDRESS = "Via Cavour 12"
# Every demo account gets this password in the browser tests' database (the demo's own is random).
STAFF_PASSWORD = "browser-tests-staff-password"


def _services():
    lecco, monza = comune("Lecco"), comune("Monza")
    town_hall = OrganizationFactory(
        name="Comune di Lecco – Servizi sociali",
        slug="comune-di-lecco-servizi-sociali",
        kind="public_office",
        municipality=lecco,
        phone="+39 0341 481 111",
        email="servizi.sociali@comune.lecco.example.org",
        website="https://www.comune.lecco.example.org/",
        description_it="L'ufficio dei servizi sociali del Comune di Lecco.",
        description_ar="مكتب الخدمات الاجتماعية في بلدية ليكو.",
    )
    association = OrganizationFactory(
        name="Associazione Mondo Insieme",
        slug="associazione-mondo-insieme",
        kind="volunteer_association",
        municipality=monza,
        phone="039 123 4567",
        email="info@mondoinsieme.example.org",
        description_it="Volontari che insegnano l'italiano e accompagnano le famiglie.",
    )
    association.ambiti.set([ambito("Monza")])
    association.save()
    desk = LocationFactory(
        organization=town_hall,
        name="Sportello sociale, sede centrale",
        address="Piazza Diaz 1",
        municipality=lecco,
        phone="+39 0341 481 200",
        opening_hours_it="Lunedì e giovedì 9:00–12:30",
        opening_hours_ar="الاثنين والخميس 9:00–12:30",
        accessibility_it="Ingresso senza gradini, ascensore.",
    )
    school = LocationFactory(
        organization=association,
        name="Scuola di italiano",
        address="Via Vittorio Emanuele 10",
        municipality=monza,
        opening_hours_it="Martedì e venerdì 18:00–20:00",
    )
    ServiceFactory(
        organization=town_hall,
        name_it=HOUSING_DESK,
        name_en="Lecco housing help desk",
        name_ar="مكتب مساعدة السكن في ليكو",
        description_it="Aiuto per cercare una casa in affitto, domande di alloggio sociale e contributi per l'affitto.",
        description_en="Help to find a home to rent, apply for social housing and rent support.",
        description_ar="مساعدة في البحث عن منزل للإيجار وطلبات السكن الاجتماعي ودعم الإيجار.",
        how_to_access_it="Prenota un colloquio per telefono o vieni allo sportello negli orari di apertura.",
        how_to_access_ar="احجز موعدًا عبر الهاتف أو تعال إلى المكتب في ساعات العمل.",
        eligibility_it="Persone e famiglie residenti a Lecco.",
        phone="+39 0341 481 210",
        email="casa@comune.lecco.example.org",
        themes=["housing"],
        target_groups=["families", "everyone"],
        languages=["it", "ar", "en", "fr"],
        locations=[desk],
    )
    ServiceFactory(
        organization=association,
        name_it=ITALIAN_COURSE,
        name_en="Italian course for adults",
        description_it="Lezioni gratuite di lingua italiana per adulti, di sera, con volontari.",
        description_en="Free Italian lessons for adults, in the evening, with volunteers.",
        how_to_access_it="Iscrizione a settembre e a gennaio presso la scuola.",
        themes=["italian-courses"],
        target_groups=["everyone", "newly-arrived"],
        languages=["it", "ar", "uk"],
        locations=[school],
    )
    ServiceFactory(
        organization=association,
        name_it="Mediazione linguistica per le famiglie",
        description_it="Mediatori culturali accompagnano le famiglie a scuola e dal medico.",
        themes=["mediation", "parenting-family"],
        languages=["ar", "sq", "ro"],
        is_sample=True,
        locations=[school],
    )
    ServiceFactory(
        organization=town_hall,
        name_it=HIDDEN_SERVICE,
        description_it="Una bozza che non deve apparire.",
        themes=["housing"],
        live=False,
        locations=[desk],
    )
    _staff_association()
    for number in range(1, FILLER_SERVICES + 1):
        ServiceFactory(
            organization=town_hall if number % 2 else association,
            name_it=f"Orientamento al lavoro {number:02d}",
            description_it="Colloqui per scrivere il curriculum e cercare lavoro.",
            themes=["employment-training"],
            languages=["it"],
            locations=[desk if number % 2 else school],
        )


def _staff_association():
    lecco = comune("Lecco")
    association = OrganizationFactory(
        name=LECCO_ASSOCIATION,
        slug="associazione-incontro-lecco",
        kind="volunteer_association",
        municipality=lecco,
        phone="+39 0341 222 333",
        email="info@incontrolecco.example.org",
        description_it="Volontari che seguono ragazzi e famiglie nel pomeriggio.",
    )
    association.ambiti.set([ambito("Lecco")])
    association.save()
    seat = LocationFactory(
        organization=association,
        name="Sede dell'associazione",
        address=AFTER_SCHOOL_ADDRESS,
        municipality=lecco,
        opening_hours_it="Dal lunedì al venerdì 15:00–18:00",
    )
    ServiceFactory(
        organization=association,
        name_it=AFTER_SCHOOL,
        description_it="Aiuto con i compiti nel pomeriggio per ragazzi delle medie.",
        themes=["minors-schooling"],
        languages=["it", "ar", "fr"],
        locations=[seat],
    )


def _guideline():
    home = bootstrap_site(hostname="127.0.0.1")
    index = GuidelineIndexPage.objects.get()
    block = {
        "type": "intervention_model",
        "id": str(uuid.uuid4()),
        "value": {
            "title": "Accompagnamento all'abitare",
            "target_group": None,
            "need": "Una famiglia appena arrivata cerca una casa in affitto.",
            "steps": [
                {"type": "item", "id": str(uuid.uuid4()), "value": {"title": "Primo colloquio", "description": ""}},
                {"type": "item", "id": str(uuid.uuid4()), "value": {"title": "Ricerca dell'alloggio"}},
            ],
            "actors": [{"type": "item", "id": str(uuid.uuid4()), "value": "Sportello casa del comune"}],
            "tools": [],
            "tips": "<p>Chiedere subito i documenti.</p>",
        },
    }
    body = json.dumps([{"type": "heading", "value": "Il percorso", "id": str(uuid.uuid4())}, block])
    page = GuidelinePage(
        title=GUIDELINE_TITLE,
        title_it=GUIDELINE_TITLE,
        slug=slugify(GUIDELINE_TITLE),
        slug_it=slugify(GUIDELINE_TITLE),
        title_ar="من الاستقبال الأول إلى السكن",
        slug_ar="من-الاستقبال-الأول-إلى-السكن",
        intro_it="<p>Come la rete accompagna una famiglia dalla prima accoglienza a una casa.</p>",
        body_it=body,
    )
    index.add_child(instance=page)
    page.themes.set(Theme.objects.filter(code="housing"))
    page.save_revision().publish()
    page.refresh_from_db()
    page.services.set(page.services.model.objects.filter(name_it=HOUSING_DESK))
    page.save_revision().publish()
    return home


@transaction.atomic
def _content():
    _services()
    _guideline()


def _staff():
    """The demo's staff and sample referrals (the demo refuses to run without DEBUG: these test settings
    have it off, and this database is the tests' own)."""
    with override_settings(DEBUG=True):
        load_demo(password=STAFF_PASSWORD)


def seed():
    _content()
    _staff()
    rebuild()
    get_client().indices.refresh(index=alias_name())
    print(f"seeded; index {alias_name()} on {settings.ELASTICSEARCH_URL}")
