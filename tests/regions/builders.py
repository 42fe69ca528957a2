"""Small builders shared by the foundation's tests (and the systems' tests that need the same rows)."""

from __future__ import annotations

from regions.models import Region


def other_county(code: str = "419902000000", name: str = "邻县") -> Region:
    """A second county beside the world's, outside every persona's scope."""
    return Region.objects.create(code=code, prefix=code[:6], name=name, level="county")
