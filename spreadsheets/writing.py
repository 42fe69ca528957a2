"""Writing Excel exports safely: write-only workbooks, and no cell that Excel would run as a formula."""

from __future__ import annotations

FORMULA_PREFIXES = ("=", "+", "-", "@")


def safe_cell(value):
    """Escapes text that Excel would evaluate (=, +, -, @) by prefixing an apostrophe-like quote."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def safe_row(values) -> list:
    return [safe_cell(v) for v in values]
