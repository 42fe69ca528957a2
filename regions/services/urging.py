"""督办: a township or county official presses a village on one overdue or stuck record, and the village
answers. The shared half of the mechanic (the record of it, who is told, once a day); each system decides
which of its records may be urged and writes the event on the record's own timeline."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.workflow import lock_for_update
from notifications.services import notification_create
from regions.kinds import RegionNotice
from regions.models import Region, Urging
from regions.roles import URGE, Role
from regions.scoping import require
from regions.selectors import post_holders

NOT_ALLOWED_TO_URGE = "只有乡镇（街道）和县级负责同志可以督办。"
ONCE_A_DAY = "该事项今天已督办过，请明天再督办。"
MESSAGE_TOO_LONG = "督办要求不能超过200字。"
ANSWER_REQUIRED = "请填写督办回复内容。"
ANSWER_TOO_LONG = "督办回复不能超过300字。"
ALREADY_ANSWERED = "该督办已回复。"
NOT_YOUR_OWN = "督办须由村里回复，督办人不能回复自己发出的督办。"
DEFAULT_MESSAGE = "请尽快办理并回复办理情况。"


def urging_issue(
    *,
    actor,
    record,
    village: Region,
    message: str,
    handlers: Iterable,
    title: str,
    url: str,
    workflow,
    payload=None,
) -> Urging:
    """Records a 督办 on ``record`` (at most one per record and day: the database refuses a second), tells
    ``handlers`` and the village's secretaries, and writes the "urge" event on the record's timeline
    through its ``workflow`` (not public). The caller checks that the record may be urged (overdue, stuck)."""
    require(actor, URGE, village, message=NOT_ALLOWED_TO_URGE)
    message = (message or "").strip() or DEFAULT_MESSAGE
    if len(message) > 200:
        raise ValidationError(MESSAGE_TOO_LONG)
    try:
        with transaction.atomic():
            urging = Urging.objects.create(
                content_type=ContentType.objects.get_for_model(record),
                object_id=record.pk,
                village=village,
                issued_by=actor,
                issued_on=timezone.localdate(),
                message=message,
            )
    except IntegrityError as error:
        raise ValidationError(ONCE_A_DAY) from error
    secretaries = post_holders([village], (Role.VILLAGE_SECRETARY,)).get(village.pk, [])
    for recipient in dict.fromkeys([*handlers, *secretaries]):
        if recipient is not None and recipient != actor:
            notification_create(
                recipient=recipient,
                kind=RegionNotice.URGED,
                title=f"督办：{title}",
                body=f"{actor.real_name}：{message}",
                url=url,
            )
    workflow.record(
        record,
        "urge",
        actor=actor,
        note=urging.message,
        payload={"urging": urging.pk, **(payload or {})},
        public=False,
    )
    return urging


def urging_answer(*, actor, record, urging: Urging, answer: str, title: str, url: str, workflow) -> Urging:
    """The village's answer to a 督办 (the caller checks that the actor may act on the record), written as
    the "urge_answer" event on the record's timeline; the official who issued it is told."""
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(ANSWER_REQUIRED)
    if len(answer) > 300:
        raise ValidationError(ANSWER_TOO_LONG)
    with transaction.atomic():
        urging = lock_for_update(Urging.objects.all(), urging.pk)
        if urging.is_answered:
            raise ValidationError(ALREADY_ANSWERED)
        if urging.issued_by_id == actor.pk:  # a township official may also handle a village's requests
            raise ValidationError(NOT_YOUR_OWN)
        urging.answer, urging.answered_by, urging.answered_at = answer, actor, timezone.now()
        urging.save(update_fields=["answer", "answered_by", "answered_at"])
        notification_create(
            recipient=urging.issued_by,
            kind=RegionNotice.URGING_ANSWERED,
            title=f"督办已回复：{title}",
            body=f"{actor.real_name}：{answer}",
            url=url,
        )
        workflow.record(
            record,
            "urge_answer",
            actor=actor,
            note=urging.answer,
            payload={"urging": urging.pk},
            public=False,
        )
    return urging
