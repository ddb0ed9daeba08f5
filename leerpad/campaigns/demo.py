"""Demo segments and campaigns for the marketers of "Delta Huis & Tuin" (see
accounts/demo.py). Loaded after the people, paths and their history (INSTALLED_APPS order).

- Segments: the audiences the LD&M team nudges most; a rule whose path or job role is
  missing is left out.
- Campaigns: three past ones (a storytelling nudge to finish "Safety at work", a welcome
  series for new hires, the "Complaint handling" launch) and one running experiment, with
  messages in nl/fr/en on e-mail, Slack or Teams and in Leerpad; A/B tests of the
  connecting text (hook). Their outcomes are in the learning record: every click is the
  tracked link's own statement (`tracking.clicked`), then item views that arrived via the
  campaign, enrolments and step completions, drawn with a true rate per variant (`Arm`)
  so the results page shows what the stats engine finds in data whose answer is known.
"""

from __future__ import annotations

import datetime as dt
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from leerpad.accounts.models import JobRole, Location, Person
from leerpad.campaigns import experiments, library, services, tracking
from leerpad.campaigns.models import Campaign, Delivery, Experiment, Segment
from leerpad.catalog import tracking as catalog_tracking
from leerpad.catalog.tracking import Arrival
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.lrs.agents import agent_for_person
from leerpad.lrs.services import leerpad_authority, record_statements
from leerpad.lrs.xapi import VERSION_2
from leerpad.paths import services as path_services
from leerpad.paths import tracking as path_tracking
from leerpad.paths.completions import step_iris
from leerpad.paths.models import Enrolment, Path, Step


def _path(key: str) -> list[dict[str, Any]]:
    return [] if not Path.objects.filter(key=key).exists() else [{"path": key}]


def _specs() -> list[tuple[str, str, dict[str, Any]]]:
    gent = Location.objects.filter(name="Delta Gent").first()
    cashier = JobRole.objects.filter(name="Cashier").first()
    specs: list[tuple[str, str, dict[str, Any]]] = []
    for safety in _path("safety-at-work"):
        specs.append(
            (
                "Stalled in Safety at work for 14 days",
                "Enrolled, active, and nothing done in the path for two weeks: a friendly nudge.",
                {"match": "all", "rules": [{"type": "stalled", "days": 14, **safety}]},
            )
        )
    if gent is not None:
        specs.append(
            (
                "New hires in Gent",
                "Joined in the last 90 days and working in Delta Gent: the welcome series.",
                {
                    "match": "all",
                    "rules": [
                        {"type": "location", "locations": [gent.pk]},
                        {"type": "joined_within", "days": 90},
                    ],
                },
            )
        )
    if cashier is not None:
        rules: list[dict[str, Any]] = [{"type": "job_role", "job_roles": [cashier.pk]}]
        rules += [{"type": "enrolled", "not": True, **p} for p in _path("onboarding-cashier")]
        specs.append(
            (
                "Cashiers without the checkout path",
                "Cashiers who never enrolled in the cashier onboarding path.",
                {"match": "all", "rules": rules},
            )
        )
    specs.append(
        (
            "Quiet for a month",
            "No activity in Leerpad in the last 30 days (including people who never came).",
            {"match": "all", "rules": [{"type": "inactive", "days": 30}]},
        )
    )
    specs.append(
        (
            "French speakers who never used Leerpad",
            "For the launch message in French.",
            {
                "match": "all",
                "rules": [{"type": "language", "languages": ["fr"]}, {"type": "never_visited"}],
            },
        )
    )
    return specs


def load(ctx: DemoContext) -> None:
    load_segments(ctx)
    load_campaigns(ctx)
    # The message library's starters: e-mail, Slack, Teams and in-app texts in nl/fr/en.
    library.add_starters()


def load_segments(ctx: DemoContext) -> None:
    if Segment.objects.exists():
        return
    marketer = Person.objects.filter(groups__name=Role.MARKETER.value).order_by("pk").first()
    for name, description, rules in _specs():
        services.create_segment(name, description, rules, by=marketer)
    ctx.notes.append(f"campaigns: {Segment.objects.count()} segments")


# --- past campaigns, their experiments and their outcomes in the learning record --------
#
# The outcomes are drawn here, from a seeded generator with a TRUE rate per variant
# (`Arm` below): the stats engine only ever reads them back, so the demo shows what the
# engine finds in data whose answer is known (e.g. variant B really is +4 pp).

CAMPAIGN_SEED = 20261207


@dataclass(frozen=True)
class Arm:
    """The true behaviour of one variant's recipients (probabilities, per delivered person)."""

    click: float
    enrol: float  # after a click, for people not yet enrolled in the goal path
    complete: float  # after a click (and an enrolment), completing the goal step


@dataclass(frozen=True)
class DemoCampaign:
    key: str
    name: str
    goal: str
    path_key: str
    channels: tuple[str, ...]
    texts: dict[str, dict[str, str]]
    weeks_ago: float  # when it was sent
    arms: dict[str, Arm]  # "A" alone: no experiment
    variant_hooks: dict[str, str] = field(default_factory=dict)  # B's connecting text
    metric: str = ""
    status: str = "done"
    send_days: int = 1  # days over which the deliveries went out
    audience: int = 160
    segment: str = "Quiet for a month"  # the demo segment it was sent to, when it exists


E, S, T, APP = "email", "slack", "teams", "in_app"

SAFETY = {
    "nl": {
        "subject": "{first_name}, nog één stap in Veilig op het werk",
        "hook": "Vorige winter gleed Jeroen uit in het magazijn van Delta Namen.",
        "story": "Hij kende de regels, maar had de module over ladders nooit afgemaakt. "
        "Twee weken thuis later zei hij: had ik die tien minuten maar genomen.",
        "ask": "Maak je volgende stap af: het duurt tien minuten.",
    },
    "fr": {
        "subject": "{first_name}, encore une étape de Sécurité au travail",
        "hook": "L'hiver dernier, Jeroen a glissé dans l'entrepôt de Delta Namur.",
        "story": "Il connaissait les règles, mais n'avait jamais terminé le module sur les "
        "échelles. Après deux semaines à la maison, il a dit : j'aurais dû prendre ces "
        "dix minutes.",
        "ask": "Terminez votre prochaine étape : dix minutes suffisent.",
    },
    "en": {
        "subject": "{first_name}, one more step in Safety at work",
        "hook": "Last winter Jeroen slipped in the Delta Namur warehouse.",
        "story": "He knew the rules, but had never finished the module on ladders. "
        "Two weeks at home later he said: I wish I had taken those ten minutes.",
        "ask": "Finish your next step: it takes ten minutes.",
    },
}
SAFETY_B = {
    "nl": "Je bent al {progress} ver, {first_name}: de rest is een kwartiertje.",
    "fr": "Vous en êtes déjà à {progress}, {first_name} : le reste prend un quart d'heure.",
    "en": "You are already {progress} of the way, {first_name}: the rest takes fifteen minutes.",
}
WELCOME = {
    "nl": {
        "subject": "Welkom bij Delta, {first_name}",
        "hook": "Je eerste weken in {location}: wat iedereen je vergeet te vertellen.",
        "story": "Sara begon vorig jaar aan de kassa. Na haar startpad wist ze waar alles lag "
        "en durfde ze klanten zelf te helpen.",
        "ask": "Begin aan je startpad",
    },
    "fr": {
        "subject": "Bienvenue chez Delta, {first_name}",
        "hook": "Vos premières semaines à {location} : ce qu'on oublie toujours de vous dire.",
        "story": "Sara a commencé à la caisse l'an dernier. Après son parcours d'accueil, elle "
        "savait où tout se trouvait et osait aider les clients seule.",
        "ask": "Commencez votre parcours d'accueil",
    },
    "en": {
        "subject": "Welcome to Delta, {first_name}",
        "hook": "Your first weeks in {location}: what everyone forgets to tell you.",
        "story": "Sara started at the checkout last year. After her onboarding path she knew "
        "where everything was and dared to help customers on her own.",
        "ask": "Start your onboarding path",
    },
}
WELCOME_B = {
    "nl": "{first_name}, je collega's in {location} hebben dit pad ook gevolgd.",
    "fr": "{first_name}, vos collègues de {location} ont aussi suivi ce parcours.",
    "en": "{first_name}, your colleagues in {location} took this path too.",
}
COMPLAINTS = {
    "nl": {
        "subject": "Nieuw: klachten omzetten in vaste klanten",
        "hook": "Een boze klant is een klant die nog om je winkel geeft.",
        "story": "In Delta Gent werd een klacht over een kapotte grasmaaier een klant die "
        "elk voorjaar terugkomt, dankzij vijf minuten luisteren.",
        "ask": "Ontdek het pad Klachten behandelen",
    },
    "fr": {
        "subject": "Nouveau : transformer une plainte en client fidèle",
        "hook": "Un client fâché est un client qui tient encore à votre magasin.",
        "story": "À Delta Gand, une plainte pour une tondeuse cassée est devenue un client qui "
        "revient chaque printemps, grâce à cinq minutes d'écoute.",
        "ask": "Découvrez le parcours Gérer les plaintes",
    },
    "en": {
        "subject": "New: turning complaints into loyal customers",
        "hook": "An angry customer is a customer who still cares about your store.",
        "story": "In Delta Gent a complaint about a broken lawnmower became a customer who "
        "comes back every spring, thanks to five minutes of listening.",
        "ask": "Discover the Complaint handling path",
    },
}
DIGITAL = {
    "nl": {
        "subject": "Tien minuten per week voor je digitale vaardigheden",
        "hook": "Wist je dat de handscanner meer kan dan prijzen lezen?",
        "story": "Ahmed vond in twee minuten de voorraad van een andere winkel, terwijl de "
        "klant wachtte.",
        "ask": "Probeer de eerste stap",
    },
    "fr": {
        "subject": "Dix minutes par semaine pour vos compétences numériques",
        "hook": "Saviez-vous que le scanner fait plus que lire les prix ?",
        "story": "Ahmed a trouvé en deux minutes le stock d'un autre magasin, pendant que le "
        "client attendait.",
        "ask": "Essayez la première étape",
    },
    "en": {
        "subject": "Ten minutes a week for your digital skills",
        "hook": "Did you know the hand scanner does more than read prices?",
        "story": "Ahmed found another store's stock in two minutes while the customer waited.",
        "ask": "Try the first step",
    },
}
DIGITAL_B = {
    "nl": "Drie collega's uit {location} deden deze week de eerste stap.",
    "fr": "Trois collègues de {location} ont fait la première étape cette semaine.",
    "en": "Three colleagues from {location} took the first step this week.",
}

CAMPAIGNS = (
    DemoCampaign(
        key="safety-story-nudge",
        name="Safety at work: Jeroen's story",
        goal="complete_step",
        path_key="safety-at-work",
        channels=(E, T, APP),
        texts=SAFETY,
        weeks_ago=9,
        arms={"A": Arm(0.45, 0.5, 0.16), "B": Arm(0.47, 0.5, 0.24)},
        variant_hooks=SAFETY_B,
        segment="Stalled in Safety at work for 14 days",
        metric="completed_step",
    ),
    DemoCampaign(
        key="welcome-new-hires",
        name="Welcome series for new hires",
        goal="enrol",
        path_key="onboarding-sales-associate",
        channels=(E, S, APP),
        texts=WELCOME,
        weeks_ago=6,
        arms={"A": Arm(0.50, 0.40, 0.20), "B": Arm(0.55, 0.52, 0.22)},
        variant_hooks=WELCOME_B,
        segment="New hires in Gent",
        metric="enrolled",
    ),
    DemoCampaign(
        key="complaint-handling-launch",
        name="Launch: Complaint handling",
        goal="enrol",
        path_key="complaint-handling",
        channels=(E, T, APP),
        texts=COMPLAINTS,
        weeks_ago=3,
        arms={"A": Arm(0.35, 0.30, 0.15)},
    ),
    DemoCampaign(
        key="digital-skills-first-step",
        name="Digital skills: the first step",
        goal="complete_step",
        path_key="digital-skills",
        channels=(E, S, APP),
        texts=DIGITAL,
        weeks_ago=3 / 7,
        arms={"A": Arm(0.40, 0.35, 0.20), "B": Arm(0.42, 0.35, 0.26)},
        variant_hooks=DIGITAL_B,
        metric="completed_step",
        status="running",
        send_days=7,  # started three days ago: only the first days went out
    ),
)


def _goal_step(path: Path) -> Step | None:
    """The goal step: the path's first item step (its completion is one plain statement)."""
    if path.current is None:
        return None
    return (
        Step.objects.filter(version=path.current, kind=Step.Kind.ITEM, item__isnull=False)
        .select_related("item")
        .order_by("position")
        .first()
    )


def _audience(rng: random.Random, spec: DemoCampaign, path: Path) -> list[Person]:
    """Who the campaign reached: the newest hires for the welcome series, the people
    active in the path for a step nudge (when there are enough), else a random draw."""
    people = Person.objects.filter(is_active=True).order_by("pk")
    if spec.key == "welcome-new-hires":
        return list(people.order_by("-date_joined", "pk")[: spec.audience])
    if spec.goal == "complete_step":
        enrolled = Enrolment.objects.filter(path=path, status=Enrolment.Status.ACTIVE)
        chosen = list(people.filter(pk__in=enrolled.values("person_id")))
        if len(chosen) >= spec.audience // 2:
            return chosen[: spec.audience]
    found = list(people)
    rng.shuffle(found)
    return sorted(found[: spec.audience], key=lambda p: p.pk)


class _Writer:
    """Collects the downstream statements and enrolments of every campaign, written in
    batches at the end (clicks go through `tracking.clicked`, as the tracked link does)."""

    def __init__(self) -> None:
        self.statements: list[dict[str, Any]] = []
        self.enrolments: list[Enrolment] = []

    def add(
        self,
        person: Person,
        verb: str,
        display: dict[str, str],
        obj: dict[str, Any],
        when: dt.datetime,
        context: dict[str, Any] | None = None,
    ) -> None:
        statement: dict[str, Any] = {
            "actor": agent_for_person(person),
            "verb": {"id": verb, "display": display},
            "object": obj,
            "timestamp": when.isoformat(),
        }
        if context:
            statement["context"] = context
        self.statements.append(statement)

    def write(self) -> None:
        Enrolment.objects.bulk_create(self.enrolments, batch_size=500)
        authority = leerpad_authority()
        self.statements.sort(key=lambda s: str(s["timestamp"]))
        for start in range(0, len(self.statements), 500):
            record_statements(
                self.statements[start : start + 500], version=VERSION_2, authority=authority
            )


def _make_campaign(
    spec: DemoCampaign, segment: Segment, path: Path, step: Step | None, by: Person | None
) -> Campaign:
    send_at = timezone.now() - dt.timedelta(weeks=spec.weeks_ago)
    campaign = services.save_campaign(
        Campaign(
            key=spec.key,
            name=spec.name,
            goal=spec.goal,
            goal_path=path,
            goal_step_uid=step.uid if step is not None and spec.goal == "complete_step" else None,
            segment=segment,
            send_at=send_at,
        ),
        by=by,
    )
    for channel in spec.channels:
        services.save_message(campaign, channel, spec.texts, banner=channel == APP)
    Campaign.objects.filter(pk=campaign.pk).update(
        status=spec.status, launched_at=send_at, created_at=send_at - dt.timedelta(days=3)
    )
    campaign.refresh_from_db()
    if len(spec.arms) > 1:
        experiment = experiments.save_experiment(
            Experiment(
                campaign=campaign,
                varies=Experiment.Varies.HOOK,
                metric=spec.metric,
                window_days=14,
                planned_per_arm=spec.audience // 2,
            ),
            [
                experiments.VariantInput("Story hook", {}, [], 0),
                experiments.VariantInput("Personal hook", spec.variant_hooks, [], 0),
            ],
        )
        running = spec.status == Campaign.Status.RUNNING
        Experiment.objects.filter(pk=experiment.pk).update(
            status=Experiment.Status.RUNNING if running else Experiment.Status.STOPPED,
            started_at=send_at,
        )
    return campaign


def _simulate(
    rng: random.Random, spec: DemoCampaign, campaign: Campaign, step: Step | None, out: _Writer
) -> tuple[int, int]:
    """Deliveries and what their recipients did; returns (deliveries, clicks)."""
    path = campaign.goal_path
    if path is None or path.current is None:
        return 0, 0
    now = timezone.now()
    start = campaign.send_at or now
    messages = {m.channel: m for m in campaign.messages.all()}
    people = _audience(rng, spec, path)
    enrolled = set(
        Enrolment.objects.filter(path=path, person__in=people).values_list("person_id", flat=True)
    )
    arms = sorted(spec.arms)
    deliveries: list[Delivery] = []
    for index, person in enumerate(people):
        arm = arms[index % len(arms)] if len(arms) > 1 else ""
        channel = rng.choices(spec.channels, weights=(5, 3, 2))[0]
        sent = start + dt.timedelta(
            days=rng.randrange(spec.send_days), minutes=rng.randrange(0, 240)
        )
        if sent > now:
            continue  # a running campaign: only the first days went out
        deliveries.append(
            Delivery(
                campaign=campaign,
                message=messages[channel],
                person=person,
                channel=channel,
                occurrence="once",
                status=Delivery.Status.SENT,
                language=person.language or "nl",
                scheduled_for=sent,
                attempts=1,
                sent_at=sent,
                variant=arm,
                location_id=person.location_id,
                job_role_id=person.job_role_id,
                created_at=sent,
            )
        )
    rng.shuffle(deliveries)  # alternate arms without tying them to the pk order
    Delivery.objects.bulk_create(deliveries, batch_size=500)
    clicks = 0
    item = step.item if step is not None else None
    for delivery in deliveries:
        truth = spec.arms[delivery.variant or "A"]
        when = delivery.scheduled_for + dt.timedelta(hours=rng.uniform(0.2, 30))
        if rng.random() >= truth.click or when > now:
            continue
        clicks += 1
        delivery.clicked_at = when
        tracking.clicked(delivery, f"/paths/{path.key}/", when)
        person = delivery.person
        arrival = Arrival("campaign", campaign.key, delivery.variant)
        registration = uuid.uuid5(uuid.NAMESPACE_URL, f"demo-campaign:{person.pk}:{path.key}")
        if item is not None:
            out.add(
                person,
                catalog_tracking.VIEWED,
                catalog_tracking.DISPLAY[catalog_tracking.VIEWED],
                catalog_tracking.activity(item),
                when + dt.timedelta(minutes=2),
                {"language": delivery.language, "extensions": arrival.extensions()},
            )
        if person.pk not in enrolled:
            if rng.random() >= truth.enrol:
                continue
            at = when + dt.timedelta(minutes=5)
            enrolled.add(person.pk)
            out.enrolments.append(
                Enrolment(
                    person=person,
                    path=path,
                    version=path.current,
                    registration=registration,
                    enrolled_at=at,
                    last_activity_at=at,
                )
            )
            out.add(
                person,
                path_tracking.REGISTERED,
                path_tracking.DISPLAY[path_tracking.REGISTERED],
                path_services.path_activity(path.current),
                at,
                {
                    "registration": str(registration),
                    "extensions": {path_tracking.EXT_PATH_VERSION: path.current.number},
                },
            )
        if step is not None and rng.random() < truth.complete:
            done = when + dt.timedelta(days=rng.uniform(0.1, 5))
            if done <= now:
                iri = sorted(step_iris(step, path.key))[0]
                out.add(
                    person,
                    path_tracking.COMPLETED,
                    path_tracking.DISPLAY[path_tracking.COMPLETED],
                    {"objectType": "Activity", "id": iri},
                    done,
                    {"extensions": {path_tracking.EXT_STEP: str(step.uid)}},
                )
    Delivery.objects.bulk_update(
        [d for d in deliveries if d.clicked_at is not None], ["clicked_at"], batch_size=500
    )
    return len(deliveries), clicks


def load_campaigns(ctx: DemoContext) -> None:
    if Campaign.objects.exists():
        return
    # Its own generator: the campaigns stay the same when earlier apps draw more or less.
    rng = random.Random(CAMPAIGN_SEED)  # noqa: S311 - demo data, not secrets
    marketer = Person.objects.filter(groups__name=Role.MARKETER.value).order_by("pk").first()
    fallback = Segment.objects.order_by("pk").first() or services.create_segment(
        "Everyone", "", {"match": "all", "rules": []}, by=marketer
    )
    out = _Writer()
    made = []
    for spec in CAMPAIGNS:
        path = Path.objects.filter(key=spec.path_key).select_related("current").first()
        if path is None or path.current is None:
            continue
        step = _goal_step(path)
        if spec.goal == "complete_step" and step is None:
            continue
        segment = Segment.objects.filter(name=spec.segment).first() or fallback
        campaign = _make_campaign(spec, segment, path, step, marketer)
        sent, clicks = _simulate(rng, spec, campaign, step, out)
        made.append(f"{campaign.key} ({sent} sent, {clicks} clicks)")
    out.write()
    ctx.notes.append("campaigns: " + ", ".join(made))
