"""Demo initiatives and annual plans for "Delta Huis & Tuin" (see accounts/demo.py).
Loaded after the people, paths and campaigns (INSTALLED_APPS order).

- "Customer service at the checkout" (consulting, Greet): stakeholders from the works
  council to a cashier in Gent, a plan suggested by the rule, a log in which the head of
  customer service comes round, a SWOT board with votes, pros/cons and the brief's story
  in nl/fr/en; linked to the "Customer conversations" path and the complaint-handling
  launch campaign when they exist.
- "Safety week" (running, Dirk): linked to "Safety at work" and its story campaign.
- This year's L&D and marketing plans, five entries each, with four overlaps (the
  cashiers in spring, the garden specialists, the safety month and the stores before
  Black Friday).
Loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.initiatives import services
from leerpad.initiatives.models import (
    AnnualPlan,
    BuyIn,
    Initiative,
    PlanEntry,
    ProCon,
    Stakeholder,
    SwotCard,
)

CHECKOUT = "Customer service at the checkout"
SAFETY = "Safety week"


def _person(first: str, last: str) -> Person | None:
    return Person.objects.filter(first_name=first, last_name=last).first()


def _with_role(role: Role) -> Person | None:
    return Person.objects.filter(groups__name=role.value).order_by("pk").first()


def _store_person(job_role: str, location: str) -> Person | None:
    return Person.objects.filter(job_role__name=job_role, location__name=location).first()


def _link(model: Any, **lookup: Any) -> Any:
    return model.objects.filter(**lookup).first()


CHECKOUT_STORY = {
    "why": {
        "nl": "Klanten beoordelen ons op de laatste minuut: aan de kassa. Wachtrijen en "
        "klachten over onvriendelijke afhandeling stegen vorig jaar met een derde.",
        "fr": "Les clients nous jugent sur la dernière minute : à la caisse. Les files et "
        "les plaintes sur un accueil peu aimable ont augmenté d'un tiers l'an dernier.",
        "en": "Customers judge us on the last minute: at the checkout. Queues and "
        "complaints about unfriendly handling rose by a third last year.",
    },
    "for_whom": {
        "nl": "Kassamedewerkers en verkopers in alle filialen, met hun coach op de vloer.",
        "fr": "Les caissiers et les vendeurs de tous les magasins, avec leur coach.",
        "en": "Cashiers and sales associates in every store, with their coach on the floor.",
    },
    "changes": {
        "nl": "Een kort leerpad over klantgesprekken, oefenen met de coach en een "
        "campagne die collega's laat vertellen wat werkt.",
        "fr": "Un court parcours sur les conversations avec les clients, de la pratique "
        "avec le coach et une campagne où des collègues racontent ce qui marche.",
        "en": "A short path on customer conversations, practice with the coach and a "
        "campaign in which colleagues tell what works.",
    },
}

SAFETY_STORY = {
    "why": {
        "nl": "Elf kleine ongevallen in het magazijn vorig jaar, bijna allemaal bij heffen "
        "en op ladders.",
        "fr": "Onze petits accidents à l'entrepôt l'an dernier, presque tous en soulevant "
        "des charges ou sur une échelle.",
        "en": "Eleven small accidents in the warehouses last year, nearly all while "
        "lifting or on ladders.",
    },
    "for_whom": {
        "nl": "Magazijnmedewerkers en iedereen die in het filiaal aanvult.",
        "fr": "Les magasiniers et tous ceux qui réassortent en magasin.",
        "en": "Warehouse associates and everyone who restocks in the store.",
    },
    "changes": {
        "nl": "Eén week per filiaal met het leerpad 'Veilig werken', een toolbox-moment "
        "per dag en het verhaal van Jeroen.",
        "fr": "Une semaine par magasin avec le parcours « Travailler en sécurité », un "
        "moment toolbox par jour et l'histoire de Jeroen.",
        "en": "One week per store with the 'Safety at work' path, a toolbox moment each "
        "day and Jeroen's story.",
    },
}


def _initiative(
    title: str,
    summary: str,
    owner: Person,
    status: str,
    members: list[Person],
    path_key: str,
    campaign_key: str,
    story: dict[str, dict[str, str]],
) -> Initiative:
    from leerpad.campaigns.models import Campaign
    from leerpad.paths.models import Path

    initiative = services.save_initiative(
        Initiative(
            title=title,
            summary=summary,
            owner=owner,
            status=status,
            path=_link(Path, key=path_key),
            campaign=_link(Campaign, key=campaign_key),
        ),
        members,
    )
    return services.save_story(initiative, story["why"], story["for_whom"], story["changes"])


def _stakeholders(initiative: Initiative, specs: list[tuple[Any, ...]]) -> list[Stakeholder]:
    """specs: (person or None, name, function, influence, interest, buy-in, purpose, days)."""
    today = timezone.localdate()
    rows = []
    for person, name, function, influence, interest, buy_in, purpose, days in specs:
        rows.append(
            services.save_stakeholder(
                Stakeholder(
                    initiative=initiative,
                    person=person,
                    name="" if person else name,
                    function=function,
                    influence=influence,
                    interest=interest,
                    buy_in=buy_in,
                    purpose=purpose,
                    planned_on=today + dt.timedelta(days=days) if days is not None else None,
                )
            )
        )
    services.apply_suggested_order(initiative)
    return rows


def _log(
    stakeholder: Stakeholder,
    days_ago: int,
    said: str,
    concerns: str,
    next_step: str,
    buy_in: str,
    author: Person,
) -> None:
    services.log_consultation(
        stakeholder,
        held_on=timezone.localdate() - dt.timedelta(days=days_ago),
        said=said,
        concerns=concerns,
        next_step=next_step,
        buy_in=buy_in,
        author=author,
    )


def _board(
    ctx: DemoContext,
    initiative: Initiative,
    cards: list[tuple[str, str, str]],
    team: list[Person],
    pros_cons: list[tuple[str, str, int]],
) -> None:
    for quadrant, text, detail in cards:
        card = services.add_card(initiative, quadrant, text, detail, author=ctx.rng.choice(team))
        for person in ctx.rng.sample(team, ctx.rng.randint(0, len(team))):
            services.toggle_vote(card, person)
    for side, text, weight in pros_cons:
        services.add_procon(initiative, side, text, weight, author=ctx.rng.choice(team))


def _checkout(ctx: DemoContext, greet: Person, team: list[Person]) -> None:
    dirk = _person("Dirk", "Maes") or greet
    mira = _person("Mira", "Dubois") or greet
    initiative = _initiative(
        CHECKOUT,
        "Friendlier, faster checkouts in every store: a path, practice with the coach "
        "and a campaign with colleagues' stories.",
        greet,
        Initiative.Status.CONSULTING,
        [p for p in (dirk, mira, _person("Vince", "Claes")) if p],
        "customer-conversations",
        "complaint-handling-launch",
        CHECKOUT_STORY,
    )
    gent_manager = _store_person("Store manager", "Delta Gent")
    rows = _stakeholders(
        initiative,
        [
            (
                None,
                "Works council",
                "Employee representatives",
                5,
                2,
                BuyIn.UNKNOWN,
                "Explain that no individual scores are kept",
                10,
            ),
            (
                None,
                "Head of customer service",
                "Customer service, head office",
                4,
                4,
                BuyIn.HESITANT,
                "Agree on which complaints we use as cases",
                -20,
            ),
            (
                gent_manager,
                "Store manager Gent",
                "Store manager",
                4,
                5,
                BuyIn.SUPPORTIVE,
                "Pilot in Gent",
                -12,
            ),
            (
                _person("Cas", "Janssens"),
                "Store coach Gent",
                "Store coach",
                3,
                5,
                BuyIn.CHAMPION,
                "Practice sessions on the floor",
                -5,
            ),
            (
                None,
                "Finance director",
                "Finance",
                5,
                2,
                BuyIn.OPPOSED,
                "Show the cost of a lost customer",
                3,
            ),
            (
                _person("Lena", "Peeters"),
                "Cashier Gent",
                "Sales associate",
                1,
                4,
                BuyIn.UNKNOWN,
                "Hear what makes the till stressful",
                14,
            ),
        ],
    )
    head_cs, gent, coach, finance = rows[1], rows[2], rows[3], rows[4]
    _log(
        head_cs,
        30,
        "Sees the point, but fears that agents lose time on the cases.",
        "Workload of the agents in December.",
        "Pick five anonymised complaints together.",
        BuyIn.HESITANT,
        greet,
    )
    _log(
        head_cs,
        12,
        "Chose the five cases with us; wants to co-present the launch.",
        "",
        "Co-present at the store managers' meeting.",
        BuyIn.SUPPORTIVE,
        greet,
    )
    _log(
        gent,
        14,
        "Gent wants to be the pilot store.",
        "Staffing on Saturdays.",
        "Start the pilot in the second week of the month.",
        BuyIn.SUPPORTIVE,
        dirk,
    )
    _log(
        coach,
        6,
        "Will run two practice moments a week.",
        "",
        "Coach guide by Friday.",
        BuyIn.CHAMPION,
        dirk,
    )
    _log(
        finance,
        4,
        "Asks what it costs in hours off the floor.",
        "Two hours per cashier is too much in the high season.",
        "Send the figures on complaints and lost baskets.",
        BuyIn.OPPOSED,
        greet,
    )
    _board(
        ctx,
        initiative,
        [
            (
                SwotCard.Quadrant.STRENGTH,
                "Coaches are on the floor every day",
                "They can practise with cashiers between two customers.",
            ),
            (SwotCard.Quadrant.STRENGTH, "Regular customers know our people by name", ""),
            (
                SwotCard.Quadrant.WEAKNESS,
                "Queues at noon and on Saturdays",
                "Little time to learn during peaks.",
            ),
            (SwotCard.Quadrant.WEAKNESS, "Many student jobs with short contracts", ""),
            (
                SwotCard.Quadrant.OPPORTUNITY,
                "Marketing can tell the customer stories",
                "Video specialist films two cashiers who turned a complaint around.",
            ),
            (SwotCard.Quadrant.OPPORTUNITY, "Complaint handling path already exists", ""),
            (SwotCard.Quadrant.THREAT, "High season starts in six weeks", ""),
            (SwotCard.Quadrant.THREAT, "Self-scan tills may change the job", ""),
        ],
        team,
        [
            (ProCon.Side.PRO, "Fewer complaints at the checkout", 3),
            (ProCon.Side.PRO, "Cashiers feel more confident", 2),
            (ProCon.Side.PRO, "Stories for marketing from the floor", 1),
            (ProCon.Side.CON, "Hours off the floor in a busy period", 2),
            (ProCon.Side.CON, "Coaches already have a full agenda", 1),
        ],
    )


def _safety(ctx: DemoContext, owner: Person, team: list[Person]) -> None:
    initiative = _initiative(
        SAFETY,
        "One safety week per store: the 'Safety at work' path, a toolbox moment a day "
        "and Jeroen's story.",
        owner,
        Initiative.Status.RUNNING,
        [p for p in (_person("Sofie", "Aerts"), _person("Jonas", "Pauwels")) if p],
        "safety-at-work",
        "safety-story-nudge",
        SAFETY_STORY,
    )
    rows = _stakeholders(
        initiative,
        [
            (
                None,
                "Prevention advisor",
                "Internal prevention service",
                5,
                5,
                BuyIn.CHAMPION,
                "Check the content of every step",
                -40,
            ),
            (
                _store_person("Store manager", "Delta Liège"),
                "Store manager Liège",
                "Store manager",
                4,
                3,
                BuyIn.NEUTRAL,
                "Plan the week in Liège",
                -10,
            ),
            (
                _store_person("Warehouse associate", "Delta Antwerpen"),
                "Warehouse associate Antwerpen",
                "Warehouse associate",
                1,
                5,
                BuyIn.SUPPORTIVE,
                "Test the toolbox moments",
                -15,
            ),
            (None, "HR partners", "HR", 3, 3, BuyIn.UNKNOWN, "Register the hours", 7),
        ],
    )
    _log(
        rows[0],
        45,
        "Reviewed the steps on lifting and ladders; two corrections.",
        "",
        "Co-sign the path.",
        BuyIn.CHAMPION,
        owner,
    )
    _log(
        rows[1],
        10,
        "Fine, as long as it is not in the Black Friday weeks.",
        "Timing.",
        "Week 12 for Liège.",
        BuyIn.NEUTRAL,
        owner,
    )
    _board(
        ctx,
        initiative,
        [
            (SwotCard.Quadrant.STRENGTH, "Prevention advisor is on board", ""),
            (SwotCard.Quadrant.WEAKNESS, "Warehouse staff rarely open Leerpad", ""),
            (SwotCard.Quadrant.OPPORTUNITY, "Jeroen's story worked in the campaign", ""),
            (SwotCard.Quadrant.THREAT, "Stores skip it when it gets busy", ""),
        ],
        team,
        [
            (ProCon.Side.PRO, "Fewer accidents and absences", 3),
            (ProCon.Side.CON, "A week of planning for each store", 1),
        ],
    )


def _roles(*names: str) -> list[JobRole]:
    return [JobRole.objects.get_or_create(name=name)[0] for name in names]


def _places(*names: str) -> list[Location]:
    return [Location.objects.get_or_create(name=name)[0] for name in names]


def _plans(ld_owner: Person, marketing_owner: Person) -> None:
    year = timezone.localdate().year
    if AnnualPlan.objects.filter(year=year).exists():
        return
    ld = services.create_plan(year, AnnualPlan.Kind.LD, ld_owner)
    marketing = services.create_plan(year, AnnualPlan.Kind.MARKETING, marketing_owner)
    entries: list[tuple[AnnualPlan, str, int, int, list[JobRole], list[Location], str, str]] = [
        (
            ld,
            "Onboarding path for new cashiers",
            1,
            3,
            _roles("Cashier"),
            [],
            "",
            "Path 'Onboarding cashier', till simulator",
        ),
        (
            ld,
            "Customer conversations at the checkout",
            3,
            5,
            _roles("Cashier", "Sales associate"),
            [],
            "",
            "Path 'Customer conversations', coach guide",
        ),
        (
            ld,
            "Garden advice for spring",
            2,
            4,
            _roles("Garden specialist"),
            [],
            "",
            "Micro-videos on pruning and lawns",
        ),
        (
            ld,
            "Safety week: lifting and ladders",
            6,
            6,
            _roles("Warehouse associate"),
            [],
            "Everyone who restocks",
            "Path 'Safety at work', toolbox cards",
        ),
        (
            ld,
            "Coaching at the branch",
            9,
            11,
            _roles("Store coach"),
            [],
            "",
            "Path 'Coaching at the branch', peer sessions",
        ),
        (
            marketing,
            "Smile at the till campaign",
            4,
            5,
            _roles("Cashier"),
            [],
            "",
            "Video of two cashiers, posters for the break room",
        ),
        (
            marketing,
            "Spring garden customer stories",
            3,
            4,
            _roles("Garden specialist"),
            [],
            "",
            "Customer photos, in-store screens",
        ),
        (marketing, "Safety story videos", 6, 7, [], [], "All staff", "Jeroen's story, teaser"),
        (
            marketing,
            "Black Friday readiness",
            11,
            11,
            [],
            _places("Delta Brussel", "Delta Liège"),
            "French-speaking stores",
            "Campaign in French, store briefing",
        ),
        (
            marketing,
            "Employer brand: job crafting stories",
            9,
            10,
            _roles("Buyer"),
            [],
            "Head office buyers",
            "Interviews for the careers page",
        ),
    ]
    for plan, goal, start, end, roles, places, note, assets in entries:
        services.save_entry(
            PlanEntry(
                plan=plan,
                goal=goal,
                start_month=start,
                end_month=end,
                audience_note=note,
                assets=assets,
            ),
            roles,
            places,
        )


def load(ctx: DemoContext) -> None:
    greet = _person("Greet", "Wouters") or _with_role(Role.LDM_MANAGER)
    if greet is None:  # no demo people: nothing to hang initiatives on
        return
    dirk = _person("Dirk", "Maes") or _with_role(Role.LD_SPECIALIST) or greet
    mira = _person("Mira", "Dubois") or _with_role(Role.MARKETER) or greet
    team = list(Person.objects.filter(team__name="LD&M")) or list(
        dict.fromkeys([greet, dirk, mira])
    )
    if not Initiative.objects.filter(title=CHECKOUT).exists():
        _checkout(ctx, greet, team)
    if not Initiative.objects.filter(title=SAFETY).exists():
        _safety(ctx, dirk, team)
    _plans(dirk, mira)
    ctx.notes.append(
        "Initiatives: two initiatives with stakeholders, consultations and SWOT; "
        "this year's L&D and marketing plans side by side."
    )
