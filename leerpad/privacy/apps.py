from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "leerpad.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        from leerpad.privacy import receivers  # noqa: F401 - connects the periodic receiver
