from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionConfig(AppConfig):
    name = "intervention"
    verbose_name = _("Intervention")

    def ready(self) -> None:
        from . import signals  # noqa: F401
        from .history_labels import register

        register()
