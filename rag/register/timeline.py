"""The register's timeline as an inline SVG: a row per partnership, a dot per reported step on a
year axis. Drawn here, escaped, rather than with a plotting library: nothing loads from outside
and nothing in it runs, whatever an article's text holds (the app's Content-Security-Policy
would block a script-driven chart anyway).
"""

from __future__ import annotations

import html

from rag.register.extraction import Partnership

ROW = 28
LEFT = 210
WIDTH = 760
COLOURS = {"signed": "#1a7f37", "ongoing": "#0969da", "planned": "#bf8700", None: "#6e7781"}


def timeline_svg(records: list[Partnership], empty: str = "—") -> str:
    dated = [(r, s) for r in records for s in r.stages if s.date]
    if not dated:
        return f"<p>{html.escape(empty)}</p>"
    years = [int(s.date[:4]) for _, s in dated]
    first, last = min(years), max(years) + 1
    span = max(last - first, 1)
    rows = [r for r in records if any(s.date for s in r.stages)]
    height = ROW * (len(rows) + 1) + 10

    def x(date: str) -> float:
        year, month = int(date[:4]), int(date[5:7]) if len(date) >= 7 else 6
        return LEFT + (year - first + (month - 0.5) / 12) / span * (WIDTH - LEFT - 20)

    parts = [f'<svg class="rag-timeline" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
             f'xmlns="http://www.w3.org/2000/svg" font-size="12" font-family="sans-serif">']
    for year in range(first, last + 1):
        left = x(f"{year}-01")
        parts.append(f'<line x1="{left:.1f}" y1="0" x2="{left:.1f}" y2="{height - ROW + 6}" stroke="#d0d7de"/>'
                     f'<text x="{left + 2:.1f}" y="{height - 4}" fill="#57606a">{year}</text>')
    for number, record in enumerate(rows):
        y = ROW * number + ROW / 2 + 4
        parts.append(f'<text x="4" y="{y + 4:.1f}">{html.escape(record.partner[:30])}</text>')
        for stage in (s for s in record.stages if s.date):
            label = html.escape(f"{stage.form}, {stage.date}, {stage.status or '?'}")
            parts.append(f'<circle cx="{x(stage.date):.1f}" cy="{y:.1f}" r="6" fill="{COLOURS.get(stage.status, "#6e7781")}">'
                         f"<title>{label}</title></circle>")
    parts.append("</svg>")
    return "".join(parts)
