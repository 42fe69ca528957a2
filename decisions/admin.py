"""Master data of the procedure; matters and their records are read-only here (they change only through
the services, and what was disclosed never changes at all)."""

from django.contrib import admin

from decisions.models import DecisionRules, Disclosure, Matter, MatterCategory, Meeting
from regions.admin import ReadOnlyAdmin


@admin.register(MatterCategory)
class MatterCategoryAdmin(admin.ModelAdmin):
    list_display = ("name", "region", "majority", "sort_order", "is_active")
    list_filter = ("is_active",)
    list_select_related = ("region",)
    raw_id_fields = ("region",)

    def get_readonly_fields(self, request, obj=None):
        # The statutory list is the law's, and a used category's name is on the bulletin.
        if obj is not None and (obj.region_id is None or obj.matters.exists()):
            return ("name", "region") if obj.region_id else ("name", "region", "is_active", "majority")
        return ()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(DecisionRules)
class DecisionRulesAdmin(admin.ModelAdmin):
    list_display = (
        "county",
        "disclosure_days",
        "resolution_within_days",
        "record_within_days",
        "stuck_days",
        "short_notice",
    )
    list_select_related = ("county",)
    raw_id_fields = ("county",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Matter)
class MatterAdmin(ReadOnlyAdmin):
    list_display = ("title", "village", "category", "step", "status", "proposed_on", "disclosed_on")
    list_filter = ("status", "step")
    search_fields = ("title", "village__name")
    list_select_related = ("village", "category")


class MatterShownAsChinese(admin.ModelAdmin):
    """The ``matter`` foreign key carries no verbose name (giving it one needs a decisions migration), so its
    column and its line on the view page go through a method named 决策事项."""

    exclude = ("matter",)
    readonly_fields = ("matter_title",)

    @admin.display(description="决策事项", ordering="matter")
    def matter_title(self, obj) -> str:
        return str(obj.matter)


@admin.register(Meeting)
class MeetingAdmin(MatterShownAsChinese, ReadOnlyAdmin):
    list_display = (
        "matter_title",
        "step",
        "body",
        "held_on",
        "entitled",
        "present",
        "votes_for",
        "quorum_met",
        "passed",
    )
    list_select_related = ("matter",)


@admin.register(Disclosure)
class DisclosureAdmin(MatterShownAsChinese, ReadOnlyAdmin):
    list_display = ("matter_title", "kind", "posted_on", "ends_on")
    list_select_related = ("matter",)
