"""No input gives a server error, and a refused input changes nothing (issue 11, section 3).

For every URL of the permission matrix, as every role, in and out of scope, Hypothesis sends generated
values (tests/fuzz/values.py: huge, empty, Unicode digits, NaN and 1e400, impossible dates, wrong types,
foreign and missing ids, control characters and NUL) in the fields the pages' forms show and the query
parameters their links use, the forms their views build and the parameters they read by hand
(tests/fuzz/discovery.py), by GET and by POST: first a sweep (each named value in every field at once, as
the first role the page answers), then Hypothesis's examples (a random role, side, method and fields, the
other fields as the page fills them in). Each request runs in its own savepoint, rolled back afterwards,
so the world (built once, as the permission matrix builds it) is the same for every request. It fails on:

* a server error: the test client re-raises the view's exception; it is reported with the URL, role,
  method, payload and the project's frame that raised;
* a partial write: when the answer refuses the input (form errors, an error message, or 400/403/404/405),
  every table's row count and row checksum (tests/fuzz/snapshot.py) must be what it was before.

Examples per URL: the "ci" profile (the default, in ``make test``: few examples, derandomized so a run is
reproducible); ``make fuzz`` runs the "fuzz" profile (HYPOTHESIS_PROFILE=fuzz, many more, random).
"""

from __future__ import annotations

import dataclasses
import logging
import os
import traceback
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.contrib import messages
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client, override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz import discovery, snapshot, values
from tests.permissions import engine

pytestmark = pytest.mark.django_db

_COMMON = {
    "deadline": None,
    "database": None,  # nothing written to .hypothesis/ in the repository
    "suppress_health_check": list(HealthCheck),
    # a crash is reported as found, not shrunk (each request costs tens of milliseconds)
    "phases": (Phase.explicit, Phase.generate),
}
settings.register_profile("ci", max_examples=3, derandomize=True, **_COMMON)
settings.register_profile("fuzz", max_examples=60, **_COMMON)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(django_settings.BASE_DIR).resolve()
REJECTED = {400, 403, 404, 405}
ERROR_MARKERS = (b"invalid-feedback", b"errorlist", b"form-errors")


@dataclass(repr=False)
class Fuzz:
    ctx: engine.Ctx
    sessions: dict[str, str]  # role -> session key (anonymous: none)
    targets: dict[str, discovery.Target]
    foreign: list[str]

    def __repr__(self) -> str:
        return f"Fuzz({len(self.targets)} targets)"


@pytest.fixture(scope="module")
def fuzz(django_db_setup, django_db_blocker, tmp_path_factory):
    media = tmp_path_factory.mktemp("fuzz-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        ctx = engine.build_ctx()
        clients = {role: Client() for role in engine.ROLES}
        for role, client in clients.items():
            if role != "anonymous":
                client.force_login(ctx.user(role))
        sessions = {
            role: client.cookies[django_settings.SESSION_COOKIE_NAME].value
            for role, client in clients.items()
            if role != "anonymous"
        }
        request_log = logging.getLogger("django.request")
        request_log.disabled = True  # each crash is reported once, by the test, not as a logged traceback
        try:
            yield Fuzz(ctx, sessions, discovery.discover(ctx, clients), values.foreign_ids(ctx))
        finally:
            request_log.disabled = False
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _media_root():
    """Overrides the conftest's per-test MEDIA_ROOT: the module's files live in the module's directory."""
    yield


class _Rollback(Exception):
    pass


def _project_frame(exc: BaseException) -> str:
    """The innermost frame of the project's own code (not a library's) that the exception passed through."""
    for frame in reversed(traceback.extract_tb(exc.__traceback__)):
        path = Path(frame.filename).resolve()
        if path.is_relative_to(ROOT) and ".venv" not in path.parts and "tests" not in path.parts:
            return f"{path.relative_to(ROOT)}:{frame.lineno} {frame.name}"
    return "(no project frame)"


def _payload_text(payload: dict) -> str:
    return "{" + ", ".join(f"{k!r}: {values.describe(v)}" for k, v in payload.items()) + "}"


def _send(fuzz: Fuzz, role: str, method: str, url: str, payload: dict):
    client = Client()
    if role != "anonymous":
        client.cookies[django_settings.SESSION_COOKIE_NAME] = fuzz.sessions[role]
    if method == "GET":
        query = {k: (v.name if isinstance(v, SimpleUploadedFile) else v) for k, v in payload.items()}
        response = client.get(url, query)
    else:
        response = client.post(url, payload)
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _refused(response) -> bool:
    """A refusal: 400/403/404/405, a page showing form errors, or a redirect carrying an error message
    (core.http.act: "validate, call the service, say how it went")."""
    if response.status_code in REJECTED:
        return True
    queued = getattr(getattr(response.wsgi_request, "_messages", None), "_queued_messages", [])
    if any(m.level >= messages.ERROR for m in queued):
        return True
    if response.status_code == 200 and not response.streaming:
        return any(marker in response.content for marker in ERROR_MARKERS)
    return False


def _attempt(fuzz: Fuzz, role: str, method: str, url: str, payload: dict) -> tuple[str, str] | None:
    """One request in a savepoint rolled back afterwards: None, or a problem's cause (to tell distinct
    problems apart) and its description."""
    cache.clear()  # rate limits and cached pages start afresh: each request sees the same site
    for value in payload.values():
        if isinstance(value, SimpleUploadedFile):
            value.seek(0)
    problem = cause = None
    try:
        with transaction.atomic():
            before = snapshot.snapshot()
            try:
                response = _send(fuzz, role, method, url, payload)
            except Exception as exc:  # noqa: BLE001 - the test client re-raises the view's exception
                cause = f"{type(exc).__name__} at {_project_frame(exc)}"
                problem = f"{type(exc).__name__}: {str(exc)[:160]} at {_project_frame(exc)}"
                raise _Rollback from exc
            if response.status_code >= 500:
                problem = cause = f"status {response.status_code}"
            elif _refused(response):
                changed = snapshot.changes(before, snapshot.snapshot())
                if changed:
                    problem = f"refused ({response.status_code}) but wrote: {', '.join(changed)}"
                    cause = f"partial write {changed}"
            raise _Rollback
    except _Rollback:
        pass
    if problem is None:
        return None
    return f"{method} {cause}", f"{method} {url} as {role}: {problem}\n    payload {_payload_text(payload)}"


def _methods(entry: engine.Entry, target: discovery.Target) -> list[str]:
    if entry.post is not None:
        return ["POST"]
    return ["GET", "POST"] if target.fields["POST"] else ["GET"]


def _base(fields: dict[str, discovery.Field], method: str) -> dict:
    """What the page itself would send: the filled-in values (so a hostile field is not refused only
    because the fields around it were left empty). GET pages are sent only the fuzzed parameters."""
    if method == "GET":
        return {}
    return {name: f.default for name, f in fields.items() if f.kind != "file"}


def _sweep_role(entry: engine.Entry) -> str:
    """The role the sweep uses: the first one the page answers (or, POST-only, does not refuse)."""
    cells = entry.post or entry.get
    for role in entry.roles:
        if cells[role][0] in (200, 302) and role != "anonymous":
            return role
    return engine.STAFF


def fuzz_problems(fuzz: Fuzz, key: str, profile=PROFILE, *, entry=None, target=None) -> list[str]:
    """Sweeps ``key``'s fields with each of the named values at once, then runs the profile's Hypothesis
    examples; returns the problems found (one per distinct cause). ``entry`` and ``target`` stand in for
    the matrix's and the discovered ones (the self-check's planted views)."""
    entry = entry or engine.MATRIX[key]
    target = target or fuzz.targets.get(key) or discovery.Target()
    sides = ("in", "out") if entry.kind == "scoped" else ("in",)
    methods = _methods(entry, target)
    found: dict[str, str] = {}

    role = _sweep_role(entry)
    url = engine._url(fuzz.ctx, key, entry, role, "in")
    for method in methods:
        fields = dict(target.fields[method]) or {"x": discovery.Field("x", "param")}
        for value in values.ADMIN_SWEEP if key.startswith("admin:") else values.SWEEP:
            payload = {**_base(fields, method), **dict.fromkeys(fields, value)}
            problem = _attempt(fuzz, role, method, url, payload)
            if problem is not None:
                found.setdefault(*problem)

    @settings(profile)
    @given(st.data())
    def run(data):
        role = data.draw(st.sampled_from(entry.roles), label="role")
        which = data.draw(st.sampled_from(sides), label="side")
        method = data.draw(st.sampled_from(methods), label="method")
        fields = dict(target.fields[method]) or {"x": discovery.Field("x", "param")}
        names = data.draw(
            st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=len(fields), unique=True),
            label="fields",
        )
        payload = _base(fields, method)
        for name in names:
            payload[name] = data.draw(values.hostile(fields[name], fuzz.foreign), label=name)
        url = engine._url(fuzz.ctx, key, entry, role, which)
        problem = _attempt(fuzz, role, method, url, payload)
        if problem is not None:
            found.setdefault(*problem)

    run()
    return list(found.values())


@pytest.mark.parametrize("key", sorted(engine.MATRIX))
def test_no_input_gives_a_server_error_or_a_partial_write(fuzz, key):
    problems = fuzz_problems(fuzz, key)
    assert not problems, f"{key}:\n  " + "\n  ".join(problems)


@override_settings(ROOT_URLCONF="tests.fuzz.planted")
def test_the_fuzz_test_fails_on_a_crash_and_on_a_partial_write(fuzz):
    """The check can fail: a view that int()s a query parameter, and one that writes and then answers 400."""
    entry = engine.Entry("login", get=engine.logged_in(200), url=lambda c, role, which: "/planted/int/")
    target = discovery.Target()
    target.add("GET", discovery.Field("page", "param"))
    problems = fuzz_problems(fuzz, "planted", entry=entry, target=target)
    assert any(
        "ValueError: invalid literal for int()" in p and "GET /planted/int/ as " in p for p in problems
    )
    assert all("payload {'page': " in p for p in problems), problems

    entry = engine.Entry("public", get=engine.everyone(405), post=engine.everyone(400))
    entry = dataclasses.replace(entry, url=lambda c, role, which: "/planted/write/")
    problems = fuzz_problems(fuzz, "planted", entry=entry, target=discovery.Target())
    assert any("refused (400) but wrote: notifications_notification" in p for p in problems), problems
