"""Every date and time field of every portal form renders through core.forms' ISO widgets.

``<input type="date">`` accepts only ISO values (2026-11-06): a field on Django's default widget renders the
language's format (2026/11/06), which the browser drops, so the page shows the date empty and saving the
form untouched clears it. This walks every Form class the project defines (ModelForms' generated fields
and fields added in ``__init__`` included) and names each field that misses the widget.
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import re

import pytest
from django import forms
from django.conf import settings

from core.forms import DateInput, TimeInput

pytestmark = pytest.mark.django_db

# The project's own packages (its apps and config); third-party forms are not ours to check.
PACKAGES = sorted(
    {app.split(".")[0] for app in settings.INSTALLED_APPS if importlib.util.find_spec(app.split(".")[0])}
    & {p.name for p in pkgutil.iter_modules([str(settings.BASE_DIR)])}
)


def project_form_classes() -> list[type[forms.BaseForm]]:
    for package in PACKAGES:
        module = importlib.import_module(package)
        for info in pkgutil.walk_packages(getattr(module, "__path__", []), prefix=f"{package}."):
            # Settings modules configure a process (production's need its environment), they hold no forms.
            skipped = (".migrations", ".management", "config.settings")
            if not any(part in info.name for part in skipped):
                importlib.import_module(info.name)
    found, todo = set(), [forms.BaseForm]
    while todo:
        cls = todo.pop()
        for sub in cls.__subclasses__():
            todo.append(sub)
            if sub.__module__.split(".")[0] in PACKAGES:
                found.add(sub)
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def fields_of(form_class) -> dict:
    """The fields as a page gets them: an instance's (``__init__`` may add some), else the declared ones."""
    try:
        return form_class().fields
    except Exception:  # noqa: BLE001 - forms needing arguments: their declared and generated fields
        return form_class.base_fields


def test_the_walk_finds_the_portals_forms():
    names = {f"{c.__module__}.{c.__name__}" for c in project_form_classes()}
    assert {
        "centers.forms.ChecklistEntryForm",
        "centers.forms.RosterPatternForm",
        "regions.forms.PersonCreateForm",
        "decisions.forms.MeetingForm",
    } <= names


def test_every_date_and_time_field_renders_iso_through_the_shared_widgets():
    wrong = []
    for form_class in project_form_classes():
        for name, field in fields_of(form_class).items():
            if isinstance(field.widget, forms.HiddenInput):
                continue
            if isinstance(field, forms.DateTimeField | forms.SplitDateTimeField):
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: no date-time fields")
            elif isinstance(field, forms.DateField) and not isinstance(field.widget, DateInput):
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: {type(field.widget)}")
            elif isinstance(field, forms.TimeField) and not isinstance(field.widget, TimeInput):
                wrong.append(f"{form_class.__module__}.{form_class.__name__}.{name}: {type(field.widget)}")
    assert wrong == []


def test_the_shared_widgets_render_iso_in_chinese():
    """The portal's language writes dates as 2026/11/06 by default; the widgets do not."""
    date_html = DateInput().render("d", dt.date(2026, 11, 6))
    time_html = TimeInput().render("t", dt.time(9, 5))
    assert 'type="date"' in date_html and 'value="2026-11-06"' in date_html
    assert 'type="time"' in time_html and 'value="09:05"' in time_html
    assert 'value="2026/11/06"' in forms.DateInput().render("d", dt.date(2026, 11, 6))


def test_new_person_starts_today_and_an_existing_date_shows_in_the_date_picker(world):
    from django.utils import timezone

    from centers.models import ChecklistEntry, ChecklistItem
    from tests.centers.builders import center_of

    page = world.client_for(world.county_admin).get("/people/new/").content.decode()
    started = re.search(r'<input[^>]*name="started_on"[^>]*>', page).group(0)
    assert 'type="date"' in started and f'value="{timezone.localdate():%Y-%m-%d}"' in started
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    ChecklistEntry.objects.create(
        center=center, region_id=center.region_id, item=item, is_met=True, checked_on=dt.date(2026, 11, 6)
    )
    page = world.client_for(world.village_a1_clerk).get(f"/centers/{center.pk}/checklist/{item.pk}/")
    checked = re.search(r'<input[^>]*name="checked_on"[^>]*>', page.content.decode()).group(0)
    assert 'type="date"' in checked and 'value="2026-11-06"' in checked
