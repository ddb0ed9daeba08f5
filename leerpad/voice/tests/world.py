"""A small team for the voice tests: voters with large, distinctive ids, names and e-mail
addresses, so a search of the database for them cannot hit a rating or a position by
accident."""

from __future__ import annotations

from leerpad.accounts.models import Person, Team

FIRST_ID = 900_001


def make_team(size: int, name: str = "Voice team") -> tuple[Team, list[Person]]:
    team = Team.objects.get_or_create(name=name)[0]
    start = FIRST_ID + Person.objects.filter(pk__gte=FIRST_ID).count()
    people = [
        Person.objects.create_user(
            id=start + n,
            email=f"qzvoter{start + n}@example.test",
            first_name=f"Quorbel{start + n}",
            last_name=f"Zandvliet{start + n}",
            team=team,
            password="x-not-used",
        )
        for n in range(size)
    ]
    return team, people
