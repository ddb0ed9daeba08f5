"""When a message may reach a person: the send window and quiet hours in their time zone.

Pure functions over aware datetimes (no database), so the rules and their time-zone edges
are tested directly. The default window is weekdays 09:00-18:00 local time; a person who
set quiet hours gets every weekday hour outside them instead. Weekends are always quiet:
these are work messages.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

WINDOW_START = dt.time(9, 0)
WINDOW_END = dt.time(18, 0)
MIDNIGHT = dt.time(0, 0)

Quiet = tuple[dt.time, dt.time]


def zone(name: str, default: str) -> ZoneInfo:
    """The IANA zone `name`, or `default` when the name is empty or unknown."""
    try:
        return ZoneInfo(name or default)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(default)


def is_zone(name: str) -> bool:
    return name in available_timezones()


def at_local(day: dt.date, time: dt.time, tz: ZoneInfo) -> dt.datetime:
    """`time` on `day` in `tz`; a time that does not exist (the hour skipped when the
    clocks go forward) comes out as the first moment after the gap."""
    naive = dt.datetime.combine(day, time, tzinfo=tz)
    return naive.astimezone(dt.UTC).astimezone(tz)


def _in_quiet(t: dt.time, quiet: Quiet) -> bool:
    start, end = quiet
    if start < end:
        return start <= t < end
    return t >= start or t < end  # over midnight, e.g. 22:00-07:00


def next_allowed(at: dt.datetime, zone_info: ZoneInfo, quiet: Quiet | None = None) -> dt.datetime:
    """The first moment at or after `at` when a message may reach the person (in UTC)."""
    if quiet is not None and quiet[0] == quiet[1]:
        quiet = None
    local = at.astimezone(zone_info)
    start_of_day = WINDOW_START if quiet is None else MIDNIGHT
    for _ in range(32):  # each step moves forward to a boundary; a few always suffice
        if local.weekday() >= 5:
            local = at_local(
                local.date() + dt.timedelta(days=7 - local.weekday()), start_of_day, zone_info
            )
            continue
        t = local.time().replace(tzinfo=None)
        if quiet is None:
            if t < WINDOW_START:
                local = at_local(local.date(), WINDOW_START, zone_info)
                continue
            if t >= WINDOW_END:
                local = at_local(local.date() + dt.timedelta(days=1), WINDOW_START, zone_info)
                continue
        elif _in_quiet(t, quiet):
            end = quiet[1]
            day = local.date() if t < end else local.date() + dt.timedelta(days=1)
            local = at_local(day, end, zone_info)
            continue
        return local.astimezone(dt.UTC)
    return local.astimezone(dt.UTC)


def within_cap(planned: dt.datetime, others: list[dt.datetime], cap: int) -> bool:
    """Whether one more contact at `planned` keeps the person at most `cap` contacts in any
    7 days. Counting the contacts within 7 days on either side guarantees it: in any
    7-day window, the contact planned last saw all the others of that window."""
    week = dt.timedelta(days=7)
    near = sum(1 for other in others if abs(other - planned) < week)
    return near < cap
