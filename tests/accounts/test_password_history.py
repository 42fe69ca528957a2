"""No reuse of the current password or the 5 before it (等保 2.0 level 3), on every path that sets a
password, and the common-password rule, each with its Chinese message: the 5th previous password is
refused, the 6th is allowed again."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import PasswordHistory, User
from accounts.services import user_create, user_password_reset
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
REUSED = "新密码不能与最近使用过的5个密码相同，请换一个。"
COMMON = "这个密码太常见了。"
# PASSWORD (set at creation) then six changes: NEW[5] is current, NEW[0] the 5th before it, PASSWORD the 6th.
NEW = [f"Qwmz#7pk{n}" for n in range(6)]


def change(client: Client, old: str, new: str):
    return client.post(PAGE, {"old_password": old, "new_password1": new, "new_password2": new})


def changed_six_times() -> tuple[User, Client]:
    user = make_user("changer")
    client = Client()
    client.force_login(user)
    old = PASSWORD
    for new in NEW:
        response = change(client, old, new)
        assert response.status_code == 302, response.content.decode()
        old = new
    return user, client


def test_the_5th_previous_password_is_refused_and_the_6th_is_allowed():
    user, client = changed_six_times()
    assert PasswordHistory.objects.filter(user=user).count() == 6
    for previous in NEW[:5]:  # the 5 before the current one, newest to oldest
        response = change(client, NEW[5], previous)
        assert response.status_code == 200
        assert REUSED in response.content.decode()
        user.refresh_from_db()
        assert user.check_password(NEW[5])  # nothing changed
    assert change(client, NEW[5], PASSWORD).status_code == 302
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    # The history moves on: the oldest (NEW[0]) is now the 6th before the current one, free again.
    assert PasswordHistory.objects.filter(user=user).count() == 6
    assert change(client, PASSWORD, NEW[0]).status_code == 302


def test_the_common_password_rule_speaks_chinese():
    user = make_user("changer")
    client = Client()
    client.force_login(user)
    # P@ssw0rd passes length and character classes, but is on Django's list of 20,000 common passwords.
    response = change(client, PASSWORD, "P@ssw0rd")
    assert response.status_code == 200 and COMMON in response.content.decode()
    assert change(client, PASSWORD, "P@ssw0rd-Lq7").status_code == 302


def test_a_password_set_by_an_administrator_is_recorded_and_cannot_be_set_again_in_the_admin(world):
    """The admin's password form goes through the same rule; the reset's one-time password is history too."""
    user, _ = changed_six_times()
    admin = Client()
    admin.force_login(world.sysadmin)
    url = f"/admin/accounts/user/{user.pk}/password/"
    response = admin.post(url, {"password1": NEW[3], "password2": NEW[3], "usable_password": "true"})
    assert response.status_code == 200 and REUSED in response.content.decode()
    one_time = user_password_reset(user=user)
    assert PasswordHistory.objects.filter(user=user).count() == 6
    client = Client()
    client.force_login(user)
    response = change(client, one_time, one_time.swapcase())
    assert response.status_code == 302  # a different password: fine
    response = change(client, one_time.swapcase(), one_time)
    assert REUSED in response.content.decode()


def test_a_new_account_starts_its_history_with_its_first_password():
    user, password = user_create(username="newcomer", real_name="新人")
    assert [entry.password for entry in user.password_history.all()] == [user.password]
    client = Client()
    client.force_login(user)
    response = change(client, password, password)
    assert response.status_code == 200
    user.refresh_from_db()
    assert user.check_password(password)


def test_a_password_set_before_the_rule_is_still_the_current_one():
    """A user whose password predates the history cannot 'change' to the same password either."""
    user = make_user("legacy")
    PasswordHistory.objects.filter(user=user).delete()
    client = Client()
    client.force_login(user)
    response = change(client, PASSWORD, PASSWORD)
    assert response.status_code == 200 and REUSED in response.content.decode()


def test_the_same_password_set_again_takes_no_second_place():
    """A path that sets the same password again without the rules (seed_demo on a second run) updates the
    newest entry, so the history still holds 5 different previous passwords. (A hasher upgrade at login is
    not a password change for Django and records nothing.)"""
    user, _ = changed_six_times()
    before = list(user.password_history.order_by("-created_at", "-pk").values_list("pk", flat=True))
    user.set_password(NEW[5])
    user.save()
    after = list(user.password_history.order_by("-created_at", "-pk").values_list("pk", "password"))
    assert [pk for pk, _ in after] == before
    assert after[0][1] == user.password
    user.set_password(PASSWORD)  # a different one does take a place, the oldest leaves
    user.save()
    assert user.password_history.count() == 6 and before[-1] not in user.password_history.values_list(
        "pk", flat=True
    )


def test_the_rule_refuses_with_its_own_code_and_leaves_accounts_without_history_alone(
    django_assert_num_queries,
):
    """The refusal carries the code ``password_reused`` (forms and the admin tell rules apart by it); a user not
    yet saved (the people import's new account) or no user at all has no history to check: no query, no error."""
    from django.core.exceptions import ValidationError

    from accounts.validators import PasswordHistoryValidator

    rule = PasswordHistoryValidator()
    user, _ = changed_six_times()
    with pytest.raises(ValidationError) as refused:
        rule.validate(NEW[0], user)
    assert [e.code for e in refused.value.error_list] == ["password_reused"]
    assert refused.value.messages == [REUSED]
    unsaved = User(username="unsaved")
    unsaved.set_password(NEW[0])
    with django_assert_num_queries(0):
        rule.validate(NEW[0], None)
        rule.validate(NEW[0], unsaved)
        rule.password_changed(NEW[0], None)
        rule.password_changed(NEW[0], unsaved)  # recorded when it is saved (Django calls it after the save)
