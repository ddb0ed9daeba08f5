from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Learning marketing: segments, campaigns and nudges, experiments judged on learning."""

    name = "leerpad.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")

    def ready(self) -> None:
        import leerpad.campaigns.receivers  # noqa: F401  (scheduler tick, home panels)
        from leerpad.campaigns.personal_data import personal_data as campaigns_data
        from leerpad.privacy.signals import personal_data

        personal_data.connect(campaigns_data, dispatch_uid="campaigns.personal_data")
