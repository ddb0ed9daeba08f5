"""Signals other apps listen to, so the catalogue need not know them (search indexes on it)."""

from django.dispatch import Signal

# Sent after the transaction that changed items commits; `item_ids` lists them.
content_changed = Signal()
