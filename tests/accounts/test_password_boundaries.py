"""Password rules on their boundaries (mutation run, docs/mutation.md): 7 and 8 characters, two and three
character classes (each class counted, the space a symbol), the exact messages and help text, on the real
password change page and in the validator."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from accounts.validators import CharacterClassValidator
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

PAGE = "/accounts/password/"
TOO_SIMPLE = "密码须包含大写字母、小写字母、数字、符号中的至少3类。"
HELP = "至少8位，并包含大写字母、小写字母、数字、符号中的至少3类。"


def codes(password: str) -> list[str]:
    try:
        validate_password(password, User(username="someone", real_name="某人"))
    except ValidationError as error:
        return [e.code for e in error.error_list]
    return []


@pytest.mark.parametrize(
    "password",
    [
        "Qwmz#7pk",  # 8 characters, four classes
        "QWMZ#7PK",  # upper, symbol, digit
        "qwmz#7pk",  # lower, symbol, digit
        "Qwmzr7pk",  # upper, lower, digit
        "Qwmz#Rpk",  # upper, lower, symbol
        "Qwmz 7pk",  # the space is a symbol
    ],
)
def test_eight_characters_of_three_classes_pass(password):
    assert codes(password) == []


def test_seven_characters_are_too_short_even_with_four_classes():
    assert codes("Qwm#7pk") == ["password_too_short"]


@pytest.mark.parametrize(
    "password", ["qwmzrtpk7", "QWMZRTPK7", "qwmz#rtpk", "QWMZ#RTPK", "7391#4826", "qwmzRTPK"]
)
def test_two_classes_are_too_simple(password):
    assert codes(password) == ["password_too_simple"]


def test_the_message_names_the_classes_and_the_minimum():
    with pytest.raises(ValidationError) as caught:
        CharacterClassValidator().validate("qwmzrtpk7")
    assert caught.value.messages == [TOO_SIMPLE]
    assert caught.value.error_list[0].code == "password_too_simple"
    assert CharacterClassValidator().get_help_text() == HELP


def test_the_minimum_is_configurable_and_counts_each_class_once():
    four = CharacterClassValidator(min_classes=4)
    four.validate("Qwmz#7pk")
    with pytest.raises(ValidationError) as caught:
        four.validate("QQQQwwww7777")  # three classes, many characters of each
    assert caught.value.messages == ["密码须包含大写字母、小写字母、数字、符号中的至少4类。"]
    assert four.get_help_text() == "至少8位，并包含大写字母、小写字母、数字、符号中的至少4类。"
    CharacterClassValidator(min_classes=1).validate("qwmzrtpk")
    with pytest.raises(ValidationError):
        CharacterClassValidator(min_classes=1).validate("")


def test_the_password_page_shows_the_rule_and_refuses_a_two_class_password(world):
    user = make_user("changer")
    client = Client()
    client.force_login(user)
    assert HELP in client.get(PAGE).content.decode()
    refused = client.post(
        PAGE, {"old_password": PASSWORD, "new_password1": "qwmzrtpk7", "new_password2": "qwmzrtpk7"}
    )
    assert refused.status_code == 200
    assert TOO_SIMPLE in refused.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    ok = client.post(
        PAGE, {"old_password": PASSWORD, "new_password1": "Qwmz#7pk", "new_password2": "Qwmz#7pk"}
    )
    assert ok.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Qwmz#7pk")
