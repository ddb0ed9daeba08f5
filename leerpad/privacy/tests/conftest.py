"""Until leerpad/settings.py installs the app, its model and page tests cannot run under the
default settings (run them with --ds=leerpad.privacy.tests.settings); the guard tests can."""

from django.conf import settings

collect_ignore = (
    [] if "leerpad.privacy" in settings.INSTALLED_APPS else ["test_access.py", "test_pages.py"]
)
