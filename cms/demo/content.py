"""The demo content of ``make run``: a living directory and one guideline per theme.

Organisations named in the project's story (Consorzio Comunità Brianza, CS&L, Consolida, Mosaico
Interculturale, the Ufficio di Piano of each of the 8 ambiti, the comuni's social services and
the adult education centres) are real bodies: their records have ``is_sample=False``. Their
services, addresses and opening hours, and the associations and cooperatives with invented names,
are sample data (``is_sample=True``). Texts live in cms/demo/data/*.json, in Italian, English,
French and Arabic (service and guideline titles in every configured language).

Everything is created through Wagtail's actions (a revision, then publication), as an editor
would, so the ``published`` signals fire and the search index follows. The load is idempotent:
records are keyed by ``external_id`` (pages by their Italian slug) and existing ones are left
as they are, so running it again creates only what is missing.
"""

import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from wagtail.actions.create import CreateAction
from wagtail.models import ReferenceIndex
from wagtail.signal_handlers import disable_reference_index_auto_update

from ..content_version import record_content_change
from ..languages import localized
from ..models import (
    Ambito,
    GuidelineIndexPage,
    GuidelinePage,
    Location,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)
from ..site_setup import bootstrap_site
from ..slugs import unique_slug

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = 20240601
PREFIX = "demo-"


@dataclass
class DemoCounts:
    organizations: int = 0
    locations: int = 0
    services: int = 0
    guidelines: int = 0


def _read(name: str) -> dict:
    return json.loads((DATA_DIR / name).read_text(encoding="utf-8"))


def _languages() -> set[str]:
    return set(settings.MODELTRANSLATION_LANGUAGES)


def _translated(field: str, values: dict[str, str]) -> dict[str, str]:
    """{"it": "Casa", "ar": "..."} -> {"name_it": "Casa", "name_ar": "..."} for configured languages."""
    return {localized(field, code): value for code, value in values.items() if code in _languages()}


def _jitter(value: Decimal, rng: random.Random) -> Decimal:
    return (value + Decimal(str(round(rng.uniform(-0.004, 0.004), 6)))).quantize(Decimal("0.000001"))


class DemoLoader:
    def __init__(self):
        self.data = _read("organizations.json")
        self.templates = {t["key"]: t for t in _read("service_templates.json")["service_templates"]}
        self.guidelines = _read("guidelines.json")["guidelines"]
        self.comuni = {m.name: m for m in Municipality.objects.select_related("ambito")}
        self.by_ambito = defaultdict(list)
        for comune in sorted(self.comuni.values(), key=lambda m: (-m.population, m.name)):
            self.by_ambito[comune.ambito.name].append(comune)
        self.ambiti = {a.name: a for a in Ambito.objects.all()}
        self.themes = {t.code: t for t in Theme.objects.all()}
        self.target_groups = {t.code: t for t in TargetGroup.objects.all()}
        self.spoken = {lang.code: lang for lang in SpokenLanguage.objects.all()}
        self.existing_services = set(
            Service.objects.filter(external_id__startswith=PREFIX).values_list("external_id", flat=True)
        )
        self.organizations = {o.external_id: o for o in Organization.objects.filter(external_id__startswith=PREFIX)}
        self.locations = {loc.external_id: loc for loc in Location.objects.filter(external_id__startswith=PREFIX)}
        self.created = Counter()
        self.new_records = []
        self.services_by_template = defaultdict(list)
        for key, pk in Service.objects.filter(external_id__startswith=PREFIX).values_list("external_id", "pk"):
            self.services_by_template[key.rsplit("--", 1)[-1]].append(pk)

    @staticmethod
    def rng(key: str) -> random.Random:
        """A random generator of its own for each record: the same choices on every run, whatever exists."""
        return random.Random(f"{SEED}:{key}")

    def _create(self, instance):
        """Create and publish through Wagtail's action: revision, log entry, ``published`` signal (the data
        files are trusted and checked by the tests, so the model validation queries are skipped)."""
        instance = CreateAction(instance, publish=True, clean=False).execute(skip_permission_checks=True)
        self.new_records.append(instance)
        return instance

    # --- records -----------------------------------------------------------------------------

    def organization(self, key, *, name, kind, seat, description, is_sample, ambiti=(), email=""):
        external_id = f"{PREFIX}org-{key}"
        if external_id in self.organizations:
            return self.organizations[external_id]
        organization = Organization(
            name=name,
            slug=unique_slug(Organization, name),
            kind=kind,
            municipality=seat,
            email=email,
            is_sample=is_sample,
            external_id=external_id,
            **_translated("description", description),
        )
        organization.ambiti.set([self.ambiti[a] for a in ambiti])
        organization = self._create(organization)
        self.organizations[external_id] = organization
        self.created["organizations"] += 1
        return organization

    def location(self, organization, comune, *, name=None):
        external_id = f"{PREFIX}loc-{organization.external_id.removeprefix(PREFIX + 'org-')}-{comune.istat_code}"
        if external_id in self.locations:
            return self.locations[external_id]
        rng = self.rng(external_id)
        street = rng.choice(self.data["streets"])
        hours = rng.choice(self.data["opening_hours"])
        access = rng.choice(self.data["accessibility"])
        location = Location(
            organization=organization,
            name=(name or f"{organization.name} – {comune.name}")[:200],
            address=f"{street} {rng.randint(1, 60)}",
            municipality=comune,
            cap=comune.cap,
            latitude=_jitter(comune.latitude, rng),
            longitude=_jitter(comune.longitude, rng),
            is_sample=True,
            external_id=external_id,
            **_translated("opening_hours", hours),
            **_translated("accessibility", access),
        )
        location = self._create(location)
        self.locations[external_id] = location
        self.created["locations"] += 1
        return location

    def service(self, organization, location, template_key, *, languages=()):
        template = self.templates[template_key]
        comune = location.municipality
        org_key = organization.external_id.removeprefix(PREFIX + "org-")
        external_id = f"{PREFIX}svc-{org_key}-{comune.istat_code}--{template_key}"
        if external_id in self.existing_services:
            return
        names = {code: f"{name} – {comune.name}" for code, name in template["name"].items()}
        rng = self.rng(external_id)
        pool = list(languages) or self.data["spoken_language_pool"]
        spoken = ["it", *rng.sample(pool, k=rng.randint(1, 3))]
        service = Service(
            organization=organization,
            cost=template["cost"],
            status=Service.Status.ACTIVE,
            email=organization.email,
            is_sample=True,
            external_id=external_id,
            **_translated("name", names),
            **_translated("description", template["description"]),
            **_translated("how_to_access", template["how_to_access"]),
            **_translated("eligibility", template["eligibility"]),
        )
        service.themes.set([self.themes[code] for code in template["themes"]])
        service.target_groups.set([self.target_groups[code] for code in template["target_groups"]])
        service.languages_spoken.set([self.spoken[code] for code in dict.fromkeys(spoken) if code in self.spoken])
        service.service_at_locations.add(ServiceAtLocation(location=location))
        service = self._create(service)
        self.existing_services.add(external_id)
        self.services_by_template[template_key].append(service.pk)
        self.created["services"] += 1

    def kind_description(self, kind, comune, offers):
        themes = list(dict.fromkeys(code for key in offers for code in self.templates[key]["themes"]))
        result = {}
        for code, text in self.data["kind_descriptions"][kind].items():
            names = [getattr(self.themes[t], localized("name", code)) or self.themes[t].name_it for t in themes]
            result[code] = text.format(
                comune=comune.name, themes=", ".join(names).lower() if code != "ar" else "، ".join(names)
            )
        return result

    # --- the network -------------------------------------------------------------------------

    def ambito_offices(self):
        spec = self.data["ambito_offices"]
        for ambito_name, seat_name in spec["seats"].items():
            seat = self.comuni[seat_name]
            description = {code: text.format(ambito=ambito_name) for code, text in spec["description"].items()}
            office = self.organization(
                f"ufficio-di-piano-{slugify(ambito_name)}",
                name=spec["name"].format(ambito=ambito_name),
                kind=Organization.Kind.PUBLIC_OFFICE,
                seat=seat,
                description=description,
                is_sample=False,
                ambiti=[ambito_name],
            )
            location = self.location(office, seat, name=f"Ufficio di Piano – {seat.name}")
            for theme in self.themes:
                self.service(office, location, self.public_template(theme))

    def public_template(self, theme):
        candidates = [t for t in self.templates.values() if "public_office" in t["offered_by"]]
        first = [t for t in candidates if t["themes"][0] == theme]
        return (first or [t for t in candidates if theme in t["themes"]])[0]["key"]

    def comune_offices(self):
        spec = self.data["comune_offices"]
        for comune in sorted(self.comuni.values(), key=lambda m: m.istat_code):
            offers = list(spec["offers"])
            if comune.population >= spec["large_comune_population"]:
                offers += spec["large_comune_offers"]
            office = self.organization(
                f"comune-{comune.istat_code}",
                name=spec["name"].format(comune=comune.name),
                kind=Organization.Kind.PUBLIC_OFFICE,
                seat=comune,
                description=self.kind_description("public_office", comune, offers),
                is_sample=False,
            )
            location = self.location(office, comune, name=f"Municipio di {comune.name}")
            for key in offers:
                self.service(office, location, key)

    def spread(self, organization, comuni, offers, count, languages=()):
        """``count`` services of ``organization``, cycling through ``offers`` and ``comuni``."""
        for index in range(count):
            comune = comuni[index % len(comuni)]
            location = self.location(organization, comune)
            self.service(organization, location, offers[index % len(offers)], languages=languages)

    def network_organizations(self):
        for spec in self.data["network_organizations"]:
            seat = self.comuni[spec["seat"]]
            organization = self.organization(
                spec["key"],
                name=spec["name"],
                kind=spec["kind"],
                seat=seat,
                description=spec["description"],
                is_sample=False,
                ambiti=spec["ambiti"],
            )
            comuni = [seat] + [c for ambito in spec["ambiti"] for c in self.by_ambito[ambito][:3] if c != seat]
            self.spread(organization, comuni, spec["offers"], spec["services"], spec.get("languages", ()))
        for spec in self.data["adult_schools"]:
            seat = self.comuni[spec["seat"]]
            organization = self.organization(
                spec["key"],
                name=spec["name"],
                kind=spec["kind"],
                seat=seat,
                description=self.kind_description(spec["kind"], seat, spec["offers"]),
                is_sample=False,
                ambiti=sorted({c.ambito.name for c in self.comuni.values() if c.province == spec["province"]}),
            )
            comuni = sorted(
                (c for c in self.comuni.values() if c.province == spec["province"]), key=lambda c: -c.population
            )
            self.spread(organization, comuni[: spec["services"]], spec["offers"], spec["services"])

    def sample_organizations(self):
        for spec in self.data["sample_organizations"]:
            seat = self.comuni[spec["seat"]]
            slug = slugify(spec["name"])
            organization = self.organization(
                slug,
                name=spec["name"],
                kind=spec["kind"],
                seat=seat,
                description=self.kind_description(spec["kind"], seat, spec["offers"]),
                is_sample=True,
                ambiti=[spec["ambito"]],
                email=f"info@{slug}.example.org",
            )
            others = [c for c in self.by_ambito[spec["ambito"]] if c != seat]
            comuni = [seat, *self.rng(slug).sample(others, k=min(2, len(others)))]
            self.spread(organization, comuni, spec["offers"], len(spec["offers"]), spec["languages"])

    # --- guidelines --------------------------------------------------------------------------

    def guideline_pages(self):
        index = GuidelineIndexPage.objects.first()
        existing = set(index.get_children().values_list("slug", flat=True))
        for spec in self.guidelines:
            if spec["slug"] in existing:
                continue
            titles = {code: title for code, title in spec["title"].items() if code in _languages()}
            page = GuidelinePage(
                title=titles["it"],
                slug=spec["slug"],
                **_translated("title", titles),
                **{localized("slug", code): slugify(title, allow_unicode=True) for code, title in titles.items()},
                **_translated("intro", {code: f"<p>{text}</p>" for code, text in spec["intro"].items()}),
                **_translated("body", {code: json.dumps(self.body(spec, code)) for code in spec["intro"]}),
            )
            page.slug_it = spec["slug"]
            index.add_child(instance=page)
            page.themes.set([self.themes[spec["theme"]]])
            linked = [pk for key in spec["service_templates"] for pk in self.services_by_template[key][:2]]
            page.services.set(Service.objects.filter(pk__in=linked))
            page.save_revision().publish()
            self.new_records.append(page)
            self.created["guidelines"] += 1

    def body(self, spec, code):
        blocks = [{"type": "paragraph", "value": f"<p>{spec['paragraph'][code]}</p>"}]
        for model in spec["intervention_models"]:
            blocks.append(
                {
                    "type": "intervention_model",
                    "value": {
                        "title": model["title"][code],
                        "target_group": self.target_groups[model["target_group"]].pk,
                        "need": model["need"][code],
                        "steps": [
                            {"title": s["title"][code], "description": s["description"][code]} for s in model["steps"]
                        ],
                        "actors": model["actors"][code],
                        "tools": model["tools"][code],
                        "tips": model["tips"][code],
                    },
                }
            )
        return blocks

    def sections(self):
        """The parts of the demo content, in order; each is loaded in a transaction of its own."""
        return [
            self.ambito_offices,
            self.comune_offices,
            self.network_organizations,
            self.sample_organizations,
            self.guideline_pages,
        ]

    def counts(self) -> DemoCounts:
        return DemoCounts(
            organizations=self.created["organizations"],
            locations=self.created["locations"],
            services=self.created["services"],
            guidelines=self.created["guidelines"],
        )


def load_demo_content() -> DemoCounts:
    """Creates whatever part of the demo content is missing (all of it on a new site).

    Each part (ambito offices, comune offices, network organisations, sample organisations,
    guidelines) is written in a transaction of its own: a site that is already being served (``make
    run`` serves while the demo content loads) never waits long for the database, and a load that is
    interrupted is completed by the next one (records are keyed by their external id). Wagtail's
    reference index (the "usage" of records) is updated once per new record at the end of each part,
    rather than after each of the several saves that creating and publishing a record involves.
    """
    bootstrap_site()
    with translation.override(settings.LANGUAGE_CODE):
        loader = DemoLoader()
        for section in loader.sections():
            with transaction.atomic():
                with disable_reference_index_auto_update():
                    section()
                for instance in loader.new_records:
                    ReferenceIndex.create_or_update_for_object(instance)
                if loader.new_records:  # recorded by the actions' signals, and again just before the commit
                    record_content_change()
                loader.new_records.clear()
        return loader.counts()
