"""Personal messages: safe tokens, the recipient's language, and the rendered message.

Marketers write `{first_name}`, `{location}`, `{path}` and `{progress}` in a message; the
same whitelist formatter as the impact report's narrative (`reports.narrative.SafeFormatter`,
see its docstring for why not a template or plain `str.format`) fills them, and refuses
anything else when the message is saved, naming the tokens it knows.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from leerpad.campaigns.models import FALLBACK_LANGUAGES, LANGUAGES, MESSAGE_PARTS, Campaign
from leerpad.reports.narrative import PlaceholderError, SafeFormatter

if TYPE_CHECKING:
    from leerpad.accounts.models import Person
    from leerpad.campaigns.models import Message

TOKENS: dict[str, str | Promise] = {
    "first_name": _("the recipient's first name"),
    "location": _("the recipient's location (branch)"),
    "path": _("the title of the campaign's path, in the recipient's language"),
    "progress": _("the recipient's progress in that path, e.g. “3 of 7 steps”"),
}

formatter = SafeFormatter(TOKENS)

__all__ = ["TOKENS", "PlaceholderError", "Rendered", "known_tokens", "problems", "render"]


def known_tokens() -> str:
    return ", ".join("{" + name + "}" for name in TOKENS)


def problems(texts: Mapping[str, Mapping[str, str]]) -> list[str]:
    """What is wrong with the tokens of a message's texts (empty when all is well)."""
    found: list[str] = []
    for language in LANGUAGES:
        for part in MESSAGE_PARTS:
            text = texts.get(language, {}).get(part, "")
            for problem in formatter.problems(text):
                found.append(f"{language.upper()} {part}: {problem}")
    if found:
        found.append(str(_("Known tokens: %(tokens)s.") % {"tokens": known_tokens()}))
    return found


def language_for(person: Person, texts: Mapping[str, Mapping[str, str]]) -> str:
    """The person's language when the message has it; else English, Dutch, French."""

    def written(language: str) -> bool:
        parts = texts.get(language) or {}
        return any(str(parts.get(part, "")).strip() for part in MESSAGE_PARTS)

    if person.language and written(person.language):
        return str(person.language)
    return next((lang for lang in FALLBACK_LANGUAGES if written(lang)), FALLBACK_LANGUAGES[0])


def values_for(person: Person, campaign: Campaign, language: str) -> dict[str, str]:
    """The tokens' values for one recipient (empty text when one does not apply)."""
    from leerpad.paths import queries as path_queries
    from leerpad.paths.models import Enrolment

    values = {
        "first_name": person.first_name,
        "location": person.location.name if person.location_id else "",  # type: ignore[union-attr]
        "path": "",
        "progress": "",
    }
    path = campaign.goal_path
    if path is not None:
        version = path.current
        values["path"] = version.title(language) if version is not None else path.key
        enrolment = (
            Enrolment.objects.filter(person=person, path=path)
            .select_related("path", "version__path")
            .first()
        )
        if enrolment is not None:
            progress = path_queries.progress_of(person.pk, [enrolment])[0]
            with translation.override(language):
                values["progress"] = str(
                    _("%(done)s of %(total)s steps")
                    % {"done": progress.steps_done, "total": len(progress.steps)}
                )
    return values


@dataclass(frozen=True)
class Rendered:
    """A message as one person gets it: plain texts, the tracked link, the unsubscribe link."""

    language: str
    subject: str
    hook: str
    story: str
    ask: str
    link: str
    unsubscribe: str

    def as_json(self) -> dict[str, str]:
        return {
            "language": self.language,
            "subject": self.subject,
            "hook": self.hook,
            "story": self.story,
            "ask": self.ask,
            "link": self.link,
            "unsubscribe": self.unsubscribe,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, str]) -> Rendered:
        return cls(**{name: str(data.get(name, "")) for name in cls.__dataclass_fields__})


def render(
    message: Message,
    person: Person,
    *,
    link: str = "",
    unsubscribe: str = "",
    values: Mapping[str, str] | None = None,
) -> Rendered:
    """The message in the person's language with the tokens filled (plain text)."""
    language = language_for(person, message.texts)
    if values is None:
        values = values_for(person, message.campaign, language)
    parts = message.texts.get(language) or {}
    filled = {
        part: formatter.fill(str(parts.get(part, "")), values).strip() for part in MESSAGE_PARTS
    }
    return Rendered(language=language, link=link, unsubscribe=unsubscribe, **filled)
