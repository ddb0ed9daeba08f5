"""The channels a campaign message goes out on. `send(delivery, rendered)` hands the
message to the channel and returns normally once the channel accepted it; any exception
means "not accepted" and the outbox retries later (see `campaigns.outbox`).

Delivery guarantees per channel (why: a double message costs the team's credibility more
than a missing one, and the outbox cannot ask a mail server or webhook whether an earlier,
interrupted attempt got through):

- e-mail, Slack, Teams: at most once. An attempt that was interrupted after the hand-over
  began (a worker crash between "sending" and "sent") is not repeated; it is marked failed
  with an explanation, and a marketer can retry it from the campaign log.
- in-app: exactly once. The notification is keyed by the delivery (one-to-one), so a
  repeated attempt finds the one it made before.
"""

from __future__ import annotations

from collections.abc import Callable

from leerpad.campaigns.models import Delivery, Message
from leerpad.campaigns.personalise import Rendered

Sender = Callable[[Delivery, Rendered], None]

# Channels whose interrupted attempts may be repeated (see above).
REPEATABLE = frozenset({Message.Channel.IN_APP})


def sender_for(channel: str) -> Sender:
    from leerpad.campaigns.channels import email, in_app, slack, teams

    senders: dict[str, Sender] = {
        Message.Channel.EMAIL: email.send,
        Message.Channel.SLACK: slack.send,
        Message.Channel.TEAMS: teams.send,
        Message.Channel.IN_APP: in_app.send,
    }
    return senders[channel]


def send(delivery: Delivery, rendered: Rendered) -> None:
    sender_for(delivery.channel)(delivery, rendered)
