from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssetsConfig(AppConfig):
    """One library of videos, images and documents for learning and marketing, with rights,
    consent, versions and reuse."""

    name = "leerpad.assets"
    label = "assets"
    verbose_name = _("Asset library")

    def ready(self) -> None:
        import leerpad.assets.receivers  # noqa: F401  (scheduler tick, workspace tile)
        from leerpad.assets.personal_data import personal_data as assets_data
        from leerpad.privacy.signals import personal_data

        personal_data.connect(assets_data, dispatch_uid="assets.personal_data")
