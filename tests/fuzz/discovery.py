"""What each URL of the permission matrix accepts, found by reading the pages the roles are shown.

Every page a role may GET (a 200 in the matrix) is fetched once and its HTML parsed: each ``<form>`` gives
its target (resolved to a matrix key), its method and its fields (name, kind, the options of a select, the
value the page fills in), and each link back to a page with a query string gives that page's GET
parameters (filters, ``month=``, ``page=``, ``sort=``). The fields of one target are the union over every
role and page that shows a form for it, so a role that is never shown the form is still sent its fields.

Pages do not always show a form (a check-in button only on the shift's day, a review only at its step), so
the view's own source is read too: the form classes it instantiates give their fields, and every
``request.GET``/``request.POST`` name it reads by hand is sent as a parameter.
"""

from __future__ import annotations

import inspect
import re
from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urljoin, urlsplit

import lxml.html
from django import forms
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


_FORM_CALL = re.compile(r"\b([A-Z]\w*Form)\(\s*(request\.GET)?")
_HAND_READ = re.compile(r"request\.(GET|POST)(?:\.get\(|\.getlist\(|\[|\.__contains__\()\s*[\"'](\w+)[\"']")
_IN_QUERY = re.compile(r"[\"'](\w+)[\"']\s+in\s+request\.(GET|POST)")


def _kind_of(form_field: forms.Field) -> tuple[str, list[str]]:
    widget = form_field.widget
    if isinstance(form_field, forms.FileField):
        return "file", []
    if isinstance(form_field, forms.ChoiceField) and not isinstance(form_field, forms.ModelChoiceField):
        return "select", [str(value) for value, _ in form_field.choices if not isinstance(_, (list, tuple))]
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox", ["on"]
    return getattr(widget, "input_type", None) or "text", []


def _from_source(target: Target, callback) -> None:
    """The fields of the form classes the view instantiates, and the parameters it reads by hand."""
    view = inspect.unwrap(getattr(callback, "view_class", callback))
    try:
        source = inspect.getsource(view)
    except (OSError, TypeError):
        return
    scope = vars(inspect.getmodule(view))
    for name, reads_query in set(_FORM_CALL.findall(source)):
        form_class = scope.get(name)
        if not (isinstance(form_class, type) and issubclass(form_class, forms.BaseForm)):
            continue
        for field_name, form_field in form_class.base_fields.items():
            kind, options = _kind_of(form_field)
            target.add("GET" if reads_query else "POST", Field(field_name, kind, options))
    for method, name in _HAND_READ.findall(source):
        target.add(method, Field(name, "param"))
    for name, method in _IN_QUERY.findall(source):
        target.add(method, Field(name, "param"))


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
    callbacks = {p.key: p.callback for p in engine.PATTERNS}
    for key, entry in engine.MATRIX.items():
        if not key.startswith("admin:"):  # the admin's views are Django's, its forms are on its pages
            _from_source(targets[key], callbacks[key])
        if entry.post is None:  # a POST-only endpoint has no page of its own; every other page has GET
            for name in COMMON_GET:
                targets[key].add("GET", Field(name, "param"))
    return dict(targets)
