"""When the public content last changed: recorded with every change, read by every public API read.

``Last-Modified`` of the directory API, HSDS and the pages API is one date for the whole public
content (directory records, taxonomy, geography, logos, pages, sites), stored in
:class:`~cms.models.ContentVersion` so that every worker and host sends the same date.

Recording (``record_content_change``)

- It runs inside the transaction of the change: the receivers below run where Django and Wagtail
  send their signals, and the code that writes without signals (bulk inserts, the import, the
  demo content, moving a comune) calls it itself. The new date is committed with the new content,
  or rolled back with it. With ``transaction.on_commit`` there would be a moment, after the
  commit, when the new content is visible under the old date, and the date would be lost if the
  process died before the callback ran: later revalidations would get 304 for content they never
  saw.
- The first change of a transaction sets the date to the next whole second after both the clock
  and the previous date. HTTP dates have whole seconds, so the new date is later than any date
  a reader was sent before, even one sent in the same second, and later than any ``Date`` of a
  response served before the change. The UPDATE locks the row until the transaction ends:
  concurrent writers take turns and the date never goes back. Later changes in the same
  transaction only move the date to the next whole second of their own clock. That is one UPDATE
  that changes nothing within the same second, so an import of a thousand records raises the
  date once, not by a thousand seconds.
- A date can be up to a second in the future (more when several transactions commit within the
  same second). The header never says more than the current time (RFC 9110 §8.8.2.1), which only
  costs a client one more full response; see cms/api/http.py.

Reading (``content_changed_at``)

- A public read fetches the date before the content. A change committed between the two reads
  gives the new content under the old date, which only costs a client one more full response.
  The reverse, the new date with the old content, would give wrong 304s, and cannot happen.
"""

from datetime import datetime, timedelta

from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils import timezone

from wagtail.images import get_image_model
from wagtail.models import PageViewRestriction, Site, get_page_models
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from .bookkeeping import only_bookkeeping
from .models import (
    Ambito,
    ContentVersion,
    Location,
    Municipality,
    Organization,
    Service,
    ServiceAtLocation,
    SpokenLanguage,
    TargetGroup,
    Theme,
)

ONE_SECOND = timedelta(seconds=1)

# --- Reading -----------------------------------------------------------------------------------


def content_changed_at(using: str = DEFAULT_DB_ALIAS) -> datetime | None:
    """When the public content last changed (one query); None on a database without the row."""
    versions = ContentVersion.objects.using(using).filter(pk=ContentVersion.SINGLETON)
    return versions.values_list("changed_at", flat=True).first()


# --- Recording ---------------------------------------------------------------------------------


def next_whole_second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0) + ONE_SECOND


class _Recorded:
    """Left in the transaction's on-commit list: this transaction has raised the date already.

    Django drops it with a savepoint that is rolled back, together with the UPDATE it marks.
    """

    def __call__(self):
        pass


def _recorded_in_this_transaction(connection) -> bool:
    return connection.in_atomic_block and any(
        isinstance(callback, _Recorded) for _sids, callback, _robust in connection.run_on_commit
    )


def record_content_change(using: str = DEFAULT_DB_ALIAS) -> None:
    """Records that the public content changes in the current transaction (or has just changed)."""
    connection = transaction.get_connection(using)
    target = next_whole_second(timezone.now())
    versions = ContentVersion.objects.using(using).filter(pk=ContentVersion.SINGLETON)
    if _recorded_in_this_transaction(connection):
        versions.filter(changed_at__lt=target).update(changed_at=target)
        return
    if not versions.update(changed_at=Greatest(F("changed_at") + ONE_SECOND, Value(target))):
        _, created = ContentVersion.objects.using(using).get_or_create(
            pk=ContentVersion.SINGLETON, defaults={"changed_at": target}
        )
        if not created:  # another transaction created it meanwhile
            versions.update(changed_at=Greatest(F("changed_at") + ONE_SECOND, Value(target)))
    if connection.in_atomic_block:
        transaction.on_commit(_Recorded(), using=using)


# --- What changes the public content -----------------------------------------------------------


def saved_or_deleted(sender, instance, update_fields=None, using=DEFAULT_DB_ALIAS, **kwargs):
    """post_save and post_delete (also of fixtures loaded raw: they change the content too)."""
    if not only_bookkeeping(update_fields):
        record_content_change(using)


def links_changed(sender, action, using=DEFAULT_DB_ALIAS, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        record_content_change(using)


def published_or_moved(sender, instance, **kwargs):
    """Wagtail's signals of pages and snippets, sent after the save they follow."""
    record_content_change(instance._state.db or DEFAULT_DB_ALIAS)


DIRECTORY_RECORDS = (Organization, Location, Service)
TAXONOMY_AND_GEOGRAPHY = (Theme, TargetGroup, SpokenLanguage, Municipality, Ambito)


def shown_models() -> list:
    """Every model whose rows the public APIs show, or which decides what they show.

    Directory records with their links and places, the taxonomy, comuni and ambiti (names, codes,
    ambito of a comune), images (an organisation's logo URL), every page model, sites (the
    ``html_url`` of pages and which pages a site serves) and view restrictions (which pages are
    public).
    """
    return [
        *DIRECTORY_RECORDS,
        ServiceAtLocation,
        *TAXONOMY_AND_GEOGRAPHY,
        get_image_model(),
        *get_page_models(),
        Site,
        PageViewRestriction,
    ]


def connect_content_version() -> None:
    """Connects the receivers (from CmsConfig.ready(), once every model is loaded)."""
    models = shown_models()
    for model in models:
        label = model._meta.label
        post_save.connect(saved_or_deleted, sender=model, dispatch_uid=f"content-version:save:{label}")
        post_delete.connect(saved_or_deleted, sender=model, dispatch_uid=f"content-version:delete:{label}")
        for field in model._meta.many_to_many:
            through = getattr(field.remote_field, "through", None)
            if through is None:
                continue
            m2m_changed.connect(links_changed, sender=through, dispatch_uid=f"content-version:{through._meta.label}")
    for model in DIRECTORY_RECORDS:
        label = model._meta.label
        published.connect(published_or_moved, sender=model, dispatch_uid=f"content-version:published:{label}")
        unpublished.connect(published_or_moved, sender=model, dispatch_uid=f"content-version:unpublished:{label}")
    page_published.connect(published_or_moved, dispatch_uid="content-version:page-published")
    page_unpublished.connect(published_or_moved, dispatch_uid="content-version:page-unpublished")
    post_page_move.connect(published_or_moved, dispatch_uid="content-version:page-moved")


__all__ = ["connect_content_version", "content_changed_at", "record_content_change"]
