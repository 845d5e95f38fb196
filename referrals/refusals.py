"""A refusal of a staff form (DRF's or Django's ``ValidationError``) as plain sentences per field.

The pages show each sentence next to the field it concerns (``all``: the form as a whole); codes
such as ``required`` or ``does_not_exist`` become words a social worker understands.
"""

from django.utils.translation import gettext as _

from .forms import REQUIRED


def field_errors(error) -> dict[str, list[str]]:
    """A refusal (DRF or Django) as plain sentences per form field; ``all`` for the form as a whole."""
    detail = getattr(error, "detail", None)
    if detail is None:
        detail = error.message_dict if hasattr(error, "error_dict") else {"all": error.messages}
    if not isinstance(detail, dict):
        detail = {"all": detail}
    out: dict[str, list[str]] = {}
    for field, items in detail.items():
        key = "all" if field in ("non_field_errors", "__all__") else field
        out[key] = [plain_words(item) for item in leaves(items)]
    return out


def leaves(value):
    """The messages of a nested DRF error (lists of lists, dicts by index or by nested field)."""
    if isinstance(value, dict):
        for item in value.values():
            yield from leaves(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from leaves(item)
    else:
        yield value


def plain_words(item) -> str:
    code = getattr(item, "code", None)
    if code in ("required", "blank", "null"):
        return str(REQUIRED)
    if code in ("invalid_choice", "does_not_exist", "incorrect_type"):
        return _("Choose one of the options.")
    return str(item)


def form_data(post) -> dict:
    return {key: post.get(key, "") for key in post if key != "csrfmiddlewaretoken"}


def flatten(error) -> list[str]:
    """A refusal as plain sentences, for a message at the top of the page the person returns to."""
    return [message for messages_ in field_errors(error).values() for message in messages_]
