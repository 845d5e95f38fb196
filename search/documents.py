"""What the search index holds: its mapping, and one document per public record.

One index holds four kinds of documents, told apart by ``doc_type``:

- ``service``: a published, active service of a published organisation, with its organisation,
  published locations, the comuni and ambiti it serves, themes, target groups, languages spoken,
  cost and status;
- ``guideline``: a live, public guideline page;
- ``theme`` and ``comune``: small documents that only feed the autocomplete of the search box.

Each document holds every language: ``name.<lang>``, ``body.<lang>`` and ``topics.<lang>`` (the
names of its themes and target groups) are analysed with that language's analyzer
(search/analyzers.py), Arabic also normalised in a ``.folded`` sub-field;
``name_folded`` and ``text_folded`` gather every language, lowercased and
ASCII-folded; ``autocomplete.<lang>`` holds the name (in Italian when
there is no translation) cut into prefixes. The mapping is strict: a field that is not declared
here is refused by the engine, so nothing outside this allow-list (and nothing personal) can
reach the index. This module reads the directory (cms) and nothing else.
"""

import html
import re
import unicodedata
from functools import cached_property

from django.conf import settings
from django.db.models import Prefetch
from django.utils.html import strip_tags

from elasticsearch.dsl import Boolean, Date, GeoPoint, Index, Keyword, Long, Mapping, Object, Text

from cms.models import (
    GuidelinePage,
    Municipality,
    Service,
    ServiceAtLocation,
    TargetGroup,
    Theme,
)

from .analyzers import autocomplete_analyzer, folded_analyzer, language_analyzer, normalised_subfield

SERVICE, GUIDELINE, THEME, COMUNE = "service", "guideline", "theme", "comune"
# What the public search returns; themes and comuni only feed suggestions.
SEARCHABLE_TYPES = (SERVICE, GUIDELINE)
SUGGESTED_TYPES = (SERVICE, THEME, COMUNE)


def languages() -> list[str]:
    return list(settings.MODELTRANSLATION_LANGUAGES)


def column(field_name: str, language: str) -> str:
    """The modeltranslation column of ``field_name`` in ``language`` (``name_zh_hans``)."""
    return f"{field_name}_{language.replace('-', '_')}"


def document_id(doc_type: str, record_id: int) -> str:
    return f"{doc_type}-{record_id}"


def sort_key(text: str) -> str:
    """Lowercase, accents removed: a sort key that behaves the same on every engine."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold().strip()


def plain_text(markup: str) -> str:
    """Rich text (HTML) to plain text with single spaces."""
    return re.sub(r"\s+", " ", html.unescape(strip_tags(markup or ""))).strip()


def joined(*parts: str) -> str:
    return "\n".join(part.strip() for part in parts if part and part.strip())


# --- The mapping ---------------------------------------------------------------------------


def build_mapping(*, engine_kind: str | None = None) -> Mapping:
    """The mapping of the index for the engine in use (or for ``engine_kind``)."""
    folded = folded_analyzer()

    def language_field(code, options):
        extra = normalised_subfield(code)
        if extra is not None:
            options = {**options, "fields": {"folded": Text(analyzer=extra)}}
        return Text(analyzer=language_analyzer(code, engine_kind=engine_kind), **options)

    def per_language(**options):
        return Object(properties={code: language_field(code, options) for code in languages()})

    mapping = Mapping()
    mapping.meta("dynamic", "strict")
    mapping.field("doc_type", Keyword())
    mapping.field("record_id", Long())
    mapping.field("uuid", Keyword())
    mapping.field("is_sample", Boolean())
    mapping.field("updated_at", Date())
    mapping.field("assured_date", Date())
    mapping.field("translated", Keyword())
    mapping.field("name", per_language(copy_to=["name_folded", "text_folded"]))
    mapping.field("body", per_language(copy_to=["text_folded"]))
    mapping.field("topics", per_language(copy_to=["text_folded"]))
    mapping.field("name_folded", Text(analyzer=folded))
    mapping.field("text_folded", Text(analyzer=folded))
    mapping.field(
        "autocomplete",
        Object(
            properties={code: Text(analyzer=autocomplete_analyzer(), search_analyzer=folded) for code in languages()}
        ),
    )
    mapping.field("title_sort", Object(properties={code: Keyword() for code in languages()}))
    mapping.field(
        "organization",
        Object(properties={"id": Keyword(), "name": Text(analyzer=folded, copy_to=["text_folded"]), "kind": Keyword()}),
    )
    for facet in ("themes", "target_groups", "languages_spoken", "ambiti", "comuni", "located_in"):
        mapping.field(facet, Keyword())
    mapping.field("cost", Keyword())
    mapping.field("status", Keyword())
    mapping.field(
        "locations",
        Object(
            properties={
                "id": Long(),
                "name": Text(analyzer=folded),
                "address": Text(analyzer=folded),
                "comune": Keyword(),
                "comune_name": Text(analyzer=folded, copy_to=["text_folded"]),
                "ambito": Keyword(),
                "point": GeoPoint(),
            }
        ),
    )
    return mapping


def build_index(name: str, *, engine_kind: str | None = None) -> Index:
    """An ``Index`` with our settings, analyzers and mapping (not created yet)."""
    index = Index(name)
    index.settings(
        number_of_shards=1,
        # One replica on a cluster, none on a single node (green health either way).
        auto_expand_replicas="0-1",
        max_result_window=10_000,
    )
    index.mapping(build_mapping(engine_kind=engine_kind))
    return index


def index_body(*, engine_kind: str | None = None) -> dict:
    """The body of the create-index request: settings (with analysis) and mappings."""
    return build_index("unused", engine_kind=engine_kind).to_dict()


def allowed_fields(*, engine_kind: str | None = None) -> set[str]:
    """Every field path a document may carry (``locations.point``...), from the mapping."""
    paths = set()

    def walk(properties, prefix):
        for name, definition in properties.items():
            path = f"{prefix}{name}"
            paths.add(path)
            if "properties" in definition:
                walk(definition["properties"], f"{path}.")

    walk(build_mapping(engine_kind=engine_kind).to_dict()["properties"], "")
    return paths


# --- Lookups shared by a batch of documents ------------------------------------------------


class Lookups:
    """Small tables read once per batch, so that preparing N documents costs a constant number of queries."""

    @cached_property
    def comuni_by_ambito(self) -> dict[int, list[tuple[str, str]]]:
        table: dict[int, list[tuple[str, str]]] = {}
        for ambito_id, slug, ambito_slug in Municipality.objects.values_list("ambito_id", "slug", "ambito__slug"):
            table.setdefault(ambito_id, []).append((slug, ambito_slug))
        return table

    @cached_property
    def target_groups(self) -> dict[int, TargetGroup]:
        return {group.pk: group for group in TargetGroup.objects.all()}


def topics(terms) -> dict[str, str]:
    """The names of themes and target groups in every language (Italian where not translated)."""
    names = [with_italian_fallback(translated_text(term, "name")) for term in terms]
    joined_names = {code: " · ".join(n[code] for n in names if n.get(code)) for code in languages()}
    return {code: text for code, text in joined_names.items() if text}


# --- Documents -----------------------------------------------------------------------------


class BaseDocument:
    """Turns one record into one document. Subclasses say which records are public and how to read them."""

    doc_type: str
    model: type

    @classmethod
    def public_queryset(cls):
        raise NotImplementedError

    @classmethod
    def public_id(cls, source: dict) -> str:
        """The record's identifier in its own API (what a hit calls ``id``)."""
        return str(source["record_id"])

    @classmethod
    def api_path(cls, source: dict) -> str | None:
        """Where the record is read in full, from its indexed document."""
        return None

    @classmethod
    def prepare(cls, record, lookups: Lookups) -> dict:
        document = {"doc_type": cls.doc_type, "record_id": record.pk}
        for name in cls.fields:
            value = getattr(cls, f"prepare_{name}")(record, lookups)
            if value not in (None, [], {}, ""):
                document[name] = value
        return document

    fields: tuple[str, ...] = ()


def translated_text(record, field_name: str) -> dict[str, str]:
    """``{"it": ..., "en": ...}`` for the languages where ``field_name`` has a value (no fallback)."""
    values = {}
    for code in languages():
        value = getattr(record, column(field_name, code), "") or ""
        if value.strip():
            values[code] = value.strip()
    return values


def with_italian_fallback(values: dict[str, str]) -> dict[str, str]:
    source = values.get(settings.LANGUAGE_CODE, "")
    return {code: values.get(code) or source for code in languages() if values.get(code) or source}


class TranslatedNameMixin:
    """The name of a record in every language, for searching, suggesting and sorting."""

    name_field = "name"

    @classmethod
    def names(cls, record) -> dict[str, str]:
        return translated_text(record, cls.name_field)

    @classmethod
    def prepare_translated(cls, record, lookups):
        return sorted(cls.names(record))

    @classmethod
    def prepare_name(cls, record, lookups):
        return cls.names(record)

    @classmethod
    def prepare_autocomplete(cls, record, lookups):
        return with_italian_fallback(cls.names(record))

    @classmethod
    def prepare_title_sort(cls, record, lookups):
        return {code: sort_key(name) for code, name in with_italian_fallback(cls.names(record)).items()}


class ServiceDocument(TranslatedNameMixin, BaseDocument):
    doc_type = SERVICE
    model = Service
    fields = (
        "uuid",
        "is_sample",
        "updated_at",
        "assured_date",
        "translated",
        "name",
        "body",
        "topics",
        "autocomplete",
        "title_sort",
        "organization",
        "themes",
        "target_groups",
        "languages_spoken",
        "cost",
        "status",
        "locations",
        "located_in",
        "comuni",
        "ambiti",
    )

    @classmethod
    def public_queryset(cls):
        return (
            Service.objects.available()
            .select_related("organization")
            .prefetch_related(
                "themes",
                "target_groups",
                "languages_spoken",
                "organization__ambiti",
                Prefetch("organization__municipalities", queryset=Municipality.objects.select_related("ambito")),
                Prefetch(
                    "service_at_locations",
                    queryset=ServiceAtLocation.objects.at_public_locations()
                    .select_related("location__municipality__ambito")
                    .order_by("sort_order", "pk"),
                ),
            )
            .order_by("pk")
        )

    @classmethod
    def public_id(cls, source):
        return source["uuid"]  # the directory API names records by UUID

    @classmethod
    def api_path(cls, source):
        return f"/api/directory/services/{source['uuid']}/"

    @staticmethod
    def prepare_uuid(service, lookups):
        return str(service.uuid)

    @staticmethod
    def prepare_is_sample(service, lookups):
        return service.is_sample

    @staticmethod
    def prepare_updated_at(service, lookups):
        return service.updated_at.isoformat() if service.updated_at else None

    @staticmethod
    def prepare_assured_date(service, lookups):
        return service.assured_date.isoformat() if service.assured_date else None

    @staticmethod
    def prepare_body(service, lookups):
        parts = [translated_text(service, name) for name in ("description", "eligibility", "how_to_access")]
        bodies = {code: joined(*(part.get(code, "") for part in parts)) for code in languages()}
        return {code: text for code, text in bodies.items() if text}

    @staticmethod
    def prepare_organization(service, lookups):
        organization = service.organization
        return {"id": str(organization.uuid), "name": organization.name, "kind": organization.kind}

    @staticmethod
    def prepare_topics(service, lookups):
        return topics([*service.themes.all(), *service.target_groups.all()])

    @staticmethod
    def prepare_themes(service, lookups):
        return sorted(theme.code for theme in service.themes.all())

    @staticmethod
    def prepare_target_groups(service, lookups):
        return sorted(group.code for group in service.target_groups.all())

    @staticmethod
    def prepare_languages_spoken(service, lookups):
        return sorted(language.code for language in service.languages_spoken.all())

    @staticmethod
    def prepare_cost(service, lookups):
        return service.cost

    @staticmethod
    def prepare_status(service, lookups):
        return service.status

    @staticmethod
    def prepare_locations(service, lookups):
        locations = []
        for placement in service.service_at_locations.all():
            location = placement.location
            locations.append(
                {
                    "id": location.pk,
                    "name": location.name,
                    "address": location.address,
                    "comune": location.municipality.slug,
                    "comune_name": location.municipality.name,
                    "ambito": location.municipality.ambito.slug,
                    "point": {"lat": float(location.latitude), "lon": float(location.longitude)},
                }
            )
        return locations

    @staticmethod
    def prepare_located_in(service, lookups):
        return sorted({p.location.municipality.slug for p in service.service_at_locations.all()})

    @classmethod
    def served_comuni(cls, service, lookups) -> set[tuple[str, str]]:
        """(comune slug, ambito slug) of every comune the service is available to: where it has a
        location, the comuni its organisation covers, and every comune of the ambiti it covers."""
        served = {
            (p.location.municipality.slug, p.location.municipality.ambito.slug)
            for p in service.service_at_locations.all()
        }
        served |= {(m.slug, m.ambito.slug) for m in service.organization.municipalities.all()}
        for ambito in service.organization.ambiti.all():
            served |= set(lookups.comuni_by_ambito.get(ambito.pk, []))
        return served

    @classmethod
    def prepare_comuni(cls, service, lookups):
        return sorted({comune for comune, _ in cls.served_comuni(service, lookups)})

    @classmethod
    def prepare_ambiti(cls, service, lookups):
        ambiti = {ambito for _, ambito in cls.served_comuni(service, lookups)}
        ambiti |= {ambito.slug for ambito in service.organization.ambiti.all()}
        return sorted(ambiti)


class GuidelineDocument(TranslatedNameMixin, BaseDocument):
    doc_type = GUIDELINE
    name_field = "title"
    model = GuidelinePage
    fields = ("translated", "name", "body", "topics", "title_sort", "themes", "target_groups", "updated_at")

    @classmethod
    def public_queryset(cls):
        return GuidelinePage.objects.live().public().prefetch_related("themes").order_by("pk")

    @classmethod
    def api_path(cls, source):
        return f"/api/v2/pages/{source['record_id']}/"

    @classmethod
    def prepare_body(cls, page, lookups):
        bodies = {}
        for code in languages():
            intro = plain_text(getattr(page, column("intro", code), "") or "")
            stream = getattr(page, column("body", code), None)
            text = joined(intro, *cls.stream_texts(stream))
            if text:
                bodies[code] = text
        return bodies

    @staticmethod
    def prepare_themes(page, lookups):
        return sorted(theme.code for theme in page.themes.all())

    @classmethod
    def target_groups_of(cls, page, lookups) -> list[TargetGroup]:
        """The target groups of the intervention models, in any language's body."""
        found = {}
        for code in languages():
            for block in cls.raw_blocks(getattr(page, column("body", code), None)):
                if block.get("type") == "intervention_model":
                    group = lookups.target_groups.get((block.get("value") or {}).get("target_group"))
                    if group is not None:
                        found[group.pk] = group
        return list(found.values())

    @classmethod
    def prepare_target_groups(cls, page, lookups):
        return sorted(group.code for group in cls.target_groups_of(page, lookups))

    @classmethod
    def prepare_topics(cls, page, lookups):
        return topics([*page.themes.all(), *cls.target_groups_of(page, lookups)])

    @staticmethod
    def prepare_updated_at(page, lookups):
        moment = page.last_published_at or page.latest_revision_created_at
        return moment.isoformat() if moment else None

    @staticmethod
    def raw_blocks(stream) -> list[dict]:
        """The stream's blocks as stored (no database query to resolve chosen snippets)."""
        if not stream:
            return []
        return [block for block in stream.raw_data if isinstance(block, dict)]

    @classmethod
    def stream_texts(cls, stream) -> list[str]:
        texts = []
        for block in cls.raw_blocks(stream):
            kind, value = block.get("type"), block.get("value")
            if kind == "heading":
                texts.append(str(value or ""))
            elif kind == "paragraph":
                texts.append(plain_text(value))
            elif kind == "intervention_model" and isinstance(value, dict):
                texts += [value.get("title", ""), value.get("need", "")]
                for step in value.get("steps") or []:
                    step = step.get("value", step) if isinstance(step, dict) else {}
                    texts += [step.get("title", ""), step.get("description", "")]
                for key in ("actors", "tools"):
                    for item in value.get(key) or []:
                        texts.append(str(item.get("value", "") if isinstance(item, dict) else item))
                texts.append(plain_text(value.get("tips", "")))
        return [text for text in texts if text]


class ThemeDocument(TranslatedNameMixin, BaseDocument):
    """A theme, for the autocomplete: "cas" → "Casa" (search with theme=housing)."""

    doc_type = THEME
    model = Theme
    fields = ("translated", "name", "autocomplete", "themes")

    @classmethod
    def public_queryset(cls):
        return Theme.objects.order_by("pk")

    @staticmethod
    def prepare_themes(theme, lookups):
        return [theme.code]


class ComuneDocument(BaseDocument):
    """A comune, for the autocomplete: "vimerc" → "Vimercate" (search with comune=vimercate)."""

    doc_type = COMUNE
    model = Municipality
    fields = ("name", "autocomplete", "comuni", "ambiti", "locations")

    @classmethod
    def public_queryset(cls):
        return Municipality.objects.select_related("ambito").order_by("pk")

    @staticmethod
    def prepare_name(comune, lookups):
        return {settings.LANGUAGE_CODE: comune.name}

    @staticmethod
    def prepare_autocomplete(comune, lookups):
        return dict.fromkeys(languages(), comune.name)

    @staticmethod
    def prepare_comuni(comune, lookups):
        return [comune.slug]

    @staticmethod
    def prepare_ambiti(comune, lookups):
        return [comune.ambito.slug]

    @staticmethod
    def prepare_locations(comune, lookups):
        return [{"point": {"lat": float(comune.latitude), "lon": float(comune.longitude)}}]


DOCUMENTS: dict[str, type[BaseDocument]] = {
    document.doc_type: document for document in (ServiceDocument, GuidelineDocument, ThemeDocument, ComuneDocument)
}
