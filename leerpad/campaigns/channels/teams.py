"""Microsoft Teams incoming webhook: an Adaptive Card 1.4 in the "message" attachment
format (what Teams workflows' "post card" and connectors accept)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from leerpad.campaigns.channels.webhook import post_json
from leerpad.campaigns.models import Delivery
from leerpad.campaigns.personalise import Rendered


def card(rendered: Rendered) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if rendered.hook:
        body.append(
            {
                "type": "TextBlock",
                "text": rendered.hook,
                "weight": "Bolder",
                "size": "Medium",
                "wrap": True,
            }
        )
    if rendered.story:
        body.append({"type": "TextBlock", "text": rendered.story, "wrap": True})
    return {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
        "actions": [
            {"type": "Action.OpenUrl", "title": rendered.ask or "Leerpad", "url": rendered.link}
        ],
    }


def payload(rendered: Rendered) -> dict[str, Any]:
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card(rendered),
            }
        ],
    }


def send(delivery: Delivery, rendered: Rendered) -> None:
    post_json(str(getattr(settings, "LEERPAD_TEAMS_WEBHOOK_URL", "")), payload(rendered))
