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
    return collect(home_panels.send(sender=Panel, request=request))


def collect(responses: list[tuple[Any, Any]]) -> list[Panel]:
    """The panels receivers of a panel signal returned, in their order."""
    panels: list[Panel] = []
    for _receiver, found in responses:
        if isinstance(found, list):
            panels.extend(p for p in found if isinstance(p, Panel))
    return sorted(panels, key=lambda p: p.order)
