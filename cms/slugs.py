"""Slugs of directory records: unique within their model."""

from django.utils.text import slugify


def unique_slug(model, text: str, *, exclude_pk=None) -> str:
    """A slug from ``text`` that no other record of ``model`` uses (``-2``, ``-3``… appended)."""
    max_length = model._meta.get_field("slug").max_length
    base = slugify(text)[: max_length - 4] or "organizzazione"
    others = model._default_manager.exclude(pk=exclude_pk) if exclude_pk else model._default_manager.all()
    taken = set(others.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug
