"""Master data in the admin. Rows whose writes carry rules (posts, centers, checklist entries) are
read-only here: they change through the portal's services, which keep grants, versions and photo checks."""

from django.contrib import admin

from centers.models import (
    CalendarDay,
    ChecklistEntry,
    ChecklistItem,
    Post,
    Region,
    RoomType,
    ServiceCenter,
    ServiceItem,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Only the name may be corrected here: the code is the path, so regions come from the import."""

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("code", "prefix", "level", "parent")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "region", "started_on", "ended_on")
    list_filter = ("role",)
    search_fields = ("user__real_name", "user__username", "region__name")
    list_select_related = ("user", "region")


@admin.register(RoomType)
class RoomTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "sort_order", "is_active")
    list_select_related = ("county",)
    raw_id_fields = ("county",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # switch off instead: centers and the audit trail refer to it


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("category", "name", "county", "sort_order", "is_active")
    list_select_related = ("county",)
    raw_id_fields = ("county",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


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
class ServiceItemAdmin(admin.ModelAdmin):
    """The standard catalog (no region) is maintained here; counties and townships use the portal."""

    list_display = ("name", "category", "handling_way", "office", "promised_days", "region", "is_active")
    list_filter = ("handling_way", "is_active")
    search_fields = ("name", "office")
    list_select_related = ("region",)
    raw_id_fields = ("region",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "county")
    list_filter = ("kind",)
    list_select_related = ("county",)
    raw_id_fields = ("county",)
