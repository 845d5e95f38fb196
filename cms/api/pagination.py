"""Page-number pagination of the directory endpoints: ``?page=`` (from 1) and ``?page_size=`` (1–100, default 20)."""

import math

from django.core.paginator import EmptyPage, Paginator
from django.utils.translation import gettext as _

from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from .numbers import whole_number

DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
PAGE_PARAMETERS = ("page", "page_size")


def positive_integer(request, name: str, default: int, maximum: int | None = None) -> int:
    raw = request.GET.get(name)
    if raw is None:
        return default
    value = whole_number(raw)
    if value is None or value < 1:
        raise ValidationError({name: [_("Give a whole number from 1.")]})
    if maximum is not None and value > maximum:
        raise ValidationError({name: [_("At most %(maximum)d.") % {"maximum": maximum}]})
    return value


class DirectoryPagination(BasePagination):
    """``{"count", "page", "page_size", "total_pages", "next", "previous", "results"}``.

    A page number past the last page is 404; a malformed or out-of-range ``page``/``page_size`` is 400.
    """

    def paginate_queryset(self, queryset, request, view=None):
        """The records of the page, read in two steps so that deep pages stay fast.

        The ordered ids of the page come first (the database sorts narrow rows: the id and the sort
        key), then the records with their columns and prefetches, by id. One query more than a plain
        OFFSET, and a page deep in a list of 10,000 costs about what the first page costs.
        """
        self.request = request
        self.page_size = positive_integer(request, "page_size", DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE)
        number = positive_integer(request, "page", 1)
        paginator = Paginator(queryset.values_list("pk", flat=True), self.page_size)
        try:
            self.page = paginator.page(number)
        except EmptyPage:  # page 1 always exists, empty when nothing matches
            raise NotFound(
                _("There is no page %(number)d: the last page is %(last)d.")
                % {"number": number, "last": paginator.num_pages}
            )
        self.count = paginator.count
        ids = list(self.page.object_list)
        if not ids:
            return []
        records = {record.pk: record for record in queryset.order_by().filter(pk__in=ids)}
        return [records[pk] for pk in ids]

    def _link(self, number: int | None) -> str | None:
        if number is None:
            return None
        query = self.request.GET.copy()
        query["page"] = str(number)
        return self.request.build_absolute_uri(f"{self.request.path}?{query.urlencode()}")

    def get_paginated_response(self, data):
        page = self.page
        return Response(
            {
                "count": self.count,
                "page": page.number,
                "page_size": self.page_size,
                "total_pages": math.ceil(self.count / self.page_size),
                "next": self._link(page.next_page_number() if page.has_next() else None),
                "previous": self._link(page.previous_page_number() if page.has_previous() else None),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        link = {"type": "string", "format": "uri", "nullable": True}
        return {
            "type": "object",
            "required": ["count", "page", "page_size", "total_pages", "next", "previous", "results"],
            "properties": {
                "count": {"type": "integer", "description": "Records matching the filters, on all pages."},
                "page": {"type": "integer", "description": "This page's number, from 1."},
                "page_size": {"type": "integer", "description": "Records per page (1–100)."},
                "total_pages": {"type": "integer"},
                "next": {**link, "description": "The next page, with the same parameters; null on the last."},
                "previous": {**link, "description": "The previous page; null on the first."},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "page",
                "in": "query",
                "required": False,
                "description": "Page number, from 1. A page past the last one is 404.",
                "schema": {"type": "integer", "minimum": 1, "default": 1},
            },
            {
                "name": "page_size",
                "in": "query",
                "required": False,
                "description": f"Records per page, from 1 to {MAX_PAGE_SIZE}.",
                "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
            },
        ]
