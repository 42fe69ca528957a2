"""The foundation's home-page panels: what is due for the viewer, the people in post, the child regions."""

from __future__ import annotations

from notifications.selectors import notification_list
from regions import selectors


def due_personal(*, user, region, data) -> dict:
    """The viewer's unread notifications (personal: never cached). One query."""
    return {"due_notifications": list(notification_list(user=user).filter(read_at__isnull=True)[:8])}


def people_data(*, region) -> dict:
    return {"posts": list(selectors.active_posts_in(region=region))}


def children_data(*, region) -> dict:
    children = selectors.region_children(region=region)
    return {
        "children": children,
        "child_level_label": children[0].get_level_display() if children else "",
        "figure_labels": [figure.label for figure, _ in children[0].figures] if children else [],
    }
