"""The outbox of index updates: what must be written to the search index, kept until it is.

A change to a record writes one row here in the same transaction as the change, so an update
is never lost: not when the search engine is down, not when the worker restarts. After commit a
task writes the documents and deletes the rows it wrote; a failed write stays here and is retried
with exponential backoff (``manage.py search_index --process-pending`` and the task worker).
"""

from datetime import timedelta

from django.db import models
from django.utils.translation import gettext_lazy as _

# Backoff after the n-th failure: 10 s, 20 s, 40 s... capped at 15 minutes.
FIRST_RETRY_SECONDS = 10
MAX_RETRY_SECONDS = 15 * 60


def retry_delay(attempts: int) -> timedelta:
    seconds = FIRST_RETRY_SECONDS * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, MAX_RETRY_SECONDS))


class PendingIndexUpdate(models.Model):
    """One document of the search index to bring up to date with the database."""

    doc_type = models.CharField(_("document type"), max_length=20)
    object_id = models.BigIntegerField(_("record id"))
    requested_at = models.DateTimeField(
        _("requested"), help_text=_("When the record last changed; a row is deleted only if it did not change since.")
    )
    attempts = models.PositiveIntegerField(_("failed attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), db_index=True)
    last_error = models.TextField(_("last error"), blank=True)
    engine_unreachable = models.BooleanField(
        _("engine unreachable"),
        default=False,
        help_text=_("The last attempt could not reach the engine (rather than the engine refusing this document)."),
    )

    class Meta:
        verbose_name = _("pending index update")
        verbose_name_plural = _("pending index updates")
        constraints = [models.UniqueConstraint(fields=["doc_type", "object_id"], name="unique_pending_document")]
        indexes = [models.Index(fields=["requested_at"])]

    def __str__(self):
        return f"{self.doc_type} {self.object_id}"
