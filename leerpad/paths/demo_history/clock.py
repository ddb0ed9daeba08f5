"""Plausible moments: the seasons, weekdays and hours of store and office life."""

from __future__ import annotations

import datetime as dt
import math
import random
from zoneinfo import ZoneInfo

from django.conf import settings

from leerpad.paths.demo_history.model import HISTORY_DAYS

# When people learn. Stores are busiest (and learning quietest) in the spring garden
# season, the summer holidays and December.
# fmt: off
MONTH_WEIGHT = {1: 1.1, 2: 1.2, 3: 1.1, 4: 0.85, 5: 0.8, 6: 0.85,
                7: 0.7, 8: 0.4, 9: 1.15, 10: 1.15, 11: 1.05, 12: 0.55}
STORE_WEEKDAY = (1.0, 1.15, 1.1, 1.15, 0.9, 0.45, 0.08)
OFFICE_WEEKDAY = (1.0, 1.1, 1.1, 1.05, 0.8, 0.04, 0.02)
MAX_DAY_WEIGHT = 1.2 * 1.15
# Store staff learn before opening, in the quiet early afternoon, and some at home.
STORE_HOURS = {7: 2, 8: 5, 9: 9, 10: 9, 11: 6, 12: 3, 13: 6, 14: 9, 15: 8, 16: 5, 17: 3,
               18: 2, 19: 3, 20: 4, 21: 2}
OFFICE_HOURS = {8: 4, 9: 9, 10: 10, 11: 8, 12: 3, 13: 6, 14: 9, 15: 9, 16: 7, 17: 3, 18: 1}
# New store staff start before the spring season and after the summer.
HIRING_MONTH = {1: 0.9, 2: 1.3, 3: 1.6, 4: 1.4, 5: 1.0, 6: 0.9,
                7: 0.8, 8: 0.6, 9: 1.3, 10: 1.0, 11: 0.8, 12: 0.5}
# fmt: on


class Clock:
    """Plausible moments: seasons, weekdays and hours of store or office life."""

    def __init__(self, rng: random.Random, now: dt.datetime) -> None:
        self.rng = rng
        self.now = now
        self.tz = ZoneInfo(settings.TIME_ZONE)
        self.start = now - dt.timedelta(days=HISTORY_DAYS)
        self._hours = {
            False: (list(STORE_HOURS), list(STORE_HOURS.values())),
            True: (list(OFFICE_HOURS), list(OFFICE_HOURS.values())),
        }

    def day_weight(self, day: dt.date, office: bool) -> float:
        weekday = (OFFICE_WEEKDAY if office else STORE_WEEKDAY)[day.weekday()]
        weight = MONTH_WEIGHT[day.month] * weekday
        if (day.month == 12 and day.day >= 20) or (day.month == 1 and day.day <= 2):
            weight *= 0.3
        return weight

    def moment(self, day: dt.date, office: bool, after: dt.datetime | None = None) -> dt.datetime:
        hours, weights = self._hours[office]
        hour = self.rng.choices(hours, weights)[0]
        when = dt.datetime(
            day.year,
            day.month,
            day.day,
            hour,
            self.rng.randrange(60),
            self.rng.randrange(60),
            tzinfo=self.tz,
        )
        if after is not None and when <= after:
            when = after + dt.timedelta(minutes=self.rng.randint(3, 40))
        return when

    def accept(self, day: dt.date, office: bool) -> dt.date:
        """The first day from `day` on that passes the season and weekday draw."""
        for _ in range(60):
            if self.rng.random() * MAX_DAY_WEIGHT < self.day_weight(day, office):
                return day
            day += dt.timedelta(days=1)
        return day

    def advance(self, when: dt.datetime, office: bool, mean_days: float) -> dt.datetime:
        """The next moment someone picks up, about `mean_days` later."""
        gap = self.rng.expovariate(1 / mean_days) if mean_days > 0 else 0.0
        day = self.accept((when + dt.timedelta(days=gap)).astimezone(self.tz).date(), office)
        return self.moment(day, office, after=when)

    def somewhen(self, earliest: dt.datetime, latest: dt.datetime, office: bool) -> dt.datetime:
        """A moment between the two, drawn with the season and weekday weights."""
        span = max((latest - earliest).total_seconds(), 3600.0)
        day = earliest.astimezone(self.tz).date()
        for _ in range(40):
            candidate = earliest + dt.timedelta(seconds=self.rng.random() * span)
            day = candidate.astimezone(self.tz).date()
            if self.rng.random() * MAX_DAY_WEIGHT < self.day_weight(day, office):
                break
        return min(self.moment(day, office), latest)


def iso(when: dt.datetime) -> str:
    return when.isoformat(timespec="seconds")


def duration(seconds: float) -> str:
    seconds = max(1, int(seconds))
    minutes, rest = divmod(seconds, 60)
    return f"PT{minutes}M{rest}S" if minutes else f"PT{rest}S"


def poisson(rng: random.Random, mean: float) -> int:
    if mean < 30:
        # Knuth: fine for small means.
        limit, count, product = math.exp(-mean), 0, rng.random()
        while product > limit:
            count += 1
            product *= rng.random()
        return count
    return max(0, round(rng.gauss(mean, math.sqrt(mean))))
