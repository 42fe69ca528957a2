from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "decisions"
    verbose_name = "民主决策（四议两公开）"

    def ready(self) -> None:
        from decisions import panels  # noqa: F401  (registers the home-page panels)
