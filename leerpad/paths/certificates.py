"""Certificates of completed paths: the PDF the learner downloads, and the badge assertion
anyone can verify.

A `Certificate` is a snapshot taken when the path was completed (name, title in the
person's language, version, skills); both renderings read only the snapshot, so they say
what was true when it was issued, however the path changes later.

The PDF is drawn with fpdf2. It embeds DejaVu Sans when the machine has it (Debian's
`fonts-dejavu-core`), so every name prints as written; without it, it falls back to the
PDF core font Helvetica, which only knows Latin-1, and the text is folded to that
(“quotes” become "quotes", a letter outside Latin-1 loses its accent).

The badge assertion loosely follows Open Badges 2.0 (an `Assertion` with its
`BadgeClass` and issuer `Profile` inline, hosted verification): the badge page is the
verification, and the recipient is identified by a salted hash of their e-mail address,
so the JSON does not publish the address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from pathlib import Path
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from leerpad.core.links import absolute_url
from leerpad.core.texts import in_language
from leerpad.paths.models import Certificate
from leerpad.skills.models import Level

FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"
GREEN = (0, 101, 76)
_FOLD = str.maketrans(
    {
        "\u201c": '"',  # left double quotation mark
        "\u201d": '"',
        "\u201e": '"',
        "\u2018": "'",  # left single quotation mark
        "\u2019": "'",
        "\u201a": "'",
        "\u2013": "-",  # en dash
        "\u2014": "-",
        "\u2026": "...",
        "\u2022": "-",
        "\u20ac": "EUR",
        "\u00a0": " ",
        # Letters Unicode does not decompose into a Latin-1 letter and an accent.
        "\u0141": "L",  # L with stroke
        "\u0142": "l",
        "\u0110": "D",  # D with stroke
        "\u0111": "d",
        "\u0131": "i",  # dotless i
        "\u0152": "OE",
        "\u0153": "oe",
    }
)


def badge_url(certificate: Certificate) -> str:
    return absolute_url(reverse("paths:badge", args=[certificate.uid]))


def badge_json_url(certificate: Certificate) -> str:
    return absolute_url(reverse("paths:badge_json", args=[certificate.uid]))


def skill_rows(certificate: Certificate, language: str | None = None) -> list[dict[str, Any]]:
    """The certificate's skills with their names in `language` and their level's label."""
    rows = []
    for skill in certificate.skills or []:
        level = skill.get("level")
        try:
            level_label = str(Level(level).label)
        except ValueError:
            level_label = ""
        rows.append(
            {
                "key": skill.get("key", ""),
                "name": in_language(skill.get("names") or {}, language) or skill.get("key", ""),
                "level": level,
                "level_label": level_label,
            }
        )
    return rows


def latin1(text: str) -> str:
    """`text` as the PDF core fonts can print it (Latin-1), keeping what can be kept."""
    out = []
    for char in text.translate(_FOLD):
        if ord(char) < 256:
            out.append(char)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if ord(c) < 256)
        out.append(plain or "?")
    return "".join(out)


def _issued_on(certificate: Certificate) -> str:
    return formats.date_format(timezone.localdate(certificate.issued_at), "DATE_FORMAT")


def render_pdf(certificate: Certificate) -> bytes:
    """The certificate as an A4 landscape PDF, in the language of the person it names."""
    from fpdf import FPDF

    person = certificate.enrolment.person
    language = person.language or settings.LANGUAGE_CODE
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_creation_date(certificate.issued_at.astimezone(dt.UTC))
    unicode_font = FONT_REGULAR.exists() and FONT_BOLD.exists()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(FONT_REGULAR))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    family = "DejaVu" if unicode_font else "helvetica"

    def text(value: str) -> str:
        return value if unicode_font else latin1(value)

    def line(value: str, size: float, height: float, *, bold: bool = False) -> None:
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, height, text(value), align="C", new_x="LMARGIN", new_y="NEXT")

    with translation.override(language):
        title = _("Certificate of completion")
        pdf.set_title(text(f"{title}: {certificate.path_title}"))
        pdf.set_author("Leerpad")
        pdf.add_page()
        pdf.set_draw_color(*GREEN)
        pdf.set_line_width(1.5)
        pdf.rect(10, 10, 277, 190)
        pdf.set_line_width(0.4)
        pdf.rect(14, 14, 269, 182)
        pdf.set_margins(28, 20, 28)
        pdf.set_y(30)
        pdf.set_text_color(*GREEN)
        line(title, 30, 14, bold=True)
        pdf.set_text_color(30, 43, 39)
        pdf.ln(6)
        line(_("This certifies that"), 14, 8)
        pdf.ln(2)
        line(certificate.person_name, 26, 13, bold=True)
        pdf.ln(2)
        line(_("completed the learning path"), 14, 8)
        pdf.ln(2)
        line(certificate.path_title, 20, 10, bold=True)
        pdf.ln(4)
        line(
            _("on %(date)s · version %(version)s")
            % {"date": _issued_on(certificate), "version": certificate.version_number},
            12,
            7,
        )
        skills = skill_rows(certificate, language)
        if skills:
            pdf.ln(5)
            shown = ", ".join(
                f"{s['name']} ({s['level_label']})" if s["level_label"] else s["name"]
                for s in skills
            )
            line(_("Skills shown: %(skills)s") % {"skills": shown}, 12, 7)
        if certificate.revoked_at is not None:
            pdf.ln(4)
            pdf.set_text_color(163, 22, 26)
            line(_("This certificate was revoked."), 12, 7, bold=True)
            pdf.set_text_color(30, 43, 39)
        url = badge_url(certificate)
        pdf.set_y(170)
        pdf.set_text_color(86, 101, 95)
        line(_("Verify this certificate at:"), 10, 6)
        pdf.set_font(family, "", 10)
        pdf.cell(0, 6, text(url), align="C", link=url, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def assertion(certificate: Certificate) -> dict[str, Any]:
    """The certificate as a hosted Open Badges 2.0 style assertion (see the module text)."""
    enrolment = certificate.enrolment
    person = enrolment.person
    site = str(settings.SITE_URL).rstrip("/")
    path_url = site + enrolment.path.get_absolute_url()
    salt = certificate.uid.hex
    identity = hashlib.sha256((person.email.lower() + salt).encode()).hexdigest()
    language = person.language or settings.LANGUAGE_CODE
    with translation.override(language):
        skills = skill_rows(certificate, language)
        narrative = _(
            "Completed every required step of version %(version)s of the learning path."
        ) % {"version": certificate.version_number}
        evidence = _("The certificate's verification page")
    data: dict[str, Any] = {
        "@context": "https://w3id.org/openbadges/v2",
        "type": "Assertion",
        "id": badge_json_url(certificate),
        "recipient": {
            "type": "email",
            "hashed": True,
            "salt": salt,
            "identity": f"sha256${identity}",
        },
        # Not part of Open Badges 2.0: the name as printed, for people reading the JSON.
        "recipientName": certificate.person_name,
        "badge": {
            "type": "BadgeClass",
            "id": f"{path_url}#v{certificate.version_number}",
            "name": certificate.path_title,
            "description": certificate.path_title,
            "criteria": {
                "id": path_url,
                "narrative": narrative,
            },
            "issuer": {"type": "Profile", "id": site + "/", "name": "Leerpad", "url": site + "/"},
            "tags": [s["key"] for s in skills],
            "alignment": [
                {"targetName": s["name"], "targetCode": s["key"]}
                | ({"targetDescription": s["level_label"]} if s["level_label"] else {})
                for s in skills
            ],
            "version": str(certificate.version_number),
        },
        "issuedOn": certificate.issued_at.astimezone(dt.UTC).isoformat(),
        "verification": {"type": "HostedBadge"},
        "evidence": [{"id": badge_url(certificate), "narrative": evidence}],
        "revoked": certificate.revoked_at is not None,
    }
    if certificate.revoked_at is not None:
        data["revocationReason"] = certificate.revoked_reason
    return data
