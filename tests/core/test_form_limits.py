"""Every form of the project limits the text it takes, and a textarea states its limit: a new field without
one fails here. (Meeting minutes once took 200,000 characters into a record that can never change.)"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings


def _project_forms() -> list[type[forms.BaseForm]]:
    base = Path(settings.BASE_DIR).resolve()
    roots = set()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The project's own apps (the virtualenv may live inside the checkout too).
        if path.is_relative_to(base) and "site-packages" not in path.parts:
            roots.add(config.name.split(".")[0])
            for module in ("forms", "admin"):
                if importlib.util.find_spec(f"{config.name}.{module}") is not None:
                    importlib.import_module(f"{config.name}.{module}")
    found, todo = [], [forms.BaseForm]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in roots:
            found.append(cls)
    return sorted(set(found), key=lambda c: f"{c.__module__}.{c.__qualname__}")


FORMS = _project_forms()


def test_the_walk_finds_the_project_forms():
    names = {f"{c.__module__}.{c.__qualname__}" for c in FORMS}
    assert {"decisions.forms.MeetingForm", "centers.forms.ServiceItemForm", "regions.forms.UrgeForm"} <= names
    assert len(FORMS) > 40


@pytest.mark.parametrize("form_class", FORMS, ids=lambda c: f"{c.__module__}.{c.__qualname__}")
def test_every_text_field_has_a_limit_and_every_textarea_states_it(form_class):
    name = f"{form_class.__module__}.{form_class.__qualname__}"
    for field_name, field in form_class.base_fields.items():
        if not isinstance(field, forms.CharField):
            continue
        assert field.max_length, f"{name}.{field_name} takes text without a max_length"
        if isinstance(field.widget, forms.Textarea):
            assert f"不超过{field.max_length}字" in str(field.help_text), (
                f"{name}.{field_name} hides its limit"
            )
