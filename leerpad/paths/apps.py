from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PathsConfig(AppConfig):
    name = "leerpad.paths"
    label = "paths"
    verbose_name = _("Learning paths")

    def ready(self) -> None:
        from leerpad.paths import receivers  # noqa: F401  (connects the LRS receiver)
        from leerpad.paths.personal_data import personal_data as paths_data
        from leerpad.privacy.signals import personal_data

        personal_data.connect(paths_data, dispatch_uid="paths.personal_data")
