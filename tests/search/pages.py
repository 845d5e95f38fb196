"""Guideline pages for the search tests (pages have no factory in tests/factories.py)."""

import json
import uuid

from django.utils.text import slugify

from cms.models import GuidelineIndexPage, TargetGroup, Theme
from cms.site_setup import bootstrap_site


def guidelines_index() -> GuidelineIndexPage:
    bootstrap_site()
    return GuidelineIndexPage.objects.get()


def blocks(target_group: str | None = None) -> str:
    group = TargetGroup.objects.get(code=target_group).pk if target_group else None
    return json.dumps(
        [
            {"type": "heading", "value": "Il percorso", "id": str(uuid.uuid4())},
            {"type": "paragraph", "value": "<p>Un percorso in <i>tre</i> passi.</p>", "id": str(uuid.uuid4())},
            {
                "type": "intervention_model",
                "id": str(uuid.uuid4()),
                "value": {
                    "title": "Dalla prima accoglienza alla casa",
                    "target_group": group,
                    "need": "Una famiglia cerca un alloggio.",
                    "steps": [
                        {"type": "item", "value": {"title": "Primo colloquio", "description": "Ascolto."}, "id": "a"},
                        {"type": "item", "value": {"title": "Ricerca", "description": "Annunci."}, "id": "b"},
                    ],
                    "actors": [{"type": "item", "value": "Sportello casa del comune", "id": "c"}],
                    "tools": [{"type": "item", "value": "Elenco delle agenzie", "id": "d"}],
                    "tips": "<p>Chiedere <b>subito</b> i documenti.</p>",
                },
            },
        ]
    )


def make_guideline(*, title_it, live=True, themes=(), target_group=None, owner=None, parent=None, **translations):
    """A guideline page under the guidelines index, published unless ``live=False``."""
    parent = parent or guidelines_index()
    slug = slugify(title_it)[:80]
    fields = {"title": title_it, "title_it": title_it, "slug": slug, "slug_it": slug}
    fields["intro_it"] = translations.pop("intro_it", "<p>Una linea guida della rete.</p>")
    fields["body_it"] = blocks(target_group)
    for key, value in translations.items():
        fields[key] = value
        if key.startswith("title_"):
            fields[key.replace("title_", "slug_")] = slugify(value)[:80]
    page = parent.add_child(instance=parent.specific_class.allowed_subpage_models()[0](owner=owner, **fields))
    page.themes.set(Theme.objects.filter(code__in=themes))
    revision = page.save_revision(user=owner)
    if live:
        revision.publish()
    else:
        page.unpublish()
    page.refresh_from_db()
    return page
