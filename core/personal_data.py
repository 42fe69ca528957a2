"""Villagers' personal data: validating ID card numbers (GB 11643) and masking phones and IDs."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

from core.text import is_ascii_digits

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
ID_INVALID = "身份证号码不正确（请核对18位号码及最后一位校验码）。"
PHONE_INVALID = "请输入11位手机号码。"


def id_number_validate(value: str) -> str:
    """Returns the normalised 18-digit number (upper-case X) or raises ValidationError."""
    number = value.strip().upper()
    if len(number) != 18 or not is_ascii_digits(number[:17]) or number[17] not in "0123456789X":
        raise ValidationError(ID_INVALID)
    try:
        dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(ID_INVALID) from exc
    checksum = ID_CHECK[sum(int(d) * w for d, w in zip(number[:17], ID_WEIGHTS, strict=True)) % 11]
    if number[17] != checksum:
        raise ValidationError(ID_INVALID)
    return number


def phone_validate(value: str) -> str:
    phone = value.strip()
    if len(phone) != 11 or not is_ascii_digits(phone) or phone[0] != "1":
        raise ValidationError(PHONE_INVALID)
    return phone


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) == 11 else phone


def mask_id_number(number: str) -> str:
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}" if number else ""


CONTACT_PHONE_INVALID = "请输入正确的联系电话：11位手机号码，或带区号的固定电话（如0395-1234567）。"
_MOBILE = re.compile(r"1[3-9][0-9]{9}")
# Area codes are 3 or 4 digits starting with 0 (010, 0395); local numbers 7 or 8 digits.
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}")


def contact_phone_validate(value: str) -> str:
    """A mainland mobile (13x-19x, 11 digits) or a landline with its area code; returns the digits only
    (spaces and hyphens dropped), or raises ValidationError."""
    digits = re.sub(r"[\s\-－]", "", value or "")
    if not (_MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits)):
        raise ValidationError(CONTACT_PHONE_INVALID)
    return digits


def mask_contact_phone(phone: str) -> str:
    """The first three and last four digits, the rest starred (138****1234, 039****4567)."""
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}" if len(phone) > 7 else "*" * len(phone)


def mask_name(name: str) -> str:
    """The family name's first character, the rest starred (张*, 欧***)."""
    name = name.strip()
    return f"{name[:1]}{'*' * max(len(name) - 1, 1)}" if name else ""
