"""The message library: reusable messages with a storytelling structure.

A template holds the same parts as a campaign message (subject, hook, story, ask per
language) and is checked with the same rules (`personalise` tokens, a Leerpad link), so a
message filled from it saves without surprises. Writes are one transaction each; the
reads the pages need (search, the picker's choices, the previews) live here too, as the
library is small enough not to need a module of its own for them.

Starter templates (`STARTERS`) show the structure at work; `add_starters` adds the ones
whose name is not taken yet, so it may run on every demo load or button press.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from leerpad.campaigns import personalise
from leerpad.campaigns.models import (
    ANY_CHANNEL,
    LANGUAGES,
    MESSAGE_PARTS,
    Message,
    MessageTemplate,
)
from leerpad.campaigns.personalise import Rendered

if TYPE_CHECKING:
    from leerpad.accounts.models import Person

MAX_TAGS = 10
MAX_TAG_LENGTH = 30


class LibraryError(ValueError):
    """A template could not be saved; `messages` lists why."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


# --- Cleaning --------------------------------------------------------------------------------


def parse_tags(text: str | Iterable[str]) -> list[str]:
    """Tags as typed ("Onboarding, safety") to the stored form: lower case, unique, in order."""
    items = text.split(",") if isinstance(text, str) else list(text)
    tags: list[str] = []
    for item in items:
        tag = " ".join(str(item).split()).lower()
        if tag and tag not in tags:
            tags.append(tag)
    return tags


def clean_texts(texts: Mapping[str, Mapping[str, Any]]) -> dict[str, dict[str, str]]:
    return {
        lang: {part: str((texts.get(lang) or {}).get(part, "")).strip() for part in MESSAGE_PARTS}
        for lang in LANGUAGES
    }


def is_written(texts: Mapping[str, Mapping[str, str]]) -> bool:
    return any(any(parts.values()) for parts in texts.values())


def _check(
    name: str, channel: str, tags: list[str], texts: dict[str, dict[str, str]], link: str
) -> tuple[list[str], str]:
    """Every problem of a template (empty when it may be saved) and the cleaned link."""
    from leerpad.campaigns import services

    problems: list[str] = []
    if not name:
        problems.append(gettext("A template needs a name."))
    elif len(name) > 120:
        problems.append(gettext("The name is longer than 120 characters."))
    if channel != ANY_CHANNEL and channel not in Message.Channel.values:
        problems.append(gettext("Unknown channel."))
    if len(tags) > MAX_TAGS:
        problems.append(gettext("At most %(n)d tags.") % {"n": MAX_TAGS})
    if any(len(tag) > MAX_TAG_LENGTH for tag in tags):
        problems.append(gettext("A tag is at most %(n)d characters.") % {"n": MAX_TAG_LENGTH})
    if not is_written(texts):
        problems.append(gettext("Write the message in at least one language."))
    # The campaign message's own rules, so a message filled from a template always saves.
    problems += personalise.problems(texts)
    try:
        link = services._clean_link(link)
    except services.CampaignError as exc:
        problems += exc.messages
    return problems, link


def _name_taken(name: str, exclude: int | None = None) -> bool:
    found = MessageTemplate.objects.filter(name__iexact=name)
    if exclude is not None:
        found = found.exclude(pk=exclude)
    return found.exists()


# --- Writes ----------------------------------------------------------------------------------


@transaction.atomic
def create_template(
    name: str,
    *,
    texts: Mapping[str, Mapping[str, Any]],
    purpose: str = "",
    channel: str = ANY_CHANNEL,
    tags: str | Iterable[str] = (),
    link: str = "",
    by: Person | None = None,
) -> MessageTemplate:
    name = name.strip()
    clean, tag_list = clean_texts(texts), parse_tags(tags)
    problems, link = _check(name, channel, tag_list, clean, link)
    if name and _name_taken(name):
        problems.insert(0, gettext("A template with this name exists already."))
    if problems:
        raise LibraryError(problems)
    return MessageTemplate.objects.create(
        name=name,
        purpose=purpose.strip(),
        channel=channel,
        tags=tag_list,
        texts=clean,
        link=link,
        created_by=by,
    )


@transaction.atomic
def update_template(
    template: MessageTemplate,
    name: str,
    *,
    texts: Mapping[str, Mapping[str, Any]],
    purpose: str = "",
    channel: str = ANY_CHANNEL,
    tags: str | Iterable[str] = (),
    link: str = "",
) -> MessageTemplate:
    name = name.strip()
    clean, tag_list = clean_texts(texts), parse_tags(tags)
    problems, link = _check(name, channel, tag_list, clean, link)
    if name and _name_taken(name, exclude=template.pk):
        problems.insert(0, gettext("A template with this name exists already."))
    if problems:
        raise LibraryError(problems)
    template.name, template.purpose, template.channel = name, purpose.strip(), channel
    template.tags, template.texts, template.link = tag_list, clean, link
    template.updated_at = timezone.now()
    template.save()
    return template


def _free_name(base: str) -> str:
    name, n = base[:120], 1
    while _name_taken(name):
        n += 1
        suffix = f" ({n})"
        name = base[: 120 - len(suffix)] + suffix
    return name


@transaction.atomic
def duplicate_template(template: MessageTemplate, *, by: Person | None) -> MessageTemplate:
    """A copy to change without touching the original; its use count starts at zero."""
    name = _free_name(gettext("Copy of %(name)s") % {"name": template.name})
    return MessageTemplate.objects.create(
        name=name,
        purpose=template.purpose,
        channel=template.channel,
        tags=list(template.tags),
        texts=clean_texts(template.texts),
        link=template.link,
        created_by=by,
    )


@transaction.atomic
def delete_template(template: MessageTemplate) -> None:
    # Campaign messages filled from it keep their own copy of the texts.
    template.delete()


@transaction.atomic
def record_use(template_id: int | str | None) -> bool:
    """A campaign message was saved from the template: count it (False: no such template)."""
    if template_id is None or not str(template_id).isdigit():
        return False
    updated = MessageTemplate.objects.filter(pk=int(template_id)).update(
        times_used=F("times_used") + 1
    )
    return bool(updated)


def initial_from_message(message: Message) -> dict[str, Any]:
    """What the "save as a template" form starts with: the message as it is."""
    label = Message.Channel(message.channel).label
    return {
        "name": _free_name(f"{message.campaign.name} · {label}"),
        "purpose": gettext("Saved from the campaign “%(name)s”.") % {"name": message.campaign.name},
        "channel": message.channel,
        "link": message.link,
        "texts": clean_texts(message.texts),
    }


# --- Starters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Starter:
    name: str
    purpose: str
    channel: str
    tags: tuple[str, ...]
    texts: dict[str, dict[str, str]]
    link: str = ""


STARTERS: tuple[Starter, ...] = (
    Starter(
        name="Welcome: your first week",
        purpose="New hires, first week: one small first step, told by a colleague.",
        channel=ANY_CHANNEL,
        tags=("onboarding", "new hire"),
        texts={
            "nl": {
                "subject": "Welkom bij Delta, {first_name}",
                "hook": "Je eerste week in {location}: één kleine stap volstaat.",
                "story": "Sofie begon vorig jaar in de winkel in Gent. Ze keek op haar eerste "
                "dag tien minuten naar de kassamodule en stond die middag zelf aan de kassa.",
                "ask": "Start je eerste stap",
            },
            "fr": {
                "subject": "Bienvenue chez Delta, {first_name}",
                "hook": "Ta première semaine à {location} : un petit pas suffit.",
                "story": "Sofie a commencé l'an dernier au magasin de Gand. Le premier jour, "
                "elle a suivi dix minutes du module caisse et l'après-midi, elle tenait la "
                "caisse elle-même.",
                "ask": "Commencer ma première étape",
            },
            "en": {
                "subject": "Welcome to Delta, {first_name}",
                "hook": "Your first week in {location}: one small step is enough.",
                "story": "Sofie started in the Ghent store last year. On her first day she "
                "spent ten minutes on the till module, and that afternoon she ran the till "
                "herself.",
                "ask": "Start my first step",
            },
        },
    ),
    Starter(
        name="Nudge: pick up where you left off",
        purpose="People who stalled in a path: their progress, and a short next step.",
        channel=ANY_CHANNEL,
        tags=("stalled", "paths"),
        texts={
            "nl": {
                "subject": "{first_name}, je bent al op weg in {path}",
                "hook": "Je hebt al {progress} van {path} gedaan.",
                "story": "Karim uit Antwerpen zat ook halverwege vast. Hij nam elke dinsdag "
                "een kwartier voor de volgende stap en rondde het pad af in drie weken.",
                "ask": "Ga verder waar je was",
            },
            "fr": {
                "subject": "{first_name}, tu es déjà en route dans {path}",
                "hook": "Tu as déjà fait {progress} de {path}.",
                "story": "Karim, d'Anvers, était lui aussi bloqué à mi-chemin. Il a pris un "
                "quart d'heure chaque mardi pour l'étape suivante et a terminé le parcours "
                "en trois semaines.",
                "ask": "Reprendre où j'en étais",
            },
            "en": {
                "subject": "{first_name}, you are well on your way in {path}",
                "hook": "You have already done {progress} of {path}.",
                "story": "Karim from Antwerp got stuck halfway too. He took a quarter of an "
                "hour every Tuesday for the next step and finished the path in three weeks.",
                "ask": "Continue where I was",
            },
        },
    ),
    Starter(
        name="Safety: a moment that counts",
        purpose="Safety at work: a near miss in a store, and the one step that prevents it.",
        channel=Message.Channel.EMAIL,
        tags=("safety", "compliance"),
        texts={
            "nl": {
                "subject": "Wat Ahmed in Brussel bijna overkwam",
                "hook": "Eén ladder, één seconde: het had anders kunnen aflopen.",
                "story": "Ahmed wilde in het magazijn van Brussel snel een doos van het "
                "bovenste rek halen. Omdat hij de module 'Veilig werken op hoogte' had "
                "gevolgd, zette hij eerst de ladder vast. Die schoof net op dat moment weg.",
                "ask": "Bekijk de module (8 minuten)",
            },
            "fr": {
                "subject": "Ce qui a failli arriver à Ahmed à Bruxelles",
                "hook": "Une échelle, une seconde : cela aurait pu mal finir.",
                "story": "Dans l'entrepôt de Bruxelles, Ahmed voulait vite descendre une boîte "
                "du rayon du haut. Comme il avait suivi le module « Travailler en hauteur en "
                "sécurité », il a d'abord bloqué l'échelle. Elle a glissé à ce moment-là.",
                "ask": "Voir le module (8 minutes)",
            },
            "en": {
                "subject": "What almost happened to Ahmed in Brussels",
                "hook": "One ladder, one second: it could have ended differently.",
                "story": "In the Brussels warehouse Ahmed wanted to grab a box from the top "
                "shelf quickly. Because he had taken the 'Working safely at height' module, "
                "he secured the ladder first. It slid away at that very moment.",
                "ask": "Watch the module (8 minutes)",
            },
        },
    ),
    Starter(
        name="Session: seats are going",
        purpose="A live session with few seats left: social proof and a clear date.",
        channel=Message.Channel.SLACK,
        tags=("sessions", "events"),
        texts={
            "nl": {
                "subject": "Nog enkele plaatsen vrij",
                "hook": "Nog een paar plaatsen voor de workshop van volgende week.",
                "story": "Twaalf collega's uit {location} schreven zich al in. Vorige keer "
                "gingen de teams naar huis met drie ideeën die ze de dag erna uitprobeerden.",
                "ask": "Schrijf je in",
            },
            "fr": {
                "subject": "Encore quelques places",
                "hook": "Encore quelques places pour l'atelier de la semaine prochaine.",
                "story": "Douze collègues de {location} sont déjà inscrits. La dernière fois, "
                "les équipes sont reparties avec trois idées testées dès le lendemain.",
                "ask": "M'inscrire",
            },
            "en": {
                "subject": "A few seats left",
                "hook": "A few seats left for next week's workshop.",
                "story": "Twelve colleagues from {location} have signed up already. Last time "
                "the teams went home with three ideas they tried the very next day.",
                "ask": "Sign me up",
            },
        },
    ),
    Starter(
        name="Skill of the month",
        purpose="A monthly tip in Leerpad itself: one skill, one colleague, five minutes.",
        channel=Message.Channel.IN_APP,
        tags=("monthly", "skills"),
        texts={
            "nl": {
                "subject": "Vaardigheid van de maand",
                "hook": "Deze maand: een klant met een klacht kalm helpen.",
                "story": "Lies in Liège gebruikt drie zinnen uit de korte module en ziet "
                "klanten weer glimlachen. Vijf minuten, op je eigen moment.",
                "ask": "Probeer de module",
            },
            "fr": {
                "subject": "La compétence du mois",
                "hook": "Ce mois-ci : aider calmement un client mécontent.",
                "story": "À Liège, Lies utilise trois phrases du court module et voit les "
                "clients sourire à nouveau. Cinq minutes, quand tu veux.",
                "ask": "Essayer le module",
            },
            "en": {
                "subject": "Skill of the month",
                "hook": "This month: helping an unhappy customer calmly.",
                "story": "Lies in Liège uses three sentences from the short module and sees "
                "customers smile again. Five minutes, whenever suits you.",
                "ask": "Try the module",
            },
        },
    ),
)


@transaction.atomic
def add_starters(*, by: Person | None = None) -> int:
    """Add the starter templates whose names are free; how many were added."""
    added = 0
    for starter in STARTERS:
        if _name_taken(starter.name):
            continue
        MessageTemplate.objects.create(
            name=starter.name,
            purpose=starter.purpose,
            channel=starter.channel,
            tags=list(starter.tags),
            texts=clean_texts(starter.texts),
            link=starter.link,
            created_by=by,
        )
        added += 1
    return added


# --- Reads -----------------------------------------------------------------------------------


def search(query: str = "", channel: str = "", tag: str = "") -> list[MessageTemplate]:
    """Templates matching the words, usable on the channel ("any" ones included), with the tag.

    The tag is matched in Python: SQLite cannot look inside a JSON list, and the library
    holds tens of templates, not thousands.
    """
    found: QuerySet[MessageTemplate] = MessageTemplate.objects.select_related("created_by")
    for word in query.split():
        found = found.filter(Q(name__icontains=word) | Q(purpose__icontains=word))
    if channel == ANY_CHANNEL:
        found = found.filter(channel=ANY_CHANNEL)
    elif channel:
        found = for_channel(channel, found)
    templates = list(found.order_by("name", "pk"))
    if tag:
        wanted = parse_tags(tag)
        templates = [t for t in templates if wanted and wanted[0] in (t.tags or [])]
    return templates


def for_channel(
    channel: str, found: QuerySet[MessageTemplate] | None = None
) -> QuerySet[MessageTemplate]:
    """The templates a message on `channel` may be filled from."""
    base = MessageTemplate.objects.all() if found is None else found
    return base.filter(Q(channel=channel) | Q(channel=ANY_CHANNEL)).order_by("name", "pk")


def all_tags() -> list[str]:
    tags: set[str] = set()
    for row in MessageTemplate.objects.values_list("tags", flat=True):
        tags.update(str(tag) for tag in row or [])
    return sorted(tags)


# --- Previews --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChannelPreview:
    """A template's message on one channel in one language, as the channel's sender builds it."""

    channel: str
    label: str
    rendered: Rendered
    # E-mail: the subject and the HTML part exactly as `channels.email` sends them.
    subject: str = ""
    html: str = ""
    # Slack and Teams: the JSON posted to the webhook, and the parts drawn from it.
    payload: dict[str, Any] | None = None
    payload_json: str = ""
    # In Leerpad: the notification's title, text and link text.
    title: str = ""


@dataclass(frozen=True)
class LanguagePreview:
    language: str
    name: str
    written: bool
    channels: tuple[ChannelPreview, ...]


def sample_values(person: Person, language: str) -> dict[str, str]:
    """The tokens' values in a preview: the viewer's own name and location; for the path
    and progress (which come from a campaign) an example in the preview's language."""
    with translation.override(language):
        return {
            "first_name": person.first_name or gettext("Alex"),
            "location": person.location.name if person.location_id else gettext("Gent"),  # type: ignore[union-attr]
            "path": gettext("Safety at work"),
            "progress": gettext("%(done)s of %(total)s steps") % {"done": 3, "total": 7},
        }


def channels_of(channel: str) -> list[str]:
    return list(Message.Channel.values) if channel == ANY_CHANNEL else [channel]


def preview_channel(channel: str, rendered: Rendered) -> ChannelPreview:
    """One channel's rendering through the channel's own code (what you see is what is sent)."""
    import json

    from leerpad.campaigns.channels import slack, teams

    label = str(Message.Channel(channel).label)
    if channel == Message.Channel.EMAIL:
        from django.utils.text import Truncator

        subject = rendered.subject or Truncator(rendered.hook).chars(80) or "Leerpad"
        html = render_to_string("campaigns/email/message.html", {"m": rendered})
        return ChannelPreview(
            channel, label, rendered, subject=" ".join(subject.split()), html=html
        )
    if channel in (Message.Channel.SLACK, Message.Channel.TEAMS):
        payload = (
            slack.payload(rendered) if channel == Message.Channel.SLACK else teams.card(rendered)
        )
        return ChannelPreview(
            channel,
            label,
            rendered,
            payload=payload,
            payload_json=json.dumps(payload, indent=2, ensure_ascii=False),
        )
    # In Leerpad: the Notification `channels.in_app` creates.
    return ChannelPreview(channel, label, rendered, title=(rendered.hook or rendered.subject)[:300])


def previews(
    texts: Mapping[str, Mapping[str, str]], channel: str, link: str, person: Person
) -> list[LanguagePreview]:
    """Every language and every channel of the template (one channel when it names one)."""
    from leerpad.campaigns.forms_campaigns import LANGUAGE_NAMES

    found: list[LanguagePreview] = []
    for language in LANGUAGES:
        parts = texts.get(language) or {}
        written = any(str(parts.get(part, "")).strip() for part in MESSAGE_PARTS)
        values = sample_values(person, language)
        filled = {
            part: personalise.formatter.fill(str(parts.get(part, "")), values).strip()
            for part in MESSAGE_PARTS
        }
        rendered = Rendered(language=language, link=link or "/", unsubscribe="#", **filled)
        found.append(
            LanguagePreview(
                language,
                LANGUAGE_NAMES[language],
                written,
                tuple(preview_channel(c, rendered) for c in channels_of(channel))
                if written
                else (),
            )
        )
    return found


def carry_picks(forms: Iterable[tuple[str, Any]], data: Mapping[str, Any] | None) -> dict[str, int]:
    """The templates the campaign form's messages were filled from (hidden
    `<channel>-library_template` fields), kept on the forms so a form shown again after an
    error still says so; {channel: template id} to count the uses once the campaign saves."""
    if not data:
        return {}
    wanted = {channel: str(data.get(f"{channel}-library_template", "")) for channel, _form in forms}
    ids = {channel: int(pk) for channel, pk in wanted.items() if pk.isdigit()}
    found = MessageTemplate.objects.in_bulk(set(ids.values()))
    for channel, form in forms:
        if ids.get(channel) in found:
            form.library_template = found[ids[channel]]
    return {channel: pk for channel, pk in ids.items() if pk in found}
