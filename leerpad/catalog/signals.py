"""Signals other apps listen to, so the catalogue need not know them (search indexes on it)."""

from django.dispatch import Signal

# Sent after the transaction that changed items commits; `item_ids` lists them.
content_changed = Signal()

# Sent when a person opens an item's page, with `request` and `item`; receivers return a
# list of `core.panels.Panel` shown above the item (paths: "step 3 of your path").
item_panels = Signal()
