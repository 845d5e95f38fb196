"""Names of facet values in each language (themes, comuni, organisation kinds...), cached.

Documents hold stable codes and slugs; people read names. The tables are small (139 comuni,
a few dozen terms), read in a constant number of queries and cached for a few minutes;
search/signals.py forgets them when a term, a comune or an ambito changes.
"""

from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext

from cms.models import Ambito, Municipality, Organization, SpokenLanguage, TargetGroup, Theme

CACHE_SECONDS = 300


def _key(language: str) -> str:
    return f"search:labels:{language}"


def facet_labels(language: str) -> dict[str, dict[str, str]]:
    """``{"theme": {"housing": "Casa", ...}, "comune": {...}, ...}`` in ``language``, in display order."""
    labels = cache.get(_key(language))
    if labels is None:
        with translation.override(language):
            labels = {
                "type": {"service": gettext("Service"), "guideline": gettext("Guideline")},
                "theme": {theme.code: theme.name for theme in Theme.objects.all()},
                "target": {group.code: group.name for group in TargetGroup.objects.all()},
                "ambito": dict(Ambito.objects.values_list("slug", "name")),
                "comune": dict(Municipality.objects.values_list("slug", "name")),
                "spoken": dict(SpokenLanguage.objects.values_list("code", "native_name")),
                "kind": {value: str(label) for value, label in Organization.Kind.choices},
            }
        cache.set(_key(language), labels, CACHE_SECONDS)
    return labels


def forget_labels() -> None:
    cache.delete_many([_key(code) for code, _ in settings.LANGUAGES])
