from django.apps import AppConfig


class CentersConfig(AppConfig):
    name = "centers"
    verbose_name = "区划与党群服务中心"

    def ready(self) -> None:
        from centers.exports import register_export_jobs

        register_export_jobs()
