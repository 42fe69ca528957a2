"""Template tags of every page: form controls, dates and rates in the portal's one format."""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from core import formats

register = template.Library()


@register.simple_tag
def control(field):
    """Renders a form field's widget with Bootstrap's classes and its invalid state."""
    attrs = {"class": "form-control"}
    if field.errors:
        # The include puts the errors right under the control with this id; readers announce them with it.
        attrs.update({"class": "form-control is-invalid", "aria-invalid": "true"})
        attrs["aria-describedby"] = f"{field.auto_id}_errors"
    return field.as_widget(attrs=attrs)


@register.filter
def hidden_errors(fields) -> bool:
    """Whether any of these (hidden) fields has an error: shown on top, as they have no place of their own."""
    return any(field.errors for field in fields)


@register.filter
def zh_date(value) -> str:
    """Dates as users write them: 2026年11月21日."""
    return formats.zh_date(value)


@register.filter
def percent(part, whole) -> str:
    """{{ part|percent:whole }}: 96.7%, or — when whole is 0."""
    return formats.percent(part, whole)


@register.filter
def figure(value) -> str:
    """A count as is, a mean to one decimal, — for none."""
    return formats.figure(value)


@register.filter
def money(value) -> str:
    """{{ amount|money }}: 253,200.00元."""
    return formats.money(value)


@register.filter
def label_of(value, choices) -> str:
    """The label of ``value`` in a TextChoices class or a choices list (payload facts are stored as values)."""
    for key, label in getattr(choices, "choices", choices):
        if key == value:
            return label
    return value or ""


@register.simple_tag
def select_options(field):
    """A select field's <option>s with the bound value selected, built in Python: a filter form's long
    lists (service items, record types) cost a loop of template lookups per option otherwise."""
    value = "" if field.value() is None else str(field.value())
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (key, mark_safe(" selected") if str(key) == value else "", label)
            for key, label in field.field.choices
        ),
    )
