from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts and audit")

    def ready(self) -> None:
        from . import audit_guard, signals  # noqa: F401

        # The audit trail is append-only in the database and the ORM (see audit_guard).
        audit_guard.activate(self)
