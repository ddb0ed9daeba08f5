"""xAPI context extensions Leerpad writes that more than one app reads.

Why here: the analytics store extracts them into columns, and the apps that write them
(catalogue pages, campaigns' tracked links) must agree on the IRIs without importing
each other. Extensions that only one app uses stay in that app's `tracking.py`.
"""

from __future__ import annotations

BASE = "https://leerpad.org/xapi/extensions/"

# How the person arrived at what they opened: one of ARRIVALS. Recorded on the `viewed`
# statement of a catalogue item (and on the visit a tracked campaign link records).
ARRIVAL = BASE + "arrival"
ARRIVALS = ("search", "home", "path", "recommendation", "campaign", "direct")

# Which campaign, message and experiment variant a tracked link belonged to, so that what
# the person does next can be attributed to it.
CAMPAIGN = BASE + "campaign"
MESSAGE = BASE + "campaign-message"
VARIANT = BASE + "variant"
