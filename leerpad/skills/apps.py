from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "leerpad.skills"
    label = "skills"
    verbose_name = _("Skills")

    def ready(self) -> None:
        from leerpad.core.signals import home_panels
        from leerpad.skills.panels import home_panel

        home_panels.connect(home_panel, dispatch_uid="skills.home_panel")
        from leerpad.privacy.signals import personal_data
        from leerpad.skills.personal_data import personal_data as skills_data

        personal_data.connect(skills_data, dispatch_uid="skills.personal_data")
