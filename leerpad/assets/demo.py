"""Demo asset library of "Delta Huis & Tuin" (see accounts/demo.py): eight assets with
tags, versions, rights and consent. Loaded after the catalogue and campaigns
(INSTALLED_APPS order), so reuse points at their demo items and campaigns.

- "Rollenspel: klachten aan de kassa" (video): the consent of the colleague who plays the
  customer ends in 10 days; the complaint-handling item and campaign use it, so both show
  the warning and the daily check notifies their owners.
- "Kassa close-up Antwerpen" (image): the cashier withdrew her consent; it is not usable.
- The files are tiny: images drawn with Pillow, a PDF with fpdf2, and for the video and the
  audio a few bytes in a file whose name says it is a demo placeholder.
"""

from __future__ import annotations

import datetime as dt
import io
import random

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Q
from django.utils import timezone
from PIL import Image, ImageDraw

from leerpad.accounts.models import Person
from leerpad.assets import services
from leerpad.assets.models import Asset, Kind, Source, Use
from leerpad.core.access import Role
from leerpad.core.demo import DemoContext

L, M, E = Use.LEARNING.value, Use.MARKETING.value, Use.EXTERNAL.value


def _png(name: str, colours: tuple[str, str], rng: random.Random) -> SimpleUploadedFile:
    """A small picture: two colours, a horizon and a few "plants"."""
    image = Image.new("RGB", (480, 320), colours[0])
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 200, 480, 320), fill=colours[1])
    for _ in range(6):
        x = rng.randint(20, 440)
        draw.ellipse((x, 150, x + 40, 210), fill="#2f855a")
    out = io.BytesIO()
    image.save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def _pdf(name: str, title: str, lines: list[str]) -> SimpleUploadedFile:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.multi_cell(0, 7, line, new_x="LMARGIN", new_y="NEXT")
    return SimpleUploadedFile(name, bytes(pdf.output()), content_type="application/pdf")


def _placeholder(name: str, what: str) -> SimpleUploadedFile:
    text = f"Leerpad demo placeholder for {what}: not a real media file.\n".encode()
    return SimpleUploadedFile(name, text, content_type="application/octet-stream")


def _person(first: str, last: str) -> Person | None:
    return Person.objects.filter(first_name=first, last_name=last).first()


def _staff_at(store: str, skip: int = 0) -> Person | None:
    """Someone on the floor of a store (not in the LD&M team)."""
    team_roles = [Role.LD_SPECIALIST, Role.MARKETER, Role.LDM_MANAGER, Role.ADMIN]
    return (
        Person.objects.filter(location__name=store, is_active=True)
        .exclude(groups__name__in=[r.value for r in team_roles])
        .order_by("pk")[skip : skip + 1]
        .first()
    )


def _item(*words: str) -> int | None:
    from leerpad.catalog.models import ContentItem

    query = Q()
    for word in words:
        query |= Q(translations__title__icontains=word)
    found = ContentItem.objects.filter(query).order_by("pk").values_list("pk", flat=True).first()
    return found


def _campaign(key: str) -> int | None:
    from leerpad.campaigns.models import Campaign

    found = Campaign.objects.filter(key=key).values_list("pk", flat=True).first()
    if found is None:
        found = Campaign.objects.order_by("pk").values_list("pk", flat=True).first()
    return found


def _asset(
    title: str,
    kind: str,
    upload: SimpleUploadedFile,
    *,
    owner: Person | None,
    tags: list[str],
    source: str,
    uses: list[str],
    description: str = "",
    licence: str = "",
    rights_until: dt.date | None = None,
    note: str = "",
) -> Asset:
    data = services.AssetData(
        title=title,
        description=description,
        kind=kind,
        owner=owner,
        tags=tags,
        source=source,
        licence=licence,
        allowed_uses=uses,
        rights_valid_until=rights_until,
    )
    return services.create_asset(data, upload, note=note, by=owner)


def load(ctx: DemoContext) -> None:
    if Asset.objects.exists():
        return
    rng = ctx.rng
    today = timezone.localdate()

    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    vince = _person("Vince", "Claes")
    mira = _person("Mira", "Dubois")
    dirk = _person("Dirk", "Maes")
    jonas = _person("Jonas", "Pauwels")
    actor = _staff_at("Delta Gent")
    cashier = _staff_at("Delta Antwerpen")
    gardener = _staff_at("Delta Liège")

    # 1. The role-play video: consent ends in 10 days, used by an item and a campaign.
    roleplay = _asset(
        "Rollenspel: klachten aan de kassa",
        Kind.VIDEO,
        _placeholder("demo-placeholder-rollenspel-klachten.mp4", "a role-play video"),
        owner=vince,
        tags=["klachten", "kassa", "gent"],
        source=Source.OWN,
        uses=[L, M],
        description="Twee collega's spelen een klacht aan de kassa na, opgenomen in Delta Gent.",
        note="Montage v1",
    )
    if actor is not None:
        services.add_consent(
            roleplay,
            person=actor,
            name="",
            scopes=[L, M],
            given_on=days(-355),
            valid_until=days(10),
            note="Toestemming voor één jaar, getekend bij de opname.",
            by=vince,
        )
    for kwargs in (
        {"item_id": _item("Klachten behandelen aan de kassa", "réclamation", "complaint")},
        {"campaign_id": _campaign("complaint-handling-launch")},
    ):
        if next(iter(kwargs.values())) is None:
            continue
        try:
            services.add_use(roleplay, by=vince, **kwargs)
        except services.UseError:
            ctx.notes.append("assets: a demo place could not use the role-play video")

    # 2. Spring display: stock photo, rights until autumn, marketing and external.
    _asset(
        "Voorjaarsdisplay tuincentrum",
        Kind.IMAGE,
        _png("voorjaarsdisplay.png", ("#cfe8ff", "#7fb069"), rng),
        owner=mira,
        tags=["voorjaar", "tuin", "display"],
        source=Source.STOCK,
        uses=[M, E],
        licence="Stockfoto, standaardlicentie; geen gebruik in drukwerk boven A3.",
        rights_until=days(200),
    )

    # 3. Cash desk close-up: the cashier withdrew her consent.
    close_up = _asset(
        "Kassa close-up Antwerpen",
        Kind.IMAGE,
        _png("kassa-antwerpen.png", ("#f4e1c1", "#8d6e63"), rng),
        owner=mira,
        tags=["kassa", "antwerpen"],
        source=Source.EMPLOYEE,
        uses=[L, M],
    )
    if cashier is not None:
        withdrawn = services.add_consent(
            close_up,
            person=cashier,
            name="",
            scopes=[L, M],
            given_on=days(-120),
            valid_until=days(245),
            by=mira,
        )
        services.withdraw_consent(withdrawn, on=days(-5))

    # 4. Safety poster: a PDF, two versions.
    safety = _asset(
        "Affiche: veilig werken met de heftruck",
        Kind.DOCUMENT,
        _pdf(
            "affiche-heftruck.pdf",
            "Veilig werken met de heftruck",
            [
                "1. Draag je gordel.",
                "2. Rij stapvoets in de winkel.",
                "3. Last laag bij het rijden.",
            ],
        ),
        owner=dirk,
        tags=["veiligheid", "heftruck"],
        source=Source.OWN,
        uses=[L],
    )
    services.add_version(
        safety,
        _pdf(
            "affiche-heftruck-v2.pdf",
            "Veilig werken met de heftruck",
            [
                "1. Draag je gordel.",
                "2. Rij stapvoets in de winkel.",
                "3. Last laag bij het rijden.",
                "4. Nooit iemand meenemen op de vork.",
            ],
        ),
        note="Regel 4 toegevoegd na het incident in Brussel",
        by=dirk,
    )

    # 5. The logo: own, every use, no end.
    logo = _asset(
        "Logo Delta Huis & Tuin",
        Kind.IMAGE,
        _png("delta-logo.png", ("#00654c", "#ffd166"), rng),
        owner=jonas,
        tags=["merk", "logo"],
        source=Source.OWN,
        uses=[L, M, E],
    )
    services.add_version(
        logo,
        _png("delta-logo-2026.png", ("#00654c", "#ffffff"), rng),
        note="Huisstijl 2026",
        by=jonas,
    )

    # 6. A customer's terrace in Liège: consent of someone outside Leerpad.
    terrace = _asset(
        "Témoignage client : terrasse à Liège",
        Kind.IMAGE,
        _png("terrasse-liege.png", ("#e3f2fd", "#a1887f"), rng),
        owner=mira,
        tags=["klantverhaal", "liège", "terras"],
        source=Source.EMPLOYEE,
        uses=[L, M, E],
        description="Photo prise par un collègue de Delta Liège chez un client satisfait.",
    )
    services.add_consent(
        terrace,
        person=None,
        name="Mme Lambert (cliente)",
        scopes=[M, E],
        given_on=days(-30),
        valid_until=days(335),
        by=mira,
    )
    if gardener is not None:
        services.add_consent(
            terrace,
            person=gardener,
            name="",
            scopes=[L, M, E],
            given_on=days(-30),
            valid_until=days(700),
            by=mira,
        )

    # 7. A jingle from an agency: rights end in 45 days.
    _asset(
        "Podcast-jingle 'Tuintips'",
        Kind.AUDIO,
        _placeholder("demo-placeholder-jingle.mp3", "a podcast jingle"),
        owner=vince,
        tags=["podcast", "audio"],
        source=Source.AGENCY,
        uses=[L, M],
        licence="Licentie van het bureau voor twee jaar, intern gebruik.",
        rights_until=days(45),
    )

    # 8. A checklist as a text document.
    _asset(
        "Checklist: retours aan de balie",
        Kind.DOCUMENT,
        SimpleUploadedFile(
            "checklist-retours.txt",
            b"Checklist retours\n- Kassaticket?\n- Binnen 30 dagen?\n- Staat van het product\n",
            content_type="text/plain",
        ),
        owner=dirk,
        tags=["retours", "kassa"],
        source=Source.OWN,
        uses=[L],
    )
    ctx.notes.append(f"assets: {Asset.objects.count()} assets")
