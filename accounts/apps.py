from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from accounts.middleware import session_login_time_record

        user_logged_in.connect(session_login_time_record, dispatch_uid="accounts.session_login_time")
