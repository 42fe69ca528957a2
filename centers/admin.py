"""Master data of the service center system in the admin. Centers and checklist entries are read-only
here: they change through the portal's services, which keep versions and photo checks."""

from django.contrib import admin

from centers.models import ChecklistEntry, ChecklistItem, RoomType, ServiceCenter, ServiceItem
from regions.admin import ReadOnlyAdmin, RegionListAdmin


@admin.register(RoomType)
class RoomTypeAdmin(RegionListAdmin):
    pass


@admin.register(ChecklistItem)
class ChecklistItemAdmin(RegionListAdmin):
    list_display = ("category", "name", "region", "sort_order", "is_active")


@admin.register(ServiceCenter)
class ServiceCenterAdmin(ReadOnlyAdmin):
    list_display = ("name", "region", "duty_phone")
    search_fields = ("name", "region__code")
    list_select_related = ("region",)


@admin.register(ChecklistEntry)
class ChecklistEntryAdmin(ReadOnlyAdmin):
    list_display = ("center", "item", "is_met", "checked_on")
    list_select_related = ("center", "item")


@admin.register(ServiceItem)
class ServiceItemAdmin(RegionListAdmin):
    list_display = ("name", "category", "handling_way", "office", "promised_days", "region", "is_active")
    list_filter = ("handling_way", "is_active")
    search_fields = ("name", "office")
