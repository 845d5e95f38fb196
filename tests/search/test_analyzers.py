"""Analyzers: one setting per language, a reviewed production mapping, and a guard against engines that lie.

osmem's ``_analyze`` can show a fuller chain than what it really indexes (custom stemmers index
empty terms). The guard test indexes a sample text with every analyzer the tests rely on and
checks that the terms really indexed (term vectors, term queries) are exactly what ``_analyze``
announces; a deliberately broken analyzer shows that the guard notices.
"""

import json
import os
from pathlib import Path

from django.core.checks import run_checks
from django.test import override_settings

import pytest

from search.analyzers import configured_analyzer_name
from search.client import get_client
from search.documents import index_body

SNAPSHOT = Path(__file__).parent / "snapshots" / "production_index.json"
GUARD_INDEX = "aftercare-test-analyzer-guard"

SAMPLES = {
    "italian": "Le famiglie cercano casa: la carta d'identità dell'Università e gli sportelli aperti.",
    "english": "Housing for families: houses, children's schooling and the workers' rights.",
    "french": "Logements pour les familles ; l'accompagnement des enfants à l'école.",
    "spanish": "Viviendas para las familias; acompañamiento de los niños en la escuela.",
    "cjk": "面向居住在莱科的家庭和个人的住房服务窗口",
    "folded": "Città d'identità — Житло для сімей; السكن للعائلات; Locuințe pentru familiile",
    "autocomplete": "Sportello d'ascolto Città",
    "arabic_folded": "العمل والتوفيق بين الأسرة والعمل للنساء؛ مدرسةٌ الإيطالية",
    "ukrainian_light": "Консультації з боргів; курс італійської; житла для сімей",
}


def test_production_mapping_matches_the_reviewed_snapshot():
    """The mapping sent to Elasticsearch in production. To accept a change on purpose, run the test
    with UPDATE_SNAPSHOTS=1, review the diff of the snapshot file, and commit it."""
    body = index_body(engine_kind="elasticsearch")
    text = json.dumps(body, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(text, encoding="utf-8")
    assert json.loads(SNAPSHOT.read_text(encoding="utf-8")) == json.loads(text)


def test_production_uses_the_built_in_language_analyzers_of_elasticsearch():
    mapping = index_body(engine_kind="elasticsearch")["mappings"]["properties"]["name"]["properties"]
    assert {code: field["analyzer"] for code, field in mapping.items()} == {
        "it": "italian",
        "en": "english",
        "fr": "french",
        "es": "spanish",
        "ar": "arabic",
        "uk": "ukrainian_light",
        "ro": "romanian",
        "sq": "folded",
        "zh-hans": "cjk",
    }


def test_the_osmem_profile_swaps_only_the_analyzers_osmem_lacks():
    assert configured_analyzer_name("ar", engine_kind="osmem") == "arabic_folded"
    assert configured_analyzer_name("ro", engine_kind="osmem") == "folded"
    assert configured_analyzer_name("it", engine_kind="osmem") == "italian"
    assert configured_analyzer_name("zh-hans", engine_kind="osmem") == "cjk"
    assert configured_analyzer_name("ar", engine_kind="elasticsearch") == "arabic"


@override_settings(SEARCH_LANGUAGE_ANALYZERS={"it": "italian", "en": "englsh"})
def test_a_misspelt_analyzer_or_a_language_without_one_is_reported_by_manage_py_check():
    ids = {message.id for message in run_checks() if message.id.startswith("search.")}
    assert ids == {"search.W001", "search.W002"}


def analyzers_in(body: dict) -> set[str]:
    found = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("analyzer", "search_analyzer") and isinstance(value, str):
                    found.add(value)
                else:
                    walk(value)

    walk(body["mappings"])
    return found


def indexed_and_announced(client, analyzer: str, text: str) -> tuple[set[str], set[str], list[str]]:
    """(terms really indexed, terms _analyze announces, announced terms a term query cannot find)."""
    field = f"f_{analyzer}"
    client.index(index=GUARD_INDEX, id=analyzer, document={field: text}, refresh=True)
    vectors = client.termvectors(index=GUARD_INDEX, id=analyzer, fields=[field])
    indexed = set(vectors["term_vectors"].get(field, {}).get("terms", {}))
    announced = {t["token"] for t in client.indices.analyze(index=GUARD_INDEX, analyzer=analyzer, text=text)["tokens"]}
    unfindable = [
        term
        for term in sorted(announced)
        if not client.count(index=GUARD_INDEX, query={"term": {field: term}})["count"]
    ]
    return indexed, announced, unfindable


@pytest.fixture
def guard_index(search_engine):
    client = get_client()
    body = index_body(engine_kind="osmem")
    analysis = body["settings"]["analysis"]
    # A control: a custom stemmer, which osmem accepts and then indexes as empty terms.
    analysis.setdefault("filter", {})["control_light_italian"] = {"type": "stemmer", "language": "light_italian"}
    analysis["analyzer"]["control_broken"] = {
        "type": "custom",
        "tokenizer": "standard",
        "filter": ["lowercase", "control_light_italian"],
    }
    used = analyzers_in(body)
    properties = {f"f_{name}": {"type": "text", "analyzer": name} for name in [*used, "control_broken"]}
    client.indices.delete(index=GUARD_INDEX, ignore_unavailable=True)
    client.indices.create(index=GUARD_INDEX, settings={"analysis": analysis}, mappings={"properties": properties})
    yield client, used
    client.indices.delete(index=GUARD_INDEX, ignore_unavailable=True)


def test_every_analyzer_the_tests_use_indexes_what_analyze_announces(guard_index):
    client, used = guard_index
    assert used == {
        "italian",
        "english",
        "french",
        "spanish",
        "cjk",
        "folded",
        "arabic_folded",
        "ukrainian_light",
        "autocomplete",
    }
    for analyzer in sorted(used):
        indexed, announced, unfindable = indexed_and_announced(client, analyzer, SAMPLES[analyzer])
        assert announced, analyzer
        assert "" not in indexed, f"{analyzer} indexes empty terms"
        assert indexed == announced, f"{analyzer}: indexed {sorted(indexed)} but _analyze says {sorted(announced)}"
        assert not unfindable, f"{analyzer}: term queries cannot find {unfindable}"


def test_the_guard_notices_an_analyzer_that_indexes_something_else_than_it_announces(guard_index):
    client, _used = guard_index
    indexed, announced, unfindable = indexed_and_announced(client, "control_broken", SAMPLES["italian"])
    assert indexed != announced
    assert unfindable


def test_folding_and_apostrophes(guard_index):
    client, _used = guard_index
    _indexed, announced, _ = indexed_and_announced(client, "folded", "Città d'identità")
    assert announced == {"citta", "d", "identita"}
    _indexed, announced, _ = indexed_and_announced(client, "autocomplete", "Città")
    assert announced == {"c", "ci", "cit", "citt", "citta"}


def indexed_terms(client, analyzer: str, text: str) -> set[str]:
    """The terms ``analyzer`` really indexes for ``text``, each checked with a term query."""
    indexed, _announced, _unfindable = indexed_and_announced(client, analyzer, text)
    field = f"f_{analyzer}"
    assert all(client.count(index=GUARD_INDEX, query={"term": {field: term}})["count"] for term in indexed)
    return indexed


def test_arabic_is_indexed_without_the_article_diacritics_or_hamza_forms(guard_index):
    client, _used = guard_index
    terms = indexed_terms(client, "arabic_folded", "للنساء والعمل بالمدرسة الإيطالية مدرسةٌ الأسرة مستشفى")
    # the article and its prefixes go; alef with hamza is a bare alef; taa marbuta is haa; tanween goes
    assert terms == {"نساء", "عمل", "مدرسه", "ايطاليه", "اسره", "مستشفي"}
    # the words a person types, with or without the article, give the same terms
    assert indexed_terms(client, "arabic_folded", "النساء نساء") == {"نساء"}
    assert indexed_terms(client, "arabic_folded", "الاسره الأسرة") == {"اسره"}


def test_ukrainian_words_lose_one_case_ending(guard_index):
    client, _used = guard_index
    assert indexed_terms(client, "ukrainian_light", "житло житла житлом") == {"житл"}
    assert indexed_terms(client, "ukrainian_light", "школа школі школи") == {"школ"}
    assert indexed_terms(client, "ukrainian_light", "Боргів борги") == {"борг"}
    assert indexed_terms(client, "ukrainian_light", "лікар лікаря") == {"лікар"}
