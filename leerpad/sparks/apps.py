from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SparksConfig(AppConfig):
    """Ideas, customer stories, questions, photos and videos from the locations, triaged
    by the LD&M team; and field visits."""

    name = "leerpad.sparks"
    label = "sparks"
    verbose_name = _("Sparks from the field")

    def ready(self) -> None:
        import leerpad.sparks.receivers  # noqa: F401  (home panel, workspace tile, files)
        from leerpad.privacy.signals import personal_data
        from leerpad.sparks.personal_data import personal_data as sparks_data

        # The erasure receiver connects itself on import (above, through this module).
        personal_data.connect(sparks_data, dispatch_uid="sparks.personal_data")
