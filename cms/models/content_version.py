"""When the public content last changed: the date behind ``Last-Modified`` of the public APIs.

One row, kept in the database so that every worker and host sends the same date. It is raised by
cms/content_version.py in the same transaction as each change of what the directory API, HSDS and
the pages API show, so no reader ever sees the new date without the new content.
"""

from django.db import models


class ContentVersion(models.Model):
    """The single row (id 1): ``changed_at`` is a whole second later than every earlier value."""

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(primary_key=True, default=SINGLETON, editable=False)
    changed_at = models.DateTimeField("content changed at")

    class Meta:
        verbose_name = "content version"
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="cms_contentversion_single_row")]

    def __str__(self):
        return f"content changed at {self.changed_at.isoformat()}"
