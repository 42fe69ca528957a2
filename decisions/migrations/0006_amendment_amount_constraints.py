from django.db import migrations, models


class Migration(migrations.Migration):
    """The constraints on the amendment's amount, once 0005 has filled in (or flagged) the existing rows."""

    dependencies = [
        ("decisions", "0005_amendment_amounts_from_text"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name='amendment',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('amount__isnull', False), ('amount_unreadable', False), ('field', 'spent_amount')), models.Q(('amount__isnull', True), ('amount_unreadable', True), ('field', 'spent_amount')), models.Q(models.Q(('field', 'spent_amount'), _negated=True), ('amount__isnull', True), ('amount_unreadable', False)), _connector='OR'), name='decisions_amendment_amount_of_spent', violation_error_message='更正实际支出须填写金额。'),
        ),
        migrations.AddConstraint(
            model_name='amendment',
            constraint=models.CheckConstraint(condition=models.Q(('amount__isnull', True), ('amount__gte', 0), _connector='OR'), name='decisions_amendment_amount_not_negative', violation_error_message='实际支出不能为负数。'),
        ),
    ]
