"""The permission matrix's entries of notifications: each user reads only their own."""

from __future__ import annotations

from django.utils import timezone

from notifications.kinds import NotificationKind
from notifications.services import notification_create, remind
from tests.permissions.engine import Ctx, Entry, logged_in, own_pk_of, to


def build_world(ctx: Ctx) -> None:
    # each role's own notification; the stranger's is the one out of everybody's reach
    ctx.add_own(
        "notification",
        lambda user: notification_create(
            recipient=user, kind=NotificationKind.MESSAGE, title=f"给{user.username}"
        ),
    )
    # a reminder (and its notification), for the admin's object pages
    sent = remind(
        ctx.world.village_a1,
        kind=NotificationKind.MESSAGE,
        due_date=timezone.localdate(),
        recipients=[ctx.world.village_a1_clerk],
        title="矩阵提醒",
    )
    assert sent == 1


ENTRIES: dict[str, Entry] = {
    "notifications:list": Entry("login", get=logged_in(200)),
    "notifications:bell": Entry("login", get=logged_in(200)),
    "notifications:read-all": Entry(
        "login", get=logged_in(405), post=logged_in(302), location=to("/notifications/")
    ),
    # someone else's notification does not exist for the user
    "notifications:read": Entry(
        "scoped",
        kwargs=own_pk_of("notification"),
        get=logged_in(405),
        post=logged_in((302, 404)),
        location=to("/notifications/"),
    ),
}
