"""Signals of the privacy app, so it can gather and erase a person's data without importing
the apps that hold it."""

from django.dispatch import Signal

# Sent when a person downloads their data, with `person`; each app that keeps personal data
# returns (section name, JSON-ready data) — lists of dicts, with dates as ISO text.
personal_data = Signal()

# Sent to erase a person's data (GDPR Art. 17), with `person` and `dry_run`. Each app that
# keeps personal data returns (section name, {what: count}): with dry_run=True the counts of
# what it would delete (the preview), else the counts it deleted. Sent inside the erasure's
# transaction: a receiver deletes with plain ORM calls and raises on failure, which undoes
# the whole erasure (it is sent with `send`, not `send_robust`, on purpose).
erase_personal_data = Signal()
