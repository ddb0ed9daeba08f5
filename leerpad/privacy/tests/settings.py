"""Settings for running the privacy tests before the app is wired into leerpad/settings.py.

Once INSTALLED_APPS has "leerpad.privacy" and leerpad/urls.py mounts it at /privacy/, the
tests run under the normal settings too; this module then only adds the test-only view.
"""

from leerpad.settings import *  # noqa: F403
from leerpad.settings import INSTALLED_APPS

if "leerpad.privacy" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "leerpad.privacy"]

ROOT_URLCONF = "leerpad.privacy.tests.urls"
