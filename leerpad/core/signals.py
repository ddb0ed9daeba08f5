"""Signals of the shared kernel, so apps can hook in without core knowing them."""

from django.dispatch import Signal

# Sent by `leerpad serve` before it starts serving; a receiver may return a line to print.
server_starting = Signal()
