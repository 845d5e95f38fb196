"""Analyzers of the search index: one per content language, a folded one, and autocomplete.

The analyzer of each language comes from one setting, ``SEARCH_LANGUAGE_ANALYZERS``
(``{"it": "italian", ...}``), whose defaults are Elasticsearch's built-in language analyzers.
osmem, the in-memory engine of development and tests, refuses some of them in mappings
(``arabic``, ``romanian``...); with ``SEARCH_ENGINE_KIND = "osmem"`` Arabic gets ``arabic_folded``
and the others the language-neutral ``folded`` analyzer instead. Custom stemmer filters are never
used: osmem indexes them silently as empty terms (see shared/OSMEM.md).

Arabic and Ukrainian are normalised with ``pattern_replace`` character filters only, which both
engines apply at index time (osmem ignores the ``arabic_normalization`` and ``elision`` filters
there):

- ``arabic_folded``: diacritics (harakat, tanween) and tatweel removed, alef with hamza or madda
  (أ إ آ ٱ) written as a bare alef, taa marbuta (ة) as haa, alef maqsura (ى) as yaa, and the article
  with its common prefixes (ال، لل، وال، بال، كال، فال) stripped from the start of a word, so that
  "النساء", "للنساء" and "نساء" are one term. Every Arabic text field also carries it as a
  ``.folded`` sub-field, in production too, beside Elasticsearch's ``arabic`` analyzer;
- ``ukrainian_light``: Elasticsearch has no Ukrainian analyzer; this one strips one common case or
  number ending (житло, житла → житл; школа, школі → школ) from words of at least four letters.

Everything here is built by functions when an index is created; nothing runs at import time.
"""

from django.conf import settings

from elasticsearch.dsl import analyzer, char_filter, token_filter

FOLDED = "folded"
ARABIC_FOLDED = "arabic_folded"
UKRAINIAN_LIGHT = "ukrainian_light"
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
CUSTOM_ANALYZERS = frozenset({FOLDED, ARABIC_FOLDED, UKRAINIAN_LIGHT})
# What osmem gets instead of a built-in analyzer it lacks (FOLDED when not listed).
OSMEM_REPLACEMENTS = {"arabic": ARABIC_FOLDED, "ukrainian": UKRAINIAN_LIGHT}
# Languages whose text fields carry a ``.folded`` sub-field on every engine, and its analyzer.
NORMALISED_SUBFIELDS = {"ar": ARABIC_FOLDED}

# The article and the prefixes that attach to it (wa-, bi-, ka-, fa-, li-), at the start of a word
# of at least two more letters. No look-around: osmem's regular expressions (Go) have none.
ARABIC_ARTICLE = r"(^|[^\p{L}])(?:وال|بال|كال|فال|لل|ال)(\p{L}{2,})"
# One ending of case or number, after a stem of at least three letters (lazy: the longest ending).
_UKRAINIAN_ENDING_LIST = "ами|ями|ого|ому|ові|ів|їв|ей|ам|ям|ах|ях|ом|ем|єм|ою|ею|ої|ий|ій|ім|им|а|я|у|ю|і|ї|и|е|є|о|ь"
UKRAINIAN_ENDINGS = rf"(\p{{L}}{{3,}}?)(?:{_UKRAINIAN_ENDING_LIST})(\P{{L}}|$)"


def apostrophes_to_spaces():
    """Splits elided words ("d'identità" → "d identità") on every engine: the standard tokenizer
    keeps them whole and osmem ignores the ``elision`` filter at index time."""
    return char_filter("apostrophes_to_spaces", type="pattern_replace", pattern="['’‘`ʼ]", replacement=" ")


def folded_analyzer():
    """Language neutral: lowercase and ASCII folding, so that "citta" finds "città"."""
    return analyzer(
        FOLDED, tokenizer="standard", char_filter=[apostrophes_to_spaces()], filter=["lowercase", "asciifolding"]
    )


def _replace(name: str, pattern: str, replacement: str = ""):
    return char_filter(name, type="pattern_replace", pattern=pattern, replacement=replacement)


def arabic_folded_analyzer():
    """Arabic without diacritics, with one form of alef, haa for taa marbuta and no article."""
    return analyzer(
        ARABIC_FOLDED,
        tokenizer="standard",
        char_filter=[
            _replace("arabic_marks", "[\u064b-\u0652\u0640]"),
            _replace("arabic_alef", "[أإآٱ]", "ا"),
            _replace("arabic_taa_marbuta", "ة", "ه"),
            _replace("arabic_alef_maqsura", "ى", "ي"),
            _replace("arabic_article", ARABIC_ARTICLE, "$1$2"),
        ],
        filter=["lowercase"],
    )


def ukrainian_light_analyzer():
    """Ukrainian words without their last case or number ending, lowercased."""
    return analyzer(
        UKRAINIAN_LIGHT,
        tokenizer="standard",
        char_filter=[_replace("ukrainian_endings", UKRAINIAN_ENDINGS, "$1$2")],
        filter=["lowercase"],
    )


CUSTOM_BUILDERS = {
    FOLDED: folded_analyzer,
    ARABIC_FOLDED: arabic_folded_analyzer,
    UKRAINIAN_LIGHT: ukrainian_light_analyzer,
}


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
        return OSMEM_REPLACEMENTS.get(name, FOLDED)
    return name


def language_analyzer(language: str, *, engine_kind: str | None = None):
    """What a mapping needs for ``language``: a built-in analyzer's name, or our custom analyzer."""
    name = configured_analyzer_name(language, engine_kind=engine_kind)
    return CUSTOM_BUILDERS[name]() if name in CUSTOM_BUILDERS else name


def normalised_subfield(language: str):
    """The analyzer of the ``.folded`` sub-field of ``language``'s text fields, or None."""
    name = NORMALISED_SUBFIELDS.get(language)
    return CUSTOM_BUILDERS[name]() if name else None


def unknown_analyzers() -> dict[str, str]:
    """Languages whose configured analyzer is neither built into Elasticsearch nor defined here."""
    known = ELASTICSEARCH_LANGUAGE_ANALYZERS | CUSTOM_ANALYZERS
    return {code: name for code, name in settings.SEARCH_LANGUAGE_ANALYZERS.items() if name not in known}
