"""Panels on the Learn home, contributed by domain apps through `signals.home_panels`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from leerpad.core.signals import home_panels


@dataclass(frozen=True)
class Panel:
    # Lower comes first: 10 continue, 20 invitations and due soon, 30 recommended, ...
    order: int
    template: str
    context: dict[str, Any] = field(default_factory=dict)


def panels_for(request: HttpRequest) -> list[Panel]:
    panels: list[Panel] = []
    for _receiver, found in home_panels.send(sender=Panel, request=request):
        if isinstance(found, list):
            panels.extend(found)
    return sorted(panels, key=lambda p: p.order)
