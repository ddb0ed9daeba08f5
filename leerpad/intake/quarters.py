"""Quarters as the team names them: "2027-Q1"."""

from __future__ import annotations

import datetime as dt
import re

PATTERN = re.compile(r"^(\d{4})-Q([1-4])$")


def of(day: dt.date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def is_valid(text: str) -> bool:
    return bool(PATTERN.match(text))


def following(quarter: str, count: int = 1) -> str:
    found = PATTERN.match(quarter)
    if not found:
        raise ValueError(quarter)
    index = int(found.group(1)) * 4 + int(found.group(2)) - 1 + count
    return f"{index // 4}-Q{index % 4 + 1}"


def bounds(quarter: str) -> tuple[dt.date, dt.date]:
    """First and last day of the quarter."""
    found = PATTERN.match(quarter)
    if not found:
        raise ValueError(quarter)
    year, number = int(found.group(1)), int(found.group(2))
    start = dt.date(year, 3 * number - 2, 1)
    end_year, end_month = (year + 1, 1) if number == 4 else (year, 3 * number + 1)
    return start, dt.date(end_year, end_month, 1) - dt.timedelta(days=1)
