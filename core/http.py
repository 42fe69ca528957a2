"""HTTP glue shared by every app's views: a POST action's message, and protected file responses."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404


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
