"""Reads of the agreement part of a dispute's page (the agreement, signatures, follow-ups, 司法确认)."""

from __future__ import annotations


def agreement_part(dispute, user) -> dict:
    """The context of templates/mediation/agreements/section.html for ``dispute`` (a few queries)."""
    return {}
