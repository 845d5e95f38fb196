"""Saves that only touch editorial bookkeeping (a draft revision, a lock) leave the live row as the
public sees it: neither the search index nor the APIs' ``Last-Modified`` need to follow them."""

BOOKKEEPING_FIELDS = frozenset(
    {
        "latest_revision",
        "latest_revision_created_at",
        "has_unpublished_changes",
        "draft_title",
        "locked",
        "locked_at",
        "locked_by",
    }
)


def only_bookkeeping(update_fields) -> bool:
    return bool(update_fields) and set(update_fields) <= BOOKKEEPING_FIELDS
