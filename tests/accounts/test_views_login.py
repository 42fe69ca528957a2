"""Login, lockout after 5 failures (by username, not IP), first-login password change, idle timeout, CSRF."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.models import User
from audit.models import AuthEvent
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str, ip: str = "10.1.1.1", **headers):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip, **headers)


def test_login_by_username_and_by_mobile():
    make_user("wang", mobile="13800138000")
    assert login(Client(), "wang", PASSWORD).status_code == 302
    assert login(Client(), "13800138000", PASSWORD).status_code == 302


def test_wrong_password_shows_chinese_message_and_is_logged():
    make_user("wang")
    response = login(Client(), "wang", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    event = AuthEvent.objects.get(kind="login_failed")
    assert event.username == "wang" and event.ip_address == "10.1.1.1"


def test_five_failures_lock_the_account_for_30_minutes_even_with_the_right_password():
    make_user("wang")
    for _ in range(4):
        assert login(Client(), "wang", "bad").status_code == 200
    fifth = login(Client(), "wang", "bad")
    assert fifth.status_code == 429
    assert "已被锁定30分钟" in fifth.content.decode()
    locked = login(Client(), "wang", PASSWORD)
    assert locked.status_code == 429
    assert AuthEvent.objects.filter(kind="locked_out", username="wang").exists()


def test_lockout_counts_logins_by_mobile_against_the_same_account():
    make_user("wang", mobile="13800138000")
    for _ in range(3):
        login(Client(), "wang", "bad")
    login(Client(), "13800138000", "bad")
    assert login(Client(), "13800138000", "bad").status_code == 429
    assert login(Client(), "wang", PASSWORD).status_code == 429


def test_lockout_does_not_affect_other_users_behind_the_same_township_ip():
    make_user("wang")
    make_user("li")
    for _ in range(5):
        login(Client(), "wang", "bad", ip="10.9.9.9")
    assert login(Client(), "li", PASSWORD, ip="10.9.9.9").status_code == 302


def test_forged_forwarded_for_header_changes_nothing():
    """The attempts are recorded against REMOTE_ADDR and the username; X-Forwarded-For is ignored."""
    make_user("wang")
    for i in range(5):
        login(Client(), "wang", "bad", ip="10.1.1.1", HTTP_X_FORWARDED_FOR=f"1.2.3.{i}")
    assert login(Client(), "wang", PASSWORD, HTTP_X_FORWARDED_FOR="8.8.8.8").status_code == 429
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) <= {"10.1.1.1"}
    assert set(AuthEvent.objects.values_list("ip_address", flat=True)) == {"10.1.1.1"}


def test_lockout_ends_after_30_minutes(settings):
    from datetime import timedelta

    from django.utils import timezone

    make_user("wang")
    for _ in range(5):
        login(Client(), "wang", "bad")
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert login(Client(), "wang", PASSWORD).status_code == 302


def test_first_login_requires_changing_the_initial_password(world):
    from regions.services import person_create

    user, _, initial = person_create(
        actor=world.county_admin,
        username="newbie",
        real_name="新人",
        mobile="",
        role="grid_worker",
        region=world.village_a1,
    )
    client = Client()
    assert login(client, "newbie", initial).status_code == 302
    response = client.get("/regions/419901101201/")
    assert response.status_code == 302 and response.url == "/accounts/password/"
    weak = client.post(
        "/accounts/password/",
        {"old_password": initial, "new_password1": "abcdefgh", "new_password2": "abcdefgh"},
    )
    assert "至少3类" in weak.content.decode()
    ok = client.post(
        "/accounts/password/",
        {"old_password": initial, "new_password1": "Village#2026x", "new_password2": "Village#2026x"},
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get("/regions/419901101201/").status_code == 200


@pytest.mark.parametrize(
    "password,ok",
    [
        ("Abcdef1!", True),  # 4 classes, 8 chars
        ("abcdef1!", True),  # lower, digit, symbol
        ("ABCDEFG1a", True),  # upper, digit, lower
        ("abcdefg1", False),  # 2 classes
        ("Ab1!", False),  # too short
        ("abcdefgh", False),  # 1 class
    ],
)
def test_password_rules(password, ok):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user = User(username="someone", real_name="某人")
    if ok:
        validate_password(password, user)
    else:
        with pytest.raises(ValidationError):
            validate_password(password, user)


def test_idle_session_ends_after_30_minutes(world, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_REFRESH_SECONDS == 60
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    login(client, "village_a1_clerk", PASSWORD)
    assert client.get("/regions/419901101201/").status_code == 200
    # 30 idle minutes later: the database row has expired, and so has the cached copy (same lifetime).
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    cache.clear()
    response = client.get("/regions/419901101201/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def _idle_for(client, *, minutes: int, refreshed_seconds_ago: int) -> None:
    """As if the user had been idle: the session expires in 30 - ``minutes`` minutes, last refreshed then."""
    import time
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    session = client.session
    session["_refreshed"] = int(time.time()) - refreshed_seconds_ago
    session.save()
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=30 - minutes))
    cache.clear()  # the cached copy (cached_db sessions) is read again from the row


def test_activity_slides_the_session_expiry(world):
    """A request after a minute or more of idleness pushes the expiry back to 30 minutes from now."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    login(client, "village_a1_clerk", PASSWORD)
    _idle_for(client, minutes=20, refreshed_seconds_ago=20 * 60)
    assert client.get("/regions/419901101201/").status_code == 200
    assert Session.objects.get().expire_date > timezone.now() + timedelta(minutes=29)


def test_requests_within_a_minute_do_not_rewrite_the_session(world, django_assert_num_queries):
    """The expiry is refreshed at most once a minute: a page view right after one writes nothing."""
    from datetime import timedelta

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    login(client, "village_a1_clerk", PASSWORD)
    _idle_for(client, minutes=1, refreshed_seconds_ago=30)
    before = Session.objects.get().expire_date
    assert client.get("/notifications/").status_code == 200
    assert Session.objects.get().expire_date == before < timezone.now() + timedelta(minutes=30)


def test_csrf_is_enforced_on_login_and_on_writes(world):
    client = Client(enforce_csrf_checks=True)
    assert client.post(LOGIN, {"username": "village_a1_clerk", "password": PASSWORD}).status_code == 403
    client.force_login(world.county_admin)
    from regions.models import Post

    post = Post.objects.get(user=world.village_a1_readonly)
    assert client.post(reverse("regions:post-end", args=[post.pk])).status_code == 403
    post.refresh_from_db()
    assert post.ended_on is None


def test_logout_is_post_only_and_recorded(world):
    client = Client()
    login(client, "village_a1_clerk", PASSWORD)
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuthEvent.objects.filter(kind="logout", username="village_a1_clerk").exists()
    assert AuthEvent.objects.filter(kind="login", username="village_a1_clerk").exists()
