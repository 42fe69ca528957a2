"""The public suggestions box (问题建议): a villager leaves a question or a suggestion on the village's public
page, the village is told and answers it once, and the villager reads the answer with the receipt code
([003 焦作示范区] "收集问题建议…及时解决反馈、销号处理").

Who may submit and how often is the view's business (the page is public and rate-limited); these services
check the content and, for the answer, the actor's scope."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from centers.kinds import CenterReminder
from centers.models import Suggestion
from centers.permissions import CHANGE_CENTER
from core import region_cache
from core.personal_data import phone_validate
from core.workflow import lock_for_update
from notifications.services import notification_create
from regions.models import Region
from regions.roles import Level, roles_granting
from regions.scoping import require, require_level
from regions.selectors import post_holders

CONTENT_MAX = 500
ANSWER_MAX = 500
NAME_MAX = 50
TOPIC = "suggestions"

CONTENT_REQUIRED = "请填写您的问题或建议。"
CONTENT_TOO_LONG = f"问题或建议请控制在{CONTENT_MAX}字以内。"
NAME_TOO_LONG = f"姓名请控制在{NAME_MAX}字以内。"
NOT_A_VILLAGE = "问题建议只能提交给村（社区）。"
ANSWER_REQUIRED = "请填写答复内容。"
ANSWER_TOO_LONG = f"答复请控制在{ANSWER_MAX}字以内。"
ALREADY_ANSWERED = "该问题建议已经答复，答复不能修改。"
NOT_YOUR_VILLAGE = "您无权答复该村的问题建议。"

# No 0/O, 1/I: the code is read off a phone screen and typed again.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _new_code() -> str:
    while True:
        code = "JY" + "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Suggestion.objects.filter(receipt_code=code).exists():
            return code


def suggestion_clean(*, content: str, name: str = "", phone: str = "") -> tuple[str, str, str]:
    """The normalised (content, name, phone), or ValidationError with every problem's message."""
    content, name, phone = (content or "").strip(), (name or "").strip(), (phone or "").strip()
    problems = []
    if not content:
        problems.append(CONTENT_REQUIRED)
    elif len(content) > CONTENT_MAX:
        problems.append(CONTENT_TOO_LONG)
    if len(name) > NAME_MAX:
        problems.append(NAME_TOO_LONG)
    if phone:
        try:
            phone = phone_validate(phone)
        except ValidationError as exc:
            problems.extend(exc.messages)
    if problems:
        raise ValidationError(problems)
    return content, name, phone


@transaction.atomic
def suggestion_submit(*, village: Region, content: str, name: str = "", phone: str = "") -> Suggestion:
    """A villager's suggestion to ``village`` (no account): saved with a receipt code, and everyone who
    runs the village's center (change_center posts there) is told."""
    require_level(village, (Level.VILLAGE,), message=NOT_A_VILLAGE)
    content, name, phone = suggestion_clean(content=content, name=name, phone=phone)
    suggestion = Suggestion(
        village=village, content=content, name=name, phone=phone, receipt_code=_new_code()
    )
    suggestion.full_clean()
    suggestion.save()
    holders = post_holders([village], roles_granting(CHANGE_CENTER)).get(village.pk, [])
    for recipient in holders:
        notification_create(
            recipient=recipient,
            kind=CenterReminder.SUGGESTION_NEW,
            title=f"新的问题建议：{village.name}",
            body=content[:100],
            url=suggestion.get_absolute_url(),
        )
    region_cache.touch(TOPIC, village)
    return suggestion


@transaction.atomic
def suggestion_answer(*, actor, suggestion: Suggestion, answer: str) -> Suggestion:
    """The village's answer (销号): required, written once; the villager reads it with the receipt code.
    The row is locked so that two cadres answering at once cannot both write."""
    require(actor, CHANGE_CENTER, suggestion.village, message=NOT_YOUR_VILLAGE)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError(ANSWER_REQUIRED)
    if len(answer) > ANSWER_MAX:
        raise ValidationError(ANSWER_TOO_LONG)
    locked = lock_for_update(Suggestion.objects.select_related("village"), suggestion.pk)
    if locked.is_answered:
        raise ValidationError(ALREADY_ANSWERED)
    locked.answer, locked.answered_by, locked.answered_at = answer, actor, timezone.now()
    locked.full_clean()
    locked.save(update_fields=["answer", "answered_by", "answered_at"])
    region_cache.touch(TOPIC, locked.village)
    return locked
