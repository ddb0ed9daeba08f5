from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VoiceConfig(AppConfig):
    """Anonymous questions, concerns and pulse surveys, anonymous by construction,
    moderated by a facilitator."""

    name = "leerpad.voice"
    label = "voice"
    verbose_name = _("Safe voice")

    def ready(self) -> None:
        import leerpad.voice.receivers  # noqa: F401  (tile, home panel, erasure)
        from leerpad.privacy.signals import personal_data
        from leerpad.voice.receivers import personal_data as voice_data

        personal_data.connect(voice_data, dispatch_uid="voice.personal_data")
