"""The register's timeline as an inline SVG: a row per partnership, a dot per reported step on a
year axis, a legend for the dots' colours. Drawn here, escaped, rather than with a plotting
library: nothing loads from outside and nothing in it runs, whatever an article's text holds (the
app's Content-Security-Policy would block a script-driven chart anyway).

Each dot can be reached with the keyboard (Tab) and names its step and date when hovered or
focused: a label beside it (shown by the page's CSS, rag.web.cards.CSS) and a <title> for screen
readers and tooltips.
"""

from __future__ import annotations

import html

from rag.register.extraction import Partnership
from rag.register.queries import shown, shown_form
from rag.register.words import Status
from rag.text.dates import Precision, When
from rag.text.messages import REGISTER, in_language

ROW = 28
LEFT = 210
RIGHT = 40  # room for the last year's label, whole
WIDTH = 980
LEGEND = 30
COLOURS = {Status.SIGNED: "#1a7f37", Status.ONGOING: "#0969da", Status.PLANNED: "#bf8700", None: "#6e7781"}


def timeline_svg(records: list[Partnership], empty: str = "—", language: str = "id") -> str:
    dated = [(r, s, date) for r in records for s in r.stages if (date := s.date)]
    if not dated:
        return f"<p>{html.escape(empty)}</p>"
    years = [date.year for _, _, date in dated]
    first, last = min(years), max(years) + 1
    span = max(last - first, 1)
    rows = [r for r in records if any(s.date for s in r.stages)]
    axis = LEGEND + ROW * len(rows) + 6
    height = axis + ROW

    def x(date: When) -> float:
        """A date's place on the axis: its month's middle, a year's middle month."""
        month = date.first.month if date.precision >= Precision.MONTH else 6
        return LEFT + (date.year - first + (month - 0.5) / 12) / span * (WIDTH - LEFT - RIGHT)

    parts = [f'<svg class="rag-timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="group" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">', _legend(language)]
    for year in range(first, last + 1):
        left = x(When.in_month(year, 1))
        parts.append(f'<line x1="{left:.1f}" y1="{LEGEND}" x2="{left:.1f}" y2="{axis}" stroke="#d0d7de"/>'
                     f'<text class="rag-year" x="{left:.1f}" y="{height - 8}" text-anchor="middle" fill="#57606a">{year}</text>')
    for number, record in enumerate(rows):
        y = LEGEND + ROW * number + ROW / 2
        parts.append(f'<text x="4" y="{y + 4:.1f}">{html.escape(record.partner[:30])}</text>')
        for stage, date in ((s, d) for s in record.stages if (d := s.date)):
            said = html.escape(f"{record.partner}: {shown_form(stage.form, language)}, {stage.date}, "
                               f"{shown('status', stage.status or 'none', language)}")
            cx = x(date)
            anchor = "end" if cx > WIDTH / 2 else "start"
            offset = -10 if anchor == "end" else 10
            parts.append(
                f'<g class="rag-dot" tabindex="0" role="img" aria-label="{said}">'
                f'<circle cx="{cx:.1f}" cy="{y:.1f}" r="6" fill="{COLOURS.get(stage.status, "#6e7781")}"><title>{said}</title></circle>'
                f'<text class="rag-dot-label" x="{cx + offset:.1f}" y="{y - 9:.1f}" text-anchor="{anchor}">{said}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(language: str) -> str:
    words = in_language(REGISTER, language)
    items, left = [f'<text x="4" y="18" fill="#57606a">{html.escape(words["legend"])}:</text>'], LEFT
    for status in (Status.SIGNED, Status.ONGOING, Status.PLANNED, None):
        label = html.escape(shown("status", status or "none", language))
        items.append(f'<g class="rag-legend"><circle cx="{left:.1f}" cy="14" r="6" fill="{COLOURS[status]}"/>'
                     f'<text x="{left + 10:.1f}" y="18">{label}</text></g>')
        left += 40 + 7 * len(label)
    return "".join(items)
