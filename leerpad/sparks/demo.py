"""Demo sparks and field visits for "Delta Huis & Tuin" (see accounts/demo.py), loaded after
the catalogue and the campaigns (INSTALLED_APPS order).

- Eight sparks from coaches and employees of several stores, each in the sender's language:
  ideas, customer stories, a question, two photos (small pictures drawn here with Pillow);
  some triaged, one that became a catalogue item, one that became a campaign, one that the
  sender does not want to be named for.
- Field visits: Gent (recent), Antwerpen (long ago: overdue), Brussel (logged, and planned
  again), Namur (planned only); Liège has never been visited.

What is missing in the database (a store, a role) is skipped; loading twice adds nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image, ImageDraw

from leerpad.accounts.models import Location, Person
from leerpad.campaigns.models import Campaign, Notification
from leerpad.catalog.models import ContentItem
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext
from leerpad.sparks import media, services
from leerpad.sparks.models import Comment, Kind, Spark, Status


@dataclass(frozen=True)
class _Spec:
    store: str
    coach: bool  # from the store's coach, else from one of its employees
    kind: Kind
    texts: dict[str, str]  # per language; the sender's is used
    status: Status
    days_ago: int
    credit: bool = True
    photo: tuple[int, int, int] | None = None  # the colour of the drawn picture
    becomes: str = ""  # "item" or "campaign"
    comment: str = ""


SPECS = (
    _Spec(
        "Delta Gent",
        True,
        Kind.IDEA,
        {
            "nl": "Laat nieuwe collega's een dag meelopen in de tuinafdeling vóór het voorjaar: "
            "dan kennen ze de vragen over zaaien en bemesten al.",
            "fr": "Faire suivre une journée au rayon jardin aux nouveaux avant le printemps.",
            "en": "Let new colleagues shadow the garden department for a day before spring.",
        },
        Status.USED,
        40,
        becomes="item",
        comment="Sluit aan bij de onboarding tuin; Dirk maakt er een korte video van.",
    ),
    _Spec(
        "Delta Gent",
        False,
        Kind.STORY,
        {
            "nl": "Een klant kwam terug om te bedanken: we hadden haar de goedkopere "
            "regenton aangeraden in plaats van de duurste. Ze kocht daarna een hele tuinset.",
            "fr": "Une cliente est revenue nous remercier d'un bon conseil.",
            "en": "A customer came back to thank us for advising the cheaper rain barrel.",
        },
        Status.USED,
        30,
        becomes="campaign",
        comment="Mooi voor de campagne over klachten en advies.",
    ),
    _Spec(
        "Delta Antwerpen",
        True,
        Kind.PHOTO,
        {
            "nl": "Zo leggen we nu de zaadjes per maand van zaaien: klanten vinden het meteen.",
            "fr": "Nos graines rangées par mois de semis.",
            "en": "Our seeds sorted by sowing month.",
        },
        Status.BOTH,
        12,
        photo=(46, 125, 50),
    ),
    _Spec(
        "Delta Brussel",
        False,
        Kind.QUESTION,
        {
            "nl": "Hoe leggen we uit dat een elektrische grasmaaier geen olie nodig heeft?",
            "fr": "Comment expliquer simplement l'entretien d'une tondeuse électrique ? "
            "Les clients posent la question chaque samedi.",
            "en": "How do we explain looking after an electric lawnmower simply?",
        },
        Status.LEARNING,
        9,
    ),
    _Spec(
        "Delta Liège",
        True,
        Kind.IDEA,
        {
            "nl": "Een vaste 'vraag van de week' in de pauzeruimte.",
            "fr": "Une « question de la semaine » affichée en salle de pause, avec la réponse "
            "le lundi suivant : tout le monde apprend, même sans ordinateur.",
            "en": "A 'question of the week' in the break room, answered the next Monday.",
        },
        Status.NEW,
        3,
        credit=False,
    ),
    _Spec(
        "Delta Namur",
        False,
        Kind.PHOTO,
        {"nl": "", "fr": "", "en": ""},
        Status.NEW,
        1,
        photo=(245, 166, 35),
    ),
    _Spec(
        "Delta Leuven",
        False,
        Kind.STORY,
        {
            "nl": "Studenten vragen vaak naar kamerplanten die weinig licht nodig hebben. "
            "We hebben er nu een bordje voor gemaakt.",
            "fr": "Les étudiants demandent des plantes qui supportent peu de lumière.",
            "en": "Students often ask for houseplants that need little light.",
        },
        Status.MARKETING,
        15,
    ),
    _Spec(
        "Delta Brugge",
        True,
        Kind.IDEA,
        {
            "nl": "Een korte quiz aan de kassa terwijl de betaalterminal opstart.",
            "fr": "Un petit quiz à la caisse pendant le démarrage du terminal.",
            "en": "A short quiz at the till while the payment terminal starts up.",
        },
        Status.NOT_NOW,
        22,
    ),
)

# (store, days ago (negative: planned ahead), what we learned; empty: only planned)
VISITS = (
    (
        "Delta Gent",
        20,
        "Op zaterdag komen de meeste tuinvragen tussen 10 en 12 uur; de coach wil korte "
        "video's die collega's op de winkelvloer kunnen bekijken.",
    ),
    (
        "Delta Antwerpen",
        130,
        "Het magazijnteam mist de opleidingen omdat die tijdens de leveringen vallen.",
    ),
    (
        "Delta Brussel",
        45,
        "Les clients posent beaucoup de questions sur les outils électriques ; les "
        "vendeurs veulent des fiches courtes en français et en néerlandais.",
    ),
    ("Delta Brussel", -10, ""),
    ("Delta Namur", -6, ""),
)


def _picture(colour: tuple[int, int, int]) -> bytes:
    """A small drawn "photo": no real picture (nor anyone in it) ships with the demo."""
    image = Image.new("RGB", (640, 480), (236, 239, 230))
    draw = ImageDraw.Draw(image)
    for row in range(4):
        for col in range(6):
            x, y = 30 + col * 100, 40 + row * 105
            draw.rectangle((x, y, x + 80, y + 85), fill=colour, outline=(40, 40, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _people_at(location: Location, role: Role) -> list[Person]:
    return list(
        Person.objects.filter(location=location, is_active=True, groups__name=role.value).order_by(
            "pk"
        )
    )


def _employees_at(location: Location) -> list[Person]:
    # Store staff without a Leerpad role beyond learner.
    other_roles = [role.value for role in Role if role != Role.LEARNER]
    return list(
        Person.objects.filter(location=location, is_active=True)
        .exclude(groups__name__in=other_roles)
        .exclude(job_role__name="Store manager")
        .order_by("pk")
    )


def _team() -> list[Person]:
    roles = [Role.LD_SPECIALIST.value, Role.MARKETER.value, Role.LDM_MANAGER.value]
    return list(
        Person.objects.filter(groups__name__in=roles, is_active=True).distinct().order_by("pk")
    )


def load(ctx: DemoContext) -> None:
    if Spark.objects.exists():
        return
    now = timezone.now()
    stores = {loc.name: loc for loc in Location.objects.all()}
    item = (
        ContentItem.objects.filter(status="published", kind="video").order_by("pk").first()
        or ContentItem.objects.order_by("pk").first()
    )
    campaign = (
        Campaign.objects.filter(key="complaint-handling-launch").first()
        or Campaign.objects.order_by("pk").first()
    )
    team = _team()
    made: dict[str, list[Spark]] = {}
    for spec in SPECS:
        location = stores.get(spec.store)
        if location is None:
            continue
        people = (
            _people_at(location, Role.COACH) if spec.coach else _employees_at(location)
        ) or _people_at(location, Role.COACH)
        if not people:
            continue
        sender = people[0] if spec.coach else ctx.rng.choice(people)
        prepared = None
        if spec.photo is not None:
            upload = SimpleUploadedFile("vloer.png", _picture(spec.photo), "image/png")
            prepared = media.prepare(upload)
        spark = services.send_spark(
            sender,
            kind=spec.kind,
            text=spec.texts.get(sender.language, spec.texts["en"]),
            location=location,
            credit_consent=spec.credit,
            media=prepared,
        )
        sent = now - dt.timedelta(days=spec.days_ago, hours=ctx.rng.randint(1, 8))
        Spark.objects.filter(pk=spark.pk).update(created_at=sent)
        spark.created_at = sent
        if spec.becomes == "item" and item is not None:
            services.link_spark(spark, item=item)
        elif spec.becomes == "campaign" and campaign is not None:
            services.link_spark(spark, campaign=campaign)
        elif spec.status != Status.NEW:
            services.move_spark(spark, spec.status)
        if spec.comment and team:
            Comment.objects.create(spark=spark, author=team[0], text=spec.comment)
        made.setdefault(spec.store, []).append(spark)
    # The demo's notifications about used sparks are from "a while ago", like the sparks.
    Notification.objects.filter(link__startswith="/workspace/sparks/").update(
        created_at=now - dt.timedelta(days=5)
    )

    today = timezone.localdate()
    for store, days_ago, learned in VISITS:
        location = stores.get(store)
        if location is None:
            continue
        who = ctx.rng.sample(team, k=min(2, len(team)))
        visit = services.plan_visit(
            location,
            today - dt.timedelta(days=days_ago),
            who,
            "Een dag meewerken op de winkelvloer en horen wat collega's en klanten vragen.",
            by=who[0] if who else None,
        )
        if learned:
            services.log_visit(
                visit,
                what_we_did="Meegewerkt aan de kassa en in de tuinafdeling; gesprekken met "
                "de coach en drie collega's.",
                what_we_learned=learned,
                sparks=made.get(store, [])[:1],
            )
    ctx.notes.append("Sparks: 8 sparks from the stores and field visits (Liège never visited).")
