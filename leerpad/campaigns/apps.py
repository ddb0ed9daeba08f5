from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    """Learning marketing: segments, campaigns and nudges, experiments judged on learning."""

    name = "leerpad.campaigns"
    label = "campaigns"
    verbose_name = _("Campaigns")
