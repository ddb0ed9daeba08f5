from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InitiativesConfig(AppConfig):
    """Initiatives and plans: stakeholder maps, consultation plans and logs, SWOT and
    pros/cons, the story-and-figures brief, and the annual L&D and marketing plans side
    by side."""

    name = "leerpad.initiatives"
    label = "initiatives"
    verbose_name = _("Initiatives")

    def ready(self) -> None:
        import leerpad.initiatives.receivers  # noqa: F401  (the workspace tile)
        from leerpad.initiatives.personal_data import personal_data as initiatives_data
        from leerpad.privacy.signals import personal_data

        personal_data.connect(initiatives_data, dispatch_uid="initiatives.personal_data")
