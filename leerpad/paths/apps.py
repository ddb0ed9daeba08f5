from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "leerpad.paths"
    label = "paths"
    verbose_name = _("Learning paths")

    def ready(self) -> None:
        from leerpad.paths import receivers  # noqa: F401  (connects the LRS receiver)
