"""Demo content for safe voice: a space for the Gent store team, facilitated by its coach
Cas, with anonymous questions in Dutch, French and English, one answered theme, a closed
pulse with enough answers to show results and an open one."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from leerpad.accounts.models import Person, Team
from leerpad.campaigns.models import Notification
from leerpad.core.demo import DemoContext
from leerpad.core.guard import min_group_size
from leerpad.voice import queries, services
from leerpad.voice.models import Pulse, Question, Space

TITLE = "Team Gent: vraag het gerust"
TEAM = "Team Gent"
COACH = ("Cas", "Janssens")

# (kind, text, days ago, theme or None)
QUESTIONS = [
    ("question", "Waarom krijgen we het weekrooster pas op vrijdag?", 12, "rooster"),
    ("concern", "Le planning arrive trop tard, je ne peux rien organiser.", 9, "rooster"),
    ("question", "Can we swap shifts in the app instead of on paper?", 6, "rooster"),
    ("concern", "De ladder in het magazijn wiebelt. Iemand valt er nog af.", 4, None),
    ("idea", "Een korte opleiding over tuinmeubelen vóór het seizoen begint?", 3, None),
    ("idea", "Pourquoi pas un moment de partage entre caissiers chaque mois ?", 1, None),
]
THEME = "Rooster en planning"
THEME_ANSWER = (
    "Jullie vroegen het alle drie op een andere manier: het rooster komt voortaan op "
    "woensdag, twee weken vooruit, en ruilen kan vanaf volgende maand in de app. "
    "/ Le planning sera publié le mercredi, deux semaines à l'avance. "
    "/ The roster now comes out on Wednesday, two weeks ahead; swapping moves to the app."
)
LADDER_ANSWER = "Goed dat je het meldt: de ladder is vervangen en het magazijn is nagekeken."

CLOSED_PULSE = (
    "Hoe gaat het met de nieuwe kassa?",
    ["Ik voel me zeker aan de nieuwe kassa.", "Ik kreeg genoeg uitleg vóór de start."],
    "Wat zou je helpen?",
)
OPEN_PULSE = (
    "Pulse: voorbereiding tuinseizoen",
    [
        "Ik weet wat er van mij verwacht wordt in het tuinseizoen.",
        "Ik ken de nieuwe collectie tuinmeubelen goed genoeg.",
        "Ik durf in het team te zeggen als iets niet werkt.",
    ],
    "",
)
OPEN_ANSWERS = [
    "Meer tijd om de kassa te oefenen buiten de drukke uren.",
    "Un aide-mémoire à côté de la caisse.",
    "Iemand die de eerste dagen mee achter de kassa staat.",
    "",
    "",
]


def load(ctx: DemoContext) -> None:
    team = Team.objects.filter(name=TEAM).first()
    coach = Person.objects.filter(first_name=COACH[0], last_name=COACH[1]).first()
    if team is None or coach is None or Space.objects.filter(title=TITLE).exists():
        return
    rng = ctx.rng
    today = timezone.localdate()
    space = services.create_space(
        title=TITLE,
        description=(
            "Vragen, zorgen en ideeën voor het team van Delta Gent, anoniem. "
            "Cas leest mee en antwoordt hier."
        ),
        audience=Space.Audience.TEAM,
        team=team,
        by=coach,
    )
    services.set_facilitators(space, [coach])
    people = list(queries.audience(space).exclude(pk=coach.pk))
    if len(people) < min_group_size() + 1:
        return
    theme = services.create_theme(space, THEME)
    for kind, text, days_ago, theme_key in QUESTIONS:
        question = services.ask(space, rng.choice(people), kind=kind, text=text)
        # Demo only: spread the questions over the last weeks.
        Question.objects.filter(pk=question.pk).update(asked_on=today - dt.timedelta(days=days_ago))
        if theme_key:
            services.set_theme(question, theme)
        if text.startswith("De ladder"):
            services.answer_question(question, LADDER_ANSWER)
    services.answer_theme(theme, THEME_ANSWER)

    title, statements, open_question = CLOSED_PULSE
    closed = services.create_pulse(
        space, title=title, statements=statements, open_question=open_question
    )
    services.open_pulse(closed)
    voters = rng.sample(people, min(len(people), min_group_size() + 7))
    for n, person in enumerate(voters):
        services.vote(
            closed,
            person,
            ratings=[rng.choice([2, 3, 4, 4, 5]), rng.choice([1, 2, 3, 3, 4])],
            open_answer=OPEN_ANSWERS[n % len(OPEN_ANSWERS)],
        )
    services.close_pulse(closed)
    Pulse.objects.filter(pk=closed.pk).update(
        opened_on=today - dt.timedelta(days=20), closed_on=today - dt.timedelta(days=10)
    )
    # Its "new pulse" notices were read back then, not waiting in today's bell.
    opened_at = timezone.now() - dt.timedelta(days=20)
    Notification.objects.filter(link=reverse("voice:pulse", args=[closed.pk])).update(
        created_at=opened_at, read_at=opened_at + dt.timedelta(hours=5)
    )

    title, statements, open_question = OPEN_PULSE
    running = services.create_pulse(
        space,
        title=title,
        statements=statements,
        open_question=open_question,
        closes_on=today + dt.timedelta(days=10),
    )
    services.open_pulse(running)
    for person in rng.sample(people, 3):
        services.vote(running, person, ratings=[rng.choice([3, 4, 5]) for _ in statements])
    ctx.notes.append(
        f"Safe voice: the space “{TITLE}” (facilitator: {coach}), "
        f"{len(QUESTIONS)} anonymous questions, a closed and an open pulse."
    )
