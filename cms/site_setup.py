"""Creates the page tree of a new site: Home, and the guidelines index under it."""

from django.db import transaction
from django.utils import translation
from django.utils.text import slugify

from wagtail.models import Page, Site

from .models import GuidelineIndexPage, HomePage

HOME_TITLES = {"it": "After Care Network", "en": "After Care Network"}
GUIDELINES_TITLES = {
    "it": "Linee guida",
    "en": "Guidelines",
    "fr": "Lignes directrices",
    "es": "Directrices",
    "ar": "المبادئ التوجيهية",
    "uk": "Настанови",
    "ro": "Ghiduri",
    "sq": "Udhëzime",
    "zh-hans": "指南",
}


def _translated(field, values):
    return {f"{field}_{code.replace('-', '_')}": value for code, value in values.items()}


def _titles_and_slugs(titles):
    slugs = {code: slugify(title, allow_unicode=True) for code, title in titles.items()}
    return _translated("title", titles) | _translated("slug", slugs)


@transaction.atomic
def bootstrap_site(hostname="localhost", port=80) -> HomePage:
    """Idempotent: returns the existing home page when there is one."""
    home = HomePage.objects.first()
    if home:
        return home
    with translation.override("it"):
        root = Page.get_first_root_node()
        # Wagtail's first migration creates a placeholder "Welcome" page; the home page replaces it.
        for placeholder in root.get_children().exact_type(Page):
            placeholder.delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(
                title="After Care Network", slug="home", **_translated("title", HOME_TITLES), slug_it="home"
            )
        )
        guidelines = home.add_child(
            instance=GuidelineIndexPage(
                title=GUIDELINES_TITLES["it"],
                **_titles_and_slugs(GUIDELINES_TITLES),
            )
        )
        guidelines.save_revision().publish()
        home.save_revision().publish()
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={"hostname": hostname, "port": port, "root_page": home, "site_name": "After Care Network"},
        )
    return home
