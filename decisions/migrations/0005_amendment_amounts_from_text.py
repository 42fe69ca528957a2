"""Existing corrections of 实际支出 were stored as text only: read each as an amount, or flag it.

Only text that is plainly an amount is converted ("118500", "118,500.00", "１１８５００元"); anything else
(words, a negative figure, more than two decimals) is never guessed: the row keeps its text, gets no
amount and is flagged ``amount_unreadable``, and the record book shows it as such for a person to check.
The rows are append-only, so the trigger is bypassed for this one update.
"""

import re
import unicodedata
from decimal import Decimal, InvalidOperation

import pgtrigger
from django.db import migrations

AMOUNT = re.compile(r"\d+(\.\d{1,2})?")


def amount_of(text: str) -> Decimal | None:
    cleaned = unicodedata.normalize("NFKC", text or "").strip()
    cleaned = re.sub(r"[,\s]", "", cleaned).removesuffix("元")
    if not AMOUNT.fullmatch(cleaned):
        return None
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        return None
    return amount if amount < Decimal("1e12") else None


def forwards(apps, schema_editor):
    Amendment = apps.get_model("decisions", "Amendment")
    unreadable = []
    with pgtrigger.ignore("decisions.Amendment:append_only"):
        for amendment in Amendment.objects.filter(field="spent_amount").order_by("id"):
            amount = amount_of(amendment.corrected)
            if amount is None:
                unreadable.append(amendment)
                Amendment.objects.filter(pk=amendment.pk).update(amount=None, amount_unreadable=True)
            else:
                Amendment.objects.filter(pk=amendment.pk).update(amount=amount, amount_unreadable=False)
    for amendment in unreadable:
        # Shown by `manage.py migrate`, so whoever deploys sees what needs a person's check.
        print(f"\n  实际支出更正 #{amendment.pk} 的“{amendment.corrected}”不是金额：已标记为无法识别，请核对。")


class Migration(migrations.Migration):
    dependencies = [
        ("decisions", "0004_objection_answers_amendment_amounts"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
