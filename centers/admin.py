from django.contrib import admin

from centers.models import ChecklistEntry, ChecklistItem, Post, Region, RoomType, ServiceCenter


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Post)
class PostAdmin(admin.ModelAdmin):
    """Read-only here: posts are granted and ended through the people pages, which keep the grants in step."""

    list_display = ("user", "role", "region", "started_on", "ended_on")
    list_filter = ("role",)
    search_fields = ("user__real_name", "user__username", "region__name")
    raw_id_fields = ("user", "region", "granted_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(RoomType)
class RoomTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "county", "sort_order", "is_active")
    raw_id_fields = ("county",)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("category", "name", "county", "sort_order", "is_active")
    raw_id_fields = ("county",)


@admin.register(ServiceCenter)
class ServiceCenterAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "duty_phone")
    search_fields = ("name", "region__code")
    raw_id_fields = ("region",)
    readonly_fields = ("version",)


@admin.register(ChecklistEntry)
class ChecklistEntryAdmin(admin.ModelAdmin):
    list_display = ("center", "item", "is_met", "checked_on")
    raw_id_fields = ("center", "region", "item", "updated_by")
