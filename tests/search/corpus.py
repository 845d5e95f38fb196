"""A small directory for the search tests: five services in five comuni, translated unevenly."""

from dataclasses import dataclass

from cms.models import Organization, Service
from tests.factories import OrganizationFactory, ServiceFactory


@dataclass
class Corpus:
    housing: Service  # Lecco; it, en, fr, es
    italian_course: Service  # Monza; it, en
    mediation: Service  # Merate; Italian only
    jobs: Service  # Valmadrera; it, en
    finance: Service  # Calolziocorte; it, en

    @property
    def all(self) -> list[Service]:
        return [self.housing, self.italian_course, self.mediation, self.jobs, self.finance]


def make_corpus() -> Corpus:
    kind = Organization.Kind
    housing = ServiceFactory(
        organization=OrganizationFactory(name="Associazione Porte Aperte", kind=kind.VOLUNTEER_ASSOCIATION),
        name_it="Sportello casa per le famiglie",
        name_en="Housing desk for families",
        name_fr="Guichet logement pour les familles",
        name_es="Ventanilla de vivienda para familias",
        description_it="Aiutiamo le famiglie a trovare una casa in città.",
        description_en="We help families find a house in town.",
        description_fr="Nous aidons les familles à trouver des logements.",
        description_es="Ayudamos a las familias a encontrar viviendas.",
        themes=["housing"],
        target_groups=["families"],
        languages=["ar", "fr"],
        comuni=["Lecco"],
    )
    italian_course = ServiceFactory(
        organization=OrganizationFactory(name="Cooperativa Parole", kind=kind.SOCIAL_COOPERATIVE),
        name_it="Corso di italiano per donne",
        name_en="Italian course for women",
        description_it="Lezioni di lingua italiana, con asilo per i bambini.",
        description_en="Italian language lessons, with childcare.",
        themes=["italian-courses"],
        target_groups=["women"],
        languages=["uk"],
        comuni=["Monza"],
    )
    mediation = ServiceFactory(
        organization=OrganizationFactory(name="Ufficio di piano di Merate", kind=kind.PUBLIC_OFFICE),
        name_it="Mediazione linguistica",
        description_it="Mediatori per la famiglia e per la carta d'identità.",
        themes=["mediation", "rights-documents"],
        target_groups=["families", "newly-arrived"],
        languages=["ar"],
        comuni=["Merate"],
    )
    jobs = ServiceFactory(
        organization=OrganizationFactory(name="Associazione Lavoro Insieme", kind=kind.VOLUNTEER_ASSOCIATION),
        name_it="Orientamento al lavoro",
        name_en="Job orientation",
        description_it="Curriculum, colloqui e offerte di lavoro.",
        description_en="CVs, interviews and job offers.",
        themes=["employment-training"],
        target_groups=["workers"],
        comuni=["Valmadrera"],
    )
    finance = ServiceFactory(
        organization=OrganizationFactory(name="Consorzio Consolida", kind=kind.CONSORTIUM),
        name_it="Consulenza finanziaria",
        name_en="Financial counselling",
        description_it="Il bilancio familiare, il conto corrente e i risparmi.",
        description_en="Family budget, bank account and savings.",
        themes=["financial-education"],
        target_groups=["families"],
        languages=["fr"],
        comuni=["Calolziocorte"],
    )
    return Corpus(housing, italian_course, mediation, jobs, finance)
