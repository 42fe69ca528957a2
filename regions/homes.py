"""Home pages of the posts whose system is still being built: the township 司法所 (mediation) and the
纪委 at township and county level (supervision). A holder of such posts only lands on a page that says
what the system will let them do and what they can use today, instead of a region page made for other
posts. Once the system registers (core.registry, under its app label) the page gives way by itself:
the foundation needs no edit when mediation or supervision is added.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import registry
from regions.models import Post
from regions.roles import Role


@dataclass(frozen=True)
class ComingSystem:
    app_label: str  # the app that will register the system
    title: str
    template: str  # what it will let the post do, in Chinese


MEDIATION = ComingSystem("mediation", "矛盾纠纷调处", "regions/coming/mediation.html")
SUPERVISION = ComingSystem("supervision", "党风政风监督", "regions/coming/supervision.html")

COMING: dict[str, ComingSystem] = {
    Role.TOWNSHIP_JUSTICE: MEDIATION,
    Role.TOWNSHIP_DISCIPLINE: SUPERVISION,
    Role.COUNTY_DISCIPLINE: SUPERVISION,
}


def coming_systems(posts: list[Post]) -> list[ComingSystem]:
    """The systems a user's posts wait for, when every one of their posts waits for one (a user who also
    holds a working post lands on that post's page as before); [] otherwise."""
    waiting = [COMING.get(post.role) for post in posts]
    if not posts or any(system is None or registry.contribution_of(system.app_label) for system in waiting):
        return []
    return list(dict.fromkeys(waiting))
