from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "leerpad.analytics"
    label = "analytics"
    verbose_name = _("Learning analytics")

    def ready(self) -> None:
        import leerpad.analytics.receivers  # noqa: F401  (connects the sync triggers)
