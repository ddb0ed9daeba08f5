from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    """The monthly L&D impact report: the story with figures that sells the L&D plan."""

    name = "leerpad.reports"
    label = "reports"
    verbose_name = _("Impact reports")

    def ready(self) -> None:
        import leerpad.reports.receivers  # noqa: F401  (connects the monthly draft)
