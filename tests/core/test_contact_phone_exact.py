"""Villagers' contact phones on the public forms (core.personal_data): a mainland mobile or a landline
with its area code, digits kept, everything else refused with one message; and the exact masked forms of
the phone and the name the public pages show."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.personal_data import CONTACT_PHONE_INVALID, contact_phone_validate, mask_contact_phone, mask_name


@pytest.mark.parametrize(
    "typed,kept",
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),  # 13x-19x
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("0395－1234567", "03951234567"),  # a full-width hyphen too
        ("010-12345678", "01012345678"),  # 3-digit area code, 8-digit number
        ("0395-1234567", "03951234567"),  # 4-digit area code, 7-digit number
        ("039512345678", "039512345678"),  # 4 + 8: the longest
        ("0101234567", "0101234567"),  # 3 + 7: the shortest
    ],
)
def test_mobiles_and_landlines_are_kept_as_digits(typed, kept):
    assert contact_phone_validate(typed) == kept


@pytest.mark.parametrize(
    "typed",
    [
        "",
        None,
        "12812345678",  # mobiles start 13-19
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "010123456",  # 3 + 6: too short
        "0395123456789",  # 4 + 9: too long
        "3951234567",  # no leading 0
        "1381234567a",
        "138.1234.5678",
    ],
)
def test_anything_else_is_refused_with_the_message(typed):
    with pytest.raises(ValidationError) as refused:
        contact_phone_validate(typed)
    assert refused.value.messages == [CONTACT_PHONE_INVALID]


@pytest.mark.parametrize(
    "phone,masked",
    [
        ("13812345678", "138****5678"),
        ("03951234567", "039****4567"),
        ("039512345678", "039*****5678"),
        ("12345678", "123*5678"),  # 8 digits: one star
        ("1234567", "*******"),  # 7 or fewer: nothing shown
        ("", ""),
    ],
)
def test_a_contact_phone_keeps_its_first_three_and_last_four_digits(phone, masked):
    assert mask_contact_phone(phone) == masked


@pytest.mark.parametrize(
    "name,masked",
    [("张三", "张*"), ("欧阳娜娜", "欧***"), ("张", "张*"), ("  王大妈 ", "王**"), ("", ""), ("   ", "")],
)
def test_a_name_keeps_its_first_character(name, masked):
    assert mask_name(name) == masked
