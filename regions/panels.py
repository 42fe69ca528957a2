"""The foundation's home-page panels: what is due for the viewer, the people in post, the child regions."""

from __future__ import annotations

from notifications.selectors import unread_latest
from regions import selectors


def due_personal(*, user, region) -> dict:
    """The viewer's unread notifications (personal: never cached); the menu's bell reuses the count. One query."""
    return {"due_notifications": unread_latest(user=user)}


def people_data(*, region) -> dict:
    return {"posts": list(selectors.active_posts_in(region=region))}


def children_data(*, region) -> dict:
    children = selectors.region_children(region=region)
    return {
        "children": children,
        "child_level_label": children[0].get_level_display() if children else "",
        "figure_labels": [figure.label for figure, _ in children[0].figures] if children else [],
    }
