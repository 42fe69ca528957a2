"""The hostile values the fuzz test sends: each kind of input that once broke a page, plus Hypothesis's own.

A value is a string (a form field or query parameter), a list of strings (the field repeated) or an
uploaded file. Foreign ids are the primary keys of the other sides' objects (another village, another
county) and ids that exist nowhere.
"""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from hypothesis import strategies as st

from tests.permissions import engine

HUGE = 100_000

TEXT = [
    "",
    " ",
    " \t\r\n ",
    "\u3000",  # the ideographic space
    "x" * HUGE,
    "中" * HUGE,
    "1" * HUGE,
]
UNICODE_DIGITS = [
    "４１９９",  # full-width
    "41990110128²",  # a superscript passes str.isdigit()
    "٤١٩٩",  # Arabic-Indic
    "४१९९",  # Devanagari
    "①②",
    "419901101201\u0660",
]
NUMBERS = [
    "NaN",
    "nan",
    "inf",
    "-inf",
    "Infinity",
    "1e400",
    "-1e400",
    "1e-400",
    "-1",
    "0",
    "-0",
    "1.5",
    "1,5",
    "0x10",
    "-2147483649",
    "2147483648",
    "9223372036854775808",
    "-9223372036854775809",
    "9" * 400,
]
DATES = [
    "9999-12-31",
    "0000-00-00",
    "2026-02-30",
    "2026-13-01",
    "0001-01-01",
    "10000-01-01",
    "-001-01-01",
    "9999-12",
    "0000-00",
    "2026-13",
    "2026-02-30T25:61",
    "9999-12-31T23:59:59",
    "2026年2月30日",
]
WRONG_TYPES = [
    "abc",
    "true",
    "null",
    "None",
    "[]",
    "{}",
    "[1,2]",
    "%00",
    "../../etc/passwd",
    "<script>",
    "' OR 1=1 --",
]
CONTROL = ["\x00", "a\x00b", "1\x00", "\x01\x1f\x7f", "\u202e", "\r\n\r\n", "\ufeff", "\U0001f600" * 10]

# The sweep: each of these in every field of a page at once, before Hypothesis's examples (one of each kind).
SWEEP = ["\x00", "1e400", "NaN", "４１９９", "41990110128²", "9999-12", "2026-02-30", "abc", "-1", "x" * HUGE]
# The Django admin's pages are Django's code over the models' own validation: fewer values, to keep
# `make test` short (there are many admin pages, with many fields each).
ADMIN_SWEEP = ["\x00", "41990110128²", "x" * HUGE]

NONEXISTENT_IDS = ["999999999", "2147483647", "-1", "0"]


def foreign_ids(ctx: engine.Ctx) -> list[str]:
    """Primary keys and region codes of every object on the B and C sides and of the stranger's objects."""
    found = set()
    for key in ("B", "C"):
        for value in vars(ctx.sides[key]).values():
            if isinstance(value, models.Model):
                found.add(str(value.pk))
    found.update(str(obj.pk) for obj in ctx.other.values())
    found.update(ctx.sides[key].region.code for key in ("B", "C"))
    return sorted(found)


FILES = [
    ("empty.xlsx", b""),
    ("not-really.xlsx", b"PK\x03\x04garbage"),
    ("photo.jpg", b"\xff\xd8\xff\xe0 not a jpeg"),
    ("paper.pdf", b"%PDF-1.4 truncated"),
    ("x" * 300 + ".png", b"\x89PNG\r\n\x1a\n"),
    ("\x00.txt", b"nul"),
]


def files() -> st.SearchStrategy:
    return st.sampled_from(FILES).map(lambda f: SimpleUploadedFile(f[0], f[1]))


def hostile(field, foreign: list[str]) -> st.SearchStrategy:
    """A value for ``field`` (tests.fuzz.discovery.Field): the named hostile ones, Hypothesis's text and
    numbers, a foreign or missing id, a valid option next to garbage, or the field repeated."""
    named = st.sampled_from(TEXT + UNICODE_DIGITS + NUMBERS + DATES + WRONG_TYPES + CONTROL)
    ids = st.sampled_from(foreign + NONEXISTENT_IDS)
    numbers = st.one_of(
        st.integers().map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
        st.decimals(allow_nan=True).map(str),
    )
    scalar = st.one_of(named, ids, st.text(max_size=50), numbers)
    if field.kind == "file":
        return st.one_of(files(), scalar)
    strategies = [scalar, st.lists(scalar, min_size=2, max_size=3)]
    if field.options:
        option = st.sampled_from(field.options)
        strategies.append(st.lists(st.one_of(option, scalar), min_size=2, max_size=3))
    return st.one_of(*strategies)


def describe(value) -> str:
    """A payload value short enough for a report: long strings as their head and length."""
    if isinstance(value, list):
        return "[" + ", ".join(describe(v) for v in value) + "]"
    if isinstance(value, SimpleUploadedFile):
        return f"<file {value.name[:40]!r}, {value.size} bytes>"
    if isinstance(value, str) and len(value) > 60:
        return f"{value[:20]!r}…({len(value)} chars)"
    return repr(value)
