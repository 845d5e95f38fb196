"""N synthetic services in every configured language, for benchmarks and load tests.

Records are written with bulk inserts (no revisions): they are live rows marked as sample
data, spread over the real comuni, with 1–3 themes, target groups, spoken languages and
one or two locations each. The same seed gives the same data. Bulk inserts send no signals, so
the date of the public content (``Last-Modified`` of the APIs) is recorded here, in the same
transaction.
"""

import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from ..content_version import record_content_change
from ..models import (
    Location,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)

# What a service is, per language: (desk, course, support, counselling).
KINDS = {
    "it": ["Sportello", "Corso", "Servizio di accompagnamento", "Consulenza"],
    "en": ["Help desk", "Course", "Support service", "Counselling"],
    "fr": ["Guichet", "Cours", "Service d'accompagnement", "Conseil"],
    "es": ["Ventanilla", "Curso", "Servicio de acompañamiento", "Asesoramiento"],
    "ar": ["مكتب مساعدة", "دورة", "خدمة مرافقة", "استشارة"],
    "uk": ["Приймальня", "Курс", "Служба супроводу", "Консультація"],
    "ro": ["Ghișeu", "Curs", "Serviciu de însoțire", "Consiliere"],
    "sq": ["Sportel", "Kurs", "Shërbim shoqërimi", "Këshillim"],
    "zh-hans": ["服务窗口", "课程", "陪同服务", "咨询"],
}
# Description templates per language: {kind}, {theme}, {comune}.
SENTENCES = {
    "it": [
        "{kind} dedicato a {theme} per le famiglie e le persone che abitano a {comune}.",
        "Offriamo orientamento, informazioni e accompagnamento su {theme}, su appuntamento.",
        "Operatori e mediatori culturali aiutano a compilare domande e a preparare i documenti.",
    ],
    "en": [
        "{kind} about {theme} for families and people living in {comune}.",
        "We offer guidance, information and support on {theme}, by appointment.",
        "Staff and cultural mediators help fill in applications and prepare documents.",
    ],
    "fr": [
        "{kind} consacré à {theme} pour les familles et les personnes qui habitent à {comune}.",
        "Nous offrons orientation, informations et accompagnement sur {theme}, sur rendez-vous.",
        "Des agents et des médiateurs culturels aident à remplir les demandes et à préparer les documents.",
    ],
    "es": [
        "{kind} dedicado a {theme} para las familias y las personas que viven en {comune}.",
        "Ofrecemos orientación, información y acompañamiento sobre {theme}, con cita previa.",
        "Profesionales y mediadores culturales ayudan a rellenar solicitudes y preparar documentos.",
    ],
    "ar": [
        "{kind} مخصص لـ {theme} للعائلات والأشخاص المقيمين في {comune}.",
        "نقدم التوجيه والمعلومات والمرافقة في مجال {theme} بموعد مسبق.",
        "يساعد الموظفون والوسطاء الثقافيون في ملء الطلبات وتحضير الوثائق.",
    ],
    "uk": [
        "{kind} з питань: {theme} для сімей і людей, які живуть у {comune}.",
        "Ми надаємо орієнтацію, інформацію та супровід з питань: {theme}, за попереднім записом.",
        "Працівники та культурні медіатори допомагають заповнити заяви й підготувати документи.",
    ],
    "ro": [
        "{kind} dedicat pentru {theme} pentru familiile și persoanele care locuiesc în {comune}.",
        "Oferim orientare, informații și însoțire privind {theme}, cu programare.",
        "Operatorii și mediatorii culturali ajută la completarea cererilor și pregătirea documentelor.",
    ],
    "sq": [
        "{kind} për {theme} për familjet dhe njerëzit që jetojnë në {comune}.",
        "Ofrojmë orientim, informacion dhe shoqërim për {theme}, me takim.",
        "Punonjësit dhe ndërmjetësit kulturorë ndihmojnë në plotësimin e kërkesave dhe përgatitjen e dokumenteve.",
    ],
    "zh-hans": [
        "面向居住在{comune}的家庭和个人的{theme}{kind}。",
        "我们提供有关{theme}的指导、信息和陪同服务，需预约。",
        "工作人员和文化调解员帮助填写申请并准备文件。",
    ],
}
ACCESS = {
    "it": "Telefonare per fissare un appuntamento; portare un documento d'identità.",
    "en": "Call to book an appointment; bring an identity document.",
    "fr": "Appeler pour prendre rendez-vous ; apporter une pièce d'identité.",
    "es": "Llamar para pedir cita; traer un documento de identidad.",
    "ar": "اتصل لحجز موعد؛ أحضر وثيقة هوية.",
    "uk": "Зателефонуйте, щоб записатися на прийом; візьміть документ, що посвідчує особу.",
    "ro": "Sunați pentru a face o programare; aduceți un act de identitate.",
    "sq": "Telefononi për të lënë një takim; sillni një dokument identiteti.",
    "zh-hans": "请致电预约；携带身份证件。",
}
HOURS = {
    "it": "Lunedì–venerdì 9:00–12:30",
    "en": "Monday–Friday 9:00–12:30",
    "fr": "Lundi–vendredi 9h00–12h30",
    "ar": "من الاثنين إلى الجمعة 9:00–12:30",
}
STREETS = ["Via Roma", "Via Manzoni", "Piazza Garibaldi", "Via Volta", "Via Mazzini", "Corso Italia", "Via Dante"]


def column(field: str, language: str) -> str:
    return f"{field}_{language.replace('-', '_')}"


@dataclass
class GeneratedCounts:
    organizations: int
    services: int
    locations: int


def _translated(field: str, values: dict[str, str]) -> dict[str, str]:
    languages = set(settings.MODELTRANSLATION_LANGUAGES)
    row = {column(field, code): value for code, value in values.items() if code in languages}
    row[field] = values["it"]
    return row


def _jitter(value: Decimal, rng: random.Random) -> Decimal:
    return (value + Decimal(rng.uniform(-0.01, 0.01))).quantize(Decimal("0.000001"))


@transaction.atomic
def generate_services(count: int = 10_000, *, seed: int = 42, batch_size: int = 1000) -> GeneratedCounts:
    """Creates ``count`` synthetic services (and the organisations and locations they need)."""
    rng = random.Random(seed)
    comuni = list(Municipality.objects.order_by("istat_code"))
    themes = list(Theme.objects.all())
    targets = list(TargetGroup.objects.all())
    spoken = list(SpokenLanguage.objects.all())
    languages = [code for code in KINDS if code in settings.MODELTRANSLATION_LANGUAGES]
    run = Organization.objects.filter(slug__startswith="synthetic-").count()

    organizations = []
    for i in range(max(1, count // 20)):
        seat = comuni[i % len(comuni)]
        name = f"Associazione sintetica {run + i + 1} di {seat.name}"
        organizations.append(
            Organization(
                name=name,
                slug=slugify(f"synthetic-{run + i + 1}-{seat.slug}")[:200],
                kind=rng.choice(Organization.Kind.values),
                municipality=seat,
                is_sample=True,
                live=True,
                **_translated("description", {"it": f"Organizzazione sintetica con sede a {seat.name}."}),
            )
        )
    organizations = Organization.objects.bulk_create(organizations, batch_size=batch_size)

    services, locations, theme_links, target_links, language_links, placements = [], [], [], [], [], []
    theme_through = Service.themes.through
    target_through = Service.target_groups.through
    language_through = Service.languages_spoken.through
    for i in range(count):
        organization = organizations[i % len(organizations)]
        place = comuni[rng.randrange(len(comuni))]
        chosen_themes = rng.sample(themes, rng.randint(1, 3))
        kind = rng.randrange(4)
        names, descriptions = {}, {}
        for code in languages:
            theme_name = getattr(chosen_themes[0], column("name", code)) or chosen_themes[0].name_it
            theme_name = theme_name.lower() if code not in ("de", "zh-hans", "ar") else theme_name
            names[code] = f"{KINDS[code][kind]} {theme_name} – {place.name}"
            sentences = [s.format(kind=KINDS[code][kind], theme=theme_name, comune=place.name) for s in SENTENCES[code]]
            descriptions[code] = " ".join(sentences[: rng.randint(2, 3)])
        services.append(
            Service(
                organization=organization,
                cost=rng.choice(["free", "free", "free", "reduced", "paid"]),
                status="active" if rng.random() > 0.05 else "temporarily_closed",
                live=True,
                is_sample=True,
                phone=f"+39 039 {rng.randint(1000000, 9999999)}",
                **_translated("name", names),
                **_translated("description", descriptions),
                **_translated("how_to_access", {c: ACCESS[c] for c in languages}),
            )
        )
        locations.append(
            Location(
                organization=organization,
                name=f"Sede di {place.name}",
                address=f"{rng.choice(STREETS)} {rng.randint(1, 120)}",
                municipality=place,
                cap=place.cap,
                latitude=_jitter(place.latitude, rng),
                longitude=_jitter(place.longitude, rng),
                is_sample=True,
                live=True,
                **_translated("opening_hours", {c: v for c, v in HOURS.items() if c in languages}),
            )
        )
        theme_links.append([t.pk for t in chosen_themes])
        target_links.append([t.pk for t in rng.sample(targets, rng.randint(1, 2))])
        language_links.append(["it", *[s.pk for s in rng.sample(spoken, rng.randint(0, 3)) if s.pk != "it"]])

    services = Service.objects.bulk_create(services, batch_size=batch_size)
    locations = Location.objects.bulk_create(locations, batch_size=batch_size)
    theme_rows, target_rows, language_rows = [], [], []
    for service, location, theme_ids, target_ids, language_ids in zip(
        services, locations, theme_links, target_links, language_links, strict=True
    ):
        placements.append(ServiceAtLocation(service=service, location=location, sort_order=0))
        theme_rows += [theme_through(service_id=service.pk, theme_id=t) for t in theme_ids]
        target_rows += [target_through(service_id=service.pk, targetgroup_id=t) for t in target_ids]
        language_rows += [language_through(service_id=service.pk, spokenlanguage_id=c) for c in language_ids]
    for model, rows in (
        (theme_through, theme_rows),
        (target_through, target_rows),
        (language_through, language_rows),
        (ServiceAtLocation, placements),
    ):
        model.objects.bulk_create(rows, batch_size=batch_size)
    record_content_change()
    return GeneratedCounts(organizations=len(organizations), services=len(services), locations=len(locations))
