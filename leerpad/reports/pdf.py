"""The report as a PDF (fpdf2), drawn from the report's snapshot only.

Like the page, the PDF reads the frozen figures and narrative, never today's data, so the
file downloaded next year says what the report said when it was generated. The weekly
chart is drawn with rectangles (a bar per week, a withheld week left empty and marked),
and every number is also printed as text. Fonts: DejaVu Sans when the machine has it,
else Helvetica with the text folded to Latin-1, as for certificates.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.translation import gettext as _

from leerpad.paths.certificates import FONT_BOLD, FONT_REGULAR, latin1
from leerpad.reports.figures import Line, MonthFigures
from leerpad.reports.models import MonthlyReport

if TYPE_CHECKING:
    from fpdf import FPDF

Colour = tuple[int, int, int]

GREEN: Colour = (11, 107, 79)
TEXT: Colour = (30, 43, 39)
MUTED: Colour = (86, 101, 95)
CHART_HEIGHT = 45.0  # mm


def _number(value: int | None, k: int) -> str:
    return f"< {k}" if value is None else str(formats.number_format(value, force_grouping=True))


def render_pdf(report: MonthlyReport) -> bytes:
    """The report as an A4 portrait PDF in the report's language."""
    from fpdf import FPDF

    figures = MonthFigures.from_json(report.figures)
    narrative = {name: str(text) for name, text in (report.narrative or {}).items()}
    k = figures.k
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_creation_date(report.created_at.astimezone(dt.UTC))
    unicode_font = FONT_REGULAR.exists() and FONT_BOLD.exists()
    if unicode_font:
        pdf.add_font("DejaVu", "", str(FONT_REGULAR))
        pdf.add_font("DejaVu", "B", str(FONT_BOLD))
    family = "DejaVu" if unicode_font else "helvetica"

    def text(value: str) -> str:
        return value if unicode_font else latin1(value)

    def para(value: str, size: float = 10.5, *, bold: bool = False, colour: Colour = TEXT) -> None:
        if not value.strip():
            return
        pdf.set_text_color(*colour)
        pdf.set_font(family, "B" if bold else "", size)
        pdf.multi_cell(0, size * 0.5, text(value), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1.5)

    def heading(value: str) -> None:
        pdf.ln(3)
        para(value, 14, bold=True, colour=GREEN)

    def figure_rows(rows: list[tuple[str, int | None]]) -> None:
        pdf.set_font(family, "", 10.5)
        pdf.set_text_color(*TEXT)
        for label, value in rows:
            pdf.cell(110, 6, text(label))
            pdf.set_font(family, "B", 10.5)
            pdf.cell(0, 6, text(_number(value, k)), new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(family, "", 10.5)
        pdf.ln(2)

    def table(lines: list[Line], other: str) -> None:
        pdf.set_font(family, "", 10)
        pdf.set_text_color(*TEXT)
        for line in lines:
            pdf.cell(110, 5.5, text(other if line.other else line.label)[:70])
            pdf.cell(0, 5.5, text(_number(line.people, k)), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)

    with translation.override(report.language):
        title = narrative.get("title") or report.title
        pdf.set_title(text(title))
        pdf.set_author("Leerpad")
        pdf.add_page()
        para(title, 20, bold=True, colour=GREEN)
        para(narrative.get("intro", ""), 11.5)

        a = figures.adoption
        heading(_("Adoption"))
        para(narrative.get("adoption", ""))
        figure_rows(
            [
                (_("Active learners"), a.active),
                (_("New to Leerpad"), a.new),
                (_("Returning"), a.returning),
                (_("Active the month before"), a.previous_active),
            ]
        )
        _bar_chart(pdf, figures, family, text)

        p = figures.paths
        heading(_("Learning paths"))
        para(narrative.get("completions", ""))
        figure_rows(
            [
                (_("New enrolments"), p.enrolments),
                (_("Paths completed"), p.completions),
                (_("Certificates issued"), p.certificates),
            ]
        )
        table(p.completed_by_path, _("Other paths together"))

        s = figures.skills
        heading(_("Skills progress"))
        para(narrative.get("skills", ""))
        figure_rows(
            [
                (_("People who showed a skill"), s.people),
                (_("New skill evidence"), s.evidence),
                (_("Reached a higher level"), s.level_ups),
            ]
        )
        table(s.top, _("Other skills together"))

        heading(_("Most used in the catalogue"))
        if figures.top_items:
            table(figures.top_items, "")
        else:
            para(_("No catalogue item was used by at least %(k)s people this month.") % {"k": k})

        c = figures.campaigns
        heading(_("Campaign effects"))
        if c.has_data:
            para(narrative.get("campaigns", ""))
            days = c.window_days
            figure_rows(
                [
                    (_("Arrived through a campaign"), c.visitors),
                    (_("Enrolled in a path within %(days)s days") % {"days": days}, c.enrolled),
                    (
                        _("Completed an activity within %(days)s days") % {"days": days},
                        c.completed,
                    ),
                ]
            )
            table(c.by_campaign, _("Other campaigns together"))
        else:
            para(
                _(
                    "No one arrived through a campaign this month, so there are no campaign "
                    "effects to show."
                )
            )

        pdf.ln(2)
        para(narrative.get("closing", ""))
        pdf.ln(3)
        when = formats.date_format(report.created_at, "DATETIME_FORMAT")
        para(
            _(
                "Figures about people are shown only for groups of at least %(k)s; “< %(k)s” "
                "marks a figure left out for that reason. Figures as of %(when)s."
            )
            % {"k": k, "when": when},
            8.5,
            colour=MUTED,
        )
    return bytes(pdf.output())


def _bar_chart(pdf: FPDF, figures: MonthFigures, family: str, label: Callable[[str], str]) -> None:
    """Active learners per week as bars drawn with rectangles, values printed above them."""
    weeks = figures.adoption.weeks
    if not weeks:
        return
    if pdf.get_y() + CHART_HEIGHT + 16 > pdf.h - pdf.b_margin:
        pdf.add_page()
    left, width = pdf.l_margin, pdf.w - pdf.l_margin - pdf.r_margin
    top = pdf.get_y() + 4
    base = top + CHART_HEIGHT
    slot = width / len(weeks)
    highest = max((w.active or 0 for w in weeks), default=0) or 1
    pdf.set_draw_color(*MUTED)
    pdf.set_line_width(0.2)
    pdf.line(left, base, left + width, base)
    pdf.set_font(family, "", 8)
    for i, week in enumerate(weeks):
        x = left + slot * i + slot * 0.15
        bar_w = slot * 0.7
        if week.active is not None:
            height = CHART_HEIGHT * week.active / highest
            pdf.set_fill_color(*GREEN)
            pdf.rect(x, base - height, bar_w, height, style="F")
            value = str(formats.number_format(week.active, force_grouping=True))
            pdf.set_text_color(*TEXT)
            pdf.set_xy(x, base - height - 4.5)
        else:
            # Withheld (fewer than k): no bar, a marker says so.
            value = f"< {figures.k}"
            pdf.set_text_color(*MUTED)
            pdf.set_xy(x, base - 4.5)
        pdf.cell(bar_w, 4, label(value), align="C")
        pdf.set_text_color(*MUTED)
        pdf.set_xy(x - slot * 0.15, base + 1)
        day = formats.date_format(week.monday, "MONTH_DAY_FORMAT")
        pdf.cell(slot, 4, label(str(day)), align="C")
    pdf.set_xy(left, base + 6)
    pdf.set_text_color(*MUTED)
    pdf.set_font(family, "", 8.5)
    pdf.multi_cell(0, 4, label(_("Active learners per week")), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
