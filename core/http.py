"""HTTP glue shared by every app's views: a POST action's message, protected file responses, and the CSRF
token of cached HTML."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.middleware.csrf import get_token
from django.utils.safestring import SafeString, mark_safe

# HTML rendered for the cache carries this in place of a CSRF token; each request puts its own token in.
CSRF_PLACEHOLDER = "__csrf_token_placeholder__"


def with_csrf_token(request, html: str) -> SafeString:
    """Cached HTML of our own (autoescaped) templates, with this request's CSRF token in its forms."""
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    return mark_safe(html)  # noqa: S308


def messages_of(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def form_errors(form) -> str:
    """Every error of a form in one line, each named by its field's label."""
    return "；".join(
        f"{form.fields[f].label or f}：{'；'.join(e)}" if f in form.fields else "；".join(e)
        for f, e in form.errors.items()
    )


def act(request, form, action: Callable[[dict], object], success: str | Callable[[object], str]) -> bool:
    """A small POST action: validate the form, call the service, say how it went (the caller redirects).

    Returns whether the action succeeded. ``success`` may be a function of the service's result.
    """
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return False
    try:
        result = action(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, messages_of(exc))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def attempt(request, action: Callable[[], object], success: str | Callable[[object], str]) -> bool:
    """A POST action without a form: call the service, say how it went."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, messages_of(exc))
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True


def protected_file_response(field, content_type: str, *, download: bool = False) -> FileResponse:
    """A stored file served by a scoped view: private caching, nothing in it may run (CSP), 404 when gone."""
    try:
        handle = field.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, content_type=content_type, as_attachment=download, filename=field.name.rsplit("/", 1)[-1]
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
