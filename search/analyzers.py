"""Analyzers of the search index: one per content language, a folded one, and autocomplete.

The analyzer of each language comes from one setting, ``SEARCH_LANGUAGE_ANALYZERS``
(``{"it": "italian", ...}``), whose defaults are Elasticsearch's built-in language analyzers.
osmem, the in-memory engine of development and tests, refuses some of them in mappings
(``arabic``, ``romanian``...); with ``SEARCH_ENGINE_KIND = "osmem"`` those languages get the
language-neutral ``folded`` analyzer instead. Custom stemmer filters are never used: osmem
indexes them silently as empty terms (see shared/OSMEM.md).

Everything here is built by functions when an index is created; nothing runs at import time.
"""

from django.conf import settings

from elasticsearch.dsl import analyzer, char_filter, token_filter

FOLDED = "folded"
AUTOCOMPLETE = "autocomplete"

# Built-in language analyzers of the Elasticsearch 8 reference ("Language analyzers").
ELASTICSEARCH_LANGUAGE_ANALYZERS = frozenset(
    {
        "arabic",
        "armenian",
        "basque",
        "bengali",
        "brazilian",
        "bulgarian",
        "catalan",
        "cjk",
        "czech",
        "danish",
        "dutch",
        "english",
        "estonian",
        "finnish",
        "french",
        "galician",
        "german",
        "greek",
        "hindi",
        "hungarian",
        "indonesian",
        "irish",
        "italian",
        "latvian",
        "lithuanian",
        "norwegian",
        "persian",
        "portuguese",
        "romanian",
        "russian",
        "serbian",
        "sorani",
        "spanish",
        "swedish",
        "thai",
        "turkish",
    }
)
# Built-in analyzers that osmem refuses in a mapping (or accepts only in _analyze).
OSMEM_MISSING_ANALYZERS = frozenset(
    {"arabic", "bengali", "greek", "hindi", "persian", "romanian", "turkish", "ukrainian"}
)
# Analyzers this module defines, usable as values of SEARCH_LANGUAGE_ANALYZERS.
CUSTOM_ANALYZERS = frozenset({FOLDED})


def apostrophes_to_spaces():
    """Splits elided words ("d'identità" → "d identità") on every engine: the standard tokenizer
    keeps them whole and osmem ignores the ``elision`` filter at index time."""
    return char_filter("apostrophes_to_spaces", type="pattern_replace", pattern="['’‘`ʼ]", replacement=" ")


def folded_analyzer():
    """Language neutral: lowercase and ASCII folding, so that "citta" finds "città"."""
    return analyzer(
        FOLDED, tokenizer="standard", char_filter=[apostrophes_to_spaces()], filter=["lowercase", "asciifolding"]
    )


def autocomplete_analyzer():
    """Index side of the autocomplete field: every prefix (1–20 characters) of every folded word."""
    return analyzer(
        AUTOCOMPLETE,
        tokenizer="standard",
        char_filter=[apostrophes_to_spaces()],
        filter=[
            "lowercase",
            "asciifolding",
            token_filter("autocomplete_prefixes", type="edge_ngram", min_gram=1, max_gram=20),
        ],
    )


def configured_analyzer_name(language: str, *, engine_kind: str | None = None) -> str:
    """The analyzer name for ``language`` on the engine in use (or on ``engine_kind``)."""
    engine_kind = engine_kind or settings.SEARCH_ENGINE_KIND
    name = settings.SEARCH_LANGUAGE_ANALYZERS.get(language, FOLDED)
    if engine_kind == "osmem" and name in OSMEM_MISSING_ANALYZERS:
        return FOLDED
    return name


def language_analyzer(language: str, *, engine_kind: str | None = None):
    """What a mapping needs for ``language``: a built-in analyzer's name, or our custom analyzer."""
    name = configured_analyzer_name(language, engine_kind=engine_kind)
    return folded_analyzer() if name == FOLDED else name


def unknown_analyzers() -> dict[str, str]:
    """Languages whose configured analyzer is neither built into Elasticsearch nor defined here."""
    known = ELASTICSEARCH_LANGUAGE_ANALYZERS | CUSTOM_ANALYZERS
    return {code: name for code, name in settings.SEARCH_LANGUAGE_ANALYZERS.items() if name not in known}
