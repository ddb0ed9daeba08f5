"""Signals of the privacy app, so it can gather a person's data without importing the apps
that hold it."""

from django.dispatch import Signal

# Sent when a person downloads their data, with `person`; each app that keeps personal data
# returns (section name, JSON-ready data) — lists of dicts, with dates as ISO text.
personal_data = Signal()
