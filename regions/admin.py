"""The foundation's master data in the admin. Posts change only through the portal's services (which keep
the grants in step); regions only by import (the code is the path)."""

from django import forms
from django.contrib import admin

from core import region_cache
from regions.models import REGION_NAME_MAX, CalendarDay, Post, Region
from regions.selectors import REGIONS_TOPIC


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows whose writes carry rules: they change through the portal's services only."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RegionListAdmin(admin.ModelAdmin):
    """Standard list rows (no region) are maintained here; counties and townships use the portal.
    Rows are switched off, never deleted: records and the audit trail refer to them."""

    list_display = ("name", "region", "sort_order", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("region",)
    raw_id_fields = ("region",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class RegionAdminForm(forms.ModelForm):
    # The import's limit: a longer name would not fit the names derived from it.
    name = forms.CharField(
        label="名称",
        max_length=REGION_NAME_MAX,
        help_text=f"不超过{REGION_NAME_MAX}字。",
        error_messages={"max_length": f"名称不能超过{REGION_NAME_MAX}字。"},
    )

    class Meta:
        model = Region
        fields = ["name"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Only the name may be corrected here: the code is the path, so regions come from the import."""

    form = RegionAdminForm

    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")
    list_select_related = ("parent",)
    readonly_fields = ("code", "prefix", "level", "parent")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # A corrected name shows at once on region pages and in the parent's children table.
        region_cache.touch_everywhere(REGIONS_TOPIC)
        if obj.parent_id:
            region_cache.touch("children", obj.parent)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ("user", "role", "region", "started_on", "ended_on")
    list_filter = ("role",)
    search_fields = ("user__real_name", "user__username", "region__name")
    list_select_related = ("user", "region")


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "kind", "name", "county")
    list_filter = ("kind",)
    list_select_related = ("county",)
    raw_id_fields = ("county",)
