"""Signals of the LRS, so other apps can follow the record without the LRS knowing them."""

from django.dispatch import Signal

# Sent after a batch of statements has been committed (from the xAPI endpoint or from
# Leerpad's own pages alike), with `statements`: the stored statements as dicts, in batch
# order. Statements already stored with the same id may be sent again, so receivers must
# be idempotent. Sent only when a receiver is connected, so the write path pays nothing
# otherwise.
statements_recorded = Signal()
