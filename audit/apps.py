from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from audit import checks, receivers  # noqa: F401  (the deploy check; the login/lockout receivers)
