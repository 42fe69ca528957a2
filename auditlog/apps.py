from django.apps import AppConfig


class AuditlogConfig(AppConfig):
    """Browsing the audit trail: above the systems whose records it shows (it finds them through pghistory
    and the registry, importing none of them)."""

    name = "auditlog"
    verbose_name = "审计日志查询"

    def ready(self) -> None:
        from core.registry import Contribution, NavItem, contribute
        from regions.roles import VIEW_AUDIT

        contribute(
            Contribution(
                app_label=self.label,
                nav=(NavItem("审计日志", "auditlog:event-list", perm=VIEW_AUDIT, order=90, manage=True),),
            )
        )
