from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QuizzesConfig(AppConfig):
    name = "leerpad.quizzes"
    label = "quizzes"
    verbose_name = _("Quizzes")

    def ready(self) -> None:
        from leerpad.privacy.signals import personal_data
        from leerpad.quizzes.personal_data import personal_data as attempts

        personal_data.connect(attempts, dispatch_uid="quizzes.personal_data")
