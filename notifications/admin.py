from django.contrib import admin

from notifications.models import Notification, Reminder


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ("title", "recipient", "kind", "created_at", "read_at")
    list_filter = ("kind",)
    raw_id_fields = ("recipient",)
    list_select_related = ("recipient",)


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ("kind", "due_date", "recipient", "sent_at")
    raw_id_fields = ("recipient", "notification")
    list_select_related = ("recipient",)
