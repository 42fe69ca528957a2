"""Personal data on its boundaries (mutation run, docs/mutation.md): the exact masked forms, the ID card
number's length, date and check digit, the mobile number's length and first digit, with the exact message."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from core.personal_data import (
    ID_INVALID,
    PHONE_INVALID,
    id_number_validate,
    mask_id_number,
    mask_phone,
    phone_validate,
)

VALID_ID = "11010519491231002X"  # check digit X
LEAP_DAY_ID = "419901198002290010"  # 1980-02-29, check digit 0
Y2K_ID = "419901200002291232"  # 2000-02-29: the year is all four digits (year 0 does not exist)


def test_phone_is_masked_to_its_first_three_and_last_four_digits():
    assert mask_phone("13800138000") == "138****8000"
    assert mask_phone("19912345678") == "199****5678"


@pytest.mark.parametrize("phone", ["1380013800", "138001380001", ""])
def test_a_phone_of_another_length_is_shown_as_it_is(phone):
    assert mask_phone(phone) == phone


def test_id_number_keeps_its_first_and_last_four_characters():
    assert mask_id_number(VALID_ID) == "1101**********002X"
    assert mask_id_number(LEAP_DAY_ID) == "4199**********0010"
    assert mask_id_number("12345678") == "12345678"
    assert mask_id_number("123456789") == "1234*6789"


def test_no_id_number_masks_to_nothing():
    assert mask_id_number("") == ""


def test_valid_numbers_are_normalised():
    assert id_number_validate(VALID_ID) == VALID_ID
    assert id_number_validate(" 11010519491231002x ") == VALID_ID
    assert id_number_validate(LEAP_DAY_ID) == LEAP_DAY_ID
    assert id_number_validate(Y2K_ID) == Y2K_ID
    assert phone_validate(" 13800138000 ") == "13800138000"


@pytest.mark.parametrize(
    "number",
    [
        VALID_ID[:17],  # 17 characters
        VALID_ID + "0",  # 19
        "A1010519491231002X",  # a letter among the first 17
        "11010519491231002Y",  # a last character that is neither a digit nor X
        "419901198102290018",  # 1981-02-29: no such day (check digit right)
        "419901198013010010",  # month 13 (check digit right)
        "419901198001320011",  # day 32 (check digit right)
        "110105194912310021",  # wrong check digit
        "419901198002290011",  # wrong check digit on the leap day
    ],
)
def test_bad_id_numbers_are_refused_with_the_message(number):
    with pytest.raises(ValidationError) as caught:
        id_number_validate(number)
    assert caught.value.messages == [ID_INVALID]


@pytest.mark.parametrize("phone", ["1380013800", "138001380001", "23800138000", "1380013800a", ""])
def test_bad_phones_are_refused_with_the_message(phone):
    with pytest.raises(ValidationError) as caught:
        phone_validate(phone)
    assert caught.value.messages == [PHONE_INVALID]
