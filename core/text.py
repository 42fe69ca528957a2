"""Checks on text every app shares: codes are ASCII digits only.

``str.isdigit()`` and a regex's ``\\d`` also accept other scripts' digits (full-width ４１, superscript ²):
they pass a naive check and then break a database constraint or ``int()``. Codes, numbers and phone
numbers are checked with these instead.
"""

from __future__ import annotations

import re

# A character class, not \d: Python's \d matches every Unicode decimal digit.
_ASCII_DIGITS = re.compile(r"[0-9]+")


def is_ascii_digits(value: str) -> bool:
    """Whether ``value`` is one or more of the digits 0-9 (and nothing else)."""
    return _ASCII_DIGITS.fullmatch(value or "") is not None
