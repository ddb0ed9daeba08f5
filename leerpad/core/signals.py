"""Signals of the shared kernel, so apps can hook in without core knowing them."""

from django.dispatch import Signal

# Sent by `leerpad serve` before it starts serving; a receiver may return a line to print.
server_starting = Signal()

# Sent by the Learn home for the signed-in person (`request`); each receiver returns a
# list of `leerpad.core.panels.Panel` (or an empty list) to show there, so domain apps
# fill the home without core importing them.
home_panels = Signal()

# Sent by `leerpad scheduler` (which `leerpad serve` starts beside the task worker) every
# few minutes, with `now`. Receivers queue their periodic work as tasks (reminders, ...)
# and return at once; the work must be idempotent, since a run can repeat after a restart.
periodic = Signal()

# Sent by the workspace hub (/workspace/) for the signed-in person (`request`); each
# receiver returns a list of `leerpad.core.panels.Panel`: the tiles of the LD&M team's
# workspace (intake, initiatives, voice, sparks, assets), each with its own counts.
workspace_tiles = Signal()
