from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from audit import receivers  # noqa: F401  (connects the login/lockout receivers)
