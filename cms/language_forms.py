"""Per-language widgets of the admin forms: ``lang`` on every translated input, right-to-left where needed.

It imports no models (the page models name ``TranslatedPageForm`` as their base form), so that the
models, the permissions and the editors' forms import one another in one direction only.
"""

from wagtail.admin.forms import WagtailAdminModelForm, WagtailAdminPageForm

from .languages import is_rtl, localized_field_languages


def apply_language_attributes(form) -> None:
    """Marks every per-language input with its ``lang``, and right-to-left ones with ``dir="rtl"``.

    Rich-text (Draftail) editors of a right-to-left language also get ``textDirectionality: RTL``,
    so that the cursor, alignment and lists run from the right.
    """
    languages = localized_field_languages(form._meta.model)
    for name, field in form.fields.items():
        code = languages.get(name)
        if code is None:
            continue
        widget = field.widget
        widget.attrs["lang"] = code
        if is_rtl(code):
            widget.attrs["dir"] = "rtl"
            if isinstance(getattr(widget, "options", None), dict):
                widget.options = {**widget.options, "textDirectionality": "RTL"}


class LanguageAwareFormMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        apply_language_attributes(self)


class TranslatedPageForm(LanguageAwareFormMixin, WagtailAdminPageForm):
    """Base form of the translated pages (home, guidelines index, guideline)."""


class TranslatedSnippetForm(LanguageAwareFormMixin, WagtailAdminModelForm):
    """Base form of translated snippets without a scope (themes, target groups)."""
