"""The Content-Security-Policy header (django-csp) on every kind of page, and a guard on the templates: no
inline script, event handler, style attribute or <style> block, which the policy would refuse (the browser
tests prove the pages work under it)."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client

pytestmark = pytest.mark.django_db

DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "base-uri": "'self'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


def policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split(" ", 1)[0]: part.split(" ", 1)[1]
        for part in (p.strip() for p in header.split(";"))
        if part
    }


def assert_strict(response) -> None:
    found = policy(response)
    for directive, value in DIRECTIVES.items():
        assert found.get(directive) == value, (directive, found.get(directive))
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_public_signed_in_admin_and_error_pages_carry_the_policy(world):
    clerk = world.client_for(world.village_a1_clerk)
    admin = world.client_for(world.sysadmin)
    answers = [
        Client().get("/lookup/"),
        Client().get(f"/catalog/{world.village_a1.code}/"),
        Client().get(f"/bulletin/{world.village_a1.code}/"),
        Client().get("/accounts/login/"),
        clerk.get(f"/regions/{world.village_a1.code}/"),
        clerk.get("/requests/"),
        admin.get("/admin/"),
        Client().get("/no-such-page/"),
    ]
    for response in answers:
        assert response.status_code in (200, 404)
        assert_strict(response)


TEMPLATE_ROOTS = [settings.BASE_DIR / "templates"] + [
    path for path in settings.BASE_DIR.glob("*/templates") if ".venv" not in path.parts
]
INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I),
    "event handler attribute": re.compile(r"\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"\sstyle\s*=", re.I),
    "<style> block": re.compile(r"<style[\s>]", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_script_or_style():
    problems = []
    for root in TEMPLATE_ROOTS:
        for path in root.rglob("*.html"):
            text = path.read_text(encoding="utf-8")
            for what, pattern in INLINE.items():
                for match in pattern.finditer(text):
                    line = text.count("\n", 0, match.start()) + 1
                    problems.append(f"{path.relative_to(settings.BASE_DIR)}:{line}: {what}")
    assert not problems, "\n".join(problems)
