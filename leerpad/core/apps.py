from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "leerpad.core"
    label = "core"
    verbose_name = _("Leerpad core")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from leerpad.core.access import ensure_role_groups

        # Role groups must exist on every database, fresh or migrated, test or live.
        post_migrate.connect(ensure_role_groups, sender=self)
