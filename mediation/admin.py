"""Only the county's rules are kept here. Disputes hold family and money matters and the parties' personal
data: they are read through the scoped pages (masked, each reveal audited), never through the admin."""

from django.contrib import admin

from mediation.models import MediationRules


@admin.register(MediationRules)
class MediationRulesAdmin(admin.ModelAdmin):
    list_display = (
        "county",
        "accept_working_days",
        "mediation_months",
        "max_extensions",
        "extension_max_months",
        "skip_level_only_major",
    )
    list_select_related = ("county",)
    raw_id_fields = ("county",)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
