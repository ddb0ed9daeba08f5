"""The demo organisation, loaded by `leerpad demo`.

Each app that has demo content provides `<app>/demo.py` with a function
`load(ctx: DemoContext) -> None` (and, if it creates demo logins, `logins() ->
list[DemoLogin]` naming them, so they can be shown again later). Apps load in
INSTALLED_APPS order, so later apps can build on people and content made by earlier
ones. Everything is drawn from one seeded random generator: the same command gives the
same organisation every time.
"""

from __future__ import annotations

import importlib
import random
from dataclasses import dataclass, field
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.db import transaction

SEED = 20261127


@dataclass
class DemoLogin:
    role: str
    email: str
    name: str


@dataclass
class DemoContext:
    rng: random.Random
    password: str
    logins: list[DemoLogin] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def demo_password() -> str:
    return str(getattr(settings, "LEERPAD_DEMO_PASSWORD", "leerpad-demo"))


def _demo_modules() -> list[ModuleType]:
    modules = []
    for config in apps.get_app_configs():
        if not config.name.startswith("leerpad."):
            continue
        try:
            modules.append(importlib.import_module(f"{config.name}.demo"))
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
    return modules


@transaction.atomic
def load_demo() -> DemoContext:
    """Load every app's demo content in one transaction: all or nothing."""
    # Demo data only needs to look varied, not be unpredictable.
    ctx = DemoContext(rng=random.Random(SEED), password=demo_password())  # noqa: S311
    for module in _demo_modules():
        loader = getattr(module, "load", None)
        if callable(loader):
            loader(ctx)
    return ctx


def demo_logins() -> list[DemoLogin]:
    """The demo logins that exist in the database (empty when no demo was loaded)."""
    found: list[DemoLogin] = []
    for module in _demo_modules():
        listing = getattr(module, "logins", None)
        if callable(listing):
            found.extend(listing())
    return found
