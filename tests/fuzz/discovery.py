"""What each URL of the permission matrix accepts, found by reading the pages the roles are shown.

Every page a role may GET (a 200 in the matrix) is fetched once and its HTML parsed: each ``<form>`` gives
its target (resolved to a matrix key), its method and its fields (name, kind, the options of a select, the
value the page fills in), and each link back to a page with a query string gives that page's GET
parameters (filters, ``month=``, ``page=``, ``sort=``). The fields of one target are the union over every
role and page that shows a form for it, so a role that is never shown the form is still sent its fields.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from django.test import Client
from django.urls import Resolver404, resolve

from tests.permissions import engine

# Parameters list pages commonly read, sent to every GET page whether or not a link shows them.
COMMON_GET = ("page", "month", "sort", "year", "q", "format", "status", "item", "region", "village")

SKIP_INPUT_TYPES = {"submit", "button", "reset", "image"}


@dataclass
class Field:
    name: str
    kind: str  # an <input>'s type, "select", "textarea" or "param" (a link's query parameter)
    options: list[str] = field(default_factory=list)
    default: str = ""
    multiple: bool = False

    def merge(self, other: Field) -> None:
        self.options = sorted(set(self.options) | set(other.options))
        self.default = self.default or other.default


@dataclass
class Target:
    """What a matrix key accepts: fields by method ("GET", "POST")."""

    fields: dict[str, dict[str, Field]] = field(default_factory=lambda: {"GET": {}, "POST": {}})

    def add(self, method: str, f: Field) -> None:
        known = self.fields[method].get(f.name)
        if known is None:
            self.fields[method][f.name] = f
        else:
            known.merge(f)


def _key_of(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    if match.url_name is None:
        return ":".join([*match.namespaces, f"[{match.route}]"])
    return match.view_name


def _fields_of(form) -> list[Field]:
    found = []
    for element in form.iter("input", "select", "textarea"):
        name = element.get("name")
        if not name:
            continue
        if element.tag == "select":
            options = [o.get("value", o.text_content()) for o in element.iter("option")]
            chosen = [o.get("value", o.text_content()) for o in element.iter("option") if o.get("selected")]
            default = chosen[0] if chosen else (options[0] if options else "")
            found.append(
                Field(name, "select", options, default, multiple=element.get("multiple") is not None)
            )
        elif element.tag == "textarea":
            found.append(Field(name, "textarea", default=element.text or ""))
        else:
            kind = (element.get("type") or "text").lower()
            if kind in SKIP_INPUT_TYPES:
                continue
            value = element.get("value", "on" if kind in ("checkbox", "radio") else "")
            options = [value] if kind in ("checkbox", "radio") else []
            found.append(Field(name, kind, options, value))
    return found


def _parse(targets: dict[str, Target], url: str, content: bytes) -> None:
    try:
        document = lxml.html.fromstring(content)
    except (ValueError, lxml.etree.ParserError):
        return
    for form in document.iter("form"):
        action = urljoin(url, form.get("action") or url)
        key = _key_of(urlsplit(action).path)
        if key is None:
            continue
        method = "POST" if (form.get("method") or "get").lower() == "post" else "GET"
        for f in _fields_of(form):
            targets[key].add(method, f)
        # a GET form's fields reach the page as query parameters, a POST form's page may also read them
    own = urlsplit(url).path
    for link in document.iter("a"):
        href = link.get("href") or ""
        parts = urlsplit(urljoin(url, href))
        if not parts.query or parts.path != own:
            continue
        key = _key_of(own)
        for name, value in parse_qsl(parts.query, keep_blank_values=True):
            targets[key].add("GET", Field(name, "param", [value], value))


def discover(ctx: engine.Ctx, clients: dict[str, Client]) -> dict[str, Target]:
    """Every matrix key's fields, read from every page each role is shown (in and out of scope)."""
    targets: dict[str, Target] = defaultdict(Target)
    for key, entry in engine.MATRIX.items():
        sides = ("in", "out") if entry.kind == "scoped" else ("in",)
        for role in entry.roles:
            for i, which in enumerate(sides):
                if entry.get[role][i] != 200 or entry.image:
                    continue
                url = engine._url(ctx, key, entry, role, which)
                response = clients[role].get(url)
                if response.streaming:
                    b"".join(response.streaming_content)
                    continue
                if "html" in response.get("Content-Type", ""):
                    _parse(targets, url, response.content)
    for key, entry in engine.MATRIX.items():
        if entry.post is None:  # a POST-only endpoint has no page of its own; every other page has GET
            for name in COMMON_GET:
                targets[key].add("GET", Field(name, "param"))
    return dict(targets)
