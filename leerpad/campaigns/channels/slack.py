"""Slack incoming webhook: Block Kit, a section with the hook and story and a button with
the tracked link. `text` is the notification's fallback (what a phone shows)."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from leerpad.campaigns.channels.webhook import post_json
from leerpad.campaigns.models import Delivery
from leerpad.campaigns.personalise import Rendered


def payload(rendered: Rendered) -> dict[str, Any]:
    text = "\n\n".join(part for part in (rendered.hook, rendered.story) if part)
    # Slack's mrkdwn treats &, < and > as control characters.
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return {
        "text": rendered.hook or rendered.subject,
        "blocks": [
            {"type": "section", "text": {"type": "mrkdwn", "text": escaped[:3000]}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": (rendered.ask or "Leerpad")[:75]},
                        "url": rendered.link,
                        "style": "primary",
                    }
                ],
            },
        ],
    }


def send(delivery: Delivery, rendered: Rendered) -> None:
    post_json(str(getattr(settings, "LEERPAD_SLACK_WEBHOOK_URL", "")), payload(rendered))
