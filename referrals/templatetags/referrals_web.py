"""Template filters of the staff pages: labels instead of codes, local dates, due phrases."""

from django import template

from .. import labels

register = template.Library()


@register.filter
def language_name(code):
    return labels.language_name(code)


@register.filter
def choice_label(code, kind):
    """``{{ referral.outcome|choice_label:"outcome" }}``"""
    return labels.label(kind, code)


@register.filter
def when(value, format_name="SHORT_DATETIME_FORMAT"):
    return labels.when(value, format_name) or "—"


@register.filter
def due_phrase(value):
    return labels.due_phrase(value)


@register.filter
def day(value):
    return labels.day(value) or "—"
