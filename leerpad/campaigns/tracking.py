"""The xAPI statements campaigns write: the visit a tracked link records.

Verb: ADL's `launched` ("started the process of launching the next piece of learning
content"): following the link is how the person starts on what the message asks. A
`clicked`-style verb was considered, but launched is in the ADL vocabulary the rest of
Leerpad uses, and the catalogue page the person lands on records its own `viewed`.
The object is the message (an activity of type link), so clicks are counted per message;
the context carries the arrival ("campaign"), the campaign key and the message id
(`core.extensions`), and a later round adds the variant.
"""

from __future__ import annotations

import datetime as dt

from leerpad.campaigns.models import Delivery
from leerpad.core import extensions as xapi
from leerpad.core.links import absolute_url

LAUNCHED = "http://adlnet.gov/expapi/verbs/launched"
LINK_TYPE = "http://adlnet.gov/expapi/activities/link"


def message_iri(campaign_key: str, message_id: int) -> str:
    return absolute_url(f"/campaigns/{campaign_key}/messages/{message_id}")


def clicked(delivery: Delivery, target: str, now: dt.datetime) -> str:
    from leerpad.lrs.services import record_for_person

    campaign = delivery.campaign
    return record_for_person(
        delivery.person,
        LAUNCHED,
        {"en-US": "launched", "nl": "opende", "fr": "a ouvert"},
        {
            "objectType": "Activity",
            "id": message_iri(campaign.key, delivery.message_id),
            "definition": {
                "type": LINK_TYPE,
                "name": {"en-US": campaign.name},
                "moreInfo": absolute_url(target),
            },
        },
        context={
            "platform": "Leerpad",
            "language": delivery.language or "en",
            "extensions": {
                xapi.ARRIVAL: "campaign",
                xapi.CAMPAIGN: campaign.key,
                xapi.MESSAGE: str(delivery.message_id),
                **({xapi.VARIANT: delivery.variant} if delivery.variant else {}),
            },
        },
        timestamp=now,
    )
