"""System checks: every content language has a known analyzer."""

from django.conf import settings
from django.core.checks import Warning, register

from .analyzers import unknown_analyzers


@register()
def check_language_analyzers(app_configs=None, **kwargs):
    messages = []
    for code, name in unknown_analyzers().items():
        messages.append(
            Warning(
                f"SEARCH_LANGUAGE_ANALYZERS gives language {code!r} the analyzer {name!r}, which is neither a "
                "built-in Elasticsearch language analyzer nor 'folded'.",
                hint="Use a built-in language analyzer (e.g. 'italian') or 'folded'.",
                id="search.W001",
            )
        )
    for code in settings.MODELTRANSLATION_LANGUAGES:
        if code not in settings.SEARCH_LANGUAGE_ANALYZERS:
            messages.append(
                Warning(
                    f"Language {code!r} has no entry in SEARCH_LANGUAGE_ANALYZERS: it is indexed with 'folded' "
                    "(no stemming).",
                    hint="Add it to SEARCH_LANGUAGE_ANALYZERS.",
                    id="search.W002",
                )
            )
    return messages
