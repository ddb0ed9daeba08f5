"""Demo intake for "Delta Huis & Tuin": ten requests from the stores and the head office,
written by their requesters in their own language (nl, fr, en), most of them scored by
the L&D specialists; capacity for this quarter and the next; one accepted project with
milestones (half done), one parked request with a revisit date and one declined.
The decisions go through `services`, so timelines and notices are as in real use (the
notices stay in Leerpad: no e-mail while the demo loads)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from leerpad.accounts.models import Location, Person
from leerpad.core.demo import DemoContext
from leerpad.intake import notices, quarters, services
from leerpad.intake.models import Event, Request


@dataclass(frozen=True)
class _Ask:
    store: str  # location name, or "" for the head office
    language: str
    title: str
    problem: str
    audience: str
    outcome: str
    score: tuple[int, int, int, str] | None  # value, urgency, risk, effort days
    days_ago: int


ASKS = (
    _Ask(
        "Delta Gent",
        "nl",
        "Kassatraining voor de zaterdagpiek",
        "Op zaterdag staan er lange rijen aan de kassa; nieuwe kassiers kennen de "
        "sneltoetsen en de retourprocedure niet.",
        "Kassiers en jobstudenten",
        "Kortere wachtrijen op zaterdag en minder fouten bij retours.",
        (8, 8, 3, "12"),
        60,
    ),
    _Ask(
        "Delta Liège",
        "fr",
        "Conseiller sur l'entretien du mobilier en teck",
        "Les clients posent beaucoup de questions sur l'entretien du teck et nos "
        "vendeurs donnent des réponses différentes.",
        "Spécialistes jardin et vendeurs",
        "Des conseils cohérents et plus de ventes de produits d'entretien.",
        (5, 3, 2, "6"),
        41,
    ),
    _Ask(
        "Delta Antwerpen",
        "nl",
        "Onboarding voor seizoenskrachten in de tuinafdeling",
        "Elke lente starten twintig seizoenskrachten zonder vaste begeleiding; ze "
        "haken vaak na twee weken af.",
        "Seizoenskrachten en hun coaches",
        "Seizoenskrachten blijven het hele seizoen en kunnen na een week alleen werken.",
        (8, 5, 3, "15"),
        35,
    ),
    _Ask(
        "",
        "en",
        "Handling complaints on the phone",
        "Customer service escalates too many calls to store managers; agents lack a "
        "shared way to calm and resolve complaints.",
        "Customer service agents",
        "Fewer escalations and better customer ratings after a call.",
        (5, 5, 5, "10"),
        28,
    ),
    _Ask(
        "Delta Brussel",
        "fr",
        "Accueillir les clients en trois langues",
        "Beaucoup de clients à Bruxelles parlent néerlandais ou anglais; le personnel "
        "hésite et appelle un collègue.",
        "Tout le personnel de vente à Bruxelles",
        "Chaque vendeur peut accueillir et orienter un client en trois langues.",
        (3, 2, 2, "8"),
        25,
    ),
    _Ask(
        "Delta Leuven",
        "nl",
        "Veilig werken met de heftruck in het magazijn",
        "Twee bijna-ongevallen dit jaar; het attest van veel magazijniers is verlopen.",
        "Magazijnmedewerkers",
        "Iedereen die een heftruck bestuurt heeft een geldig attest en kent de regels.",
        (5, 3, 8, "20"),
        22,
    ),
    _Ask(
        "Delta Brugge",
        "nl",
        "TikTok-filmpjes over tuinplanten",
        "Jongeren kennen onze winkel niet; een collega maakt graag korte filmpjes.",
        "Jonge klanten (extern)",
        "Meer jonge bezoekers in de winkel.",
        (2, 1, 1, "10"),
        18,
    ),
    _Ask(
        "Delta Namur",
        "fr",
        "Formation au nouveau système de caisse",
        "Le nouveau logiciel de caisse arrive au printemps; personne ne l'a encore vu.",
        "Caissiers de tous les magasins",
        "Un démarrage sans files ni erreurs le jour du passage.",
        None,
        6,
    ),
    _Ask(
        "",
        "en",
        "Product knowledge: smart home devices",
        "We start selling smart thermostats and cameras; staff cannot explain the setup.",
        "Sales associates",
        "Staff can demo the devices and answer the five most common questions.",
        None,
        3,
    ),
    _Ask(
        "Delta Gent",
        "nl",
        "Coachingsgesprekken voeren op de winkelvloer",
        "Coaches voeren weinig korte gesprekken met hun mensen; ze weten niet goed hoe.",
        "Store coaches",
        "Elke coach voert wekelijks vijf korte coachingsgesprekken.",
        (5, 2, 2, "5"),
        12,
    ),
)


def _requester(store: str, language: str, used: set[int]) -> Person | None:
    people = Person.objects.filter(is_active=True, language=language).exclude(pk__in=used)
    if store:
        location = Location.objects.filter(name=store).first()
        if location is not None:
            people = people.filter(location=location)
    else:
        people = people.filter(location__isnull=True) | people.filter(
            location__name__startswith="Hoofdkantoor"
        )
    found = people.order_by("pk").first() or (
        Person.objects.filter(is_active=True).exclude(pk__in=used).order_by("pk").first()
    )
    if found is not None:
        used.add(found.pk)
    return found


def _backdate(request: Request, days_ago: int) -> None:
    """Spread the timeline over the past weeks: submitted `days_ago`, then a step a day."""
    start = timezone.now() - dt.timedelta(days=days_ago)
    Request.objects.filter(pk=request.pk).update(created_at=start)
    for n, event in enumerate(request.events.order_by("at", "id")):
        Event.objects.filter(pk=event.pk).update(
            at=start + dt.timedelta(days=min(n * 2, max(days_ago - 1, 0)), hours=n)
        )


def load(ctx: DemoContext) -> None:
    greet = Person.objects.filter(email__startswith="greet.").first()
    scorers = list(Person.objects.filter(groups__name="ld_specialist").order_by("pk")[:3])
    if greet is None or not scorers:
        return
    today = timezone.localdate()
    this_quarter = quarters.of(today)
    next_quarter = quarters.following(this_quarter)
    services.save_capacity(
        quarter=this_quarter,
        people=Decimal(4),
        days_per_person=Decimal(12),
        note="Greet, Dirk, Sofie en Julien; zonder de lopende routine",
    )
    services.save_capacity(quarter=next_quarter, people=Decimal(5), days_per_person=Decimal(15))
    used: set[int] = set()
    made: list[Request] = []
    with notices.without_email():
        for ask in ASKS:
            requester = _requester(ask.store, ask.language, used)
            if requester is None:
                continue
            request = services.submit(
                by=requester,
                title=ask.title,
                problem=ask.problem,
                audience=ask.audience,
                outcome=ask.outcome,
                sponsor=requester.manager,
                sponsor_name="" if requester.manager else "Directie",
                locations=Location.objects.filter(name=ask.store) if ask.store else (),
            )
            if ask.score is not None:
                value, urgency, risk, effort = ask.score
                services.score(
                    request,
                    by=ctx.rng.choice(scorers),
                    value=value,
                    urgency=urgency,
                    risk=risk,
                    effort_days=Decimal(effort),
                )
            made.append(request)
        if len(made) < 7:
            return
        # Accepted: the checkout training runs this quarter, two of four milestones done.
        project = services.accept(made[0], by=greet, owner=scorers[0], quarter=this_quarter)
        start, end = quarters.bounds(this_quarter)
        step = (end - start) / 5
        for n, title in enumerate(
            (
                "Interviews met kassiers",
                "Microlearning sneltoetsen",
                "Pilot in Gent",
                "Uitrol naar alle winkels",
            ),
            start=1,
        ):
            milestone = services.add_milestone(project, title=title, due=start + step * n)
            if n <= 2:
                services.tick_milestone(milestone, done=True)
        # Parked: the forklift training waits for the new certification rules.
        services.park(
            made[5],
            by=greet,
            reason="We wachten op de nieuwe attestregels die in het voorjaar verschijnen.",
            revisit_on=today + dt.timedelta(days=10),
        )
        # Declined: external marketing is not the LD&M team's job.
        services.decline(
            made[6],
            by=greet,
            reason="Externe sociale media zijn de taak van het marketingteam van de "
            "hoofdzetel; we geven je idee aan hen door.",
        )
    for request, ask in zip(made, ASKS, strict=False):
        _backdate(request, ask.days_ago)
    ctx.notes.append(
        f"Intake: {len(made)} requests, capacity for {this_quarter} and {next_quarter}."
    )
