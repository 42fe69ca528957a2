"""A session ends 12 hours after sign-in whatever the activity (besides the 30-minute idle timeout): at
11:59 the user is still in, at 12:00 they are signed out and the login page says why."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from accounts.middleware import SESSION_LOGIN_AT, SESSION_TOO_OLD
from audit.models import AuthEvent
from notifications.services import notification_create
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PAGE = "/regions/419901101201/"
TWELVE_HOURS = 12 * 60 * 60


def signed_in() -> Client:
    client = Client()
    response = client.post("/accounts/login/", {"username": "village_a1_clerk", "password": PASSWORD})
    assert response.status_code == 302
    return client


def signed_in_ago(client: Client, seconds: int) -> None:
    """As if the sign-in had been ``seconds`` ago (the session's own record of it)."""
    session = client.session
    session[SESSION_LOGIN_AT] = int(time.time()) - seconds
    session.save()


def test_the_sign_in_time_is_kept_in_the_session(world):
    before = int(time.time())
    client = signed_in()
    assert before <= client.session[SESSION_LOGIN_AT] <= int(time.time())


def test_at_11_59_the_session_is_still_valid_even_after_constant_activity(world, settings):
    assert settings.SESSION_ABSOLUTE_AGE == TWELVE_HOURS
    client = signed_in()
    signed_in_ago(client, TWELVE_HOURS - 60)
    assert client.get(PAGE).status_code == 200
    assert client.get(PAGE).status_code == 200  # activity does not move the sign-in time
    assert client.session[SESSION_LOGIN_AT] <= int(time.time()) - (TWELVE_HOURS - 60)


def test_at_12_00_the_user_is_signed_out_and_told_why_on_the_login_page(world):
    client = signed_in()
    signed_in_ago(client, TWELVE_HOURS)
    response = client.get(PAGE)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    page = client.get(response.url).content.decode()
    assert SESSION_TOO_OLD in page and 'name="password"' in page
    assert SESSION_LOGIN_AT not in client.session and "_auth_user_id" not in client.session
    assert client.get(PAGE).status_code == 302  # signed out for good, not for one request
    assert AuthEvent.objects.filter(kind="logout", username="village_a1_clerk").exists()


def test_a_write_after_12_hours_is_not_done(world):
    """A form sent after the 12 hours is answered by the login page and changes nothing."""
    note = notification_create(recipient=world.village_a1_clerk, kind="system", title="测试通知")
    client = signed_in()
    signed_in_ago(client, TWELVE_HOURS + 1)
    response = client.post("/notifications/read-all/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    note.refresh_from_db()
    assert note.read_at is None


def test_signing_in_again_starts_a_new_12_hours(world):
    client = signed_in()
    signed_in_ago(client, TWELVE_HOURS)
    client.get(PAGE)
    client.post("/accounts/login/", {"username": "village_a1_clerk", "password": PASSWORD})
    assert client.get(PAGE).status_code == 200
    assert client.session[SESSION_LOGIN_AT] >= int(time.time()) - 5


def test_a_session_from_before_the_rule_is_counted_from_its_next_request(world):
    client = signed_in()
    session = client.session
    del session[SESSION_LOGIN_AT]
    session.save()
    assert client.get(PAGE).status_code == 200
    assert client.session[SESSION_LOGIN_AT] >= int(time.time()) - 5
