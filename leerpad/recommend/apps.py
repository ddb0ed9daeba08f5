from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "leerpad.recommend"
    label = "recommend"
    verbose_name = _("Recommendations")

    def ready(self) -> None:
        from leerpad.core.signals import home_panels
        from leerpad.recommend import panels

        home_panels.connect(panels.home_panels, dispatch_uid="recommend.home_panels")
        from leerpad.privacy.signals import personal_data
        from leerpad.recommend.personal_data import personal_data as dismissals

        personal_data.connect(dismissals, dispatch_uid="recommend.personal_data")
