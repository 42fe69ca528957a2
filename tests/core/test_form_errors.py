"""The shared form include (templates/includes/form_fields.html) puts each field's errors right under that
field, and the form's own errors (and hidden fields', which have no place of their own) on top."""

from __future__ import annotations

import re

import pytest

from centers.models import ChecklistEntry, ChecklistItem
from tests.centers.builders import center_of

pytestmark = pytest.mark.django_db

FORM = '<form method="post" enctype="multipart/form-data"'  # the checklist entry form


def checklist_form(world):
    center, item = center_of(world.village_a1), ChecklistItem.objects.first()
    return (
        world.client_for(world.village_a1_clerk),
        f"/centers/{center.pk}/checklist/{item.pk}/",
        center,
        item,
    )


def field_block(html: str, name: str) -> str:
    """The markup of one field's block, from its wrapper to the next field's."""
    start = html.index(f'data-field="{name}"')
    following = html.find('data-field="', start + 1)
    return html[start : following if following != -1 else html.index("</form>", start)]


def test_a_fields_error_stands_under_that_field(world):
    client, url, _, _ = checklist_form(world)
    html = client.post(url, {"is_met": "on", "checked_on": "2999-01-01", "version": 0}).content.decode()
    block = field_block(html, "checked_on")
    control = re.search(r"<input[^>]*name=\"checked_on\"[^>]*>", block).group(0)
    assert "is-invalid" in control and 'aria-describedby="id_checked_on_errors"' in control
    after = block[block.index(control) + len(control) :]
    assert re.match(
        r'\s*<div class="invalid-feedback d-block field-errors" id="id_checked_on_errors">'
        r"<div>检查日期不能晚于今天。</div></div>",
        after,
    )
    # Nowhere else: not on top, not under the other fields.
    assert html.count("检查日期不能晚于今天。") == 1
    assert "is-invalid" not in field_block(html, "note")
    assert 'role="alert"' not in html[html.index(FORM) : html.index('data-field="is_met"')]


def test_the_forms_own_errors_and_hidden_fields_errors_stand_on_top(world):
    client, url, center, item = checklist_form(world)
    assert client.post(url, {"is_met": "on", "note": "甲", "version": 0}).status_code == 302
    stale = client.post(url, {"note": "乙", "version": 0}).content.decode()
    top = stale[stale.index(FORM) : stale.index('data-field="is_met"')]
    assert 'class="alert alert-danger form-errors" role="alert"' in top and "已被他人修改" in top
    # A broken hidden field was silently dropped before: it has no place on the page, so it shows on top.
    broken = client.post(url, {"note": "丙", "version": "x"}).content.decode()
    top = broken[broken.index(FORM) : broken.index('data-field="is_met"')]
    assert "<div>输入整数。</div>" in top
    assert ChecklistEntry.objects.get(center=center, item=item).note == "甲"
