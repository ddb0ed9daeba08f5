from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    """Business requests to the LD&M team: intake, scoring, the portfolio that fits
    capacity, decisions (accept, park, decline) and projects."""

    name = "leerpad.intake"
    label = "intake"
    verbose_name = _("Intake and focus")

    def ready(self) -> None:
        import leerpad.intake.receivers  # noqa: F401  (tile, home panel, scheduler tick)
        from leerpad.intake.personal_data import personal_data as intake_data
        from leerpad.privacy.signals import personal_data

        personal_data.connect(intake_data, dispatch_uid="intake.personal_data")
