"""Demo searches, so L&D's search insights show something from the first day.

People of the demo organisation search for what the catalogue has, and for a few things
it does not have (the content gaps the insights page is there to show). Recorded as the
same xAPI statements the search page records.
"""

from __future__ import annotations

from leerpad.accounts.models import Person
from leerpad.core.demo import DemoContext
from leerpad.search import tracking

# (query, how many different people, results it had): the zero ones are content gaps.
SEARCHES = (
    ("heftruck", 14, 9),
    ("klachten behandelen", 11, 12),
    ("kassa afsluiten", 9, 6),
    ("onthaal", 8, 7),
    ("premiers secours", 7, 5),
    ("excel", 7, 3),
    ("snoeien fruitbomen", 6, 4),
    ("gestion du temps", 6, 3),
    ("feedback geven", 6, 5),
    ("verlof aanvragen", 7, 0),
    ("burn-out", 5, 0),
    ("vélo électrique", 5, 0),
    ("phishing", 5, 2),
)


def load(ctx: DemoContext) -> None:
    people = list(Person.objects.order_by("pk")[:200])
    if not people:
        return
    recorded = 0
    for query, how_many, results in SEARCHES:
        for person in ctx.rng.sample(people, min(how_many, len(people))):
            tracking.record_search(person, query, results, {})
            recorded += 1
    ctx.notes.append(f"Demo searches: {recorded}.")
